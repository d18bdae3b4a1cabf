"""After-sales service 售后服务 (procedure QP-7.5-02): work orders with their
deadlines, products and units sold to CRM customers, service agreements,
the 三包 warranty decision, service reports, spare-part notices and the
warranty ledger, the knowledge base. Hook implementations only."""
from core import hookimpl

from .manifest import MANIFEST  # noqa: F401  (read by the plugin registry)


@hookimpl
def register_models():
    from . import decisions  # noqa: F401  (computes the stored 三包 decisions at flush)
    from .models import ALL_MODELS
    return ALL_MODELS


@hookimpl
def register_admin_views():
    from .admin import VIEWS
    return VIEWS


@hookimpl
def register_entities():
    # Their permissions (after_sales.<name>.read|create|write|delete) come from core.
    from .entities import entities
    return entities()


@hookimpl
def register_permissions():
    # 生产部 ships a signed notice: a permission of its own, so that a
    # company may grant it to the production clerks only.
    from core import Permission
    return [Permission("after_sales.notice.ship", frozenset({"admin", "manager", "staff"}),
                       "Spare-part notices: ship")]


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
def company_module_enabled(company, module, pulled_in):
    # A company starts with the eight categories of the issue (editable).
    if module == "after_sales" or "after_sales" in pulled_in:
        from .categories import ensure_defaults
        ensure_defaults(company)


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
    # Write the service report, decide 三包, save as article: on a work order's page.
    from .actions import actions
    return actions(company, record, user)


@hookimpl
def load_demo_data(company, users):
    from .demo import load
    load(company, users)


@hookimpl
def details_panels(company, record, user):
    # The customer's units sold, with their warranty end, on the CRM customer page.
    from .panels import panels
    return panels(company, record, user)
