"""The organisation (core.org): departments, posts, employees, named
responsibilities, and the sign-offs of workflow transitions, through the
screens, the CLI and the printed form.

The subject of the sign-off cases is the example plugin ``tasks``: its
``approve`` transition needs a sign-off by 任务批准人 (tasks.approver) or
质量负责人 (core.quality_head) and fills the form's 批准 box."""
from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest

from core.extensions import db
from core.org import Department, Employee, Post, ResponsibilityHolder, Signoff, holders, holds
from core.records import tenancy
from tests.factories import database_state
from tests.plugins.tasks.models import Task

TASKS = "/admin/tasks/task/"


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def _org(world, code="A"):
    """A department, a post and two employees of company ``code``: 李明华
    (linked to manager@<code>, holding core.quality_head) and 赵雪梅 (no login)."""
    with world.app.app_context():
        return _make_org(world, code)


def _make_org(world, code):
    company = world.company(code)
    manager = world.user(f"manager@{code.lower()}.test")
    with tenancy.acting_as(company, world.user(f"admin@{code.lower()}.test")):
        qa = Department(code="JZ", name="技质部")
        post = Post(code="BMJL", name="部门经理")
        li = Employee(number=f"{code}001", name="李明华", department=qa, post=post, user=manager)
        zhao = Employee(number=f"{code}002", name="赵雪梅", department=qa, post=post)
        db.session.add_all([qa, post, li, zhao])
        db.session.flush()
        qa.head = li
        db.session.add(ResponsibilityHolder(responsibility="core.quality_head", employee=li))
        db.session.commit()
        return li.id, zhao.id


def _done_task(world, code="A", title="更换压缩机"):
    with world.app.app_context(), tenancy.acting_as(world.company(code), world.user(f"staff@{code.lower()}.test")):
        task = Task(title=title, resolution="已更换", state="done")  # data brought over: kept
        db.session.add(task)
        db.session.commit()
        return task.id, task.version


def _approve(client, task_id, version, comment=""):
    return client.post(f"{TASKS}transition/", {"id": str(task_id), "version": str(version),
                                                "transition": "approve", "comment": comment})


def test_a_sign_off_is_refused_to_a_non_holder_and_changes_nothing(app, world, client_for):
    _org(world)
    task_id, version = _done_task(world)
    staff = client_for("staff@a.test")
    page = text(staff.get(f"{TASKS}details/?id={task_id}"))
    assert 'data-transition="approve"' not in page, "a non-holder is offered the sign-off"
    assert "Awaiting sign-off: Approve — Task approver / Head of quality" in page
    with app.app_context():
        before = database_state()
    refused = _approve(staff, task_id, version)
    assert refused.status_code == 302, refused.get_data(as_text=True)[-3000:]
    message = text(staff.get(f"{TASKS}details/?id={task_id}"))
    assert "Approve needs the sign-off of Task approver / Head of quality" in message
    with app.app_context():
        assert database_state() == before and db.session.get(Task, task_id).state == "done"


def test_the_holder_signs_and_the_record_and_the_form_show_it(app, world, client_for, tmp_path):
    if shutil.which("pdftotext") is None:  # poppler-utils are a system dependency (scripts/system-deps.sh)
        pytest.fail("pdftotext is missing: install poppler-utils")
    _org(world)
    task_id, version = _done_task(world)
    manager = client_for("manager@a.test")
    page = text(manager.get(f"{TASKS}details/?id={task_id}"))
    assert 'data-transition="approve"' in page
    assert _approve(manager, task_id, version, "同意，已复核").status_code == 302
    from core.calendar.timezone import format_local
    with app.app_context():
        assert db.session.get(Task, task_id).state == "approved"
        signoff = db.session.query(Signoff).one()
        assert (signoff.signer_name, signoff.responsibility, signoff.box, signoff.comment, signoff.transition) == (
            "李明华", "core.quality_head", "approved", "同意，已复核", "approve")
        # Stored in UTC; shown and printed as the company's (Asia/Shanghai) date.
        day = format_local(signoff.at, world.company("A"), "%Y-%m-%d")
    shown = text(manager.get(f"{TASKS}details/?id={task_id}"))
    assert f"Approved by</strong>: 李明华 (Head of quality) · {day}" in shown and "同意，已复核" in shown
    pdf = manager.get(f"/print/tasks.task/{task_id}.pdf")
    assert pdf.status_code == 200
    path = tmp_path / "task.pdf"
    path.write_bytes(pdf.data)
    lines = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if "Prepared by" in line and "Approved by" in line)
    approved_at = lines[head].index("Approved by")  # the 批准 column starts here
    box = [line for line in lines[head + 1:head + 4] if line.strip()]
    signer = next(line for line in box if "李明华" in line)
    assert signer.index("李明华（Head of quality）") >= approved_at - 2, "\n".join(lines[head:head + 4])
    signed = next(line for line in box if f"Date: {day}" in line)
    assert signed.index(f"Date: {day}") >= approved_at - 2, "\n".join(box)
    blanks = [line for line in box if "Date: ____________" in line]
    assert sum(line.count("Date: ____________") for line in blanks) == 2, "\n".join(box)  # 经办人, 审核 blank
    assert all(line.rindex("Date: ____________") < approved_at for line in blanks), "\n".join(box)


