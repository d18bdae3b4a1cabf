"""Demonstration data: one CAPA in each demo company, from the service
report 技质部 has not reviewed yet (after_sales' demo hands in two reports
and reviews the first as 持续改进; its own demo test expects the second to
stay handed in, so it is not reviewed here). 技质部 (the ``manager`` login,
the company's 管理者代表) marks it 需采取纠正/预防措施 and makes the CAPA from
it with the "Create CAPA" action's own function (the report gets the CAPA
number, both are linked); pressing 技质部审核 on the report is left to the
demo user. The CAPA is opened with its containment and cause, with two
actions: the corrective one done and verified effective by 技质部, the
preventive one still running (due in three weeks). Dates are relative to
the company's today; everything moves through core's workflows."""
from __future__ import annotations

import datetime as dt

from core import db
from core.calendar.timezone import local_today
from core.records.tenancy import acting_as, scoped_query


def _fire(record, key: str, comment: str | None = None) -> None:
    from core.workflow import transition
    transition(record, key, comment)
    db.session.flush()


def load(company, users) -> None:
    from core.links import link
    from core.org import Employee, employee_of
    from core.records import access

    from .capa_rules import capa_from
    from .models.capa import CapaAction
    ServiceReport = access.resolve("after_sales.report").model
    staff, manager = users.get("staff"), users.get("manager")
    if staff is None or manager is None:
        return
    with acting_as(company, manager):
        report = (scoped_query(ServiceReport, company).filter(ServiceReport.state == "submitted")
                  .order_by(ServiceReport.id).first())
        reviewer = employee_of(manager, company)
        if report is None or reviewer is None:
            return
        people = [e for e in scoped_query(Employee, company).filter(Employee.active.is_(True))
                  .order_by(Employee.number) if e.id != reviewer.id and e.user_id is None]
        if len(people) < 2:
            return
        report.capa_needed = "yes"
        report.review_notes = "同类故障本季度第二次出现，需分析原因并采取纠正和预防措施。"
        db.session.flush()
        capa = capa_from(report, manager)
        link(report, capa, "quality.create_capa")
        capa.containment = "已通知售后服务中心对同批次在用机组逐台排查，发现同类隐患的先行更换。"
        capa.cause_analysis = "供应商来料批次质量波动，进货检验未抽检该项目；安装后未做满负荷试运行。"
        capa.department, capa.responsible = reviewer.department, reviewer
        db.session.flush()
        _fire(capa, "open")
        today = local_today(company)
        first, second = people[0], people[1]
        # Read before the actions exist: a lazy load after CapaAction(capa=...)
        # would autoflush the capa with an action not yet in the session.
        first_department, second_department = first.department, second.department
        corrective = CapaAction(capa=capa, kind="corrective", description="对同批次在用机组逐台排查并更换问题部件。",
                                department=first_department, responsible=first, due_on=today + dt.timedelta(days=7))
        preventive = CapaAction(capa=capa, kind="preventive",
                                description="进货检验增加该部件的抽检项目，修订《进货检验规程》并培训检验员。",
                                department=second_department, responsible=second,
                                due_on=today + dt.timedelta(days=21))
        db.session.add_all([corrective, preventive])
        db.session.flush()
        _fire(capa, "start")
        corrective.result = "排查在用机组 12 台，更换问题部件 3 台，试运行正常。"
        db.session.flush()
        _fire(corrective, "complete")
        corrective.verifier, corrective.verified_on = reviewer, today
        corrective.effectiveness = "effective"
        corrective.verification_comment = "回访 3 台更换用户，运行正常，未再发生同类故障。"
        db.session.flush()
        _fire(corrective, "verify")
        db.session.commit()
