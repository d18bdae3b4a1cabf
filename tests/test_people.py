"""Company admins manage their own people through Administration → People:
add (an existing login joins; a new one gets a one-time set-password link),
change roles, deactivate, reset passwords, in their company only."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.fixtures import PASSWORD, Client

PAGE = "/admin/people/"
LINK = re.compile(r'<input[^>]*value="([^"]+)"[^>]*id="people-link-url"')


def member_id(app, email, code="A"):
    from core.extensions import db
    from core.models import Company, Membership, User
    with app.app_context():
        return (db.session.query(Membership.id).join(User, User.id == Membership.user_id)
                .join(Company, Company.id == Membership.company_id)
                .filter(User.email == email, Company.code == code).scalar())


def membership_of(app, email, code="A"):
    """``(role, active)`` of ``email`` in company ``code``, or None."""
    from core.extensions import db
    from core.models import Membership
    pk = member_id(app, email, code)
    with app.app_context():
        m = db.session.get(Membership, pk) if pk else None
        return None if m is None else (m.role, m.active)


def link_path(response):
    match = LINK.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:2000]
    url = match.group(1)
    return url[url.index("/set-password/"):]


def can_log_in(app, email, password):
    return Client(app).login(email, password).status_code == 302


@pytest.fixture
def admin(client_for):
    return client_for("admin@a.test")


def test_the_list_shows_own_company_only(world, admin, app):
    page = admin.get(PAGE)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for role in ("admin", "manager", "staff", "readonly"):
        assert f'data-email="{role}@a.test"' in text
        assert f"{role}@b.test" not in text


def test_an_existing_login_joins_with_a_role(world, admin, app):
    r = admin.post(f"{PAGE}add", {"email": " Staff@B.test ", "name": "ignored", "role": "manager"})
    assert r.status_code == 302
    assert membership_of(app, "staff@b.test", "A") == ("manager", True)
    assert membership_of(app, "staff@b.test", "B") == ("staff", True)  # B untouched
    assert can_log_in(app, "staff@b.test", PASSWORD)  # password unchanged
    again = admin.post(f"{PAGE}add", {"email": "staff@b.test", "role": "staff"})
    assert again.status_code == 400 and "already a member" in again.get_data(as_text=True)


def test_a_new_login_gets_a_link_that_works_once(world, admin, app):
    r = admin.post(f"{PAGE}add", {"email": "new@a.test", "name": "New Person", "role": "staff"})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    path = link_path(r)
    assert membership_of(app, "new@a.test") == ("staff", True)
    assert not can_log_in(app, "new@a.test", "")  # no usable password yet
    anonymous = Client(app)
    form = anonymous.get(path)
    assert form.status_code == 200 and "new@a.test" in form.get_data(as_text=True)
    token = Client.TOKEN.search(form.get_data(as_text=True)).group(1)
    short = anonymous.http.post(path, data={"password": "short", "confirm": "short", "csrf_token": token})
    assert short.status_code == 400 and "at least" in short.get_data(as_text=True)
    differ = anonymous.http.post(path, data={"password": "a-good-password", "confirm": "other-password",
                                             "csrf_token": token})
    assert differ.status_code == 400 and "differ" in differ.get_data(as_text=True)
    done = anonymous.http.post(path, data={"password": "a-good-password", "confirm": "a-good-password",
                                           "csrf_token": token})
    assert done.status_code == 302
    assert can_log_in(app, "new@a.test", "a-good-password")
    used = Client(app).get(path)
    assert used.status_code == 400 and "already been used" in used.get_data(as_text=True)
    # The token is kept only as its hash.
    from core.extensions import db
    from core.models import PasswordLink
    with app.app_context():
        stored = [h for (h,) in db.session.query(PasswordLink.token_hash)]
    assert path.rsplit("/", 1)[1] not in stored and len(stored) == 1


def test_a_link_expires_and_a_wrong_token_is_refused(world, admin, app):
    path = link_path(admin.post(f"{PAGE}add", {"email": "late@a.test", "role": "staff"}))
    assert Client(app).get(path[:-3] + "xyz").status_code == 400
    wrong = Client(app).get("/set-password/not-a-token")
    assert wrong.status_code == 400 and "not valid" in wrong.get_data(as_text=True)
    from core.extensions import db
    from core.models import PasswordLink, utcnow
    with app.app_context():
        link = db.session.query(PasswordLink).one()
        link.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    expired = Client(app).get(path)
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"email": "not-an-address", "role": "staff"}, "Enter an e-mail address"),
    ({"email": "x@a.test", "role": "owner"}, "Choose a role"),
])
def test_bad_input_adds_nobody(world, admin, app, data, message):
    r = admin.post(f"{PAGE}add", data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert membership_of(app, data["email"]) is None


def test_role_change_takes_effect(world, admin, app, client_for):
    staff = client_for("staff@a.test")
    assert "/admin/notes/note/new/" in staff.get("/admin/notes/note/").get_data(as_text=True)  # control
    pk = member_id(app, "staff@a.test")
    assert admin.post(f"{PAGE}{pk}/role", {"role": "readonly"}).status_code == 302
    assert membership_of(app, "staff@a.test") == ("readonly", True)
    assert "/admin/notes/note/new/" not in staff.get("/admin/notes/note/").get_data(as_text=True)
    assert admin.post(f"{PAGE}{pk}/role", {"role": "boss"}).status_code == 302
    assert membership_of(app, "staff@a.test") == ("readonly", True)


def test_deactivate_ends_work_in_this_company_only(world, admin, app, client_for):
    from core.models import Membership, User  # noqa: F401
    staff_b = member_id(app, "staff@b.test", "B")
    admin.post(f"{PAGE}add", {"email": "staff@b.test", "role": "staff"})
    pk = member_id(app, "staff@b.test", "A")
    assert admin.post(f"{PAGE}{pk}/active", {"active": "0"}).status_code == 302
    assert membership_of(app, "staff@b.test", "A") == ("staff", False)
    assert membership_of(app, "staff@b.test", "B") == ("staff", True) and staff_b
    c = client_for("staff@b.test")
    assert c.switch(world.ids["A"]).status_code == 302
    assert "You are not a member of that company" in c.get("/admin/").get_data(as_text=True)
    assert admin.post(f"{PAGE}{pk}/active", {"active": "1"}).status_code == 302
    assert membership_of(app, "staff@b.test", "A") == ("staff", True)


def test_the_last_admin_stays(world, admin, app):
    me = member_id(app, "admin@a.test")
    admin.post(f"{PAGE}{me}/active", {"active": "0"})
    assert membership_of(app, "admin@a.test") == ("admin", True)
    admin.post(f"{PAGE}{me}/role", {"role": "staff"})
    assert membership_of(app, "admin@a.test") == ("admin", True)
    assert "last active admin" in admin.get(PAGE).get_data(as_text=True)
    # Positive control: with a second admin, the first may step down.
    manager = member_id(app, "manager@a.test")
    admin.post(f"{PAGE}{manager}/role", {"role": "admin"})
    admin.post(f"{PAGE}{me}/role", {"role": "staff"})
    assert membership_of(app, "admin@a.test") == ("staff", True)


def test_reset_ends_sessions_and_issues_a_new_link(world, admin, app, client_for):
    staff = client_for("staff@a.test")
    assert staff.get("/admin/notes/note/").status_code == 200
    r = admin.post(f"{PAGE}{member_id(app, 'staff@a.test')}/reset")
    assert r.status_code == 200
    path = link_path(r)
    assert staff.get("/admin/notes/note/").status_code == 302  # the old session has ended
    assert not can_log_in(app, "staff@a.test", PASSWORD)
    anonymous = Client(app)
    token = Client.TOKEN.search(anonymous.get(path).get_data(as_text=True)).group(1)
    anonymous.http.post(path, data={"password": "brand-new-pass", "confirm": "brand-new-pass", "csrf_token": token})
    assert can_log_in(app, "staff@a.test", "brand-new-pass")


def test_reset_refused_for_a_login_of_other_companies(world, admin, app):
    admin.post(f"{PAGE}add", {"email": "staff@b.test", "role": "staff"})
    r = admin.post(f"{PAGE}{member_id(app, 'staff@b.test', 'A')}/reset", follow_redirects=True)
    assert "ask a system administrator" in r.get_data(as_text=True)
    assert can_log_in(app, "staff@b.test", PASSWORD)


@pytest.mark.parametrize("action, data", [("role", {"role": "readonly"}), ("active", {"active": "0"}),
                                          ("reset", {})])
def test_another_companys_member_is_not_found(world, admin, app, action, data):
    theirs = member_id(app, "staff@b.test", "B")
    assert admin.post(f"{PAGE}{theirs}/{action}", data).status_code == 404
    assert membership_of(app, "staff@b.test", "B") == ("staff", True)
    assert can_log_in(app, "staff@b.test", PASSWORD)
    for bad in ("abc", "0", "9" * 30, "-1"):
        assert admin.post(f"{PAGE}{bad}/{action}", data).status_code == 404
    # Positive control: A's own member is found.
    assert admin.post(f"{PAGE}{member_id(app, 'readonly@a.test')}/{action}", data).status_code != 404


@pytest.mark.parametrize("email", ["manager@a.test", "staff@a.test", "readonly@a.test"])
def test_non_admins_are_refused(world, client_for, app, email):
    c = client_for(email)
    assert c.get(PAGE).status_code == 403
    assert c.post(f"{PAGE}add", {"email": "x@a.test", "role": "admin"}).status_code == 403
    assert c.post(f"{PAGE}{member_id(app, 'staff@a.test')}/role", {"role": "admin"}).status_code == 403
    assert membership_of(app, "x@a.test") is None
    assert membership_of(app, "staff@a.test") == ("staff", True)


def test_changes_are_audited(world, admin, app):
    admin.post(f"{PAGE}add", {"email": "new@a.test", "role": "staff"})
    admin.post(f"{PAGE}{member_id(app, 'new@a.test')}/role", {"role": "manager"})
    log = admin.get("/admin/core/audit/").get_data(as_text=True)
    assert "new@a.test: <b>Role</b>: staff → manager" in log
    assert "People" in log


def test_login_starts_in_the_last_company(world, app, client_for):
    from core.extensions import db
    from core.models import Company, Membership, User
    with app.app_context():
        user = db.session.query(User).filter_by(email="staff@a.test").one()
        user.memberships.append(Membership(company=db.session.query(Company).filter_by(code="B").one(),
                                           role="readonly"))
        db.session.commit()
    c = client_for("staff@a.test")
    assert "Company A" in c.get("/admin/").get_data(as_text=True).split("</nav>")[0]
    c.switch(world.ids["B"])
    again = client_for("staff@a.test")
    nav = again.get("/admin/").get_data(as_text=True)
    assert 'selected' in nav and re.search(r'value="%d"[^>]*selected' % world.ids["B"], nav), nav[:3000]


# --- qdesk settings get|set --company CODE -------------------------------------------

@pytest.fixture
def qdesk(app):
    from core.cli import main
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(main, list(args))


def setting_of(app, key, code):
    from core.extensions import db
    from core.models import Company
    from core.settings import get_setting
    with app.app_context():
        return get_setting(key, db.session.query(Company).filter_by(code=code).one())


def test_settings_get_and_set_for_one_company(world, qdesk, app):
    got = qdesk("settings", "get", "core.timezone", "--company", "A")
    assert got.exit_code == 0 and got.output.strip() == "Asia/Shanghai"
    done = qdesk("settings", "set", "core.timezone", "Europe/Berlin", "--company", "A")
    assert done.exit_code == 0, done.output
    assert setting_of(app, "core.timezone", "A") == "Europe/Berlin"
    assert setting_of(app, "core.timezone", "B") == "Asia/Shanghai"
    assert qdesk("settings", "set", "core.calendar.weekdays", "0,1,2,3,4,5", "--company", "A").exit_code == 0
    assert setting_of(app, "core.calendar.weekdays", "A") == [0, 1, 2, 3, 4, 5]
    listed = qdesk("settings", "list", "--company", "A").output
    assert "core.timezone = Europe/Berlin" in listed
    from core.extensions import db
    from core.models import AuditEntry
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(table_name="company_settings").count() == 2


@pytest.mark.parametrize("args, message", [
    (("set", "core.timezone", "Mars/Olympus"), "time zone"),
    (("set", "core.calendar.china_holidays", "maybe"), "yes or no"),
    (("set", "no.such", "1"), "Unknown setting"),
    (("get", "no.such"), "no.such"),
    (("set", "core.timezone", "UTC", "--company", "ZZ"), "no company"),
    # the Settings screen's number rules hold on the command line too (core.settings.numbers)
    (("set", "notes.reply_hours", "٣"), "digits 0-9"),
    (("set", "notes.reply_hours", "1e400"), "Enter a number from 0 to 87840"),
])
def test_settings_refuses_bad_values_with_their_message(world, qdesk, app, args, message):
    full = list(args) + ([] if "--company" in args else ["--company", "A"])
    result = qdesk("settings", *full)
    assert result.exit_code != 0 and message.lower() in result.output.lower(), result.output
    assert setting_of(app, "core.timezone", "A") == "Asia/Shanghai"
    assert setting_of(app, "core.calendar.china_holidays", "A") is True
