"""Screens of the 纠正和预防措施 CAPA and its actions.

Core keeps the number (sequence quality.capa), the states (workflows
quality.capa and quality.capaaction: their buttons on the record pages),
the action's due moment (deadline quality.capaaction.due, from the typed
整改期限: badge, overdue filter, tile) and the reason a due date was moved
(core.records.reasons: the edit form's "Reason for the change" box, kept
in the history). The CAPA's page lists its actions, each linked, with a
link to plan another; the rules are in plugins/quality/capa_rules.py."""
from __future__ import annotations

import datetime as dt

from flask import request
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup, escape

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView, text_lines
from core.errors import DomainError, Invalid

from ..models.capa import ACTION_KINDS, ACTION_STATES, CAPA_STATES, RESULTS, SEVERITIES, SOURCES, Capa, CapaAction

CAPA_LABELS = {
    "number": _l("CAPA No."), "source_kind": _l("Source"), "source_ref": _l("Source No."),
    "nonconformity": _l("Nonconformity"), "severity": _l("Severity"), "containment": _l("Immediate containment"),
    "cause_analysis": _l("Cause analysis"), "department": _l("Responsible department"),
    "responsible": _l("Responsible person"), "opened_at": _l("Opened at"), "started_at": _l("Actions started"),
    "closed_at": _l("Closed on"), "state": _l("State"), "actions": _l("Actions"),
    "department.name": _l("Responsible department"), "responsible.name": _l("Responsible person"),
}
ACTION_LABELS = {
    "capa": _l("CAPA"), "capa.number": _l("CAPA"), "kind": _l("Corrective / preventive"),
    "description": _l("Measure"), "department": _l("Department"), "responsible": _l("Owner"),
    "responsible.name": _l("Owner"), "planned_at": _l("Planned at"), "due_on": _l("Due date"),
    "due_at": _l("Due"), "result": _l("What was done"), "done_at": _l("Done at"), "verifier": _l("Verified by"),
    "verified_on": _l("Verified on"), "effectiveness": _l("Effectiveness"),
    "verification_comment": _l("Verification comment"), "verified_at": _l("Verification recorded"),
    "state": _l("State"),
}
#: The longest 整改期限 core can count (core.deadlines: 3660 days).
_MAX_DAYS = 3650


def _lines(view, context, model, name):
    return text_lines((getattr(model, name) or "").splitlines())


def _capa_from_args():
    """The CAPA ``?capa=<id>`` names, if the user may read it here."""
    from core.records import access
    raw = request.args.get("capa")
    if not raw:
        return None
    try:
        return access.get("quality.capa", raw)
    except (DomainError, Invalid):
        return None


def _actions_table(view, context, model, name):
    """The CAPA's actions as a small table, each linked to its page, and a
    link to plan another (while the CAPA is not closed or cancelled)."""
    from core.links import list_url, record_url
    rows = []
    kinds, states, results = (label_formatter(c) for c in (ACTION_KINDS, ACTION_STATES, RESULTS))
    for action in model.actions:
        if action.archived_at is not None:
            continue
        url = record_url(action)
        text = escape(action.description or "—")
        cell = Markup('<a href="{}">{}</a>').format(url, text) if url else text
        rows.append(Markup("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>")
                    .format(kinds(None, None, action, "kind"), cell,
                            action.responsible.name if action.responsible is not None else "",
                            action.due_on.isoformat() if action.due_on else "", states(None, None, action, "state"),
                            action.verifier.name if action.verifier is not None else "",
                            results(None, None, action, "effectiveness")))
    head = Markup("<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>").format(
        gettext("Corrective / preventive"), gettext("Measure"), gettext("Owner"), gettext("Due date"),
        gettext("State"), gettext("Verified by"), gettext("Effectiveness"))
    table = Markup('<table class="table table-sm qdesk-capa-actions">{}{}</table>').format(head, Markup("").join(rows))
    if not rows:
        table = Markup("<p>{}</p>").format(gettext("No action planned yet."))
    base = list_url(CapaAction)
    if base and model.state not in ("closed", "cancelled"):
        table += Markup('<a class="btn btn-sm btn-secondary" href="{}new/?capa={}">{}</a>').format(
            base, model.id, gettext("Plan an action"))
    return table


