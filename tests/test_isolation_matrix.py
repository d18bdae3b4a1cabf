"""Company isolation, for every registered admin view (generated).

The cases are generated from the plugin registry: ``tests.factories.
registered_views()`` asks every installed plugin's ``register_admin_views``
hook at collection time (no app needed); each view is a case with its
endpoint as id (``notes_note``), each relation of a view to a company-owned
model a case ``<endpoint>-<relation>`` (``notes_note-tag``). A new plugin is
covered without writing a test; records are made by the generic factory
``tests.factories.make`` (every string column a unique token, so a leak is
found by searching B's pages for A's tokens). Nothing here names a plugin.

Company A owns records (one active, one archived, each pointing at related
A records); company B's admin, holding every permission in B, tries every
way in: list (with search and archived), count, CSV export, details and
edit by id (GET and a POST with changed data), delete by id, inline edit
(``ajax/update/``), every bulk action with A's ids among the row ids,
relation dropdowns and ajax lookups, and create/edit forms pointing at A's
related records. A's records must stay unseen and unchanged. Each attack is
paired with a positive control (the same request works on the attacker's
own data), so a malformed request cannot pass as a refusal.

Core's company-scoped screens (audit log, print log, calendar) are cases
like the plugins' (``tests.factories.all_screens``); where B's admin lacks
a permission there (nobody writes audit entries), another company's id is
refused exactly as an unknown one is (403 before any lookup). Every other
page a view exposes (``scoped_expose`` pages, list tabs, import) is a case
``<endpoint>-<page>`` that must not show A's records; an import upload of A
cannot be previewed or imported by B; bulk assign refuses a person of A;
the inline-edit case runs only on views that have inline editing. Core's
Settings, Calendar month and Modules screens show B only B's values.
``test_scope_off_fails_the_matrix`` is the positive control: with
``core.records.tenancy.scoped_query`` switched off (unscoped, a test-only
monkeypatch) the matrix's checks fail.
"""
from __future__ import annotations

import io
import json
import re
from types import SimpleNamespace

import pytest
from markupsafe import escape
from sqlalchemy import String, inspect

from core.records import access, tenancy
from core.extensions import db
from core.models import Company, PrintJob
from tests.factories import (exclusive_relations, PNG_1PX, attach, attachable, stored_files, url_of, action_surfaces, all_screens, cheap_password_hashes, company_relations,
                             core_screens, database_state, editable_value, inline_pk, form_data, form_field_names,
                             make, markers, page_surfaces, registered_permissions, registered_views,
                             related_records, snapshot, stored_import, view_urls)

VIEWS = all_screens()
ENDPOINTS = [v.endpoint for v in VIEWS]
SPECS = {v.endpoint: v for v in VIEWS}
GRANTS = registered_permissions()


def _admin_holds(spec, action):
    """Whether a company admin holds ``action`` on ``spec``'s entity by default."""
    return "admin" in GRANTS.get(f"{spec.plugin_key}.{spec.entity}.{action}", ())


def admin_holds(case, action):
    return _admin_holds(SPECS[case.endpoint], action)


CREATABLE = [v.endpoint for v in VIEWS if _admin_holds(v, "create") and _admin_holds(v, "write")]
INLINE = [v.endpoint for v in VIEWS if getattr(v.cls, "column_editable_list", None)]
IMPORTABLE = [v.endpoint for v in VIEWS if getattr(v.cls, "import_schema", None) is not None]
BULK_ASSIGN = [v.endpoint for v in VIEWS if getattr(v.cls, "column_bulk_assign", ())]
_STANDARD = {"index_view", "create_view", "details_view", "edit_view", "export", "ajax_lookup",
             "delete_view", "action_view", "ajax_update", "import_preview_view", "bulk_assign_view",
             "attachment_view", "attachment_upload_view", "attachment_delete_view"}  # (attachments: below)
ATTACHABLE = [v.endpoint for v in VIEWS if attachable(v.model)]
EXTRA_PAGES = [pytest.param(v.endpoint, page.name, id=f"{v.endpoint}-{page.name}")
               for v in VIEWS for page in page_surfaces(v)
               if page.method == "GET" and page.offered and page.name not in _STANDARD
               and "admin" in page.holders(GRANTS)]


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch):
    cheap_password_hashes(monkeypatch)


def view_for(app, endpoint):
    """The app's view (a plugin's or one of core's) with ``endpoint``."""
    for view in app.extensions["admin"][0]._views:
        if view.endpoint == endpoint:
            return view
    raise LookupError(endpoint)
def _editable(view_class, relation):
    """A relation the screen's form offers (all of them when the form is automatic)."""
    columns = getattr(view_class, "form_columns", None)
    return columns is None or relation in columns


