"""Saving without holes: the version is required, inline list edits are
version-checked, database errors never reach the user as SQL, and search
terms are taken literally. Driven through the example plugin's notes screen
(tests/plugins/notes) and the CRM's purchase figures (a unique constraint).
"""
from __future__ import annotations

import logging

from core.records import tenancy
from core.extensions import db
from tests.fixtures import make_note
from tests.test_records import NOTES, load_note

CONFLICT = "changed by someone else"


def test_a_save_without_the_version_is_refused(app, world, client_for):
    nid = make_note(app, title="original")
    c = client_for("staff@a.test")
    page = c.post(f"{NOTES}edit/?id={nid}", {"title": "overwritten", "priority": "3"})
    assert page.status_code == 200 and CONFLICT in page.get_data(as_text=True)
    assert load_note(app, nid)["title"] == "original"
    # Positive control: with the version the same save goes through.
    version = load_note(app, nid)["version"]
    saved = c.post(f"{NOTES}edit/?id={nid}", {"title": "edited", "priority": "3", "record_version": version})
    assert saved.status_code == 302 and load_note(app, nid)["title"] == "edited"


def test_inline_list_edit_carries_the_version(app, world, client_for):
    nid = make_note(app, title="inline")
    c = client_for("staff@a.test")
    listing = c.get(NOTES).get_data(as_text=True)
    version = load_note(app, nid)["version"]
    assert f'data-pk="{nid}:{version}"' in listing, "the list cell does not carry the record's version"

    no_version = c.post(f"{NOTES}ajax/update/", {"list_form_pk": str(nid), "title": "no version"})
    assert no_version.status_code == 409 and CONFLICT in no_version.get_data(as_text=True)
    ok = c.post(f"{NOTES}ajax/update/", {"list_form_pk": f"{nid}:{version}", "title": "first"})
    assert ok.status_code == 200 and load_note(app, nid)["title"] == "first"
    stale = c.post(f"{NOTES}ajax/update/", {"list_form_pk": f"{nid}:{version}", "title": "second"})
    assert stale.status_code == 409, "a cell edited from an older list overwrote the newer value"
    assert load_note(app, nid)["title"] == "first"
    too_long = c.post(f"{NOTES}ajax/update/", {"list_form_pk": f"{nid}:{version + 1}", "title": "x" * 500})
    assert too_long.status_code == 400 and load_note(app, nid)["title"] == "first"


def test_database_errors_are_logged_and_the_user_reads_a_sentence(app, world, client_for, caplog):
    from plugins.crm.models import Customer
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            customer = Customer(code="KDUP", name="重复")
            db.session.add(customer)
            db.session.commit()
            customer_id = customer.id
    c = client_for("staff@a.test")
    figure = {"customer": str(customer_id), "period": "2026-Q3", "quantity": "10", "amount": "100"}
    assert c.post("/admin/crm/purchase/new/", figure).status_code == 302
    with caplog.at_level(logging.ERROR, logger="qdesk.admin"):
        again = c.post("/admin/crm/purchase/new/", figure)
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and "could not be created" in text
    for raw in ("IntegrityError", "UNIQUE", "unique constraint", "INSERT", "crm_purchase_figure", "[SQL"):
        assert raw not in text, f"the page shows the database's own words: {raw!r}"
    assert any("database refused" in r.getMessage() and r.exc_info for r in caplog.records), \
        "the database error did not reach the log"


def test_search_terms_take_percent_and_underscore_literally(app, world, client_for):
    for title in ("50% off", "a_b", "plain ab"):
        make_note(app, title=title)
    c = client_for("staff@a.test")

    def found(term):
        page = c.get(NOTES, query_string={"search": term}).get_data(as_text=True)
        return {t for t in ("50% off", "a_b", "plain ab") if t in page.replace(f'value="{term}"', "")}

    assert found("%") == {"50% off"}
    assert found("_") == {"a_b"}
    assert found("a_b") == {"a_b"}, "_ matched any character"
    assert found("ab") == {"plain ab"}
    assert found("^50%") == {"50% off"}



def test_a_save_fails_unexpectedly_the_user_keeps_the_input_and_reads_no_internals(app, world, client_for,
                                                                                    monkeypatch, caplog):
    from tests.plugins.notes.admin import NoteView
    from tests.plugins.notes.models import Note

    def broken(self, form, model, is_created):
        raise RuntimeError("internal: notes_note.secret_column")
    monkeypatch.setattr(NoteView, "on_model_change", broken)
    c = client_for("staff@a.test")
    with caplog.at_level(logging.ERROR, logger="qdesk.admin"):
        page = c.post(f"{NOTES}new/", {"title": "我的笔记：客户来电", "priority": "3"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nothing was saved" in text
    assert "我的笔记：客户来电" in text, "the form lost what the user typed"
    assert "secret_column" not in text and "RuntimeError" not in text
    assert any(r.exc_info and "secret_column" in str(r.exc_info[1]) for r in caplog.records)
    with app.app_context():
        assert db.session.query(Note).count() == 0


def test_a_screens_own_code_cannot_set_a_field_core_keeps(app, world, client_for, monkeypatch):
    """Screens save through core.records.access: what a screen's
    on_model_change sets is checked like any other value."""
    from tests.plugins.tasks.admin import TaskView
    from tests.plugins.tasks.models import Task
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            task = Task(title="换压缩机")
            db.session.add(task)
            db.session.commit()
            task_id, version = task.id, task.version

    def close_it(self, form, model, is_created):
        model.state = "done"
    monkeypatch.setattr(TaskView, "on_model_change", close_it)
    c = client_for("staff@a.test")
    page = c.post(f"/admin/tasks/task/edit/?id={task_id}", {"title": "换压缩机（已改）", "record_version": version})
    assert page.status_code == 200 and "kept by qdesk" in page.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(Task, task_id)
        assert (stored.state, stored.title, stored.version) == ("new", "换压缩机", version)


def test_a_screen_with_form_rules_keeps_the_version_field_and_saves(app, world):
    # Flask-Admin drops every field a screen's form rules do not name; the
    # version is core's, so a screen laying its form out with rules still
    # sends it, and its saves are not refused as conflicts.
    import warnings
    from flask_admin.form import rules
    from tests.plugins.notes.admin import NoteView
    from tests.plugins.notes.models import Note
    note = make_note(app, "A", title="按规则排版", priority=2)

    class RuledNoteView(NoteView):
        form_edit_rules = (rules.Header("便签"), "title", "priority")

    with app.app_context():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            view = RuledNoteView("notes", endpoint="ruled_notes", url="/admin/ruled_notes")
        assert not [w for w in caught if "record_version" in str(w.message)]
        assert hasattr(view._edit_form_class, "record_version")
        assert not hasattr(view._edit_form_class, "pinned")  # what the rules leave out is left out
        company, user = world.company("A"), world.user("staff@a.test")
        with app.test_request_context("/admin/ruled_notes/edit/", method="POST",
                                      data={"title": "按规则排版（改）", "priority": "3", "record_version": "1"}):
            with tenancy.acting_as(company, user):
                record = db.session.get(Note, note)
                form = view.edit_form(record)
                view._validate_form_instance(ruleset=view._form_edit_rules, form=form)
                assert "record_version" in form and form.validate()
                assert view.update_model(form, record)
    with app.app_context():
        saved = db.session.get(Note, note)
        assert (saved.title, saved.priority, saved.version) == ("按规则排版（改）", 3, 2)
