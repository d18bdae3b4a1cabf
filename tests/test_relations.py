"""Links between records stay inside one company, whatever the surface;
records others point at are archived, never deleted; ids are never reused.

The cases are generated from the model registry: every link core checks
(``core.records.links_of``: many-to-one relations and foreign-key columns of
company-owned models to company-owned models and to users) of every
installed model, so a new plugin's models are covered without test code.
Company A owns the target; B's record is pointed at it:

* in code (the relation set to A's object, or the bare column to A's id),
  acting as B: the flush raises ``ForeignRecord`` and nothing is written;
* through every registered screen: B's create and edit POSTs carry A's id in
  the relation's field and in its column's name (the way a hidden field is
  forged): nothing of B points at A afterwards, and no 500.

Each generated case has its positive control: B's own target is accepted,
and with the guard switched off (monkeypatch) the same forged link gets
through, which proves the case can fail.
"""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text


from core.records import stamps, tenancy
from core.errors import ForeignRecord
from core.extensions import db
from core.models import User
from core.records import CompanyOwnedMixin, delete_or_archive, links_of
from tests.factories import make, registered_views, snapshot, view_for, view_urls


def _company_models():
    seen = []
    for view in registered_views():
        for model in [view.model, *(rel.mapper.class_ for rel in inspect(view.model).relationships)]:
            if issubclass(model, CompanyOwnedMixin) and model not in seen:
                seen.append(model)
    return seen


MODELS = _company_models()
LINKS = [pytest.param(model, link, id=f"{model.__tablename__}-{link.relation or link.column}")
         for model in MODELS for link in links_of(model)]
VIEW_LINKS = [pytest.param(view.endpoint, link, id=f"{view.endpoint}-{link.relation or link.column}")
              for view in registered_views() for link in links_of(view.model)]


def test_links_are_generated():
    assert LINKS and VIEW_LINKS, "no link found: the generated cases test nothing"


def _target_in(link, world, code):
    if link.target is User:
        return world.user(f"staff@{code.lower()}.test")
    return make(link.target, world.company(code), world.user(f"admin@{code.lower()}.test"))


def _set_link(record, link, target, by_id):
    if by_id or link.relation is None:
        setattr(record, link.column, target.id)
    else:
        setattr(record, link.relation, target)


@pytest.mark.parametrize("by_id", [False, True], ids=["object", "id"])
@pytest.mark.parametrize("model, link", LINKS)
def test_a_link_to_another_company_is_refused_at_flush(app, world, model, link, by_id):
    with app.app_context():
        b, admin_b = world.company("B"), world.user("admin@b.test")
        theirs, ours = _target_in(link, world, "A"), _target_in(link, world, "B")
        mine = make(model, b, admin_b)
        before = snapshot(model, mine.id)
        with tenancy.acting_as(b, admin_b):
            record = db.session.get(model, mine.id)
            _set_link(record, link, theirs, by_id)
            with pytest.raises(ForeignRecord) as refused:
                db.session.flush()
            assert refused.value.field in (link.relation, link.column)
            db.session.rollback()
            assert snapshot(model, mine.id) == before, "the refused link was written"
            # Positive control: B's own target is accepted.
            record = db.session.get(model, mine.id)
            _set_link(record, link, ours, by_id)
            db.session.commit()
            assert getattr(db.session.get(model, mine.id), link.column) == ours.id


@pytest.mark.parametrize("model, link", LINKS)
def test_a_link_to_an_id_that_does_not_exist_is_refused(app, world, model, link):
    with app.app_context():
        b, admin_b = world.company("B"), world.user("admin@b.test")
        mine = make(model, b, admin_b)
        with tenancy.acting_as(b, admin_b):
            for missing in (987654321, "99999999999999999999", "²", "abc"):
                record = db.session.get(model, mine.id)
                setattr(record, link.column, missing)
                with pytest.raises(ForeignRecord):
                    db.session.flush()
                db.session.rollback()


def test_positive_control_without_the_guard_the_forged_link_gets_through(app, world, monkeypatch):
    model, link = next((p.values[0], p.values[1]) for p in LINKS if p.values[1].target is not User)
    monkeypatch.setattr(stamps, "check_links", lambda session, company: None)
    with app.app_context():
        b, admin_b = world.company("B"), world.user("admin@b.test")
        theirs = _target_in(link, world, "A")
        mine = make(model, b, admin_b)
        with tenancy.acting_as(b, admin_b):
            record = db.session.get(model, mine.id)
            setattr(record, link.column, theirs.id)
            db.session.commit()  # the leak the guard exists for
            assert getattr(db.session.get(model, mine.id), link.column) == theirs.id


