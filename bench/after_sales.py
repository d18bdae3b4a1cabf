"""After-sales benchmark: the work-order lists (overdue, my department) and
every after-sales KPI on a big company.

    .venv/bin/python bench/after_sales.py [--orders 1000000] [--runs 10]
        [--database-url postgresql+psycopg://...]

Builds a database through the app's migrations (SQLite in a temp dir unless
``--database-url`` is given -- that database is EMPTIED first), loads the
demo companies (``qdesk demo load``), adds five service centres beside the
demo's 售后服务中心 (all under 供销部) and 20 engineers, then bulk-inserts
(Core ``executemany``, not the ORM) into HZ ``--orders`` work orders received
over the last 3 years (2 % cancelled, about 1.5 % still open and overdue,
the rest resolved, called back or closed, one in seven reopened once) with
their two deadline clocks each (``deadline_clocks``: response 24 h and
resolution 2/4 days, met, late, running, breached or paused as core would
have kept them), a service report for one solved order in three (returned
two hours after the resolution, handed in after about 30 h on average, its
2-day clock met or late), 5,000 customers, and a tenth of all that into CD
as noise. Then ``ANALYZE``.

Measured (``--runs`` runs after a warm-up), logged in as the demo staff user
of HZ (刘洋, of 售后服务中心):

* list pages through the real screen (endpoint ``after_sales_workorder``,
  when it is there): ``?overdue=after_sales.workorder.resolution`` and
  ``?mine=department``: p50/p95 ms of the whole request, SQL statements per
  page, the same statements re-run directly on a connection;
* the same two lists through core alone, as a screen builds them
  (``access.query`` + ``core.deadlines.filter_clause`` or
  ``core.org.my_department_clause``, the count and a page of 50);
* each after-sales KPI (``core.kpis.kpi_value``) for the last full quarter
  and the last 12 months, for HZ and for one service centre: value, p50
  and max ms. Target < 1 s each.

Results are printed as tables; nothing is asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crm_list import Statements, login, make_app, measure_page, percentile  # noqa: E402

CHUNK = 20_000
SUBJECTS = ("空调不制冷", "电梯异响", "热水不稳定", "净水器漏水", "主机报警E4", "安装预约", "调试验收", "滤芯更换",
            "操作培训", "遥控器失灵", "噪音过大", "外机结霜")
CENTRES = (("SH-NB", "宁波服务中心"), ("SH-WZ", "温州服务中心"), ("SH-SX", "绍兴服务中心"),
           ("SH-JX", "嘉兴服务中心"), ("SH-TZ", "台州服务中心"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静强磊军洋勇杰涛明超霞平刚斌华新"
KPIS = ("after_sales.workorder.response.on_time", "after_sales.workorder.resolution.on_time",
        "after_sales.report.due.on_time", "after_sales.resolution_rate", "after_sales.first_contact_resolution_rate",
        "after_sales.average_handling_hours", "after_sales.average_response_hours",
        "after_sales.feedback_handling_rate")
RESPONSE, RESOLUTION = "after_sales.workorder.response", "after_sales.workorder.resolution"
REPORT = "after_sales.report.due"


def _org(company, users, n_engineers: int, rng) -> tuple[list[int], list[int], int]:
    """Service centres and engineers of ``company`` (ORM: a few rows);
    returns (centre ids, engineer ids, id of the bench's own centre to measure)."""
    from core.extensions import db
    from core.org import Department, Employee
    from core.records import tenancy
    with tenancy.acting_as(company, users["admin"]):
        departments = {d.code: d for d in tenancy.scoped_query(Department, company)}
        parent = departments.get("GX") or next(iter(departments.values()), None)
        centres = [departments[c] for c in ("SH", "KF") if c in departments]
        for code, name in CENTRES:
            centres.append(Department(code=code, name=name, parent=parent))
        db.session.add_all(centres)
        engineers = [Employee(number=f"{company.code}-E{i:03d}", department=rng.choice(centres),
                              name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN))
                     for i in range(n_engineers)]
        db.session.add_all(engineers)
        db.session.commit()
        own = [e.id for e in tenancy.scoped_query(Employee, company).filter(
            Employee.department_id.in_([c.id for c in centres]))]
        return [c.id for c in centres], own, centres[-1].id