def test_holding_is_per_company_and_needs_an_active_employee(app, ctx, world):
    li_a, _ = _org(world, "A")
    manager_a = world.user("manager@a.test")
    with tenancy.acting_as(world.company("B"), world.user("admin@b.test")):
        assert not holds(manager_a, "core.quality_head")  # A's holder is nobody in B
        assert holders("core.quality_head") == []
    with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        assert holds(manager_a, "core.quality_head")
        db.session.get(Employee, li_a).active = False  # left the company
        db.session.commit()
        assert not holds(manager_a, "core.quality_head") and holders("core.quality_head") == []


def test_a_system_run_never_signs(app, ctx, world):
    from core.errors import Forbidden
    from core.workflow import transition
    _org(world)
    task_id, _ = _done_task(world)
    with tenancy.acting_as(world.company("A"), None):
        with pytest.raises(Forbidden, match="needs the sign-off"):
            transition(db.session.get(Task, task_id), "approve")


def test_a_transition_signed_by_an_undeclared_responsibility_stops_the_start():
    from core.workflow import Transition, Workflow, WorkflowRegistry
    registry = WorkflowRegistry()
    registry.add("tasks", [Workflow("tasks.task", Task, states={"new": ("新建", "New"), "done": ("完成", "Done"),
                                                                 "doing": ("d", "d"), "waiting": ("w", "w"),
                                                                 "approved": ("a", "a")},
                                    initial="new", transitions=(
        Transition("approve", ("done",), "approved", "批准", "Approve", signoff="tasks.nobody"),))])
    with pytest.raises(ValueError, match="'tasks.nobody', which no plugin declares"):
        registry.check_signoffs({"core.quality_head"})
    with pytest.raises(ValueError, match="box must be one of"):
        Transition("x", ("done",), "approved", "x", "x", signoff="core.quality_head", box="stamp")


def test_the_responsibility_screen_assigns_holders_of_this_company_only(app, world, client_for):
    li_a, _ = _org(world, "A")
    li_b, _ = _org(world, "B")
    admin = client_for("admin@a.test")
    form = admin.get("/admin/core/responsibility/new/")
    assert form.status_code == 200 and "Management representative" in text(form)
    saved = admin.post("/admin/core/responsibility/new/", {"responsibility": "core.management_rep",
                                                           "employee": str(li_a)})
    assert saved.status_code == 302
    with app.app_context():
        assert [e.name for e in holders("core.management_rep", world.company("A"))] == ["李明华"]
        before = database_state()
    forged = admin.post("/admin/core/responsibility/new/", {"responsibility": "core.management_rep",
                                                            "employee": str(li_b)})
    unknown = admin.post("/admin/core/responsibility/new/", {"responsibility": "core.nobody",
                                                             "employee": str(li_a)})
    assert forged.status_code == 200 and unknown.status_code == 200 and "Not a valid choice" in text(unknown)
    with app.app_context():
        assert database_state() == before  # B's employee, an undeclared responsibility: refused
    assert client_for("staff@a.test").post("/admin/core/responsibility/new/", {
        "responsibility": "core.management_rep", "employee": str(li_a)}).status_code == 403


