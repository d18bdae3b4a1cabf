"""纠正和预防措施 CAPA through its screens (AS-19, AS-77, AS-79, T-AS-16):
the workflow and its close rule, the owner who cannot verify, the due date
moved only with a reason, the 重大 escalation, the "Create CAPA" action of a
reviewed service report, company isolation and the printed form."""
from __future__ import annotations

import os
from pathlib import Path

from core import db
from core.models import AuditEntry

from ..models.capa import Capa, CapaAction
from .capa_helpers import (ACTIONS, CAPAS, REPORTS, action, capa, edit_action, fire, future, new_action, new_capa,
                           pdf_text, people, reviewed_report, text)


def _planned(client, ids, **capa_values):
    """An opened CAPA with two actions (owned by 刘洋 and 张伟), started."""
    pk = new_capa(client, **capa_values)
    fire(client, CAPAS, Capa, pk, "open")
    first = new_action(client, pk, ids["liu"], department=str(ids["dept"]))
    second = new_action(client, pk, ids["zhang"], kind="preventive", description="培训检验员",
                        department=str(ids["dept"]))
    fire(client, CAPAS, Capa, pk, "start")
    return pk, first, second


def _refused(page):
    """The actions a refusal to close names."""
    import re
    found = re.search(r"Still open, unverified or not effective: (.*?)\.(?: |<)", page)
    return re.split(r"、|, ", found.group(1)) if found else None


def closed_number(app, pk):
    return capa(app, pk).number


def _verify(client, pk, verifier, result="effective", expect=302):
    edit_action(client, pk, verifier=str(verifier), verified_on="2026-11-30", effectiveness=result)
    return fire(client, ACTIONS, CapaAction, pk, "verify", expect=expect)


def test_capa_closes_only_when_every_action_is_verified_effective(app, world, client_for):
    ids = people(world)
    staff, manager = client_for("staff@a.test"), client_for("manager@a.test")
    pk, first, second = _planned(staff, ids)
    assert capa(app, pk).state == "in_progress"
    for a in (first, second):
        edit_action(staff, a, result="已完成")
        fire(staff, ACTIONS, CapaAction, a, "complete")
    fire(staff, CAPAS, Capa, pk, "to_verification")
    assert _verify(manager, first, ids["li"]) and action(app, first).state == "verified"
    # The second action is done but not verified: the 管理者代表 cannot close.
    page = fire(manager, CAPAS, Capa, pk, "close")
    assert capa(app, pk).state == "verification"
    assert "cannot be closed until every action is done and verified effective" in page
    assert _refused(page) == [f"{closed_number(app, pk)} · 培训检验员"]
    # Verified but not effective: still refused, naming it.
    _verify(manager, second, ids["li"], result="not_effective")
    page = fire(manager, CAPAS, Capa, pk, "close")
    assert capa(app, pk).state == "verification" and _refused(page) == [f"{closed_number(app, pk)} · 培训检验员"]
    # Rework, done again, verified effective: now it closes (positive control), signed by the 管理者代表.
    page = fire(manager, ACTIONS, CapaAction, second, "reopen", comment="培训后抽查仍有误判")
    assert action(app, second).state == "open", page[page.find("alert"):][:600]
    fire(staff, ACTIONS, CapaAction, second, "complete")
    _verify(manager, second, ids["li"])
    fire(staff, CAPAS, Capa, pk, "close")  # staff holds no 管理者代表: refused
    assert capa(app, pk).state == "verification"
    fire(manager, CAPAS, Capa, pk, "close")
    closed = capa(app, pk)
    assert closed.state == "closed" and closed.closed_at is not None


def test_actions_must_be_done_before_verification(app, world, client_for):
    ids = people(world)
    staff = client_for("staff@a.test")
    pk, first, second = _planned(staff, ids)
    edit_action(staff, first, result="已完成")
    fire(staff, ACTIONS, CapaAction, first, "complete")
    page = fire(staff, CAPAS, Capa, pk, "to_verification")
    assert capa(app, pk).state == "in_progress" and "not done yet" in page and "培训检验员" in page


