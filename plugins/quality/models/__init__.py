"""Quality models (tables ``quality_*``), one module per concern; all
company-owned: audited, versioned and archived by core."""
from . import callbacks, capa, complaints, tracking

ALL_MODELS = [*complaints.MODELS, *tracking.MODELS, *callbacks.MODELS, *capa.MODELS]

__all__ = ["ALL_MODELS"]
