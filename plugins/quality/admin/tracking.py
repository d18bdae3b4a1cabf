"""Screens of quality tracking 质量跟踪 (002-S): the records (list with the
solve deadline's badge and filters from core, the record page with the
workflow's buttons: 销售部负责人 signs, 质管部 receives, solves, closes once
the user was told) and the page of the customers due for tracking
(``/due/``, AS-62 定期访问)."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView, scoped_expose
from core.calendar.timezone import local_today

from ..models.tracking import FINDINGS, TRACKING_CHANNELS, TRACKING_STATES, QualityTracking

TRACKING_LABELS = {
    "number": _l("Tracking No."), "state": _l("State"), "tracked_on": _l("Tracking date"),
    "customer": _l("Customer"), "product": _l("Product"), "contract_no": _l("Contract No."),
    "channel": _l("Tracking method"),
    "topic_process": _l("Process and technology meet the requirements"),
    "topic_standards": _l("Quality meets standards and regulations"),
    "topic_delivery": _l("Delivered on time"),
    "force_majeure_late": _l("Late because of force majeure"),
    "force_majeure_understood": _l("Customer's understanding obtained (force majeure)"),
    "topic_service": _l("Installation, commissioning, repair and promises kept"),
    "topic_complaints": _l("Complaints handled in time and to satisfaction"),
    "opinion": _l("Customer's opinion"), "problems": _l("Problems"),
    "unsolved_problems": _l("Problems that cannot be solved at once"),
    "finding": _l("Finding (misuse or defect)"), "responsible": _l("Tracked by"), "department": _l("Department"),
    "qm_received_at": _l("Received by 质管部 at"), "qm_handler": _l("质管部 handler"),
    "solve_due": _l("Solve by (receipt + 15 working days)"), "cause_analysis": _l("Cause analysis"),
    "handling_opinion": _l("Handling opinion"), "solved_at": _l("Solved at"),
    "user_informed_on": _l("User told on"), "notes": _l("Notes"),
    "customer.name": _l("Customer"), "responsible.name": _l("Tracked by"),
}


class QualityTrackingView(CompanyModelView):
    model = QualityTracking
    label = _l("Quality tracking")
    column_list = ("number", "tracked_on", "customer", "product", "channel", "responsible", "finding",
                   "qm_received_at", "solve_due", "state")
    column_labels = TRACKING_LABELS
    column_searchable_list = ("number", "product", "contract_no", "customer.name", "customer.code")
    # Core adds the solve deadline's filter (overdue, due soon, met late...) and badge.
    column_filters = ("state", "channel", "finding", "tracked_on", "customer.name", "responsible.name")
    column_sortable_list = ("number", "tracked_on", ("customer", "customer.code"), "channel", "qm_received_at",
                            "solve_due", "state")
    column_default_sort = ("tracked_on", True)
    column_formatters = {"channel": label_formatter(TRACKING_CHANNELS), "finding": label_formatter(FINDINGS),
                         "state": label_formatter(TRACKING_STATES)}
    column_formatters_detail = column_formatters
    column_formatters_export = column_formatters
    column_details_list = ("number", "state", "tracked_on", "customer", "product", "contract_no", "channel",
                           "topic_process", "topic_standards", "topic_delivery", "force_majeure_late",
                           "force_majeure_understood", "topic_service", "topic_complaints", "opinion", "problems",
                           "unsolved_problems", "finding", "department", "responsible", "qm_received_at",
                           "qm_handler", "solve_due", "cause_analysis", "handling_opinion", "solved_at",
                           "user_informed_on", "notes", "created_at", "updated_at")
    # Core keeps the number, the state, the receipt stamp (transition
    # "receive"), the solve-by moment and the solved stamp.
    form_columns = ("tracked_on", "customer", "product", "contract_no", "channel", "topic_process",
                    "topic_standards", "topic_delivery", "force_majeure_late", "force_majeure_understood",
                    "topic_service", "topic_complaints", "opinion", "problems", "unsolved_problems", "finding",
                    "department", "responsible", "qm_handler", "cause_analysis", "handling_opinion",
                    "user_informed_on", "notes")
    form_choices = {"channel": choice_options(TRACKING_CHANNELS), "finding": choice_options(FINDINGS)}
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20}}
    form_args = {"tracked_on": {"default": local_today},
                 "unsolved_problems": {"description": _l("Filled in: the head of sales hands the record over to "
                                                         "质管部, who solves it within 15 working days.")},
                 "finding": {"description": _l("Misuse: point it out to the customer on the spot; a product "
                                               "defect is handled on its merits.")},
                 "responsible": {"description": _l("The sales person who tracked the customer.")},
                 "user_informed_on": {"description": _l("Needed to close the record.")}}

    def list_tabs(self):
        return [(gettext("Customers due for tracking"), "due_view")]

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        for name in ("product", "contract_no", "opinion", "problems", "unsolved_problems"):
            value = (getattr(model, name) or "").strip()
            setattr(model, name, value or None)

    @scoped_expose("/due/", "read")
    def due_view(self):
        """待跟踪顾客: never tracked first, then the longest untracked."""
        from core.records import tenancy
        from core.settings import get_setting

        from ..tracking_rules import due_customers
        company = tenancy.require_company()
        rows = due_customers(company, limit=500)
        return self.render("quality/tracking_due.html", rows=rows, today=local_today(company),
                           months=get_setting("quality.tracking_interval_months", company),
                           return_url=self.get_url(".index_view"),
                           create_url=self.get_url(".create_view"))


VIEWS = [QualityTrackingView]
