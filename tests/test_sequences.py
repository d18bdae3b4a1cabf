"""Record numbers (core.sequences), through the example plugin's sequence
``notes.tag`` (``TG-{yyyy}-{n:03d}``, yearly, prefix setting ``notes.tag.prefix``):
the pattern, the yearly restart, per-company counting, no gap after a
rollback, distinct consecutive numbers under concurrent creates, numbers
nobody can set, and printed record numbers from sequences."""
from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from core import Printable

from core.records import tenancy
from core.calendar import local_now
from core.extensions import db
from core.models import Company, User
from core.sequences import NumberAssigned, SequenceCounter, format_number, record_number_of
from tests.plugins.notes.models import Note, Tag

SHANGHAI = ZoneInfo("Asia/Shanghai")


def add_tags(app, code, *names, email=None):
    """Create tags in company ``code``, one commit each; their codes."""
    out = []
    with app.app_context():
        company = db.session.query(Company).filter_by(code=code).one()
        user = db.session.query(User).filter_by(email=email or f"staff@{code.lower()}.test").one()
        with tenancy.acting_as(company, user):
            for name in names:
                tag = Tag(name=name)
                db.session.add(tag)
                db.session.commit()
                out.append(tag.code)
    return out


def codes_of(app, code):
    with app.app_context():
        company = db.session.query(Company).filter_by(code=code).one()
        return [c for (c,) in db.session.query(Tag.code).filter(Tag.company_id == company.id).order_by(Tag.id)]


def test_format_number():
    assert format_number("{prefix}-{yyyy}-{n:04d}", "LD", 2026, 1) == "LD-2026-0001"
    assert format_number("{prefix}{yy}{n:05d}", "KH", 2027, 42) == "KH2700042"


def test_pattern_and_yearly_restart(app, world):
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=SHANGHAI), tick=False):
        assert add_tags(app, "A", "a", "b", "c") == ["TG-2026-001", "TG-2026-002", "TG-2026-003"]
    with time_machine.travel(dt.datetime(2027, 6, 15, 12, 0, tzinfo=SHANGHAI), tick=False):
        assert add_tags(app, "A", "d", "e") == ["TG-2027-001", "TG-2027-002"]
    with time_machine.travel(dt.datetime(2026, 6, 16, 12, 0, tzinfo=SHANGHAI), tick=False):
        # Each year keeps its own counter.
        assert add_tags(app, "A", "late") == ["TG-2026-004"]
    with app.app_context():
        rows = db.session.execute(select(SequenceCounter.period, SequenceCounter.value)
                                  .where(SequenceCounter.key == "notes.tag")
                                  .order_by(SequenceCounter.period)).all()
        assert [tuple(r) for r in rows] == [("2026", 4), ("2027", 2)]


def test_each_company_counts_on_its_own(app, world):
    year = local_now().year
    add_tags(app, "A", "a1", "a2")
    add_tags(app, "B", "b1")
    add_tags(app, "A", "a3")
    assert codes_of(app, "A") == [f"TG-{year}-001", f"TG-{year}-002", f"TG-{year}-003"]
    assert codes_of(app, "B") == [f"TG-{year}-001"]


def test_prefix_is_a_company_setting(app, world):
    from core.settings import SettingsError, set_settings
    year = local_now().year
    add_tags(app, "A", "a1")
    with app.app_context():
        set_settings({"notes.tag.prefix": "标签"}, world.company("A"))
        with pytest.raises(SettingsError):
            set_settings({"notes.tag.prefix": "has space"}, world.company("A"))
    add_tags(app, "A", "a2")
    add_tags(app, "B", "b1")
    assert codes_of(app, "A") == [f"TG-{year}-001", f"标签-{year}-002"]  # the count goes on
    assert codes_of(app, "B") == [f"TG-{year}-001"]


def test_rolled_back_insert_leaves_no_gap(app, world):
    year = local_now().year
    add_tags(app, "A", "first")
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            # Numbered at flush, then rolled back: the number is given again.
            tag = Tag(name="abandoned")
            db.session.add(tag)
            db.session.flush()
            assert tag.code == f"TG-{year}-002"
            db.session.rollback()
            # The database refuses the insert after the number was taken (NOT NULL name).
            db.session.add(Tag(name=None))
            with pytest.raises(Exception):
                db.session.commit()
            db.session.rollback()
    add_tags(app, "A", "second")
    assert codes_of(app, "A") == [f"TG-{year}-001", f"TG-{year}-002"]


