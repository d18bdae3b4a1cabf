"""Cross-plugin actions, panels and record links (core.links), through the
screens, with the example plugins: ``tasks`` (which depends on ``notes``)
offers "Create task from this note" on a note's page and shows the note's
tasks there; the task made is linked to the note and the link shows on both
pages. And ``record_changed`` / ``record_transitioned`` made safe: a plugin
raising after the commit is logged, the others still run, the save stands."""
from __future__ import annotations

import logging
import re

import pytest

from core.extensions import db
from core.links import RecordLink
from core.plugin.modules import disable_module, enable_module
from tests.fixtures import Client, make_note
from tests.plugins.tasks.models import Task
from tests.test_hooks import make_app, plugin_source  # noqa: F401  (fixture)

ACTION = "tasks.from_note"
BUTTON = "Create task from this note"
OFFERED = f'name="action" value="{ACTION}"'  # the button's form


def details(app, endpoint, pk):
    from tests.factories import url_of
    return url_of(app, endpoint, "details_view", id=pk)


def action_url(app, endpoint="notes_note"):
    from tests.factories import url_of
    return url_of(app, endpoint, "record_action_view")


def tasks_of(app, note_id):
    with app.app_context():
        return [(t.id, t.title, t.company_id) for t in db.session.query(Task).filter_by(note_id=note_id)]


def links(app):
    with app.app_context():
        return [(r.source_entity, r.source_id, r.target_entity, r.target_id, r.kind, r.company_id)
                for r in db.session.query(RecordLink).order_by(RecordLink.id)]


def run_action(app, client, note_id, action=ACTION):
    return client.post(action_url(app), {"id": str(note_id), "action": action})


# --- the floor: offered by tasks on notes' records, only where tasks is on ----------

def test_action_creates_a_linked_task_shown_on_both_pages(app, world, client_for):
    note_id = make_note(app, "A", title="空调异响")
    c = client_for("staff@a.test")
    page = c.get(details(app, "notes_note", note_id)).get_data(as_text=True)
    assert BUTTON in page and OFFERED in page
    assert "Tasks of this note" in page and "No tasks yet" in page

    response = run_action(app, c, note_id)
    assert response.status_code == 302
    [(task_id, title, company_id)] = tasks_of(app, note_id)
    assert (title, company_id) == ("空调异响", world.ids["A"])
    assert response.headers["Location"].endswith(details(app, "tasks_task", task_id))
    assert links(app) == [("notes.note", note_id, "tasks.task", task_id, ACTION, world.ids["A"])]
    with app.app_context():  # its deadline starts now, company-local (not UTC)
        from core.calendar.timezone import local_now
        opened = db.session.get(Task, task_id).opened_at
        assert abs((local_now(world.company("A")) - opened).total_seconds()) < 300

    # The task's page shows the note it was made from, with a link to it ...
    task_page = c.get(details(app, "tasks_task", task_id)).get_data(as_text=True)
    assert "Linked records" in task_page and "created and linked" in task_page
    assert f'href="{details(app, "notes_note", note_id)}"' in task_page
    # ... and the note's page the task, in the links and in the tasks panel.
    note_page = c.get(details(app, "notes_note", note_id)).get_data(as_text=True)
    assert "Linked records" in note_page
    assert note_page.count(f'href="{details(app, "tasks_task", task_id)}"') == 2
    assert "No tasks yet" not in note_page


def test_action_is_offered_only_where_tasks_is_enabled(app, world, client_for):
    # Company A turns tasks off; B keeps it: each sees what its own modules offer.
    a_note, b_note = make_note(app, "A"), make_note(app, "B")
    with app.app_context():
        disable_module(world.company("A"), "tasks")
    ca, cb = client_for("staff@a.test"), client_for("staff@b.test")
    page_a = ca.get(details(app, "notes_note", a_note)).get_data(as_text=True)
    assert OFFERED not in page_a and "Tasks of this note" not in page_a
    assert run_action(app, ca, a_note).status_code == 404
    assert tasks_of(app, a_note) == [] and links(app) == []

    page_b = cb.get(details(app, "notes_note", b_note)).get_data(as_text=True)
    assert OFFERED in page_b and "Tasks of this note" in page_b  # control: B still has it
    assert run_action(app, cb, b_note).status_code == 302
    assert len(tasks_of(app, b_note)) == 1

    # Enabled again in A: offered again.
    with app.app_context():
        enable_module(world.company("A"), "tasks")
    assert OFFERED in ca.get(details(app, "notes_note", a_note)).get_data(as_text=True)