def _order_rows(rng, i: int, now: dt.datetime, received: dt.datetime, base: dict, customers: list[int],
                centres: list[int], engineers: list[int], number: str) -> tuple[dict, list[dict]]:
    """One work order and its two clocks, states as core would have left them."""
    from core.deadlines import end_of
    age_days = (now - received).days
    in_province = rng.random() < 0.8
    response_due = received + dt.timedelta(hours=24)
    resolution_due = end_of(received.date() + dt.timedelta(days=2 if in_province else 4))
    roll = rng.random()
    if roll < 0.02:
        state = "cancelled"
    elif age_days < 5 and roll < 0.6 or roll < 0.035:
        state = rng.choice(("recorded", "classified", "dispatched", "in_progress", "in_progress", "waiting"))
    else:
        state = rng.choices(("closed", "callback_done", "resolved"), (80, 8, 12))[0] if age_days > 10 \
            else rng.choice(("resolved", "callback_done"))
    solved = state in ("resolved", "callback_done", "closed")
    responded = None if state == "recorded" else received + dt.timedelta(hours=min(rng.expovariate(1 / 6), 60))
    resolved = received + dt.timedelta(hours=rng.uniform(3, 130)) if solved else None
    reopened = resolved - dt.timedelta(hours=1) if solved and rng.random() < 1 / 7 else None
    order = dict(base, id=i, number=number, customer_id=rng.choice(customers), subject=rng.choice(SUBJECTS),
                 stage="after_sale", priority=rng.choices(("low", "normal", "high", "urgent"), (10, 70, 15, 5))[0],
                 channel=rng.choice(("hotline", "phone", "service_centre", "email")), received_at=received,
                 responded_at=responded, response_due=response_due, resolution_due=resolution_due,
                 dispatched_at=responded, resolved_at=resolved, reopened_at=reopened,
                 closed_at=resolved + dt.timedelta(days=3) if state == "closed" else None, state=state,
                 department_id=rng.choice(centres), responsible_id=rng.choice(engineers))

    def clock(key, due, met_at, paused=False):
        if met_at is not None:
            status = "met" if met_at <= due else "late"
        elif paused:
            status = "paused"
        else:
            status = "running" if due >= now else "breached"
        return dict(company_id=base["company_id"], deadline=key, record_id=i, started_at=received, due_at=due,
                    status=status, paused_since=now - dt.timedelta(hours=2) if paused else None, pauses=[],
                    met_at=met_at, breached_at=now if status == "breached" else None)
    done_at = received + dt.timedelta(hours=1) if state == "cancelled" else None
    clocks = [clock(RESPONSE, response_due, responded or done_at),
              clock(RESOLUTION, resolution_due, resolved or done_at, paused=state == "waiting")]
    report = None
    if solved and rng.random() < 1 / 3:  # an on-site job: its service report, due 2 days after the return
        returned = resolved + dt.timedelta(hours=2)
        report_due = end_of(returned.date() + dt.timedelta(days=2))
        submitted = returned + dt.timedelta(hours=rng.expovariate(1 / 30))
        submitted = submitted if submitted <= now else None
        report = dict(base, work_order_id=i, number=f"FWBG-{number}", engineer_id=order["responsible_id"],
                      returned_at=returned, report_due=report_due, submitted_at=submitted,
                      state="reviewed" if submitted else "draft")
        started = dict(clock(REPORT, report_due, submitted), started_at=returned)
        clocks.append(started)
    return order, clocks, report


