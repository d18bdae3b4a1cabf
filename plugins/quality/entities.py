"""The quality entities (core.records.entities), one function per concern."""


def entities() -> list:
    return [*_complaints(), *_tracking(), *_callbacks(), *_capa()]


# --- complaints ---------------------------------------------------------------
def _complaints() -> list:
    """The complaint; its evidence (photos, scans) is kept: the person
    complained about can never remove it, anyone else's delete archives it
    (AS-61, T-X-1: core ``Attachments(protected_from=)``), nor change the
    complaint itself (``Entity(protected_from=)``)."""
    from core.records.entities import Attachments, Entity
    from core.search import Related, Search

    from .models.complaints import Complaint
    evidence = Attachments(kinds=("image", "pdf"), max_bytes=10 * 1024 * 1024, max_count=30,
                           protected_from=("accused",))
    # The person complained about reads the complaint, never changes it (core.records.protected).
    return [Entity("quality.complaint", Complaint, "质量信息反馈单", "Quality complaint", attachments=evidence,
                   protected_from=("accused",),
                   search=Search(fields=("number", "complainant", "product", "batch", "description"),
                                 related=(Related("customer", fields=("name", "code"), archived=True),)))]


# --- tracking ---------------------------------------------------------------
def _tracking() -> list:
    from core.records.entities import Entity
    from core.search import Related, Search
    from .models.tracking import QualityTracking
    return [Entity("quality.tracking", QualityTracking, "质量跟踪记录", "Quality tracking record",
                   search=Search(fields=("number", "product", "contract_no", "problems", "unsolved_problems"),
                                 related=(Related("customer", fields=("name", "code"), archived=True),)))]


# --- callbacks ---------------------------------------------------------------
def _callbacks() -> list:
    # A run and its lines (002-A): the lines are made by the run's
    # "generate" (never typed one by one) and never deleted by hand.
    from core.records.entities import Entity
    from .models.callbacks import Callback, CallbackRun
    return [
        Entity("quality.callbackrun", CallbackRun, "回访/抽访", "Callback run"),
        Entity("quality.callback", Callback, "回访记录", "Callback", create=(), delete=()),
    ]


# --- capa ---------------------------------------------------------------
def _capa() -> list:
    """纠正和预防措施 and its actions (plugins/quality/models/capa.py)."""
    from core.records.entities import Entity
    from .models.capa import Capa, CapaAction
    return [Entity("quality.capa", Capa, "纠正和预防措施", "CAPA"),
            Entity("quality.capaaction", CapaAction, "纠正/预防措施项", "CAPA action")]
