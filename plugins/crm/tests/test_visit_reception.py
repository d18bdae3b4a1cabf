"""顾客来访/参观接待 (seed 001-I 6.2) through the real screens.

The seed: 若顾客来公司访问/参观时，项目组应将其信息报告管理者代表或总经理核准，
并做好其接待工作（包括其住、行等工作），同时向顾客介绍公司相关情况（公司简介、
发展历程、生产状况、经营状况、销售状况、质量状况、人员素质状况等），并对顾客所
提出的问题做好记录，与顾客提供的资料一并存档。

So: the project team (a department) reports a visit; only the 管理者代表 or
the 总经理 approves it (a sign-off, printed in the 批准 box); the reception
records accommodation and transport, the topics introduced and the
customer's questions; the documents the customer provides are kept with it."""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
import subprocess

import pytest

from core import db
from core.models import AuditEntry
from core.org import Department, Employee, ResponsibilityHolder, Signoff
from core.records import tenancy
from plugins.crm.models import Customer, VisitReception
from tests.factories import database_state

URL = "/admin/crm/visitreception/"
#: The seed's list of what is introduced to the customer, in its order.
SEED_TOPICS = ["公司简介", "发展历程", "生产状况", "经营状况", "销售状况", "质量状况", "人员素质状况"]


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def pdf_lines(pdf: bytes, tmp_path) -> list[str]:
    if shutil.which("pdftotext") is None:  # poppler-utils are a system dependency (scripts/system-deps.sh)
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def _org(world, code="A"):
    """Company ``code``'s 销售部 (the project team) with 刘洋 (staff login, no
    responsibility), 李明华 (manager login, 管理者代表) and 陈建国 (admin
    login, 总经理)."""
    low = code.lower()
    with world.app.app_context(), tenancy.acting_as(world.company(code), world.user(f"admin@{low}.test")):
        team = Department(code="XS", name="销售部")
        liu = Employee(number=f"{code}013", name="刘洋", department=team, user=world.user(f"staff@{low}.test"))
        li = Employee(number=f"{code}002", name="李明华", department=team, user=world.user(f"manager@{low}.test"))
        chen = Employee(number=f"{code}001", name="陈建国", department=team, user=world.user(f"admin@{low}.test"))
        db.session.add_all([team, liu, li, chen])
        db.session.flush()
        db.session.add_all([ResponsibilityHolder(responsibility="core.management_rep", employee=li),
                            ResponsibilityHolder(responsibility="core.general_manager", employee=chen)])
        customer = Customer(code=f"{code}KH001", name="西湖国宾馆", province="浙江")
        db.session.add(customer)
        db.session.commit()
        return {"customer": customer.id, "team": team.id, "liu": liu.id}


