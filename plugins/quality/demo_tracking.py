"""Demonstration data: quality tracking 质量跟踪 in each demo company.

Who signs: the head of 销售部 (``quality.sales_head``) is the sales
department's head, with the general manager (the demo admin login) standing
in so the demo can sign; 质管部's receiver (``quality.qm_receiver``) is the
quality manager (the demo manager login). Five trackings on the CRM's demo
customers, dates relative to the company's today, moved through core's
workflow: one filed with nothing to solve, one solved on time and closed,
one received by 质管部 five weeks ago and still open (overdue: core's tile),
one waiting for the 销售部 sign-off, one four months old (the customer is
due for tracking again). The other customers were never tracked: due too.
"""
from __future__ import annotations

import datetime as dt

from core import db
from core.calendar.timezone import local_now, local_today
from core.org import Employee, ResponsibilityHolder
from core.records import access, tenancy
from core.workflow import transition

#: Per company: (sales head 工号s, 质管部 receiver 工号, tracking sales person 工号).
PEOPLE = {"HZ": (("HZ005", "HZ001"), "HZ002", "HZ006"), "CD": (("CD004", "CD001"), "CD002", "CD005")}

# customer suffix, days ago, channel, topics ticked (process, standards, delivery, service, complaints),
# opinion, problems, unsolved, finding, how far it goes
TRACKINGS = [
    ("001", 10, "phone", (1, 1, 1, 1, 1), "对设备运行和服务都满意", None, None, "none", "filed"),
    ("002", 20, "maintenance", (1, 1, 1, 0, 1), "上门维护及时", "净水设备出水量下降", "反渗透膜疑似批次质量问题，需质管部分析",
     "defect", "closed"),
    ("004", 40, "email", (1, 0, 1, 1, 0), "希望尽快答复", "滤芯更换周期短于说明书", "滤芯寿命与标准不符，需检测",
     "defect", "received"),
    ("006", 5, "callback", (1, 1, 1, 1, 1), "整体满意", "遥控器设置错误导致不制热", None, "misuse", "draft"),
    ("010", 125, "letter", (1, 1, 0, 1, 1), "交货延期因台风，已表示理解", None, None, "none", "filed"),
]


def _holders(company, sales_heads, receiver) -> dict[str, Employee]:
    people = {e.number: e for e in tenancy.scoped_query(Employee, company)}
    for number in sales_heads:
        if number in people:
            db.session.add(ResponsibilityHolder(responsibility="quality.sales_head", employee=people[number]))
    if receiver in people:
        db.session.add(ResponsibilityHolder(responsibility="quality.qm_receiver", employee=people[receiver]))
    db.session.flush()
    return people


def load(company, users) -> None:
    spec = PEOPLE.get(company.code)
    if spec is None:
        return
    sales_heads, receiver, tracker = spec
    people = _holders(company, sales_heads, receiver)
    person = people.get(tracker)
    Customer = access.resolve("crm.customer").model  # crm's entity, through core
    prefix = f"{company.code}-KH"
    customers = {c.code: c for c in tenancy.scoped_query(Customer, company).filter(Customer.code.like(f"{prefix}%"))}
    today, now = local_today(company), local_now(company)
    for suffix, ago, channel, ticks, opinion, problems, unsolved, finding, goal in TRACKINGS:
        customer = customers.get(prefix + suffix)
        if customer is None:  # the CRM's demo changed: skip, never fail the demo
            continue
        record = access.create("quality.tracking", dict(
            customer=customer, tracked_on=today - dt.timedelta(days=ago), channel=channel,
            product="商用空调机组 KT-35" if suffix != "002" else "商用净水设备 RO-800",
            topic_process=bool(ticks[0]), topic_standards=bool(ticks[1]), topic_delivery=bool(ticks[2]),
            topic_service=bool(ticks[3]), topic_complaints=bool(ticks[4]),
            force_majeure_late=suffix == "010", force_majeure_understood=suffix == "010",
            opinion=opinion, problems=problems, unsolved_problems=unsolved, finding=finding,
            responsible=person, department=person.department if person else None,
            qm_handler=people.get(receiver) if unsolved else None,
            # 质管部 received it two days after the tracking (the receipt as it was recorded).
            qm_received_at=(now - dt.timedelta(days=ago - 2)) if unsolved else None))
        if goal == "draft":
            continue
        with tenancy.acting_as(company, users["admin"]):      # stands in as head of 销售部
            transition(record, "sign")
            db.session.flush()  # audited as the signer
        if goal == "filed":
            transition(record, "file")
            db.session.flush()
            continue
        with tenancy.acting_as(company, users["manager"]):    # 质管部's receiver
            transition(record, "receive")
            if goal == "closed":
                access.update(record, dict(cause_analysis="供应商该批次反渗透膜脱盐率偏低",
                                           handling_opinion="免费更换反渗透膜并要求供应商整改",
                                           solved_at=now - dt.timedelta(days=ago - 9),
                                           user_informed_on=today - dt.timedelta(days=ago - 10)),
                              record.version)
                transition(record, "solve")
                transition(record, "close")
            db.session.flush()
    db.session.flush()
