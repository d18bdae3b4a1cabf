"""Loads the after-sales demo story (:mod:`plugins.after_sales.demo_story`)
into one demo company, after its catalogue (plugins/after_sales/demo.py).

Nothing core keeps is set by hand: numbers come from the sequences, due
moments from the deadlines, states only from :func:`core.workflow.transition`
fired as the demo users who may (the service clerk, the manager who holds
管理者代表 for the sign-off and 技质部's review). What a clerk would have
typed at the time is filled in before each transition (the moment of the
first response, of the dispatch...), so the transitions keep it instead of
stamping the loading time. Each transition is flushed on its own: the
order's history shows every step."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core import db
from core.calendar.timezone import local_now
from core.org import Department, Employee
from core.records import access
from core.records.tenancy import acting_as, scoped_query
from core.workflow import transition

from .models import (PartNotice, PartNoticeLine, Product, ReportPart, ServiceReport, UnitSold,
                     WarrantyDecision, WorkOrder, WorkOrderCategory)
from .demo_story import (ARTICLES, CONSULT_TARGETS, DECISIONS, NOTICES, ORDERS, REPORTS, SAVED_ARTICLE, STAFFING,
                         Order)

#: The moment each work-order transition keeps (the clerk's, not the loading time).
STAMPS = {"classify": "responded_at", "dispatch": "dispatched_at", "start": "started_at", "resolve": "resolved_at",
          "callback": "callback_at", "close": "closed_at", "reopen": "reopened_at"}


def received_at(spec: Order, now: dt.datetime) -> dt.datetime:
    """When ``spec`` came in: ``"<n>h"`` before ``now``, or ``(days, "HH:MM")``."""
    if isinstance(spec.received, str):
        return now - dt.timedelta(hours=int(spec.received.rstrip("h")))
    days, clock = spec.received
    return dt.datetime.combine(now.date() - dt.timedelta(days=days), dt.time.fromisoformat(clock))


def _fire(record, key: str, comment: str | None = None) -> None:
    transition(record, key, comment)
    db.session.flush()  # one step, one entry in the record's history


def load_orders(company, users) -> dict[str, WorkOrder]:
    """The story's work orders and their papers in ``company``; committed.
    Returns the orders by their story key (nothing for a company the story
    has no staff for)."""
    staffing = STAFFING.get(company.code)
    staff, manager = users.get("staff"), users.get("manager")
    if staffing is None or staff is None or manager is None:
        return {}
    people = {e.number: e for e in scoped_query(Employee, company)}
    centre = scoped_query(Department, company).filter(Department.code == staffing["centre"]).first()
    Customer = access.resolve("crm.customer").model  # crm's entity, through core
    customers = {c.code.rsplit("KH", 1)[-1]: c for c in scoped_query(Customer, company)
                 .filter(Customer.code.like(f"{company.code}-KH%"))}
    units = {u.serial: u for u in scoped_query(UnitSold, company)}
    categories = {c.code: c for c in scoped_query(WorkOrderCategory, company)}
    now = local_now(company).replace(second=0)

    with acting_as(company, users.get("admin") or manager):
        consult = categories.get("consult")
        if consult is not None:  # the company's own list: an admin's edit
            access.update(consult, {k: Decimal(v) if k.endswith("amount") else v for k, v in CONSULT_TARGETS.items()},
                          consult.version)
        db.session.commit()

    orders: dict[str, WorkOrder] = {}
    with acting_as(company, staff):
        for spec in sorted(ORDERS, key=lambda s: received_at(s, now)):
            customer = customers.get(spec.customer)
            if customer is None:  # the CRM's demo changed: leave the order out, never fail the demo
                continue
            orders[spec.key] = _order(spec, customer, units, categories, people, staffing, centre, now)
        db.session.commit()
        _decisions(orders)
        db.session.commit()
    _reports(company, staff, manager, orders, people, staffing)
    _notices(company, staff, manager, orders, now)
    _articles(company, staff, orders)
    return orders


def _order(spec: Order, customer, units, categories, people, staffing, centre, now) -> WorkOrder:
    received = received_at(spec, now)
    order = WorkOrder(customer=customer, contact=customer.primary_contact, unit=units.get(spec.serial),
                      project=spec.project, stage=spec.stage, category=categories.get(spec.category),
                      priority=spec.priority, channel=spec.channel, subject=spec.subject,
                      description=spec.description, repair_task=spec.task, received_at=received,
                      department=centre, responsible=people.get(staffing[spec.who]))
    if spec.responded is not None:  # a first response the clerk typed (a call back, then cancelled)
        order.responded_at = received + dt.timedelta(hours=spec.responded)
    db.session.add(order)
    db.session.flush()  # numbered, its deadlines counted from the receipt
    for key, hours, *comment in spec.steps:
        when = received + dt.timedelta(hours=hours)
        if key in STAMPS and getattr(order, STAMPS[key]) is None:
            setattr(order, STAMPS[key], when)
        if key == "resolve":
            order.resolution = spec.resolution
        if key == "callback":
            order.callback_opinion, order.callback_notes = spec.opinion, spec.callback_notes
        _fire(order, key, comment[0] if comment else None)
    return order


def _decisions(orders) -> None:
    """三包 decisions, computed by the plugin from the unit and the cause, confirmed by the clerk."""
    for key, cause in DECISIONS:
        order = orders.get(key)
        if order is None or order.unit is None:
            continue
        decision = WarrantyDecision(work_order=order, unit=order.unit, fault_date=order.received_at.date(),
                                    cause=cause)
        db.session.add(decision)
        db.session.flush()
        _fire(decision, "confirm")


def _reports(company, staff, manager, orders, people, staffing) -> None:
    """Service reports handed in by the clerk for the engineer (one on
    time, one late), the first reviewed by 技质部 (its manager)."""
    for spec in REPORTS:
        order = orders.get(spec["order"])
        if order is None:
            continue
        received = order.received_at
        departed, arrived, finished, returned = (received + dt.timedelta(hours=h) for h in spec["hours"])
        with acting_as(company, staff):
            report = ServiceReport(work_order=order, engineer=order.responsible, departed_at=departed,
                                   arrived_at=arrived, finished_at=finished, returned_at=returned,
                                   symptom=spec["symptom"], verified_fault=spec["verified_fault"],
                                   cause_analysis=spec["cause_analysis"], work_done=spec["work_done"],
                                   user_opinion=spec["user_opinion"], user_name=spec["user_name"],
                                   user_signed_on=finished.date(),
                                   submitted_at=returned + dt.timedelta(hours=spec["submitted"]))
            for name, part_spec, quantity, unit, charge in spec["parts"]:
                report.parts.append(ReportPart(part_name=name, spec=part_spec, quantity=Decimal(quantity), unit=unit,
                                               charge=charge))
            db.session.add(report)
            db.session.flush()  # numbered; due 2 days after the return
            _fire(report, "submit")
            db.session.commit()
        if spec["reviewed"]:
            with acting_as(company, manager):  # 技质部: no corrective action, continuous improvement
                report.capa_needed, report.review_notes = "no", "偶发磨损，纳入季度巡检润滑项目。"
                _fire(report, "review")
                db.session.commit()


def _notices(company, staff, manager, orders, now) -> None:
    """Spare-part notices: written by the clerk (供销部), signed by the
    管理者代表, shipped by 生产部 (a 三包 notice's shipment posts its ledger
    lines: the plugin's own rule); the paid one waits for its signature."""
    for spec in NOTICES:
        order = orders.get(spec["order"])
        if order is None:
            continue
        report = (scoped_query(ServiceReport, company).filter(ServiceReport.work_order_id == order.id).first()
                  if spec["report"] else None)
        with acting_as(company, staff):
            notice = PartNotice(work_order=order, report=report, customer=order.customer, reason=spec["reason"],
                                charge=spec["charge"], ship_address=order.customer.address, receiver=spec["receiver"],
                                receiver_phone=spec["phone"], ship_date=now.date(), ship_place=spec["place"])
            for name, part_spec, quantity, unit in spec["lines"]:
                notice.lines.append(PartNoticeLine(part_name=name, spec=part_spec, quantity=Decimal(quantity),
                                                   unit=unit, unit_sold=order.unit))
            db.session.add(notice)
            db.session.flush()  # numbered; a sign-off needs the id
            db.session.commit()
        if spec["until"] == "pending":
            continue
        with acting_as(company, manager):  # the holder of 管理者代表 signs
            _fire(notice, "sign", "同意补发。")
            db.session.commit()
        with acting_as(company, staff):  # 生产部 prepares and ships
            notice.carrier, notice.waybill = spec["carrier"], spec["waybill"]
            _fire(notice, "ship")
            db.session.commit()


def _articles(company, staff, orders) -> None:
    """The knowledge base: "save as article" from the closed hotel order (the
    work-order page's action, through core), and two articles written by
    hand that the orders they helped point at."""
    from core import links
    from .article_actions import KEY
    with acting_as(company, staff):
        source = orders.get(SAVED_ARTICLE)
        if source is not None:
            links.run_action(links.require_action(source, KEY), source)
        products = {p.model: p for p in scoped_query(Product, company)}
        categories = {c.code: c for c in scoped_query(WorkOrderCategory, company)}
        for spec in ARTICLES:
            article = access.create("after_sales.article", {
                "title": spec["title"], "product": products.get(spec["model"]),
                "category": categories.get(spec["category"]), "problem": spec["problem"], "cause": spec["cause"],
                "solution": spec["solution"]})
            for key in spec["orders"]:
                if key in orders:
                    access.update(orders[key], {"article": article}, orders[key].version)
        db.session.commit()