def test_a_department_cannot_sit_under_itself(app, world, client_for):
    _org(world)
    admin = client_for("admin@a.test")
    with app.app_context():
        qa_id = db.session.query(Department.id).filter_by(code="JZ").scalar()
    assert admin.post("/admin/core/department/new/", {"code": "SH", "name": "售后服务中心",
                                                      "parent": str(qa_id)}).status_code == 302
    with app.app_context():
        qa_version = db.session.get(Department, qa_id).version
        service_id = db.session.query(Department.id).filter_by(code="SH").scalar()
        before = database_state()
    looped = admin.post(f"/admin/core/department/edit/?id={qa_id}", {
        "code": "JZ", "name": "技质部", "parent": str(service_id), "record_version": str(qa_version)})
    assert looped.status_code == 200
    assert "cannot be placed under itself or one of its sub-departments" in text(looped)
    with app.app_context():
        assert database_state() == before


DEPARTMENTS = ("部门编码 / Code,部门名称 / Name,上级部门编码 / Parent code\n"
               "GM,总经理办公室,\nJZ,技质部,GM\nSH,售后服务中心,GX\nGX,供销部,GM\n")


def test_qdesk_org_import_reports_rows_and_writes_nothing_then_imports(app, world, tmp_path):
    from core.cli import main
    runner = app.test_cli_runner()
    bad = tmp_path / "departments.csv"
    bad.write_text(DEPARTMENTS, encoding="utf-8")  # row 4 names GX before it is given
    refused = runner.invoke(main, ["org", "import", str(bad), "--company", "A"])
    assert refused.exit_code != 0 and "row 4: 上级部门编码 / Parent code:" in refused.output, refused.output
    with app.app_context():
        assert db.session.query(Department).count() == 0
    good = tmp_path / "departments-ok.csv"
    good.write_text(DEPARTMENTS.replace("SH,售后服务中心,GX\nGX,供销部,GM\n", "GX,供销部,GM\nSH,售后服务中心,GX\n"),
                    encoding="utf-8")
    done = runner.invoke(main, ["org", "import", str(good), "--company", "A"])
    assert done.exit_code == 0 and "4 departments imported into A" in done.output, done.output
    with app.app_context():
        rows = {d.code: (d.parent.code if d.parent else None) for d in db.session.query(Department)}
        assert rows == {"GM": None, "JZ": "GM", "GX": "GM", "SH": "GX"}
        assert {d.company_id for d in db.session.query(Department)} == {world.ids["A"]}

    employees = tmp_path / "employees.csv"
    employees.write_text("工号 / Number,姓名 / Name,部门编码 / Department code,入职日期 / Hire date\n"
                         "A001,王芳,SH,2013-01-07\nA002,刘洋,XX,2016-12-05\nA001,张伟,SH,2014-03-24\n",
                         encoding="utf-8")
    refused = runner.invoke(main, ["org", "import", str(employees), "--company", "A"])
    assert refused.exit_code != 0, refused.output
    assert 'row 3: 部门编码 / Department code: No department code "XX" in this company.' in refused.output
    assert "row 4: 工号 / Number: Employee number A001 appears more than once in the file." in refused.output
    with app.app_context():
        assert db.session.query(Employee).count() == 0  # nothing written
    # B's departments are not A's: the same file for B refuses every row.
    for_b = runner.invoke(main, ["org", "import", str(employees), "--company", "B"])
    assert for_b.exit_code != 0 and 'row 2: 部门编码 / Department code: No department code "SH"' in for_b.output


def test_the_demo_companies_have_an_organisation(app, tmp_path, monkeypatch):
    from tests.test_frontends import build
    demo = build(tmp_path, monkeypatch)
    with demo.app_context():
        db.create_all()
        from core.demo import load_demo
        from core.models import Company
        load_demo()
        for code in ("HZ", "CD"):
            company = db.session.query(Company).filter_by(code=code).one()
            with tenancy.acting_as(company, None):
                employees = tenancy.scoped_query(Employee).count()
                departments = tenancy.scoped_query(Department).all()
                assert 10 <= employees <= 20 and len(departments) == 6
                assert all(d.head is not None for d in departments)
                assert [e.user.email for e in holders("core.management_rep")] == [f"manager@{code.lower()}.demo"]


