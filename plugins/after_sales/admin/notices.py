"""Screen of the spare-part notices 备件补发通知单 (JL-7.5-02-1, AS-8, AS-12)
with their lines inline.

供销部 writes the notice: the customer (or the work order it is for), the
reason, □三包 □有偿 (by default the work order's 三包 decision), where and
to whom it goes, and the parts. Core's workflow gives the buttons: the
管理者代表 signs (a notice without lines cannot be signed:
plugins/after_sales/notices.py), 生产部 fills in the carrier and ships (a
三包 notice posts its ledger lines), the customer receives. From the
signature on the notice and its lines are locked (core.workflow
``locked``) but for 生产部's carrier, waybill and notes.
"""
from __future__ import annotations

from decimal import Decimal

from flask import url_for
from flask_admin.model.form import InlineFormAdmin
from flask_babel import get_locale, gettext, lazy_gettext as _l
from markupsafe import escape
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from admin.choices import choice_options, label_formatter
from admin.formatting import record_link
from admin.views import CompanyModelView, text_lines
from core import db
from core.errors import Invalid
from core.records.choices import current_label

from ..models import OUTCOMES, LedgerLine, PartNotice, PartNoticeLine
from ..decisions import decision_of
from ..notices import default_charge

LINE_LABELS = {"part_name": _l("Part name"), "spec": _l("Specification / model"), "quantity": _l("Quantity"),
               "unit": _l("Unit"), "unit_sold": _l("For unit sold (model / serial)"), "remark": _l("Remark")}

NOTICE_LABELS = {
    "number": _l("Notice No."), "state": _l("State"), "customer": _l("Customer"), "work_order": _l("Work order"),
    "report": _l("Service report"), "reason": _l("Reason (fault in short)"), "charge": _l("三包 / paid"),
    "charge_basis": _l("三包 decision of the work order"), "ship_address": _l("Ship to (address)"),
    "receiver": _l("Receiver"), "receiver_phone": _l("Receiver's phone"), "in_province": _l("In / out of province"),
    "ship_date": _l("Ship date"), "ship_place": _l("Ship from (place)"), "carrier": _l("Carrier / shipping method"),
    "waybill": _l("Waybill No."), "shipped_at": _l("Shipped at"), "received_at": _l("Received by the customer at"),
    "notes": _l("Notes"), "lines": _l("Parts"), "ledger": _l("Warranty ledger lines"),
    "customer.name": _l("Customer"), "work_order.number": _l("Work order"),
}


_OPTIONAL_TEXTS = ("ship_address", "receiver_phone", "ship_place", "carrier", "waybill", "notes")
_OPTIONAL_LINE_TEXTS = ("spec", "unit", "remark")


class NoticeLineInline(InlineFormAdmin):
    form_columns = ("id", "part_name", "spec", "quantity", "unit", "unit_sold", "remark")
    form_label = _l("Parts")
    column_labels = LINE_LABELS
    # An empty quantity is 1 (on_model_change); 0 or less is refused.
    form_args = {"quantity": {"default": 1, "validators": [Optional(), NumberRange(min=0.01, message=_l(
                     "A quantity is more than 0."))]},
                 "part_name": {"validators": [InputRequired()]}}


def _lines_text(view, context, model, name):
    """``1. 压缩机启动电容 · CBB65 35μF · 1 个 · for KFR-35GW 2023A0012``, escaped, one per line."""
    lines = []
    for number, line in enumerate(model.lines, start=1):
        quantity = f"{line.quantity.normalize():f}" if line.quantity is not None else ""
        text = " · ".join(part for part in (f"{number}. {line.part_name}", line.spec or "",
                                            f"{quantity} {line.unit or ''}".strip()) if part)
        if line.unit_sold is not None:
            text += " · " + gettext("for %(unit)s", unit=str(line.unit_sold))
        if line.remark:
            text += f" · {line.remark}"
        lines.append(text)
    return text_lines(lines) if lines else gettext("No lines yet: add the parts before the notice is signed.")


def _charge_basis(view, context, model, name):
    """Where the default □三包 □有偿 comes from: the decision's sentence."""
    decision = decision_of(model.work_order_id)
    if decision is None:
        return gettext("No 三包 decision on the work order: 三包 by default.")
    outcome = decision.effective_outcome
    label = current_label(OUTCOMES[outcome]) if outcome in OUTCOMES else "—"
    return f"{label}: {decision.reason(str(get_locale() or 'zh'))}".strip()


def _in_province(view, context, model, name):
    inside = model.customer.in_province if model.customer is not None else None
    return {True: gettext("In province"), False: gettext("Out of province")}.get(inside, "—")


