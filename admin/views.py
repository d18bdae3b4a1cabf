"""The company-scoped base view every plugin admin screen subclasses.

Everything a screen must get right about tenancy and permissions is done
here once: the list, count and single-record queries, relation dropdowns and
ajax loaders are restricted to the current company; ``company_id`` is
stamped by core, never read from the form; every endpoint checks the module
gate (404 when the module is disabled for the company) and the permission of
its action (403); bulk actions receive records already scoped; saves are
guarded by optimistic locking; deletes of records with history archive them.
"""
from __future__ import annotations

import datetime
import decimal
import functools
import types
from typing import Any, Callable

import logging

from flask import abort, flash, g, get_flashed_messages, jsonify, redirect, request, url_for
from flask_babel import (LazyString, format_date, format_datetime, format_decimal, get_locale,
                         gettext, lazy_gettext)
from flask_admin.actions import action as _flask_admin_action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext  # Flask-Admin's own catalog
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.helpers import get_form_data
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model import typefmt
from flask_admin.model.form import converts  # noqa: F401  (re-exported for plugins)
from markupsafe import Markup, escape
from sqlalchemy import Unicode, cast, func, or_
from sqlalchemy.types import Boolean, Date, DateTime, Enum, Integer, Numeric, String, Text, TypeDecorator
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from admin.imports import FORMULA_STARTS, ImportExportMixin, neutralise  # noqa: F401
from core import inputs, tenancy
from core.extensions import db
from core.models import AuditEntry, User, utcnow
from core.errors import ForeignRecord, Invalid
from core.permissions import has_permission
from core.records import SYSTEM_COLUMNS, CompanyOwnedMixin, delete_or_archive
from core.search import ilike

log = logging.getLogger("qdesk.admin")

#: What the user reads when the database refuses a change (the error itself
#: goes to the log: it names tables, columns and values).
DATABASE_REFUSED = {
    "create": lambda: gettext("The record could not be created: the database refused it (a value already "
                              "used, out of range, or a related record that no longer exists). Nothing was "
                              "saved; check the values and try again."),
    "update": lambda: gettext("Your changes could not be saved: the database refused them (a value already "
                              "used, out of range, or a related record that no longer exists). Nothing was "
                              "saved; check the values and try again."),
    "delete": lambda: gettext("The record could not be deleted: other records still depend on it. Nothing "
                              "was changed; archive it instead."),
    "save": lambda: gettext("The database refused the change. Nothing was saved; reload the page and try "
                            "again."),
}


def database_refused(endpoint: str, what: str, exc: Exception) -> None:
    """Log a database error of a ``what`` (create, update, delete, save) on
    screen ``endpoint`` and tell the user, in their language, what to do."""
    log.error("%s on %s: the database refused it", what, endpoint, exc_info=exc)
    flash(DATABASE_REFUSED.get(what, DATABASE_REFUSED["save"])(), "error")

# Which permission each Flask-Admin endpoint needs.
ENDPOINT_ACTIONS = {
    "index_view": "read", "details_view": "read", "export": "read", "ajax_lookup": "read",
    "create_view": "create", "edit_view": "write", "ajax_update": "write",
    "delete_view": "delete", "action_view": None,  # checked per action
    "import_view": "create", "import_preview_view": "create",
    "bulk_assign_view": "write",
}


def conflict_message(version: Any) -> str:
    """What the second of two concurrent saves is told (nothing was written)."""
    return gettext(
        "This record was changed by someone else while you were editing it (now version "
        "%(version)s). Your changes were not saved: reopen the record to see the current "
        "values and make your change again.", version=version)


def _is_company_owned(model: type) -> bool:
    return hasattr(model, "company_id")


