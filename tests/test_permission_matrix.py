"""The 403 matrix: every screen, extra page, bulk action and printable ×
every company role that lacks the permission it needs (generated).

Everything comes from the registry, at collection time (no app needed):
the views from ``tests.factories.all_screens()`` (core's company-scoped
screens and every plugin's ``register_admin_views``), their pages from the
urls Flask-Admin collects on the class (``scoped_expose`` pages, list tabs,
import, bulk assign included), the permission each page needs from
``admin.views.ENDPOINT_ACTIONS`` or the page's ``_qdesk_permission``, the
actions from the class (``scoped_action``, bulk assign, Print), the
printables from ``register_printables`` and the default grants from every
``register_permissions`` (``tests.factories.Surface``). Core's two screens
that are not model views (Settings, Modules) are listed here with the
permissions they check; the system screens (companies, users) need the
system administrator flag, which no company role gives.

* ``test_refused``: one case per (surface, role) where the role lacks a
  needed permission by the default grants: the answer is 403, nothing in
  the database (nor the import store) changed, and an action's handler did
  not run.
* ``test_allowed``: one case per offered surface, with the least privileged
  role that holds what it needs: the answer is neither 403 nor 404 and an
  action's handler ran (so a refusal above is not a malformed request).
* ``test_guard_off_fails_the_matrix``: with ``has_permission`` switched off
  (always True, a test-only monkeypatch) the refusal check fails, so the
  matrix can fail.
* ``test_surfaces_match_the_app``: the collection-time surfaces and their
  permissions are exactly those of the session app.
"""
from __future__ import annotations

import io
import os

import pytest

from core.extensions import db
from core.models import ROLES
from tests.factories import (PNG_1PX, attach, stored_files, switch_off, url_of, UNAVAILABLE, Surface, all_screens, cheap_password_hashes, database_state, editable_value,
                             form_data, inline_pk, make, print_surfaces, registered_permissions, report_surfaces,
                             stored_import,
                             view_for, view_surfaces)

GRANTS = registered_permissions()
SCREENS = {v.endpoint: v for v in all_screens()}

# Core's screens that are not model views, with what they check.
CORE_PAGES = [
    Surface("page", "core_settings", "index", "GET", frozenset({"core.setting.read"}), True, "core"),
    Surface("page", "core_settings", "index", "POST",
            frozenset({"core.setting.read", "core.setting.write"}), True, "core"),
    Surface("page", "core_modules", "index", "GET", frozenset({"core.module.read"}), True, "core"),
    Surface("page", "core_modules", "change", "POST",
            frozenset({"core.module.read", "core.module.write"}), True, "core"),
    # The inbox (core.notify): every member's own, whatever the role.
    Surface("page", "core_inbox", "index", "GET", frozenset(), True, "core"),
    Surface("page", "core_inbox", "read", "POST", frozenset(), True, "core"),
    Surface("page", "core_inbox", "read_all", "POST", frozenset(), True, "core"),
    Surface("page", "core_grants", "index", "GET", frozenset({"core.grants.read"}), True, "core"),
    Surface("page", "core_grants", "save", "POST",
            frozenset({"core.grants.read", "core.grants.write"}), True, "core"),
    Surface("page", "core_people", "index", "GET", frozenset({"core.people.read"}), True, "core"),
    *[Surface("page", "core_people", name, "POST", frozenset({"core.people.read", "core.people.write"}), True,
              "core") for name in ("add", "role", "active", "reset")],
    # Reports (core.printing.Report): the list is every member's; each
    # report's dialog and print need its own permission (report surfaces).
    Surface("page", "core_reports", "index", "GET", frozenset(), True, "core"),
]
# The system screens: the system administrator flag, never a company role.
SYSTEM_ENDPOINTS = ("core_company", "core_user", "core_holidays")
SYSTEM_ONLY = "core.system.admin"  # held by no role

SURFACES = [s for v in SCREENS.values() for s in view_surfaces(v)] + print_surfaces() + report_surfaces() + CORE_PAGES