class CapaView(CompanyModelView):
    model = Capa
    label = _l("CAPA")
    column_list = ("number", "source_kind", "source_ref", "severity", "department", "responsible", "opened_at",
                   "closed_at", "state")
    column_labels = CAPA_LABELS
    column_searchable_list = ("number", "source_ref", "nonconformity")
    column_sortable_list = ("number", "source_kind", "severity", "opened_at", "closed_at", "state")
    column_default_sort = ("id", True)
    column_filters = ("state", "severity", "source_kind", "opened_at", "closed_at", "department.name",
                      "responsible.name")
    column_formatters = {"source_kind": label_formatter(SOURCES), "severity": label_formatter(SEVERITIES),
                         "state": label_formatter(CAPA_STATES)}
    column_formatters_detail = {**column_formatters, "actions": _actions_table,
                                **{n: _lines for n in ("nonconformity", "containment", "cause_analysis")}}
    column_formatters_export = column_formatters
    column_details_list = ("number", "state", "source_kind", "source_ref", "severity", "nonconformity",
                           "containment", "cause_analysis", "department", "responsible", "actions", "opened_at",
                           "started_at", "closed_at", "created_at", "updated_at")
    column_export_list = ("number", "state", "source_kind", "source_ref", "severity", "nonconformity",
                          "containment", "cause_analysis", "department", "responsible", "opened_at", "started_at",
                          "closed_at")
    column_descriptions = {"containment": _l("What was done at once to contain the problem, before the action "
                                             "plan (隔离、返工、通知顾客...)."),
                           "severity": _l("重大: the 总经理 is told when the CAPA is opened.")}
    # In the order of the paper form; no number, state or stamps (core keeps them).
    form_columns = ("source_kind", "source_ref", "severity", "nonconformity", "containment", "cause_analysis",
                    "department", "responsible")
    form_choices = {"source_kind": choice_options(SOURCES), "severity": choice_options(SEVERITIES)}
    form_widget_args = {n: {"rows": 3} for n in ("nonconformity", "containment", "cause_analysis")}

    def search_placeholder(self):
        return gettext("CAPA No., source No. or nonconformity")


class CapaActionView(CompanyModelView):
    model = CapaAction
    label = _l("CAPA actions")
    column_list = ("capa", "kind", "description", "department", "responsible", "due_on", "due_at", "done_at",
                   "verifier", "effectiveness", "state")
    column_labels = ACTION_LABELS
    column_searchable_list = ("description", "capa.number")
    column_sortable_list = ("kind", "due_on", "due_at", "done_at", "state")
    column_default_sort = ("id", True)
    # Core adds the due deadline's filter (overdue, due soon...) and badge.
    column_filters = ("state", "kind", "effectiveness", "due_on", "responsible.name", "capa.number")
    column_formatters = {"kind": label_formatter(ACTION_KINDS), "state": label_formatter(ACTION_STATES),
                         "effectiveness": label_formatter(RESULTS)}
    column_formatters_detail = {**column_formatters, **{n: _lines for n in ("description", "result",
                                                                             "verification_comment")}}
    column_formatters_export = column_formatters
    column_details_list = ("capa", "state", "kind", "description", "department", "responsible", "planned_at",
                           "due_on", "due_at", "result", "done_at", "verifier", "verified_on", "effectiveness",
                           "verification_comment", "verified_at", "created_at", "updated_at")
    column_export_list = ("capa", "state", "kind", "description", "department", "responsible", "planned_at",
                          "due_on", "due_at", "result", "done_at", "verifier", "verified_on", "effectiveness",
                          "verification_comment")
    column_descriptions = {"due_on": _l("整改期限: moving it later needs a reason, kept in the history."),
                           "verifier": _l("Someone other than the owner verifies the action's effect.")}
    form_columns = ("capa", "kind", "description", "department", "responsible", "due_on", "result", "verifier",
                    "verified_on", "effectiveness", "verification_comment")
    form_choices = {"kind": choice_options(ACTION_KINDS), "effectiveness": choice_options(RESULTS)}
    form_args = {"due_on": {"description": _l("整改期限: the action is due at the end of this day; left empty, "
                                              "the company's default time for CAPA actions applies.")},
                 "verifier": {"description": _l("Not the owner: someone else verifies the effect.")}}
    form_widget_args = {n: {"rows": 3} for n in ("description", "result", "verification_comment")}
    # ?capa=<id> (the CAPA page's "Plan an action") presets the CAPA and its department.
    form_create_defaults = {"capa": _capa_from_args,
                            "department": lambda: getattr(_capa_from_args(), "department", None)}

    def search_placeholder(self):
        return gettext("Action or CAPA No.")

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        from core.calendar.timezone import local_today
        if not model.effectiveness:
            model.effectiveness = None
        if model.capa is None and model.capa_id is None:
            raise Invalid(gettext("Choose the CAPA this action belongs to."), field="capa")
        if not (model.description or "").strip():
            raise Invalid(gettext("Describe the action (措施内容)."), field="description")
        if model.due_on is None:  # the company's default 整改期限 applies (core's deadline)
            return
        planned = model.planned_at.date() if model.planned_at is not None else local_today()
        if model.due_on < planned and (is_created or model.due_on != form.due_on.object_data):
            raise Invalid(gettext("The due date cannot be before the day the action was planned (%(day)s).",
                                  day=planned.isoformat()), field="due_on")
        if (model.due_on - planned) > dt.timedelta(days=_MAX_DAYS):
            raise Invalid(gettext("The due date is too far away (at most ten years)."), field="due_on")


VIEWS = [CapaView, CapaActionView]
