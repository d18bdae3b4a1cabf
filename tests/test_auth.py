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
    from core.security import hash_password
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
    from core.security import hash_password
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
