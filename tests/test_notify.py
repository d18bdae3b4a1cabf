"""Notifications and reminders (core.notify): the inbox, e-mail through a
real SMTP server on loopback (aiosmtpd), once-only keys, the recipient's
language, and the deadline service's reminders."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket

import pytest
import time_machine
from aiosmtpd.controller import Controller

from core.extensions import db
from core.jobs import run_jobs
from core.models import Membership
from core.notify import Notification, NotificationKind, NotificationRegistry, UnknownKind, notify, sending
from core.records import tenancy
from tests.plugins.tasks.models import Task

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
BELL = re.compile(r'id="notify-unread">(\d+)<')


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=SHANGHAI), tick=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the local SMTP server received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]


class SmtpServer:
    def __init__(self, port, **smtp):
        self.received = Inbox()
        self.controller = Controller(self.received, hostname="127.0.0.1", port=port, **smtp)

    def __enter__(self):
        self.controller.start()
        return self.received

    def __exit__(self, *exc):
        self.controller.stop()


@pytest.fixture
def mail_to(app, monkeypatch):
    """``mail_to(port)``: qdesk configured to send through 127.0.0.1:port."""
    def configure(port):
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", str(port))
        monkeypatch.setitem(app.config, "MAIL_FROM", "qdesk@a.test")
    return configure


@pytest.fixture
def smtp(mail_to):
    port = free_port()
    mail_to(port)
    with SmtpServer(port) as received:
        yield received


@pytest.fixture(autouse=True)
def _no_resolvers(monkeypatch):
    monkeypatch.setattr(sending, "_RESOLVERS", [])


def _task(world, user="staff@a.test", company="A", **fields):
    with tenancy.acting_as(world.company(company), world.user(user)):
        task = Task(**{"title": "检修空调", **fields})
        db.session.add(task)
        db.session.commit()
        return task.id


def _check(world, company="A"):
    results = run_jobs(["core.deadlines_check"], [world.company(company)])
    assert all(r.ok for r in results), results


def _rows(**filters):
    return db.session.query(Notification).filter_by(**filters).order_by(Notification.id).all()


def _set_locale(world, email_, locale):
    world.user(email_).locale = locale
    db.session.commit()


def _unread(client):
    page = client.get("/admin/").get_data(as_text=True)
    found = BELL.search(page)
    return int(found.group(1)) if found else 0


# --- the floor: a breached deadline, once ---------------------------------------------

def test_breached_deadline_sends_one_mail_and_one_inbox_entry_not_two(app, world, client_for, smtp):
    with app.app_context():
        task_id = _task(world, opened_at=dt.datetime(2024, 3, 8, 16, 0))  # due Mon 2024-03-11 16:30
        _check(world)
        _check(world)  # the next run: nothing new
        rows = _rows(kind="core.deadline_breached")
        assert [(r.recipient.email, r.record_id, r.mail_status) for r in rows] == [("staff@a.test", task_id, "sent")]
    mails = smtp.to("staff@a.test")
    assert len(mails) == 1
    assert mails[0]["Subject"] == "已逾期：任务处理（检修空调）"  # no locale set: Chinese
    assert "2024-03-11 16:30" in mails[0].get_content()  # the due moment in company time
    c = client_for("staff@a.test")
    page = c.get("/admin/inbox/").get_data(as_text=True)
    assert page.count('data-notification="') == 1 and "Overdue: Task resolution (检修空调)" in page
    assert f'href="/admin/tasks/task/details/?id={task_id}' in page  # the record's details page
    assert _unread(c) == 1


def test_due_soon_then_breached_each_once(app, world, smtp):
    with app.app_context():
        # Mon 08:30 + 8 working hours → Tue 2024-03-12 09:00; reminded 2 h before.
        _task(world, opened_at=dt.datetime(2024, 3, 11, 8, 30))
        with at(2024, 3, 12, 6, 0):
            _check(world)
            assert _rows() == []  # 3 h before: not yet
        with at(2024, 3, 12, 7, 30):
            _check(world)
            _check(world)
        assert [r.kind for r in _rows()] == ["core.deadline_due_soon"]
        with at(2024, 3, 12, 9, 30):
            _check(world)
            _check(world)
        assert [r.kind for r in _rows()] == ["core.deadline_due_soon", "core.deadline_breached"]
    assert [m["Subject"] for m in smtp.to("staff@a.test")] == ["即将到期：任务处理（检修空调）",
                                                              "已逾期：任务处理（检修空调）"]


def test_crm_reply_deadline_reminds_its_creator(app, world, smtp):
    from plugins.crm.models import ContactLog, Customer
    with app.app_context():
        _set_locale(world, "staff@a.test", "en")
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            customer = Customer(code="C1", name="客户一", province="浙江")
            db.session.add(customer)
            db.session.flush()
            db.session.add(ContactLog(customer=customer, subject="来电咨询", occurred_at=dt.datetime(2024, 3, 1, 9, 0)))
            db.session.commit()
        _check(world)
        _check(world)
        rows = _rows()
        assert [(r.kind, r.entity) for r in rows] == [("core.deadline_breached", "crm.contactlog")]
    mails = smtp.to("staff@a.test")
    assert len(mails) == 1 and mails[0]["Subject"].startswith("Overdue: Contact reply (")


def test_crm_reply_deadline_also_reminds_its_follow_up_owner(app, world, smtp):
    """Deadline(notify=("follow_up_owner", "handled_by")): the 跟进人 hears of
    an overdue reply although someone else recorded the entry, and a person
    named twice is told once."""
    from plugins.crm.models import ContactLog, Customer
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            customer = Customer(code="C1", name="客户一", province="浙江")
            db.session.add(customer)
            db.session.flush()
            db.session.add(ContactLog(customer=customer, subject="来电咨询", occurred_at=dt.datetime(2024, 3, 1, 9, 0),
                                      follow_up_owner=world.user("manager@a.test"),
                                      handled_by=world.user("staff@a.test")))
            db.session.commit()
        _check(world)
        from core.models import User
        told = sorted(db.session.get(User, r.recipient_id).email for r in _rows())
    assert told == ["manager@a.test", "staff@a.test"]
    assert len(smtp.to("manager@a.test")) == 1 and len(smtp.to("staff@a.test")) == 1


def test_a_deadline_names_only_relations_to_notify(app):
    from core.deadlines import Deadline
    from plugins.crm.models import ContactLog
    with pytest.raises(ValueError, match="notify names 'subject'"):
        Deadline("crm.contactlog.x", ContactLog, start="occurred_at", amount="crm.reply_in_province",
                 due_field="reply_due", done=("replied",), notify=("subject",))


def test_a_deadline_may_notify_through_a_path_of_relations(app, world):
    """``notify=("customer.responsible",)``: the reminder of a record goes to
    its customer's responsible person; each hop must be a many-to-one."""
    from core.deadlines import Deadline
    from plugins.crm.models import ContactLog, Customer
    reply = Deadline("crm.contactlog.x", ContactLog, start="occurred_at", amount="crm.reply_in_province",
                     due_field="reply_due", done=("replied",), notify=("customer.responsible",))
    with app.app_context():
        owner = world.user("manager@a.test")
        assert reply.notified_users(ContactLog(customer=Customer(name="客户", responsible=owner))) == [owner]
        assert reply.notified_users(ContactLog(customer=Customer(name="无责任人"))) == []
        assert reply.notified_users(ContactLog()) == []
    with pytest.raises(ValueError, match="notify names 'customer.name', and 'name' is not a many-to-one relation "
                                         "of Customer"):
        Deadline("crm.contactlog.x", ContactLog, start="occurred_at", amount="crm.reply_in_province",
                 due_field="reply_due", done=("replied",), notify=("customer.name",))


