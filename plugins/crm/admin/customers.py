"""CRM screens: customers (contacts inline), contact persons, contact log."""
from __future__ import annotations

import datetime as dt

from flask import flash, request
from flask_admin.model.form import InlineFormAdmin
from flask_babel import get_locale, gettext, lazy_gettext as _l
from wtforms.validators import DataRequired, InputRequired, Optional

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView, scoped_action, scoped_expose, text_lines
from core import db
from core.records import tenancy
from core.deadlines import is_overdue, prefetch
from core.errors import Invalid

from ..models import CHANNELS, DIRECTIONS, KINDS, MARKET_TYPES, STATES, ContactLog, ContactPerson, Customer, local_now


class ContactInline(InlineFormAdmin):
    form_columns = ("id", "name", "title", "phone", "email", "is_primary")
    form_label = _l("Contact persons")
    column_labels = {"name": _l("Contact name"), "title": _l("Position"), "phone": _l("Phone"),
                     "email": _l("E-mail"), "is_primary": _l("Primary contact")}


def _latest_logs_formatter(view, context, model, name):
    """The customer's last 20 contact-log entries, escaped, one per line."""
    locale = str(get_locale() or "zh")
    lines = []
    logs = model.recent_logs(20)
    prefetch(logs)  # their reply clocks in one query, not one per line
    for log in logs:
        when = log.occurred_at.strftime("%Y-%m-%d %H:%M") if log.occurred_at else ""
        text = f"{log.number or '—'} · {when} · {log.label('channel', locale)} · {log.subject} · {log.label('state', locale)}"
        if is_overdue(log):
            text += f" · {gettext('overdue')}"
        lines.append(text)
    return text_lines(lines)


def _visits_text(customer):
    """The customer's last 10 return visits, escaped, one per line."""
    locale = str(get_locale() or "zh")
    lines = []
    for visit in customer.recent_visits(10):
        state = gettext("done") if visit.done else (gettext("overdue") if visit.is_overdue() else gettext("planned"))
        text = f"{visit.planned_date:%Y-%m-%d} · {visit.label('kind', locale)} · {state}"
        if visit.satisfaction:
            text += f" · {visit.satisfaction}/5"
        if visit.outcome:
            text += f" · {visit.outcome[:60]}"
        lines.append(text)
    return text_lines(lines)


def _surveys_text(customer):
    """The customer's last 10 satisfaction surveys with their CSI."""
    return text_lines(f"{r.number or '—'} · {r.surveyed_on:%Y-%m-%d} · {r.template.name} · CSI {r.csi if r.csi is not None else '—'}"
                      for r in customer.recent_surveys(10))


CUSTOMER_LABELS = {
    "code": _l("Customer code"), "name": _l("Customer name"), "short_name": _l("Short name"),
    "kind": _l("Customer kind"), "province": _l("Province"), "city": _l("City"), "address": _l("Address"),
    "phone": _l("Phone"), "email": _l("E-mail"), "business_format": _l("Business format"),
    "market_type": _l("Market type"), "is_key": _l("Key customer"), "responsible": _l("Responsible"),
    "notes": _l("Customer notes"), "class_code": _l("Classification"), "class_period": _l("Classification period"),
    "contacts": _l("Contact persons"), "in_province": _l("In province"),
    "responsible.name": _l("Responsible"), "latest_logs": _l("Contact log"),
    "visits": _l("Return visits"), "surveys": _l("Satisfaction surveys"),
}


class CustomerView(CompanyModelView):
    model = Customer
    label = _l("Customers")
    column_list = ("code", "name", "province", "city", "business_format", "is_key", "responsible",
                   "class_code", "phone")
    column_labels = CUSTOMER_LABELS
    column_filters = ("province", "is_key", "responsible.name", "class_code", "business_format", "market_type")
    column_sortable_list = ("code", "name", "province", "city", "is_key", "class_code")
    column_default_sort = "code"
    column_formatters = {"kind": label_formatter(KINDS), "market_type": label_formatter(MARKET_TYPES)}
    column_formatters_detail = {**column_formatters, "latest_logs": _latest_logs_formatter,
                                "visits": lambda v, c, m, n: _visits_text(m),
                                "surveys": lambda v, c, m, n: _surveys_text(m)}
    column_details_list = ("code", "name", "short_name", "kind", "province", "city", "in_province", "address",
                           "phone", "email", "business_format", "market_type", "is_key", "responsible",
                           "class_code", "class_period", "contacts", "latest_logs", "visits", "surveys", "notes",
                           "created_at",
                           "updated_at")
    form_columns = ("code", "name", "short_name", "kind", "province", "city", "address", "phone", "email",
                    "business_format", "market_type", "is_key", "responsible", "notes", "contacts")
    form_choices = {"kind": choice_options(KINDS), "market_type": choice_options(MARKET_TYPES)}
    inline_models = (ContactInline(ContactPerson),)
    column_bulk_assign = ("responsible",)

    def search_placeholder(self):
        return gettext("Code, name, phone or contact person")

    def scaffold_form(self):
        # The code may be left empty (the model's column is NOT NULL, so
        # Flask-Admin requires it): core gives the next code of the
        # company's sequence crm.customer when the customer is saved. The
        # shell's own filters (control characters) stay.
        form_class = super().scaffold_form()
        field = form_class.code
        kept = [v for v in field.kwargs.get("validators") or [] if not isinstance(v, (InputRequired, DataRequired))]
        field.kwargs["validators"] = [Optional(), *kept]
        field.kwargs["description"] = _l("Left empty: the next customer code of the company "
                                         "(Settings: customer code prefix).")
        return form_class

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        # A typed code stays unique in the company (the database refuses a
        # duplicate too; this says which customer has it).
        if model.code:
            with db.session.no_autoflush:
                other = (tenancy.scoped_query(Customer)
                         .filter(Customer.code == model.code, Customer.id != (model.id or 0)).first())
            if other is not None:
                raise Invalid(gettext("Customer code %(code)s is already used by %(name)s; leave the code "
                                      "empty to get the next free one.", code=model.code, name=other.name),
                              field="code")

    @scoped_action("mark_key", _l("Mark as key customer"), _l("Mark the selected customers as key customers?"))
    def action_mark_key(self, records):
        for customer in records:
            customer.is_key = True
        db.session.commit()
        flash(gettext("%(n)s customer(s) marked as key customers.", n=len(records)), "success")

    @scoped_action("unmark_key", _l("Unmark key customer"))
    def action_unmark_key(self, records):
        for customer in records:
            customer.is_key = False
        db.session.commit()


