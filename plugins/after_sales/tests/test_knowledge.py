"""The knowledge base 售后服务知识库 (AS-30) through its screen: numbered
articles by product and category, searched through core's index, filtered
by product and category, each listing the work orders that point at it;
and "save as article" on a solved work order (core.links record action)."""
import datetime as dt
import re

import pytest

from core import db, links
from core.errors import Forbidden, NotFound
from core.grants import RoleGrant
from core.org import Employee
from core.records import tenancy
from core.workflow import transition
from tests.factories import view_for

from ..models import KnowledgeArticle, ServiceReport, WorkOrder, WorkOrderCategory
from .helpers import add_customer, add_product, add_unit

URL = "/admin/after_sales/article/"
SAVE = "after_sales.save_as_article"


def category_id(app, world, code, company="A"):
    with app.app_context():
        return tenancy.scoped_query(WorkOrderCategory, world.company(company)).filter_by(code=code).one().id


def articles(app, world, company="A"):
    with app.app_context():
        return sorted((a.number, a.title, a.product.model if a.product else None,
                       a.category.code if a.category else None, a.problem, a.cause, a.solution)
                      for a in tenancy.scoped_query(KnowledgeArticle, world.company(company)))


def article_id(app, world, number, company="A"):
    with app.app_context():
        return tenancy.scoped_query(KnowledgeArticle, world.company(company)).filter_by(number=number).one().id


def write(client, **values):
    return client.post(URL + "new/", values)


def filter_arg(app, column):
    """The list's URL argument of the filter on ``column`` (``product_id``)."""
    view = view_for(app, "after_sales_article")
    return next(f"flt0_{arg}" for arg, (_i, flt) in view._filter_args.items() if flt.column.key == column)


@pytest.fixture
def catalogue(app, world):
    """Two products of company A and one of B (same model: another company's record)."""
    return dict(ro=add_product(app, world, "RO-800", name="商用净水设备"),
                kt=add_product(app, world, "KT-35", name="商用空调机组"),
                b_ro=add_product(app, world, "RO-800", company="B", name="B的净水设备"))


def test_staff_writes_articles_searches_them_and_filters_by_product_and_category(app, world, client_for, catalogue):
    client = client_for("staff@a.test")
    repair, consult = category_id(app, world, "repair"), category_id(app, world, "consult")
    made = write(client, title="净水设备出水量下降", product=str(catalogue["ro"]), category=str(repair),
                 problem="出水量明显下降，压力表读数偏低。", cause="前置滤芯堵塞", solution="更换PP棉滤芯，冲洗RO膜。")
    assert made.status_code == 302, made.get_data(as_text=True)[:3000]
    assert write(client, title="遥控器失灵的排查", product=str(catalogue["kt"]), category=str(consult),
                 problem="遥控器按键无反应。", solution="更换电池、清洁接收窗。").status_code == 302
    assert write(client, title="空调异味处理", category=str(repair), problem="开机有异味。",
                 solution="清洗蒸发器并消毒。").status_code == 302
    rows = articles(app, world)
    # Numbered by core's sequence (ZS-, never reset), in the order written.
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("ZS-0001", "净水设备出水量下降", "RO-800", "repair"), ("ZS-0002", "遥控器失灵的排查", "KT-35", "consult"),
        ("ZS-0003", "空调异味处理", None, "repair")]

    def listed(query):
        page = client.get(URL + query)
        assert page.status_code == 200
        return sorted(set(re.findall(r"ZS-\d{4}", page.get_data(as_text=True))))

    assert listed("") == ["ZS-0001", "ZS-0002", "ZS-0003"]
    # Search through core's index: a two-character term of the solution, the cause, the title.
    assert listed("?search=电池") == ["ZS-0002"]
    assert listed("?search=滤芯") == ["ZS-0001"]
    assert listed("?search=异味") == ["ZS-0003"]
    assert listed("?search=冷库") == []
    # Filters: by product, by category; both together.
    product, category = filter_arg(app, "product_id"), filter_arg(app, "category_id")
    assert listed(f"?{product}={catalogue['ro']}") == ["ZS-0001"]
    assert listed(f"?{category}={repair}") == ["ZS-0001", "ZS-0003"]
    assert listed(f"?{category}={repair}&{product.replace('flt0', 'flt1')}={catalogue['kt']}") == []
    # A filter value that is no id filters nothing away (and breaks nothing).
    assert listed(f"?{product}=abc") == ["ZS-0001", "ZS-0002", "ZS-0003"]
    # The filters offer the company's own products only.
    page = client.get(URL).get_data(as_text=True)
    assert "商用净水设备" in page and "B的净水设备" not in page


