"""CAPA KPIs and the home page: 未关闭纠正预防措施数 (quality.capa_open) per
company, department and responsible person at the end of a period; the
CAPA 按期完成率 is core's on-time KPI of the action deadline; the open
CAPAs by severity and core's overdue-actions tile on the home page."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from zoneinfo import ZoneInfo

from core import db
from core.kpis import kpi_value
from core.org import Department, Employee
from core.records import tenancy
from core.workflow import transition

from ..models.capa import Capa, CapaAction
from .capa_helpers import people, text

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _capa(world, dept_id, owner_id, opened: dt.datetime, severity="minor", due: dt.date | None = None,
          done: dt.datetime | None = None):
    """A CAPA opened at ``opened`` (Shanghai time) with one action due ``due``
    (done at ``done``); ids."""
    with time_machine.travel(opened.replace(tzinfo=SHANGHAI), tick=False):
        with tenancy.acting_as(world.company("A"), world.user("manager@a.test")):
            dept, owner = db.session.get(Department, dept_id), db.session.get(Employee, owner_id)
            capa = Capa(nonconformity="n", containment="c", cause_analysis="a", severity=severity, department=dept,
                        responsible=owner)
            db.session.add(capa)
            db.session.flush()
            transition(capa, "open")
            action = CapaAction(capa=capa, description="d", responsible=owner, department=dept,
                                due_on=due or (opened.date() + dt.timedelta(days=10)))
            db.session.add(action)
            db.session.flush()
            transition(capa, "start")
            db.session.commit()
            ids = capa.id, action.id
    if done is not None:
        with time_machine.travel(done.replace(tzinfo=SHANGHAI), tick=False):
            with tenancy.acting_as(world.company("A"), world.user("manager@a.test")):
                action = db.session.get(CapaAction, ids[1])
                action.result = "ok"
                transition(action, "complete")
                db.session.commit()
    return ids


def test_open_capas_and_actions_on_time(app, world):
    ids = people(world)
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            other = Department(code="SC", name="生产部")
            db.session.add(other)
            db.session.commit()
            other_id = other.id
        T = dt.datetime
        # Opened in March, done on time (due 03-15, done 03-14).
        _capa(world, ids["dept"], ids["li"], T(2026, 3, 5, 9), due=dt.date(2026, 3, 15), done=T(2026, 3, 14, 10))
        # Opened in March, done late (due 03-20, done 03-22).
        _capa(world, ids["dept"], ids["zhang"], T(2026, 3, 10, 9), due=dt.date(2026, 3, 20), done=T(2026, 3, 22, 10))
        # Opened in April by 生产部 (not open yet at the end of March).
        _capa(world, other_id, ids["liu"], T(2026, 4, 2, 9), severity="major", due=dt.date(2026, 4, 30))
        company = world.company("A")
        with tenancy.acting_as(company, world.user("manager@a.test")):
            march = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
            april = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
            assert kpi_value("quality.capa_open", company, *march) == 2
            assert kpi_value("quality.capa_open", company, *april) == 3
            assert kpi_value("quality.capa_open", company, *april, subject=db.session.get(Department, other_id)) == 1
            assert kpi_value("quality.capa_open", company, *april,
                             subject=db.session.get(Employee, ids["zhang"])) == 1
            # Core's KPI of the action deadline: 1 of the 2 actions due in March done by its 整改期限.
            assert kpi_value("quality.capaaction.due.on_time", company, *march) == 50
            assert kpi_value("quality.capaaction.due.on_time", company, *march,
                             subject=db.session.get(Employee, ids["li"])) == 100


def _words(response) -> str:
    """The page's text without its tags, one space between words."""
    import re
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response)))


def test_home_page_shows_open_capas_by_severity(app, world, client_for):
    ids = people(world)
    with app.app_context():
        now = dt.datetime(2026, 3, 5, 9)
        _capa(world, ids["dept"], ids["li"], now, severity="major")
        _capa(world, ids["dept"], ids["li"], now)
        _capa(world, ids["dept"], ids["li"], now)
    page = _words(client_for("staff@a.test").get("/admin/"))
    assert "Open CAPAs (major) 1 CAPAs" in page and "Open CAPAs (minor) 2 CAPAs" in page
    # Core's tile of the action deadline: the three actions were due in March.
    assert "Overdue CAPA actions 3" in page
    other = _words(client_for("staff@b.test").get("/admin/"))  # company B has none
    assert "Open CAPAs (major) 0 CAPAs" in other and "Overdue CAPA actions 0" in other


