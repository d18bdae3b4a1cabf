"""The base of the admin shell's company pages that are not a model screen
(Modules, Settings, Permissions, People, Inbox): who may open them, and what
a visitor who may not is told."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_admin import BaseView

from core.records import tenancy
from core.records.permissions import has_permission


class CompanyPage(BaseView):
    """A page of the current company. ``permission`` is the core permission
    it needs to be opened (``None``: any member); :meth:`holds` asks for
    another (``core.people.write`` for a form's buttons). Not logged in: the
    login page; logged in without the right: 403."""

    permission: str | None = None

    def holds(self, permission: str) -> bool:
        """Whether the current user holds ``permission`` in the current company."""
        return tenancy.current_company() is not None and has_permission(permission)

    def is_accessible(self) -> bool:
        if tenancy.current_user() is None or tenancy.current_company() is None:
            return False
        return self.permission is None or self.holds(self.permission)

    def inaccessible_callback(self, name, **kwargs):
        if tenancy.current_user() is None:
            return redirect(url_for("qdesk_auth.login", next=request.full_path))
        abort(403)