def test_bad_articles_are_refused_and_b_sees_none_of_a(app, world, client_for, catalogue):
    client = client_for("staff@a.test")
    for values, message in [(dict(title="  ", problem="开机有异味。", solution="清洗。"), "Give the article a title."),
                            (dict(title="异味", problem=" ", solution="清洗。"), "Describe the problem"),
                            (dict(title="异味", problem="开机有异味。", solution="\n"), "Describe the solution")]:
        page = write(client, **values)
        assert page.status_code == 200 and message in page.get_data(as_text=True), message
    assert articles(app, world) == []
    # B's product is no choice in A: the lookup of A finds no such product, and none is linked.
    assert write(client, title="异味", problem="开机有异味。", solution="清洗。",
                 product=str(catalogue["b_ro"])).status_code == 302
    assert [(r[0], r[2]) for r in articles(app, world)] == [("ZS-0001", None)] and articles(app, world, "B") == []
    b_client = client_for("staff@b.test")
    assert b_client.get(f"{URL}details/?id={article_id(app, world, 'ZS-0001')}").status_code == 404
    assert "ZS-0001" not in b_client.get(URL).get_data(as_text=True)
    # Read-only users read, but do not write.
    readonly = client_for("readonly@a.test")
    assert readonly.get(URL).status_code == 200
    assert write(readonly, title="x", problem="y", solution="z").status_code == 403


# --- work orders that point at an article, "save as article" -------------------

def engineer(app, world, company="A"):
    with app.app_context():
        with tenancy.acting_as(world.company(company)):
            person = Employee(number=f"{company}014", name="张伟")
            db.session.add(person)
            db.session.commit()
            return person.id


def make_order(app, world, customer_id, steps, company="A", **fields):
    """A work order of ``company`` taken through ``steps`` (transitions) by its staff; its id."""
    values = dict(subject="净水设备出水量下降", description="出水量较上月下降约一半。", repair_task="检查滤芯",
                  received_at=dt.datetime(2026, 3, 2, 9, 0), resolution="更换前置滤芯并冲洗RO膜，出水量恢复。")
    values.update(fields)
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            order = WorkOrder(customer_id=customer_id, **values)
            db.session.add(order)
            db.session.flush()
            for key in steps:
                transition(order, key)
                db.session.flush()
            db.session.commit()
            return order.id


RESOLVED = ("classify", "dispatch", "start", "resolve")


def test_an_article_page_lists_the_work_orders_pointing_at_it(app, world, client_for):
    client = client_for("staff@a.test")
    assert write(client, title="净水设备出水量下降", problem="出水量下降。", solution="更换滤芯。").status_code == 302
    aid = article_id(app, world, "ZS-0001")
    details = client.get(f"{URL}details/?id={aid}").get_data(as_text=True)
    assert "No work order yet." in details
    cid = add_customer(app, world, "KH002", name="宁波港集团物流有限公司")
    first = make_order(app, world, cid, (), article_id=aid, subject="码头净水设备出水量小")
    make_order(app, world, cid, (), subject="冷库机组停机")  # points at no article
    with app.app_context():
        number = db.session.get(WorkOrder, first).number
    details = client.get(f"{URL}details/?id={aid}").get_data(as_text=True)
    assert number in details and "码头净水设备出水量小" in details and "宁波港集团物流有限公司" in details
    assert "冷库机组停机" not in details and "No work order yet." not in details