def test_a_capa_needs_its_containment_to_open(app, world, client_for):
    people(world)
    staff = client_for("staff@a.test")
    pk = new_capa(staff, containment="")
    page = fire(staff, CAPAS, Capa, pk, "open")
    assert capa(app, pk).state == "draft" and "Fill in Immediate containment before Open" in page
    fire(staff, CAPAS, Capa, pk, "start", expect=302)  # not offered in draft: nothing changes
    assert capa(app, pk).state == "draft"
    # Positive control: with the containment recorded it opens.
    with app.app_context():
        version = db.session.get(Capa, pk).version
    staff.post(f"{CAPAS}edit/?id={pk}", {"source_kind": "audit", "severity": "minor", "nonconformity": "x",
                                         "containment": "隔离库存", "record_version": str(version)})
    fire(staff, CAPAS, Capa, pk, "open")
    assert capa(app, pk).state == "open"


def test_the_owner_cannot_verify_their_own_action(app, world, client_for):
    ids = people(world)
    staff, manager = client_for("staff@a.test"), client_for("manager@a.test")
    pk, first, _second = _planned(staff, ids)
    edit_action(staff, first, result="已完成")
    fire(staff, ACTIONS, CapaAction, first, "complete")
    # 刘洋 owns the action: named as its verifier, refused.
    page = _verify(manager, first, ids["liu"])
    assert action(app, first).state == "done"
    assert "The owner of an action cannot verify it" in page
    # 刘洋 (the staff login) names 李明华 but verifies himself: refused too.
    page = _verify(staff, first, ids["li"])
    assert action(app, first).state == "done" and "You own this action" in page
    # Positive control: 李明华 verifies.
    _verify(manager, first, ids["li"])
    assert action(app, first).state == "verified"


def test_a_due_date_moves_only_with_a_reason_kept_in_the_history(app, world, client_for):
    ids = people(world)
    staff = client_for("staff@a.test")
    pk = new_capa(staff)
    due, later = future(app, world, 30), future(app, world, 61)
    first = new_action(staff, pk, ids["liu"], due=due)
    before = action(app, first)
    assert before.due_at.isoformat() == f"{due}T23:59:59"
    page = edit_action(staff, first, expect=200, due_on=later)
    assert "Give the reason for changing" in page
    assert action(app, first).due_on.isoformat() == due
    edit_action(staff, first, due_on=later, change_reason="供应商来料延期，经技质部同意顺延")
    after = action(app, first)
    assert after.due_on.isoformat() == later and after.due_at.isoformat() == f"{later}T23:59:59"
    with app.app_context():
        entry = (db.session.query(AuditEntry).filter_by(table_name="quality_capa_action", record_id=first)
                 .order_by(AuditEntry.id.desc()).first())
        assert entry.comment == "供应商来料延期，经技质部同意顺延"
        assert entry.changes["due_on"] == [due, later]
    # Other fields change without a reason; the reason shows in the action's history.
    edit_action(staff, first, description="修订检验规程第 3 版")
    assert action(app, first).description == "修订检验规程第 3 版"
    assert "供应商来料延期，经技质部同意顺延" in text(staff.get(f"{ACTIONS}details/?id={first}"))


def test_a_major_capa_notifies_the_general_manager(app, world, client_for):
    from core.notify import Notification
    ids = people(world)
    staff = client_for("staff@a.test")
    minor = new_capa(staff)
    fire(staff, CAPAS, Capa, minor, "open")
    major = new_capa(staff, severity="major", nonconformity="同批次 30 台机组压缩机烧毁")
    fire(staff, CAPAS, Capa, major, "open")
    with app.app_context():
        rows = db.session.query(Notification).filter_by(kind="quality.capa_major").all()
        assert [(r.recipient_id, r.record_id) for r in rows] == [(world.user("admin@a.test").id, major)]
    admin = client_for("admin@a.test")
    assert "同批次 30 台机组压缩机烧毁" in text(admin.get("/admin/inbox/"))
    assert ids["wang"]  # 王芳 (the admin login) holds 总经理


