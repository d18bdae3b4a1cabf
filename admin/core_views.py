"""Core's own screens: companies and users (system admins), audit log."""
from __future__ import annotations

import datetime

from flask import abort, redirect, request, url_for
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup
from wtforms import PasswordField, SelectField
from wtforms.validators import Optional

from admin.forms import BoundedModelConverter, bound_list_args
from admin.saving import DatabaseRefusalMixin
from admin.stamp_filters import StampFilterConverter
from admin.history import (TABLE_READERS, action_label, changes_markup, comment_markup, model_of_table,
                           view_for_table)
from admin.views import CompanyModelView, datetime_text
from core.records import inputs, tenancy
from core.extensions import db
from core.models import ROLES, AuditEntry, Company, Membership, PrintJob, User
from core.records.security import set_password
from core.calendar.timezone import format_local


class SystemAdminView(DatabaseRefusalMixin, ModelView):
    """Screens for system administrators only (not company-scoped)."""

    # Ids, pages and form values bounded like every company screen's, and
    # stamps (a user's last login) in the company's zone.
    model_form_converter = BoundedModelConverter
    # (dates stay ISO here: holiday days are listed as 2027-02-06).
    column_type_formatters = {**typefmt.BASE_FORMATTERS, datetime.datetime: datetime_text}
    column_type_formatters_detail = {**typefmt.DETAIL_FORMATTERS, datetime.datetime: datetime_text}

    def __init__(self, model: type, **kwargs) -> None:
        super().__init__(model, db, **kwargs)

    def _get_list_extra_args(self):
        return bound_list_args(super()._get_list_extra_args())

    def get_one(self, id):
        pk = inputs.parse_id(id)
        return None if pk is None else db.session.get(self.model, pk)


    def is_accessible(self) -> bool:
        user = tenancy.current_user()
        return user is not None and user.is_system_admin

    def inaccessible_callback(self, name, **kwargs):
        if tenancy.current_user() is None:
            return redirect(url_for("qdesk_auth.login", next=request.full_path))
        abort(403)


class CompanyAdminView(SystemAdminView):
    can_delete = False  # companies hold records: deactivate instead
    column_list = ("code", "name", "province", "city", "active")
    column_labels = {"code": _l("Code"), "name": _l("Name"), "province": _l("Province"), "city": _l("City"),
                     "address": _l("Address"), "phone": _l("Phone"), "active": _l("Active")}
    column_searchable_list = ("code", "name")
    form_columns = ("code", "name", "province", "city", "address", "phone", "active")


class UserAdminView(SystemAdminView):
    can_delete = False  # users appear in audit trails: deactivate instead
    column_list = ("email", "name", "is_system_admin", "active", "last_login_at")
    column_labels = {"email": _l("E-mail"), "name": _l("Name"), "is_system_admin": _l("System administrator"),
                     "active": _l("Active"), "last_login_at": _l("Last login"), "locale": _l("Language"),
                     "memberships": _l("Memberships"), "new_password": _l("New password")}
    column_searchable_list = ("email", "name")
    form_columns = ("email", "name", "is_system_admin", "active", "locale", "new_password", "memberships")
    form_extra_fields = {"new_password": PasswordField("New password", validators=[Optional()])}
    form_overrides = {"locale": SelectField}
    form_args = {"locale": {"choices": [("", "Browser language"), ("zh_Hans_CN", "中文"), ("en", "English")]}}
    inline_models = [(Membership, dict(
        form_columns=("id", "company", "role"),
        form_overrides={"role": SelectField},
        form_args={"role": {"choices": [(r, r) for r in ROLES]}},
    ))]

    def on_model_change(self, form, model, is_created):
        model.email = model.email.strip().lower()
        if form.new_password.data:
            set_password(model, form.new_password.data)  # ends the user's other sessions
        elif is_created:
            raise ValueError(gettext("A new user needs a password."))

    def handle_view_exception(self, exc):
        if isinstance(exc, ValueError):
            from flask import flash
            flash(str(exc), "error")
            return True
        return super().handle_view_exception(exc)


