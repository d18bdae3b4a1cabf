"""Quality screens, one module per concern; ``VIEWS`` is what
``register_admin_views`` returns (each module lists its own)."""
from . import callbacks, capa, complaints, tracking

VIEWS = [*complaints.VIEWS, *tracking.VIEWS, *callbacks.VIEWS, *capa.VIEWS]

__all__ = ["VIEWS"]