def _tasks_by_department(world):
    """Company A: 供销部 (GX) with 售后服务中心 (SH) under it, 技质部 (JZ) apart;
    刘洋 (staff@a) works in GX, 王芳 heads SH (manager@a's login). Four tasks."""
    with world.app.app_context():
        company = world.company("A")
        with tenancy.acting_as(company, world.user("admin@a.test")):
            sales = Department(code="GX", name="供销部")
            service = Department(code="SH", name="售后服务中心", parent=sales)
            quality = Department(code="JZ", name="技质部")
            liu = Employee(number="A013", name="刘洋", department=sales, user=world.user("staff@a.test"))
            wang = Employee(number="A012", name="王芳", department=service, user=world.user("manager@a.test"))
            zhao = Employee(number="A003", name="赵雪梅", department=quality)
            db.session.add_all([sales, service, quality, liu, wang, zhao])
            db.session.flush()
            service.head = wang
            tasks = [Task(title="供销部的任务", department=sales), Task(title="售后的任务", department=service),
                     Task(title="技质部的任务", department=quality),
                     Task(title="刘洋负责的技质部任务", department=quality, responsible=liu)]
            db.session.add_all(tasks)
            db.session.commit()
            return {t.title: t.id for t in tasks}, zhao.id


def test_my_department_lists_the_department_its_subtree_and_my_own(app, world, client_for):
    _tasks_by_department(world)
    staff = client_for("staff@a.test")
    everything = text(staff.get(TASKS))
    mine = text(staff.get(f"{TASKS}?mine=department"))
    assert all(t in everything for t in ("供销部的任务", "售后的任务", "技质部的任务"))
    assert "供销部的任务" in mine and "售后的任务" in mine and "刘洋负责的技质部任务" in mine
    assert "技质部的任务</td>" not in mine.replace("刘洋负责的技质部任务", "")
    assert 'id="mine-department"' in mine
    # A login that is no employee here has no department: an empty list, not everything.
    admin_mine = text(client_for("admin@a.test").get(f"{TASKS}?mine=department"))
    assert not any(t in admin_mine for t in ("供销部的任务", "售后的任务", "技质部的任务"))


def test_reminders_go_to_the_responsible_employee_and_the_department_head(app, world):
    import datetime as dt

    from core.deadlines import check_breaches
    from core.notify import Notification
    ids, zhao_id = _tasks_by_department(world)
    with app.app_context():
        company = world.company("A")
        with tenancy.acting_as(company, world.user("admin@a.test")):
            task = db.session.get(Task, ids["售后的任务"])
            task.responsible_id = zhao_id  # 赵雪梅 has no login: nobody to tell for her
            db.session.commit()
        # Long past its due moment (8 working hours): breached on the next check.
        with tenancy.acting_as(company, None):
            from core.deadlines.clocks import DeadlineClock
            clock = tenancy.scoped_query(DeadlineClock).filter_by(record_id=task.id).one()
            clock.due_at = clock.started_at = dt.datetime(2026, 1, 5, 1, 0)
            db.session.commit()
            check_breaches(company)
            db.session.commit()
        told = {n.recipient.email for n in db.session.query(Notification).filter_by(record_id=ids["售后的任务"])}
        # The creator (admin@a) and the head of 售后服务中心 (王芳, manager@a's login).
        assert told == {"admin@a.test", "manager@a.test"}, told


def test_a_model_counted_through_its_owner_must_name_a_many_to_one_relation():
    # __org_owner__ lets KPIs count a record for its parent's department and
    # employee (a service report for its work order's); a name that is no
    # such relation stops the KPI declaration with the model's name.
    from core.org import org_owned
    from tests.plugins.notes.models import Note
    assert org_owned(Task) and not org_owned(Note)
    for wrong in ("title", "nothing"):
        model = type("Counted", (), {"__org_owner__": wrong, "title": Note.title})
        with pytest.raises(TypeError, match="Counted.__org_owner__ = '%s' must name a many-to-one" % wrong):
            org_owned(model)
    through_tag = type("ThroughTag", (), {"__org_owner__": "tag", "tag": Note.tag})
    assert not org_owned(through_tag)  # a tag has no department