RELATIONS = [pytest.param(v.endpoint, rel, id=f"{v.endpoint}-{rel}")
             for v in VIEWS for rel in company_relations(v.model) if _editable(v.cls, rel)]

LIST_COUNT = re.compile(r'class="nav-link active">[^<(]*\((\d+)\)')
NO_SUCH_ID = 987654321


def test_matrix_covers_every_registered_view(app):
    from admin.views import CompanyModelView
    registry = app.extensions["qdesk.plugins"]
    assert sorted(v.endpoint for v in registry.admin_views) == [v.endpoint for v in registered_views()], (
        "the views found at collection time differ from the app's registry: "
        "tests.factories.registered_views() must find every plugin")
    in_app = sorted(v.endpoint for v in app.extensions["admin"][0]._views if isinstance(v, CompanyModelView))
    assert in_app == ENDPOINTS, "core's company-scoped screens differ from tests.factories.core_screens()"
    assert {v.endpoint for v in core_screens()} >= {"core_audit", "core_printjob", "core_calendar_day"}
    assert "notes_note" in INLINE, "the example plugin notes has inline editing: INLINE misses it"


@pytest.fixture
def case(request, app, world, client_for):
    """Records of the view's model in A (active, archived) and B, and B's admin."""
    view = view_for(app, request.node.callspec.params["endpoint"])
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        admin_a, admin_b = world.user("admin@a.test"), world.user("admin@b.test")
        active = make(view.model, a, admin_a, relations=True)
        archived = make(view.model, a, admin_a, relations=True, archived=True)
        mine = make(view.model, b, admin_b, relations=True)
        ns = SimpleNamespace(
            view=view, model=view.model, endpoint=view.endpoint,
            a_id=active.id, a_archived_id=archived.id, b_id=mine.id,
            a_markers=[m for r in (active, archived) for m in markers(r)]
            + [m for r in (active, archived) for rel in related_records(r) for m in markers(rel)],
            b_markers=markers(mine),
            b_count=active_count(view, b), a_count=active_count(view, a),
            a_company=a.id, b_company=b.id,
            before={pk: snapshot(view.model, pk) for pk in (active.id, archived.id)},
        )
    ns.urls = view_urls(app, view, ns.a_id)
    ns.client = client_for("admin@b.test")
    ns.app = app
    return ns


def active_count(view, company):
    query = tenancy.scoped_query(view.model, company)
    if hasattr(view.model, "archived_at"):
        query = query.filter(view.model.archived_at.is_(None))
    return query.count()


def assert_a_untouched(case, what):
    with case.app.app_context():
        for pk, before in case.before.items():
            now = snapshot(case.model, pk)
            assert now is not None, f"{case.endpoint}: {what} deleted A's record {pk}"
            assert now == before, f"{case.endpoint}: {what} changed A's record {pk}: {before} -> {now}"


def assert_no_leak(case, text, what):
    leaked = [m for m in case.a_markers if m in text]
    assert not leaked, f"{case.endpoint}: {what} shows A's data {leaked}"




def url(case, name, **kw):
    return url_of(case.app, case.endpoint, name, **kw)


def record_of(model, pk):
    return db.session.get(model, pk)


