"""Records the CAPA tests start from: 技质部 with 刘洋 (the staff login),
李明华 (the manager login, 管理者代表), 王芳 (the admin login, 总经理) and 张伟
(no login); a reviewed service report; and the small screen steps."""
from __future__ import annotations

import datetime as dt

from core import db
from core.records import tenancy
from plugins.after_sales.tests.report_helpers import fire, job, pdf_text, text  # noqa: F401 (re-exported)

from ..models.capa import Capa, CapaAction

CAPAS = "/admin/quality/capa/"
ACTIONS = "/admin/quality/capaaction/"
REPORTS = "/admin/after_sales/report/"


def people(world, code="A"):
    """技质部 and its four employees; their ids and the department's."""
    from core.org import Department, Employee, ResponsibilityHolder
    low = code.lower()
    with world.app.app_context(), tenancy.acting_as(world.company(code), world.user(f"admin@{low}.test")):
        dept = Department(code="JZ", name="技质部")
        liu = Employee(number=f"{code}013", name="刘洋", department=dept, user=world.user(f"staff@{low}.test"))
        li = Employee(number=f"{code}002", name="李明华", department=dept, user=world.user(f"manager@{low}.test"))
        wang = Employee(number=f"{code}001", name="王芳", department=dept, user=world.user(f"admin@{low}.test"))
        zhang = Employee(number=f"{code}014", name="张伟", department=dept)
        db.session.add_all([dept, liu, li, wang, zhang])
        db.session.flush()
        db.session.add_all([ResponsibilityHolder(responsibility="core.management_rep", employee=li),
                            ResponsibilityHolder(responsibility="core.general_manager", employee=wang)])
        db.session.commit()
        return {"dept": dept.id, "liu": liu.id, "li": li.id, "wang": wang.id, "zhang": zhang.id}


def reviewed_report(app, world, capa_needed="yes", code="A"):
    """A service report of a work order (after_sales' test job), handed in
    and reviewed by 技质部 with ``capa_needed``; its id."""
    from core.workflow import transition
    from plugins.after_sales.models import ServiceReport
    ids = job(app, world, company=code)
    low = code.lower()
    with app.app_context():
        with tenancy.acting_as(world.company(code), world.user(f"staff@{low}.test")):
            report = ServiceReport(work_order_id=ids["order"], returned_at=dt.datetime(2024, 3, 7, 17, 0),
                                   symptom="开机后不制冷", verified_fault="室外风机不启动，电容鼓包",
                                   cause_analysis="风机电容老化失效", work_done="更换风机电容，试机正常")
            db.session.add(report)
            db.session.flush()
            transition(report, "submit")
            db.session.commit()
            pk = report.id
        with tenancy.acting_as(world.company(code), world.user(f"manager@{low}.test")):
            report = db.session.get(ServiceReport, pk)
            report.capa_needed = capa_needed
            transition(report, "review")
            db.session.commit()
    return pk


def _alerts(response) -> str:
    """The messages and field errors of a refused form."""
    import re
    page = text(response)
    return " | ".join(re.findall(r'class="[^"]*(?:alert|invalid-feedback|help-block)[^"]*"[^>]*>(.*?)</', page)) or page[-1500:]


def new_capa(client, **values) -> int:
    """A CAPA made on its screen; its id."""
    form = {"source_kind": "audit", "source_ref": "NS-2026-03", "severity": "minor",
            "nonconformity": "进货检验记录缺少电容容量抽检项", "containment": "隔离库存同批次电容 200 只",
            "cause_analysis": "检验规程未列该项目"}
    form.update(values)
    response = client.post(f"{CAPAS}new/", {k: v for k, v in form.items() if v is not None})
    assert response.status_code == 302, _alerts(response)
    with client.app.app_context():
        return db.session.query(Capa).order_by(Capa.id.desc()).first().id


def future(app, world, days: int, code="A") -> str:
    """The day ``days`` after company ``code``'s today, as typed in a form."""
    from core.calendar.timezone import local_today
    with app.app_context():
        return (local_today(world.company(code)) + dt.timedelta(days=days)).isoformat()


def new_action(client, capa_id, owner_id, due=None, **values) -> int:
    if due is None:
        from core.calendar.timezone import local_today
        from core.models import Company
        with client.app.app_context():
            company = db.session.query(Company).filter_by(code="A").one()
            due = (local_today(company) + dt.timedelta(days=60)).isoformat()
    form = {"capa": str(capa_id), "kind": "corrective", "description": "修订进货检验规程，增加电容容量抽检",
            "responsible": str(owner_id), "due_on": due}
    form.update(values)
    response = client.post(f"{ACTIONS}new/?capa={capa_id}", {k: v for k, v in form.items() if v is not None})
    assert response.status_code == 302, _alerts(response)
    with client.app.app_context():
        return db.session.query(CapaAction).order_by(CapaAction.id.desc()).first().id


def edit_action(client, pk, expect=302, **values):
    """Post the action's edit form with what it shows, changed by ``values``."""
    with client.app.app_context():
        a = db.session.get(CapaAction, pk)
        form = {"capa": str(a.capa_id), "kind": a.kind, "description": a.description or "",
                "responsible": str(a.responsible_id or ""), "department": str(a.department_id or ""),
                "due_on": a.due_on.isoformat() if a.due_on else "", "result": a.result or "",
                "verifier": str(a.verifier_id or ""), "verified_on": a.verified_on.isoformat() if a.verified_on else "",
                "effectiveness": a.effectiveness or "", "verification_comment": a.verification_comment or "",
                "record_version": str(a.version)}
    form.update(values)
    response = client.post(f"{ACTIONS}edit/?id={pk}", {k: v for k, v in form.items() if v is not None})
    assert response.status_code == expect, _alerts(response)
    return text(response)


def action(app, pk) -> CapaAction:
    with app.app_context():
        a = db.session.get(CapaAction, pk)
        db.session.expunge(a)
        return a


def capa(app, pk) -> Capa:
    with app.app_context():
        c = db.session.get(Capa, pk)
        db.session.expunge(c)
        return c