def _system_surfaces():
    from admin.core_views import CompanyAdminView, UserAdminView
    from admin.holidays import HolidayYearsView
    out = []
    for endpoint, cls in zip(SYSTEM_ENDPOINTS, (CompanyAdminView, UserAdminView, HolidayYearsView)):
        for _url, name, methods in cls._urls:
            for method in sorted(set(methods) & {"GET", "POST"}):
                out.append(Surface("page", endpoint, name, method, frozenset({SYSTEM_ONLY}), True, "core"))
    return out


SURFACES += _system_surfaces()
BY_ID = {s.id: s for s in SURFACES}
assert len(BY_ID) == len(SURFACES), "two surfaces with the same id"


class NotRefused(AssertionError):
    """The request was not answered 403 (everything else about it was right)."""


def _refused_params():
    params = []
    for s in SURFACES:
        for role in ROLES:
            if role in s.holders(GRANTS) or (s.endpoint in SYSTEM_ENDPOINTS and role != "admin"):
                continue  # system screens: the strongest company role is enough
            params.append(pytest.param(s.id, role, id=f"{s.id}-{role}"))
    return params


def _weakest_holder(s: Surface) -> str | None:
    holders = s.holders(GRANTS)
    return next((role for role in reversed(ROLES) if role in holders), None)


REFUSED = _refused_params()
ALLOWED = [pytest.param(s.id, _weakest_holder(s), id=f"{s.id}-{_weakest_holder(s)}")
           for s in SURFACES if s.offered and _weakest_holder(s)]


def _control_params():
    """One refused case per (view, kind), on a surface some role may use
    (the system screens' guard is the system administrator flag, not a
    permission: test_roles covers it)."""
    seen, out = set(), []
    for param in REFUSED:
        sid, role = param.values
        s = BY_ID[sid]
        if not s.offered or not s.holders(GRANTS) or (s.endpoint, s.kind) in seen \
                or s.endpoint in SYSTEM_ENDPOINTS:
            continue
        seen.add((s.endpoint, s.kind))
        out.append(pytest.param(sid, role, id=f"{sid}-{role}"))
    return out


CONTROLS = _control_params()


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch):
    cheap_password_hashes(monkeypatch)


# --- the requests --------------------------------------------------------------



class Spy:
    """Wraps an action handler: counts the calls, keeps what it needs."""

    def __init__(self, handler):
        self.handler, self.calls = handler, 0
        self._qdesk_permission = getattr(handler, "_qdesk_permission", None)

    def __call__(self, ids):
        self.calls += 1
        return self.handler(ids)


def _import_store(app):
    folder = os.path.join(app.instance_path, "imports")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