def column_names(model):
    return [a.key for a in inspect(model).column_attrs]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_count_search_and_export_show_only_own_records(case, endpoint):
    c = case.client
    page = c.get(case.urls["index"])
    assert page.status_code == 200, f"{endpoint}: B's list gave {page.status_code}"
    html = page.get_data(as_text=True)
    assert_no_leak(case, html, "B's list")
    count = LIST_COUNT.search(html)
    assert count, f"{endpoint}: no record count on B's list page"
    assert int(count.group(1)) == case.b_count, f"{endpoint}: B's list counts {count.group(1)}, B has {case.b_count}"

    archived = c.get(url(case, "index_view", archived=1))
    assert archived.status_code == 200
    assert_no_leak(case, archived.get_data(as_text=True), "B's list of archived records")
    for marker in case.a_markers[:2]:
        found = c.get(url(case, "index_view", search=marker))
        assert found.status_code == 200
        text = found.get_data(as_text=True)
        hits = LIST_COUNT.search(text)  # the search box echoes the term: count the hits
        with case.app.app_context():  # declared (core.search) or by columns
            searches = bool(case.view.column_searchable_list or case.view.core_search)
        expected = 0 if searches else case.b_count  # (no search: ignored)
        assert int(hits.group(1) if hits else 0) == expected, f"{endpoint}: B's search for A's {marker!r}"
        assert_no_leak(case, text.replace(marker, ""), f"B's list searching {marker!r}")

    export = c.get(case.urls["export"])
    assert export.status_code == 200, f"{endpoint}: B's export gave {export.status_code}"
    csv = export.get_data(as_text=True)
    assert_no_leak(case, csv, "B's CSV export")
    if case.b_markers:  # positive control: B's own record is listed or exported
        assert any(m in html or m in csv for m in case.b_markers), f"{endpoint}: B's own record not shown"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_details_and_edit_refuse_other_company_ids(case, endpoint):
    c = case.client
    for pk in (case.a_id, case.a_archived_id):
        for name in ("details_view", "edit_view"):
            response = c.get(url(case, name, id=pk))
            unknown = c.get(url(case, name, id=NO_SUCH_ID))
            expected = 404 if admin_holds(case, "read" if name == "details_view" else "write") else 403
            assert response.status_code == expected, (
                f"{endpoint}: B's {name} of A's id gave {response.status_code}")
            # No existence oracle: A's id looks exactly like an id that does not exist.
            assert (response.status_code, response.headers.get("Location")) == \
                   (unknown.status_code, unknown.headers.get("Location")), f"{endpoint}: {name} oracle"
            assert_no_leak(case, response.get_data(as_text=True), f"B's {name} of A's id")
            if response.status_code == 302:
                assert_no_leak(case, c.get(response.headers["Location"]).get_data(as_text=True),
                               f"the page B's {name} of A's id redirects to")

    edit_form = case.view._edit_form_class
    with case.app.app_context():
        attack = {pk: form_data(edit_form, record_of(case.model, pk))
                  for pk in (case.a_id, case.a_archived_id)}
    for pk, data in attack.items():
        response = c.post(url(case, "edit_view", id=pk), data)
        expected = 404 if admin_holds(case, "write") else 403
        assert response.status_code == expected, f"{endpoint}: B's edit POST gave {response.status_code}"
    assert_a_untouched(case, "B's edit POST")
    if not admin_holds(case, "write"):
        return  # nobody edits these records (the permission matrix proves the 403)

    # Positive control: the same kind of POST saves B's own record.
    with case.app.app_context():
        before = snapshot(case.model, case.b_id)
        data = form_data(edit_form, record_of(case.model, case.b_id))
    response = c.post(url(case, "edit_view", id=case.b_id), data)
    assert response.status_code == 302, f"{endpoint}: B's edit of its own record gave {response.status_code}"
    if any(k in data for k in column_names(case.model)):
        with case.app.app_context():
            assert snapshot(case.model, case.b_id) != before, (
                f"{endpoint}: the generic edit POST did not save B's own record (control)")


@pytest.mark.parametrize("endpoint", CREATABLE)
def test_company_is_stamped_not_taken_from_the_form(case, endpoint):
    c = case.client
    with case.app.app_context():
        data = form_data(case.view._create_form_class, record_of(case.model, case.b_id))
    response = c.post(url(case, "create_view"), {**data, "company_id": case.a_company})
    assert response.status_code == 302, f"{endpoint}: B's create POST gave {response.status_code}: " \
        + " ".join(re.findall(r'class="(?:alert[^"]*|invalid-feedback)"[^>]*>\s*([^<]+)', response.get_data(as_text=True)))
    with case.app.app_context():
        a, b = db.session.get(Company, case.a_company), db.session.get(Company, case.b_company)
        assert active_count(case.view, a) == case.a_count, f"{endpoint}: B created a record in A"
        assert active_count(case.view, b) == case.b_count + 1, f"{endpoint}: B's create saved nothing (control)"
        data = form_data(case.view._edit_form_class, record_of(case.model, case.b_id))
    response = c.post(url(case, "edit_view", id=case.b_id), {**data, "company_id": case.a_company})
    assert response.status_code == 302
    with case.app.app_context():
        assert snapshot(case.model, case.b_id)["company_id"] == case.b_company, (
            f"{endpoint}: B's edit moved its record to A")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_delete_refuses_other_company_ids(case, endpoint):
    c = case.client
    for pk in (case.a_id, case.a_archived_id):
        response = c.post(case.urls["delete"], {"id": pk})
        expected = 404 if admin_holds(case, "delete") else 403
        assert response.status_code == expected, f"{endpoint}: B's delete POST gave {response.status_code}"
    assert_a_untouched(case, "B's delete POST")
    response = c.post(case.urls["delete"], {"id": case.b_id})
    assert response.status_code in (302, 403), f"{endpoint}: B's delete of its own record gave {response.status_code}"
    if response.status_code == 302:  # positive control: B's own record goes (or is archived)
        with case.app.app_context():
            now = snapshot(case.model, case.b_id)
            assert now is None or now.get("archived_at") is not None, (
                f"{endpoint}: the delete POST did not delete B's own record (control)")


