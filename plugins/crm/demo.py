"""Demonstration data for each demo company: customers with contacts,
contact-log entries (some overdue), last quarter's purchase figures and
classification, a satisfaction survey with a year of responses, return
visits (done, planned and overdue) and customer visit receptions (one
awaiting approval, one approved by the 管理者代表, one received)."""
from __future__ import annotations

import datetime as dt

from core import db

from core.records import tenancy
from core.workflow import transition

from .models import (ContactLog, ContactPerson, Customer, PurchaseFigure, ReturnVisit, SurveyAnswer,
                     SurveyQuestion, SurveyResponse, SurveyTemplate, VisitReception, local_now)
from .periods import parse_period
from .services import classify_period, plan_key_customer_visits, recompute_csi

# code suffix, name, short name, province, city, business format, market, key, kind
CUSTOMERS = [
    ("001", "西湖国宾馆", "国宾馆", "浙江", "杭州", "服务业", "urban", True, "organisation"),
    ("002", "宁波港集团物流有限公司", "宁波港物流", "浙江", "宁波", "机构", "urban", True, "organisation"),
    ("003", "安吉县递铺镇联华超市", "联华超市", "浙江", "湖州", "零售", "rural", False, "organisation"),
    ("004", "锦江宾馆", "锦江", "四川", "成都", "服务业", "urban", True, "organisation"),
    ("005", "郫都区红光镇便民店", "红光便民店", "四川", "成都", "零售", "rural", False, "organisation"),
    ("006", "苏州工业园区第一人民医院", "园区一院", "江苏", "苏州", "机构", "urban", True, "organisation"),
    ("007", "合肥万达广场物业服务中心", "万达物业", "安徽", "合肥", "服务业", "urban", False, "organisation"),
    ("008", "王建国", None, "浙江", "绍兴", "零售", "rural", False, "person"),
    ("009", "重庆解放碑百货有限公司", "解放碑百货", "重庆", "重庆", "零售", "urban", False, "organisation"),
    ("010", "上海浦东国际会展中心", "浦东会展", "上海", "上海", "服务业", "urban", True, "organisation"),
    ("011", "李秀英", None, "四川", "绵阳", "零售", "rural", False, "person"),
]

CONTACTS = {
    "001": [("周文斌", "工程部经理", "0571-87979888", True), ("陈丽华", "采购主管", "13857100231", False)],
    "002": [("郑海涛", "设备科科长", "0574-27686000", True)],
    "003": [("沈国强", "店长", "13905726611", True)],
    "004": [("刘德明", "总经理助理", "028-85506666", True), ("杨雪梅", "前厅经理", "13608012277", False)],
    "005": [("赵小红", "店主", "13880045512", True)],
    "006": [("孙志远", "后勤保障处处长", "0512-67780000", True)],
    "007": [("吴敏", "客服主管", "0551-63556677", True)],
    "009": [("黄俊", "运营部经理", "023-63830000", True)],
    "010": [("徐静", "场馆运营总监", "021-68882888", True), ("马超", "设备工程师", "13917645520", False)],
}

# customer, channel, subject, content, days ago, state
LOGS = [
    ("001", "phone", "中央空调噪音大", "客房楼层空调外机夜间噪音明显，要求派人检查。", 1, "open"),
    ("001", "visit", "来访参观生产线", "工程部一行4人来访，询问备件供应周期与保修条款。", 20, "closed"),
    ("002", "email", "询问年度维保合同续签", "要求提供下一年度维保报价及服务内容清单。", 9, "open"),
    ("003", "phone", "冷柜不制冷", "门店立式冷柜不制冷，已过保修期，询问有偿维修费用。", 12, "open"),
    ("004", "letter", "客房热水供应不稳定", "来函反映高峰时段热水温度波动，要求书面答复整改措施。", 15, "open"),
    ("004", "phone", "回访：热水系统维修后运行正常", "回访确认维修后运行稳定，客户满意。", 3, "replied"),
    ("006", "fax", "设备巡检报告索取", "医院后勤处传真索取第三季度设备巡检报告。", 6, "replied"),
    ("007", "web", "网站留言：报修响应慢", "客户在官网留言，反映上次报修等待时间过长。", 8, "open"),
    ("009", "phone", "扶梯异响", "商场二楼扶梯运行异响，要求尽快安排检修。", 0, "open"),
    ("010", "email", "展会期间保障方案", "要求在大型展会期间安排驻场工程师。", 4, "open"),
    ("008", "visit", "上门咨询产品", "客户到店咨询新款设备价格及安装服务。", 2, "closed"),
]