class Request:
    """Everything needed to send one surface's request as ``role`` of A."""

    def __init__(self, app, world, client_for, monkeypatch, surface, role):
        self.app, self.surface, self.role = app, surface, role
        self.spy = None
        self.pk = self.token = None
        self.view = None
        with app.app_context():
            company, admin_a = world.company("A"), world.user("admin@a.test")
            user = world.user(f"{role}@a.test")
            self.user_id = user.id
            model = None
            if surface.kind == "print":
                model = app.extensions["qdesk.printables"].get(surface.name).model
            elif surface.endpoint in SCREENS:
                self.view = view_for_any(app, surface.endpoint)
                model = self.view.model
            if model is not None:
                record = make(model, company, admin_a)
                self.pk = record.id
                if self.view is not None:
                    self.create_data = form_data(self.view._create_form_class, record)
                    self.edit_data = form_data(self.view._edit_form_class, record)
                    self.cell = inline_pk(record)
            if surface.name == "import_preview_view":
                self.token = stored_import(app, self.view, company, user)
            if surface.name.startswith("attachment_"):  # a file on the record, attached by A's admin
                self.attachment = attach(model, record, company, admin_a)
        if surface.kind == "action":
            handler, text, desc = self.view._actions_data[surface.name]
            self.spy = Spy(handler)
            monkeypatch.setitem(self.view._actions_data, surface.name, (self.spy, text, desc))
        self.client = client_for(f"{role}@a.test")

    def send(self):
        s, c, app = self.surface, self.client, self.app
        if s.kind == "print":
            return c.get(f"/print/{s.name}/{self.pk}.pdf")
        if s.kind == "report":  # the print itself, with its required period
            report = app.extensions["qdesk.reports"].get(s.name)
            params = {p.name: "2026-10" for p in report.parameters if p.required and p.widget == "period"}
            return c.get(f"/admin/reports/{s.name}/", query_string=dict(params, print="1"))
        if s.endpoint == "core_reports":
            return c.get("/admin/reports/")
        if s.kind == "action":
            return c.post(url_of(app, s.endpoint, "action_view"), {"action": s.name, "rowid": str(self.pk)})
        if s.endpoint == "core_settings":
            return c.get("/admin/settings/") if s.method == "GET" else c.post("/admin/settings/", self._settings())
        if s.endpoint == "core_modules":
            if s.method == "GET":
                return c.get("/admin/modules/")
            return c.post(url_of(app, "core_modules", "change", key=self._leaf_module(), verb="disable"))
        if s.endpoint == "core_inbox":
            if s.method == "GET":
                return c.get(url_of(app, "core_inbox", "index"))
            if s.name == "read":
                return c.post(url_of(app, "core_inbox", "read", notification_id=self._own_notification()))
            return c.post(url_of(app, "core_inbox", "read_all"))
        if s.endpoint == "core_grants":
            if s.method == "GET":
                return c.get("/admin/permissions/")
            from core.grants import module_table
            from core.models import Company
            with app.app_context():
                token = module_table(db.session.query(Company).filter_by(code="A").one(), "notes").token
            # Revoke every grant of the notes module but those it keeps.
            return c.post(url_of(app, "core_grants", "save", module="notes"), {"token": token, "grant": []})
        if s.endpoint == "core_people":
            if s.method == "GET":
                return c.get("/admin/people/")
            if s.name == "add":
                return c.post("/admin/people/add", {"email": "joiner@a.test", "role": "admin"})
            from core.models import Membership, User
            with app.app_context():
                member = (db.session.query(Membership.id).join(User, User.id == Membership.user_id)
                          .filter(User.email == "staff@a.test").scalar())
            data = {"role": {"role": "admin"}, "active": {"active": "0"}, "reset": {}}[s.name]
            return c.post(url_of(app, "core_people", s.name, member_id=member), data)
        if s.endpoint in SYSTEM_ENDPOINTS:
            kw = {"id": self.user_id} if s.name in ("details_view", "edit_view") else \
                {"export_type": "csv"} if s.name == "export" else {}
            url = url_of(app, s.endpoint, s.name, **kw)
            return c.get(url) if s.method == "GET" else c.post(url, {"id": str(self.user_id), "name": "qchanged"})
        return self._page()

    def _page(self):
        s, c, app, view = self.surface, self.client, self.app, self.view
        name = s.name
        kw = {}
        if name in ("details_view", "edit_view"):
            kw["id"] = self.pk
        elif name == "export":
            kw["export_type"] = "csv"
        elif name == "import_preview_view":
            kw["token"] = self.token
        elif name == "attachment_view":
            kw.update(id=self.pk, attachment=self.attachment)
        url = url_of(app, s.endpoint, name, **kw)
        if s.method == "GET":
            if name == "ajax_lookup":
                return c.get(url, query_string={"name": next(iter(view._form_ajax_refs or {}), "x"), "query": ""})
            return c.get(url)
        if name == "create_view":
            data = self.create_data
        elif name == "edit_view":
            data = self.edit_data
        elif name == "delete_view":
            data = {"id": str(self.pk)}
        elif name == "ajax_update":
            column = next(iter(view.column_editable_list or ()), None) or "id"
            data = {"list_form_pk": self.cell, column: editable_value(view.model, column)}
        elif name == "import_view":
            data = {"file": (io.BytesIO(b"x\n1\n"), "upload.csv")}
        elif name == "attachment_upload_view":
            data = {"id": str(self.pk), "file": (io.BytesIO(PNG_1PX), "photo.png")}
        elif name == "attachment_delete_view":
            data = {"id": str(self.pk), "attachment": str(self.attachment)}
        elif name == "transition_view":  # the view's first transition, or none: refused with a message
            workflow = getattr(view, "workflow", None)
            data = {"id": str(self.pk), "transition": workflow.transitions[0].key if workflow else "x"}
        elif name == "bulk_assign_view":
            data = {"field": next(iter(view.column_bulk_assign or ()), "x"), "rowid": str(self.pk),
                    "user_id": str(self.user_id)}
        elif name == "record_action_view":  # the first action offered to the role on the record, or none: 400
            data = {"id": str(self.pk), "action": self._offered_action() or ""}
        else:
            data = {}
        return c.post(url, data)

    def _offered_action(self):
        """The key of the first record action (``core.links``) offered to
        the role on the record, as its page shows them, or None."""
        from core import links
        from core.models import Company, User
        from core.records import tenancy
        with self.app.test_request_context():
            company = db.session.query(Company).filter_by(code="A").one()
            user = db.session.get(User, self.user_id)
            with tenancy.acting_as(company, user):
                offered = links.offered_actions(db.session.get(self.view.model, self.pk), user)
        return offered[0].key if offered else None

    def _settings(self):
        """Every boolean setting of A flipped (a change, were it allowed)."""
        from core.models import Company
        from core.settings import get_setting, settings_registry
        with self.app.app_context():
            company = db.session.query(Company).filter_by(code="A").one()
            return {s.key: ("false" if get_setting(s.key, company) else "true")
                    for s in settings_registry().by_key.values() if s.type == "bool"}

    def _own_notification(self):
        """A notification of the requesting user in A (the inbox's one record)."""
        from core.models import Company, User
        from core.notify import notify
        from core.records import tenancy
        with self.app.app_context():
            company = db.session.query(Company).filter_by(code="A").one()
            with tenancy.acting_as(company, None):
                row, = notify("core.deadline_due_soon", [db.session.get(User, self.user_id)])
                db.session.commit()
                return row.id

    def _leaf_module(self):
        registry = self.app.extensions["qdesk.plugins"]
        return next(k for k in sorted(registry.keys()) if not registry.dependents(k))