@pytest.mark.parametrize("endpoint", INLINE)
def test_inline_edit_refuses_other_company_ids(case, endpoint):
    c = case.client
    columns = list(case.view.column_editable_list)
    assert columns, f"{endpoint}: no inline editing"
    for column in columns:
        for pk in (case.a_id, case.a_archived_id):
            with case.app.app_context():
                cell = inline_pk(record_of(case.model, pk))
            response = c.post(case.urls["ajax_update"],
                              {"list_form_pk": cell, column: editable_value(case.model, column)})
            assert response.status_code != 200, (
                f"{endpoint}: B's inline edit of A's {column} answered 200")
    assert_a_untouched(case, "B's inline edit")
    for column in case.view.column_editable_list or ():  # positive control on B's own record
        with case.app.app_context():
            before = snapshot(case.model, case.b_id)
            cell = inline_pk(record_of(case.model, case.b_id))
        response = c.post(case.urls["ajax_update"],
                          {"list_form_pk": cell, column: editable_value(case.model, column)})
        assert response.status_code == 200, f"{endpoint}: B's inline edit of its own {column}: {response.data!r}"
        with case.app.app_context():
            assert snapshot(case.model, case.b_id)[column] != before[column]


def _admin_actions(endpoint):
    """The bulk actions of a screen that a company admin may run."""
    return {a.name for a in action_surfaces(SPECS[endpoint]) if a.offered and "admin" in a.holders(GRANTS)}


# Screens without such an action (the read-only logs) have no case here:
# their action POSTs are refused with 403 in the permission matrix.
ACTION_ENDPOINTS = [e for e in ENDPOINTS if _admin_actions(e)]


@pytest.mark.parametrize("endpoint", ACTION_ENDPOINTS)
def test_bulk_actions_refuse_other_company_ids(case, endpoint):
    c = case.client
    allowed = _admin_actions(endpoint)
    actions = [name for name, _text in case.view._actions if name in allowed]
    assert actions, f"{endpoint}: no bulk action in the view, though the registry offers {sorted(allowed)}"
    for name in sorted(actions, key=lambda n: n == "delete"):  # delete last
        http = c.post(case.urls["action"], {
            "action": name, "rowid": [str(case.a_id), str(case.a_archived_id), str(case.b_id)]})
        if name.startswith("print_"):  # a printable's Print action answers the PDF
            assert http.status_code == 200 and http.mimetype == "application/pdf", (
                f"{endpoint}: action {name!r} gave {http.status_code} {http.mimetype}")
            with case.app.app_context():  # printed B's own record only (control)
                job = db.session.query(PrintJob).order_by(PrintJob.id.desc()).first()
                assert (job.company_id, job.record_ids) == (case.b_company, [case.b_id]), (
                    f"{endpoint}: action {name!r} printed {job.record_ids}")
        elif name.startswith("assign_"):  # asks for the person first: B's own record only
            page = http.get_data(as_text=True)
            assert http.status_code == 200 and f'name="rowid" value="{case.b_id}"' in page, (
                f"{endpoint}: action {name!r} gave {http.status_code}")
            for other in (case.a_id, case.a_archived_id):
                assert f'name="rowid" value="{other}"' not in page, f"{endpoint}: {name!r} offers A's record"
            http = c.post(url(case, "bulk_assign_view"), {
                "field": name[len("assign_"):], "user_id": "",
                "rowid": [str(case.a_id), str(case.a_archived_id), str(case.b_id)]})
            assert http.status_code == 302, f"{endpoint}: bulk assign gave {http.status_code}"
        else:
            assert http.status_code == 302, f"{endpoint}: action {name!r} gave {http.status_code}"
        assert_a_untouched(case, f"bulk action {name!r}")
    if "delete" in actions:  # positive control: the handler ran on B's own record
        with case.app.app_context():
            now = snapshot(case.model, case.b_id)
            assert now is None or now.get("archived_at") is not None, (
                f"{endpoint}: bulk delete did not touch B's own record (control)")


def offered_keys(app, model, pk, company_id, email):
    """Keys of the record actions (``core.links``) offered on record ``pk``
    to ``email`` in company ``company_id``, as its page shows them."""
    from core import links
    with app.test_request_context():
        company, user = db.session.get(Company, company_id), _user(app, email)
        with tenancy.acting_as(company, user):
            return [a.key for a in links.offered_actions(db.session.get(model, pk), user)]


