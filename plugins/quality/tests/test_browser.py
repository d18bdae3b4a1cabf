"""End-to-end in a real Chromium (English interface), on the demo company HZ:
a complaint from the call to 办结, and the CAPA made from it, to closed.

1. The clerk 刘洋 (staff@hz.demo) records a telephoned product complaint
   with countable evidence and a photo of it, accepts it (the evidence rule
   is met), records the technical finding (鉴定), the cause and who is
   responsible (生产部, 王建军), and the handling (a replacement unit).
2. 李明华 (manager@hz.demo), who holds 企业管理部门, confirms and pays out:
   the sign-off is his; then the customer is informed and the complaint is
   closed within its 3 working days.
3. From the complaint's page he makes the CAPA (Create CAPA): prefilled from
   the complaint, linked both ways; he records the containment and the
   cause, and gives 刘洋 one corrective action.
4. 刘洋 does it; verifying his own action is refused; 李明华
   verifies it effective, asks for the verification of the CAPA and closes
   it as 管理者代表.
5. The printed 质量信息反馈单 (pdftotext) carries the complaint's number,
   its evidence, the finding, the 企业管理部门 signer and the CAPA number.

Screenshots in test-artifacts/.
"""
from __future__ import annotations

import re

import pytest

from plugins.after_sales.tests.test_browser import choose, fire, png_bytes, save_and_continue
from tests.test_browser import browser, demo, live_server, page  # noqa: F401  (fixtures)
from tests.test_browser import ARTIFACTS, captured_pdf, expect, login

pytestmark = pytest.mark.browser

COMPLAINT = "/admin/quality/complaint/"
CAPA = "/admin/quality/capa/"
ACTION = "/admin/quality/capaaction/"
FINDING = "E2E 滤芯端盖注塑缺陷，批次 RO800-2311 抽检 3 只中 2 只同样缺陷"
ACTION_TEXT = "E2E 增加端盖注塑首件检验与每班抽检"


def _set(page, field: str, value: str) -> None:
    """A date or datetime box (its picker would open on a click)."""
    page.locator(f"#{field}").evaluate("(el, v) => { el.value = v; }", value)


def _edit(page, url: str, pk: int, texts: dict[str, str] = {}, choices: dict[str, str] = {},
          dates: dict[str, str] = {}) -> None:
    page.goto(f"{url}edit/?id={pk}")
    for field, value in texts.items():
        page.fill(f"#{field}", value)
    for field, label in choices.items():
        choose(page, field, label)
    for field, value in dates.items():
        _set(page, field, value)
    save_and_continue(page)
    page.goto(f"{url}details/?id={pk}")


def _as(page, who: str, demo) -> None:
    page.context.clear_cookies()
    login(page, f"{who}@hz.demo", demo["password"])


