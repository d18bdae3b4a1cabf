"""Administration → Permissions: a company admin grants or revokes, per
enabled module, beyond the default grants (:mod:`core.grants`)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import get_locale, gettext as _
from markupsafe import Markup

from admin.auth import ROLE_LABELS
from admin.pages import CompanyPage
from admin.history import EMPTY, register_table_reader
from core import grants
from core.errors import Conflict, Invalid
from core.models import ROLES
from core.records import tenancy
from core.records.permissions import permission_registry

#: Checkbox value of a cell: ``<permission>|<role>``.
SEPARATOR = "|"


class GrantsView(CompanyPage):
    """One table per shown module: rows are permissions, columns roles."""

    permission = "core.grants.read"

    def holds(self, permission: str) -> bool:
        # System administrators too, for the company they are working in.
        user = tenancy.current_user()
        return user is not None and (user.is_system_admin or super().holds(permission))

    @expose("/")
    def index(self):
        return self.render("qdesk/grants.html", tables=grants.company_tables(), roles=ROLES,
                           role_label=lambda r: ROLE_LABELS.get(r, r), company=tenancy.current_company(),
                           can_write=self.holds("core.grants.write"), locale=str(get_locale()), separator=SEPARATOR)

    @expose("/<module>/", methods=["POST"])
    def save(self, module: str):
        if not self.holds("core.grants.write"):
            abort(403)
        token = request.form.get("token", "")[:100]
        try:
            if request.form.get("reset"):
                n = grants.reset_module(module, token)
                flash(_("%(module)s: the default grants hold again (%(n)s change(s) removed).",
                        module=grants.module_title(module), n=n), "success")
            else:
                pairs = set()
                for value in request.form.getlist("grant"):
                    name, _sep, role = value[:200].partition(SEPARATOR)
                    pairs.add((name, role))
                n = grants.set_module_grants(module, pairs, token)
                if n:
                    flash(_("%(module)s: permissions saved (%(n)s change(s)).",
                            module=grants.module_title(module), n=n), "success")
                else:
                    flash(_("No permission was changed."), "info")
        except (Invalid, Conflict) as exc:
            flash(getattr(exc, "message", None) or str(exc), "error")
        return redirect(url_for(".index") + f"#grants-{module}" if module.isidentifier() else url_for(".index"))


def _grant_text(permission: str, role: str, granted: bool | None) -> Markup:
    """``Customer: create · staff``, in the user's language."""
    perm = permission_registry().by_name.get(permission)
    title = perm.title(str(get_locale())) if perm else _("%(name)s (no longer declared)", name=permission)
    state = EMPTY if granted is None else (_("granted") if granted else _("revoked"))
    return Markup("<b>{}</b> · {}: {}").format(title, ROLE_LABELS.get(role, role), state)


def grant_changes(entry) -> Markup:
    """An audit entry of ``role_grants`` as a sentence: which permission,
    which role, granted or revoked (or back to the default)."""
    changes = entry.changes or {}
    permission = (changes.get("permission") or [None, None])
    role = (changes.get("role") or [None, None])
    granted = (changes.get("granted") or [None, None])
    if entry.action == "create":
        return _grant_text(permission[1], role[1], granted[1])
    if entry.action == "delete":
        return Markup("{} ({})").format(_grant_text(permission[0], role[0], None), _("back to the default"))
    row = tenancy.scoped_query(grants.RoleGrant).filter(grants.RoleGrant.id == entry.record_id).one_or_none()
    if row is None:
        return Markup("{} → {}").format(granted[0], granted[1])
    return _grant_text(row.permission, row.role, granted[1])


register_table_reader(grants.RoleGrant.__tablename__, grant_changes, lambda: _("Permissions"))