def test_some_screen_offers_a_record_action(app, world):
    """The control of the case below runs somewhere: some plugin offers a
    record action on some other screen's record (the example plugins do)."""
    offering = []
    for spec in VIEWS:
        if spec.plugin_key == "core":
            continue
        with app.app_context():
            record = make(spec.model, world.company("B"), _user(app, "admin@b.test"))
            pk, company_id = record.id, record.company_id
        if offered_keys(app, spec.model, pk, company_id, "admin@b.test"):
            offering.append(spec.endpoint)
    assert offering, "no screen offers a record action: the record-action isolation case controls nothing"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_record_actions_refuse_other_company_ids(case, endpoint):
    """The record page's action buttons (``record_action_view``): B posting
    an action with A's ids gets 404 and nothing is made or linked; the same
    POST on B's own record runs the action (control, where one is offered)."""
    from core.links import RecordLink
    keys = offered_keys(case.app, case.model, case.b_id, case.b_company, "admin@b.test")
    target = url(case, "record_action_view")
    with case.app.app_context():
        before = database_state()
    for pk in (case.a_id, case.a_archived_id):
        for key in [*keys, "x.none"]:
            response = case.client.post(target, {"id": str(pk), "action": key})
            assert response.status_code == 404, f"{endpoint}: B's action {key!r} on A's id gave {response.status_code}"
    with case.app.app_context():
        assert database_state() == before, f"{endpoint}: B's record action on A's ids changed the database"
    for key in keys:  # positive control on B's own record
        response = case.client.post(target, {"id": str(case.b_id), "action": key})
        assert response.status_code == 302, f"{endpoint}: B's action {key!r} on its own record gave {response.status_code}"
        with case.app.app_context():
            assert db.session.query(RecordLink).filter_by(company_id=case.b_company, kind=key,
                                                          source_id=case.b_id).count() == 1


