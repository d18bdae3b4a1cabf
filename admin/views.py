"""The company-scoped base view every plugin admin screen subclasses.

Everything a screen must get right about tenancy and permissions is done
here once: the list, count and single-record queries, relation dropdowns and
ajax loaders are restricted to the current company; ``company_id`` is
stamped by core, never read from the form; every endpoint checks the module
gate (404 when the module is disabled for the company) and the permission of
its action (403); bulk actions receive records already scoped; saves are
guarded by optimistic locking; deletes of records with history archive them.

The pieces live by concern beside this module, and the names plugins use are
importable from here: :mod:`admin.forms` (company-scoped choices, bounded
values and list arguments), :mod:`admin.actions` (``scoped_action``,
``scoped_expose``, bulk assign), :mod:`admin.saving` (version check, inline
edits, delete or archive, error messages), :mod:`admin.imports` (export and
import).
"""
from __future__ import annotations

import types
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin.contrib.sqla import ModelView
from flask_admin.model.form import converts  # noqa: F401  (re-exported for plugins)
from flask_babel import LazyString, get_locale, gettext, lazy_gettext
from markupsafe import Markup, escape
from sqlalchemy import func

# The documented helpers of the admin shell, importable from here.
from admin.actions import BulkAssignMixin, scoped_action, scoped_expose  # noqa: F401
from admin.attachments import AttachmentsMixin
from admin.counting import CountingMixin, capped
from admin.list_rows import ListRowsMixin
from admin.deadlines import DeadlineMixin
from admin.errors import http_errors
from admin.formatting import LOCALE_DETAIL_FORMATTERS, LOCALE_FORMATTERS, datetime_text, stamp_text  # noqa: F401
from admin.forms import (BoundedModelConverter, ColumnBounds, ScopedAjaxLoader,  # noqa: F401
                         ScopedModelConverter, bound_list_args, choose_text)
from admin.history import action_label, changes_markup, comment_markup
from admin.imports import FORMULA_STARTS, ImportExportMixin, neutralise  # noqa: F401
from admin.stamp_filters import StampFilterConverter
from admin.saving import DATABASE_REFUSED, SavingMixin, conflict_message, database_refused  # noqa: F401
from admin.transitions import WorkflowMixin
from admin.record_links import RecordLinksMixin
from admin.search import SearchMixin
from core.records import access, tenancy
from core.extensions import db
from core.models import AuditEntry
from core.records.permissions import has_permission
from core.records import SYSTEM_COLUMNS, CompanyOwnedMixin

# Which permission each Flask-Admin endpoint needs.
ENDPOINT_ACTIONS = {
    "index_view": "read", "details_view": "read", "export": "read", "ajax_lookup": "read",
    "create_view": "create", "edit_view": "write", "ajax_update": "write",
    "delete_view": "delete", "action_view": None,  # checked per action
    "import_view": "create", "import_preview_view": "create",
    "bulk_assign_view": "write",
}


SYSTEM_LABELS = {"created_at": lazy_gettext("Created at"), "updated_at": lazy_gettext("Updated at"),
                 "created_by": lazy_gettext("Created by"), "updated_by": lazy_gettext("Updated by"),
                 "archived_at": lazy_gettext("Archived at")}