def test_a_disabled_module_sends_no_reminders(app, world, smtp):
    from core.plugin.modules import disable_module
    with app.app_context():
        _task(world, opened_at=dt.datetime(2024, 3, 8, 16, 0))
        disable_module(world.company("A"), "tasks")
        _check(world)
        assert _rows() == []
    assert smtp.messages == []


# --- recipients and their language -------------------------------------------------------

def test_each_recipient_reads_their_own_language_and_resolvers_add_recipients(app, world, smtp):
    with app.app_context():
        _set_locale(world, "staff@a.test", "zh_Hans_CN")
        _set_locale(world, "manager@a.test", "en")
        # A resolver names the manager (the lead's organisation service will
        # name the responsible employee and department head) and someone of
        # company B, who is not told.
        sending.add_recipient_resolver(lambda record: [world.user("manager@a.test"), world.user("admin@b.test")])
        _task(world, opened_at=dt.datetime(2024, 3, 8, 16, 0))
        _check(world)
        assert sorted(r.recipient.email for r in _rows()) == ["manager@a.test", "staff@a.test"]
    zh, = smtp.to("staff@a.test")
    en, = smtp.to("manager@a.test")
    assert zh["Subject"] == "已逾期：任务处理（检修空调）" and "尚未完成" in zh.get_content()
    assert en["Subject"] == "Overdue: Task resolution (检修空调)" and "is not done" in en.get_content()
    assert smtp.to("admin@b.test") == []


