"""Login, throttling, logout, redirects after login, the company switcher."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from tests.fixtures import PASSWORD, Client, make_note, set_user

NOTES = "/admin/notes/note/"


# --- helpers ----------------------------------------------------------------

def session_of(client):
    with client.http.session_transaction() as s:
        return dict(s)


def user_state(app, email):
    from core.extensions import db
    from core.models import User
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        return dict(failed_logins=user.failed_logins, locked_until=user.locked_until,
                    last_login_at=user.last_login_at, password_hash=user.password_hash)


def add_membership(app, email, code, role):
    from core.extensions import db
    from core.models import Company, Membership, User
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        company = db.session.query(Company).filter_by(code=code).one()
        db.session.add(Membership(user=user, company=company, role=role))
        db.session.commit()


def is_logged_in(client):
    r = client.get("/admin/")
    return r.status_code == 200


# --- passwords and login ----------------------------------------------------------

def test_password_hashes_are_scrypt(world, ctx):
    from core.records.security import hash_password
    user = world.user("staff@a.test")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert hash_password(PASSWORD) != hash_password(PASSWORD)  # salted
    with pytest.raises(ValueError):
        hash_password("short")


def test_right_password_logs_in(world, app):
    c = Client(app)
    r = c.login("staff@a.test")
    assert r.status_code == 302
    assert session_of(c)["user_id"] == user_id(app, "staff@a.test")
    assert is_logged_in(c)
    assert user_state(app, "staff@a.test")["last_login_at"] is not None


def user_id(app, email):
    from core.extensions import db
    from core.models import User
    with app.app_context():
        return db.session.query(User.id).filter_by(email=email).scalar()


@pytest.mark.parametrize("email, password", [("staff@a.test", "wrong-password"),
                                             ("nobody@a.test", PASSWORD),
                                             ("staff@a.test", "")])
def test_wrong_credentials_give_401_and_no_session(world, app, email, password):
    c = Client(app)
    r = c.login(email, password)
    assert r.status_code == 401
    assert "Wrong e-mail or password." in r.get_data(as_text=True)
    assert "user_id" not in session_of(c)
    assert not is_logged_in(c)


def test_email_is_case_insensitive(world, app):
    assert Client(app).login("  Staff@A.test ").status_code == 302


def test_five_failures_lock_the_account(world, app):
    c = Client(app)
    for _ in range(4):
        assert c.login("staff@a.test", "wrong-password").status_code == 401
    assert user_state(app, "staff@a.test")["locked_until"] is None
    assert c.login("staff@a.test", PASSWORD).status_code == 302  # 4 failures: not locked yet
    assert user_state(app, "staff@a.test")["failed_logins"] == 0  # a success resets the count

    c = Client(app)
    for _ in range(5):
        assert c.login("staff@a.test", "wrong-password").status_code == 401
    assert user_state(app, "staff@a.test")["locked_until"] is not None
    r = c.login("staff@a.test", PASSWORD)
    assert r.status_code == 401
    text = r.get_data(as_text=True)
    assert "Too many failed logins" in text
    assert "Try again in 15 minute(s)" in text
    assert "user_id" not in session_of(c)
    assert not is_logged_in(c)
    # Other accounts are not affected.
    assert Client(app).login("manager@a.test").status_code == 302


def test_lock_expires(world, app):
    from core.models import utcnow
    c = Client(app)
    for _ in range(5):
        c.login("staff@a.test", "wrong-password")
    assert c.login("staff@a.test").status_code == 401
    set_user(app, "staff@a.test", locked_until=utcnow() - timedelta(seconds=1))
    r = c.login("staff@a.test")
    assert r.status_code == 302
    assert is_logged_in(c)
    state = user_state(app, "staff@a.test")
    assert state["locked_until"] is None and state["failed_logins"] == 0


def test_inactive_user_cannot_log_in(world, app):
    set_user(app, "staff@a.test", active=False)
    c = Client(app)
    r = c.login("staff@a.test")
    assert r.status_code == 401
    assert "Wrong e-mail or password." in r.get_data(as_text=True)
    assert "user_id" not in session_of(c)


def test_deactivated_user_loses_a_running_session(world, client_for, app):
    c = client_for("staff@a.test")
    assert is_logged_in(c)
    set_user(app, "staff@a.test", active=False)
    r = c.get(NOTES)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert "user_id" not in session_of(c)


def test_logout_clears_the_session(world, client_for, app):
    c = client_for("staff@a.test")
    assert is_logged_in(c)
    r = c.post("/logout")
    assert r.status_code == 302
    assert urlsplit(r.headers["Location"]).path == "/login"
    assert session_of(c) == {}
    assert not is_logged_in(c)
    assert c.get(NOTES).status_code == 302


def test_login_starts_a_fresh_session(world, app):
    c = Client(app)
    with c.http.session_transaction() as s:
        s["company_id"] = 12345
        s["planted"] = "by attacker"
    assert c.login("staff@a.test").status_code == 302
    s = session_of(c)
    assert "planted" not in s


# --- redirects after login ----------------------------------------------------------

def login_with_next(app, target):
    c = Client(app)
    page = c.http.get("/login")
    token = c.TOKEN.search(page.get_data(as_text=True)).group(1)
    return c.http.post("/login", query_string={"next": target},
                       data={"email": "staff@a.test", "password": PASSWORD, "csrf_token": token})


def test_next_inside_the_site_is_followed(world, app):
    r = login_with_next(app, "/admin/notes/note/?page=1")
    assert r.status_code == 302
    assert r.headers["Location"] == "/admin/notes/note/?page=1"


@pytest.mark.parametrize("target", ["//evil.example", "//evil.example/admin/", "https://evil.example/",
                                    "http:evil.example", "/\\evil.example", "\\\\evil.example",
                                    "/\t/evil.example", "javascript:alert(1)"])
def test_open_redirect_is_not_followed(world, app, target):
    r = login_with_next(app, target)
    assert r.status_code == 302
    location = r.headers["Location"]
    # Browsers read a leading "//", "/\\" or "\\\\" as another host.
    assert not location.startswith(("//", "/\\", "\\"))
    assert "\t" not in location and "javascript" not in location
    parts = urlsplit(location)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost")
    assert parts.path.startswith("/") and not parts.path.startswith("//")


def test_anonymous_admin_page_redirects_to_login_with_next(world, app):
    r = app.test_client().get(NOTES)
    assert r.status_code == 302
    assert urlsplit(r.headers["Location"]).path == "/login"
    assert "next=" in r.headers["Location"]


# --- the company switcher --------------------------------------------------------------

def test_switching_company_shows_only_that_companys_data(world, client_for, app):
    add_membership(app, "staff@a.test", "B", "readonly")
    make_note(app, "A", title="note-in-A")
    make_note(app, "B", title="note-in-B")
    c = client_for("staff@a.test")
    home = c.get("/admin/").get_data(as_text=True)
    assert 'id="company-switcher"' in home  # member of two companies: a switcher

    page = c.get(NOTES).get_data(as_text=True)
    assert "note-in-A" in page and "note-in-B" not in page

    r = c.switch(world.ids["B"])
    assert r.status_code == 302
    assert session_of(c)["company_id"] == world.ids["B"]
    page = c.get(NOTES).get_data(as_text=True)
    assert "note-in-B" in page and "note-in-A" not in page
    # The role is B's (read-only there): no creating, no tasks.
    assert c.get(NOTES + "new/").status_code == 403
    assert c.post(NOTES + "new/", {"title": "made in B", "priority": "1"}).status_code == 403
    assert c.get("/admin/tasks/task/").status_code == 403

    r = c.switch(world.ids["A"])
    assert r.status_code == 302
    page = c.get(NOTES).get_data(as_text=True)
    assert "note-in-A" in page and "note-in-B" not in page
    assert c.get(NOTES + "new/").status_code == 200


def test_switching_to_a_company_without_membership_is_refused(world, client_for, app):
    make_note(app, "B", title="note-in-B")
    c = client_for("staff@a.test")
    r = c.switch(world.ids["B"])
    assert r.status_code == 302
    assert session_of(c)["company_id"] == world.ids["A"]
    r = c.get("/admin/")
    assert "not a member" in r.get_data(as_text=True)
    assert "note-in-B" not in c.get(NOTES).get_data(as_text=True)


def test_inactive_company_cannot_be_switched_to(world, client_for, app):
    from core.extensions import db
    from core.models import Company
    add_membership(app, "staff@a.test", "B", "staff")
    with app.app_context():
        db.session.query(Company).filter_by(code="B").one().active = False
        db.session.commit()
    c = client_for("staff@a.test")
    c.switch(world.ids["B"])
    assert session_of(c)["company_id"] == world.ids["A"]


def test_forged_session_company_falls_back_to_a_member_company(world, client_for, app):
    make_note(app, "A", title="note-in-A")
    make_note(app, "B", title="note-in-B")
    c = client_for("staff@a.test")
    with c.http.session_transaction() as s:
        s["company_id"] = world.ids["B"]
    page = c.get(NOTES).get_data(as_text=True)
    assert "note-in-A" in page and "note-in-B" not in page
    assert session_of(c)["company_id"] == world.ids["A"]
    # Nor can the forged company receive new records.
    with c.http.session_transaction() as s:
        s["company_id"] = world.ids["B"]
    assert c.post(NOTES + "new/", {"title": "planted", "priority": "1"}).status_code == 302
    from core.extensions import db
    from tests.plugins.notes.models import Note
    with app.app_context():
        assert db.session.query(Note.company_id).filter_by(title="planted").scalar() == world.ids["A"]


def test_user_without_company_sees_no_data(world, app):
    from core.extensions import db
    from core.models import User
    from core.records.security import hash_password
    with app.app_context():
        db.session.add(User(email="lonely@x.test", name="lonely", password_hash=hash_password(PASSWORD)))
        db.session.commit()
    make_note(app, "A", title="note-in-A")
    c = Client(app)
    assert c.login("lonely@x.test").status_code == 302
    home = c.get("/admin/")
    assert home.status_code == 200
    assert "not a member of any active company" in home.get_data(as_text=True)
    r = c.get(NOTES)
    assert r.status_code in (403, 404)
    assert "note-in-A" not in r.get_data(as_text=True)


# --- sessions end on logout and password change ------------------------------------

USERS = "/admin/system/users/"


def copy_of(client):
    """A second client holding the same session cookie (a copied cookie)."""
    copy = Client(client.app)
    copy.http.set_cookie("session", client.http.get_cookie("session").value)
    return armed(copy)


def armed(client):
    """``client`` with the CSRF token of its session fetched now, while it is
    logged in, so its later POSTs carry a token that was valid."""
    client.csrf()
    return client


def note_titles(app):
    from core.extensions import db
    from tests.plugins.notes.models import Note
    with app.app_context():
        return {t for (t,) in db.session.query(Note.title)}


def assert_logged_out(client, app, title):
    """``client`` answers as logged out: /admin/ sends it to /login, a POST
    (with the CSRF token it held) creates nothing, and its session is empty."""
    assert client.token is not None, "arm the client before its session ends"
    r = client.get("/admin/")
    assert r.status_code == 302 and urlsplit(r.headers["Location"]).path == "/login"
    r = client.post(NOTES + "new/", {"title": title, "priority": "1"})
    assert r.status_code in (302, 400)
    if r.status_code == 302:
        assert urlsplit(r.headers["Location"]).path == "/login"
    assert title not in note_titles(app)
    assert "user_id" not in session_of(client)


def assert_working(client, app, title):
    """``client`` is logged in and may create a note."""
    assert is_logged_in(client)
    assert client.post(NOTES + "new/", {"title": title, "priority": "1"}).status_code == 302
    assert title in note_titles(app)


def make_system_admin(app, email="admin@b.test"):
    set_user(app, email, is_system_admin=True)
    return email


def change_password_on_users_screen(admin_client, app, email, new_password):
    """The system admin's Users screen: edit ``email``, set a new password."""
    from core.extensions import db
    from core.models import User
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        uid, name = user.id, user.name
        memberships = [(m.id, m.company_id, m.role) for m in user.memberships]
    data = {"email": email, "name": name, "active": "y", "locale": "", "new_password": new_password}
    if email_is_system_admin(app, email):
        data["is_system_admin"] = "y"
    for i, (mid, company_id, role) in enumerate(memberships):
        data.update({f"memberships-{i}-id": str(mid), f"memberships-{i}-company": str(company_id),
                     f"memberships-{i}-role": role})
    r = admin_client.post(USERS + "edit/", data, query_string={"id": uid})
    assert r.status_code == 302, r.get_data(as_text=True)
    return r


