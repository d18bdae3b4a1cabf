"""What the callback tests start from: a service organisation, work orders
made in bulk (through the model's table, not 240 screen posts), and the
screens' posts of a run (create, transition, a line's outcome)."""
from __future__ import annotations

import datetime as dt
import html
import re

from sqlalchemy import insert

from core import db
from core.org import Department, Employee, ResponsibilityHolder
from core.records import tenancy
from plugins.after_sales.models import WorkOrder
from plugins.after_sales.tests.helpers import add_customer

from ..models.callbacks import Callback, CallbackRun

RUNS = "/admin/quality/callbackrun/"
LINES = "/admin/quality/callback/"
#: The period of the tests: November 2026, a callback on the 10th.
PERIOD, CALLED = "2026-11", dt.datetime(2026, 11, 10, 15, 0)


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def alerts(response) -> str:
    page = text(response)
    found = re.findall(r'alert-\w+[^>]*>(.{0,400}?)</div>|text-danger[^>]*>(.{0,300}?)</ul>', page)
    return " | ".join(re.sub(r"<[^>]+>", " ", a or b).strip() for a, b in found)


def setup_org(app, world, code="A"):
    """Company ``code``: 售后服务部 (the service centre, head 赵敏 with the
    manager login) with the outlet 杭州网点 under it, whose engineer 刘洋 has
    the staff login; 陈会计 (the admin login) holds 财务科; one customer."""
    low = code.lower()
    with app.app_context(), tenancy.acting_as(world.company(code), world.user(f"admin@{low}.test")):
        centre = Department(code="FW", name="售后服务部")
        outlet = Department(code="HZ", name="杭州网点", parent=centre)
        zhao = Employee(number=f"{code}001", name="赵敏", department=centre, user=world.user(f"manager@{low}.test"))
        liu = Employee(number=f"{code}013", name="刘洋", department=outlet, user=world.user(f"staff@{low}.test"))
        chen = Employee(number=f"{code}030", name="陈会计", user=world.user(f"admin@{low}.test"))
        db.session.add_all([centre, outlet, zhao, liu, chen])
        db.session.flush()
        centre.head = zhao
        db.session.add(ResponsibilityHolder(responsibility="quality.finance", employee=chen))
        db.session.commit()
        ids = {k: v.id for k, v in dict(centre=centre, outlet=outlet, zhao=zhao, liu=liu, chen=chen).items()}
    ids["customer"] = add_customer(app, world, f"{code}KH01", company=code,
                                   name="西湖国宾馆" if code == "A" else "锦江宾馆", phone="0571-87979889")
    return ids


def add_orders(app, world, org, n, code="A", called=CALLED, state="closed", start=1, **extra):
    """``n`` work orders of company ``code`` called back at ``called``, of
    the outlet and its engineer unless ``extra`` says otherwise; their ids."""
    with app.app_context():
        company = world.company(code)
        rows = [dict(company_id=company.id, version=1, customer_id=org["customer"], number=f"GD-2026-{i:05d}",
                     subject=f"空调维修{i}", received_at=called - dt.timedelta(days=3),
                     resolved_at=called - dt.timedelta(days=1), callback_at=called,
                     closed_at=called if state == "closed" else None, state=state,
                     **{"department_id": org["outlet"], "responsible_id": org["liu"], **extra})
                for i in range(start, start + n)]
        db.session.execute(insert(WorkOrder.__table__), rows)
        db.session.commit()
        return [pk for (pk,) in db.session.query(WorkOrder.id).filter(
            WorkOrder.company_id == company.id, WorkOrder.number.in_([r["number"] for r in rows]))]


def create_run(client, **fields) -> int:
    """A run made through its screen's create form; its id."""
    data = {"level": "centre", "period": PERIOD, "notes": ""}
    data.update({k: str(v) for k, v in fields.items() if v is not None})
    response = client.post(f"{RUNS}new/", data)
    assert response.status_code == 302, alerts(response)
    with client.app.app_context():
        return db.session.query(CallbackRun).order_by(CallbackRun.id.desc()).first().id


def fire(client, pk, key):
    """A transition through the run's page; the page after it."""
    with client.app.app_context():
        version = db.session.get(CallbackRun, pk).version
    response = client.post(f"{RUNS}transition/", {"id": str(pk), "version": str(version), "transition": key})
    assert response.status_code in (302, 403), response.status_code
    return client.get(f"{RUNS}details/?id={pk}", follow_redirects=True)


def record(client, line_id, outcome, remarks="", **fields):
    """A line's outcome saved through its edit form; the response."""
    with client.app.app_context():
        version = db.session.get(Callback, line_id).version
    data = {"outcome": outcome, "remarks": remarks, "called_on": "", "follow_up_result": "",
            "follow_up_done_on": "", "record_version": str(version)}
    data.update(fields)
    return client.post(f"{LINES}edit/?id={line_id}", data)


def set_outcomes(app, run_id, outcomes: dict[int, str]):
    """Outcomes written straight into the table (the bulk of a 240-line run;
    the screens' own rules are tested on single lines)."""
    with app.app_context():
        for line_id, outcome in outcomes.items():
            db.session.execute(Callback.__table__.update().where(Callback.id == line_id)
                               .values(outcome=outcome, called_on=dt.date(2026, 11, 12)))
        db.session.commit()


def lines_of(app, run_id):
    with app.app_context():
        return [(c.id, c.work_order_id, c.outcome) for c in
                db.session.query(Callback).filter(Callback.run_id == run_id).order_by(Callback.seq)]


def run_of(app, run_id):
    with app.app_context():
        run = db.session.get(CallbackRun, run_id)
        db.session.expunge(run)
        return run