def test_a_complaint_from_call_to_closed_and_its_capa_verified(page, demo, app, tmp_path):
    from core.calendar.timezone import local_now, local_today
    from core.extensions import db
    from core.models import Company
    from ..models.capa import Capa, CapaAction
    from ..models.complaints import Complaint
    with app.app_context():
        hz = db.session.query(Company).filter_by(code="HZ").one()
        today, now = local_today(hz), local_now(hz)
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The call, with countable evidence and its photo; accepted; appraised; the cause; handled.
    _as(page, "staff", demo)
    page.goto(f"{COMPLAINT}new/")
    choose(page, "source", "Phone")
    choose(page, "category", "Product quality")
    choose(page, "evidence", "Countable evidence")
    page.fill("#complainant", "E2E 孙先生")
    page.fill("#contact", "0571-8888 1234")
    page.fill("#consent_note", "同意留电话")
    page.fill("#product", "商用净水设备")
    page.fill("#batch", "RO800-2311")
    page.fill("#quantity", "1")
    page.fill("#item", "滤芯端盖")
    page.fill("#place", "杭州市西湖区")
    _set(page, "received_at", now.strftime("%Y-%m-%d %H:%M:00"))
    _set(page, "occurred_at", now.strftime("%Y-%m-%d 08:00:00"))
    page.fill("#description", "E2E 滤芯端盖开裂漏水")
    pk = save_and_continue(page)
    page.goto(f"{COMPLAINT}details/?id={pk}")
    page.locator("#attachment-upload input[type=file]").set_input_files(
        files=[{"name": "端盖开裂.png", "mimeType": "image/png", "buffer": png_bytes()}])
    with page.expect_navigation():
        page.locator("#attachment-upload button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("端盖开裂.png")
    fire(page, "accept", "Accept")
    _edit(page, COMPLAINT, pk, texts={"appraisal": FINDING})
    fire(page, "appraise", "Appraise")
    _edit(page, COMPLAINT, pk, texts={"cause": "E2E 注塑模具磨损，首件未检"},
          choices={"liable_department": "生产部", "liable_person": "王建军"})
    fire(page, "assign", "Cause and responsibility")
    _edit(page, COMPLAINT, pk, texts={"handling": "E2E 上门更换滤芯组件"})
    fire(page, "handle", "Handle")
    # The clerk holds no 企业管理部门 responsibility: no confirmation button for him.
    expect(page.locator("form.qdesk-transition[data-transition='confirm']")).to_have_count(0)

    # 2. 企业管理部门 (李明华) confirms and pays out; the customer is told; closed.
    _as(page, "manager", demo)
    page.goto(f"{COMPLAINT}details/?id={pk}")
    fire(page, "confirm", "Confirm and pay out (enterprise management)")
    _edit(page, COMPLAINT, pk, texts={"informed_how": "电话告知"}, dates={"informed_on": today.isoformat()})
    fire(page, "inform", "Customer informed")
    fire(page, "close", "Close")
    expect(page.locator("#workflow-state")).to_have_text("Closed")
    page.screenshot(path=str(ARTIFACTS / "quality-complaint-closed.png"), full_page=True)
    with app.app_context():
        complaint = db.session.get(Complaint, pk)
        number = complaint.number
        assert complaint.state == "closed" and complaint.closed_at is not None
        assert complaint.severity == "general" and complaint.confirmed_at is not None

    # 3. The CAPA, made from the closed complaint's page.
    with page.expect_navigation():
        page.locator("#record-actions").get_by_role("button", name="Create CAPA").click()
    with app.app_context():
        capa = db.session.query(Capa).filter(Capa.company_id == hz.id, Capa.source_ref == number).one()
        capa_id, capa_no = capa.id, capa.number
        assert capa.source_kind == "complaint" and "滤芯端盖开裂漏水" in capa.nonconformity
        assert db.session.get(Complaint, pk).capa_ref == capa_no
    _edit(page, CAPA, capa_id, texts={"containment": "E2E 隔离库存 RO800-2311 批滤芯 120 只",
                                      "cause_analysis": "E2E 模具维护周期过长，首件检验缺失"})
    expect(page.locator("body")).to_contain_text(number)  # the complaint, linked
    fire(page, "open", "Open")
    page.goto(f"{ACTION}new/?capa={capa_id}")
    choose(page, "kind", "Corrective")
    page.fill("#description", ACTION_TEXT)
    choose(page, "responsible", "刘洋")
    action_id = save_and_continue(page)
    page.goto(f"{CAPA}details/?id={capa_id}")
    fire(page, "start", "Start the actions")

    # 4. 刘洋 does the action; he may not verify it; 李明华 does, then closes the CAPA.
    _as(page, "staff", demo)
    _edit(page, ACTION, action_id, texts={"result": "E2E 已修订作业指导书并培训注塑班组"})
    fire(page, "complete", "Done")
    _edit(page, ACTION, action_id, choices={"verifier": "刘洋", "effectiveness": "Effective"},
          dates={"verified_on": today.isoformat()})
    page.goto(f"{ACTION}details/?id={action_id}")
    form = page.locator("form.qdesk-transition[data-transition='verify']")
    with page.expect_navigation():
        form.get_by_role("button", name="Verify").click()
    expect(page.locator(".alert-danger").first).to_be_visible()  # the owner cannot verify his own action
    with app.app_context():
        assert db.session.get(CapaAction, action_id).state == "done"
    _as(page, "manager", demo)
    _edit(page, ACTION, action_id, choices={"verifier": "李明华", "effectiveness": "Effective"},
          dates={"verified_on": today.isoformat()})
    fire(page, "verify", "Verify")
    page.goto(f"{CAPA}details/?id={capa_id}")
    fire(page, "to_verification", "Ask for verification")
    fire(page, "close", "Close (管理者代表)")
    expect(page.locator("#workflow-state")).to_have_text("Closed")
    page.screenshot(path=str(ARTIFACTS / "quality-capa-closed.png"), full_page=True)
    with app.app_context():
        action = db.session.get(CapaAction, action_id)
        assert (action.state, action.verifier.name, action.effectiveness) == ("verified", "李明华", "effective")
        assert db.session.get(Capa, capa_id).state == "closed"

    # 5. The printed 质量信息反馈单.
    page.goto(f"{COMPLAINT}details/?id={pk}")
    button = page.locator("#print-buttons a[data-printable='quality.complaint']")
    with captured_pdf(page.context, "**/print/quality.complaint/*", tmp_path / "complaint.pdf") as pdf:
        with page.expect_popup() as popup, page.context.expect_event(
                "requestfinished", lambda r: "/print/quality.complaint/" in r.url):
            button.click()
        popup.value.close()
    text = re.sub(r"\s+", "", pdf["text"])
    for wanted in (number, "RO800-2311", "滤芯端盖开裂漏水", FINDING.replace(" ", ""), "李明华", capa_no, "生产部"):
        assert wanted.replace(" ", "") in text, (wanted, pdf["text"])
    assert demo["names"]["CD"] not in pdf["text"]
