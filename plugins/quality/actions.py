"""Buttons on record pages (hook record_actions), one function per concern."""


def actions(company, record, user) -> list:
    return [*_complaints(company, record, user), *_callbacks(company, record, user), *_capa(company, record, user)]


# --- complaints ---------------------------------------------------------------
def _complaints(company, record, user) -> list:
    from .complaint_actions import actions as complaint_actions
    return complaint_actions(company, record, user)


# --- callbacks ---------------------------------------------------------------
def _callbacks(company, record, user) -> list:
    # "Draw the sample" on a completed 100 % run (the 5 % sample) or 5 %
    # sample (the re-sample) nothing has been drawn from yet.
    from core.links import RecordAction
    from .callbacks_rules import drawn_from, new_sample
    from .models.callbacks import CallbackRun
    if not isinstance(record, CallbackRun) or record.state != "completed" or record.level == "resample":
        return []
    if drawn_from(record) is not None:
        return []
    label = (("抽取5%样本", "Draw the 5 % sample") if record.level == "centre" else ("复抽", "Draw the re-sample"))
    return [RecordAction("quality.draw_sample", *label, permission="quality.callbackrun.create", run=new_sample)]


# --- capa ---------------------------------------------------------------
def _capa(company, record, user) -> list:
    """"Create CAPA" on a complaint, a quality tracking record or a service
    report (recognised by entity key). A service report offers it once
    reviewed by 技质部 with 需采取纠正/预防措施 and no CAPA yet (T-AS-16);
    持续改进 ("no") offers none. (An action, not a reaction to the review:
    ``record_transitioned`` runs after the commit and may not write.)"""
    from core.links import RecordAction, entity_key_of
    from core.errors import DomainError, Invalid
    from .capa_rules import SOURCE_OF_ENTITY, capa_from, capas_of
    try:
        key = entity_key_of(record)
    except (DomainError, Invalid):
        return []
    if key not in SOURCE_OF_ENTITY:
        return []
    if key == "after_sales.report" and (getattr(record, "state", None) != "reviewed"
                                        or getattr(record, "capa_needed", None) != "yes"
                                        or getattr(record, "capa_ref", None)):
        return []
    if capas_of(record):
        return []
    return [RecordAction("quality.create_capa", "创建纠正和预防措施", "Create CAPA",
                         permission="quality.capa.create", run=capa_from)]