def test_disabled_module_hides_its_links_on_the_other_side(app, world, client_for):
    note_id = make_note(app, "A")
    c = client_for("staff@a.test")
    assert run_action(app, c, note_id).status_code == 302
    [(task_id, _t, _c)] = tasks_of(app, note_id)
    task_href = f'href="{details(app, "tasks_task", task_id)}"'
    assert task_href in c.get(details(app, "notes_note", note_id)).get_data(as_text=True)
    with app.app_context():
        disable_module(world.company("A"), "tasks")
    page = c.get(details(app, "notes_note", note_id)).get_data(as_text=True)
    assert task_href not in page and "Linked records" not in page and OFFERED not in page
    assert len(links(app)) == 1  # the link is kept, and shows again when tasks is back
    with app.app_context():
        enable_module(world.company("A"), "tasks")
    assert task_href in c.get(details(app, "notes_note", note_id)).get_data(as_text=True)


# --- who may: the action's own permission, the record's readability -----------------

def test_user_without_the_permission_sees_no_button_and_is_refused(app, world, client_for):
    # Read-only users read notes but may not create (nor read) tasks.
    note_id = make_note(app, "A")
    ro = client_for("readonly@a.test")
    page = ro.get(details(app, "notes_note", note_id))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert OFFERED not in text and "Tasks of this note" not in text
    assert run_action(app, ro, note_id).status_code == 403
    assert tasks_of(app, note_id) == [] and links(app) == []
    # Control: staff holds tasks.task.create.
    assert run_action(app, client_for("staff@a.test"), note_id).status_code == 302


def test_readonly_does_not_see_links_to_tasks(app, world, client_for):
    note_id = make_note(app, "A")
    assert run_action(app, client_for("staff@a.test"), note_id).status_code == 302
    page = client_for("readonly@a.test").get(details(app, "notes_note", note_id)).get_data(as_text=True)
    assert "Linked records" not in page and "/admin/tasks/task/details" not in page


def test_forged_action_keys_are_not_found_and_create_nothing(app, world, client_for):
    note_id = make_note(app, "A")
    c = client_for("admin@a.test")
    for key in ("tasks.no_such", "notes.from_note", "tasks.from_note ", "x" * 150):
        assert run_action(app, c, note_id, key).status_code == 404, key
    assert run_action(app, c, note_id, "").status_code == 400
    # Offered on notes only: the same key on a task's page is not offered.
    with app.app_context():
        from core.records import tenancy
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            task = Task(title="t")
            db.session.add(task)
            db.session.commit()
            task_id = task.id
    response = c.post(action_url(app, "tasks_task"), {"id": str(task_id), "action": ACTION})
    assert response.status_code == 404
    assert tasks_of(app, note_id) == [] and links(app) == []


def test_another_companys_record_is_not_found(app, world, client_for):
    a_note = make_note(app, "A")
    cb = client_for("admin@b.test")
    for pk in (str(a_note), "999999", "abc", "²"):
        assert cb.post(action_url(app), {"id": pk, "action": ACTION}).status_code == 404, pk
    assert tasks_of(app, a_note) == [] and links(app) == []
    with app.app_context():
        assert db.session.query(Task).count() == 0


def test_post_without_csrf_token_is_refused(app, world, client_for):
    note_id = make_note(app, "A")
    c = client_for("staff@a.test")
    response = c.post(action_url(app), {"id": str(note_id), "action": ACTION}, csrf=False)
    assert response.status_code == 400
    assert tasks_of(app, note_id) == []


# --- misbehaving plugins: a second app with throwaway plugins ------------------------

