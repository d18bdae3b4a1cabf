"""Screen of the quality complaints 质量信息反馈单: the list (办结 badges and
overdue filters from core), the record page with the workflow's buttons
(受理, 鉴定, 定责, 总经理批准, 处理, 企业管理部门确认兑现, 告知顾客, 办结),
the evidence panel (core attachments: the person complained about cannot
remove them), and the D-12 severity hint."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from markupsafe import escape

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView
from core.calendar.timezone import local_now
from core.records.choices import current_label

from ..complaint_rules import apply_defaults, notify_legal, severity_reason, suggested_severity
from ..models.complaints import CATEGORIES, COMPENSATIONS, EVIDENCE, SEVERITIES, SOURCES, STATES, Complaint

LABELS = {
    "number": _l("Feedback No."), "state": _l("State"), "received_at": _l("Received at"),
    "received_by": _l("Received by (first-contact owner)"), "source": _l("Source"), "category": _l("Complaint category"),
    "severity": _l("Severity"), "severity_hint": _l("Suggested severity"), "complainant": _l("Complainant"),
    "contact": _l("Contact details"), "consent_note": _l("Complainant's consent"), "customer": _l("Customer"),
    "product": _l("Product"), "spec": _l("Specification / grade"), "batch": _l("Batch No."),
    "quantity": _l("Quantity"), "occurred_at": _l("Occurred at"), "place": _l("Place"), "item": _l("Item"),
    "evidence": _l("Evidence"), "evidence_description": _l("Description of the evidence"),
    "description": _l("Problem description"), "leader_opinion": _l("Opinion of the leader in charge"),
    "appraisal": _l("Appraisal (technical department)"), "cause": _l("Cause analysis"),
    "liable_department": _l("Responsible department"), "liable_person": _l("Responsible person"),
    "penalty_clause": _l("Clause of the quality-accident rules"), "handling": _l("Handling (replacement goods)"),
    "compensation": _l("Compensation"), "compensation_quantity": _l("Compensation in goods (quantity)"),
    "compensation_amount": _l("Compensation amount (yuan)"), "capa_ref": _l("CAPA No."),
    "about_staff": _l("About our own staff"), "accused": _l("Person complained about"),
    "staff_proposal": _l("Sales department's proposal"), "informed_on": _l("Customer informed on"),
    "informed_how": _l("Informed how"), "customer_opinion": _l("Customer's opinion"),
    "close_due": _l("To be closed by"), "accepted_at": _l("Accepted at"), "appraised_at": _l("Appraised at"),
    "analysed_at": _l("Responsibility assigned at"), "staff_approved_at": _l("Approved by the general manager at"),
    "handled_at": _l("Handled at"), "confirmed_at": _l("Confirmed and paid out at"),
    "informed_at": _l("Informed at"), "closed_at": _l("Closed at"), "customer.name": _l("Customer"),
}


def _severity_hint(view, context, model, name):
    """D-12's suggestion, and why; said plainly when the record differs."""
    reason = severity_reason(model)
    suggested = current_label(SEVERITIES[suggested_severity(model)])
    text = (gettext("%(severity)s: %(reason)s.", severity=suggested, reason=reason) if reason
            else gettext("%(severity)s: no source or compensation makes it major.", severity=suggested))
    if model.severity != suggested_severity(model):
        text += " " + gettext("The severity chosen differs from the suggestion.")
    return escape(text)


def _my_employee():
    """The user's employee: whoever takes the complaint is its 首问负责人 (AS-59)."""
    from core.org import employee_of
    from core.records import tenancy
    return employee_of(tenancy.current_user())


