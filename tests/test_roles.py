"""Role matrix, module administration, system screens and CSRF, through the UI."""
from __future__ import annotations

import pytest

from tests.fixtures import Client, make_note, set_user

NOTES = "/admin/notes/note/"
TASKS = "/admin/tasks/task/"


# --- helpers ----------------------------------------------------------------

def note(app, note_id):
    """``(title, pinned, archived_at)`` of a note, or None when it is gone."""
    from core.extensions import db
    from tests.plugins.notes.models import Note
    with app.app_context():
        n = db.session.get(Note, note_id)
        return None if n is None else (n.title, n.pinned, n.archived_at)


def note_titles(app):
    from core.extensions import db
    from tests.plugins.notes.models import Note
    with app.app_context():
        return sorted(t for (t,) in db.session.query(Note.title))


def modules_of(app, code):
    """``{module: enabled}`` of company ``code``."""
    from core.extensions import db
    from core.models import Company, CompanyModule
    with app.app_context():
        rows = (db.session.query(CompanyModule.module, CompanyModule.enabled)
                .join(Company, Company.id == CompanyModule.company_id).filter(Company.code == code))
        return {m: bool(e) for m, e in rows}


def company_codes(app):
    from core.extensions import db
    from core.models import Company
    with app.app_context():
        return sorted(c for (c,) in db.session.query(Company.code))


def edit_data(title, priority="3"):
    return {"title": title, "priority": priority, "body": ""}


# --- the default grants --------------------------------------------------------

MATRIX = {
    "admin": {"notes.note.read", "notes.note.create", "notes.note.write", "notes.note.delete",
              "tasks.task.read", "core.module.read", "core.module.write", "core.audit.read"},
    "manager": {"notes.note.read", "notes.note.create", "notes.note.write", "notes.note.delete",
                "tasks.task.read", "core.audit.read"},
    "staff": {"notes.note.read", "notes.note.create", "notes.note.write", "tasks.task.read"},
    "readonly": {"notes.note.read"},
}
CHECKED = sorted(set().union(*MATRIX.values()) | {"notes.note.nonsense", "core.company.write"})


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_permission_matrix(world, ctx, role):
    from core.records.permissions import has_permission
    user, a, b = world.user(f"{role}@a.test"), world.company("A"), world.company("B")
    held = {name for name in CHECKED if has_permission(name, user=user, company=a)}
    assert held == MATRIX[role]
    # Nothing at all in a company the user is not a member of.
    assert not [name for name in CHECKED if has_permission(name, user=user, company=b)]


# --- read-only users ----------------------------------------------------------

def test_readonly_reads_notes_but_sees_no_create_link(world, client_for, app):
    make_note(app, title="visible to all")
    c = client_for("readonly@a.test")
    r = c.get(NOTES)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "visible to all" in html
    assert "/admin/notes/note/new/" not in html
    # Staff, by contrast, gets the link (so the check above can fail).
    staff = client_for("staff@a.test").get(NOTES).get_data(as_text=True)
    assert "/admin/notes/note/new/" in staff


def test_readonly_cannot_create_a_note(world, client_for, app):
    c = client_for("readonly@a.test")
    assert c.get(NOTES + "new/").status_code == 403
    r = c.post(NOTES + "new/", {"title": "sneaky", "priority": "1"})
    assert r.status_code == 403
    assert note_titles(app) == []


def test_readonly_cannot_edit_a_note(world, client_for, app):
    nid = make_note(app, title="original")
    c = client_for("readonly@a.test")
    assert c.get(f"{NOTES}edit/?id={nid}").status_code == 403
    r = c.post(f"{NOTES}edit/?id={nid}", {**edit_data("changed"), "record_version": "1"})
    assert r.status_code == 403
    assert note(app, nid)[0] == "original"


def test_readonly_cannot_delete_a_note(world, client_for, app):
    nid = make_note(app, title="keep me")
    c = client_for("readonly@a.test")
    r = c.post(NOTES + "delete/", {"id": str(nid)})
    assert r.status_code == 403
    assert note(app, nid) is not None


