"""Quality 质量管理 (the quality side of QP-7.5-02 and its neighbours, seeds
001-I 6.3/6.6, 002-A, 002-B 5.4, 002-H, 002-O, 002-P, 002-S): quality
complaints 质量信息反馈单, quality tracking 质量跟踪, the 100 % callback and
5 % sampling chain, corrective and preventive actions (CAPA). Depends on
after_sales (work orders, service reports) and crm (customers). Hook
implementations only."""
from core import hookimpl

from .manifest import MANIFEST  # noqa: F401  (read by the plugin registry)


@hookimpl
def register_models():
    from .models import ALL_MODELS
    return ALL_MODELS


@hookimpl
def register_admin_views():
    from .admin import VIEWS
    return VIEWS


@hookimpl
def register_entities():
    from .entities import entities
    return entities()


@hookimpl
def register_responsibilities():
    from .responsibilities import responsibilities
    return responsibilities()


@hookimpl
def register_settings():
    from .settings import settings
    return settings()


@hookimpl
def register_sequences():
    from .numbers import sequences
    return sequences()


@hookimpl
def register_workflows():
    from .workflows import workflows
    return workflows()


@hookimpl
def register_deadlines():
    from .deadlines import deadlines
    return deadlines()


@hookimpl
def register_printables():
    from .printing import printables
    return printables()


@hookimpl
def register_reports():
    from .printing import reports
    return reports()


@hookimpl
def register_kpis():
    from .kpis import kpis
    return kpis()


@hookimpl
def dashboard_widgets(company, user):
    from .widgets import widgets
    return widgets(company, user)


@hookimpl
def record_actions(company, record, user):
    # "Create complaint" on a 投诉 work order, "Create CAPA" on complaints,
    # tracking records and service reports.
    from .actions import actions
    return actions(company, record, user)


@hookimpl
def load_demo_data(company, users):
    from .demo import load
    load(company, users)


@hookimpl
def register_jobs():
    from .jobs import jobs
    return jobs()


@hookimpl
def register_notifications():
    from .notifications import notifications
    return notifications()


@hookimpl
def details_panels(company, record, user):
    from .panels import panels
    return panels(company, record, user)


@hookimpl
def transition_refused(company, record, workflow, transition, user):
    from .capa_rules import report_close_refused
    return report_close_refused(record, workflow, transition)