def _entry_changes(entry: AuditEntry) -> Markup:
    """An entry's changes with the labels of the screen that shows its table."""
    if entry.table_name in TABLE_READERS:
        return TABLE_READERS[entry.table_name][0](entry)
    view = view_for_table(entry.table_name)
    return (changes_markup(view, model_of_table(entry.table_name) if view else None, entry.changes)
            + comment_markup(entry))


def _entry_screen(entry: AuditEntry) -> str:
    """The screen's name for an entry's table (the table name when none)."""
    if entry.table_name in TABLE_READERS:
        return str(TABLE_READERS[entry.table_name][1]())
    view = view_for_table(entry.table_name)
    return str(view.name) if view is not None else entry.table_name


def _when(at) -> str:
    """A log's stamp (naive UTC) in the company's zone, with its offset:
    ``2026-12-01 15:55:46 (UTC+08:00)``."""
    return format_local(at, fmt="%Y-%m-%d %H:%M:%S", zone="offset")


class AuditLogView(CompanyModelView):
    """The company's audit trail, read-only, for admins and managers."""

    model = AuditEntry
    entity = "audit"
    can_create = False
    can_edit = False
    can_delete = False
    can_export = True
    column_list = ("at", "user", "table_name", "record_id", "action", "changes")
    column_labels = {"at": _l("When"), "user": _l("Who"), "table_name": _l("Table"),
                     "record_id": _l("Record"), "action": _l("Action"), "changes": _l("Changes (old → new)")}
    column_default_sort = ("at", True)
    column_filters = ("table_name", "action", "at")
    filter_converter = StampFilterConverter()  # "at" typed in company-local time
    column_formatters = {"changes": lambda v, c, m, n: _entry_changes(m),
                         "table_name": lambda v, c, m, n: _entry_screen(m),
                         "action": lambda v, c, m, n: action_label(m),
                         "at": lambda v, c, m, n: _when(m.at)}
    column_formatters_export = {"changes": lambda v, c, m, n: str(m.changes)}

    def get_query(self):
        return tenancy.scoped_query(self.model)

    def is_action_allowed(self, name: str) -> bool:
        return False


def _printed_what(job: PrintJob) -> str:
    """A form's record ids (the first 20), or a report's parameters as typed."""
    if job.parameters is not None:  # a period report (core.printing.Report)
        return ", ".join(f"{name}={value}" for name, value in job.parameters.items() if value) or "—"
    ids = job.record_ids or []
    return ", ".join(str(i) for i in ids[:20]) + (f" … ({len(ids)})" if len(ids) > 20 else "")


class PrintLogView(CompanyModelView):
    """Every print of the company (who, what, which records, when), read-only,
    for company admins."""

    model = PrintJob
    entity = "printjob"
    can_create = False
    can_edit = False
    can_delete = False
    can_export = True
    column_list = ("at", "user", "printable", "record_ids", "pages")
    column_labels = {"user": _l("Printed by"), "printable": _l("Printable"), "record_ids": _l("Records or parameters"),
                     "at": _l("When"), "pages": _l("Pages")}
    column_default_sort = ("at", True)
    column_filters = ("printable", "at")
    filter_converter = StampFilterConverter()  # "at" typed in company-local time
    column_formatters = {
        "user": lambda v, c, m, n: str(m.user) if m.user else "system",
        "record_ids": lambda v, c, m, n: _printed_what(m),
        "at": lambda v, c, m, n: _when(m.at)}

    def get_query(self):
        return tenancy.scoped_query(self.model)

    def is_action_allowed(self, name: str) -> bool:
        return False


def core_views() -> list:
    """Instances of core's screens, added by ``init_admin``."""
    from admin.org import org_views
    return [
        *org_views(),
        AuditLogView("core", name=_l("Audit log"), category=_l("Administration")),
        PrintLogView("core", name=_l("Print log"), category=_l("Administration")),
        CompanyAdminView(Company, name=_l("Companies"), category=_l("System"), endpoint="core_company",
                         url="/admin/system/companies"),
        UserAdminView(User, name=_l("Users"), category=_l("System"), endpoint="core_user",
                      url="/admin/system/users"),
    ]


__all__ = ["core_views", "Markup"]