def test_readonly_bulk_actions_are_not_performed(world, client_for, app):
    nid = make_note(app, title="unpinned", pinned=False)
    c = client_for("readonly@a.test")
    c.post(NOTES + "action/", {"action": "pin", "rowid": str(nid)})
    c.post(NOTES + "action/", {"action": "delete", "rowid": str(nid)})
    assert note(app, nid) == ("unpinned", False, None)


def test_readonly_has_no_tasks(world, client_for, app):
    c = client_for("readonly@a.test")
    assert c.get(TASKS).status_code in (403, 404)
    assert c.get(TASKS + "new/").status_code in (403, 404)
    home = c.get("/admin/").get_data(as_text=True)
    assert TASKS not in home
    assert NOTES in home  # the menu itself is there
    # Staff does see the tasks menu.
    assert TASKS in client_for("staff@a.test").get("/admin/").get_data(as_text=True)


# --- staff and manager --------------------------------------------------------

def test_staff_creates_and_edits_but_cannot_delete(world, client_for, app):
    c = client_for("staff@a.test")
    r = c.post(NOTES + "new/", {"title": "by staff", "priority": "2"})
    assert r.status_code == 302
    assert note_titles(app) == ["by staff"]
    from core.extensions import db
    from tests.plugins.notes.models import Note
    with app.app_context():
        nid = db.session.query(Note.id).filter_by(title="by staff").scalar()
    r = c.post(f"{NOTES}edit/?id={nid}", {**edit_data("edited by staff", "2"), "record_version": "1"})
    assert r.status_code == 302
    assert note(app, nid)[0] == "edited by staff"

    list_html = c.get(NOTES).get_data(as_text=True)
    assert "/admin/notes/note/delete/" not in list_html
    assert c.post(NOTES + "delete/", {"id": str(nid)}).status_code == 403
    c.post(NOTES + "action/", {"action": "delete", "rowid": str(nid)})
    assert note(app, nid) is not None


def test_manager_can_delete(world, client_for, app):
    nid = make_note(app, title="to delete")
    c = client_for("manager@a.test")
    r = c.post(NOTES + "delete/", {"id": str(nid)})
    assert r.status_code == 302
    assert note(app, nid) is None


def test_staff_bulk_pin_is_performed(world, client_for, app):
    nid = make_note(app, title="pin me")
    c = client_for("staff@a.test")
    c.post(NOTES + "action/", {"action": "pin", "rowid": str(nid)})
    assert note(app, nid)[1] is True


# --- the Modules screen ---------------------------------------------------------

def test_staff_cannot_open_or_change_modules(world, client_for, app):
    before = modules_of(app, "A")
    c = client_for("staff@a.test")
    assert c.get("/admin/modules/").status_code == 403
    assert c.post("/admin/modules/tasks/disable").status_code == 403
    assert modules_of(app, "A") == before
    from core.extensions import db
    from core.models import Company, CompanyModule
    with app.app_context():
        a = db.session.query(Company).filter_by(code="A").one()
        db.session.query(CompanyModule).filter_by(company_id=a.id, module="tasks").one().enabled = False
        db.session.commit()
    assert c.post("/admin/modules/tasks/enable").status_code == 403
    assert modules_of(app, "A")["tasks"] is False


def test_manager_cannot_change_modules(world, client_for, app):
    c = client_for("manager@a.test")
    assert c.get("/admin/modules/").status_code == 403
    assert c.post("/admin/modules/tasks/disable").status_code == 403
    assert modules_of(app, "A")["tasks"] is True