HOSTILE = '</script><script>alert(1)</script><b>x</b>'

ODD_PLUGINS = {
    # Sorted before "hear" (same sequence, by key): its failures come first.
    "aboom": plugin_source("aboom", """
        @hookimpl
        def record_changed(company, record, action, changes):
            raise RuntimeError("aboom is broken")

        @hookimpl
        def record_transitioned(company, record, workflow, transition):
            raise RuntimeError("aboom cannot transition")

        @hookimpl
        def record_actions(record):
            raise RuntimeError("aboom offers fire")

        @hookimpl
        def details_panels(record):
            raise RuntimeError("aboom panels on fire")
    """),
    "hear": plugin_source("hear", f"""
        HEARD = []

        @hookimpl
        def record_changed(company, record, action):
            HEARD.append(("changed", company.code, type(record).__name__, action))

        @hookimpl
        def record_transitioned(company, record, transition):
            HEARD.append(("transitioned", company.code, type(record).__name__, transition))

        @hookimpl
        def register_permissions():
            from core import Permission
            return [Permission("hear.thing.create", frozenset({{"admin", "manager", "staff"}}), "Make things")]

        @hookimpl
        def record_actions(record):
            from core.errors import Invalid
            from core.links import RecordAction

            def refuse(record, user):
                from core import access
                access.create("tasks.task", {{"title": "half made"}})  # flushed, then refused: rolled back
                raise Invalid("the note has no customer")
            def crash(record, user):
                raise ZeroDivisionError("hear's handler has a bug")
            return [RecordAction("hear.refuse", "拒绝", "Refuse", permission="hear.thing.create", run=refuse),
                    RecordAction("hear.crash", "崩溃", "Crash", permission="hear.thing.create", run=crash),
                    RecordAction("hear.hostile", {HOSTILE!r}, {HOSTILE!r}, permission="hear.thing.create",
                                 run=refuse)]

        @hookimpl
        def details_panels(record):
            from core.links import Cell, Panel, PanelRow
            return [Panel(title={HOSTILE!r}, rows=[PanelRow({HOSTILE!r}, {HOSTILE!r}),
                                                   PanelRow("link", Cell("go", "/admin/"))],
                          columns=("c",), table=[(Cell({HOSTILE!r}, "/admin/?q=<x>"),)])]
    """),
    "snoop": plugin_source("snoop", """
        @hookimpl
        def record_actions(record):
            from core.links import RecordAction
            return [RecordAction("snoop.steal", "偷", "Steal", permission="notes.note.delete",
                                 run=lambda record, user: record)]

        @hookimpl
        def details_panels(record):
            from core.links import Cell, Panel
            return [Panel(title="Snoop panel", table=[(Cell("x", "javascript:alert(1)"),)], columns=("c",))]
    """),
}


@pytest.fixture
def odd(make_app, test_plugins):  # noqa: F811
    from core.demo import load_demo
    odd = make_app(ODD_PLUGINS)
    with odd.app_context():
        db.create_all()
        load_demo()
    return odd


def odd_client(odd, role="staff"):
    from core.demo import DEMO_PASSWORD
    client = Client(odd)
    assert client.login(f"{role}@hz.demo", DEMO_PASSWORD).status_code == 302
    return client


def heard():
    import sys
    return sys.modules["qdesk_hooktest_hear"].HEARD