def load(company, users) -> None:
    prefix = f"{company.code}-KH"
    staff, manager = users.get("staff"), users.get("manager") or users.get("admin")
    by_code: dict[str, Customer] = {}
    for suffix, name, short, province, city, fmt, market, key, kind in CUSTOMERS:
        customer = Customer(code=f"{prefix}{suffix}", name=name, short_name=short, province=province,
                            city=city, business_format=fmt, market_type=market, is_key=key, kind=kind,
                            address=f"{province}省{city}市" if province not in ("上海", "重庆") else f"{city}市",
                            responsible=staff if key else manager,
                            phone=(CONTACTS.get(suffix) or [(None, None, None, None)])[0][2])
        db.session.add(customer)
        by_code[suffix] = customer
        for contact_name, title, phone, primary in CONTACTS.get(suffix, []):
            db.session.add(ContactPerson(customer=customer, name=contact_name, title=title, phone=phone,
                                         is_primary=primary))
    now = local_now(company).replace(hour=10, minute=0, second=0)
    for suffix, channel, subject, content, days_ago, state in LOGS:
        occurred = now - dt.timedelta(days=days_ago)
        log = ContactLog(customer=by_code[suffix], channel=channel, subject=subject, content=content,
                         occurred_at=occurred, direction="in", handled_by=staff, follow_up_owner=staff,
                         state="open")
        db.session.add(log)
        db.session.flush()  # reply_due counted by core from the company's setting and calendar
        if state != "open":  # answered the next day, or by the due time if sooner
            log.replied_at = min(log.reply_due, occurred + dt.timedelta(days=1))
            with tenancy.acting_as(company, staff):  # the clerk's own actions, in the history
                for key in {"replied": ("reply",), "closed": ("reply", "close")}[state]:
                    transition(log, key)
    load_records(company, users, by_code)
    load_receptions(company, users, by_code)


# suffix → (quantity 条, amount 元) bought in the last full quarter
PURCHASES = {"001": (1200, 186000), "002": (860, 121000), "003": (240, 30500), "004": (1500, 232000),
             "005": (90, 10800), "006": (700, 98000), "007": (300, 45500), "008": (40, 5200),
             "009": (520, 70400), "010": (980, 150000), "011": (35, 4100)}

QUESTIONS = [("售后服务响应速度", 3), ("维修人员技术水平", 3), ("服务态度与礼仪", 2),
             ("备件供应及时性", 1), ("收费合理性", 1)]

# suffix, quarters ago, scores per question (None: not answered)
RESPONSES = [("001", 0, (5, 4, 5, 4, 4)), ("004", 0, (4, 4, 5, 3, None)), ("010", 0, (3, 4, 4, 3, 3)),
             ("002", 1, (4, 5, 5, 4, 4)), ("006", 1, (3, 3, 4, 2, 3)), ("001", 2, (4, 4, 4, 4, 3)),
             ("009", 2, (5, 5, 5, 4, 5)), ("004", 3, (3, 4, 3, 3, 4))]


def _quarter_label(day: dt.date, back: int) -> str:
    index = day.year * 4 + (day.month - 1) // 3 - back
    return f"{index // 4}-Q{index % 4 + 1}"


