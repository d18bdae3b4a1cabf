"""The quality record numbers (core.sequences), one function per concern."""


def sequences() -> list:
    return [*_complaints(), *_tracking(), *_callbacks(), *_capa()]


# --- complaints ---------------------------------------------------------------
def _complaints() -> list:
    """反馈单号 ZLFK-2026-0001 (the prefix a company setting, declared by core)."""
    from core.sequences import Sequence

    from .models.complaints import Complaint
    return [Sequence("quality.complaint", Complaint, "number", pattern="{prefix}-{yyyy}-{n:04d}", reset="yearly",
                     prefix_setting="quality.complaint.prefix", default_prefix="ZLFK",
                     label_zh="质量信息反馈单", label_en="Quality complaint")]


# --- tracking ---------------------------------------------------------------
def _tracking() -> list:
    from core.sequences import Sequence
    from .models.tracking import QualityTracking
    return [Sequence("quality.tracking", QualityTracking, "number", pattern="{prefix}-{yyyy}-{n:04d}",
                     reset="yearly", prefix_setting="quality.tracking.prefix", default_prefix="ZLGZ",
                     label_zh="质量跟踪记录", label_en="Quality tracking record")]


# --- callbacks ---------------------------------------------------------------
def _callbacks() -> list:
    from core.sequences import Sequence
    from .models.callbacks import CallbackRun
    return [Sequence("quality.callbackrun", CallbackRun, "number", pattern="{prefix}-{yyyy}-{n:04d}",
                     reset="yearly", prefix_setting="quality.callbackrun.prefix", default_prefix="HF",
                     label_zh="回访/抽访", label_en="Callback run")]


# --- capa ---------------------------------------------------------------
def _capa() -> list:
    """编号 of the 纠正和预防措施处理单, e.g. CAPA-2026-0001."""
    from core.sequences import Sequence
    from .models.capa import Capa
    return [Sequence("quality.capa", Capa, "number", pattern="{prefix}-{yyyy}-{n:04d}", reset="yearly",
                     prefix_setting="quality.capa.prefix", default_prefix="CAPA",
                     label_zh="纠正和预防措施处理单", label_en="CAPA")]