def view_for_any(app, endpoint):
    """A registered plugin view or one of core's model views, by endpoint."""
    for view in app.extensions["admin"][0]._views:
        if view.endpoint == endpoint:
            return view
    return view_for(app, endpoint)


# --- the checks ------------------------------------------------------------------

def check_refused(app, world, client_for, monkeypatch, surface_id, role):
    """``role`` of A lacks what ``surface_id`` needs: 403, nothing changed."""
    surface = BY_ID[surface_id]
    request = Request(app, world, client_for, monkeypatch, surface, role)
    with app.app_context():
        before = database_state()
    store, files = _import_store(app), stored_files(app)
    response = request.send()
    with app.app_context():
        after = database_state()
    changed = sorted(t for t in before if before[t] != after[t])
    assert not changed, f"{surface_id} as {role}: {response.status_code}, and changed the tables {changed}"
    assert _import_store(app) == store, f"{surface_id} as {role}: an upload was stored"
    assert stored_files(app) == files, f"{surface_id} as {role}: an attachment was stored or removed"
    if request.spy is not None:
        assert request.spy.calls == 0, f"{surface_id} as {role}: the action's handler ran"
    if response.status_code != 403:
        raise NotRefused(f"{surface_id} as {role}: answered {response.status_code}, not 403 "
                         f"({response.headers.get('Location') or response.mimetype})")


def check_allowed(app, world, client_for, monkeypatch, surface_id, role):
    """``role`` holds what ``surface_id`` needs: not refused, the handler ran."""
    surface = BY_ID[surface_id]
    request = Request(app, world, client_for, monkeypatch, surface, role)
    response = request.send()
    assert response.status_code not in (403, 404), (
        f"{surface_id} as {role} (holding {sorted(surface.needs)}): answered {response.status_code}")
    if request.spy is not None:
        assert request.spy.calls == 1, f"{surface_id} as {role}: the action's handler did not run"


