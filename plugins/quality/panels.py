"""Panels on other records' pages (hook details_panels), one function per concern."""


def panels(company, record, user) -> list:
    return [*_tracking(company, record, user), *_callbacks(company, record, user), *_capa(company, record, user)]


# --- tracking ---------------------------------------------------------------
def _tracking(company, record, user) -> list:
    # On a customer's page: its quality trackings and when the next one is due (AS-62).
    from core.links import Cell, Panel, PanelRow, entity_key_of, record_url
    if entity_key_of(record) != "crm.customer":
        return []
    from .tracking_rules import customer_trackings
    rows, last, due_on = customer_trackings(company, record)
    due = (due_on.isoformat() if due_on else ("现在（从未跟踪）", "now (never tracked)"))
    return [Panel(title=("质量跟踪", "Quality tracking"), permission="quality.tracking.read",
                  rows=(PanelRow(("下次跟踪", "Next tracking due"), due),),
                  columns=(("编号", "No."), ("跟踪日期", "Date"), ("跟踪方式", "Method"), ("状态", "State")),
                  table=[(Cell(t.number or "—", record_url(t)), t.tracked_on.isoformat(),
                          t.CHOICES["channel"].get(t.channel, (t.channel, t.channel)),
                          t.CHOICES["state"].get(t.state, (t.state, t.state))) for t in rows],
                  empty=("暂无质量跟踪", "No quality tracking yet"))]


# --- callbacks ---------------------------------------------------------------
def _callbacks(company, record, user) -> list:
    # A run's lines on its page: each links to its callback (outcome, follow-up).
    from core.links import Cell, Panel, record_url
    from core.records.choices import current_label
    from .models.callbacks import OUTCOMES, CallbackRun
    if not isinstance(record, CallbackRun):
        return []
    table, lines = [], list(record.lines)
    shown = 199 if len(lines) > 200 else 200  # a panel shows at most 200 rows: the last says how many more
    for line in lines[:shown]:
        follow = ""
        if line.outcome == "dissatisfied":
            owner = line.responsible or line.department
            follow = f"{owner or ''} {line.follow_up_done_on.isoformat() if line.follow_up_done_on else '…'}"
        table.append((Cell(str(line.seq), record_url(line)), line.order_number or "", line.customer_name or "",
                      line.phone or "", current_label(OUTCOMES[line.outcome]) if line.outcome else "—",
                      line.called_on.isoformat() if line.called_on else "", follow.strip()))
    if len(lines) > shown:
        from core.links import list_url
        more = len(lines) - shown
        table.append((Cell("…", f"{list_url(type(lines[0]))}?run={record.id}"), f"+{more}", "", "", "", "", ""))
    return [Panel(title=("回访记录", "Callbacks"), permission="quality.callback.read",
                  columns=(("序号", "No."), ("工单号", "Work order No."), ("用户", "User"), ("电话", "Phone"),
                           ("满意度", "Outcome"), ("回访日期", "Called on"), ("转交跟踪", "Follow-up")),
                  table=table, empty=("尚未生成名单", "No list generated yet"))]


# --- capa ---------------------------------------------------------------
def _capa(company, record, user) -> list:
    """On a complaint, tracking record or service report: its CAPAs with
    their state and actions (core shows the record links too; this says
    how far each CAPA is)."""
    from core.errors import DomainError, Invalid
    from core.links import Cell, Panel, entity_key_of, record_url
    from .capa_rules import SOURCE_OF_ENTITY, capas_of
    from .models.capa import CAPA_STATES
    try:
        if entity_key_of(record) not in SOURCE_OF_ENTITY:
            return []
    except (DomainError, Invalid):
        return []
    capas = capas_of(record)
    if not capas:
        return []
    rows = []
    for capa in capas:
        live = capa.live_actions()
        verified = sum(1 for a in live if a.state == "verified" and a.effectiveness == "effective")
        rows.append((Cell(capa.number or "", record_url(capa)), CAPA_STATES.get(capa.state, (capa.state,) * 2),
                     f"{verified}/{len(live)}"))
    return [Panel(title=("纠正和预防措施", "Corrective and preventive actions"), permission="quality.capa.read",
                  columns=(("编号", "No."), ("状态", "State"), ("已验证有效/措施数", "Verified effective / actions")),
                  table=rows, empty=("暂无", "None"))]
