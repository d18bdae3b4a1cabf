"""Records: optimistic locking, audit trail, archive instead of delete."""
from __future__ import annotations

import html as htmllib
import re

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tests.fixtures import make_note

NOTES = "/admin/notes/note/"
AUDIT = "/admin/core/audit/"
VERSION = re.compile(r'<input[^>]*name="record_version"[^>]*>')


# --- helpers ----------------------------------------------------------------

def load_note(app, note_id):
    """A detached snapshot ``dict`` of the note, or None when it is gone."""
    from core.extensions import db
    from tests.plugins.notes.models import Note
    with app.app_context():
        n = db.session.get(Note, note_id)
        if n is None:
            return None
        return dict(title=n.title, body=n.body, priority=n.priority, version=n.version,
                    archived_at=n.archived_at, company_id=n.company_id)


def note_id_by_title(app, title):
    from core.extensions import db
    from tests.plugins.notes.models import Note
    with app.app_context():
        return db.session.query(Note.id).filter_by(title=title).scalar()


def audit_of(app, note_id):
    """``[(action, changes, user e-mail, company_id)]`` of a note, oldest first."""
    from core.extensions import db
    from core.models import AuditEntry
    with app.app_context():
        rows = (db.session.query(AuditEntry)
                .filter_by(table_name="notes_note", record_id=note_id)
                .order_by(AuditEntry.id).all())
        return [(e.action, e.changes, e.user.email if e.user else None, e.company_id) for e in rows]


def record_version(page_html):
    """The hidden ``record_version`` value of an edit form."""
    tag = VERSION.search(page_html)
    assert tag, "no record_version field in the edit form"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    assert value, tag.group(0)
    return value.group(1)


def flashes(page_html):
    return htmllib.unescape(page_html)


def form(title, priority="3", body="", version=None):
    data = {"title": title, "priority": priority, "body": body}
    if version is not None:
        data["record_version"] = version
    return data


# --- optimistic locking: the UI -------------------------------------------------

def test_edit_form_carries_the_version(world, client_for, app):
    nid = make_note(app, title="v")
    c = client_for("staff@a.test")
    assert record_version(c.get(f"{NOTES}edit/?id={nid}").get_data(as_text=True)) == "1"
    assert c.post(f"{NOTES}edit/?id={nid}", form("v2", version="1")).status_code == 302
    assert load_note(app, nid)["version"] == 2
    assert record_version(c.get(f"{NOTES}edit/?id={nid}").get_data(as_text=True)) == "2"


def test_second_save_of_a_stale_form_gets_a_conflict(world, client_for, app):
    from admin.views import conflict_message
    nid = make_note(app, title="shared", priority=3)
    first, second = client_for("staff@a.test"), client_for("manager@a.test")
    v1 = record_version(first.get(f"{NOTES}edit/?id={nid}").get_data(as_text=True))
    v2 = record_version(second.get(f"{NOTES}edit/?id={nid}").get_data(as_text=True))
    assert v1 == v2 == "1"

    r = first.post(f"{NOTES}edit/?id={nid}", form("first wins", "1", version=v1))
    assert r.status_code == 302
    assert load_note(app, nid)["title"] == "first wins"

    r = second.post(f"{NOTES}edit/?id={nid}", form("second loses", "5", body="x", version=v2))
    page = flashes(r.get_data(as_text=True))
    assert r.status_code == 200  # the form again, not a redirect to the list
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert conflict_message(2) in page
    saved = load_note(app, nid)
    assert (saved["title"], saved["priority"], saved["version"]) == ("first wins", 1, 2)
    assert not saved["body"]
    # No audit entry for the refused save.
    assert [a for a, *_ in audit_of(app, nid)] == ["create", "update"]

    # After reopening, the second user can save on top of the first's change.
    v3 = record_version(second.get(f"{NOTES}edit/?id={nid}").get_data(as_text=True))
    assert v3 == "2"
    assert second.post(f"{NOTES}edit/?id={nid}", form("second, reopened", "5", version=v3)).status_code == 302
    assert load_note(app, nid)["title"] == "second, reopened"


def test_stale_data_error_in_a_save_shows_the_conflict(world, client_for, app, monkeypatch):
    """The race between the version check and the UPDATE ends in StaleDataError;
    the view turns it into the conflict message and saves nothing."""
    from admin.views import CompanyModelView
    from core.extensions import db
    from tests.plugins.notes.models import Note
    nid = make_note(app, title="raced")
    c = client_for("staff@a.test")
    page = c.get(f"{NOTES}edit/?id={nid}").get_data(as_text=True)
    version = record_version(page)
    original = CompanyModelView.update_model

    def racing_update(self, form_, model):
        # Someone else commits between the check and our UPDATE.
        db.session.execute(update(Note).where(Note.id == model.id)
                           .values(title="other", version=Note.version + 1)
                           .execution_options(synchronize_session=False))
        return original(self, form_, model)

    monkeypatch.setattr(CompanyModelView, "update_model", racing_update)
    r = c.post(f"{NOTES}edit/?id={nid}", form("mine", version=version))
    assert r.status_code == 200
    assert "changed by someone else" in flashes(r.get_data(as_text=True))
    saved = load_note(app, nid)
    assert saved["title"] != "mine"