@pytest.mark.parametrize("surface_id, role", REFUSED)
def test_refused(app, world, client_for, monkeypatch, surface_id, role):
    check_refused(app, world, client_for, monkeypatch, surface_id, role)


@pytest.mark.parametrize("surface_id, role", ALLOWED)
def test_allowed(app, world, client_for, monkeypatch, surface_id, role):
    check_allowed(app, world, client_for, monkeypatch, surface_id, role)



@pytest.mark.parametrize("surface_id, role", CONTROLS)
def test_guard_off_fails_the_matrix(app, world, client_for, monkeypatch, surface_id, role):
    """Positive control: with the permission guard off, the case fails."""
    import core.records.permissions
    switch_off(monkeypatch, core.records.permissions, "has_permission", lambda *args, **kwargs: True)
    with pytest.raises(AssertionError) as failure:
        check_refused(app, world, client_for, monkeypatch, surface_id, role)
    if BY_ID[surface_id].kind == "action":  # caught by the handler spy, not only by the status
        assert not isinstance(failure.value, NotRefused), failure.value


# --- coverage ----------------------------------------------------------------------

def test_surfaces_match_the_app(app):
    """The collection-time surfaces are exactly the app's: views, urls,
    actions, printables and the permissions each needs."""
    from admin.views import ENDPOINT_ACTIONS, CompanyModelView
    from flask_admin import AdminIndexView
    from admin.core_views import SystemAdminView
    perms = app.extensions["qdesk.permissions"].by_name
    assert {k: frozenset(p.grants) for k, p in perms.items()} == GRANTS, "grants differ from the app's"
    admin = app.extensions["admin"][0]
    expected, found = {s.id: s.needs for s in SURFACES}, {}
    for view in admin._views:
        if isinstance(view, AdminIndexView):
            continue
        if isinstance(view, CompanyModelView):
            read = view.permission("read")
            for _url, name, methods in view._urls:
                if name == "action_view":
                    continue
                needed = ENDPOINT_ACTIONS[name] if name in ENDPOINT_ACTIONS \
                    else getattr(getattr(view, name), "_qdesk_permission", "read")
                full = needed if "." in needed else view.permission(needed)
                for method in set(methods) & {"GET", "POST"}:
                    found[f"{view.endpoint}:{name}:{method}"] = frozenset({read, full})
            with app.test_request_context():
                for name, _text in view._actions:
                    handler = view._actions_data[name][0]
                    if name == "delete":
                        needed = view.permission("delete")
                    elif name in ("archive", "restore") and not view.archivable:
                        needed = UNAVAILABLE
                    else:
                        needed = getattr(handler, "_qdesk_permission", None)
                        needed = UNAVAILABLE if needed is None else needed if "." in needed \
                            else view.permission(needed)
                    found[f"{view.endpoint}:action:{name}"] = frozenset({read, needed})
        else:
            for _url, name, methods in view._urls:
                if view.endpoint == "core_reports" and name == "dialog":
                    continue  # one surface per report, below
                for method in set(methods) & {"GET", "POST"}:
                    sid = f"{view.endpoint}:{name}:{method}"
                    found[sid] = frozenset({SYSTEM_ONLY}) if isinstance(view, SystemAdminView) \
                        else expected.get(sid, frozenset({"?"}))
    for p in app.extensions["qdesk.printables"].by_key.values():
        found[f"print:{p.key}"] = frozenset({p.needed_permission})
    for r in app.extensions["qdesk.reports"].by_key.values():
        found[f"report:{r.key}"] = frozenset({r.permission})
    assert sorted(found) == sorted(expected), "surfaces found at collection time differ from the app's"
    assert found == expected, {k: (expected[k], found[k]) for k in found if found[k] != expected[k]}
    assert any(s.kind == "action" for s in SURFACES) and any(s.kind == "print" for s in SURFACES)
