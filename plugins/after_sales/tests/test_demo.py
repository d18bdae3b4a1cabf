"""Demo data of after_sales for both demo companies, on the CRM's customers:
the catalogue and agreements, then the story of plugins/after_sales/demo_story.py
(its numbers below are the story's, counted from its table by hand)."""
import datetime as dt
from collections import Counter

from sqlalchemy import inspect

from core import db, links
from core.calendar.timezone import local_now, local_today
from core.cli import main
from core.deadlines import record_badges
from core.models import AuditEntry, Company
from core.org import signoffs_of
from core.records import CompanyOwnedMixin, tenancy

from ..models import (ALL_MODELS, KnowledgeArticle, PartNotice, Product, ServiceAgreement, ServiceReport, UnitSold,
                      WarrantyDecision, WorkOrder)
from ..targets import targets_for

RESPONSE, RESOLUTION = "after_sales.workorder.response", "after_sales.workorder.resolution"
#: The story's states: 6 closed, 3 called back, 4 resolved, 4 in progress, 2 waiting, 3 dispatched,
#: 2 classified, 3 recorded, 1 cancelled.
STATES = {"closed": 6, "callback_done": 3, "resolved": 4, "in_progress": 4, "waiting": 2, "dispatched": 3,
          "classified": 2, "recorded": 3, "cancelled": 1}
#: Overdue now in either company: 7 to 14 days old and open (2 or 4 days allowed), a 咨询 of 13 days
#: (1 working day), a letter of 2 days not answered (24 hours), the hospital's call of 5 hours (4 hours).
OVERDUE = {"冷柜维修后仍不制冷": RESOLUTION, "码头冷库机组频繁停机": RESOLUTION, "空调外机支架松动": RESOLUTION,
           "询问有偿维修收费标准": RESOLUTION, "来函索取设备维保记录": RESPONSE, "检验科空调突然停机": RESPONSE}
#: Who works the orders (core.org's demo_app): the service centre, its engineers and its clerk.
STAFF = {"HZ": ("售后服务中心", {"张伟", "黄磊", "刘洋"}), "CD": ("客服中心", {"彭涛", "蒋勇", "韩雪"})}
#: The 管理者代表 of each demo company (core.org's demo_app), who signs the spare-part notices.
SIGNER = {"HZ": "李明华", "CD": "谢婷"}


def by_subject(company):
    return {o.subject: o for o in tenancy.scoped_query(WorkOrder, company)}


def test_demo_units_for_both_companies(demo_app):
    with demo_app.app_context():
        for company in db.session.query(Company).all():
            assert tenancy.scoped_query(Product, company).count() >= 4
            units = tenancy.scoped_query(UnitSold, company).all()
            assert len(units) >= 6
            assert {u.customer.company_id for u in units} == {company.id}
            today = local_today(company)
            covered = {u.terms(company).covers(today) for u in units}
            assert covered == {True, False}  # some in warranty, some expired
            assert any(u.quantity > 1 for u in units)
            agreements = tenancy.scoped_query(ServiceAgreement, company).all()
            assert len(agreements) >= 3 and all(a.number for a in agreements)
            in_force = [a for a in agreements if a.covers(today)]
            assert in_force and len(in_force) < len(agreements)  # one has expired
            hotel = next(a for a in in_force if a.project is None)
            assert targets_for(hotel.customer, today, company=company) == hotel


def test_demo_work_orders_tell_the_story_in_both_companies(demo_app):
    with demo_app.app_context():
        companies = db.session.query(Company).order_by(Company.code).all()
        assert [c.code for c in companies] == ["CD", "HZ"]
        for company in companies:
            with tenancy.acting_as(company):
                orders = by_subject(company)
                assert len(orders) == 28 and Counter(o.state for o in orders.values()) == STATES
                numbers = sorted(o.number for o in orders.values())
                assert len(set(numbers)) == 28 and all(n.startswith("GD-") for n in numbers)
                now = local_now(company)
                badges = {s: record_badges(o, now) for s, o in orders.items()}
                overdue = {s: key for s, b in badges.items() for key, badge in b.items() if badge == "overdue"}
                assert overdue == OVERDUE, company.code
                assert {s for s, b in badges.items() if b[RESPONSE] == "late"} == {"家用空调遥控失灵"}
                assert {s for s, b in badges.items() if b[RESOLUTION] == "late"} == {"会展中心主机安装"}
                assert {s for s, b in badges.items() if b[RESOLUTION] == "paused"} == {
                    s for s, o in orders.items() if o.state == "waiting"}
                centre, people = STAFF[company.code]
                assert {o.department.name for o in orders.values()} == {centre}
                assert {o.responsible.name for o in orders.values()} == people
                # The hospital project's agreement: a 4-hour response, whatever the priority.
                lab = orders["检验科空调突然停机"]
                assert (lab.priority, lab.response_due - lab.received_at) == ("urgent", dt.timedelta(hours=4))
                # The hotel's agreement: 30 minutes.
                assert orders["大堂空调不制冷"].response_due - orders["大堂空调不制冷"].received_at == \
                    dt.timedelta(minutes=30)
                # The company's 咨询 answers within 4 hours (the category's own target).
                fee = orders["询问有偿维修收费标准"]
                assert (fee.category.code, fee.response_due - fee.received_at) == ("consult", dt.timedelta(hours=4))
                # Reopened after an unhappy callback: in progress again, the reopening kept.
                again = orders["冷柜维修后仍不制冷"]
                assert (again.callback_opinion, again.reopened_at is not None) == ("dissatisfied", True)
                # Every step is in the order's history, through the workflow; nothing happened in the future.
                closed = orders["客房层空调主机噪音大"]
                steps = [e.transition for e in tenancy.scoped_query(AuditEntry, company).filter(
                    AuditEntry.table_name == WorkOrder.__tablename__, AuditEntry.record_id == closed.id,
                    AuditEntry.action == "transition").order_by(AuditEntry.id)]
                assert steps == ["classify", "dispatch", "start", "resolve", "callback", "close"]
                stamps = ("received_at", "responded_at", "dispatched_at", "started_at", "resolved_at", "callback_at",
                          "closed_at", "reopened_at")
                assert all(getattr(o, s) is None or getattr(o, s) <= now for o in orders.values() for s in stamps)