def email_is_system_admin(app, email):
    from core.extensions import db
    from core.models import User
    with app.app_context():
        return db.session.query(User.is_system_admin).filter_by(email=email).scalar()


def test_copied_cookie_is_logged_out_after_logout(world, client_for, app):
    c = armed(client_for("staff@a.test"))
    copy = copy_of(c)
    assert_working(copy, app, "by the copy before logout")
    other = client_for("manager@a.test")

    assert c.post("/logout").status_code == 302
    assert_logged_out(copy, app, "by the copy after logout")
    assert_logged_out(c, app, "by the original after logout")
    # Other users' sessions are not affected.
    assert_working(other, app, "by another user")
    # A normal login still works, and so does its own copy.
    again = client_for("staff@a.test")
    assert_working(again, app, "after a new login")
    assert_working(copy_of(again), app, "by a copy of the new login")


def test_logout_ends_the_users_other_sessions(world, client_for, app):
    first, second = client_for("staff@a.test"), armed(client_for("staff@a.test"))
    assert is_logged_in(first) and is_logged_in(second)
    first.post("/logout")
    assert_logged_out(second, app, "by the other session")


def test_session_without_generation_is_logged_out(world, client_for, app):
    c = armed(client_for("staff@a.test"))
    with c.http.session_transaction() as s:
        s.pop("session_generation")
    assert_logged_out(c, app, "by a session of before the generation")


