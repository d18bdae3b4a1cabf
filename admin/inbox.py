"""The Inbox screen (``core.notify``): the current user's notifications in
the current company, and the unread count the navbar bell shows."""
from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import get_locale, gettext as _

from admin.pages import CompanyPage

from admin.errors import http_errors
from core.calendar.timezone import format_local
from core.extensions import db
from core.notify import inbox, mark_all_read, mark_read, render_for, unread_count
from core.records import access, inputs, tenancy

PAGE_SIZE = 50


def navbar_context() -> dict:
    """``qdesk_unread``: the bell's count on every page (0 logged out)."""
    # A function: counted only where the navbar include calls it (0 without
    # a user or a company).
    return dict(qdesk_unread=unread_count)


def record_url(row: Any) -> str | None:
    """The details page of the notification's record, when its module is
    enabled for the current company and the user may read it."""
    if not row.entity or row.record_id is None:
        return None
    try:
        entity = access.resolve(row.entity)
    except KeyError:  # a plugin no longer installed
        return None
    if not access.can(entity, "read"):
        return None
    for view in current_app.extensions["qdesk.plugins"].admin_views:
        if view.model is entity.model:
            return url_for(f"{view.endpoint}.details_view", id=row.record_id)
    return None


class InboxView(CompanyPage):
    """Every logged-in user's notifications in the current company, newest first."""

    def is_visible(self) -> bool:
        return False  # reached from the navbar bell, not the menu

    permission = None  # every member: their own notifications

    @expose("/")
    def index(self):
        page = inputs.bounded_int(request.args.get("page"), 1, 1, 10_000) or 1
        unread_only = request.args.get("unread") == "1"
        rows, total = inbox(unread_only=unread_only, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        locale = str(get_locale() or "zh_Hans_CN")
        company = tenancy.current_company()
        items = []
        for row in rows:
            try:
                subject, body = render_for(row, locale, company)
            except KeyError:  # its plugin is no longer installed: say what it was
                subject, body = row.kind, ""
            items.append(dict(row=row, subject=subject, body=body, url=record_url(row),
                              when=format_local(row.created_at, company)))
        pages = max(1, -(-total // PAGE_SIZE))
        return self.render("qdesk/inbox.html", items=items, total=total, page=page, pages=pages,
                           unread_only=unread_only, company=company)

    @expose("/<notification_id>/read", methods=["POST"])
    def read(self, notification_id: str):
        with http_errors():
            mark_read(notification_id)
        db.session.commit()
        return redirect(self._back())

    @expose("/read-all", methods=["POST"])
    def read_all(self):
        n = mark_all_read()
        db.session.commit()
        flash(_("%(n)s notification(s) marked read.", n=n), "success")
        return redirect(url_for(".index"))

    def _back(self) -> str:
        # Only back to the inbox itself (no open redirect through "next").
        return url_for(".index", unread="1") if request.form.get("unread") == "1" else url_for(".index")