def test_the_owner_is_reminded_before_and_after_the_due_date(app, world):
    """整改期限 Fri 2026-03-20 (the end of the day): three days before, the
    owner (刘洋, the staff login) and the department head get "due soon";
    after it, "breached" — core's breach check, once each."""
    from core.deadlines import check_breaches
    from core.notify import Notification
    ids = people(world)
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            db.session.get(Department, ids["dept"]).head = db.session.get(Employee, ids["li"])
            db.session.commit()
        _capa(world, ids["dept"], ids["liu"], dt.datetime(2026, 3, 5, 9), due=dt.date(2026, 3, 20))
        staff, manager = world.user("staff@a.test").id, world.user("manager@a.test").id

        def told(kind):
            return sorted(n.recipient_id for n in db.session.query(Notification).filter_by(kind=kind))

        for moment in (dt.datetime(2026, 3, 17, 12), dt.datetime(2026, 3, 18, 9)):
            with time_machine.travel(moment.replace(tzinfo=SHANGHAI), tick=False):
                check_breaches(world.company("A"))
                db.session.commit()
        assert staff in told("core.deadline_due_soon") and manager in told("core.deadline_due_soon")
        assert told("core.deadline_due_soon").count(staff) == 1 and told("core.deadline_breached") == []
        with time_machine.travel(dt.datetime(2026, 3, 21, 0, 5, tzinfo=SHANGHAI), tick=False):
            assert check_breaches(world.company("A")) == 1
            db.session.commit()
        assert staff in told("core.deadline_breached")


def _capa_with(world, ids, owner, dues, opened=dt.datetime(2026, 3, 2, 9)):
    """A started CAPA of 技质部 owned by ``owner`` with one action (owned by
    them too) per due date; the ids of the CAPA and its actions."""
    with time_machine.travel(opened.replace(tzinfo=SHANGHAI), tick=False):
        with tenancy.acting_as(world.company("A"), world.user("manager@a.test")):
            dept, who = db.session.get(Department, ids["dept"]), db.session.get(Employee, ids[owner])
            capa = Capa(nonconformity="n", containment="c", cause_analysis="a", department=dept, responsible=who)
            db.session.add(capa)
            db.session.flush()
            transition(capa, "open")
            actions = [CapaAction(capa=capa, description=f"措施{n}", responsible=who, department=dept, due_on=due)
                       for n, due in enumerate(dues)]
            db.session.add_all(actions)
            db.session.flush()
            transition(capa, "start")
            db.session.commit()
            return capa.id, [a.id for a in actions]


def _close(world, ids, capa_id, action_ids, at):
    """Every action done and verified effective by 李明华, the CAPA closed by
    him as 管理者代表, all at ``at`` (Shanghai time)."""
    with time_machine.travel(at.replace(tzinfo=SHANGHAI), tick=False):
        with tenancy.acting_as(world.company("A"), world.user("manager@a.test")):
            for pk in action_ids:
                action = db.session.get(CapaAction, pk)
                action.result = "已完成"
                transition(action, "complete")
                action.verifier_id, action.verified_on, action.effectiveness = ids["li"], at.date(), "effective"
                transition(action, "verify")
            capa = db.session.get(Capa, capa_id)
            transition(capa, "to_verification")
            transition(capa, "close")
            db.session.commit()


def test_capa_closed_on_time_counts_the_latest_action_due_day(app, world):
    """CAPA 按期关闭率 for March 2026, worked by hand: A (张伟) has actions due
    03-10 and 03-15 and closes 03-14: on time (the latest 整改期限 counts);
    B (刘洋) due 03-20 closes 03-25: late; C (张伟) due 03-25 is still open
    and past it: late. 1 of 3 = 33.33 %; 张伟 1 of 2 = 50.00 %, 刘洋 0.00 %.
    D, due 04-10, is April's; E, due next year and running, counts nowhere."""
    ids = people(world)
    with app.app_context():
        a = _capa_with(world, ids, "zhang", [dt.date(2026, 3, 10), dt.date(2026, 3, 15)])
        b = _capa_with(world, ids, "liu", [dt.date(2026, 3, 20)])
        _capa_with(world, ids, "zhang", [dt.date(2026, 3, 25)])
        d = _capa_with(world, ids, "liu", [dt.date(2026, 4, 10)])
        _capa_with(world, ids, "liu", [dt.date(2027, 1, 10)])
        _close(world, ids, *a, dt.datetime(2026, 3, 14, 16))
        _close(world, ids, *b, dt.datetime(2026, 3, 25, 10))
        _close(world, ids, *d, dt.datetime(2026, 4, 10, 23, 30))  # the last evening of its day: on time
        company = world.company("A")
        with tenancy.acting_as(company, world.user("manager@a.test")):
            march = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
            assert kpi_value("quality.capa_closed_on_time", company, *march) == Decimal("33.33")
            assert kpi_value("quality.capa_closed_on_time", company, *march,
                             subject=db.session.get(Employee, ids["zhang"])) == Decimal("50.00")
            assert kpi_value("quality.capa_closed_on_time", company, *march,
                             subject=db.session.get(Employee, ids["liu"])) == Decimal("0.00")
            assert kpi_value("quality.capa_closed_on_time", company, dt.date(2026, 4, 1),
                             dt.date(2026, 4, 30)) == Decimal("100.00")
            assert kpi_value("quality.capa_closed_on_time", company, dt.date(2027, 1, 1),
                             dt.date(2027, 1, 31)) is None  # running, not yet due: undecided
            assert kpi_value("quality.capa_closed_on_time", world.company("B"), *march) is None