def test_create_capa_from_a_reviewed_service_report_links_both_ways(app, world, client_for):
    from plugins.after_sales.models import ServiceReport
    people(world)
    staff = client_for("staff@a.test")
    report = reviewed_report(app, world, "yes")
    page = text(staff.get(f"{REPORTS}details/?id={report}"))
    assert "Create CAPA" in page or "创建纠正和预防措施" in page
    response = staff.post(f"{REPORTS}record-action/", {"id": str(report), "action": "quality.create_capa"})
    assert response.status_code == 302
    with app.app_context():
        made = db.session.query(Capa).one()
        stored = db.session.get(ServiceReport, report)
        assert made.source_kind == "service_report" and made.source_ref == stored.number
        assert "室外风机不启动" in made.nonconformity
        assert stored.capa_ref == made.number  # T-AS-16: the report carries the CAPA number
        number, pk = made.number, made.id
    capa_page = text(staff.get(f"{CAPAS}details/?id={pk}"))
    report_page = text(staff.get(f"{REPORTS}details/?id={report}"))
    assert stored.number in capa_page and number in report_page
    # Offered once: the report has its CAPA now.
    assert "Create CAPA" not in report_page and "创建纠正和预防措施" not in report_page
    response = staff.post(f"{REPORTS}record-action/", {"id": str(report), "action": "quality.create_capa"})
    assert response.status_code == 404


