"""Per-company role grants through the Permissions screen: the company's
override wins over the default, in that company only; the admin role keeps
the screens that undo a mistake; every change is audited."""
from __future__ import annotations

import html as htmllib
import re

import pytest

from tests.fixtures import make_note, set_user

PAGE = "/admin/permissions/"
NOTES = "/admin/notes/note/"


def form_of(client, module):
    """``(token, {checked grant values})`` of ``module``'s table as shown."""
    page = client.get(PAGE)
    assert page.status_code == 200, page.status_code
    text = page.get_data(as_text=True)
    match = re.search(rf'<form[^>]*id="grants-{module}".*?</form>', text, re.S)
    assert match, f"no table of {module}"
    form = match.group(0)
    token = re.search(r'name="token" value="([^"]*)"', form).group(1)
    checked = set()
    for tag in re.findall(r"<input[^>]*>", form):
        value = re.search(r'value="([^"]*)"', tag)
        if 'name="grant"' in tag and value and ("checked" in tag or 'type="hidden"' in tag):
            checked.add(htmllib.unescape(value.group(1)))
    return token, checked


def save(client, module, add=(), remove=(), **extra):
    token, checked = form_of(client, module)
    values = (checked | set(add)) - set(remove)
    return client.post(f"{PAGE}{module}/", {"token": token, "grant": sorted(values), **extra})


def overrides(app, code):
    from core.extensions import db
    from core.grants import RoleGrant
    from core.models import Company
    with app.app_context():
        rows = (db.session.query(RoleGrant).join(Company, Company.id == RoleGrant.company_id)
                .filter(Company.code == code))
        return {(g.permission, g.role): g.granted for g in rows}


def audit_of(app, code):
    from core.extensions import db
    from core.models import AuditEntry, Company
    with app.app_context():
        rows = (db.session.query(AuditEntry).join(Company, Company.id == AuditEntry.company_id)
                .filter(Company.code == code, AuditEntry.table_name == "role_grants").order_by(AuditEntry.id))
        return [(e.action, e.changes) for e in rows]


# --- the floor case ---------------------------------------------------------------

def test_revoking_staff_create_in_a_hides_create_in_a_only(world, client_for, app):
    admin = client_for("admin@a.test")
    # Positive control: staff of A creates by default.
    staff_a = client_for("staff@a.test")
    assert f"{NOTES}new/" in staff_a.get(NOTES).get_data(as_text=True)
    r = save(admin, "notes", remove={"notes.note.create|staff"})
    assert r.status_code == 302
    assert overrides(app, "A") == {("notes.note.create", "staff"): False}
    assert overrides(app, "B") == {}
    listing = staff_a.get(NOTES)
    assert listing.status_code == 200 and f"{NOTES}new/" not in listing.get_data(as_text=True)
    assert staff_a.get(f"{NOTES}new/").status_code == 403
    assert staff_a.post(f"{NOTES}new/", {"title": "refused", "priority": "1"}).status_code == 403
    # Editing is still granted (only create was revoked).
    note_id = make_note(app, title="kept")
    assert staff_a.get(f"{NOTES}edit/?id={note_id}").status_code == 200
    # Company B keeps the default, and its admin sees no change.
    assert "overridden" not in client_for("admin@b.test").get(PAGE).get_data(as_text=True)
    assert "overridden" in admin.get(PAGE).get_data(as_text=True)
    staff_b = client_for("staff@b.test")
    assert f"{NOTES}new/" in staff_b.get(NOTES).get_data(as_text=True)
    assert staff_b.post(f"{NOTES}new/", {"title": "made in B", "priority": "1"}).status_code == 302