class ComplaintView(CompanyModelView):
    model = Complaint
    label = _l("Quality complaints")
    column_list = ("number", "received_at", "source", "category", "severity", "complainant", "customer", "product",
                   "close_due", "state")
    column_labels = LABELS
    column_searchable_list = ("number", "complainant", "product", "batch", "customer.name")
    column_filters = ("state", "severity", "source", "category", "received_at", "about_staff", "customer.name")
    column_sortable_list = ("number", "received_at", "source", "category", "severity", "close_due", "state")
    column_default_sort = ("received_at", True)
    column_formatters = {"source": label_formatter(SOURCES), "category": label_formatter(CATEGORIES),
                         "severity": label_formatter(SEVERITIES), "evidence": label_formatter(EVIDENCE),
                         "compensation": label_formatter(COMPENSATIONS), "state": label_formatter(STATES)}
    column_formatters_detail = {**column_formatters, "severity_hint": _severity_hint}
    column_formatters_export = column_formatters
    column_details_list = (
        "number", "state", "received_at", "received_by", "source", "category", "severity", "severity_hint",
        "close_due", "complainant", "contact", "consent_note", "customer", "product", "spec", "batch", "quantity",
        "occurred_at", "place", "item", "evidence", "evidence_description", "description", "leader_opinion",
        "appraisal", "cause", "liable_department", "liable_person", "penalty_clause", "about_staff", "accused",
        "staff_proposal", "handling", "compensation", "compensation_quantity", "compensation_amount", "capa_ref",
        "informed_on", "informed_how", "customer_opinion", "accepted_at", "appraised_at", "analysed_at",
        "staff_approved_at", "handled_at", "confirmed_at", "informed_at", "closed_at", "created_at", "updated_at")
    # Core keeps the number, the due moment, the state and the stamps.
    form_columns = (
        "received_at", "received_by", "source", "category", "severity", "complainant", "contact", "consent_note",
        "customer", "product", "spec", "batch", "quantity", "occurred_at", "place", "item", "evidence",
        "evidence_description", "description", "leader_opinion", "appraisal", "cause", "liable_department",
        "liable_person", "penalty_clause", "about_staff", "accused", "staff_proposal", "handling", "compensation",
        "compensation_quantity", "compensation_amount", "capa_ref", "informed_on", "informed_how",
        "customer_opinion")
    form_choices = {"source": choice_options(SOURCES), "category": choice_options(CATEGORIES),
                    "severity": [("", _l("As suggested (重大 for 消协, court, 工商局, 质监局 or a large "
                                         "compensation)")), *choice_options(SEVERITIES)],
                    "evidence": choice_options(EVIDENCE), "compensation": choice_options(COMPENSATIONS)}
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20}}
    form_args = {
        "severity": {"default": ""},
        "consent_note": {"description": _l("Record only what the complainant agrees to (AS-53).")},
        "evidence": {"description": _l("Countable evidence needs item, quantity, time, place and batch No. before "
                                       "the complaint is accepted; uncountable evidence needs a description.")},
        "accused": {"description": _l("They can add evidence but never remove it.")},
        "staff_proposal": {"description": _l("A complaint about our own staff: the general manager approves it "
                                             "before it is handled; HR then carries it out.")},
    }
    form_create_defaults = {"received_at": lambda: local_now().replace(second=0, microsecond=0),
                            "received_by": lambda: _my_employee()}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        from flask import request
        if request.method == "GET" and "severity" in form:
            form.severity.data = ""  # "as suggested", not the column's default
        return form

    def search_placeholder(self):
        return gettext("Feedback No., complainant, product, batch or customer")

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        for name in ("complainant", "contact", "consent_note", "product", "spec", "batch", "place", "item",
                     "evidence_description", "penalty_clause", "capa_ref", "informed_how"):
            value = getattr(model, name)
            if isinstance(value, str) and not value.strip():
                setattr(model, name, None)
        if is_created:
            apply_defaults(model)
        elif not model.severity:  # "as suggested" on an edit: the suggestion now
            model.severity = suggested_severity(model)
        if not (model.description or "").strip():
            from core.errors import Invalid
            raise Invalid(gettext("Fill in %(field)s.", field=LABELS["description"]), field="description")

    def after_model_change(self, form, model, is_created):
        super().after_model_change(form, model, is_created)
        # AS-46: a 消协 or court case is the 法律事务部's at once (once only).
        from core import db
        if notify_legal(model):
            db.session.commit()


VIEWS = [ComplaintView]
