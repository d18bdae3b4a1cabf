"""The module gate, for every registered admin view (generated).

The cases are generated from the plugin registry: ``tests.factories.
registered_views()`` asks every installed plugin's ``register_admin_views``
hook at collection time (no app needed), so each view becomes its own case,
with the view's endpoint as id (``notes_note``, ``tasks_task``, ...). A new
plugin is covered without writing a test; records of its models are made by
the generic factory (``tests.factories.make``); nothing here names a plugin
except the last test, which cross-checks the example plugin ``notes``'s event
log. ``test_matrix_covers_every_registered_view`` proves the generated list is
exactly the session app's ``registry.admin_views``.

Per view, with the view's module disabled for company A (its dependents
first), A's admin gets 404 on every URL of the view (list, create, details,
edit, export, delete, bulk action, inline edit, ajax lookup), the menu has no
link to it, company B is unaffected, A's record is untouched; after enabling
the module again A sees the screen, the link and the record (data kept).
Per-company hooks (``record_changed``) are not called for the disabled
plugins in A, and still are in B.

The same 404 covers every other page the view exposes (``scoped_expose``
pages such as list tabs, import and its preview, bulk assign: the urls
Flask-Admin collects on the class, see ``tests.factories.page_surfaces``)
and the print URL of every printable of the view's model; each printable is
also a case of its own (``test_disabled_module_print_url_is_404``). Core's
screens (audit log, print log, settings, calendar, modules) are core, always
on: with every plugin disabled for A they still answer (their scope and
permissions are in the isolation and permission matrices).
``test_gate_off_fails_the_matrix`` is the positive control: with
``core.records.tenancy.module_enabled`` switched off (always True, a test-only
monkeypatch) the matrix's check fails.
"""
from __future__ import annotations

import io

import pytest

from core.records import tenancy
from core.plugin.modules import disable_module, enable_module
from tests.factories import (switch_off, url_of, cheap_password_hashes, core_screens, editable_value, make, markers,
                             page_surfaces, registered_permissions, registered_printables, registered_views, snapshot,
                             stored_import, view_for, view_urls)

VIEWS = registered_views()
PLUGIN_ENDPOINTS = [v.endpoint for v in VIEWS if v.plugin_key != "core"]
SPECS = {v.endpoint: v for v in VIEWS}
PRINTABLES = [p.key for p in registered_printables()]
# Core's screens: the model views and the two others (with their GET pages).
CORE_PAGES = ["core_settings", "core_modules", "core_inbox", "core_grants", "core_people"]
CORE_SCREENS = [v.endpoint for v in core_screens()] + CORE_PAGES

REQUESTED: list[tuple[str, str]] = []  # (endpoint, what) checked, for the coverage test

# Pages _requests sends itself (the rest of the view's urls are sent generically).
_STANDARD = {"index_view", "create_view", "details_view", "edit_view", "export", "ajax_lookup",
             "delete_view", "action_view", "ajax_update"}


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch):
    cheap_password_hashes(monkeypatch)




def test_matrix_covers_every_registered_view(app):
    registry = app.extensions["qdesk.plugins"]
    in_app = sorted(v.endpoint for v in registry.admin_views)
    assert in_app == [v.endpoint for v in VIEWS], (
        "the views found at collection time differ from the app's registry: "
        "tests.factories.registered_views() must find every plugin")
    assert in_app, "no admin view registered: the matrices test nothing"


def _menu_link(index_url: str) -> str:
    return f'href="{index_url}"'


