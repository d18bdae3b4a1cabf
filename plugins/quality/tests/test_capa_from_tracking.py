""""Create CAPA" (record action ``quality.create_capa``) on a 质量跟踪 record
(AS-68: a problem found when tracking a customer leads to corrective
action with the departments concerned): what the 质管部 user relies on.

* The button is on the tracking record's page for a user who may create
  CAPAs (``quality.capa.create``: the staff login); posting it makes a
  **draft** CAPA whose 来源 is 质量跟踪 (``source_kind`` "tracking"), whose
  关联单号 (``source_ref``) is the tracking record's number and whose 不合格事实
  (nonconformity) starts from the problems the sales person wrote down;
  the user lands on the new CAPA's page.
* Each record lists the other under "Linked records", with its number.
* It is offered once: once the tracking record has its CAPA the button
  is gone, and posting it again is 404 (nothing more is made).
* A read-only user sees the record but no button, and the post is 403;
  a user of company B cannot run it on company A's record (404, as if it
  did not exist). Neither makes a CAPA.
* What 质管部 is left to solve (暂不能解决的问题) is in the CAPA's 不合格事实
  even when the sales person wrote the problem only there.
"""
from __future__ import annotations

import datetime as dt
import re

from core import db

from ..models.capa import Capa
from .capa_helpers import CAPAS
from .tracking_helpers import URL, add_customer, add_tracking, make_people, record, text

ACTION = "quality.create_capa"
PROBLEMS = "外机噪音偏大，夜间运行时尤为明显"


def _tracking(app, world, code="A") -> int:
    """A tracking record of company ``code`` with a problem left for 质管部."""
    make_people(world, code)
    customer = add_customer(app, world, f"{code}KH77", company=code, name="西湖国宾馆")
    return add_tracking(app, world, customer, dt.date(2026, 11, 20), company=code, product="KFR-35GW 分体空调",
                        contract_no="HT-2026-031", problems=PROBLEMS, unsolved_problems="外机噪音需质管部分析",
                        finding="defect")


def _offered(page: str) -> bool:
    """Whether the record page carries the "Create CAPA" button (its form)."""
    return f'data-action="{ACTION}"' in page or 'name="action" value="quality.create_capa"' in page


def _linked(page: str) -> list[tuple[str, int, str]]:
    """The rows of the page's "Linked records" table: (entity key, id, shown title)."""
    found = re.search(r'<table[^>]*id="record-links"[^>]*>(.*?)</table>', page, re.DOTALL)
    if not found:
        return []
    rows = re.findall(r'<tr data-entity="([^"]+)" data-id="(\d+)">(.*?)</tr>', found.group(1), re.DOTALL)
    return [(entity, int(pk), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip())
            for entity, pk, body in rows]


def _capa_count(app) -> int:
    with app.app_context():
        return db.session.query(Capa).count()


def _post(client, pk):
    return client.post(f"{URL}record-action/", {"id": str(pk), "action": ACTION})


def test_create_capa_from_a_tracking_record_makes_a_linked_draft_once(app, world, client_for):
    pk = _tracking(app, world)
    number = record(app, pk).number
    assert number  # the tracking record's own number (sequence quality.tracking)
    staff = client_for("staff@a.test")
    page = text(staff.get(f"{URL}details/?id={pk}"))
    assert _offered(page) and "Create CAPA" in page

    response = _post(staff, pk)
    assert response.status_code == 302
    with app.app_context():
        capa = db.session.query(Capa).one()
        assert (capa.state, capa.source_kind, capa.source_ref) == ("draft", "tracking", number)
        assert PROBLEMS in capa.nonconformity
        assert capa.company_id == world.ids["A"]
        capa_id, capa_number = capa.id, capa.number
    assert capa_number and capa_number != number
    assert f"{CAPAS}details/" in response.headers["Location"] and f"id={capa_id}" in response.headers["Location"]

    # The user lands on the new CAPA, told what was made; both records list each other, by number.
    capa_page = text(staff.get(response.headers["Location"]))
    assert f"Create CAPA: {capa_number} created and linked." in capa_page
    tracking_page = text(staff.get(f"{URL}details/?id={pk}"))
    assert [(e, i) for e, i, _ in _linked(tracking_page)] == [("quality.capa", capa_id)]
    assert capa_number in _linked(tracking_page)[0][2]
    assert [(e, i) for e, i, _ in _linked(capa_page)] == [("quality.tracking", pk)]
    assert number in _linked(capa_page)[0][2]

    # Offered once: no button any more, a second post is not found and makes nothing.
    assert not _offered(tracking_page) and "Create CAPA" not in tracking_page
    assert _post(staff, pk).status_code == 404
    assert _capa_count(app) == 1


def test_a_read_only_user_is_not_offered_it_and_is_refused(app, world, client_for):
    pk = _tracking(app, world)
    reader = client_for("readonly@a.test")
    page = reader.get(f"{URL}details/?id={pk}")
    assert page.status_code == 200  # reads the record…
    assert not _offered(text(page))  # …without the button
    assert _post(reader, pk).status_code == 403
    assert _capa_count(app) == 0
    # Positive control: the staff login of the same company is offered it on the same record.
    assert _offered(text(client_for("staff@a.test").get(f"{URL}details/?id={pk}")))


def test_another_companys_user_cannot_run_it_on_company_as_record(app, world, client_for):
    pk = _tracking(app, world)
    make_people(world, "B")
    other = client_for("staff@b.test")
    assert _post(other, pk).status_code == 404
    assert _capa_count(app) == 0
    # The same user runs it on a record of their own company (positive control).
    customer = add_customer(app, world, "BKH77", company="B", name="锦江宾馆")
    own = add_tracking(app, world, customer, dt.date(2026, 11, 21), company="B", problems="室内机漏水")
    assert _post(other, own).status_code == 302
    with app.app_context():
        made = db.session.query(Capa).one()
        assert made.company_id == world.ids["B"] and made.source_ref == record(app, own).number
    # Company A's record still offers it to A's own staff: B's attempt changed nothing.
    assert _offered(text(client_for("staff@a.test").get(f"{URL}details/?id={pk}")))


def test_the_problem_left_for_quality_is_in_the_nonconformity(app, world, client_for):
    """What 质管部 has to solve (暂不能解决的问题, AS-67) is what the CAPA acts
    on (AS-68): a record whose problem was written only there gives a CAPA
    whose 不合格事实 names it."""
    make_people(world)
    customer = add_customer(app, world, "AKH78", name="杭州大厦")
    pk = add_tracking(app, world, customer, dt.date(2026, 11, 20), opinion="整体满意",
                      unsolved_problems="控制板偶发死机，需质管部分析", finding="defect")
    assert _post(client_for("staff@a.test"), pk).status_code == 302
    with app.app_context():
        capa = db.session.query(Capa).one()
        assert capa.source_kind == "tracking"
        assert "控制板偶发死机" in (capa.nonconformity or "")