def test_module_write_is_checked_apart_from_read(world, client_for, app, monkeypatch):
    """A role that may see the Modules screen but not change it (read granted
    to managers here) gets no buttons and 403 on the POSTs."""
    from core.records.permissions import Permission
    perms = app.extensions["qdesk.permissions"].by_name
    monkeypatch.setitem(perms, "core.module.read",
                        Permission("core.module.read", frozenset({"admin", "manager"})))
    c = client_for("manager@a.test")
    page = c.get("/admin/modules/")
    assert page.status_code == 200
    assert "/admin/modules/tasks/disable" not in page.get_data(as_text=True)
    assert c.post("/admin/modules/tasks/disable").status_code == 403
    assert modules_of(app, "A")["tasks"] is True
    assert "/admin/modules/tasks/disable" in client_for("admin@a.test").get("/admin/modules/").get_data(as_text=True)


def test_admin_enables_and_disables_in_own_company(world, client_for, app):
    c = client_for("admin@a.test")
    page = c.get("/admin/modules/")
    assert page.status_code == 200
    assert 'data-module="tasks"' in page.get_data(as_text=True)

    r = c.post("/admin/modules/tasks/disable")
    assert r.status_code == 302
    assert modules_of(app, "A")["tasks"] is False
    assert modules_of(app, "B")["tasks"] is True
    # Disabled for A: A's staff gets 404, B's staff still works.
    assert client_for("staff@a.test").get(TASKS).status_code == 404
    assert client_for("staff@b.test").get(TASKS).status_code == 200

    r = c.post("/admin/modules/tasks/enable")
    assert r.status_code == 302
    assert modules_of(app, "A")["tasks"] is True
    assert client_for("staff@a.test").get(TASKS).status_code == 200


def test_admin_cannot_disable_a_module_others_depend_on(world, client_for, app):
    c = client_for("admin@a.test")
    r = c.post("/admin/modules/notes/disable", follow_redirects=True)
    assert "tasks" in r.get_data(as_text=True)
    assert modules_of(app, "A")["notes"] is True


def test_admin_of_a_cannot_manage_b(world, client_for, app):
    before_b = modules_of(app, "B")
    c = client_for("admin@a.test")
    r = c.switch(world.ids["B"])
    assert r.status_code == 302
    with c.http.session_transaction() as s:
        assert s["company_id"] == world.ids["A"]
    page = c.get("/admin/modules/").get_data(as_text=True)
    assert "Company A" in page and "Company B" not in page

    # Whatever they post, only A changes.
    c.post("/admin/modules/tasks/disable", {"company_id": str(world.ids["B"])})
    assert modules_of(app, "A")["tasks"] is False
    assert modules_of(app, "B") == before_b

    # A forged session company falls back to A as well.
    with c.http.session_transaction() as s:
        s["company_id"] = world.ids["B"]
    c.post("/admin/modules/tasks/enable")
    assert modules_of(app, "A")["tasks"] is True
    assert modules_of(app, "B") == before_b
    c.post("/admin/modules/tasks/disable")
    assert modules_of(app, "B") == before_b


# --- system screens -------------------------------------------------------------

@pytest.mark.parametrize("email", ["admin@a.test", "manager@a.test", "staff@a.test", "readonly@a.test"])
def test_non_system_admins_get_403_on_system_screens(world, client_for, app, email):
    c = client_for(email)
    assert c.get("/admin/system/companies/").status_code == 403
    assert c.get("/admin/system/users/").status_code == 403
    assert c.get("/admin/system/companies/new/").status_code == 403
    r = c.post("/admin/system/companies/new/", {"code": "X", "name": "Company X", "active": "y"})
    assert r.status_code == 403
    assert company_codes(app) == ["A", "B"]


def test_system_admin_creates_a_company(world, client_for, app):
    set_user(app, "admin@a.test", is_system_admin=True)
    c = client_for("admin@a.test")
    assert c.get("/admin/system/companies/").status_code == 200
    assert c.get("/admin/system/users/").status_code == 200
    r = c.post("/admin/system/companies/new/", {"code": "C", "name": "Company C", "province": "江苏",
                                                "active": "y"})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    assert company_codes(app) == ["A", "B", "C"]
    assert "Company C" in c.get("/admin/system/companies/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/", NOTES, NOTES + "new/", TASKS, "/admin/modules/",
                                 "/admin/core/audit/", "/admin/system/companies/",
                                 "/admin/system/users/"])