def _requests(client, view, urls, pk, app=None, token=None):
    """(what, response) for every endpoint of ``view`` about record ``pk``:
    the standard ones, every other exposed page (``scoped_expose``, list
    tabs, import, import preview with ``token``, bulk assign) and the print
    URL of every printable of the view's model."""
    yield "list", client.get(urls["index"])
    yield "create form", client.get(urls["create"])
    yield "details", client.get(urls["details"])
    yield "edit form", client.get(urls["edit"])
    yield "export", client.get(urls["export"])
    for name in view._form_ajax_refs or {}:
        yield f"ajax lookup {name}", client.get(urls["ajax_lookup"], query_string={"name": name, "query": ""})
    yield "delete", client.post(urls["delete"], {"id": pk})
    for name, _text in view._actions:
        yield f"action {name}", client.post(urls["action"], {"action": name, "rowid": pk})
    for column in view.column_editable_list or ():
        yield f"inline edit {column}", client.post(
            urls["ajax_update"], {"list_form_pk": pk, column: editable_value(view.model, column)})
    if app is None:
        return
    for page in page_surfaces(SPECS.get(view.endpoint) or _spec_of(view)):
        if page.name in _STANDARD:
            continue
        kw = {"token": token or "x" * 24} if page.name == "import_preview_view" else \
            {"id": pk, "attachment": 1} if page.name == "attachment_view" else {}
        url = url_of(app, view.endpoint, page.name, **kw)
        if page.method == "GET":
            yield f"{page.name} (GET)", client.get(url)
        elif page.name == "import_view":
            yield "import upload", client.post(url, {"file": (io.BytesIO(b"x\n1\n"), "upload.csv")})
        elif page.name == "bulk_assign_view":
            yield "bulk assign", client.post(url, {"field": next(iter(view.column_bulk_assign or ()), "x"),
                                                    "rowid": pk, "user_id": ""})
        elif page.name.startswith("attachment_"):  # upload, delete: the record's id
            yield f"{page.name} (POST)", client.post(url, {"id": pk, "attachment": "1",
                                                           "file": (io.BytesIO(b"%PDF-1.4\n"), "x.pdf")})
        else:
            yield f"{page.name} (POST)", client.post(url, {})
    with app.test_request_context():
        tabs = [endpoint for _label, endpoint in view.list_tabs()]
    for endpoint in tabs:
        yield f"list tab {endpoint}", client.get(url_of(app, view.endpoint, endpoint))
    for printable in view.printables:
        yield f"print {printable.key}", client.get(f"/print/{printable.key}/{pk}.pdf")


def _spec_of(view):
    from tests.factories import ViewSpec
    return ViewSpec(view.plugin_key, type(view))


@pytest.mark.parametrize("endpoint", PLUGIN_ENDPOINTS)
def test_disabled_module_is_gone_for_that_company_only(app, world, client_for, endpoint):
    check_gated(app, world, client_for, endpoint)


def check_gated(app, world, client_for, endpoint):
    """The matrix's check for one view (the positive control calls it too)."""
    registry = app.extensions["qdesk.plugins"]
    view = view_for(app, endpoint)
    key = view.plugin_key
    with app.app_context():
        rec_a = make(view.model, world.company("A"), world.user("admin@a.test"))
        a_id, a_markers, a_before = rec_a.id, markers(rec_a), snapshot(view.model, rec_a.id)
        b_id = make(view.model, world.company("B"), world.user("admin@b.test")).id
        token = stored_import(app, view, world.company("A"), world.user("admin@a.test")) \
            if view.import_schema is not None else None
    urls_a, urls_b = view_urls(app, view, a_id), view_urls(app, view, b_id)
    link = _menu_link(urls_a["index"])
    ca, cb = client_for("admin@a.test"), client_for("admin@b.test")

    # Baseline: enabled, A's admin sees the screen and its menu link.
    assert ca.get(urls_a["index"]).status_code == 200, f"{endpoint}: list not reachable while enabled"
    assert link in ca.get("/admin/").get_data(as_text=True), f"{endpoint}: no menu link while enabled"

    disabled = [*reversed(registry.dependents(key)), key]
    with app.app_context():
        company_a = world.company("A")
        for k in disabled:
            disable_module(company_a, k)

    checked = 0
    for what, response in _requests(ca, view, urls_a, a_id, app=app, token=token):
        checked += 1
        REQUESTED.append((endpoint, what))
        assert response.status_code == 404, (
            f"{endpoint}: {what} gave {response.status_code} for A with {key!r} disabled, not 404")
    assert checked >= 9, f"{endpoint}: only {checked} requests checked"
    home = ca.get("/admin/")
    assert home.status_code == 200
    assert link not in home.get_data(as_text=True), f"{endpoint}: menu still links {urls_a['index']}"
    with app.app_context():
        assert snapshot(view.model, a_id) == a_before, f"{endpoint}: A's record changed while disabled"

    # Company B, where the module is still enabled, is unaffected (an entity
    # nobody creates by hand, e.g. a posted ledger, answers its create form
    # 403; one nobody edits, e.g. append-only movements, its edit form).
    creatable = "admin" in registered_permissions().get(view.permission("create"), ())
    writable = "admin" in registered_permissions().get(view.permission("write"), ())
    for what, url in (("list", urls_b["index"]), ("create form", urls_b["create"]),
                      ("details", urls_b["details"]), ("edit form", urls_b["edit"]),
                      ("export", urls_b["export"])):
        response = cb.get(url)
        refused = (what == "create form" and not creatable) or (what == "edit form" and not writable)
        expected = 403 if refused else 200
        assert response.status_code == expected, f"{endpoint}: B's {what} gave {response.status_code}"
    assert link in cb.get("/admin/").get_data(as_text=True), f"{endpoint}: B lost its menu link"

    # Enabled again: the screen, the link and the data are back.
    with app.app_context():
        enable_module(world.company("A"), key)
    listing = ca.get(urls_a["index"])
    assert listing.status_code == 200, f"{endpoint}: list gave {listing.status_code} after re-enabling"
    details = ca.get(urls_a["details"])
    assert details.status_code == 200, f"{endpoint}: details gave {details.status_code} after re-enabling"
    for marker in a_markers:
        assert marker in details.get_data(as_text=True), f"{endpoint}: A's record lost {marker!r}"
    assert ca.get(urls_a["export"]).status_code == 200
    assert link in ca.get("/admin/").get_data(as_text=True), f"{endpoint}: menu link not back"
    with app.app_context():
        assert snapshot(view.model, a_id) == a_before, f"{endpoint}: A's record not kept as it was"