def bulk_load(app, orders: int, seed: int = 11) -> dict:
    from sqlalchemy import func, select, text
    from core.deadlines import DeadlineClock
    from core.demo import load_demo
    from core.extensions import db
    from core.models import Company, User
    from plugins.after_sales.models import ServiceReport, WorkOrder
    from plugins.crm.models import Customer
    rng = random.Random(seed)
    from core.calendar.timezone import local_now
    measured = {}
    with app.app_context():
        load_demo()
        with db.engine.begin() as conn:
            next_id = (conn.execute(select(func.max(WorkOrder.id))).scalar() or 0) + 1
            next_report_id = (conn.execute(select(func.max(ServiceReport.id))).scalar() or 0) + 1
        for code, n_orders, n_customers, n_engineers in (("HZ", orders, 5000, 20),
                                                          ("CD", orders // 10, 500, 5)):
            company = db.session.query(Company).filter_by(code=code).one()
            now = local_now(company)  # the clocks hold company-local wall-clock time
            users = {role: db.session.query(User).filter_by(email=f"{role}@{code.lower()}.demo").one()
                     for role in ("admin", "staff")}
            centres, engineers, centre = _org(company, users, n_engineers, rng)
            base = dict(company_id=company.id, version=1, created_at=now, created_by_id=users["staff"].id)
            start, n_reports, n_clocks = time.perf_counter(), 0, 0
            with db.engine.begin() as conn:
                rows = [dict(base, code=f"{code}-B{i:06d}", name=f"{rng.choice(SURNAMES)}氏{i}号客户",
                             kind="organisation", province="浙江" if rng.random() < 0.8 else "江苏")
                        for i in range(n_customers)]
                conn.execute(Customer.__table__.insert(), rows)
                customers = list(conn.execute(select(Customer.id).where(Customer.company_id == company.id))
                                 .scalars())
            # Received moments in order: ids grow with them, as they do when orders are recorded.
            received = sorted(now - dt.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)) for _ in range(n_orders))
            with db.engine.begin() as conn:
                for first in range(0, n_orders, CHUNK):
                    batch, clocks, reports = [], [], []
                    for n in range(first, min(first + CHUNK, n_orders)):
                        order, theirs, report = _order_rows(rng, next_id, now, received[n], base, customers,
                                                            centres, engineers, f"GD-B{code}-{n + 1:07d}")
                        batch.append(order)
                        if report is not None:
                            report["id"] = next_report_id
                            for c in theirs:
                                if c["deadline"] == REPORT:
                                    c["record_id"] = next_report_id
                            reports.append(report)
                            next_report_id += 1
                        clocks.extend(theirs)
                        next_id += 1
                    conn.execute(WorkOrder.__table__.insert(), batch)
                    if reports:
                        conn.execute(ServiceReport.__table__.insert(), reports)
                    conn.execute(DeadlineClock.__table__.insert(), clocks)
                    n_reports += len(reports)
                    n_clocks += len(clocks)
            print(f"loaded {code}: {n_orders} work orders, {n_reports} service reports, {n_clocks} clocks, "
                  f"{n_customers} customers in {time.perf_counter() - start:.1f}s", flush=True)
            if code == "HZ":
                measured = dict(company_id=company.id, centre_id=centre)
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":  # ids were given: move the sequence past them
                for table in ("after_sales_work_order", "after_sales_service_report"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))
            conn.execute(text("ANALYZE"))
    return measured


def measure_core_list(app, which: str, runs: int) -> dict:
    """A list as a screen builds it through core: count + first page of 50."""
    from sqlalchemy import event, func
    from core.calendar.timezone import local_now
    from core.deadlines import DeadlineRegistry, filter_clause
    from core.extensions import db
    from core.models import Company, User
    from core.org import my_department_clause
    from core.records import access, tenancy
    from plugins.after_sales.models import WorkOrder
    with app.app_context():
        company = db.session.query(Company).filter_by(code="HZ").one()
        user = db.session.query(User).filter_by(email="staff@hz.demo").one()
        with tenancy.acting_as(company, user):
            def run():
                query = access.query("after_sales.workorder")
                if which == "overdue":
                    d = DeadlineRegistry.current().by_key[RESOLUTION]
                    query = query.filter(filter_clause(d, "overdue", local_now(company))) \
                        .order_by(WorkOrder.resolution_due, WorkOrder.id)
                else:
                    query = query.filter(my_department_clause(WorkOrder, user)) \
                        .order_by(WorkOrder.received_at.desc(), WorkOrder.id.desc())
                total = query.order_by(None).with_entities(func.count(WorkOrder.id)).scalar()
                page = query.limit(50).all()
                return total, len(page)
            total, shown = run()  # warm-up
            times, counts = [], []
            statements = []
            for _ in range(runs):
                seen = Statements()
                event.listen(db.engine, "before_cursor_execute", seen)
                db.session.expunge_all()
                start = time.perf_counter()
                run()
                times.append((time.perf_counter() - start) * 1000)
                event.remove(db.engine, "before_cursor_execute", seen)
                counts.append(len(seen.seen))
                statements = seen.seen
            sql_times = []
            with db.engine.connect() as conn:
                for _ in range(runs):
                    start = time.perf_counter()
                    for statement, parameters in statements:
                        conn.exec_driver_sql(statement, parameters).fetchall()
                    sql_times.append((time.perf_counter() - start) * 1000)
                conn.rollback()
    return dict(total=total, shown=shown, p50=percentile(times, 50), p95=percentile(times, 95),
                queries=f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}",
                sql_p50=percentile(sql_times, 50), sql_p95=percentile(sql_times, 95))