def test_anonymous_is_sent_to_login(world, app, url):
    r = app.test_client().get(url)
    assert r.status_code == 302
    assert r.headers["Location"].split("?")[0].endswith("/login")


# --- CSRF ---------------------------------------------------------------------------

def test_create_note_without_or_with_wrong_csrf_is_refused(world, client_for, app):
    c = client_for("staff@a.test")
    assert c.post(NOTES + "new/", {"title": "no token", "priority": "1"}, csrf=False).status_code == 400
    assert c.post(NOTES + "new/", {"title": "bad token", "priority": "1", "csrf_token": "forged"},
                  csrf=False).status_code == 400
    assert note_titles(app) == []
    # The same request with the token goes through.
    assert c.post(NOTES + "new/", {"title": "good", "priority": "1"}).status_code == 302
    assert note_titles(app) == ["good"]


def test_edit_and_delete_without_csrf_are_refused(world, client_for, app):
    nid = make_note(app, title="stays")
    c = client_for("manager@a.test")
    r = c.post(f"{NOTES}edit/?id={nid}", {**edit_data("changed"), "record_version": "1"}, csrf=False)
    assert r.status_code == 400
    assert c.post(NOTES + "delete/", {"id": str(nid)}, csrf=False).status_code == 400
    assert c.post(NOTES + "action/", {"action": "pin", "rowid": str(nid)}, csrf=False).status_code == 400
    assert note(app, nid) == ("stays", False, None)


def test_module_changes_without_csrf_are_refused(world, client_for, app):
    c = client_for("admin@a.test")
    assert c.post("/admin/modules/tasks/disable", csrf=False).status_code == 400
    assert c.post("/admin/modules/tasks/disable", {"csrf_token": "forged"}, csrf=False).status_code == 400
    assert modules_of(app, "A")["tasks"] is True
    assert c.post("/admin/modules/tasks/disable").status_code == 302
    assert c.post("/admin/modules/tasks/enable", csrf=False).status_code == 400
    assert modules_of(app, "A")["tasks"] is False


def test_switch_company_without_csrf_is_refused(world, client_for, app):
    from core.extensions import db
    from core.models import Membership
    with app.app_context():
        user = world.user("staff@a.test")
        user.memberships.append(Membership(company_id=world.ids["B"], role="staff"))
        db.session.commit()
    c = client_for("staff@a.test")
    c.get("/admin/")
    assert c.post("/switch-company", {"company_id": world.ids["B"]}, csrf=False).status_code == 400
    assert c.post("/switch-company", {"company_id": world.ids["B"], "csrf_token": "forged"},
                  csrf=False).status_code == 400
    with c.http.session_transaction() as s:
        assert s["company_id"] == world.ids["A"]


def test_logout_without_csrf_is_refused(world, client_for, app):
    c = client_for("staff@a.test")
    assert c.post("/logout", csrf=False).status_code == 400
    assert c.post("/logout", {"csrf_token": "forged"}, csrf=False).status_code == 400
    assert c.get("/admin/").status_code == 200  # still logged in
    assert c.post("/logout").status_code == 302
    assert c.get("/admin/").status_code == 302


def test_login_without_csrf_is_refused(world, app):
    from tests.fixtures import PASSWORD
    c = Client(app)
    c.get("/login")
    r = c.http.post("/login", data={"email": "staff@a.test", "password": PASSWORD})
    assert r.status_code == 400
    r = c.http.post("/login", data={"email": "staff@a.test", "password": PASSWORD, "csrf_token": "x"})
    assert r.status_code == 400
    with c.http.session_transaction() as s:
        assert "user_id" not in s
    assert c.get("/admin/").status_code == 302