@pytest.mark.parametrize("endpoint, link", VIEW_LINKS)
def test_screens_never_save_a_forged_link(app, world, client_for, endpoint, link):
    """Create and edit POSTs carrying A's id under the relation's name and
    under its column's name (a forged hidden field) save no link to A."""
    from tests.factories import form_data
    view = view_for(app, endpoint)
    with app.app_context():
        theirs = _target_in(link, world, "A")
        theirs_id = theirs.id
        mine = make(view.model, world.company("B"), world.user("admin@b.test"), relations=True)
        mine_id, version = mine.id, mine.version
        create = form_data(view._create_form_class, mine)
        edit = form_data(view._edit_form_class, mine)
    forged = {name: str(theirs_id) for name in (link.relation, link.column) if name}
    c = client_for("admin@b.test")
    responses = [c.post(view_urls(app, view, mine_id)["create"], {**create, **forged}),
                 c.post(view_urls(app, view, mine_id)["edit"], {**edit, "record_version": version, **forged})]
    for response in responses:
        assert response.status_code < 500, f"{endpoint}: a forged {link.column} gave {response.status_code}"
    with app.app_context():
        column = getattr(view.model, link.column)
        linked = db.session.query(view.model).filter(column == theirs_id,
                                                     view.model.company_id == world.ids["B"]).count()
        if link.target is User:  # a user of A who is not a member of B
            linked = db.session.query(view.model).filter(
                column == theirs_id, view.model.company_id == world.ids["B"]).count()
        assert linked == 0, f"{endpoint}: a record of B now points at A's {link.relation or link.column}"


# --- delete: archive what others point at; ids never reused --------------------

REFERENCED = [pytest.param(model, link, id=f"{link.target.__tablename__}-from-{model.__tablename__}")
              for model in MODELS for link in links_of(model)
              if link.target is not User and link.target is not model]


@pytest.mark.parametrize("model, link", REFERENCED)
def test_a_record_others_point_at_is_archived_not_deleted(app, world, model, link):
    with app.app_context():
        b, admin_b = world.company("B"), world.user("admin@b.test")
        target = make(link.target, b, admin_b)  # never edited: no history of its own
        pointing = make(model, b, admin_b, **{link.relation or link.column: target if link.relation else target.id})
        target_id, pointing_id = target.id, pointing.id
        with tenancy.acting_as(b, admin_b):
            assert delete_or_archive(db.session.get(link.target, target_id)) == "archived"
            db.session.commit()
        kept = snapshot(link.target, target_id)
        assert kept is not None and kept["archived_at"] is not None
        assert snapshot(model, pointing_id)[link.column] == target_id


@pytest.mark.parametrize("model", MODELS, ids=[m.__tablename__ for m in MODELS])
def test_ids_are_never_reused(app, world, model):
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        first = make(model, b, world.user("admin@b.test"))
        first_id = first.id
        with tenancy.acting_as(b, world.user("admin@b.test")):
            assert delete_or_archive(db.session.get(model, first_id)) == "deleted"
            db.session.commit()
        assert snapshot(model, first_id) is None
        after = make(model, a, world.user("admin@a.test"))
        assert after.id != first_id, f"{model.__name__}: A's new record took B's deleted id {first_id}"