class CompanyModelView(AttachmentsMixin, WorkflowMixin, RecordLinksMixin, DeadlineMixin, BulkAssignMixin,
                       ImportExportMixin, SavingMixin, SearchMixin, CountingMixin, ListRowsMixin, ModelView):
    """Base class of every plugin screen. Set ``model`` and ``entity``.

    ``plugin_key`` is filled in by core from the plugin that registered the
    view; the endpoint is ``<plugin>_<entity>`` and permissions are
    ``<plugin>.<entity>.<read|create|write|delete>``.
    """

    model: type | None = None
    entity: str | None = None
    plugin_key: str = ""

    model_form_converter = ScopedModelConverter
    # Stamps (naive UTC) are filtered by company-local dates and times.
    filter_converter = StampFilterConverter()
    column_type_formatters = LOCALE_FORMATTERS
    column_type_formatters_detail = LOCALE_DETAIL_FORMATTERS
    #: Templates show stamps with it: ``admin_view.stamp_text(entry.at)`` (company-local).
    stamp_text = staticmethod(stamp_text)
    form_excluded_columns = (*SYSTEM_COLUMNS, "archived_at")
    column_exclude_list = ("company_id", "version", "created_by_id", "updated_by_id", "archived_at")
    column_details_exclude_list = ("company_id",)
    column_export_exclude_list = ("company_id", "version")
    can_view_details = True
    can_export = True
    export_max_rows = 5000
    # export_types (csv, xlsx), import_schema and the import limits: admin.imports
    page_size = 50  # count_limit (the list's "1000+"): admin.counting
    fast_mass_delete = False  # each delete goes through delete_model: audit, archive
    details_template = "qdesk/model/details.html"
    # qdesk/model/list.html plus the Import tab and the export-cap note.
    list_template = "qdesk/import_list.html"
    edit_template = "qdesk/model/edit.html"
    # core.printing.Printable objects of this model, set by init_admin.
    printables: tuple = ()

    def __init__(self, plugin_key: str, **kwargs: Any) -> None:
        from core.records.entities import EntityRegistry
        entities = EntityRegistry.current()
        declared = entities.entity_of(self.model) if self.model is not None else None
        if declared is not None and declared.key in entities.implicit:
            declared = None  # named by another screen of the model: this one keeps its own name
        if declared is not None:
            if self.entity and self.entity != declared.name:
                raise TypeError(f"plugin {plugin_key!r}: {type(self).__name__}.entity is {self.entity!r}, but "
                                f"{self.model.__name__} is the entity {declared.key!r}: leave 'entity' out")
            self.entity = declared.name
            if getattr(self, "import_schema", None) is None and declared.schema is not None:
                self.import_schema = declared.schema  # the entity's import columns
        if self.model is None or not self.entity:
            raise TypeError(f"{type(self).__name__} must set 'model' (a declared entity's model) or "
                            "'model' and 'entity'")
        self.plugin_key = plugin_key
        # Every screen's model is an entity of core.records.access (one from its
        # screen if the plugin declares none).
        self.entity_decl = declared or entities.add_implicit(plugin_key, f"{plugin_key}.{self.entity}", self.model,
                                                             str(getattr(self, "label", "") or ""))
        self._add_attachment_pages()  # upload, download, delete when the entity opted in
        kwargs.setdefault("endpoint", f"{plugin_key}_{self.entity}")
        kwargs.setdefault("url", f"/admin/{plugin_key}/{self.entity}")
        self.column_labels = {**SYSTEM_LABELS, **(self.column_labels or {})}
        from core.deadlines import deadlines_for
        from core.workflow import workflow_for
        self.workflow = workflow_for(self.model)
        if self.workflow is not None and self.workflow.field not in (self.column_formatters or {}):
            # The state as the workflow names it (处理中 / In progress), not its code.
            self.column_formatters = {**(self.column_formatters or {}),
                                      self.workflow.field: lambda v, c, m, n: self.workflow.state_label(getattr(m, n))}
        self._deadline_setup(deadlines_for(self.model))
        self._leave_out_kept_fields()
        super().__init__(self.model, db, **kwargs)
        self._add_bulk_assign_actions()
        self._add_transition_actions()

    def _leave_out_kept_fields(self) -> None:
        """Fields core keeps (a workflow's state, a sequence's number, a
        deadline's due moment) are in no form, inline edit or import: a
        screen that lists one stops the start, naming it."""
        kept = access.kept_fields(self.model)
        if not kept:
            return
        where = f"plugin {self.plugin_key!r}: {type(self).__name__}"
        for attr in ("form_columns", "column_editable_list", "form_create_rules", "form_edit_rules"):
            named = [c for c in (getattr(self, attr, None) or ()) if isinstance(c, str) and c in kept]
            if named:
                raise TypeError(f"{where}.{attr} lists {', '.join(named)}, which core keeps "
                                f"({', '.join(f'{k}: {v}' for k, v in kept.items() if k in named)}); leave it out")
        schema = getattr(self, "import_schema", None)
        if schema is not None:
            fields = getattr(schema, "_declared_fields", {})
            named = [c for c in fields if c in kept]
            if named:
                raise TypeError(f"{where}.import_schema {schema.__name__} has {', '.join(named)}, which core "
                                "keeps; an import cannot set it")
        self.form_excluded_columns = (*(self.form_excluded_columns or ()), *kept)

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

    def list_reports(self) -> list[Any]:
        """The period reports that name this screen's entity and that the
        user may print here (core.printing.Report(entity=...)): links on the list."""
        from core.printing import reports_of
        return reports_of(f"{self.plugin_key}.{self.entity}")

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
        with http_errors():
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

    @property
    def org_owned(self) -> bool:
        """Whether the model has a department and a responsible employee
        (:class:`core.org.OrgOwnedMixin`): its list offers "My department"."""
        from core.org import OrgOwnedMixin
        return isinstance(self.model, type) and issubclass(self.model, OrgOwnedMixin)

    def _mine_only(self, query: Any) -> Any:
        """``?mine=department``: the records of the user's department (and
        those under it) and those the user's employee is responsible for;
        ``?mine=me``: only those the user's employee is responsible for."""
        mine = request.args.get("mine")
        if mine not in ("department", "me") or not self.org_owned:
            return query
        from core.org import my_department_clause, my_records_clause
        clause = my_department_clause if mine == "department" else my_records_clause
        return query.filter(clause(self.model, tenancy.current_user()))

    def get_query(self) -> Any:
        return self._mine_only(self._overdue_only(self._active(tenancy.scoped_query(self.model))))

    def get_count_query(self) -> Any:
        """The list's count in the current company, capped on the list page
        at ``count_limit`` records beyond the page (:mod:`admin.counting`)."""
        company = tenancy.require_company()
        query = db.session.query(func.count("*")).select_from(self.model) \
            .filter(self.model.company_id == company.id)
        return capped(self, self._mine_only(self._overdue_only(self._active(query))))

    def _apply_sorting(self, query: Any, joins: Any, sort_column: Any, sort_desc: bool) -> Any:
        """The chosen (or default) order, then the id in the same direction.

        Rows that tie on the sorted column (same priority, same date) would
        otherwise come back in whatever order the database likes, which on
        PostgreSQL changes as rows are updated: a record would show on two
        pages of the list and be missing from the export's order."""
        query, joins = super()._apply_sorting(query, joins, sort_column, sort_desc)
        if sort_column is None:
            first = next(iter(self._get_default_order()), None)
            sort_desc = bool(first and first[2])
        return query.order_by(self.model.id.desc() if sort_desc else self.model.id.asc()), joins

    def _get_list_extra_args(self) -> Any:
        return bound_list_args(super()._get_list_extra_args())

    def get_one(self, id: Any) -> Any:
        """The current company's record ``id`` (archived ones included).

        Flask-Admin's own get_one ignores get_query: scoped here. Another
        company's id answers 404, exactly like an id that does not exist, so
        ids cannot be probed; so does anything that is not an id the column
        can hold (``abc``, ``²``, 20 digits: :func:`core.records.inputs.parse_id`).
        """
        with http_errors():
            return access.get(self.entity_decl, id)

    def records_for_ids(self, ids: list[str]) -> list[Any]:
        """The current company's records among ``ids`` (others, and anything
        that is not an id, are dropped)."""
        with http_errors():
            return access.records(self.entity_decl, ids)

    def _create_ajax_loader(self, name: str, options: dict[str, Any]) -> Any:
        remote = getattr(self.model, name).property.mapper.class_
        options = {"placeholder": choose_text((self.column_labels or {}).get(name) or name), **options}
        return ScopedAjaxLoader(name, db, remote, **options)

    # --- export --------------------------------------------------------------
    def get_export_value(self, model: Any, name: Any) -> Any:
        # A cell starting with = + - @ (or a tab/CR) is a formula to
        # spreadsheet programs: prefix it with ' so it stays text.
        # Related records and other objects are turned into text first, so a
        # related name like "=cmd" is neutralised too.
        return neutralise(super().get_export_value(model, name))

    # --- audit on the details page -----------------------------------------
    def history_markup(self, entry: AuditEntry) -> Markup:
        """An audit entry's changes with this screen's labels and display
        values (:mod:`admin.history`)."""
        return changes_markup(self, self.model, entry.changes) + comment_markup(entry)

    def history_action(self, entry: AuditEntry) -> str:
        """What the entry did: 答复 (the transition), created, changed..."""
        return action_label(entry)

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

