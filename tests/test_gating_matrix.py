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
"""
from __future__ import annotations

import pytest

from core.modules import disable_module, enable_module
from tests.factories import (editable_value, make, markers, registered_views, snapshot,
                             view_for, view_urls)

VIEWS = registered_views()
PLUGIN_ENDPOINTS = [v.endpoint for v in VIEWS if v.plugin_key != "core"]


def test_matrix_covers_every_registered_view(app):
    registry = app.extensions["qdesk.plugins"]
    in_app = sorted(v.endpoint for v in registry.admin_views)
    assert in_app == [v.endpoint for v in VIEWS], (
        "the views found at collection time differ from the app's registry: "
        "tests.factories.registered_views() must find every plugin")
    assert in_app, "no admin view registered: the matrices test nothing"


def _menu_link(index_url: str) -> str:
    return f'href="{index_url}"'


def _requests(client, view, urls, pk):
    """(what, response) for every endpoint of ``view`` about record ``pk``."""
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


@pytest.mark.parametrize("endpoint", PLUGIN_ENDPOINTS)
def test_disabled_module_is_gone_for_that_company_only(app, world, client_for, endpoint):
    registry = app.extensions["qdesk.plugins"]
    view = view_for(app, endpoint)
    key = view.plugin_key
    with app.app_context():
        rec_a = make(view.model, world.company("A"), world.user("admin@a.test"))
        a_id, a_markers, a_before = rec_a.id, markers(rec_a), snapshot(view.model, rec_a.id)
        b_id = make(view.model, world.company("B"), world.user("admin@b.test")).id
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

    for what, response in _requests(ca, view, urls_a, a_id):
        assert response.status_code == 404, (
            f"{endpoint}: {what} gave {response.status_code} for A with {key!r} disabled, not 404")
    home = ca.get("/admin/")
    assert home.status_code == 200
    assert link not in home.get_data(as_text=True), f"{endpoint}: menu still links {urls_a['index']}"
    with app.app_context():
        assert snapshot(view.model, a_id) == a_before, f"{endpoint}: A's record changed while disabled"

    # Company B, where the module is still enabled, is unaffected.
    for what, url in (("list", urls_b["index"]), ("create form", urls_b["create"]),
                      ("details", urls_b["details"]), ("edit form", urls_b["edit"]),
                      ("export", urls_b["export"])):
        response = cb.get(url)
        assert response.status_code == 200, f"{endpoint}: B's {what} gave {response.status_code}"
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
            for names in in_b:
                missing = (disabled & implementers) - names
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
