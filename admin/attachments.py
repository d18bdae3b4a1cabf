"""The attachments panel of a record page (:mod:`core.attachments`).

A screen whose entity opted in (``Entity(..., attachments=Attachments(...))``)
gets three pages, next to the record's own, and the panel on its details
page (``qdesk/model/attachments_panel.html``):

* ``GET  attachments/?id=<record>&attachment=<id>``: the file (``read``);
* ``POST attachments/upload/`` with ``id`` and ``file`` (``write``);
* ``POST attachments/delete/`` with ``id`` and ``attachment`` (``delete``).

The screen's guard checks the module gate and the permission first; then
:mod:`core.attachments` loads the record through the access layer (404 for
an id of another company) and applies every rule. A refused upload or
delete comes back as the sentence core raised, on the record page.
"""
from __future__ import annotations

import io
from typing import Any

from flask import flash, redirect, request, send_file
from flask_admin.base import _wrap_view
from flask_babel import gettext

from admin.errors import http_errors
from core import attachments
from core.errors import DomainError, Invalid
from core.extensions import db
from core.models import User

#: (url, method name, HTTP methods, permission action) of the pages an opted-in screen gets.
PAGES = (("/attachments/", "attachment_view", ("GET",), "read"),
         ("/attachments/upload/", "attachment_upload_view", ("POST",), "write"),
         ("/attachments/delete/", "attachment_delete_view", ("POST",), "delete"))


def pages_for(entity: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    """The ``(url, name, methods)`` an entity's screen adds to Flask-Admin's
    urls: :data:`PAGES` when it opted in, else none."""
    if getattr(entity, "attachments", None) is None:
        return []
    return [(url, name, methods) for url, name, methods, _action in PAGES]


def _page(action: str) -> Any:
    """Mark a page with the permission action it needs (``_handle_view``)
    and wrap it like Flask-Admin's ``expose`` does."""
    def decorator(method: Any) -> Any:
        method._qdesk_permission = action
        return _wrap_view(method)
    return decorator


class AttachmentsMixin:
    """Mixed into :class:`admin.views.CompanyModelView`; the pages exist only
    on screens whose entity opted in (:meth:`_add_attachment_pages`)."""

    entity_decl: Any = None

    def _add_attachment_pages(self) -> None:
        # Flask-Admin builds the blueprint from _urls: extended on this view only.
        extra = pages_for(self.entity_decl)
        if extra:
            self._urls = [*type(self)._urls, *extra]

    @property
    def attachments_declared(self) -> Any:
        """The entity's :class:`~core.records.entities.Attachments`, or None."""
        return getattr(self.entity_decl, "attachments", None)

    def attachment_panel(self, record: Any) -> dict[str, Any] | None:
        """What the record page's panel shows (None: no panel): the rows
        (name, size, who, when), whether the user may upload and remove, the
        limits and the upload field's accept hint."""
        decl = self.attachments_declared
        if decl is None or record is None or getattr(record, "id", None) is None:
            return None
        with http_errors():
            rows = attachments.listing(self.entity_decl, record.id)
        people = {u.id: u for u in db.session.query(User).filter(User.id.in_({r.created_by_id for r in rows}))} \
            if rows else {}
        from core.records import access
        return dict(
            rows=[dict(attachment=r, size=attachments.human_size(r.size), who=people.get(r.created_by_id),
                       when=self.stamp_text(r.created_at)) for r in rows],
            can_upload=access.can(self.entity_decl, "write") and getattr(record, "archived_at", None) is None
            and len(rows) < decl.max_count,
            can_remove=attachments.may_remove(self.entity_decl, record),
            kinds=attachments.kind_labels(decl.kinds), accept=attachments.accept_attribute(decl.kinds),
            max_size=attachments.human_size(decl.max_bytes), max_count=decl.max_count,
            evidence=decl.evidence)

    def _back(self, record_id: Any) -> Any:
        return redirect(self.get_url(".details_view", id=record_id))

    @_page("read")
    def attachment_view(self) -> Any:
        """The file: images inline (re-encoded on upload), everything else
        as a download; the browser never guesses the type."""
        with http_errors():
            found, data = attachments.fetch(self.entity_decl, request.args.get("id", ""),
                                            request.args.get("attachment", ""))
        response = send_file(io.BytesIO(data), mimetype=found.content_type, download_name=found.name,
                             as_attachment=found.kind != "image", max_age=0)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @_page("write")
    def attachment_upload_view(self) -> Any:
        """The panel's upload form posts here: ``id`` (the record) and ``file``."""
        record_id = request.form.get("id", "")
        with http_errors():  # another company's record: 404, before anything is read
            record = self.get_one(record_id)
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise Invalid(gettext("Choose a file to attach."), field="file")
            found = attachments.add(self.entity_decl, record.id, upload.filename, upload.stream)
            db.session.commit()
        except (DomainError, Invalid) as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return self._back(record.id)
        flash(gettext("Attached %(name)s.", name=found.name), "success")
        return self._back(record.id)

    @_page("delete")
    def attachment_delete_view(self) -> Any:
        """A file's Remove (Archive) button posts here: ``id`` and ``attachment``."""
        with http_errors():  # another company's record or attachment: 404
            found = attachments.get(self.entity_decl, request.form.get("id", ""), request.form.get("attachment", ""))
        record_id, name = found.record_id, found.name
        try:
            done = attachments.remove(self.entity_decl, record_id, found.id)
            db.session.commit()
        except (DomainError, Invalid) as exc:  # the evidence rule, in core's words
            db.session.rollback()
            flash(exc.message, "error")
            return self._back(record_id)
        flash(gettext("%(name)s was archived: it is kept as evidence, hidden from the list.", name=name)
              if done == "archived" else gettext("%(name)s was removed.", name=name), "success")
        return self._back(record_id)