def test_granting_beyond_the_default_in_a_only(world, client_for, app):
    note_a = make_note(app, "A", title="a note")
    note_b = make_note(app, "B", title="b note")
    readonly_a, readonly_b = client_for("readonly@a.test"), client_for("readonly@b.test")
    assert readonly_a.get(f"{NOTES}edit/?id={note_a}").status_code == 403  # control: the default
    r = save(client_for("admin@a.test"), "notes", add={"notes.note.write|readonly"})
    assert r.status_code == 302
    page = client_for("admin@a.test").get(PAGE).get_data(as_text=True)
    assert 'data-role="readonly" data-state="granted overridden"' in page
    assert readonly_a.get(f"{NOTES}edit/?id={note_a}").status_code == 200
    r = readonly_a.post(f"{NOTES}edit/?id={note_a}", {"title": "edited by readonly", "priority": "2", "body": "",
                                                          "record_version": "1"})
    assert r.status_code == 302
    assert readonly_b.get(f"{NOTES}edit/?id={note_b}").status_code == 403


def test_saving_the_default_again_removes_the_override(world, client_for, app):
    admin = client_for("admin@a.test")
    save(admin, "notes", remove={"notes.note.create|staff"})
    assert overrides(app, "A")
    save(admin, "notes", add={"notes.note.create|staff"})
    assert overrides(app, "A") == {}
    save(admin, "notes", add={"notes.note.delete|readonly"})
    token, _ = form_of(admin, "notes")
    r = admin.post(f"{PAGE}notes/", {"token": token, "reset": "1"})
    assert r.status_code == 302 and overrides(app, "A") == {}
    assert "the default grants hold again" in admin.get(PAGE).get_data(as_text=True)


# --- lock-out and bad input ---------------------------------------------------------

@pytest.mark.parametrize("name", ["core.grants.read", "core.grants.write", "core.module.read", "core.module.write"])
def test_admin_cannot_lose_the_screens_that_undo_it(world, client_for, app, name):
    admin = client_for("admin@a.test")
    r = save(admin, "core", remove={f"{name}|admin"}, )
    assert r.status_code == 302
    assert overrides(app, "A") == {} and audit_of(app, "A") == []
    page = admin.get(PAGE)
    assert page.status_code == 200 and "The admin role keeps" in page.get_data(as_text=True)
    assert admin.get("/admin/modules/").status_code == 200
    # Positive control: another core permission of the admin role can go.
    save(admin, "core", remove={"core.printjob.read|admin"})
    assert overrides(app, "A") == {("core.printjob.read", "admin"): False}


def test_a_stale_page_is_refused(world, client_for, app):
    admin = client_for("admin@a.test")
    token, checked = form_of(admin, "notes")
    save(admin, "notes", remove={"notes.note.create|staff"})  # someone else saves first
    r = admin.post(f"{PAGE}notes/", {"token": token, "grant": sorted(checked | {"notes.note.write|readonly"})})
    assert r.status_code == 302
    assert overrides(app, "A") == {("notes.note.create", "staff"): False}
    assert "Someone changed these permissions" in admin.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("value", ["crm.customer.read|staff", "notes.note.read|owner", "nonsense", "notes.note.read|"])
def test_a_cell_outside_the_table_changes_nothing(world, client_for, app, value):
    admin = client_for("admin@a.test")
    save(admin, "notes", add={value}, remove={"notes.note.create|staff"})
    assert overrides(app, "A") == {}
    assert "Not a permission of this module" in admin.get(PAGE).get_data(as_text=True)


def test_a_disabled_module_has_no_table(world, client_for, app):
    from core.plugin.modules import disable_module
    from tests.plugins import tasks  # noqa: F401  (the tasks plugin is loaded)
    with app.app_context():
        disable_module(world.company("A"), "tasks")
    admin = client_for("admin@a.test")
    assert 'id="grants-tasks"' not in admin.get(PAGE).get_data(as_text=True)
    assert 'id="grants-tasks"' in client_for("admin@b.test").get(PAGE).get_data(as_text=True)
    admin.post(f"{PAGE}tasks/", {"token": "", "grant": ["tasks.task.read|readonly"]})
    assert overrides(app, "A") == {}


# --- who sees it -------------------------------------------------------------------

