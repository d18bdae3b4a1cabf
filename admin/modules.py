"""The Modules screen: a company admin enables and disables modules."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _

from admin.pages import CompanyPage

from core.records import tenancy
from core.plugin.modules import ModuleError, disable_module, enable_module
from core.records.permissions import has_permission


class ModulesView(CompanyPage):
    """One card per installed plugin, with enable/disable for the company."""

    permission = "core.module.read"

    @expose("/")
    def index(self):
        registry = current_app.extensions["qdesk.plugins"]
        company = tenancy.current_company()
        enabled = tenancy.enabled_modules(company)
        cards = [dict(info=info, enabled=info.key in enabled,
                      dependents=[k for k in registry.dependents(info.key) if k in enabled],
                      missing=[d for d in registry.dependency_closure(info.key) if d not in enabled])
                 for info in registry.loaded()]
        return self.render("qdesk/modules.html", cards=cards, company=company,
                           can_change=has_permission("core.module.write"))

    @expose("/<key>/<verb>", methods=["POST"])
    def change(self, key: str, verb: str):
        if not has_permission("core.module.write"):
            abort(403)
        company, user = tenancy.current_company(), tenancy.current_user()
        try:
            if verb == "enable":
                pulled = enable_module(company, key, by=user)
                message = _("Module %(key)s enabled for %(company)s.", key=key, company=company.name)
                if pulled:
                    message += " " + _("Also enabled: %(keys)s.", keys=", ".join(pulled))
                flash(message, "success")
            elif verb == "disable":
                disable_module(company, key, by=user)
                flash(_("Module %(key)s disabled for %(company)s. Its data is kept.",
                        key=key, company=company.name), "success")
            else:
                abort(404)
        except ModuleError as exc:
            flash(str(exc), "error")
        return redirect(url_for(".index"))