def _ledger_links(view, context, model, name):
    """The ledger lines the shipment posted, linked when the user may read the ledger."""
    if model.id is None:
        return ""
    from core.records import tenancy
    rows = (tenancy.scoped_query(LedgerLine).filter(LedgerLine.notice_id == model.id)
            .order_by(LedgerLine.id).all())
    if not rows:
        return gettext("None (posted when a 三包 notice is shipped).")
    text = gettext("%(n)s line(s), %(qty)s units", n=len(rows),
                   qty=f"{sum(r.quantity for r in rows).normalize():f}")
    if not model.number:
        return escape(text)
    return record_link(rows[0], text, url_for("after_sales_ledger.index_view", search=model.number))


class PartNoticeView(CompanyModelView):
    model = PartNotice
    label = _l("Spare-part notices")
    column_list = ("number", "state", "customer", "work_order", "charge", "receiver", "ship_date", "carrier",
                   "waybill", "shipped_at")
    column_labels = NOTICE_LABELS
    column_searchable_list = ("number", "receiver", "waybill", "customer.name", "customer.code")
    column_filters = ("state", "charge", "ship_date", "shipped_at", "customer.name", "work_order.number")
    column_sortable_list = ("number", "state", ("customer", "customer.code"), "charge", "ship_date", "shipped_at")
    column_default_sort = ("id", True)
    # The state as the workflow names it (待签批 / To sign), on the list and the record page.
    column_formatters = {"charge": label_formatter(OUTCOMES),
                         "state": lambda v, c, m, n: v.workflow.state_label(getattr(m, n))}
    column_formatters_detail = {**column_formatters, "lines": _lines_text, "charge_basis": _charge_basis,
                                "in_province": _in_province, "ledger": _ledger_links}
    column_formatters_export = column_formatters
    column_details_list = ("number", "state", "customer", "work_order", "report", "reason", "charge",
                           "charge_basis", "ship_address", "receiver", "receiver_phone", "in_province",
                           "ship_date", "ship_place", "lines", "carrier", "waybill", "shipped_at", "received_at",
                           "ledger", "notes", "created_at", "updated_at")
    # Core keeps the number (sequence after_sales.notice), the state and its stamps.
    form_columns = ("customer", "work_order", "report", "reason", "charge", "ship_address", "receiver",
                    "receiver_phone", "ship_date", "ship_place", "lines", "carrier", "waybill", "notes")
    form_choices = {"charge": [("", _l("As the work order's 三包 decision (三包 without one)")),
                               *choice_options(OUTCOMES)]}
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20},
                      "work_order": {"fields": ("number", "subject"), "page_size": 20},
                      "report": {"fields": ("number",), "page_size": 20}}
    form_args = {"charge": {"default": ""},
                 "customer": {"description": _l("With a work order: the work order's customer.")},
                 "work_order": {"description": _l("With a service report: the report's work order.")},
                 "carrier": {"description": _l("生产部 fills it in after the sign-off; shipping needs it.")},
                 "waybill": {"description": _l("生产部: the carrier's waybill number.")}}
    inline_models = (NoticeLineInline(PartNoticeLine),)

    def search_placeholder(self):
        return gettext("Notice No., customer, receiver or waybill")

    def scaffold_form(self):
        # The customer may come from the work order (the column is NOT NULL,
        # so Flask-Admin would require it in the form).
        form_class = super().scaffold_form()
        field = form_class.customer
        field.kwargs["validators"] = [Optional(), *(v for v in field.kwargs.get("validators") or []
                                                    if not isinstance(v, (InputRequired, DataRequired)))]
        field.kwargs["allow_blank"] = True
        return form_class

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        with db.session.no_autoflush:
            # The most specific link decides: a service report belongs to one
            # work order, a work order to one customer (the ledger copies them).
            if model.report is not None:
                model.work_order = model.report.work_order
            order = model.work_order
            if order is not None:
                model.customer = order.customer
            if model.customer is None:
                raise Invalid(gettext("Choose the customer, or the work order the parts are for."),
                              field="customer")
            if not model.charge:
                model.charge = default_charge(order)
            # An empty box is no value: stored as NULL, so that saving an
            # unchanged form changes nothing (a signed notice is locked).
            for line in model.lines:
                if line.quantity is None:
                    line.quantity = Decimal(1)
            for record, names in ((model, _OPTIONAL_TEXTS), *((line, _OPTIONAL_LINE_TEXTS) for line in model.lines)):
                for name in names:
                    value = getattr(record, name)
                    if isinstance(value, str) and not value.strip():
                        setattr(record, name, None)
            for text in ("reason", "receiver"):
                if not (getattr(model, text) or "").strip():
                    raise Invalid(gettext("Fill in %(field)s.", field=NOTICE_LABELS[text]), field=text)


VIEWS = [PartNoticeView]