def test_continuous_improvement_creates_no_capa(app, world, client_for):
    people(world)
    staff = client_for("staff@a.test")
    report = reviewed_report(app, world, "no")
    page = text(staff.get(f"{REPORTS}details/?id={report}"))
    assert "Create CAPA" not in page and "创建纠正和预防措施" not in page
    response = staff.post(f"{REPORTS}record-action/", {"id": str(report), "action": "quality.create_capa"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.query(Capa).count() == 0
    from plugins.after_sales.models import ServiceReport
    fire(staff, REPORTS, ServiceReport, report, "close")
    assert report_state(app, report) == "closed"  # T-AS-16: 持续改进 closes at once, with no CAPA


def report_state(app, pk):
    from plugins.after_sales.models import ServiceReport
    with app.app_context():
        return db.session.get(ServiceReport, pk).state


def test_t_as_16_a_report_asking_for_corrective_action_closes_only_once_its_capa_is_verified(
        app, world, client_for):
    """T-AS-16: "需采取 → a CAPA is created and the report cannot close until
    the CAPA has a verification result"; 持续改进 closes at once."""
    from plugins.after_sales.models import ServiceReport
    ids = people(world)
    staff, manager = client_for("staff@a.test"), client_for("manager@a.test")
    report = reviewed_report(app, world, "yes")
    page = fire(staff, REPORTS, ServiceReport, report, "close")
    assert "create the CAPA (Create CAPA)" in page and report_state(app, report) == "reviewed"
    assert staff.post(f"{REPORTS}record-action/", {"id": str(report), "action": "quality.create_capa"}).status_code == 302
    with app.app_context():
        pk = db.session.query(Capa).one().id
    with app.app_context():
        made = db.session.get(Capa, pk)
        form = {"source_kind": made.source_kind, "source_ref": made.source_ref, "severity": "minor",
                "nonconformity": made.nonconformity, "containment": "停用同批次电容，库存隔离",
                "cause_analysis": "供应商电容耐温等级不足",
                "record_version": str(made.version)}
    assert staff.post(f"{CAPAS}edit/?id={pk}", form).status_code == 302
    fire(staff, CAPAS, Capa, pk, "open")
    first = new_action(staff, pk, ids["liu"], department=str(ids["dept"]))
    started = fire(staff, CAPAS, Capa, pk, "start")
    assert capa(app, pk).state == "in_progress", started[started.find("alert"):][:800]
    number = capa(app, pk).number
    page = fire(staff, REPORTS, ServiceReport, report, "close")  # the CAPA is being worked on
    assert f"The report closes when its CAPA {number} has a verification result" in page
    assert report_state(app, report) == "reviewed"
    edit_action(staff, first, result="已更换供应商")
    fire(staff, ACTIONS, CapaAction, first, "complete")
    fire(staff, CAPAS, Capa, pk, "to_verification")
    _verify(manager, first, ids["li"])
    fire(staff, REPORTS, ServiceReport, report, "close")
    assert report_state(app, report) == "reviewed"  # verified, but the CAPA is not closed yet
    fire(manager, CAPAS, Capa, pk, "close")
    assert capa(app, pk).state == "closed"
    fire(staff, REPORTS, ServiceReport, report, "close")
    with app.app_context():
        closed = db.session.get(ServiceReport, report)
        assert closed.state == "closed" and closed.closed_at is not None


def test_another_company_cannot_see_a_capa(app, world, client_for):
    ids = people(world)
    people(world, "B")
    staff = client_for("staff@a.test")
    pk = new_capa(staff)
    first = new_action(staff, pk, ids["liu"])
    other = client_for("staff@b.test")
    assert other.get(f"{CAPAS}details/?id={pk}").status_code == 404
    assert other.get(f"{ACTIONS}details/?id={first}").status_code == 404
    assert "NS-2026-03" not in text(other.get(CAPAS))
    # An action of B cannot be put on A's CAPA.
    response = other.post(f"{ACTIONS}new/", {"capa": str(pk), "kind": "corrective", "description": "x",
                                             "due_on": "2099-01-01"})
    with app.app_context():
        assert db.session.query(CapaAction).filter(CapaAction.company_id == world.ids["B"]).count() == 0
    assert response.status_code in (200, 302)


def test_the_printed_form(app, world, client_for, tmp_path):
    ids = people(world)
    staff, manager = client_for("staff@a.test"), client_for("manager@a.test")
    pk, first, second = _planned(staff, ids, severity="major")
    for a in (first, second):
        edit_action(staff, a, result="规程已修订并发布")
        fire(staff, ACTIONS, CapaAction, a, "complete")
    fire(staff, CAPAS, Capa, pk, "to_verification")
    _verify(manager, first, ids["li"])
    _verify(manager, second, ids["li"])
    fire(manager, CAPAS, Capa, pk, "close")
    number = capa(app, pk).number
    import re
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    response = staff.get(f"/print/quality.capa/{pk}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    flat = re.sub(r"\s+", "", pdf_text(response.data, tmp_path, layout=False))
    if os.environ.get("QDESK_KEEP_PRINTS"):  # to look at it: pdftoppm -png
        (Path(os.environ["QDESK_KEEP_PRINTS"]) / "capa.pdf").write_bytes(response.data)
    for label in ("纠正和预防措施处理单", "来源", "□投诉", "□质量跟踪", "☑内审", "□监督检查", "□考核", "□不良事件",
                  "关联单号", "NS-2026-03", "不合格事实", "进货检验记录缺少电容容量抽检项", "立即采取的控制措施",
                  "隔离库存同批次电容200只", "原因分析", "检验规程未列该项目", "☑重大", "□一般", "☑纠正□预防",
                  "□纠正☑预防", "措施内容", "修订进货检验规程", "责任部门/责任人", "技质部/刘洋", "技质部/张伟",
                  "整改期限", future(app, world, 60), "实施情况", "规程已修订并发布", "验证人/验证日期", "效果结论", "有效",
                  "关闭日期", "技质部/管理者代表签字", "李明华（管理者代表）", number):
        assert label in flat, label
    staff.post("/set-language", {"locale": "en"})
    english = re.sub(r"\s+", " ", pdf_text(staff.get(f"/print/quality.capa/{pk}.pdf").data, tmp_path,
                                            layout=False))
    for label in ("Corrective and preventive action", "☑Internal audit", "☑Major", "Immediate containment",
                  "Due date", "Verified by / on", "Effective", "Closed on"):
        assert label in english, label