def test_sqlite_enforces_foreign_keys_and_never_reuses_ids(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            assert db.engine.dialect.name == "postgresql"  # sequences: never reused
            return
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        tables = dict(db.session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key:
                assert "AUTOINCREMENT" in tables[table.name].upper(), f"{table.name}: ids may be reused"


# --- import columns ---------------------------------------------------------------

def _import_relations():
    from core.imports import CompanyRecord
    params = []
    for view in registered_views():
        schema = getattr(view.cls, "import_schema", None)
        for name, field in (schema().load_fields.items() if schema else ()):
            if isinstance(field, CompanyRecord):
                params.append(pytest.param(view.endpoint, name, id=f"{view.endpoint}-{name}"))
    return params


IMPORT_RELATIONS = _import_relations()


@pytest.mark.parametrize("endpoint, name", IMPORT_RELATIONS)
def test_an_import_column_never_finds_another_companys_record(app, world, endpoint, name):
    """A row of B's own record as the import would read it, its relation
    column given A's record's key: a row error on that column (control: B's
    own key loads)."""
    _check_import_column(app, world, endpoint, name)


def test_positive_control_an_unscoped_import_lookup_fails_the_case(app, world, monkeypatch):
    from core import imports
    monkeypatch.setattr(imports.cells.tenancy, "scoped_query", lambda model, company=None: db.session.query(model))
    endpoint, name = IMPORT_RELATIONS[0].values
    with pytest.raises(AssertionError, match="A's"):
        _check_import_column(app, world, endpoint, name)


def _check_import_column(app, world, endpoint, name):
    from core.imports import Table, check
    view = view_for(app, endpoint)
    with app.app_context():
        b, admin_b = world.company("B"), world.user("admin@b.test")
        mine = make(view.model, b, admin_b, relations=True)
        field = view.import_schema().load_fields[name]
        theirs = make(field.model, world.company("A"), world.user("admin@a.test"))
        with tenancy.acting_as(b, admin_b):
            schema = view.import_schema()
            row = {(f.data_key or n): v for n, f in schema.load_fields.items()
                   if (v := schema.dump(mine).get(f.data_key or n)) not in (None, "")}
            header = list(row)
            column = header.index(field.data_key or name)
            for key, expect_error in ((getattr(theirs, field.by), True), (row[header[column]], False)):
                cells = [str(row[h]) for h in header]
                cells[column] = str(key)
                checked = check(Table(header, [(2, cells)]), view.import_schema())
                errors = [e for e in checked.errors if e.field == name]
                assert bool(errors) == expect_error, (
                    f"{endpoint}: import column {name}={key!r} ({'A' if expect_error else 'B'}'s): {checked.errors}")


def test_import_relations_are_generated():
    assert IMPORT_RELATIONS, "no import column points at a company record: the case tests nothing"


def _tag_options(html):
    import re
    select = re.search(r'<select[^>]*name="tag"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', select)


def test_dropdowns_offer_no_archived_record_but_a_record_keeps_the_one_it_holds(app, world, client_for):
    from tests.fixtures import make_note
    from tests.plugins.notes.models import Note, Tag
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            kept, retired = Tag(name="在用标签"), Tag(name="停用标签")
            db.session.add_all([kept, retired])
            db.session.commit()
            kept_id, retired_id = kept.id, retired.id
    note = make_note(app, "A", title="旧便签", tag_id=retired_id, priority=2)
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            db.session.get(Tag, retired_id).archived_at = db.func.now()
            db.session.commit()
    staff = client_for("staff@a.test")
    # A new note can only pick the tag still in use.
    offered = _tag_options(staff.get("/admin/notes/note/new/").get_data(as_text=True))
    assert offered == [(str(kept_id), "在用标签")]
    # The note that holds the archived tag still shows it, selected, and saving
    # another field keeps it instead of failing with "Not a valid choice".
    page = staff.get(f"/admin/notes/note/edit/?id={note}").get_data(as_text=True)
    assert (str(retired_id), "停用标签") in _tag_options(page)
    assert f'selected value="{retired_id}"' in page or f'value="{retired_id}" selected' in page
    response = staff.post(f"/admin/notes/note/edit/?id={note}", {"title": "旧便签（已核对）", "priority": "2",
                                                                 "tag": str(retired_id), "record_version": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    with app.app_context():
        saved = db.session.get(Note, note)
        assert (saved.title, saved.tag_id) == ("旧便签（已核对）", retired_id)
    # Another note cannot be given the archived tag by posting its id (the
    # optional field reads a choice it does not offer as none); the tag in
    # use it can.
    other = make_note(app, "A", title="新便签", priority=2)
    for tag_id, expected in ((retired_id, None), (kept_id, kept_id)):
        with app.app_context():
            version = db.session.get(Note, other).version
        response = staff.post(f"/admin/notes/note/edit/?id={other}",
                              {"title": "新便签", "priority": "2", "tag": str(tag_id), "record_version": str(version)})
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
        with app.app_context():
            assert db.session.get(Note, other).tag_id == expected


def test_person_dropdowns_offer_active_members_only_but_keep_the_one_a_record_names(app, world, client_for):
    import re
    from tests.fixtures import set_user
    from plugins.crm.models import Customer
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            customer = Customer(code="KH1", name="西湖国宾馆", responsible=world.user("readonly@a.test"))
            db.session.add(customer)
            db.session.commit()
            pk, left = customer.id, world.user("readonly@a.test").id
    set_user(app, "readonly@a.test", active=False)  # the login is switched off

    def people(html):
        select = re.search(r'<select[^>]*name="responsible"[^>]*>(.*?)</select>', html, re.S).group(1)
        return re.findall(r'value="(\d+)"', select)
    staff = client_for("staff@a.test")
    offered = people(staff.get("/admin/crm/customer/new/").get_data(as_text=True))
    assert str(left) not in offered and len(offered) == 3  # admin, manager and staff of A
    assert str(left) in people(staff.get(f"/admin/crm/customer/edit/?id={pk}").get_data(as_text=True))