def test_forged_session_generation_is_logged_out(world, client_for, app):
    c = armed(client_for("staff@a.test"))
    with c.http.session_transaction() as s:
        s["session_generation"] = s["session_generation"] + 1
    assert_logged_out(c, app, "by a forged generation")


def test_password_change_by_system_admin_ends_the_users_sessions(world, client_for, app):
    admin = client_for(make_system_admin(app))
    victim = armed(client_for("staff@a.test"))
    copy = copy_of(victim)
    assert is_logged_in(copy)
    other = client_for("manager@a.test")

    change_password_on_users_screen(admin, app, "staff@a.test", "brand-new-pass-1")
    assert_logged_out(victim, app, "by the user after the change")
    assert_logged_out(copy, app, "by the copy after the change")
    assert is_logged_in(admin)  # the admin changed someone else's password
    assert_working(other, app, "by another user after the change")
    # The new password logs in; the old one does not.
    assert Client(app).login("staff@a.test", PASSWORD).status_code == 401
    fresh = Client(app)
    assert fresh.login("staff@a.test", "brand-new-pass-1").status_code == 302
    assert_working(fresh, app, "after login with the new password")


def test_own_password_change_keeps_this_session_only(world, client_for, app):
    email = make_system_admin(app)
    admin = client_for(email)
    copy = copy_of(admin)
    elsewhere = armed(client_for(email))
    assert is_logged_in(copy) and is_logged_in(elsewhere)

    change_password_on_users_screen(admin, app, email, "brand-new-pass-1")
    assert is_logged_in(admin)  # the request that changed the password keeps its session
    assert admin.get(USERS).status_code == 200
    assert_logged_out(copy, app, "by a copy of the admin's cookie")
    assert_logged_out(elsewhere, app, "by the admin's other session")
    # The cookie the change request sent back works; one copied before does not.
    assert is_logged_in(copy_of(admin))