def measure_kpis(app, centre_id: int, runs: int) -> list[tuple]:
    from core.calendar.timezone import local_today
    from core.extensions import db
    from core.kpis import KpiUnavailable, get_kpi, kpi_value
    from core.models import Company
    from core.org import Department
    from core.records import tenancy
    rows = []
    with app.app_context():
        company = db.session.query(Company).filter_by(code="HZ").one()
        today = local_today(company)
        quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last_q_end = quarter_start - dt.timedelta(days=1)
        last_q = (dt.date(last_q_end.year, 3 * ((last_q_end.month - 1) // 3) + 1, 1), last_q_end)
        year = (today.replace(year=today.year - 1) + dt.timedelta(days=1), today)
        with tenancy.acting_as(company, None):
            centre = db.session.get(Department, centre_id)
            for key in KPIS:
                kpi = get_kpi(key, company)
                for period_name, period in (("quarter", last_q), ("12 months", year)):
                    for subject_name, subject in (("HZ", None), (centre.name, centre)):
                        if subject is not None and "department" not in kpi.subjects:
                            rows.append((key, period_name, subject_name, "—", None, None))
                            continue
                        try:
                            value = kpi_value(key, company, *period, subject=subject)  # warm-up
                        except KpiUnavailable as exc:
                            rows.append((key, period_name, subject_name, str(exc)[:20], None, None))
                            continue
                        times = []
                        for _ in range(runs):
                            start = time.perf_counter()
                            kpi_value(key, company, *period, subject=subject)
                            times.append((time.perf_counter() - start) * 1000)
                        rows.append((key, period_name, subject_name, value, percentile(times, 50), max(times)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000, help="work orders of the big company")
    parser.add_argument("--runs", type=int, default=10, help="measured runs per case")
    parser.add_argument("--database-url", help="SQLAlchemy URL (PostgreSQL); EMPTIED first. Default: "
                                               "SQLite in a temp dir")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows when the output goes to a file
    with tempfile.TemporaryDirectory(prefix="qdesk-bench-") as tmp:
        workdir = Path(tmp)
        start = time.perf_counter()
        app = make_app(workdir, args.database_url)
        measured = bulk_load(app, args.orders)
        with app.app_context():
            from core.extensions import db
            dialect = db.engine.dialect.name
            version = db.session.execute(db.text(
                "SELECT sqlite_version()" if dialect == "sqlite" else "SHOW server_version")).scalar()
            screen = "after_sales_workorder.index_view" in app.view_functions
        print(f"built in {time.perf_counter() - start:.0f}s: {dialect} {version}, HZ {args.orders} work orders, "
              f"CD {args.orders // 10}\n")
        head = f"{'list':<46}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'SQL p50':>9}{'SQL p95':>9}"
        if screen:
            from flask import url_for
            with app.test_request_context():
                url = url_for("after_sales_workorder.index_view")
            client = login(app)
            pages = [(f"page ?overdue={RESOLUTION.rsplit('.', 1)[1]}", f"{url}?overdue={RESOLUTION}"),
                     ("page ?mine=department", f"{url}?mine=department")]
            print(f"list pages through the screen {url} ({args.runs} runs; page size 50)")
            print(head)
            for label, page in pages:
                r = measure_page(app, client, page, args.runs)
                print(f"{label:<46}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['queries']:>9}{r['sql_p50']:>9.1f}"
                      f"{r['sql_p95']:>9.1f}")
            print()
        else:
            print("list pages: the work-order screen (endpoint after_sales_workorder) is not there yet\n")
        print(f"the same lists through core: access.query + filter, count + 50 rows ({args.runs} runs)")
        print(head + f"{'rows':>10}")
        for label, which in (("overdue (resolution), longest first", "overdue"),
                             ("my department (刘洋, 售后服务中心), newest first", "mine")):
            r = measure_core_list(app, which, args.runs)
            print(f"{label:<46}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['queries']:>9}{r['sql_p50']:>9.1f}"
                  f"{r['sql_p95']:>9.1f}{r['total']:>10}")
        print("(queries: SQL statements per list; SQL: those statements re-run directly on a connection)\n")
        print(f"KPIs through core.kpis.kpi_value ({args.runs} runs; target < 1000 ms)")
        print(f"{'KPI':<44}{'period':<11}{'subject':<10}{'value':>10}{'p50 ms':>9}{'max ms':>9}")
        for key, period, subject, value, p50, worst in measure_kpis(app, measured["centre_id"], args.runs):
            shown = "" if value is None else str(value)
            timing = f"{p50:>9.1f}{worst:>9.1f}" if p50 is not None else f"{'':>9}{'':>9}"
            print(f"{key:<44}{period:<11}{subject:<10}{shown:>10}{timing}")


if __name__ == "__main__":
    main()