def load_records(company, users, by_code: dict[str, Customer]) -> None:
    """Purchase figures and classification, a survey and visits."""
    staff, manager = users.get("staff"), users.get("manager") or users.get("admin")
    today = local_now(company).date()
    period = _quarter_label(today, 1)
    for suffix, (quantity, amount) in PURCHASES.items():
        db.session.add(PurchaseFigure(customer=by_code[suffix], period=period, quantity=quantity, amount=amount))
    db.session.flush()
    classify_period(company, period)

    template = SurveyTemplate(name="售后服务顾客满意度调查表", scale_max=5,
                              description="每季度对重点客户及随机抽取的客户进行调查。")
    db.session.add(template)
    for position, (text, weight) in enumerate(QUESTIONS, start=1):
        db.session.add(SurveyQuestion(template=template, position=position, text=text, weight=weight))
    db.session.flush()
    for suffix, back, scores in RESPONSES:
        start = parse_period(_quarter_label(today, back))[0]
        response = SurveyResponse(template=template, customer=by_code[suffix], surveyed_by=staff,
                                  surveyed_on=min(today, start + dt.timedelta(days=20)),
                                  respondent=(CONTACTS.get(suffix) or [("", "", "", True)])[0][0] or None)
        for question, score in zip(template.questions, scores):
            response.answers.append(SurveyAnswer(question=question, score=score))
        db.session.add(response)
        db.session.flush()
        recompute_csi(response)

    # Done visits (one long ago, so that customer falls due) and an overdue one.
    for suffix, days_ago, satisfaction, outcome in [
            ("001", 10, 5, "空调噪音问题已解决，客户满意。"), ("004", 45, 4, "热水系统运行正常，建议增加夜间巡检。"),
            ("006", 12, 4, "巡检报告已送达后勤处。")]:
        done = local_now(company) - dt.timedelta(days=days_ago)
        db.session.add(ReturnVisit(customer=by_code[suffix], kind="visit", planned_date=done.date(),
                                   done_at=done, visited_by=staff, satisfaction=satisfaction, outcome=outcome))
    db.session.add(ReturnVisit(customer=by_code["009"], kind="phone", planned_date=today - dt.timedelta(days=3),
                               visited_by=staff, outcome=None))
    db.session.flush()
    plan_key_customer_visits(company, today)


# suffix, days from today and time of day, visitors, count, purpose, accommodation, transport, topics,
# then per state: the approver's login and comment, the questions, notes and outcome
RECEPTIONS = [
    ("001", (-1, 9, 30), "周文斌（工程部经理）\n陈丽华（采购主管）\n工程部技术员 2 人", 4, "参观生产线，了解备件供应周期与保修条款",
     "无需住宿（当日往返）", "公司商务车往返宾馆接送",
     ("intro_profile", "intro_production", "intro_quality", "intro_staff"),
     "received", "admin", "同意接待。",
     "1. 常用备件（压缩机、风机）的供应周期多长？\n2. 保修期满后的维保收费标准？\n3. 夜间报修多久能到场？",
     "参观总装线与质检室，技质部介绍出厂检验流程；客户留下设备清单一份。",
     "客户对质量控制满意，拟续签年度维保合同；备件周期、收费标准两日内书面答复。"),
    ("006", (5, 10, 0), "孙志远（后勤保障处处长）\n设备科工程师 2 人", 3, "考察售后服务能力，洽谈院区设备维保",
     "公司协议酒店 1 晚（2 间），费用由我司承担", "高铁站接站，公司商务车",
     ("intro_profile", "intro_history", "intro_sales", "intro_quality"),
     "approved", "manager", "同意接待，请做好参观安全与保密安排。", None, None, None),
    ("010", (12, 14, 30), "徐静（场馆运营总监）\n马超（设备工程师）", 2, "展会保障方案交流，参观备件仓库",
     "", "客户自行前来", ("intro_profile", "intro_operations"),
     "requested", None, None, None, None, None),
]


def load_receptions(company, users, by_code: dict[str, Customer]) -> None:
    """顾客来访接待 (seed 001-I 6.2) reported by the after-sales clerk's
    team: approved by the demo holders of 管理者代表 (the manager) or 总经理
    (the admin) through the workflow, which signs them off."""
    from core.org import employee_of
    staff = users.get("staff")
    clerk = employee_of(staff, company) if staff is not None else None
    today = local_now(company).date()
    for (suffix, (days, hour, minute), visitors, count, purpose, accommodation, transport, topics, state, approver, comment,
         questions, notes, outcome) in RECEPTIONS:
        with tenancy.acting_as(company, staff):
            planned = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute))
            visit = VisitReception(customer=by_code[suffix], planned_at=planned,
                                   visitors=visitors, visitor_count=count, purpose=purpose,
                                   accommodation=accommodation or None, transport=transport,
                                   department=clerk.department if clerk else None, responsible=clerk,
                                   **{name: True for name in topics})
            db.session.add(visit)
            db.session.flush()  # numbered; a sign-off needs the id
        if approver and users.get(approver) is not None:
            with tenancy.acting_as(company, users[approver]):  # the holder's own sign-off
                transition(visit, "approve", comment=comment)
                db.session.flush()
        if state == "received" and visit.state == "approved":
            with tenancy.acting_as(company, staff):
                visit.questions, visit.notes, visit.outcome = questions, notes, outcome
                visit.received_at = planned + dt.timedelta(hours=3)  # the visit was yesterday: kept by the stamp
                transition(visit, "receive")
                db.session.flush()