@pytest.mark.parametrize("email", ["manager@a.test", "staff@a.test", "readonly@a.test"])
def test_only_company_admins_reach_the_screen(world, client_for, app, email):
    c = client_for(email)
    assert c.get(PAGE).status_code == 403
    token, _ = form_of(client_for("admin@a.test"), "notes")
    assert c.post(f"{PAGE}notes/", {"token": token, "grant": []}).status_code == 403
    assert overrides(app, "A") == {}


def test_a_granted_screen_permission_opens_the_screen(world, client_for, app):
    """The screen's own permissions follow the grants too (manager gets read)."""
    manager = client_for("manager@a.test")
    assert manager.get(PAGE).status_code == 403
    save(client_for("admin@a.test"), "core", add={"core.grants.read|manager"})
    page = manager.get(PAGE)
    assert page.status_code == 200 and "Reset to defaults" not in page.get_data(as_text=True)
    assert client_for("manager@b.test").get(PAGE).status_code == 403


def test_system_admin_sees_the_current_company(world, client_for, app):
    set_user(app, "staff@a.test", is_system_admin=True)
    c = client_for("staff@a.test")
    assert c.get(PAGE).status_code == 200
    r = save(c, "notes", add={"notes.note.delete|staff"})
    assert r.status_code == 302
    assert overrides(app, "A") == {("notes.note.delete", "staff"): True} and overrides(app, "B") == {}


# --- audit and undeclared permissions -----------------------------------------------

def test_changes_are_audited_and_read_well(world, client_for, app):
    admin = client_for("admin@a.test")
    save(admin, "notes", remove={"notes.note.create|staff"})
    save(admin, "notes", add={"notes.note.create|staff"})
    entries = audit_of(app, "A")
    assert [a for a, _ in entries] == ["create", "delete"]
    assert entries[0][1]["permission"] == [None, "notes.note.create"]
    assert entries[0][1]["granted"] == [None, False]
    log = admin.get("/admin/core/audit/").get_data(as_text=True)
    assert "<b>Note: create</b> · staff: revoked" in log  # the entity notes.note labels it
    assert "back to the default" in log
    zh = admin.get("/admin/core/audit/", headers={"Accept-Language": "zh-CN"})
    assert audit_of(app, "B") == []
    assert zh.status_code == 200


def test_an_override_of_an_undeclared_permission_is_ignored(world, client_for, app):
    from core.extensions import db
    from core.grants import RoleGrant
    from core.records import tenancy
    from core.records.permissions import has_permission
    with app.app_context():
        company, staff = world.company("A"), world.user("staff@a.test")
        with tenancy.acting_as(company, staff):
            db.session.add(RoleGrant(permission="notes.gone.read", role="staff", granted=True))
            db.session.add(RoleGrant(permission="notes.note.read", role="owner", granted=True))
            db.session.commit()
            assert not has_permission("notes.gone.read", staff, company)
            assert has_permission("notes.note.read", staff, company)  # the rest holds
    admin = client_for("admin@a.test")
    page = admin.get(PAGE)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "notes.gone.read · staff" in text and "notes.note.read · owner" in text
    # Saving the module's table keeps going; reset removes the strays too.
    assert save(admin, "notes", remove={"notes.note.create|staff"}).status_code == 302
    assert overrides(app, "A")[("notes.note.create", "staff")] is False
    token, _ = form_of(admin, "notes")
    admin.post(f"{PAGE}notes/", {"token": token, "reset": "1"})
    assert overrides(app, "A") == {}


def test_grants_are_read_once_per_request(world, client_for, app):
    """Many checks, one query of the overrides."""
    from sqlalchemy import event

    from core.extensions import db
    from core.records import tenancy
    from core.records.permissions import has_permission
    save(client_for("admin@a.test"), "notes", remove={"notes.note.create|staff"})
    with app.app_context():
        company, staff = world.company("A"), world.user("staff@a.test")
        staff.memberships  # noqa: B018  (loaded before counting)
        tenancy.enabled_modules(company)
        seen = []
        listener = lambda *a, **k: seen.append(a[2]) if "role_grants" in a[2] else None  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            results = [has_permission("notes.note.create", staff, company) for _ in range(50)]
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert results == [False] * 50
        assert len(seen) == 1