def scoped_action(name: str, text: str, confirmation: str | None = None,
                  permission: str = "write") -> Callable:
    """Declare a bulk action on a :class:`CompanyModelView`.

    The decorated method receives the selected **records**, already limited
    to the current company (ids of other companies are silently dropped),
    and runs only for users holding ``<plugin>.<entity>.<permission>`` (or
    ``permission`` itself when it is a full name with dots)::

        @scoped_action("close", "Close", "Close the selected tickets?")
        def action_close(self, records):
            for r in records: r.state = "closed"
            db.session.commit()
    """
    def decorator(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapper(self: CompanyModelView, ids: list[str]) -> Any:
            return method(self, self.records_for_ids(ids))
        wrapper._qdesk_permission = permission
        return _flask_admin_action(name, text, confirmation)(wrapper)
    return decorator


def scoped_expose(url: str, permission: str = "read", methods: tuple[str, ...] = ("GET",)) -> Callable:
    """Expose an extra page on a :class:`CompanyModelView`, guarded like the
    built-in ones: the module gate, then ``<plugin>.<entity>.<permission>``
    (or ``permission`` itself when it has dots). CSRF applies to POSTs::

        @scoped_expose("/plan/", "create", methods=("POST",))
        def plan_view(self):
            ...
    """
    def decorator(method: Callable) -> Callable:
        method._qdesk_permission = permission
        return expose(url, methods=methods)(method)
    return decorator


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """Ajax relation lookups limited to the current company."""

    def get_query(self) -> Any:
        query = super().get_query()
        return query.filter(self.model.company_id == tenancy.require_company().id) \
            if _is_company_owned(self.model) else query

    def get_one(self, pk: Any) -> Any:
        # The pk comes from the form as text: PostgreSQL (psycopg 3) refuses
        # `integer = varchar`, so parse it (not an id: no record).
        pk = inputs.parse_id(pk)
        return None if pk is None else self.get_query().filter(self.model.id == pk).one_or_none()

    def get_list(self, term: str, offset: int = 0, limit: int = 10) -> Any:
        # ajax_lookup passes ?offset= and ?limit= as any int: bounded here.
        term = inputs.strip_controls(str(term or ""))[:inputs.SEARCH_MAX]
        return super().get_list(term, inputs.bounded_int(offset, 0, 0, inputs.OFFSET_MAX),
                                inputs.bounded_int(limit, 10, 1, inputs.LOOKUP_LIMIT_MAX))


def bound_list_args(args: Any) -> Any:
    """A list's ``ViewArgs`` with ``?page=``, ``?page_size=``, ``?sort=``
    and ``?desc=`` re-read by :mod:`core.inputs` (Flask-Admin reads them
    with ``int()``: any size, so an offset the database refuses, and unicode
    digits), the search term and filter values cut to
    :data:`core.inputs.SEARCH_MAX` characters without control characters.
    ``CompanyModelView`` applies it; any other ``ModelView`` can too::

        def _get_list_extra_args(self):
            return bound_list_args(super()._get_list_extra_args())
    """
    get = request.args.get
    args.page = inputs.bounded_int(get("page"), 0, 0, inputs.PAGE_MAX)
    args.page_size = inputs.bounded_int(get("page_size"), 0, 0, inputs.LOOKUP_LIMIT_MAX * 10)
    args.sort = inputs.parse_int(get("sort"), 0, 10_000)
    args.sort_desc = bool(inputs.parse_int(get("desc")))
    if args.search:
        args.search = inputs.strip_controls(args.search)[:inputs.SEARCH_MAX] or None
    if args.filters:
        args.filters = [(idx, name, inputs.strip_controls(value)[:inputs.SEARCH_MAX]
                         if isinstance(value, str) else value) for idx, name, value in args.filters]
    return args


class ColumnBounds:
    """Form validator: the value typed into the field of a number, date or
    datetime column is one the column can store and later pages can show
    (:mod:`core.inputs`): ASCII digits, a year within 1900–2199, a finite
    number within the column's range (``Integer`` 32 bits,
    ``Numeric(precision, scale)``). Added to every such field by
    :class:`ScopedModelConverter`; a value outside is a field error."""

    def __init__(self, column_type: Any) -> None:
        self.column_type = column_type

    def __call__(self, form: Any, field: Any) -> None:
        from wtforms.validators import StopValidation
        raw = field.raw_data[0] if getattr(field, "raw_data", None) else None
        if not inputs.is_ascii_number_text(raw):
            raise StopValidation(gettext("Write it with the digits 0-9."))
        value = field.data
        if value is None or isinstance(value, bool) or field.process_errors:
            return
        if isinstance(value, (datetime.date, datetime.datetime)):
            if not inputs.year_ok(value.year):
                raise StopValidation(gettext("Enter a date in the years %(min)s to %(max)s.",
                                             min=inputs.YEAR_MIN, max=inputs.YEAR_MAX))
        elif isinstance(value, int):
            lo, hi = inputs.int_range(self.column_type)
            if not lo <= value <= hi:
                raise StopValidation(gettext("Enter a whole number from %(min)s to %(max)s.", min=lo, max=hi))
        elif isinstance(value, (float, decimal.Decimal)) and not inputs.numeric_fits(value, self.column_type):
            limit = inputs.numeric_limit(self.column_type)
            raise StopValidation(gettext("Enter a number greater than -%(max)s and less than %(max)s.",
                                         max=limit))


class BoundedModelConverter(AdminModelConverter):
    """Every field of a number, date or datetime column is bounded
    (:class:`ColumnBounds`) and texts lose control characters
    (:func:`core.inputs.strip_controls`), whatever the view declares."""

    def convert(self, model: Any, mapper: Any, name: str, prop: Any, field_args: Any, hidden_pk: bool) -> Any:
        columns = getattr(prop, "columns", None)
        column = columns[0] if columns and len(columns) == 1 else None
        ctype = getattr(column, "type", None)
        if ctype is not None and not column.primary_key and not column.foreign_keys:
            base = ctype.impl_instance if isinstance(ctype, TypeDecorator) else ctype
            field_args = dict(field_args or {})
            if isinstance(base, (Date, DateTime, Integer, Numeric)) and not isinstance(base, Boolean):
                field_args["validators"] = [*(field_args.get("validators") or []), ColumnBounds(base)]
            elif isinstance(base, (String, Text)) and not isinstance(base, Enum):
                field_args["filters"] = [*(field_args.get("filters") or []), inputs.strip_controls]
        return super().convert(model, mapper, name, prop, field_args, hidden_pk)


class ScopedModelConverter(BoundedModelConverter):
    """Relation dropdowns list only the current company's records; fields
    are bounded as :class:`BoundedModelConverter` bounds them."""

    def _model_select_field(self, prop: Any, multiple: Any, remote_model: type, **kwargs: Any) -> Any:
        # Ajax relations (form_ajax_refs) use the scoped ajax loader instead;
        # their fields take no query_factory.
        ajax = (getattr(self.view, "_form_ajax_refs", None) or {}).get(prop.key)
        if ajax is None and "query_factory" not in kwargs:
            if _is_company_owned(remote_model):
                kwargs["query_factory"] = lambda: tenancy.scoped_query(remote_model)
            elif remote_model is User:  # people pickers: the company's members only
                kwargs["query_factory"] = tenancy.company_members
        return super()._model_select_field(prop, multiple, remote_model, **kwargs)


# Dates, times and decimals on screens follow the user's language (exports
# keep Flask-Admin's plain values, for spreadsheets).
LOCALE_FORMATTERS = {
    **typefmt.BASE_FORMATTERS,
    datetime.datetime: lambda view, value, name: format_datetime(value, "medium"),
    datetime.date: lambda view, value, name: format_date(value, "medium"),
    decimal.Decimal: lambda view, value, name: format_decimal(value),
}
LOCALE_DETAIL_FORMATTERS = {**typefmt.DETAIL_FORMATTERS,
                            **{t: LOCALE_FORMATTERS[t] for t in (datetime.datetime, datetime.date, decimal.Decimal)},
                            bool: lambda view, value, name: gettext("Yes") if value else gettext("No")}

# Labels of the columns core adds to every company-owned record.
SYSTEM_LABELS = {"created_at": lazy_gettext("Created at"), "updated_at": lazy_gettext("Updated at"),
                 "created_by": lazy_gettext("Created by"), "updated_by": lazy_gettext("Updated by"),
                 "archived_at": lazy_gettext("Archived at")}


class BulkAssignMixin:
    """Bulk "Assign …" actions for relations to users.

    A view lists relation names in ``column_bulk_assign`` (e.g.
    ``("responsible",)``); each gets a bulk action that asks for one of the
    company's members and sets it on the selected records (company-scoped,
    ``write`` permission, audited like any save).
    """

    column_bulk_assign: tuple[str, ...] = ()

    def _add_bulk_assign_actions(self) -> None:
        for field in self.column_bulk_assign:
            prop = getattr(self.model, field).property
            if prop.mapper.class_ is not User:
                raise TypeError(f"{type(self).__name__}.column_bulk_assign: {field!r} is not a relation to User")
            name = f"assign_{field}"
            text = LazyString(lambda f=field: gettext("Assign %(field)s…", field=self._field_label(f)))

            def handler(view: Any, records: list[Any], field: str = field) -> Any:
                return view.render_bulk_assign(field, records)

            action = scoped_action(name, text)(handler)
            self._actions.append((name, text))
            self._actions_data[name] = (types.MethodType(action, self), text, None)

    def _field_label(self, field: str) -> str:
        return str((self.column_labels or {}).get(field) or field.replace("_", " ").capitalize())

    def render_bulk_assign(self, field: str, records: list[Any]) -> Any:
        if not records:
            flash(gettext("Select records of this company first."), "warning")
            return redirect(self.get_url(".index_view"))
        return self.render("qdesk/model/bulk_assign.html", field=field, field_label=self._field_label(field),
                           records=records, members=tenancy.company_members().all(),
                           return_url=self.get_url(".index_view"))

    @scoped_expose("/bulk-assign/", "write", methods=("POST",))
    def bulk_assign_view(self) -> Any:
        field = request.form.get("field", "")
        back = redirect(self.get_url(".index_view"))
        if field not in self.column_bulk_assign:
            abort(400)
        records = self.records_for_ids(request.form.getlist("rowid"))
        person_id = request.form.get("user_id", "")
        person = None
        if person_id:  # empty = clear the field
            pk = inputs.parse_id(person_id)
            person = tenancy.company_members().filter(User.id == pk).one_or_none() if pk else None
            if person is None:
                flash(gettext("Choose a member of this company."), "error")
                return self.render_bulk_assign(field, records)
        for record in records:
            setattr(record, field, person)
        db.session.commit()
        flash(gettext("%(field)s set on %(n)s record(s).", field=self._field_label(field), n=len(records)),
              "success")
        return back


class _VersionedPk:
    """A list cell's widget whose pk carries the record's version."""

    def __init__(self, widget: Any, version: int) -> None:
        self.widget, self.version = widget, version

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        if "pk" in kwargs:
            kwargs["pk"] = f"{kwargs['pk']}:{self.version}"
        return self.widget(field, **kwargs)


class CompanyModelView(BulkAssignMixin, ImportExportMixin, ModelView):
    """Base class of every plugin screen. Set ``model`` and ``entity``.

    ``plugin_key`` is filled in by core from the plugin that registered the
    view; the endpoint is ``<plugin>_<entity>`` and permissions are
    ``<plugin>.<entity>.<read|create|write|delete>``.
    """

    model: type | None = None
    entity: str | None = None
    plugin_key: str = ""

    model_form_converter = ScopedModelConverter
    column_type_formatters = LOCALE_FORMATTERS
    column_type_formatters_detail = LOCALE_DETAIL_FORMATTERS
    form_excluded_columns = (*SYSTEM_COLUMNS, "archived_at")
    column_exclude_list = ("company_id", "version", "created_by_id", "updated_by_id", "archived_at")
    column_details_exclude_list = ("company_id",)
    column_export_exclude_list = ("company_id", "version")
    can_view_details = True
    can_export = True
    export_max_rows = 5000
    # export_types (csv, xlsx), import_schema and the import limits: admin.imports
    page_size = 50
    fast_mass_delete = False  # each delete goes through delete_model: audit, archive
    details_template = "qdesk/model/details.html"
    # qdesk/model/list.html plus the Import tab and the export-cap note.
    list_template = "qdesk/import_list.html"
    edit_template = "qdesk/model/edit.html"
    # core.printing.Printable objects of this model, set by init_admin.
    printables: tuple = ()

    def __init__(self, plugin_key: str, **kwargs: Any) -> None:
        if self.model is None or not self.entity:
            raise TypeError(f"{type(self).__name__} must set 'model' and 'entity'")
        self.plugin_key = plugin_key
        kwargs.setdefault("endpoint", f"{plugin_key}_{self.entity}")
        kwargs.setdefault("url", f"/admin/{plugin_key}/{self.entity}")
        self.column_labels = {**SYSTEM_LABELS, **(self.column_labels or {})}
        super().__init__(self.model, db, **kwargs)
        self._add_bulk_assign_actions()

    # --- permissions and the module gate ----------------------------------
    def permission(self, action: str) -> str:
        """The permission name for ``action`` on this screen's entity."""
        return f"{self.plugin_key}.{self.entity}.{action}"

    def allowed(self, action: str) -> bool:
        """Whether the current user may ``action`` here, in the current company."""
        return has_permission(self.permission(action))

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self.allowed("create")

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self.allowed("write")

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self.allowed("delete")

    def is_accessible(self) -> bool:
        return (tenancy.current_user() is not None and tenancy.current_company() is not None
                and tenancy.module_enabled(self.plugin_key) and self.allowed("read"))

    def is_visible(self) -> bool:
        return self.is_accessible()

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if tenancy.current_user() is None:
            return redirect(url_for("qdesk_auth.login", next=request.full_path))
        if tenancy.current_company() is None or not tenancy.module_enabled(self.plugin_key):
            abort(404)  # a disabled module does not exist for this company
        abort(403)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        if name in ENDPOINT_ACTIONS:
            needed = ENDPOINT_ACTIONS[name]
        else:  # pages added with scoped_expose say what they need; others read
            needed = getattr(getattr(self, name, None), "_qdesk_permission", "read")
        if needed and not self.holds(needed):
            abort(403)
        return None

    def is_action_allowed(self, name: str) -> bool:
        if name == "delete":
            return self.allowed("delete")
        if name in ("archive", "restore") and not self.archivable:
            return False
        handler = self._actions_data.get(name)
        needed = getattr(handler[0], "_qdesk_permission", None) if handler else None
        # Actions not declared with scoped_action are refused: their ids would
        # not be company-scoped.
        if needed is None:
            return False
        return self.holds(needed) and super().is_action_allowed(name)

    def handle_action(self, return_view: str | None = None) -> Any:
        # An action this user may not run is refused (403), not skipped
        # silently back to the list as Flask-Admin does.
        action = request.form.get("action", "")
        if action in self._actions_data and not self.is_action_allowed(action):
            abort(403)
        return super().handle_action(return_view)

    def holds(self, needed: str) -> bool:
        """Whether the current user holds ``needed``: an action of this
        screen's entity (``"write"``) or a full permission name."""
        return has_permission(needed) if "." in needed else self.allowed(needed)

    def list_tabs(self) -> list[tuple[Any, str]]:
        """Extra tabs on the list screen, beside Import: ``(label, endpoint)``
        of pages added with :func:`scoped_expose`, e.g.
        ``[(_l("Plan visits"), "plan_view")]``. Core shows only those the user
        may open (:meth:`visible_list_tabs`). Default: none."""
        return []

    def visible_list_tabs(self) -> list[tuple[Any, str]]:
        """``(label, url)`` of the :meth:`list_tabs` the user may open."""
        return [(label, self.get_url(f".{endpoint}")) for label, endpoint in self.list_tabs()
                if self.holds(getattr(getattr(self, endpoint), "_qdesk_permission", "read"))]

    # --- printing ------------------------------------------------------------
    def attach_printables(self, printables: list[Any]) -> None:
        """Add a "Print" bulk action per printable of this view's model
        (called by ``init_admin``); the selected ids are company-scoped by
        :func:`scoped_action` before anything is rendered."""
        self.printables = tuple(printables)
        for printable in self.printables:
            if printable.permission is None and printable.module == self.plugin_key:
                # Permissions are named after the screen's entity, which the
                # table name need not match (crm_contact_log → crm.contactlog).
                object.__setattr__(printable, "permission", self.permission("read"))
        for printable in self.printables:
            name = "print_" + printable.key.replace(".", "_")
            text = LazyString(lambda p=printable: gettext(
                "Print: %(title)s",
                title=p.title_zh if str(get_locale()).startswith("zh") else p.title_en))

            def handler(view: CompanyModelView, records: list[Any], printable: Any = printable) -> Any:
                return view.print_selected(printable, records)

            action = scoped_action(name, text, permission=printable.needed_permission)(handler)
            self._actions.append((name, text))
            self._actions_data[name] = (types.MethodType(action, self), text, None)

    def print_selected(self, printable: Any, records: list[Any]) -> Any:
        """One PDF of the selected (already scoped) records."""
        from core import printing
        printing.get_printable(printable.key)  # module gate
        printing.check_permission(printable)
        if not records:
            flash(gettext("Nothing to print: select records of this company."), "warning")
            return None
        limit = printing.max_records()
        if len(records) > limit:
            flash(f"Select at most {limit} records to print at once ({len(records)} selected).", "error")
            return None
        pdf, _job = printing.print_records(printable, records)
        return printing.pdf_response(printable, pdf, records)

    def print_links(self, model: Any) -> list[tuple[Any, str]]:
        """``(printable, url)`` for the printables the user may print (details, edit)."""
        if model is None or getattr(model, "id", None) is None:
            return []
        return [(p, url_for("qdesk_print.print_one", key=p.key, record_id=model.id))
                for p in self.printables if has_permission(p.needed_permission)]

    # --- company scoping ---------------------------------------------------
    @property
    def archivable(self) -> bool:
        """Whether records are archived rather than deleted (list toggle)."""
        return issubclass(self.model, CompanyOwnedMixin)

    def _active(self, query: Any) -> Any:
        if self.archivable and request.args.get("archived") != "1":
            query = query.filter(self.model.archived_at.is_(None))
        return query

    def get_query(self) -> Any:
        return self._active(tenancy.scoped_query(self.model))

    def get_count_query(self) -> Any:
        company = tenancy.require_company()
        query = db.session.query(func.count("*")).select_from(self.model) \
            .filter(self.model.company_id == company.id)
        return self._active(query)

    def _get_list_extra_args(self) -> Any:
        return bound_list_args(super()._get_list_extra_args())

    def _apply_search(self, query: Any, count_query: Any, joins: Any, count_joins: Any, search: str) -> Any:
        # Flask-Admin's search, with the term's own % and _ taken literally
        # (core.search): every term must match one searchable column.
        for term in search.split(" "):
            if not term:
                continue
            where, count_where = [], []
            for field, path in self._search_fields:
                query, joins, alias = self._apply_path_joins(query, joins, path, inner_join=False)
                column = field if alias is None else getattr(alias, field.key)
                where.append(ilike(cast(column, Unicode), term))
                if count_query is not None:
                    count_query, count_joins, count_alias = self._apply_path_joins(
                        count_query, count_joins, path, inner_join=False)
                    column = field if count_alias is None else getattr(count_alias, field.key)
                    count_where.append(ilike(cast(column, Unicode), term))
            query = query.filter(or_(*where))
            if count_query is not None:
                count_query = count_query.filter(or_(*count_where))
        return query, count_query, joins, count_joins

    def get_one(self, id: Any) -> Any:
        """The current company's record ``id`` (archived ones included).

        Flask-Admin's own get_one ignores get_query: scoped here. Another
        company's id answers 404, exactly like an id that does not exist, so
        ids cannot be probed; so does anything that is not an id the column
        can hold (``abc``, ``²``, 20 digits: :func:`core.inputs.parse_id`).
        """
        pk = inputs.parse_id(id)
        if pk is None:
            abort(404)
        record = tenancy.scoped_query(self.model).filter(self.model.id == pk).one_or_none()
        if record is None:
            abort(404)
        return record

    def records_for_ids(self, ids: list[str]) -> list[Any]:
        """The current company's records among ``ids`` (others, and anything
        that is not an id, are dropped)."""
        pks = inputs.parse_ids(ids)
        return tenancy.scoped_query(self.model).filter(self.model.id.in_(pks)).all() if pks else []

    def _create_ajax_loader(self, name: str, options: dict[str, Any]) -> Any:
        remote = getattr(self.model, name).property.mapper.class_
        return ScopedAjaxLoader(name, db, remote, **options)

    # --- saving: stamping, optimistic locking, archive ---------------------
    def scaffold_form(self) -> Any:
        form_class = super().scaffold_form()
        form_class.record_version = HiddenField()
        return form_class

    def form_class_for(self, form_class: type, obj: Any = None) -> type:
        """The form class to instantiate for ``obj`` (``None`` on create).
        Override to add fields that depend on the record (e.g. one field per
        question of a survey); default: ``form_class`` unchanged."""
        return form_class

    def edit_form(self, obj: Any = None) -> Any:
        form = self.form_class_for(self._edit_form_class, obj)(get_form_data(), obj=obj)
        if request.method == "GET" and obj is not None and "record_version" in form:
            form.record_version.data = obj.version
        return form

    #: Values a new record's form starts with, computed when the form is
    #: shown: ``{"occurred_at": local_now, "handled_by": tenancy.current_user}``.
    form_create_defaults: dict[str, Callable[[], Any]] = {}

    def create_form(self, obj: Any = None) -> Any:
        form = self.form_class_for(self._create_form_class, None)(get_form_data(), obj=obj)
        if request.method == "GET":
            for name, default in self.form_create_defaults.items():
                if name in form and not form[name].data:
                    form[name].data = default()
        if "record_version" in form:
            del form["record_version"]
        return form

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        if is_created:
            model.company_id = tenancy.require_company().id

    def create_model(self, form: Any) -> Any:
        g.qdesk_saving = ("create", form)
        return super().create_model(form)

    def update_model(self, form: Any, model: Any) -> bool:
        """Save ``form`` into ``model`` only when the form was made from the
        version now stored: a save without the version, or from an older
        one, is refused with the conflict message and writes nothing."""
        submitted = form.record_version.data if "record_version" in form \
            else getattr(form, "qdesk_record_version", None)
        if submitted in (None, "") or str(submitted) != str(model.version):
            flash(conflict_message(model.version), "error")
            return False
        if "record_version" in form:
            del form["record_version"]
        g.qdesk_saving = ("update", form)
        return super().update_model(form, model)

    # --- inline edit in the list (column_editable_list) ----------------------
    def list_form(self, obj: Any = None) -> Any:
        # Each editable cell posts "<id>:<version>" as its pk, so an inline
        # edit is version-checked like a save of the whole form.
        form = super().list_form(obj)
        version = getattr(obj, "version", None)
        if version is not None:
            for field in form:
                if field.name not in ("list_form_pk", "csrf_token"):
                    field.widget = _VersionedPk(field.widget, version)
        return form

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self) -> Any:
        """One column of one record edited in the list (x-editable posts
        ``list_form_pk=<id>:<version>`` and the column). Answers 200 when
        saved; 400 for a refused value, 404 for a record that is not the
        company's, 409 when the record changed since the list was shown (or
        the version is missing). Flask-Admin's own answers 500 to all."""
        if not self.column_editable_list:
            abort(404)
        form = self.list_form()
        for field in list(form):
            if field.name not in request.form and field.name != "csrf_token":
                del form[field.name]
        if not self.validate_form(form):
            errors = [str(e) for f in form for e in (f.errors if isinstance(f.errors, list) else [f.errors])]
            return gettext("Failed to update record. %(error)s", error=", ".join(errors)), 400
        pk, _sep, version = str(form.list_form_pk.data or "").partition(":")
        record = self.get_one(pk)
        if version != str(record.version):
            return conflict_message(record.version), 409
        form.qdesk_record_version = version
        if self.update_model(form, record):
            get_flashed_messages()
            # The new pk lets the row's other cells be edited next (list_edit.js).
            return jsonify(message=gettext("Record was successfully saved."), pk=f"{record.id}:{record.version}")
        return gettext("Failed to update record. %(error)s", error=" ".join(get_flashed_messages())), 400

    def handle_view_exception(self, exc: Exception) -> bool:
        """Translate what a save, a delete or an action raised: a conflict,
        a refused input (field error and message) or a database error (to
        the log; the user reads a sentence, never SQL). Nothing was saved:
        Flask-Admin rolls back after this."""
        if isinstance(exc, StaleDataError):
            db.session.rollback()
            flash(conflict_message("?"), "error")
            return True
        if isinstance(exc, Invalid):
            self._show_invalid(exc)
            return True
        if isinstance(exc, SQLAlchemyError):
            database_refused(self.endpoint, g.get("qdesk_saving", ("save", None))[0], exc)
            return True
        return super().handle_view_exception(exc)

    def _show_invalid(self, exc: Invalid) -> None:
        form = g.get("qdesk_saving", (None, None))[1]
        field = None
        if form is not None and exc.field:
            for name in (exc.field, exc.field.removesuffix("_id"), f"{exc.field}_id"):
                if name in form and not isinstance(form[name], HiddenField):
                    field = form[name]
                    break
        message = exc.message
        if isinstance(exc, ForeignRecord):
            label = field.label.text if field is not None else exc.field
            message = gettext("%(field)s: choose a record of this company; the one given does not exist "
                              "here. Nothing was saved.", field=label)
        if field is not None:
            field.errors = [*field.errors, message]
        flash(message, "error")

    def delete_model(self, model: Any) -> bool:
        """Delete ``model``, or archive it when it has a history or another
        record points at it (:func:`core.records.delete_or_archive`)."""
        g.qdesk_saving = ("delete", None)
        try:
            outcome = delete_or_archive(model) if isinstance(model, CompanyOwnedMixin) else None
            if outcome is None:
                return super().delete_model(model)
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            if not self.handle_view_exception(exc):
                raise
            return False
        if outcome == "archived":
            flash(gettext("%(record)s has a history or other records point at it: it was archived, "
                          "not deleted.", record=str(model)), "info")
        else:
            self.after_model_delete(model)
        return True

    @_flask_admin_action("delete", admin_lazy_gettext("Delete"),
                         admin_lazy_gettext("Are you sure you want to delete selected records?"))
    def action_delete(self, ids: list[str]) -> Any:
        # Flask-Admin's bulk delete filters `id IN (<the ids as text>)`, which
        # PostgreSQL (psycopg 3) refuses (`integer = varchar`): pass numbers
        # (only ids the column can hold: core.inputs.parse_ids).
        return super().action_delete(tuple(inputs.parse_ids(ids)))

    @scoped_action("archive", lazy_gettext("Archive"), lazy_gettext("Archive the selected records?"),
                   permission="delete")
    def action_archive(self, records: list[Any]) -> None:
        """Hide records from the lists, keeping them and their history
        (``Show archived`` and Restore bring them back)."""
        now = utcnow()
        records = [r for r in records if r.archived_at is None]
        for record in records:
            record.archived_at = now
        db.session.commit()
        flash(gettext("%(n)s record(s) archived.", n=len(records)), "success")

    @scoped_action("restore", lazy_gettext("Restore"), permission="delete")
    def action_restore(self, records: list[Any]) -> None:
        """Bring archived records back to the list."""
        for record in records:
            record.archived_at = None
        db.session.commit()
        flash(gettext("%(n)s record(s) restored.", n=len(records)), "success")

    # --- export --------------------------------------------------------------
    def get_export_value(self, model: Any, name: Any) -> Any:
        # A cell starting with = + - @ (or a tab/CR) is a formula to
        # spreadsheet programs: prefix it with ' so it stays text.
        # Related records and other objects are turned into text first, so a
        # related name like "=cmd" is neutralised too.
        return neutralise(super().get_export_value(model, name))

    # --- audit on the details page -----------------------------------------
    def audit_entries(self, model: Any, limit: int = 100) -> list[AuditEntry]:
        """The record's audit trail, newest first (shown on its details page)."""
        return (tenancy.scoped_query(AuditEntry)
                .filter(AuditEntry.table_name == model.__tablename__, AuditEntry.record_id == model.id)
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).all())


def text_lines(lines: Any) -> Markup:
    """Several texts in one cell, each escaped, one per line."""
    return Markup("<br>").join(escape(line) for line in lines)


def overdue_badge(text: Any) -> Markup:
    """``text`` (escaped) in the red badge that marks anything past its due time."""
    return Markup('<span class="badge badge-danger bg-danger text-white qdesk-overdue">{}</span>').format(text)


def format_changes(changes: dict[str, Any]) -> Markup:
    """Escaped ``field: old → new`` lines for the audit table."""
    lines = [f"<b>{escape(k)}</b>: {escape(v[0])} → {escape(v[1])}" for k, v in changes.items()]
    return Markup("<br>".join(lines))