def _report(client, org, **fields):
    """The project team reports a visit on the new-record form; the new id."""
    data = {"customer": str(org["customer"]), "planned_at": "2026-12-08 09:30:00",
            "visitors": "周文斌（工程部经理）\n陈丽华（采购主管）", "visitor_count": "2",
            "purpose": "参观生产线，了解备件供应", "department": str(org["team"]), "responsible": str(org["liu"]),
            "accommodation": "公司协议酒店 1 晚", "transport": "高铁站接送", "intro_profile": "y",
            "intro_quality": "y", **fields}
    response = client.post(f"{URL}new/", {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, text(response)[-2000:]
    with client.app.app_context():
        return db.session.query(VisitReception).order_by(VisitReception.id.desc()).first().id


def _fire(client, pk, key, comment=""):
    with client.app.app_context():
        version = db.session.get(VisitReception, pk).version
    response = client.post(f"{URL}transition/", {"id": str(pk), "version": str(version), "transition": key,
                                                 "comment": comment})
    assert response.status_code == 302, response.status_code
    return text(client.get(f"{URL}details/?id={pk}"))


def _state(app, pk):
    with app.app_context():
        return db.session.get(VisitReception, pk).state


def test_a_reported_visit_is_numbered_and_awaits_approval(app, world, client_for):
    org = _org(world)
    staff = client_for("staff@a.test")
    form = text(staff.get(f"{URL}new/"))
    assert 'name="state"' not in form and 'name="number"' not in form and 'name="received_at"' not in form
    from core.calendar.timezone import local_now
    with app.app_context():
        tomorrow = local_now(world.company("A")).date() + dt.timedelta(days=1)
    assert f'value="{tomorrow:%Y-%m-%d} 09:00:00"' in form  # reported ahead: tomorrow morning by default
    for label in ("Accommodation", "Transport", "Introduce: company profile", "Introduce: staff qualifications",
                  "Questions asked by the customer"):
        assert label in form, label
    pk = _report(staff, org, state="received")  # a forged state is ignored
    with app.app_context():
        visit = db.session.get(VisitReception, pk)
        assert visit.state == "requested"
        assert re.fullmatch(r"JD-\d{4}-0001", visit.number)
        # Typed in company time and kept as typed (D-3), like the contact log's occurred_at.
        assert visit.planned_at == dt.datetime(2026, 12, 8, 9, 30)
        assert (visit.department.name, visit.responsible.name, visit.visitor_count) == ("销售部", "刘洋", 2)
        assert [t for t, ticked in visit.topics("zh") if ticked] == ["公司简介", "质量状况"]
    page = text(staff.get(f"{URL}details/?id={pk}"))
    assert "Awaiting approval" in page
    assert "Awaiting sign-off: Approve — Management representative / General manager" in page
    listing = text(staff.get(URL))
    assert "参观生产线，了解备件供应" in listing and "Awaiting approval" in listing


def test_approval_is_refused_to_a_non_holder_and_changes_nothing(app, world, client_for):
    org = _org(world)
    staff = client_for("staff@a.test")
    pk = _report(staff, org)
    assert 'data-transition="approve"' not in staff.get(f"{URL}details/?id={pk}").get_data(as_text=True)
    with app.app_context():
        before = database_state()
    page = _fire(staff, pk, "approve", "我来批")
    assert "Approve needs the sign-off of Management representative / General manager" in page
    with app.app_context():
        assert database_state() == before
        assert db.session.get(VisitReception, pk).state == "requested"
        assert db.session.query(Signoff).count() == 0
    # The bulk action is refused the same way.
    staff.post(f"{URL}action/", {"action": "transition_approve", "rowid": [str(pk)]})
    assert _state(app, pk) == "requested"


@pytest.mark.parametrize("login, signer, holds", [
    ("manager@a.test", "李明华", "Management representative"),
    ("admin@a.test", "陈建国", "General manager"),
])
def test_a_holder_approves_and_the_form_prints_the_sign_off_in_the_approved_box(
        app, world, client_for, tmp_path, login, signer, holds):
    org = _org(world)
    pk = _report(client_for("staff@a.test"), org)
    approver = client_for(login)
    assert 'data-transition="approve"' in approver.get(f"{URL}details/?id={pk}").get_data(as_text=True)
    page = _fire(approver, pk, "approve", "同意接待")
    assert _state(app, pk) == "approved" and "同意接待" in page
    from core.calendar.timezone import format_local
    with app.app_context():
        signoff = db.session.query(Signoff).one()
        assert (signoff.signer_name, signoff.box, signoff.transition) == (signer, "approved", "approve")
        day = format_local(signoff.at, world.company("A"), "%Y-%m-%d")
    assert f"Approved by</strong>: {signer} ({holds}) · {day}" in approver.get(
        f"{URL}details/?id={pk}").get_data(as_text=True)
    pdf = approver.get(f"/print/crm.visit_reception/{pk}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    lines = pdf_lines(pdf.data, tmp_path)
    head = next(i for i, line in enumerate(lines) if "Prepared by" in line and "Approved by" in line)
    approved_at = lines[head].index("Approved by")  # the 批准 column starts here
    box = [line for line in lines[head + 1:head + 4] if line.strip()]
    assert "Page 1 / 1" in "\n".join(lines), "one visit, one page"
    signed = next(line for line in box if signer in line)
    assert signed.index(f"{signer}（") >= approved_at - 2, "\n".join(lines[head:head + 4])
    assert holds.split()[0] in " ".join(line[approved_at - 2:] for line in box)  # as which responsibility
    dated = next(line for line in box if f"Date: {day}" in line)
    assert dated.index(f"Date: {day}") >= approved_at - 2, "\n".join(box)
    # 经办人 and 审核 nobody signed in qdesk: blank lines for a pen.
    assert sum(line.count("Date: ____________") for line in box) == 2, "\n".join(box)


def test_the_printed_form_carries_the_seed_fields(app, world, client_for, tmp_path):
    org = _org(world)
    staff = client_for("staff@a.test")
    pk = _report(staff, org, intro_history="y", intro_production="y", intro_operations="y",
                 intro_sales="y", intro_staff="y")
    _fire(client_for("manager@a.test"), pk, "approve", "同意，做好安全参观安排")
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    pdf = staff.get(f"/print/crm.visit_reception/{pk}.pdf")
    assert pdf.status_code == 200
    flat = re.sub(r"\s+", "", "\n".join(pdf_lines(pdf.data, tmp_path)))
    with app.app_context():
        number = db.session.get(VisitReception, pk).number
    for expected in ("顾客来访接待审批单", number, "西湖国宾馆", "2026-12-0809:30", "周文斌（工程部经理）", "2",
                     "参观生产线，了解备件供应", "项目组", "销售部", "接待负责人", "刘洋",
                     "核准意见", "已核准：同意，做好安全参观安排", "住宿安排", "公司协议酒店1晚", "交通安排", "高铁站接送",
                     *SEED_TOPICS, "顾客提出的问题", "接待记录", "接待结果", "存档资料", "经办人", "审核", "批准", "李明华（管理者代表）"):
        assert expected in flat, expected
    ticks = flat.count("✓")
    assert ticks == 7, flat  # every topic ticked: one mark each


def test_receiving_needs_the_customers_questions_and_stamps_the_time(app, world, client_for):
    org = _org(world)
    staff = client_for("staff@a.test")
    pk = _report(staff, org)
    page = _fire(staff, pk, "receive")
    assert "Mark received is possible only from Approved" in page  # not before the approval
    _fire(client_for("admin@a.test"), pk, "approve")
    with app.app_context():
        before = database_state()
    page = _fire(staff, pk, "receive")
    assert "Fill in Questions asked by the customer before Mark received." in page
    with app.app_context():
        assert database_state() == before
    with app.app_context():
        visit = db.session.get(VisitReception, pk)
        version, customer = visit.version, visit.customer_id
    saved = staff.post(f"{URL}edit/?id={pk}", {
        "customer": str(customer), "planned_at": "2026-12-08 09:30:00", "visitors": "周文斌", "purpose": "参观",
        "questions": "备件供应周期多长？", "notes": "参观总装线", "outcome": "拟续签维保合同",
        "record_version": str(version)})
    assert saved.status_code == 302, text(saved)[-2000:]
    from core.calendar.timezone import local_now
    with app.app_context():
        earliest = local_now(world.company("A")).replace(microsecond=0)
    page = _fire(staff, pk, "receive")
    with app.app_context():
        visit = db.session.get(VisitReception, pk)
        assert visit.state == "received" and visit.questions == "备件供应周期多长？"
        assert earliest <= visit.received_at <= local_now(world.company("A"))  # company-local now
    assert "Received" in page and "备件供应周期多长？" in page


def test_cancelling_or_refusing_needs_a_comment(app, world, client_for, tmp_path):
    org = _org(world)
    staff = client_for("staff@a.test")
    first, second = _report(staff, org), _report(staff, org, purpose="第二次来访")
    with app.app_context():
        before = database_state()
    page = _fire(staff, first, "cancel", "   ")
    assert "Cancel the visit needs a comment: say why." in page
    with app.app_context():
        assert database_state() == before
    page = _fire(staff, first, "cancel", "客户行程取消")
    assert _state(app, first) == "cancelled" and "客户行程取消" in page
    with app.app_context():
        entry = (db.session.query(AuditEntry).filter_by(table_name="crm_visit_reception", record_id=first,
                                                        action="transition").one())
        assert (entry.transition, entry.comment) == ("cancel", "客户行程取消")
    # Not approving is the approver's too, and says why.
    assert "needs the sign-off" in _fire(staff, second, "reject", "不接待")
    manager = client_for("manager@a.test")
    assert "Do not approve needs a comment: say why." in _fire(manager, second, "reject")
    assert _state(app, second) == "requested"
    _fire(manager, second, "reject", "生产线检修期间不安排参观")
    assert _state(app, second) == "rejected"
    manager.post("/set-language", {"locale": "zh_Hans_CN"})
    printed = manager.get(f"/print/crm.visit_reception/{second}.pdf")
    flat = re.sub(r"\s+", "", "\n".join(pdf_lines(printed.data, tmp_path)))
    assert "核准意见未核准：生产线检修期间不安排参观" in flat, flat  # the approver's decision, not a 同意


def test_another_companys_reception_is_not_found(app, world, client_for):
    org_a, org_b = _org(world, "A"), _org(world, "B")
    pk_b = _report(client_for("staff@b.test"), org_b, purpose="乙公司的来访")
    own = _report(client_for("staff@a.test"), org_a)
    manager = client_for("manager@a.test")  # holds 管理者代表 in A, not in B
    for url in (f"{URL}details/?id={pk_b}", f"{URL}edit/?id={pk_b}", f"/print/crm.visit_reception/{pk_b}.pdf"):
        assert manager.get(url).status_code == 404, url
    assert manager.get(f"{URL}details/?id={own}").status_code == 200  # control
    with app.app_context():
        version = db.session.get(VisitReception, pk_b).version
    refused = manager.post(f"{URL}transition/", {"id": str(pk_b), "version": str(version), "transition": "approve"})
    assert refused.status_code == 404
    from tests.factories import url_of
    upload = manager.post(url_of(app, "crm_visitreception", "attachment_upload_view"), {"id": str(pk_b), "file": (io.BytesIO(b"%PDF-1.4\n"), "x.pdf")})
    assert upload.status_code == 404
    assert _state(app, pk_b) == "requested"
    assert "乙公司的来访" not in text(manager.get(URL))


def test_the_customers_documents_are_kept_with_the_reception(app, world, client_for, tmp_path):
    from tests.factories import url_of
    org = _org(world)
    staff = client_for("staff@a.test")
    pk = _report(staff, org)
    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")
    response = staff.post(url_of(app, "crm_visitreception", "attachment_upload_view"),
                          {"id": str(pk), "file": (io.BytesIO(pdf), "设备清单.pdf")})
    assert response.status_code == 302
    page = text(staff.get(response.headers["Location"]))
    assert "Attached 设备清单.pdf." in page
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    printed = staff.get(f"/print/crm.visit_reception/{pk}.pdf")
    flat = re.sub(r"\s+", "", "\n".join(pdf_lines(printed.data, tmp_path)))
    assert "存档资料设备清单.pdf" in flat, flat


def test_the_customer_page_lists_the_customers_visits(app, world, client_for):
    org = _org(world)
    staff = client_for("staff@a.test")
    pk = _report(staff, org)
    cancelled = _report(staff, org, purpose="已取消的来访")
    _fire(staff, cancelled, "cancel", "客户改期")
    with app.app_context():
        number = db.session.get(VisitReception, pk).number
    page = text(staff.get(f"/admin/crm/customer/details/?id={org['customer']}"))
    assert "Customer visit receptions" in page and number in page and "2026-12-08 09:30" in page
    assert f"{URL}details/?id={pk}" in page
    assert "已取消的来访" not in page  # cancelled visits stay on the reception list only