@pytest.mark.parametrize("endpoint, relation", RELATIONS)
def test_relation_choices_and_links_stay_in_company(app, world, client_for, endpoint, relation):
    view = view_for(app, endpoint)
    prop = inspect(view.model).relationships[relation]
    target = prop.mapper.class_
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        theirs = make(target, a, world.user("admin@a.test"))
        ours = make(target, b, world.user("admin@b.test"))
        theirs_id, theirs_markers, theirs_str = theirs.id, markers(theirs), str(theirs)
        ours_id, ours_str = ours.id, str(ours)
        mine = make(view.model, b, world.user("admin@b.test"))
        mine_id = mine.id
    c = client_for("admin@b.test")
    assert relation in form_field_names(view._create_form_class), f"{endpoint}: {relation!r} missing from the form"

    def leaked(text):
        return [m for m in theirs_markers + [str(escape(theirs_str))] if len(m) >= 8 and m in text]

    if _is_inline(view, relation):
        return _check_inline(app, c, view, endpoint, relation, target, theirs_id, mine_id, leaked)

    ajax = relation in (view._form_ajax_refs or {})
    page = c.get(url_of(app, endpoint, "create_view"))
    assert page.status_code == 200, f"{endpoint}: B's create form gave {page.status_code}"
    assert not leaked(page.get_data(as_text=True)), f"{endpoint}: B's {relation} choices list A's record"
    if not ajax:
        assert str(escape(ours_str)) in page.get_data(as_text=True), f"{endpoint}: B's {relation} choices miss B's record (control)"
        edit = c.get(url_of(app, endpoint, "edit_view", id=mine_id))
        if "admin" in registered_permissions().get(view.permission("write"), ()):
            assert edit.status_code == 200 and not leaked(edit.get_data(as_text=True))
        else:  # an append-only entity: nobody edits it
            assert edit.status_code == 403
    else:
        lookup = url_of(app, endpoint, "ajax_lookup")
        for query in ["", *theirs_markers, theirs_str]:
            response = c.get(lookup, query_string={"name": relation, "query": query})
            assert response.status_code == 200
            ids = [row[0] for row in json.loads(response.data)]
            assert theirs_id not in ids, f"{endpoint}: ajax lookup {relation}?query={query!r} returns A's record"
        response = c.get(lookup, query_string={"name": relation, "query": ""})
        assert ours_id in [row[0] for row in json.loads(response.data)], f"{endpoint}: ajax lookup misses B's record (control)"

    if prop.direction.name != "MANYTOONE":
        return
    fk = next(iter(prop.local_columns)).key
    with app.app_context():
        data = form_data(view._create_form_class, record_of(view.model, mine_id))
    # Crafted create and edit POSTs pointing at A's record are refused.
    c.post(url_of(app, endpoint, "create_view"), {**data, relation: str(theirs_id)})
    c.post(url_of(app, endpoint, "edit_view", id=mine_id), {**data, relation: str(theirs_id)})
    with app.app_context():
        linked = db.session.query(view.model).filter(getattr(view.model, fk) == theirs_id,
                                                     view.model.company_id != world.ids["A"]).count()
        assert linked == 0, f"{endpoint}: a record of B now points at A's {relation}"
    # Positive control: the same create POST pointing at B's own record works
    # (with new values: a forged link to an id outside the choices may be
    # dropped rather than refused, and then that POST took the unique codes).
    with app.app_context():
        data = form_data(view._create_form_class, record_of(view.model, mine_id))
        data.update(_shared_links(view.model, relation, record_of(target, ours_id), data))
    response = c.post(url_of(app, endpoint, "create_view"), {**data, relation: str(ours_id)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(view.model).filter(getattr(view.model, fk) == ours_id).count() == 1, (
            f"{endpoint}: the generic create POST with B's {relation} saved nothing (control)")


def _shared_links(model, relation, chosen, data):
    """Form values that keep a control record coherent: when the chosen
    related record points at a record the model links to as well (a work
    order's contact person belongs to a customer; the order has a customer),
    the model's link is set to that same record, as a clerk would choose."""
    values = {other: "" for group in exclusive_relations(model) if relation in group
              for other in group if other != relation}  # one owner: the other one is left empty
    own = {rel.mapper.class_: rel.key for rel in inspect(model).relationships
           if rel.direction.name == "MANYTOONE" and rel.key != relation}
    for rel in inspect(type(chosen)).relationships:
        if rel.direction.name == "MANYTOONE" and rel.mapper.class_ in own and own[rel.mapper.class_] in data:
            target = getattr(chosen, rel.key)
            if target is not None:
                values[own[rel.mapper.class_]] = str(target.id)
    return values


def _is_inline(view, relation):
    from flask_admin.contrib.sqla.fields import InlineModelFormList
    unbound = getattr(view._create_form_class, relation)
    return isinstance(unbound.field_class, type) and issubclass(unbound.field_class, InlineModelFormList)


def _check_inline(app, c, view, endpoint, relation, target, theirs_id, mine_id, leaked):
    """Inline rows (``inline_models``) have no choices: the create and edit
    pages must not show A's rows, and a crafted inline row carrying the id
    of A's record must not touch it (Flask-Admin matches inline ids against
    the parent's own rows only)."""
    for page in (c.get(url_of(app, endpoint, "create_view")), c.get(url_of(app, endpoint, "edit_view", id=mine_id))):
        assert page.status_code == 200, f"{endpoint}: B's form gave {page.status_code}"
        assert not leaked(page.get_data(as_text=True)), f"{endpoint}: B's inline {relation} shows A's record"
    # Each string column gets a crafted value it can hold (a unit of 10 characters...).
    strings = {a.key: "qcrafted-inline"[:a.columns[0].type.length or None] for a in inspect(target).column_attrs
               if isinstance(a.columns[0].type, String) and not a.columns[0].foreign_keys
               and a.key not in ("id", "company_id", "version")}
    with app.app_context():
        before = snapshot(target, theirs_id)
        data = form_data(view._edit_form_class, record_of(view.model, mine_id))
    crafted = {**data, f"{relation}-0-id": str(theirs_id),
               **{f"{relation}-0-{key}": value for key, value in strings.items()}}
    response = c.post(url_of(app, endpoint, "edit_view", id=mine_id), crafted)
    assert response.status_code == 302, f"{endpoint}: B's edit with an inline {relation} row was not saved (control)"
    with app.app_context():
        assert snapshot(target, theirs_id) == before, f"{endpoint}: B's inline {relation} POST changed A's record"


# --- every other page of a view ---------------------------------------------------

@pytest.mark.parametrize("endpoint, page", EXTRA_PAGES)
def test_extra_pages_show_only_own_records(case, endpoint, page):
    """``scoped_expose`` pages, list tabs, the import page: B sees none of A's records."""
    response = case.client.get(url(case, page))
    assert response.status_code == 200, f"{endpoint}: B's {page} gave {response.status_code}"
    assert_no_leak(case, response.get_data(as_text=True), f"B's {page}")


@pytest.mark.parametrize("endpoint", IMPORTABLE)
def test_import_upload_of_another_company_is_not_found(case, endpoint):
    """A's stored upload (its token) does not exist for B: no preview, no import."""
    with case.app.app_context():
        a, admin_a = db.session.get(Company, case.a_company), _user(case.app, "admin@a.test")
        token = stored_import(case.app, case.view, a, admin_a)
        before = database_state()
    preview = url(case, "import_preview_view", token=token)
    assert case.client.get(preview).status_code == 404, f"{endpoint}: B previews A's upload"
    assert case.client.post(preview, {}).status_code == 404, f"{endpoint}: B imports A's upload"
    with case.app.app_context():
        assert database_state() == before, f"{endpoint}: B's POST of A's upload changed the database"
    # Positive control: the upload is there for A.
    from tests.fixtures import Client
    owner = Client(case.app)
    owner.login("admin@a.test")
    assert owner.get(preview).status_code not in (403, 404), f"{endpoint}: A's own upload not found (control)"


def _user(app, email):
    from core.models import User
    return db.session.query(User).filter_by(email=email).one()


@pytest.mark.parametrize("endpoint", BULK_ASSIGN)
def test_bulk_assign_refuses_a_person_of_another_company(case, endpoint):
    field = case.view.column_bulk_assign[0]
    fk = next(iter(inspect(case.model).relationships[field].local_columns)).key
    with case.app.app_context():
        theirs, ours = _user(case.app, "staff@a.test").id, _user(case.app, "staff@b.test").id
        before = snapshot(case.model, case.b_id)
    target = url(case, "bulk_assign_view")
    response = case.client.post(target, {"field": field, "user_id": str(theirs), "rowid": [str(case.b_id)]})
    assert response.status_code in (200, 400), f"{endpoint}: bulk assign of A's person gave {response.status_code}"
    with case.app.app_context():
        assert snapshot(case.model, case.b_id) == before, f"{endpoint}: B's record assigned to a person of A"
    # Positive control: a member of B is set.
    response = case.client.post(target, {"field": field, "user_id": str(ours), "rowid": [str(case.b_id)]})
    assert response.status_code == 302
    with case.app.app_context():
        assert snapshot(case.model, case.b_id)[fk] == ours, f"{endpoint}: bulk assign set nothing (control)"


@pytest.mark.parametrize("endpoint", ATTACHABLE)
def test_attachments_of_another_company_are_not_found(case, endpoint):
    """A's attachment (on A's record): B's admin cannot download it (with A's
    record or with B's own), list it on a record page, remove it, nor attach
    a file to A's record: 404 like an unknown id, nothing stored or changed."""
    app, c = case.app, case.client
    with app.app_context():
        a, b = db.session.get(Company, case.a_company), db.session.get(Company, case.b_company)
        theirs = attach(case.model, record_of(case.model, case.a_id), a, _user(app, "admin@a.test"),
                        name="qtheirs-secret.png")
        ours = attach(case.model, record_of(case.model, case.b_id), b, _user(app, "admin@b.test"))
        before, files = database_state(), stored_files(app)
    for record_id in (case.a_id, case.b_id, NO_SUCH_ID):
        response = c.get(url(case, "attachment_view", id=record_id, attachment=theirs))
        assert response.status_code == 404, f"{endpoint}: B downloads A's attachment via {record_id}: " \
            f"{response.status_code}"
        response = c.post(url(case, "attachment_delete_view"), {"id": str(record_id), "attachment": str(theirs)})
        assert response.status_code == 404, f"{endpoint}: B's delete of A's attachment gave {response.status_code}"
    response = c.post(url(case, "attachment_upload_view"),
                      {"id": str(case.a_id), "file": (io.BytesIO(PNG_1PX), "x.png")})
    assert response.status_code == 404, f"{endpoint}: B's upload to A's record gave {response.status_code}"
    assert "qtheirs-secret" not in c.get(url(case, "details_view", id=case.b_id)).get_data(as_text=True)
    with app.app_context():
        assert database_state() == before and stored_files(app) == files, f"{endpoint}: B changed A's files"
    # Positive control: B's own attachment downloads, and shows on B's record page.
    response = c.get(url(case, "attachment_view", id=case.b_id, attachment=ours))
    assert response.status_code == 200 and response.data.startswith(b"\x89PNG"), f"{endpoint}: control"
    assert "photo.png" in c.get(url(case, "details_view", id=case.b_id)).get_data(as_text=True)


# --- core's screens that are not model views -------------------------------------

def _setting_value(setting, current):
    """A valid value other than ``current`` for the setting types a form
    field shows as text or a checkbox; None for the others."""
    if setting.type == "bool":
        return "false" if current else "true"
    if setting.type in ("int", "days"):
        low, high = setting.min if setting.min is not None else 1, setting.max if setting.max is not None else 999
        return str(next(v for v in (high, high - 1, low) if v != current))
    if setting.type == "str":  # a time zone must be a real one
        return "Europe/Berlin" if setting.key == "core.timezone" else "qsetting" + "x" * 8
    return None


def test_settings_of_another_company_stay_unseen(app, world, client_for):
    from core.settings import get_setting, set_settings, settings_registry
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        with tenancy.acting_as(a, world.user("admin@a.test")):
            values = {s.key: v for s in settings_registry().by_key.values()
                      if (v := _setting_value(s, get_setting(s.key, a))) is not None}
            b_before = {k: get_setting(k, b) for k in values}
            set_settings(values, a)
        a_after = {k: get_setting(k, a) for k in values}
        assert values and a_after != b_before, "no setting changed in A (control)"
        assert {k: get_setting(k, b) for k in values} == b_before, "A's settings changed B's"
    text_fields = [k for k, v in values.items() if re.fullmatch(r"\d+|qsetting\w+", v)]

    def shown(client, key):
        page = client.get("/admin/settings/").get_data(as_text=True)
        found = re.search(rf'name="{re.escape(key)}" value="([^"]*)"', page)
        return found.group(1) if found else None

    cb, ca = client_for("admin@b.test"), client_for("admin@a.test")
    for key in text_fields:
        assert shown(cb, key) == str(b_before[key]), f"B's settings page shows {key} = A's value"
        assert shown(ca, key) == values[key], f"A's settings page does not show A's {key} (control)"


def test_calendar_month_shows_only_own_days(app, world, client_for):
    from core.calendar.days import CompanyCalendarDay
    with app.app_context():
        day = make(CompanyCalendarDay, world.company("A"), world.user("admin@a.test"))
        note, month = day.note, day.day.strftime("%Y-%m")
    page = url_of(app, "core_calendar_day", "month", month=month)
    assert note not in client_for("admin@b.test").get(page).get_data(as_text=True), "B's month shows A's day"
    assert note in client_for("admin@a.test").get(page).get_data(as_text=True), "A's month misses its day (control)"


def test_modules_screen_shows_own_enablement(app, world, client_for):
    from core.plugin.modules import disable_module
    registry = app.extensions["qdesk.plugins"]
    leaf = next(k for k in sorted(registry.keys()) if not registry.dependents(k))
    with app.app_context():
        disable_module(world.company("A"), leaf)
    state = re.compile(rf'data-module="{leaf}" data-state="(\w+)"')
    assert state.search(client_for("admin@b.test").get("/admin/modules/").get_data(as_text=True)).group(1) == "enabled"
    assert state.search(client_for("admin@a.test").get("/admin/modules/").get_data(as_text=True)).group(1) == "disabled"


def _inbox_case(app, world):
    """staff@a.test, also a member of B, told twice in A; B's admin told once in B."""
    from core.models import Membership
    from core.notify import notify
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        staff, admin_b = world.user("staff@a.test"), world.user("admin@b.test")
        db.session.add(Membership(user_id=staff.id, company_id=b.id, role="staff"))
        db.session.commit()
        ids = {}
        for company, user, n in ((a, staff, 2), (b, admin_b, 1)):
            with tenancy.acting_as(company, None):
                rows = [row for _ in range(n) for row in notify("core.deadline_due_soon", [user])]
                db.session.commit()
                ids[company.code] = [row.id for row in rows]
        return ids, b.id


def check_inbox_isolation(app, world, client_for, ids, b_id):
    shown = re.compile(r'data-notification="(\d+)"')
    c = client_for("staff@a.test")
    assert sorted(map(int, shown.findall(c.get("/admin/inbox/").get_data(as_text=True)))) == ids["A"], (
        "A's inbox misses its own notifications (control)")
    c.switch(b_id)
    listed = shown.findall(c.get("/admin/inbox/").get_data(as_text=True))
    assert listed == [], f"in company B the inbox lists {listed}: A's notifications or B's admin's"
    for foreign in ids["A"] + ids["B"]:  # A's (another company), B admin's (another user)
        response = c.post(f"/admin/inbox/{foreign}/read")
        assert response.status_code == 404, f"marking notification {foreign} read from B gave {response.status_code}"
    c.post("/admin/inbox/read-all")
    from core.notify import Notification
    with app.app_context():
        assert db.session.query(Notification).filter(Notification.read_at.isnot(None)).count() == 0, (
            "a notification of A or of another user was marked read from B")


def test_inbox_shows_only_own_notifications_of_the_current_company(app, world, client_for):
    ids, b_id = _inbox_case(app, world)
    check_inbox_isolation(app, world, client_for, ids, b_id)


# --- positive control: the matrix can fail ------------------------------------------

def _unscoped(model, company=None):
    return db.session.query(model)


@pytest.mark.parametrize("endpoint", ENDPOINTS[:1] + INLINE[:1])
def test_scope_off_fails_the_matrix(case, endpoint, monkeypatch):
    """With the company scope switched off, the list, details and inline-edit
    checks fail (the isolation cases can fail)."""
    monkeypatch.setattr(tenancy, "scoped_query", _unscoped)
    checks = [test_list_count_search_and_export_show_only_own_records,
              test_details_and_edit_refuse_other_company_ids]
    if endpoint in INLINE:
        # A save checks the company twice (the scoped load, then
        # access.check_owned before changing): both must be off to let it through.
        monkeypatch.setattr(access, "check_owned", lambda record: None)
        checks = [test_inline_edit_refuses_other_company_ids]
    for check in checks:
        with pytest.raises(AssertionError):
            check(case, endpoint)


def test_scope_off_fails_the_inbox_check(app, world, client_for, monkeypatch):
    """With the company scope off, the inbox check fails (it can fail)."""
    ids, b_id = _inbox_case(app, world)
    monkeypatch.setattr(tenancy, "scoped_query", _unscoped)
    with pytest.raises(AssertionError, match="in company B the inbox lists"):
        check_inbox_isolation(app, world, client_for, ids, b_id)