def offered(app, world, order_id, email, company="A"):
    """The knowledge-base actions offered on the order (the page has others: the report, the 三包 decision)."""
    with app.test_request_context():
        with tenancy.acting_as(world.company(company), world.user(email)):
            order = db.session.get(WorkOrder, order_id)
            return [a.key for a in links.offered_actions(order) if a.key == "after_sales.save_as_article"]


def save(app, world, order_id, email, company="A"):
    """Run "save as article" as ``email`` the way the record page does (core checks, runs, links, commits)."""
    with app.test_request_context():
        with tenancy.acting_as(world.company(company), world.user(email)):
            order = db.session.get(WorkOrder, order_id)
            created = links.run_action(links.require_action(order, SAVE), order)
            db.session.commit()
            return created.id


def test_save_as_article_from_a_resolved_order(app, world, catalogue):
    cid = add_customer(app, world, "KH002", name="宁波港集团物流有限公司")
    unit = add_unit(app, world, cid, catalogue["ro"], "RO800-2311-0042", sale_date=dt.date(2025, 11, 1))
    person = engineer(app, world)
    repair = category_id(app, world, "repair")
    solved = make_order(app, world, cid, RESOLVED, unit_id=unit, category_id=repair, responsible_id=person)
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            db.session.add(ServiceReport(work_order_id=solved, cause_analysis="前置PP棉滤芯堵塞"))
            db.session.commit()
    assert offered(app, world, solved, "staff@a.test") == [SAVE]
    made = save(app, world, solved, "staff@a.test")
    with app.app_context():
        article = db.session.get(KnowledgeArticle, made)
        order = db.session.get(WorkOrder, solved)
        assert (article.number, article.title, article.problem, article.cause, article.solution) == (
            "ZS-0001", "净水设备出水量下降", "出水量较上月下降约一半。", "前置PP棉滤芯堵塞", "更换前置滤芯并冲洗RO膜，出水量恢复。")
        assert (article.product.model, article.category.code, article.company_id) == ("RO-800", "repair",
                                                                                      world.company("A").id)
        assert order.article_id == made  # the order points at it: listed on the article's page
        with tenancy.acting_as(world.company("A")):  # core linked the two records
            assert [(r.source_id, r.target_id, r.kind) for r in links.links_of(order)] == [(solved, made, SAVE)]
    # Saved once: not offered again on that order.
    assert offered(app, world, solved, "staff@a.test") == []


def test_save_as_article_is_not_offered_on_an_unsolved_order_or_without_the_permission(app, world, catalogue):
    cid = add_customer(app, world, "KH002")
    person = engineer(app, world)
    in_progress = make_order(app, world, cid, ("classify", "dispatch", "start"), category_id=category_id(
        app, world, "repair"), responsible_id=person)
    recorded = make_order(app, world, cid, ())
    for order in (in_progress, recorded):
        assert offered(app, world, order, "staff@a.test") == []
        with pytest.raises(NotFound):
            save(app, world, order, "staff@a.test")
    solved = make_order(app, world, cid, RESOLVED, category_id=category_id(app, world, "repair"),
                        responsible_id=person)
    # A read-only user may not create articles: no button, and a forged post is refused.
    assert offered(app, world, solved, "readonly@a.test") == []
    with pytest.raises(Forbidden):
        save(app, world, solved, "readonly@a.test")
    # Nor to staff where the company withdrew after_sales.article.create from them (a role grant).
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            withdrawn = RoleGrant(permission="after_sales.article.create", role="staff", granted=False)
            db.session.add(withdrawn)
            db.session.commit()
            withdrawn = withdrawn.id
    assert offered(app, world, solved, "staff@a.test") == []
    with pytest.raises(Forbidden):
        save(app, world, solved, "staff@a.test")
    assert offered(app, world, solved, "manager@a.test") == [SAVE]  # managers keep it
    assert articles(app, world) == []
    # Positive control: granted again, staff saves the same order.
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            db.session.delete(db.session.get(RoleGrant, withdrawn))
            db.session.commit()
    assert offered(app, world, solved, "staff@a.test") == [SAVE]
    save(app, world, solved, "staff@a.test")
    assert len(articles(app, world)) == 1
