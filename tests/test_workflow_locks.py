"""Read-only states (core.workflow_locks): the example task is locked once
approved, but for its resolution's wording; what is checked at start, and
the new declaration options (Transition effect, Deadline override)."""
import pytest

from core import db
from core.deadlines import Deadline
from core.records import tenancy
from core.workflow import RecordLocked, Transition, Workflow, WorkflowRegistry, transition
from tests.plugins.tasks.models import STATES, Task

from .factories import database_state


def _approved_task(app, world):
    from core.org import Employee, ResponsibilityHolder
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("manager@a.test")):
        manager = Employee(number="A1", name="李明华", user=world.user("manager@a.test"))
        db.session.add(manager)
        db.session.flush()
        db.session.add(ResponsibilityHolder(employee_id=manager.id, responsibility="core.quality_head"))
        task = Task(title="更换压缩机", resolution="已更换", state="done")
        db.session.add(task)
        db.session.commit()
        transition(task, "approve")
        db.session.commit()
        return task.id


def test_an_approved_task_cannot_be_edited_but_its_resolution_may_be_reworded(app, world):
    task_id = _approved_task(app, world)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("manager@a.test")):
        task = db.session.get(Task, task_id)
        assert task.state == "approved"
        before = database_state()
        task.title = "改过的标题"
        with pytest.raises(RecordLocked) as refused:
            db.session.commit()
        assert refused.value.message == "This record is Approved: it can no longer be changed; nothing was saved."
        db.session.rollback()
        assert database_state() == before
        task = db.session.get(Task, task_id)
        task.resolution = "已更换压缩机（型号 ZW-3）"  # the state leaves this field editable
        db.session.commit()
        assert db.session.get(Task, task_id).version == 3


def test_the_edit_screen_of_a_locked_record_offers_only_what_may_still_change(app, world, client_for):
    task_id = _approved_task(app, world)
    client = client_for("manager@a.test")
    page = client.get(f"/admin/tasks/task/edit/?id={task_id}").get_data(as_text=True)
    assert "This record is Approved: only Resolution can still be changed." in page
    assert 'name="resolution"' in page and 'name="title"' not in page and 'value="Save"' in page
    with app.app_context():
        version = db.session.get(Task, task_id).version
        before = database_state()
    # A title posted anyway is not a field of this form: nothing changes.
    answer = client.post(f"/admin/tasks/task/edit/?id={task_id}", {"title": "改过的标题", "resolution": "已更换",
                                                                   "record_version": str(version)})
    assert answer.status_code == 302
    with app.app_context():
        assert database_state() == before
    # The resolution is reworded through the same form.
    answer = client.post(f"/admin/tasks/task/edit/?id={task_id}", {"resolution": "已更换压缩机（型号 ZW-3）",
                                                                   "record_version": str(version)})
    assert answer.status_code == 302
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.title, task.resolution, task.version) == ("更换压缩机", "已更换压缩机（型号 ZW-3）", version + 1)


def test_a_record_locked_for_every_field_has_no_form_to_save(app, world, client_for, monkeypatch):
    from core.workflow import workflow_for
    task_id = _approved_task(app, world)
    with app.app_context():
        workflow = workflow_for(Task)
    monkeypatch.setitem(workflow.locked, "approved", ())
    page = client_for("manager@a.test").get(f"/admin/tasks/task/edit/?id={task_id}").get_data(as_text=True)
    assert "This record is Approved: it can no longer be changed." in page
    assert 'name="resolution"' not in page and 'value="Save"' not in page and "Back to the record" in page


def test_a_lock_naming_an_unknown_state_or_field_stops_the_start():
    with pytest.raises(ValueError, match="locked names state 'signed'"):
        Workflow("tasks.task", Task, states=STATES, initial="new", transitions=(), locked={"signed": ()})
    with pytest.raises(ValueError, match="locked_children needs locked states"):
        Workflow("tasks.task", Task, states=STATES, initial="new", transitions=(), locked_children=("lines",))
    registry = WorkflowRegistry()
    with pytest.raises(ValueError, match="leaves 'waybill' editable, which is not a column"):
        registry.accept("tasks", Workflow("tasks.task", Task, states=STATES, initial="new", transitions=(),
                                          locked={"done": ("waybill",)}))
    with pytest.raises(ValueError, match="'note', which is not a one-to-many"):
        registry.accept("tasks", Workflow("tasks.task", Task, states=STATES, initial="new", transitions=(),
                                          locked={"done": ()}, locked_children=("note",)))


def test_an_effect_must_be_a_function_and_an_override_must_give_a_rule(app, world):
    with pytest.raises(ValueError, match="effect must be a function"):
        Transition("ship", ("new",), "doing", "发货", "Ship", effect="post_ledger")
    d = Deadline("tasks.task.resolve", Task, start="opened_at", amount="tasks.resolve_within", due_field="due_at",
                 done=("done",), override=lambda task: "8 hours")
    with app.app_context(), tenancy.acting_as(world.company("A")):
        with pytest.raises(TypeError, match="override returned '8 hours', not a DeadlineRule"):
            d.rule_for(Task(title="x"), world.company("A"))
        fallback = Deadline("tasks.task.resolve", Task, start="opened_at", amount="tasks.resolve_within",
                            due_field="due_at", done=("done",), override=lambda task: None)
        rule = fallback.rule_for(Task(title="x"), world.company("A"))
        assert (rule.amount, rule.unit) == (8, "working_hours")  # None: the company's setting


def test_a_record_created_in_a_locked_state_takes_its_children_with_it(app, world):
    # Data brought over (a notice already shipped in the old system) is
    # created with its lines in one flush: nothing was signed here yet.
    from plugins.after_sales.models import PartNotice, PartNoticeLine
    from plugins.crm.models import Customer
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        customer = Customer(code="KH1", name="西湖国宾馆")
        notice = PartNotice(customer=customer, reason="旧系统导入", receiver="张工", state="shipped",
                            lines=[PartNoticeLine(part_name="启动电容", quantity=1)])
        db.session.add(notice)
        db.session.commit()
        assert len(db.session.get(PartNotice, notice.id).lines) == 1
        notice.lines.append(PartNoticeLine(part_name="后加的", quantity=1))
        with pytest.raises(RecordLocked):
            db.session.commit()  # once stored, a shipped notice keeps its lines
        db.session.rollback()