# --- optimistic locking: the database ---------------------------------------------

def test_stale_object_update_raises_stale_data_error(world, ctx):
    from core.records import tenancy
    from core.extensions import db
    from tests.plugins.notes.models import Note
    company, user = world.company("A"), world.user("staff@a.test")
    with tenancy.acting_as(company, user):
        note = Note(title="base")
        db.session.add(note)
        db.session.commit()
        nid = note.id

        other = Session(db.engine)
        try:
            theirs = other.get(Note, nid)
            assert theirs.version == 1
            mine = db.session.get(Note, nid)
            mine.title = "mine"
            db.session.commit()
            assert mine.version == 2

            theirs.title = "theirs"
            with pytest.raises(StaleDataError):
                other.commit()
            other.rollback()
        finally:
            other.close()

        db.session.expire_all()
        fresh = db.session.get(Note, nid)
        assert (fresh.title, fresh.version) == ("mine", 2)


def test_version_bumped_behind_our_back_raises_stale_data_error(world, ctx):
    from core.records import tenancy
    from core.extensions import db
    from tests.plugins.notes.models import Note
    with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        note = Note(title="base")
        db.session.add(note)
        db.session.commit()
        assert note.version == 1
        with db.engine.begin() as conn:
            conn.execute(update(Note).where(Note.id == note.id).values(version=2, title="elsewhere"))
        note.title = "overwrite?"  # the session still believes version 1
        with pytest.raises(StaleDataError):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(Note, note.id).title == "elsewhere"


# --- audit ------------------------------------------------------------------------

def create_and_edit_via_ui(client_for, app, title="audited", new_title="audited v2"):
    c = client_for("staff@a.test")
    assert c.post(NOTES + "new/", form(title, "2", body="first body")).status_code == 302
    nid = note_id_by_title(app, title)
    assert nid is not None
    version = record_version(c.get(f"{NOTES}edit/?id={nid}").get_data(as_text=True))
    r = c.post(f"{NOTES}edit/?id={nid}", form(new_title, "4", body="first body", version=version))
    assert r.status_code == 302
    return c, nid


def test_ui_changes_write_audit_entries_with_old_and_new(world, client_for, app):
    _, nid = create_and_edit_via_ui(client_for, app)
    entries = audit_of(app, nid)
    assert [a for a, *_ in entries] == ["create", "update"]
    (_, created, who1, company1), (_, updated, who2, company2) = entries
    assert created["title"] == [None, "audited"]
    assert created["priority"] == [None, 2]
    assert created["body"] == [None, "first body"]
    assert updated == {"title": ["audited", "audited v2"], "priority": [2, 4]}
    assert who1 == who2 == "staff@a.test"
    assert company1 == company2 == world.ids["A"]
    # System columns are never reported as changes.
    for changes in (created, updated):
        assert not {"version", "company_id", "updated_at", "updated_by_id"} & set(changes)


def test_details_page_shows_the_history(world, client_for, app):
    c, nid = create_and_edit_via_ui(client_for, app)
    page = c.get(f"{NOTES}details/?id={nid}").get_data(as_text=True)
    assert 'id="audit-log"' in page
    table = page[page.index('id="audit-log"'):]
    table = table[:table.index("</table>")]
    assert "audited → audited v2" in table
    assert "2 → 4" in table
    assert "changed" in table and "created" in table
    assert "staff A" in table  # who


def test_details_page_without_changes_has_no_update_rows(world, client_for, app):
    nid = make_note(app, title="untouched")
    page = client_for("readonly@a.test").get(f"{NOTES}details/?id={nid}").get_data(as_text=True)
    table = page[page.index('id="audit-log"'):] if 'id="audit-log"' in page else ""
    assert "→ untouched" in table
    assert ">changed<" not in table


def test_audit_log_screen_lists_own_company_only(world, client_for, app):
    _, nid = create_and_edit_via_ui(client_for, app, title="A-visible", new_title="A-visible-2")
    b_note = make_note(app, "B", title="B-secret")
    assert audit_of(app, b_note)[0][3] == world.ids["B"]

    page = client_for("admin@a.test").get(AUDIT)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "A-visible-2" in html
    assert "Title" in html, "the audit log shows the screen's field labels"
    assert "B-secret" not in html

    page_b = client_for("admin@b.test").get(AUDIT).get_data(as_text=True)
    assert "B-secret" in page_b
    assert "A-visible" not in page_b
    # Managers read it too.
    assert client_for("manager@a.test").get(AUDIT).status_code == 200