def test_demo_reports_decisions_notices_and_articles(demo_app):
    with demo_app.app_context():
        for company in db.session.query(Company).all():
            with tenancy.acting_as(company):
                orders = by_subject(company)
                hotel, hospital = orders["客房层空调主机噪音大"], orders["门诊楼新风机组调试"]
                # Two service reports: the hotel's handed in on time and reviewed, the hospital's late.
                reports = {r.work_order.subject: r for r in tenancy.scoped_query(ServiceReport, company)}
                assert set(reports) == {hotel.subject, hospital.subject}
                on_time, late = reports[hotel.subject], reports[hospital.subject]
                assert (on_time.state, on_time.capa_needed, record_badges(on_time)["after_sales.report.due"]) == (
                    "reviewed", "no", "met")
                assert (late.state, record_badges(late)["after_sales.report.due"]) == ("submitted", "late")
                assert [(p.part_name, p.quantity) for p in on_time.parts] == [("风机轴承", 4), ("启动电容", 1)]
                # 三包 decisions: the hotel's unit (24 months from installation) in warranty, the 锦江's
                # (a year from its sale 420 days ago) expired: paid.
                decisions = {d.work_order.subject: d for d in tenancy.scoped_query(WarrantyDecision, company)}
                assert {s: (d.state, d.outcome) for s, d in decisions.items()} == {
                    hotel.subject: ("confirmed", "sanbao"), "客房空调压缩机不启动（已过保）": ("confirmed", "paid")}
                # The 三包 notice: 2 lines (1 + 4 parts), signed by the 管理者代表, shipped; the paid one to sign.
                notices = {n.charge: n for n in tenancy.scoped_query(PartNotice, company)}
                sanbao, paid = notices["sanbao"], notices["paid"]
                assert (sanbao.state, sanbao.work_order, sanbao.report, sanbao.carrier) == (
                    "shipped", hotel, on_time, "顺丰速运")
                assert sorted(line.quantity for line in sanbao.lines) == [1, 4]
                assert [(s.responsibility, s.signer_name) for s in signoffs_of(sanbao)] == [
                    ("core.management_rep", SIGNER[company.code])]
                assert (paid.state, len(paid.lines), signoffs_of(paid)) == ("pending", 1, [])
                # Shipped, the 三包 notice posted its two lines to the ledger (1 + 4 = 5 units); the paid one none.
                from ..models import LedgerLine
                assert sorted((l.part_name, l.quantity, l.notice_id) for l in tenancy.scoped_query(LedgerLine, company)) \
                    == sorted((line.part_name, line.quantity, sanbao.id) for line in sanbao.lines)
                assert sum(l.quantity for l in tenancy.scoped_query(LedgerLine, company)) == 5
                # Three articles: one saved from the hotel's order (linked both ways), two that helped orders.
                articles = {a.title: a for a in tenancy.scoped_query(KnowledgeArticle, company)}
                assert sorted(a.number for a in articles.values()) == ["ZS-0001", "ZS-0002", "ZS-0003"]
                saved = articles[hotel.subject]
                assert (hotel.article == saved, saved.problem, saved.solution, saved.product.model) == (
                    True, hotel.description, hotel.resolution, "KT-120")
                assert [r.kind for r in links.links_of(hotel)] == ["after_sales.save_as_article"]
                assert orders["净水设备出水量下降"].article == articles["净水设备出水量下降"]
                assert orders["家用空调遥控失灵"].article == articles["空调遥控器失灵的排查"]


def test_demo_records_stay_in_their_company(demo_app):
    with demo_app.app_context():
        for company in db.session.query(Company).all():
            for model in ALL_MODELS:
                relations = [r.key for r in inspect(model).relationships if not r.uselist]
                for record in tenancy.scoped_query(model, company):
                    for name in relations:
                        other = getattr(record, name)
                        if isinstance(other, CompanyOwnedMixin) or hasattr(other, "company_id"):
                            assert other.company_id == company.id, (model.__name__, name)


def counts(app):
    with app.app_context():
        return {model.__name__: db.session.query(model).count() for model in ALL_MODELS}


def test_loading_the_demo_twice_adds_nothing(app):
    runner = app.test_cli_runner()
    assert runner.invoke(main, ["demo", "load"]).exit_code == 0
    before = counts(app)
    assert before["WorkOrder"] == 56 and before["KnowledgeArticle"] == 6  # 28 and 3 in each company
    again = runner.invoke(main, ["demo", "load"])
    assert again.exit_code != 0 and "already exist" in again.output  # core refuses a second load
    skipped = runner.invoke(main, ["demo", "load", "--if-empty"])  # `make run`'s way
    assert skipped.exit_code == 0 and "not loaded again" in skipped.output
    assert counts(app) == before
