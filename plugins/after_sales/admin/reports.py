"""Screen of the after-sales service reports 售后服务报告单 (JL-7.5-02-3,
AS-15, AS-17, AS-19), with the parts used inline and the job's photos as
attachments (the record page's Attachments panel).

Core keeps the number (sequence after_sales.report), the state (workflow
after_sales.report: submit stamps the 报告提交日期, 技质部 reviews with the
CAPA decision) and the hand-in deadline (after_sales.report.due: two
calendar days after the 返厂日期; the due column's badge and the overdue
filter come from the declaration). The page shows the 三包 decision of the
report's work order, read through core's access layer."""
from __future__ import annotations

from flask import request
from flask_admin.model.form import InlineFormAdmin
from flask_babel import get_locale, gettext, lazy_gettext as _l
from markupsafe import Markup
from wtforms.validators import NumberRange, Optional

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView, text_lines
from core.errors import Invalid
from core.records.choices import choice_label

from ..models import CAPA_DECISIONS, OPINIONS, OUTCOMES, REPORT_STATES, ReportPart, ServiceReport
from ..decisions import decision_of
from ..report_actions import order_from_args, report_defaults
from ..rules import report_error

REPORT_LABELS = {
    "number": _l("Report No."), "work_order": _l("Work order"), "engineer": _l("Service engineer"),
    "departed_at": _l("Departed at"), "arrived_at": _l("Arrived on site at"), "finished_at": _l("Finished at"),
    "returned_at": _l("Back at the factory"), "report_due": _l("Report due"), "submitted_at": _l("Report submitted"),
    "symptom": _l("Fault reported by the user"), "verified_fault": _l("Fault verified on site"),
    "cause_analysis": _l("Cause analysis"), "work_done": _l("Work done"), "paid_amount": _l("Paid service (yuan)"),
    "open_issues": _l("Open issues"), "user_opinion": _l("User's opinion"), "user_name": _l("User's name"),
    "user_signed_on": _l("User signed on"), "capa_needed": _l("技质部 decision"), "capa_ref": _l("CAPA No."),
    "review_notes": _l("Review notes"), "state": _l("State"), "parts": _l("Parts used"),
    "warranty_decision": _l("三包 decision"), "work_order.number": _l("Work order"),
    "engineer.name": _l("Service engineer"),
}


class PartInline(InlineFormAdmin):
    """更换零部件: name, spec, quantity, unit, 三包/有偿."""

    form_columns = ("id", "part_name", "spec", "quantity", "unit", "charge")
    form_label = _l("Parts used")
    column_labels = {"part_name": _l("Part name"), "spec": _l("Spec / model"), "quantity": _l("Quantity"),
                     "unit": _l("Unit"), "charge": _l("三包 or paid")}
    form_choices = {"charge": choice_options(OUTCOMES)}
    form_args = {"quantity": {"validators": [NumberRange(min=0.01, message=_l("The quantity must be more "
                                                                               "than 0."))]}}


def _decision_text(view, context, model, name):
    """The work order's 三包 decision: its outcome and its sentence (empty
    when there is none yet, or the user may not read decisions)."""
    decision = decision_of(model.work_order_id, readable=True)
    if decision is None:
        return gettext("No 三包 decision yet for this work order.")
    locale = str(get_locale() or "zh")
    outcome = choice_label(OUTCOMES, decision.effective_outcome, locale) if decision.effective_outcome else "—"
    return Markup("<b>{}</b> ({}) · {}").format(outcome, decision.label("state", locale), decision.reason(locale))


def _parts_text(view, context, model, name):
    locale = str(get_locale() or "zh")
    return text_lines(f"{p.part_name} · {p.spec or '—'} · {p.quantity.normalize():f} {p.unit or ''} · "
                      f"{choice_label(OUTCOMES, p.charge, locale)}" for p in model.parts) if model.parts else "—"


def _lines(view, context, model, name):
    return text_lines((getattr(model, name) or "").splitlines())