def test_editing_a_user_without_a_new_password_keeps_the_sessions(world, client_for, app):
    admin = client_for(make_system_admin(app))
    victim = client_for("staff@a.test")
    change_password_on_users_screen(admin, app, "staff@a.test", "")
    assert_working(victim, app, "after an edit without password")
    assert Client(app).login("staff@a.test", PASSWORD).status_code == 302


def test_password_set_anywhere_ends_the_sessions(world, client_for, app):
    """Any code that assigns password_hash (not only the screens) ends the sessions."""
    from core.records.security import hash_password
    victim = armed(client_for("staff@a.test"))
    copy = copy_of(victim)
    set_user(app, "staff@a.test", password_hash=hash_password("brand-new-pass-1"))
    assert_logged_out(victim, app, "by the user")
    assert_logged_out(copy, app, "by the copy")


def test_other_changes_to_the_user_keep_the_sessions(world, client_for, app):
    c = client_for("staff@a.test")
    set_user(app, "staff@a.test", name="renamed", locale="en", failed_logins=2)
    assert c.post("/set-language", {"locale": "en"}).status_code == 302
    client_for("staff@a.test")  # a login elsewhere (last_login_at changes)
    assert_working(c, app, "after other changes")


def test_password_change_from_the_cli_ends_the_sessions(world, client_for, app):
    from core.cli import main
    victim = armed(client_for("staff@a.test"))
    copy = copy_of(victim)
    other = client_for("manager@a.test")
    result = app.test_cli_runner().invoke(main, ["user", "password", "Staff@A.test"],
                                          input="brand-new-pass-1\n")
    assert result.exit_code == 0, result.output
    assert "brand-new-pass-1" not in result.output
    assert_logged_out(victim, app, "by the user")
    assert_logged_out(copy, app, "by the copy")
    assert_working(other, app, "by another user")
    assert Client(app).login("staff@a.test", PASSWORD).status_code == 401
    fresh = Client(app)
    assert fresh.login("staff@a.test", "brand-new-pass-1").status_code == 302
    assert_working(fresh, app, "after the CLI change")


def test_cli_password_refuses_short_password_and_unknown_user(world, client_for, app):
    from core.cli import main
    runner = app.test_cli_runner()
    victim = client_for("staff@a.test")
    short = runner.invoke(main, ["user", "password", "staff@a.test"], input="short\n")
    assert short.exit_code != 0 and "at least 8 characters" in short.output
    assert_working(victim, app, "after a refused change")
    unknown = runner.invoke(main, ["user", "password", "nobody@a.test"], input="brand-new-pass-1\n")
    assert unknown.exit_code != 0 and "nobody@a.test" in unknown.output
    assert "Traceback" not in short.output + unknown.output
