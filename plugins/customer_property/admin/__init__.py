"""Customer property screens, one module per concern; ``VIEWS`` is what
``register_admin_views`` returns (each module lists its own)."""
from . import items, movements, providers

VIEWS = [*items.VIEWS, *movements.VIEWS, *providers.VIEWS]

__all__ = ["VIEWS"]
