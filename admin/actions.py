"""Bulk actions and extra pages of the admin screens, guarded like the
built-in ones: :func:`scoped_action`, :func:`scoped_expose`, and the
"Assign …" actions of :class:`BulkAssignMixin`."""
from __future__ import annotations

import functools
import types
from typing import Any, Callable

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.actions import action as _flask_admin_action
from flask_babel import LazyString, gettext

from core.records import inputs, tenancy
from core.extensions import db
from core.models import User


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
        def wrapper(self: Any, ids: list[str]) -> Any:
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
