"""Saving on the admin screens: the version check (optimistic locking), inline
list edits, delete-or-archive, Archive/Restore, and the translation of what a
save raises into messages a clerk understands.

Mixed into :class:`admin.views.CompanyModelView`; the rules themselves live
in core (:mod:`core.records.access`: gate, permission, version, kept fields,
archive; :mod:`core.records`: links, parts at flush), this module only adapts
them to Flask-Admin.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from flask import abort, flash, g, get_flashed_messages, jsonify, request
from flask_admin import expose
from flask_admin.actions import action as _flask_admin_action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext  # Flask-Admin's own catalog
from flask_admin.helpers import get_form_data
from flask_babel import gettext, lazy_gettext
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional as OptionalValue

from admin.actions import scoped_action
from admin.forms import keep_current_choices
from core.i18n import join_names
from core.records import access, inputs
from core.errors import Conflict, DomainError, ForeignRecord, Invalid
from core.extensions import db
from core.models import utcnow
from core.records import CompanyOwnedMixin
from core.records.reasons import REASON_MAX, reason_fields

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


# What the second of two concurrent saves is told: the one sentence of core.records.access.
conflict_message = access.conflict_message


class _VersionedPk:
    """A list cell's widget whose pk carries the record's version."""

    def __init__(self, widget: Any, version: int) -> None:
        self.widget, self.version = widget, version

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        if "pk" in kwargs:
            kwargs["pk"] = f"{kwargs['pk']}:{self.version}"
        return self.widget(field, **kwargs)


class DatabaseRefusalMixin:
    """For any Flask-Admin model view: a database error during a create or
    an update goes to the log and the user reads :data:`DATABASE_REFUSED`
    (used by company screens through :class:`SavingMixin`, and by the
    system screens)."""

    def create_model(self, form: Any) -> Any:
        g.qdesk_saving = ("create", form)
        return super().create_model(form)

    def update_model(self, form: Any, model: Any) -> bool:
        g.qdesk_saving = ("update", form)
        return super().update_model(form, model)

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, SQLAlchemyError):
            database_refused(self.endpoint, g.get("qdesk_saving", ("save", None))[0], exc)
            return True
        return super().handle_view_exception(exc)


#: The form fields core adds to every screen's form (the version it was
#: made from; the reason for a change that needs one).
CORE_FIELDS = ("record_version", "change_reason")


class SavingMixin(DatabaseRefusalMixin):
    """Create, edit, inline edit, delete, Archive and Restore of a
    :class:`~admin.views.CompanyModelView`."""

    def scaffold_form(self) -> Any:
        form_class = super().scaffold_form()
        form_class.record_version = HiddenField()
        if reason_fields(self.model):
            # core.records.reasons: a change of such a column is kept with its reason.
            form_class.change_reason = TextAreaField(
                lazy_gettext("Reason for the change"),
                validators=[OptionalValue(), Length(max=REASON_MAX)],
                description=lazy_gettext("Needed when you change %(fields)s; kept in the history.",
                                         fields=", ".join(self._reason_labels())))
        return form_class

    # Flask-Admin drops every field a screen's form_create_rules /
    # form_edit_rules do not name: record_version and change_reason are
    # core's, not the screen's; without the version every save would be
    # refused as a conflict.
    def _remove_fields_from_form_class(self, field_names: Any, form_class: Any) -> None:
        super()._remove_fields_from_form_class([n for n in field_names if n not in CORE_FIELDS], form_class)

    def _remove_fields_from_form_instance(self, field_names: Any, form: Any) -> None:
        super()._remove_fields_from_form_instance([n for n in field_names if n not in CORE_FIELDS], form)

    def _show_missing_fields_warning(self, text: str) -> None:
        missing = [n for n in text.partition(": ")[2].split(",") if n and n not in CORE_FIELDS]
        if missing:
            super()._show_missing_fields_warning("Fields missing from ruleset: " + ",".join(missing))

    def _reason_labels(self) -> list[str]:
        labels = getattr(self, "column_labels", None) or {}
        return [str(labels.get(name, name)) for name in reason_fields(self.model)]

    def form_class_for(self, form_class: type, obj: Any = None) -> type:
        """The form class to instantiate for ``obj`` (``None`` on create).
        Override to add fields that depend on the record (e.g. one field per
        question of a survey); default: ``form_class`` unchanged."""
        return form_class

    def edit_form(self, obj: Any = None) -> Any:
        form = self.form_class_for(self._edit_form_class, obj)(get_form_data(), obj=obj)
        if obj is not None:
            keep_current_choices(form, obj)
            self._leave_out_locked_fields(form, obj)
        if request.method == "GET" and obj is not None and "record_version" in form:
            form.record_version.data = obj.version
        return form

    def _leave_out_locked_fields(self, form: Any, record: Any) -> None:
        """In a state its workflow locks (``Workflow(locked=...)``) a record's
        edit form keeps only the fields that state leaves editable (a signed
        notice's carrier and waybill), and says so: the other fields would be
        refused at the save anyway (core.workflow_locks). The details page
        still shows them all."""
        workflow = getattr(self, "workflow", None)
        state = getattr(record, workflow.field, None) if workflow is not None else None
        if state not in getattr(workflow, "locked", {}):
            return
        editable = set(workflow.locked[state])
        for name in [f.name for f in form if f.name not in editable and f.name not in (*CORE_FIELDS, "csrf_token")]:
            del form[name]
        labels = [str(self.get_column_name(name)) for name in workflow.locked[state] if name in form]
        form.qdesk_locked = (gettext("This record is %(state)s: only %(fields)s can still be changed.",
                                     state=workflow.state_label(state), fields=join_names(labels))
                             if labels else
                             gettext("This record is %(state)s: it can no longer be changed.",
                                     state=workflow.state_label(state)))
        form.qdesk_nothing_editable = not labels

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
        if "change_reason" in form:  # a new record has nothing to change yet
            del form["change_reason"]
        return form

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        """A screen's own step after the form filled ``model`` (default:
        none). The company is stamped by core at flush (core.records.stamps),
        like every other field core keeps."""

    def _fill(self, form: Any, is_created: bool) -> Callable[[Any], None]:
        """How the form's values reach the record (inline rows and uploads
        included): Flask-Admin's ``populate_obj``, then the screen's
        ``on_model_change``. :mod:`core.records.access` calls it and checks
        the fields core keeps afterwards."""
        def fill(model: Any) -> None:
            form.populate_obj(model)
            self._on_model_change(form, model, is_created)
        return fill

    def create_model(self, form: Any) -> Any:
        """A new record from ``form``, through :func:`core.records.access.create`
        (module gate, permission, kept fields; links, numbers and clocks at
        its flush). Refusals become messages and field errors; nothing is saved."""
        g.qdesk_saving = ("create", form)
        if "record_version" in form:
            del form["record_version"]
        try:
            model = access.create(self.entity_decl, self._fill(form, True))
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            self._refused(exc, "create")
            return False
        self.after_model_change(form, model, True)
        return model

    def _refused(self, exc: Exception, what: str) -> None:
        """Tell the user why a save wrote nothing; the form keeps what they
        typed. A failure no rule explains goes to the log, never to the page."""
        if not self.handle_view_exception(exc):
            log.error("%s on %s failed", what, self.endpoint, exc_info=exc)
            flash(gettext("Nothing was saved: qdesk could not process this change (the error was "
                          "logged for the administrator). Your input is still in the form."), "error")

    def update_model(self, form: Any, model: Any) -> bool:
        """Save ``form`` into ``model`` through :func:`core.records.access.update`,
        only when the form was made from the version now stored: a save without
        the version, or from an older one, is refused with the conflict message
        and writes nothing."""
        g.qdesk_saving = ("update", form)
        submitted = form.record_version.data if "record_version" in form \
            else getattr(form, "qdesk_record_version", None)
        if "record_version" in form:
            del form["record_version"]
        reason = None
        if "change_reason" in form:
            reason = form.change_reason.data or ""
            del form["change_reason"]
        try:
            access.update(model, self._fill(form, False), submitted, entity=self.entity_decl, reason=reason)
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            self._refused(exc, "update")
            return False
        self.after_model_change(form, model, False)
        return True

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
        try:
            access.check_version(record, version)
        except Conflict as exc:
            return exc.message, 409
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
        if isinstance(exc, DomainError):  # a conflict, or a right lost while the form was open
            flash(exc.message, "error")
            return True
        return super().handle_view_exception(exc)  # database errors: DatabaseRefusalMixin

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
        record points at it (:func:`core.records.access.archive`)."""
        g.qdesk_saving = ("delete", None)
        try:
            outcome = access.archive(model) if isinstance(model, CompanyOwnedMixin) else None
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
        # (only ids the column can hold: core.records.inputs.parse_ids).
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