def test_numbers_are_not_set_by_hand(app, world, client_for):
    year = local_now().year
    [code] = add_tags(app, "A", "mine")
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        tag = db.session.query(Tag).filter_by(name="mine").one()
        tag.code = "TG-1999-002"
        with pytest.raises(NumberAssigned):
            db.session.commit()
        db.session.rollback()
    # A forged form field is ignored: the screen's form has no such field.
    admin = client_for("admin@a.test")
    response = admin.post("/admin/notes/tag/new/", {"name": "posted", "code": "TG-1999-003"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert codes_of(app, "A") == [code, f"TG-{year}-002"]
    with app.app_context():
        tag_id = db.session.query(Tag.id).filter_by(name="posted").scalar()
        version = db.session.query(Tag.version).filter_by(name="posted").scalar()
    response = admin.post(f"/admin/notes/tag/edit/?id={tag_id}",
                          {"name": "renamed", "code": "TG-1999-004", "record_version": version})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert codes_of(app, "A") == [code, f"TG-{year}-002"]
    with app.app_context():
        assert db.session.get(Tag, tag_id).name == "renamed"  # the edit was saved, the code kept


def test_a_value_set_by_code_is_kept_and_skipped(app, world):
    """Data brought over by code keeps its number; the sequence does not
    give that number again."""
    year = local_now().year
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        db.session.add(Tag(name="legacy", code=f"TG-{year}-002"))
        db.session.commit()
    add_tags(app, "A", "new1", "new2")
    assert codes_of(app, "A") == [f"TG-{year}-002", f"TG-{year}-001", f"TG-{year}-003"]


def test_printed_record_number_comes_from_the_sequence(app, world):
    [code] = add_tags(app, "A", "printed")
    card = Printable("notes.tag_card", "标签卡", "Tag card", Tag, "x.html", number="T-{record.id}")
    note = Printable("notes.note_card", "便签", "Note", Note, "x.html", number="NT-{record.id:05d}")
    with app.app_context():
        tag = db.session.query(Tag).filter_by(name="printed").one()
        assert card.record_number(tag) == code == record_number_of(tag)
        # A model no sequence numbers keeps the printable's own pattern.
        assert record_number_of(Note(title="x", id=7)) is None
        assert note.record_number(Note(title="x", id=7)) == "NT-00007"


def _create_concurrently(app, company_id, user_id, count, fail_every=0):
    """``count`` threads, each in its own app context and session, create
    one tag of the company at (nearly) the same moment; every
    ``fail_every``-th one rolls back after its flush. Returns the errors."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            with app.app_context():
                company, user = db.session.get(Company, company_id), db.session.get(User, user_id)
                # Give the connection back while waiting: the pool (15) is
                # smaller than the crowd, so threads queue for it after the start.
                db.session.close()
                with tenancy.acting_as(company, user):
                    barrier.wait(timeout=60)
                    db.session.add(Tag(name=f"t{i}"))
                    if fail_every and i % fail_every == 0:
                        db.session.flush()  # numbered, counter row locked ...
                        db.session.rollback()  # ... and given back
                        return
                    db.session.commit()
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a create never finished"
    return errors


def test_concurrent_creates_get_distinct_consecutive_numbers(app, world):
    """50 concurrent creates on PostgreSQL (row lock on the counter); on
    SQLite, whose writers queue for one write lock, 12 at once."""
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        company_id, user_id = world.company("A").id, world.user("staff@a.test").id
    count = 50 if postgres else 12
    year = local_now().year
    errors = _create_concurrently(app, company_id, user_id, count)
    assert not errors, errors
    assert sorted(codes_of(app, "A")) == [f"TG-{year}-{n:03d}" for n in range(1, count + 1)]
    # With some of them rolled back while others wait: still no gap.
    errors = _create_concurrently(app, company_id, user_id, count // 2, fail_every=5)
    assert not errors, errors
    committed = count // 2 - len(range(0, count // 2, 5))
    assert sorted(codes_of(app, "A")) == [f"TG-{year}-{n:03d}" for n in range(1, count + committed + 1)]
    assert codes_of(app, "B") == []
