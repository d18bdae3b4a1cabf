"""CRM: customer archive 客户档案, contact persons and the contact log
来电/来函/来访登记. Hook implementations only."""
from core import crud_permissions, hookimpl

from .manifest import MANIFEST  # noqa: F401  (read by the plugin registry)


@hookimpl
def register_models():
    from .models import ALL_MODELS
    return ALL_MODELS


@hookimpl
def register_admin_views():
    from .admin import ContactLogView, ContactPersonView, CustomerView
    return [CustomerView, ContactPersonView, ContactLogView]


@hookimpl
def register_permissions():
    return (crud_permissions("crm", "customer") + crud_permissions("crm", "contact")
            + crud_permissions("crm", "contactlog"))


@hookimpl
def register_printables():
    from .printables import printables
    return printables()


@hookimpl
def register_settings():
    from .settings import settings
    return settings()


@hookimpl
def register_kpis():
    from .kpis import kpis
    return kpis()


@hookimpl
def load_demo_data(company, users):
    from .demo import load
    load(company, users)


@hookimpl
def dashboard_widgets(company, user):
    from .widgets import widgets
    return widgets(company, user)