def test_once_only_keys_are_per_recipient_and_company(app, world):
    with app.app_context():
        staff, manager = world.user("staff@a.test"), world.user("manager@a.test")
        with tenancy.acting_as(world.company("A"), None):
            task = db.session.get(Task, _task(world))
            assert len(notify("core.deadline_due_soon", [staff], record=task, key="k1")) == 1
            db.session.commit()
            # The same key: staff is not told again, the manager is (a new recipient).
            assert [r.recipient.email for r in notify("core.deadline_due_soon", [staff, manager], record=task,
                                                      key="k1")] == ["manager@a.test"]
            # Another key, or none: told again.
            assert len(notify("core.deadline_due_soon", [staff], record=task, key="k2")) == 1
            assert len(notify("core.deadline_due_soon", [staff], record=task)) == 1
            db.session.commit()
        assert len(_rows(recipient_id=staff.id)) == 3


def test_unknown_kind_is_an_error_naming_it(app, world):
    with app.app_context(), tenancy.acting_as(world.company("A"), None):
        with pytest.raises(UnknownKind, match="tasks.no_such_kind"):
            notify("tasks.no_such_kind", [world.user("staff@a.test")])


def test_kinds_are_namespaced_and_declared_once():
    registry = NotificationRegistry()
    kind = NotificationKind("tasks.assigned", "任务指派", "Task assigned", "指派：{record}", "Assigned: {record}")
    registry.add("tasks", [kind])
    with pytest.raises(ValueError, match="declared twice"):
        registry.add("tasks", [kind])
    with pytest.raises(ValueError, match="outside its namespace"):
        registry.add("notes", [NotificationKind("tasks.other", "a", "b", "c", "d")])
    with pytest.raises(ValueError, match="not a format string"):
        NotificationKind("tasks.broken", "a", "b", "{record", "d")
    assert registry.by_key["tasks.assigned"].render("en", {"record": "T-1"}) == ("Assigned: T-1", "")


# --- the inbox ------------------------------------------------------------------------

def _tell(world, email_, company="A", n=1):
    with tenancy.acting_as(world.company(company), None):
        for _ in range(n):
            notify("core.deadline_due_soon", [world.user(email_)],
                   context={"deadline_zh": "测试", "deadline_en": "Test", "due": dt.datetime(2026, 1, 5, 1, 0)})
        db.session.commit()
    return [r.id for r in _rows(recipient_id=world.user(email_).id)]


def test_inbox_shows_only_the_users_own_notifications_in_the_current_company(app, world, client_for):
    with app.app_context():
        staff = world.user("staff@a.test")
        db.session.add(Membership(user_id=staff.id, company_id=world.company("B").id, role="staff"))
        db.session.commit()
        mine_a = _tell(world, "staff@a.test", "A", 2)
        others = _tell(world, "manager@a.test", "A", 1)
        mine_b = [i for i in _tell(world, "staff@a.test", "B", 3) if i not in mine_a]
        b_id = world.company("B").id
    c = client_for("staff@a.test")
    page = c.get("/admin/inbox/").get_data(as_text=True)
    assert sorted(int(i) for i in re.findall(r'data-notification="(\d+)"', page)) == sorted(mine_a)
    assert re.findall(r'data-notification="(\d+)"', page) == [str(i) for i in sorted(mine_a, reverse=True)]  # newest first
    assert "2026-01-05 09:00" in page  # the due moment in company time (UTC+8)
    assert _unread(c) == 2
    # Another user's notification and one of the other company: 404, untouched.
    for foreign in (others[0], mine_b[0]):
        assert c.post(f"/admin/inbox/{foreign}/read").status_code == 404
    # Positive control: in company B the same user sees B's three.
    c.switch(b_id)
    page = c.get("/admin/inbox/").get_data(as_text=True)
    assert sorted(int(i) for i in re.findall(r'data-notification="(\d+)"', page)) == sorted(mine_b)
    assert _unread(c) == 3
    with app.app_context():
        assert all(n.read_at is None for n in _rows())


