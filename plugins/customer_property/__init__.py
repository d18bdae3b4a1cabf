"""Customer property 顾客财产 (seed 001-C 4.8, ISO 9001 §8.5.3): the register
of property held for customers and external providers, and its movements
whose quantities always reconcile. Hook implementations only."""
from core import hookimpl

from .manifest import MANIFEST  # noqa: F401  (read by the plugin registry)


@hookimpl
def register_models():
    from . import balances  # noqa: F401  (posts each movement to its item's balances at flush)
    from .models import ALL_MODELS
    return ALL_MODELS


@hookimpl
def register_admin_views():
    from .admin import VIEWS
    return VIEWS


@hookimpl
def register_entities():
    # Their permissions (customer_property.<name>.read|create|write|delete) come from core.
    from .entities import entities
    return entities()


@hookimpl
def register_sequences():
    from .numbers import sequences
    return sequences()
