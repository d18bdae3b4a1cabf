"""Administration → People: a company admin adds members, changes their
roles, deactivates them and resets their passwords, in their own company
only (:mod:`core.people`)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from markupsafe import Markup

from admin.auth import ROLE_LABELS
from admin.pages import CompanyPage
from admin.errors import http_errors
from admin.history import EMPTY, register_table_reader
from core import people
from core.calendar.timezone import format_local
from core.errors import Invalid
from core.models import ROLES
from core.records import tenancy


class PeopleView(CompanyPage):
    """The company's members, the add form and a set-password link shown once."""

    permission = "core.people.read"

    def _page(self, link: tuple[str, str] | None = None, form: dict | None = None, status: int = 200):
        rows = [dict(m=m, last_login=format_local(m.user.last_login_at, fmt="%Y-%m-%d %H:%M")
                     if m.user.last_login_at else EMPTY) for m in people.members()]
        response = self.render("qdesk/people.html", rows=rows, roles=ROLES, role_label=lambda r: ROLE_LABELS.get(r, r),
                               company=tenancy.current_company(), can_write=self.holds("core.people.write"), link=link,
                               form=form or {}, link_hours=people.LINK_HOURS,
                               me=tenancy.current_user())
        return response, status, {"Cache-Control": "no-store"} if link else {}

    def _link(self, email: str, token: str) -> tuple[str, str]:
        return email, url_for("qdesk_auth.set_password", token=token, _external=True)

    def _write(self) -> None:
        if not self.holds("core.people.write"):
            abort(403)

    @expose("/")
    def index(self):
        return self._page()

    @expose("/add", methods=["POST"])
    def add(self):
        self._write()
        form = {k: request.form.get(k, "")[:300] for k in ("email", "name", "role")}
        try:
            m, token = people.add_member(form["email"], form["role"], form["name"])
        except Invalid as exc:
            flash(str(exc), "error")
            return self._page(form=form, status=400)
        if token is None:
            flash(_("%(email)s joined the company as %(role)s (an existing login: their password is unchanged).",
                    email=m.user.email, role=ROLE_LABELS.get(m.role, m.role)), "success")
            return redirect(url_for(".index"))
        flash(_("%(email)s was added as %(role)s. Give them the link below to set their password.",
                email=m.user.email, role=ROLE_LABELS.get(m.role, m.role)), "success")
        return self._page(link=self._link(m.user.email, token))

    @expose("/<member_id>/role", methods=["POST"])
    def role(self, member_id: str):
        self._write()
        with http_errors():
            m = people.membership(member_id)
        try:
            if people.change_role(m, request.form.get("role", "")[:40]):
                flash(_("%(email)s is now %(role)s.", email=m.user.email, role=ROLE_LABELS.get(m.role, m.role)),
                      "success")
        except Invalid as exc:
            flash(str(exc), "error")
        return redirect(url_for(".index"))

    @expose("/<member_id>/active", methods=["POST"])
    def active(self, member_id: str):
        self._write()
        with http_errors():
            m = people.membership(member_id)
        active = request.form.get("active") == "1"
        try:
            if people.set_active(m, active):
                flash(_("%(email)s can work in this company again.", email=m.user.email) if active else
                      _("%(email)s was deactivated in this company.", email=m.user.email), "success")
        except Invalid as exc:
            flash(str(exc), "error")
        return redirect(url_for(".index"))

    @expose("/<member_id>/reset", methods=["POST"])
    def reset(self, member_id: str):
        self._write()
        with http_errors():
            m = people.membership(member_id)
        try:
            token = people.reset_password(m)
        except Invalid as exc:
            flash(str(exc), "error")
            return redirect(url_for(".index"))
        flash(_("The password of %(email)s no longer works and their sessions have ended. Give them the link "
                "below to set a new one.", email=m.user.email), "success")
        return self._page(link=self._link(m.user.email, token))


def member_changes(entry) -> Markup:
    """An audit entry of ``memberships``: whose, and role/active changes."""
    changes = dict(entry.changes or {})
    who = (changes.pop("user", None) or [None, "?"])[1]
    labels = {"role": _("Role"), "active": _("Active"), "password": _("Password")}
    parts = []
    for key, (old, new) in changes.items():
        if key == "role":
            old, new = ROLE_LABELS.get(old, old) if old else EMPTY, ROLE_LABELS.get(new, new)
        elif key == "active":
            old, new = (_("Yes") if old else _("No")), (_("Yes") if new else _("No"))
        else:
            old, new = EMPTY, _("reset")
        parts.append(Markup("<b>{}</b>: {} → {}").format(labels.get(key, key), old, new))
    return Markup("{}: ").format(who) + Markup("; ").join(parts)


register_table_reader("memberships", member_changes, lambda: _("People"))
