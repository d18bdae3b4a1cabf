"""The Flask-Admin shell: home, login, company switcher, Modules screen,
core screens and every plugin's screens, all company-scoped."""
from __future__ import annotations

from flask import Flask, current_app, redirect, request, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme
from flask_babel import LazyString, get_locale, lazy_gettext as _l

from admin import auth, printing
from admin.core_views import core_views
from admin.modules import ModulesView
from admin.views import CompanyModelView
from core.records import tenancy
from core.records.permissions import has_permission
from core.plugin.registry import PluginRegistry


class HomeView(AdminIndexView):
    """Home: the current company's dashboard widgets (``dashboard_widgets``
    hook, enabled modules only), then its enabled modules and their screens."""

    def create_blueprint(self, admin: Admin):
        # qdesk's own static files (vendored Chart.js, dashboard.js), served
        # at /static/qdesk/ by the "qdesk_static" blueprint.
        from pathlib import Path

        from core import dashboard
        if admin.app is not None and dashboard.STATIC_ENDPOINT not in admin.app.blueprints:
            admin.app.register_blueprint(dashboard.static_blueprint(Path(__file__).parent / "static"))
        return super().create_blueprint(admin)

    @expose("/")
    def index(self):
        if tenancy.current_user() is None:
            return redirect(url_for("qdesk_auth.login", next=request.full_path))
        from core import dashboard
        registry = current_app.extensions["qdesk.plugins"]
        enabled = tenancy.enabled_modules()
        modules = []
        for info in registry.loaded():
            if info.key not in enabled:
                continue
            views = [v for v in registry.admin_views if v.plugin_key == info.key and v.is_visible()]
            modules.append(dict(info=info, views=views))
        company = tenancy.current_company()
        widgets = (dashboard.home_context(company, tenancy.current_user())
                   if company is not None else dict(tiles=[], charts=[], chartjs=False))
        return self.render("qdesk/home.html", modules=modules, dashboard=widgets,
                           can_manage_modules=has_permission("core.module.read"))


def init_admin(app: Flask, registry: PluginRegistry) -> Admin:
    """Build the admin shell and register every plugin's screens.

    Each class from ``register_admin_views`` must subclass
    :class:`admin.views.CompanyModelView`; it gets the endpoint
    ``<plugin>_<entity>`` and the plugin's name as menu category.
    """
    with app.app_context():  # views read the entity, workflow, deadline and sequence registries
        return _build(app, registry)


def _build(app: Flask, registry: PluginRegistry) -> Admin:
    app.register_blueprint(auth.bp)
    app.register_blueprint(printing.bp)
    from admin.error_pages import init_error_pages  # 403 / 404 / 413 in the user's language
    init_error_pages(app)
    app.before_request(auth.load_current)
    app.context_processor(auth.navbar_context)
    from admin.inbox import InboxView, navbar_context as inbox_context  # core.notify's inbox and bell
    app.context_processor(inbox_context)
    from admin.menu_cache import cached_menu  # the main menu, kept per user and situation
    app.jinja_env.globals["cached_menu"] = cached_menu
    admin = Admin(app, name="qdesk", theme=Bootstrap4Theme(base_template="qdesk/master.html"),
                  index_view=HomeView(name=_l("Home"), url="/admin"))
    admin.add_view(ModulesView(name=_l("Modules"), endpoint="core_modules", url="/admin/modules",
                               category=_l("Administration")))
    from admin.grants import GrantsView  # Administration → Permissions (core.grants)
    admin.add_view(GrantsView(name=_l("Permissions"), endpoint="core_grants", url="/admin/permissions",
                              category=_l("Administration")))
    from admin.people import PeopleView  # Administration → People (core.people)
    admin.add_view(PeopleView(name=_l("People"), endpoint="core_people", url="/admin/people",
                              category=_l("Administration")))
    for view in core_views():
        admin.add_view(view)
    admin.add_view(InboxView(name=_l("Inbox"), endpoint="core_inbox", url="/admin/inbox"))
    from admin.holidays import holiday_views  # System → Holiday years (core.calendar.holidays)
    for view in holiday_views():
        admin.add_view(view)
    from admin.settings import init_settings_admin  # settings registry, Settings and Calendar screens
    init_settings_admin(app, admin, registry)
    _add_plugin_views(app, admin, registry)
    from admin.reports import ReportsView, check_report_screens  # Reports: the period reports (core.printing.Report)
    admin.add_view(ReportsView(name=_l("Reports"), endpoint="core_reports", url="/admin/reports"))
    check_report_screens(app, registry)
    return admin


def _add_plugin_views(app: Flask, admin: Admin, registry: PluginRegistry) -> None:
    from core.records.entities import check_names
    labels = app.extensions.setdefault("qdesk.field_labels", {})
    for key, view_classes in registry.call_each("register_admin_views"):
        info = registry.get(key)
        for cls in view_classes or []:
            if not (isinstance(cls, type) and issubclass(cls, CompanyModelView)):
                raise TypeError(f"plugin {key!r}: register_admin_views returned {cls!r}, "
                                "which is not a CompanyModelView subclass")
            # Labels are lazy: the menu follows each request's language. A
            # plugin's `label` is usually its own lazy_gettext string.
            view = cls(key, name=getattr(cls, "label", None) or cls.entity.replace("_", " ").title(),
                       category=LazyString(lambda m=info.manifest: m.name(str(get_locale()))))
            # A screen whose read permission nobody declares stops the start (a
            # typo: contact_log for contactlog); a read-only screen may declare
            # nothing else (create, write, delete are then never held).
            check_names(key, f"screen {cls.__name__}", [view.permission("read")],
                        app.extensions["qdesk.permissions"].by_key)
            view.attach_printables(app.extensions["qdesk.printables"].for_model(view.model))
            labels.setdefault(view.model, {}).update(view.column_labels or {})
            registry.admin_views.append(view)
            admin.add_view(view)