def test_audit_entry_of_another_company_is_404(world, client_for, app):
    from core.extensions import db
    from core.models import AuditEntry
    b_note = make_note(app, "B", title="B-secret")
    with app.app_context():
        entry_id = db.session.query(AuditEntry.id).filter_by(record_id=b_note,
                                                             table_name="notes_note").scalar()
    r = client_for("admin@a.test").get(f"{AUDIT}details/?id={entry_id}")
    assert r.status_code in (302, 404)
    assert "B-secret" not in r.get_data(as_text=True)


@pytest.mark.parametrize("email", ["staff@a.test", "readonly@a.test"])
def test_staff_cannot_read_the_audit_log(world, client_for, app, email):
    make_note(app, title="secret history")
    r = client_for(email).get(AUDIT)
    assert r.status_code == 403
    assert AUDIT not in client_for(email).get("/admin/").get_data(as_text=True)


# --- archive instead of delete ------------------------------------------------------

def test_deleting_a_note_with_history_archives_it(world, client_for, app):
    _, nid = create_and_edit_via_ui(client_for, app, title="has history", new_title="edited once")
    manager = client_for("manager@a.test")
    r = manager.post(NOTES + "delete/", {"id": str(nid)}, follow_redirects=True)
    assert r.status_code == 200
    assert "was archived, not deleted" in r.get_data(as_text=True)
    saved = load_note(app, nid)
    assert saved is not None, "a record with history must not be deleted"
    assert saved["archived_at"] is not None
    assert [a for a, *_ in audit_of(app, nid)] == ["create", "update", "archive"]

    assert "edited once" not in manager.get(NOTES).get_data(as_text=True)
    archived = manager.get(NOTES + "?archived=1").get_data(as_text=True)
    assert "edited once" in archived
    # Still reachable by id inside the company.
    assert manager.get(f"{NOTES}details/?id={nid}").status_code == 200

    # Restore undoes an archive: it needs the delete permission (staff: 403, nothing changes).
    staff = client_for("staff@a.test")
    r = staff.post(NOTES + "action/?archived=1", {"action": "restore", "rowid": str(nid)})
    assert r.status_code == 403
    assert load_note(app, nid)["archived_at"] is not None
    r = manager.post(NOTES + "action/?archived=1", {"action": "restore", "rowid": str(nid)})
    assert r.status_code == 302
    assert load_note(app, nid)["archived_at"] is None
    assert "edited once" in manager.get(NOTES).get_data(as_text=True)
    assert audit_of(app, nid)[-1][0] == "restore"


def test_readonly_cannot_restore(world, client_for, app):
    _, nid = create_and_edit_via_ui(client_for, app, title="h", new_title="h2")
    client_for("manager@a.test").post(NOTES + "delete/", {"id": str(nid)})
    assert load_note(app, nid)["archived_at"] is not None
    client_for("readonly@a.test").post(NOTES + "action/", {"action": "restore", "rowid": str(nid)})
    assert load_note(app, nid)["archived_at"] is not None


def test_restore_ignores_other_companies_ids(world, client_for, app):
    from core.records import tenancy
    from core.extensions import db
    from core.models import utcnow
    from tests.plugins.notes.models import Note
    b_note = make_note(app, "B", title="B archived")
    with app.app_context():
        with tenancy.acting_as(world.company("B"), world.user("staff@b.test")):
            db.session.get(Note, b_note).archived_at = utcnow()
            db.session.commit()
    client_for("staff@a.test").post(NOTES + "action/", {"action": "restore", "rowid": str(b_note)})
    assert load_note(app, b_note)["archived_at"] is not None


def test_deleting_a_never_edited_note_deletes_it(world, client_for, app):
    c = client_for("manager@a.test")
    assert c.post(NOTES + "new/", form("fresh", "2")).status_code == 302
    nid = note_id_by_title(app, "fresh")
    r = c.post(NOTES + "delete/", {"id": str(nid)})
    assert r.status_code == 302
    assert load_note(app, nid) is None
    assert [a for a, *_ in audit_of(app, nid)] == ["create", "delete"]
    assert "fresh" not in c.get(NOTES + "?archived=1").get_data(as_text=True)


def test_an_entity_protected_from_a_field_it_does_not_have_stops_the_start():
    from core.records.entities import Entity
    from tests.plugins.notes.models import Note
    with pytest.raises(ValueError, match="protected_from names accused, which Note does not have"):
        Entity("notes.other", Note, "便签", "Note", protected_from=("accused",))
    with pytest.raises(ValueError, match="protected_from must be a tuple of field names"):
        Entity("notes.other", Note, "便签", "Note", protected_from="created_by_id")
    assert Entity("notes.other", Note, "便签", "Note",
                  protected_from=["created_by_id"]).protected_from == ("created_by_id",)
