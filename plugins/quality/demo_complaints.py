"""Demonstration data: quality complaints 质量信息反馈单 in each demo company
(HZ, a manufacturer; CD, a property-service company: core's demo
organisations), in different states: one just received, one accepted,
one 重大 case from the 消协 (the 法律事务部 is told), one about our own
staff waiting for the 总经理's approval, one closed. The company's admin
names who holds the complaint responsibilities (企业管理部门: the quality
manager, who also liaises with the 法律事务部 in the demo so that the
notice reaches a login; 人力资源科: the HR department's head). Dates are
relative to the company's today; numbers, states and due moments come
from core, the steps from core's workflow acting as the users who may."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core import db
from core.calendar.timezone import local_now
from core.records import access, tenancy
from core.workflow import transition

#: Who holds what (工号), per demo company.
HOLDERS = {"HZ": (("quality.enterprise_management", "HZ002"), ("quality.hr", "HZ010"), ("quality.legal", "HZ002")),
           "CD": (("quality.enterprise_management", "CD002"), ("quality.hr", "CD012"), ("quality.legal", "CD002"))}
#: Who receives (首问负责人), who is liable, who is complained about, the liable department.
PEOPLE = {"HZ": {"receiver": "HZ013", "liable": "HZ008", "accused": "HZ014", "department": "SC"},
          "CD": {"receiver": "CD005", "liable": "CD008", "accused": "CD009", "department": "GC"}}

#: key, days ago, source, category, fields, steps to walk.
STORIES = {
    "HZ": [
        ("new", 0, "phone", "product", dict(complainant="钱先生", contact="电话 139 5711 2233",
                                            consent_note="同意留电话", product="商用净水设备", spec="RO-800",
                                            description="出水有异味，滤芯更换后仍未改善", evidence="uncountable",
                                            evidence_description="出水有轻微塑料味，水样已封存"), ()),
        ("accepted", 2, "letter", "product", dict(complainant="滨江物业工程部", product="空调滤芯（批）",
                                                  spec="LX-10", batch="LX10-L240601", quantity=Decimal(12),
                                                  item="滤芯", place="滨江物业仓库", evidence="countable",
                                                  description="一箱滤芯中12片边框开裂"), ("accept",)),
        ("consumer_assoc", 6, "consumer_assoc", "product",
         dict(complainant="消协转办（投诉人不愿留名）", consent_note="投诉人不同意留联系方式", product="商用空调机组",
              spec="KT-35", description="空调运行噪音超标，已投诉至区消费者协会", evidence="none",
              leader_opinion="重大投诉，营销中心牵头，知会法律事务部"), ("accept", "appraise")),
        ("staff", 4, "phone", "service", dict(complainant="孙女士", contact="微信", about_staff=True,
                                              description="上门工程师未按约定时间到达且态度生硬", evidence="none",
                                              staff_proposal="对直接责任人通报批评，扣当月服务质量奖"),
         ("accept", "appraise", "assign")),
        ("closed", 20, "email", "product", dict(complainant="西湖国宾馆设备部", product="商用空调机组", spec="KT-35",
                                                batch="KT35-2402", quantity=Decimal(1), item="室外机",
                                                place="国宾馆3号楼", evidence="countable",
                                                description="室外机风扇异响", handling="更换风扇电机",
                                                compensation="goods", compensation_quantity=Decimal(1),
                                                informed_how="电话", customer_opinion="满意"),
         ("accept", "appraise", "assign", "handle", "confirm", "inform", "close")),
    ],
    "CD": [
        ("new", 1, "phone", "service", dict(complainant="3栋业主", contact="电话 180 2800 1122",
                                            consent_note="同意留电话", description="电梯故障报修后两天无人处理",
                                            evidence="none"), ()),
        ("qts", 5, "qts", "service", dict(complainant="质监局转办", description="消防设施年检资料不全，质监局来函",
                                          evidence="none"), ("accept", "appraise")),
        ("consumer_assoc", 3, "consumer_assoc", "service",
         dict(complainant="消协转办", description="物业费收费项目不清，业主投诉至消协", evidence="none"), ("accept",)),
        ("closed", 15, "letter", "service", dict(complainant="5栋业主委员会", description="地下车库照明长期不亮",
                                                 evidence="none", handling="更换全部灯具并增加巡检",
                                                 compensation="none", informed_how="书面回函",
                                                 customer_opinion="基本满意"),
         ("accept", "appraise", "assign", "handle", "confirm", "inform", "close")),
    ],
}

#: What each step needs before it fires (the clerk fills it in first).
STEP_FIELDS = {"appraise": {"appraisal": "经技术部门鉴定，情况属实"},
               "assign": {"cause": "作业未按规程执行", "penalty_clause": "质量事故处罚条例第五条"}}


def load(company, users) -> None:
    people_spec, stories = PEOPLE.get(company.code), STORIES.get(company.code)
    staff, manager, admin = users.get("staff"), users.get("manager"), users.get("admin")
    if people_spec is None or staff is None or manager is None or admin is None:
        return
    from core.org import Department, Employee, ResponsibilityHolder
    with tenancy.acting_as(company, admin):
        people = {e.number: e for e in tenancy.scoped_query(Employee, company)}
        for key, number in HOLDERS[company.code]:
            if number in people:
                db.session.add(ResponsibilityHolder(responsibility=key, employee=people[number]))
        db.session.commit()
    department = tenancy.scoped_query(Department, company).filter(
        Department.code == people_spec["department"]).first()
    now = local_now(company).replace(second=0, microsecond=0)
    for key, days, source, category, fields, steps in stories:
        _story(company, users, people, people_spec, department, now, key, days, source, category, fields, steps)


def _story(company, users, people, spec, department, now, key, days, source, category, fields, steps) -> None:
    from .complaint_rules import notify_legal, suggested_severity
    from types import SimpleNamespace
    received = (now - dt.timedelta(days=days)).replace(hour=9, minute=30) if days else now
    values = dict(fields, received_at=received, source=source, category=category,
                  received_by=people.get(spec["receiver"]), customer=None)
    values["severity"] = suggested_severity(SimpleNamespace(source=source, compensation_amount=None,
                                                            owner_company=company))
    if values.get("evidence") == "countable":  # AS-53: when it happened, the day before the call
        values["occurred_at"] = received - dt.timedelta(days=1)
    if values.get("about_staff"):
        values["accused"] = people.get(spec["accused"])
    with tenancy.acting_as(company, users["staff"]):
        complaint = access.create("quality.complaint", {k: v for k, v in values.items() if v is not None})
        db.session.flush()
        notify_legal(complaint)
        db.session.commit()
    for step in steps:
        signer = users["manager"] if step == "confirm" else users["staff"]
        with tenancy.acting_as(company, signer):
            complaint = db.session.merge(complaint)
            for name, value in STEP_FIELDS.get(step, {}).items():
                setattr(complaint, name, value)
            if step == "assign":
                complaint.liable_department = department
                complaint.liable_person = people.get(spec["liable"])
            if step == "inform":
                complaint.informed_on = (received + dt.timedelta(days=2)).date()
                complaint.informed_at = received + dt.timedelta(days=2, hours=6)
            transition(complaint, step)
            db.session.commit()