def test_mark_read_and_mark_all_read(app, world, client_for):
    with app.app_context():
        ids = _tell(world, "staff@a.test", "A", 3)
        other = _tell(world, "manager@a.test", "A", 1)
    c = client_for("staff@a.test")
    assert _unread(c) == 3
    assert c.post(f"/admin/inbox/{ids[0]}/read").status_code == 302
    assert _unread(c) == 2
    assert c.post(f"/admin/inbox/{ids[0]}/read", csrf=False).status_code == 400  # CSRF on every POST
    page = c.get("/admin/inbox/?unread=1").get_data(as_text=True)
    assert f'data-notification="{ids[0]}"' not in page and f'data-notification="{ids[1]}"' in page
    c.post("/admin/inbox/read-all")
    assert _unread(c) == 0
    assert 'id="notify-unread"' not in c.get("/admin/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Notification, other[0]).read_at is None  # the manager's stays unread


def test_the_inbox_needs_a_login(app, world):
    response = app.test_client().get("/admin/inbox/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- e-mail: failures, retries, no configuration ----------------------------------------

def test_mail_failure_keeps_the_inbox_entry_and_the_job_sends_it_later(app, world, client_for, mail_to):
    port = free_port()
    mail_to(port)  # nothing listens there yet
    with app.app_context():
        _task(world, opened_at=dt.datetime(2024, 3, 8, 16, 0))
        _check(world)
        row, = _rows()
        assert (row.mail_status, row.mail_attempts) == ("failed", 1) and row.mail_error
    assert _unread(client_for("staff@a.test")) == 1  # the inbox has it all the same
    with SmtpServer(port) as received:
        with app.app_context():
            [result] = run_jobs(["core.notify_mail"], [world.company("A")])
            assert result.ok and result.message.startswith("1 e-mail(s) sent")
            run_jobs(["core.notify_mail"], [world.company("A")])  # sent: not again
            _check(world)
            row, = _rows()
            assert (row.mail_status, row.mail_attempts) == ("sent", 2)
    assert [m["Subject"] for m in received.to("staff@a.test")] == ["已逾期：任务处理（检修空调）"]


def test_without_a_mail_server_notifications_stay_in_the_inbox(app, world, client_for, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    with app.app_context():
        _task(world, opened_at=dt.datetime(2024, 3, 8, 16, 0))
        _check(world)
        row, = _rows()
        assert row.mail_status == "none"
        [result] = run_jobs(["core.notify_mail"], [world.company("A")])
        assert result.ok and result.message == "no mail server configured"
    assert _unread(client_for("staff@a.test")) == 1


def test_nothing_is_mailed_when_the_change_is_rolled_back(app, world, smtp):
    with app.app_context(), tenancy.acting_as(world.company("A"), None):
        notify("core.deadline_due_soon", [world.user("staff@a.test")])
        db.session.rollback()
        assert _rows() == []
    assert smtp.messages == []


def test_mail_logs_in_with_the_configured_account(app, world, mail_to, monkeypatch):
    from aiosmtpd.smtp import AuthResult
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    port = free_port()
    mail_to(port)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "qdesk")
    with SmtpServer(port, authenticator=authenticator, auth_require_tls=False, auth_required=True) as received:
        with app.app_context(), tenancy.acting_as(world.company("A"), None):
            monkeypatch.setitem(app.config, "MAIL_PASSWORD", "wrong")
            notify("core.deadline_due_soon", [world.user("staff@a.test")])
            db.session.commit()
            assert _rows()[0].mail_status == "failed" and received.messages == []  # refused: retried later
            monkeypatch.setitem(app.config, "MAIL_PASSWORD", "s3cret")
            notify("core.deadline_due_soon", [world.user("staff@a.test")])
            db.session.commit()
            assert [r.mail_status for r in _rows()] == ["failed", "sent"]
    assert logins == [(b"qdesk", b"wrong"), (b"qdesk", b"s3cret")] and len(received.to("staff@a.test")) == 1


def test_no_link_to_a_record_the_user_may_not_read(app, world, client_for):
    # Read-only users may not read tasks (the example plugin's grant).
    with app.app_context():
        task_id = _task(world)
        with tenancy.acting_as(world.company("A"), None):
            task = db.session.get(Task, task_id)
            notify("core.deadline_due_soon", [world.user("readonly@a.test"), world.user("staff@a.test")], record=task)
            db.session.commit()
    link = f'href="/admin/tasks/task/details/?id={task_id}'
    assert link not in client_for("readonly@a.test").get("/admin/inbox/").get_data(as_text=True)
    assert link in client_for("staff@a.test").get("/admin/inbox/").get_data(as_text=True)  # control