@pytest.mark.parametrize("endpoint", PLUGIN_ENDPOINTS[:1])
def test_gate_off_fails_the_matrix(app, world, client_for, monkeypatch, endpoint):
    """Positive control: with the module gate off, the matrix's check fails."""
    switch_off(monkeypatch, tenancy, "module_enabled", lambda key, company=None: True)
    with pytest.raises(AssertionError, match="not 404"):
        check_gated(app, world, client_for, endpoint)



def _disable(app, company, key):
    """Disable ``key`` and everything depending on it for ``company``."""
    registry = app.extensions["qdesk.plugins"]
    for k in [*reversed(registry.dependents(key)), key]:
        disable_module(company, k)


@pytest.mark.parametrize("key", PRINTABLES)
def test_disabled_module_print_url_is_404(app, world, client_for, key):
    printable = app.extensions["qdesk.printables"].get(key)
    with app.app_context():
        a_id = make(printable.model, world.company("A"), world.user("admin@a.test")).id
        b_id = make(printable.model, world.company("B"), world.user("admin@b.test")).id
    ca, cb = client_for("admin@a.test"), client_for("admin@b.test")
    assert ca.get(f"/print/{key}/{a_id}.pdf").status_code == 200, f"{key}: A cannot print while enabled"
    with app.app_context():
        _disable(app, world.company("A"), printable.module)
    response = ca.get(f"/print/{key}/{a_id}.pdf")
    assert response.status_code == 404, f"{key}: A's print URL gave {response.status_code} with {printable.module!r} disabled"
    response = cb.get(f"/print/{key}/{b_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf", (
        f"{key}: B's print URL gave {response.status_code} (control)")


@pytest.mark.parametrize("endpoint", CORE_SCREENS)
def test_core_screens_stay_on_with_every_module_disabled(app, world, client_for, endpoint):
    registry = app.extensions["qdesk.plugins"]
    with app.app_context():
        company = world.company("A")
        for key in registry.keys():
            _disable(app, company, key)
        assert tenancy.enabled_modules(company) == frozenset(), "some plugin is still enabled for A"
        assert tenancy.module_enabled("core", company)
    c = client_for("admin@a.test")
    if endpoint in CORE_PAGES:
        urls = [url_of(app, endpoint, "index")]
    else:
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
        urls = [url_of(app, endpoint, p.name, **({"export_type": "csv"} if p.name == "export" else {}))
                for p in page_surfaces(_spec_of(view))
                if p.method == "GET" and p.offered and "id" not in p.name and p.name not in
                ("details_view", "edit_view", "import_preview_view", "ajax_lookup")]
        with app.app_context():
            pk = make(view.model, company, world.user("admin@a.test")).id
        urls.append(url_of(app, endpoint, "details_view", id=pk))
    for url in urls:
        response = c.get(url)
        assert response.status_code == 200, f"{endpoint}: {url} gave {response.status_code} with every plugin off"


@pytest.mark.parametrize("endpoint", PLUGIN_ENDPOINTS)
def test_record_hooks_skip_plugins_disabled_for_the_company(app, world, endpoint):
    registry = app.extensions["qdesk.plugins"]
    view = view_for(app, endpoint)
    disabled = {*registry.dependents(view.plugin_key), view.plugin_key}
    implementers = {impl.plugin_name for impl in registry.pm.hook.record_changed.get_hookimpls()}
    calls: list[tuple[int, set[str]]] = []

    def before(hook_name, hook_impls, kwargs):
        if hook_name == "record_changed":
            calls.append((kwargs["company"].id, {impl.plugin_name for impl in hook_impls}))

    undo = registry.pm.add_hookcall_monitoring(before, lambda *args: None)
    try:
        with app.app_context():
            company_a, company_b = world.company("A"), world.company("B")
            for k in [*reversed(registry.dependents(view.plugin_key)), view.plugin_key]:
                disable_module(company_a, k)
            calls.clear()
            make(view.model, company_a, world.user("admin@a.test"))
            in_a = [names for cid, names in calls if cid == company_a.id]
            assert in_a, f"{endpoint}: record_changed not called at all for a record of A"
            for names in in_a:
                assert not names & disabled, (
                    f"{endpoint}: record_changed reached {sorted(names & disabled)}, disabled for A")

            calls.clear()
            make(view.model, company_b, world.user("admin@b.test"))
            in_b = [names for cid, names in calls if cid == company_b.id]
            assert in_b, f"{endpoint}: record_changed not called at all for a record of B"
            # Core calls the plugins one at a time (one raising must not stop the others).
            missing = (disabled & implementers) - set().union(*in_b)
            assert not missing, f"{endpoint}: record_changed skipped {sorted(missing)} in B"
    finally:
        undo()


def test_notes_events_follow_module_enablement(app, world):
    """Cross-check with the example plugin's own event log (tests.plugins.notes.EVENTS)."""
    from tests.plugins.notes import EVENTS
    registry = app.extensions["qdesk.plugins"]
    note = view_for(app, "notes_note").model
    with app.app_context():
        company_a, company_b = world.company("A"), world.company("B")
        for k in [*reversed(registry.dependents("notes")), "notes"]:
            disable_module(company_a, k)
        start = len(EVENTS)
        make(note, company_a, world.user("admin@a.test"))
        assert [e for e in EVENTS[start:] if e[0] == "record"] == []
        make(note, company_b, world.user("admin@b.test"))
        assert [e[:4] for e in EVENTS[start:] if e[0] == "record"] == [("record", "B", "Note", "create")]
        enable_module(company_a, "notes")
        start = len(EVENTS)
        make(note, company_a, world.user("admin@a.test"))
        assert [e[:4] for e in EVENTS[start:] if e[0] == "record"] == [("record", "A", "Note", "create")]


@pytest.mark.parametrize("key", PRINTABLES[:1])
def test_gate_off_fails_the_print_matrix(app, world, client_for, monkeypatch, key):
    """Positive control: with the module gate off, the print case fails."""
    switch_off(monkeypatch, tenancy, "module_enabled", lambda key, company=None: True)
    with pytest.raises(AssertionError, match="disabled"):
        test_disabled_module_print_url_is_404(app, world, client_for, key)


def test_zz_every_exposed_page_was_checked(app):
    """Runs after the generated cases (same module): each view's every
    exposed page, list tab and print URL was requested with the module off."""
    if not REQUESTED:
        pytest.skip("the generated cases did not run (selected out)")
    done = {}
    for endpoint, what in REQUESTED:
        done.setdefault(endpoint, set()).add(what)
    for endpoint in sorted(done):
        view = view_for(app, endpoint)
        names = {p.name for p in page_surfaces(_spec_of(view))} - _STANDARD
        for name in names:
            assert any(w.startswith(name) or w in ("import upload", "bulk assign") for w in done[endpoint]), \
                f"{endpoint}: {name} not checked"
        for printable in view.printables:
            assert f"print {printable.key}" in done[endpoint], f"{endpoint}: print {printable.key} not checked"
