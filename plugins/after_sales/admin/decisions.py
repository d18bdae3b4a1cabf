"""Screen of the 三包 decisions 三包判定 (AS-14, AS-16, AS-34, D-11), one per
work order.

The clerk gives the inputs (the unit sold, the fault date, the cause
verified on site); the outcome, the sentence naming the inputs and the time
it was decided are computed at every save before sign-off
(plugins/after_sales/decisions.py) and shown read-only. Disagreeing, the
clerk gives another outcome and the reason and asks to override; only the
管理者代表 or the 质量负责人 approves (a sign-off, core.org). Confirmed or
overridden, the decision is locked (core.workflow ``locked``); "decide
again" (why) reopens it. The workflow's actions are the buttons of the
record page (workflow after_sales.decision)."""
from __future__ import annotations

from flask import request
from flask_babel import get_locale, gettext, lazy_gettext as _l

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView
from core.errors import Invalid
from core.records.choices import choice_label

from ..models import CAUSES, DECISION_STATES, OUTCOMES, WarrantyDecision
from ..report_actions import order_from_args
from ..rules import decision_error

DECISION_LABELS = {
    "work_order": _l("Work order"), "unit": _l("Unit sold"), "fault_date": _l("Fault date"),
    "cause": _l("Verified cause"), "outcome": _l("Computed outcome"), "reason": _l("Reason"),
    "reason_zh": _l("Reason (Chinese)"), "reason_en": _l("Reason (English)"), "decided_at": _l("Decided at"),
    "override_outcome": _l("Override outcome"), "override_reason": _l("Override reason"),
    "effective_outcome": _l("Outcome that counts"), "state": _l("State"), "work_order.number": _l("Work order"),
}


def _reason(view, context, model, name):
    return model.reason(str(get_locale() or "zh"))


def _effective(view, context, model, name):
    code = model.effective_outcome
    return choice_label(OUTCOMES, code, str(get_locale() or "zh")) if code else ""


def _preset_unit():
    order = order_from_args(request.args.get("work_order"))
    return order.unit if order is not None else None


class WarrantyDecisionView(CompanyModelView):
    model = WarrantyDecision
    label = _l("三包 decisions")
    column_list = ("work_order", "unit", "fault_date", "cause", "outcome", "effective_outcome", "state",
                   "decided_at")
    column_labels = DECISION_LABELS
    column_descriptions = {
        "outcome": _l("Computed by qdesk from the unit's warranty start, the period and the cause; never typed."),
        "override_reason": _l("Why the outcome should differ; the 管理者代表 or 质量负责人 signs the override."),
    }
    column_searchable_list = ("work_order.number", "reason_zh", "reason_en")
    column_sortable_list = (("work_order", "work_order.number"), "fault_date", "cause", "outcome", "state",
                            "decided_at")
    column_default_sort = ("decided_at", True)
    column_filters = ("state", "outcome", "cause", "fault_date")
    column_formatters = {"cause": label_formatter(CAUSES), "outcome": label_formatter(OUTCOMES),
                         "override_outcome": label_formatter(OUTCOMES), "effective_outcome": _effective,
                         "reason": _reason, "state": label_formatter(DECISION_STATES)}
    column_formatters_detail = column_formatters
    column_formatters_export = column_formatters
    column_details_list = ("work_order", "unit", "fault_date", "cause", "outcome", "reason", "decided_at",
                           "override_outcome", "override_reason", "effective_outcome", "state", "created_at",
                           "updated_at")
    column_export_list = ("work_order", "unit", "fault_date", "cause", "outcome", "reason_zh", "reason_en",
                          "decided_at", "override_outcome", "override_reason", "effective_outcome", "state")
    # The inputs and the override request only: the outcome, its sentences
    # and decided_at are computed at flush, the state is the workflow's.
    form_columns = ("work_order", "unit", "fault_date", "cause", "override_outcome", "override_reason")
    form_choices = {"cause": choice_options(CAUSES), "override_outcome": [("", "—"), *choice_options(OUTCOMES)]}
    form_args = {"fault_date": {"description": _l("The day the fault occurred (or was found).")},
                 "override_outcome": {"description": _l("Only when the computed outcome is wrong: then "
                                                        "“Ask to override” with the reason.")}}
    form_widget_args = {"override_reason": {"rows": 3}}
    form_ajax_refs = {"work_order": {"fields": ("number", "subject"), "page_size": 20},
                      "unit": {"fields": ("serial",), "page_size": 20}}
    form_create_defaults = {"work_order": lambda: order_from_args(request.args.get("work_order")),
                            "unit": _preset_unit}

    def search_placeholder(self):
        return gettext("Work order No. or reason")

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if not model.override_outcome:
            model.override_outcome = None
        model.override_reason = (model.override_reason or "").strip() or None
        problem = decision_error(model)
        if problem:
            raise Invalid(problem[1], field=problem[0])


VIEWS = [WarrantyDecisionView]
