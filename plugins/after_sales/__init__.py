"""After-sales service 售后服务 (procedure QP-7.5-02): products and units
sold to CRM customers, the 三包 warranty decision, service agreements and
commitments. Hook implementations only."""
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
    # Their permissions (after_sales.<name>.read|create|write|delete) come from core.
    from .entities import entities
    return entities()


@hookimpl
def register_settings():
    from .settings import settings
    return settings()


@hookimpl
def register_sequences():
    from .numbers import sequences
    return sequences()


@hookimpl
def load_demo_data(company, users):
    from .demo import load
    load(company, users)


@hookimpl
def details_panels(company, record, user):
    # The customer's units sold, with their warranty end, on the CRM customer page.
    from .panels import panels
    return panels(company, record, user)