def odd_note(odd, client, title="来电"):
    from tests.plugins.notes.models import Note
    response = client.post(action_url(odd).replace("record-action/", "new/"), {"title": title, "priority": "3"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with odd.app_context():
        return db.session.query(Note).filter_by(title=title).one().id


def test_raising_record_changed_is_logged_and_others_still_run(odd, caplog):
    caplog.set_level(logging.INFO)
    from tests.plugins.notes import EVENTS
    c = odd_client(odd)
    heard().clear()
    EVENTS.clear()
    note_id = odd_note(odd, c)          # the save answers the usual redirect, not an error page
    assert ("changed", "HZ", "Note", "create") in heard()
    assert any(e[:4] == ("record", "HZ", "Note", "create") for e in EVENTS)
    failures = [r for r in caplog.records if "'aboom'" in r.getMessage() and "record_changed" in r.getMessage()]
    assert failures and failures[0].levelno == logging.ERROR and failures[0].exc_info
    assert f"Note {note_id}" in failures[0].getMessage() and "aboom is broken" in str(failures[0].exc_info[1])
    assert c.get(details(odd, "notes_note", note_id)).status_code == 200


def test_raising_record_transitioned_is_logged_and_others_still_run(odd, caplog):
    caplog.set_level(logging.INFO)
    from tests.factories import url_of
    from tests.plugins.tasks import TRANSITIONS
    c = odd_client(odd)
    note_id = odd_note(odd, c)
    heard().clear()
    TRANSITIONS.clear()
    assert run_action(odd, c, note_id).status_code == 302
    with odd.app_context():
        task = db.session.query(Task).filter_by(note_id=note_id).one()
        task_id, version = task.id, task.version
    response = c.post(url_of(odd, "tasks_task", "transition_view"),
                      {"id": str(task_id), "version": str(version), "transition": "start"})
    assert response.status_code == 302
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "start done" in page.lower() or "now In progress" in page
    assert ("transitioned", "HZ", "Task", "start") in heard()
    assert TRANSITIONS and TRANSITIONS[-1][3] == "start"
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("'aboom'" in m and "record_transitioned" in m and f"Task {task_id}" in m for m in messages), messages
    with odd.app_context():
        assert db.session.get(Task, task_id).state == "doing"


def test_broken_and_hostile_actions_and_panels(odd, caplog):
    caplog.set_level(logging.INFO)
    c = odd_client(odd)
    note_id = odd_note(odd, c)
    response = c.get(details(odd, "notes_note", note_id))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The good ones still show: tasks' button and panel.
    assert BUTTON in page and "Tasks of this note" in page
    # Texts from plugins are escaped, never markup.
    assert "<script>alert(1)" not in page and "<b>x</b>" not in page
    assert page.count("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;") >= 4
    assert 'href="/admin/?q=&lt;x&gt;"' in page
    # A foreign permission and a javascript: link: all of snoop's are left out, named in the log.
    assert "Steal" not in page and "Snoop panel" not in page and "javascript:alert" not in page
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("'snoop'" in m and "notes.note.delete" in m for m in errors), errors
    assert any("'snoop'" in m and "details_panels" in m for m in errors), errors
    assert any("'aboom'" in m and "record_actions" in m for m in errors), errors
    assert any("'aboom'" in m and "details_panels" in m for m in errors), errors
    assert run_action(odd, c, note_id, "snoop.steal").status_code == 404


def test_refusing_handler_shows_its_message_and_saves_nothing(odd):
    c = odd_client(odd)
    note_id = odd_note(odd, c)
    with odd.app_context():
        # The demo links records of its own (after_sales saves an article from a work order).
        tasks_before, links_before = db.session.query(Task).count(), db.session.query(RecordLink).count()
    response = run_action(odd, c, note_id, "hear.refuse")
    assert response.status_code == 302 and response.headers["Location"].endswith(details(odd, "notes_note", note_id))
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was saved. the note has no customer" in page
    with odd.app_context():
        assert db.session.query(Task).count() == tasks_before
        assert db.session.query(RecordLink).count() == links_before


def test_crashing_handler_is_logged_and_the_page_stays(odd, caplog):
    caplog.set_level(logging.INFO)
    c = odd_client(odd)
    note_id = odd_note(odd, c)
    with odd.app_context():
        links_before = db.session.query(RecordLink).count()  # the demo's own links
    response = run_action(odd, c, note_id, "hear.crash")
    assert response.status_code == 302
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "could not run this action" in page and "has a bug" not in page
    failure = next(r for r in caplog.records if "hear.crash" in r.getMessage())
    assert "'hear'" in failure.getMessage() and f"Note {note_id}" in failure.getMessage() and failure.exc_info
    with odd.app_context():
        assert db.session.query(RecordLink).count() == links_before