class ServiceReportView(CompanyModelView):
    model = ServiceReport
    label = _l("Service reports")
    column_list = ("number", "work_order", "engineer", "returned_at", "report_due", "submitted_at", "state",
                   "capa_needed")
    column_labels = REPORT_LABELS
    column_descriptions = {
        "returned_at": _l("返厂日期: the report is due two days later (QP-7.5-02 6.5 9)."),
        "capa_needed": _l("Filled in by 技质部 when it reviews the report (QP-7.5-02 6.6)."),
        "user_name": _l("The user who helped verify the fault and signed the paper form."),
    }
    column_searchable_list = ("number", "symptom", "verified_fault", "work_order.number")
    column_sortable_list = ("number", ("work_order", "work_order.number"), ("engineer", "engineer.name"),
                            "returned_at", "report_due", "submitted_at", "state")
    column_default_sort = ("id", True)
    # Core adds the hand-in deadline's filter (overdue, met late...) and badge.
    column_filters = ("state", "capa_needed", "returned_at", "submitted_at", "engineer.name")
    column_formatters = {"capa_needed": label_formatter(CAPA_DECISIONS), "user_opinion": label_formatter(OPINIONS),
                         "state": label_formatter(REPORT_STATES)}
    column_formatters_detail = {**column_formatters, "warranty_decision": _decision_text, "parts": _parts_text,
                                **{n: _lines for n in ("symptom", "verified_fault", "cause_analysis", "work_done",
                                                       "open_issues", "review_notes")}}
    column_formatters_export = column_formatters
    column_details_list = ("number", "work_order", "warranty_decision", "engineer", "departed_at", "arrived_at",
                           "finished_at", "returned_at", "report_due", "submitted_at", "state", "symptom",
                           "verified_fault", "cause_analysis", "work_done", "parts", "paid_amount", "open_issues",
                           "user_opinion", "user_name", "user_signed_on", "capa_needed", "capa_ref", "review_notes",
                           "created_at", "updated_at")
    column_export_list = ("number", "work_order", "engineer", "departed_at", "arrived_at", "finished_at",
                          "returned_at", "report_due", "submitted_at", "state", "symptom", "verified_fault",
                          "cause_analysis", "work_done", "paid_amount", "open_issues", "user_opinion", "user_name",
                          "user_signed_on", "capa_needed", "capa_ref", "review_notes")
    # In the order of the paper form. No number, state, due or submitted
    # date: core keeps them (sequence, workflow, deadline, the submit stamp).
    form_columns = ("work_order", "engineer", "departed_at", "arrived_at", "finished_at", "returned_at", "symptom",
                    "verified_fault", "cause_analysis", "work_done", "paid_amount", "open_issues", "user_opinion",
                    "user_name", "user_signed_on", "capa_needed", "capa_ref", "review_notes")
    form_choices = {"user_opinion": [("", "—"), *choice_options(OPINIONS)],
                    "capa_needed": [("", "—"), *choice_options(CAPA_DECISIONS)]}
    form_args = {"paid_amount": {"validators": [Optional(), NumberRange(min=0, message=_l(
                     "The paid amount cannot be negative."))]},
                 "returned_at": {"description": _l("返厂日期: the report is due two days later.")},
                 "capa_needed": {"description": _l("技质部: corrective/preventive action needed, or continuous "
                                                   "improvement (QP-7.5-02 6.6).")}}
    form_widget_args = {n: {"rows": 3} for n in ("symptom", "verified_fault", "cause_analysis", "work_done",
                                                  "open_issues", "review_notes")}
    form_ajax_refs = {"work_order": {"fields": ("number", "subject"), "page_size": 20}}
    inline_models = (PartInline(ReportPart),)
    # ?work_order=<id> (the work order page's button) presets the order, its engineer and the fault reported.
    form_create_defaults = {"work_order": lambda: order_from_args(request.args.get("work_order")),
                            "engineer": lambda: report_defaults(request.args.get("work_order")).get("engineer"),
                            "symptom": lambda: report_defaults(request.args.get("work_order")).get("symptom")}

    def search_placeholder(self):
        return gettext("Report No., work order No. or fault")

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        for name in ("user_opinion", "capa_needed"):
            if not getattr(model, name):
                setattr(model, name, None)
        problem = report_error(model)
        if problem:
            raise Invalid(problem[1], field=problem[0])


VIEWS = [ServiceReportView]