class ContactPersonView(CompanyModelView):
    model = ContactPerson
    label = _l("Contact persons")
    column_list = ("customer", "name", "title", "phone", "email", "is_primary")
    column_labels = {"customer": _l("Customer"), "name": _l("Contact name"), "title": _l("Position"),
                     "phone": _l("Phone"), "email": _l("E-mail"), "is_primary": _l("Primary contact")}
    column_searchable_list = ("name", "phone", "email")
    form_columns = ("customer", "name", "title", "phone", "email", "is_primary")


def _date_arg(name: str, default: dt.date) -> dt.date | None:
    """``?name=YYYY-MM-DD`` as a date; the default when absent, None when invalid."""
    text = request.args.get(name)
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class ContactLogView(CompanyModelView):
    model = ContactLog
    label = _l("Contact log")
    column_list = ("number", "occurred_at", "customer", "channel", "direction", "subject", "follow_up_owner",
                   "reply_due", "replied_at", "state")
    column_labels = {"number": _l("Log No."), "occurred_at": _l("Occurred at"), "customer": _l("Customer"), "channel": _l("Channel"),
                     "direction": _l("Direction"), "subject": _l("Subject"), "content": _l("Content"),
                     "handled_by": _l("Handled by"), "follow_up_owner": _l("Follow-up owner"),
                     "reply_due": _l("Reply due"), "replied_at": _l("Replied at"), "state": _l("State"),
                     "follow_up_owner.name": _l("Follow-up owner")}
    column_searchable_list = ("number", "subject", "content")
    column_sortable_list = ("number", "occurred_at", ("customer", "customer.code"), "channel", "direction", "subject",
                            ("follow_up_owner", "follow_up_owner.name"), "reply_due", "replied_at", "state")
    column_default_sort = ("occurred_at", True)
    column_formatters = {"channel": label_formatter(CHANNELS), "direction": label_formatter(DIRECTIONS),
                         "state": label_formatter(STATES)}
    column_formatters_detail = column_formatters
    column_formatters_export = {"channel": label_formatter(CHANNELS), "direction": label_formatter(DIRECTIONS),
                                "state": label_formatter(STATES)}
    # Core adds the reply deadline's filter (overdue, due soon, met late...)
    # and badge: plugins/crm/deadlines.py.
    column_filters = ("channel", "state", "occurred_at", "reply_due", "follow_up_owner.name")
    # Core keeps the number (sequence crm.contactlog), the reply due time
    # (deadline crm.contactlog.reply) and the state (workflow crm.contactlog:
    # its actions are buttons on the entry's page and bulk actions); the
    # reply time is stamped by the "Reply" action.
    form_columns = ("customer", "channel", "direction", "occurred_at", "subject", "content", "handled_by",
                    "follow_up_owner")
    form_choices = {"channel": choice_options(CHANNELS), "direction": choice_options(DIRECTIONS)}
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20}}
    column_bulk_assign = ("follow_up_owner",)
    form_create_defaults = {"occurred_at": local_now, "handled_by": tenancy.current_user,
                            "follow_up_owner": tenancy.current_user}

    def list_tabs(self):
        return [(gettext("Print register…"), "register_view")] \
            if any(p.key == "crm.contact_register" for p in self.printables) else []

    @scoped_expose("/register/", "read")
    def register_view(self):
        """来电来函来访登记表 of every entry (not archived) from one day to
        another, whatever the list shows; GET, so the browser opens the PDF."""
        today = local_now().date()
        start, end = _date_arg("start", today.replace(day=1)), _date_arg("end", today)
        if "print" in request.args:
            if start is None or end is None or start > end:
                flash(gettext("Give a valid date range (from ≤ to)."), "error")
            else:
                records = (self.get_query()
                           .filter(ContactLog.occurred_at >= dt.datetime.combine(start, dt.time.min),
                                   ContactLog.occurred_at <= dt.datetime.combine(end, dt.time.max))
                           .order_by(ContactLog.occurred_at, ContactLog.id).all())
                if not records:
                    flash(gettext("No entries from %(start)s to %(end)s.", start=start, end=end), "warning")
                else:
                    printable = next(p for p in self.printables if p.key == "crm.contact_register")
                    response = self.print_selected(printable, records)
                    if response is not None:
                        return response
        return self.render("crm/register.html", start=start or today.replace(day=1), end=end or today,
                           return_url=self.get_url(".index_view"))
