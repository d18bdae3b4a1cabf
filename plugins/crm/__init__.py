"""CRM: customer archive 客户档案, contact persons and the contact log
来电/来函/来访登记. Hook implementations only."""
from core import hookimpl

from .manifest import MANIFEST  # noqa: F401  (read by the plugin registry)


@hookimpl
def register_models():
    from .models import ALL_MODELS
    return ALL_MODELS


@hookimpl
def register_admin_views():
    from .admin import VIEWS
    return list(VIEWS)


@hookimpl
def register_entities():
    # Their permissions (crm.<name>.read|create|write|delete) come from core.
    from .entities import entities
    return entities()


@hookimpl
def register_printables():
    from .printables import printables
    return printables()


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
def register_kpis():
    from .kpis import kpis
    return kpis()


@hookimpl
def register_jobs():
    from .jobs import jobs
    return jobs()


@hookimpl
def load_demo_data(company, users):
    from .demo import load
    load(company, users)


@hookimpl
def dashboard_widgets(company, user):
    from .widgets import widgets
    return widgets(company, user)


@hookimpl
def details_panels(company, record, user):
    # The customer's open contact-log entries on the customer's page.
    from .panels import panels
    return panels(company, record, user)


@hookimpl
def register_reports():
    from .reports import reports
    return reports()
