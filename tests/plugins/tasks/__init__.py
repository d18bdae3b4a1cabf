"""Example plugin ``tasks`` (depends on ``notes``): hook implementations only."""
from core import Manifest, crud_permissions, hookimpl

MANIFEST = Manifest(
    key="tasks",
    name_zh="任务",
    name_en="Tasks",
    version="1.0",
    depends=("notes",),
    category="Examples",
    sequence=20,
    description_zh="示例插件：关联便签的任务。",
    description_en="Example plugin: tasks that point at notes.",
)


@hookimpl
def register_models():
    from .models import Task
    return [Task]


@hookimpl
def register_admin_views():
    from .admin import TaskView
    return [TaskView]


@hookimpl
def register_permissions():
    # Read-only users may not even read tasks: a non-default grant.
    from core import Permission
    return [*crud_permissions("tasks", "task", read=("admin", "manager", "staff")),
            # Reopening a finished task is for managers: a transition's own permission.
            Permission("tasks.task.reopen", frozenset({"admin", "manager"}), "Reopen a finished task")]


@hookimpl
def register_settings():
    from core.settings import Setting
    return [Setting("tasks.resolve_within", "deadline", default={"amount": 8, "unit": "working_hours"},
                    label_zh="任务处理时限", label_en="Resolve tasks within")]


@hookimpl
def register_workflows():
    # new → doing ⇄ waiting (the clock stops) → done → approved (signed off); a manager may reopen.
    # An approved task is read-only but for its resolution's wording (core.workflow_locks).
    from core.workflow import Transition, Workflow
    from .models import STATES, Task
    return [Workflow("tasks.task", Task, states=STATES, initial="new", transitions=(
        Transition("start", ("new",), "doing", "开始", "Start"),
        Transition("wait", ("doing",), "waiting", "等待客户", "Wait for the customer"),
        Transition("resume", ("waiting",), "doing", "继续", "Resume"),
        Transition("finish", ("doing",), "done", "完成", "Finish", required=("resolution",), stamps=("done_at",)),
        Transition("reopen", ("done",), "doing", "重新打开", "Reopen", permission="tasks.task.reopen",
                   comment="required"),
        # Signed off by the holder of either responsibility; printed in the 批准 box.
        Transition("approve", ("done",), "approved", "批准", "Approve",
                   signoff=("tasks.approver", "core.quality_head"), box="approved"),
    ), locked={"approved": ("resolution",)})]


@hookimpl
def register_responsibilities():
    from core import Responsibility
    return [Responsibility("tasks.approver", "任务批准人", "Task approver",
                           help_zh="批准已完成的任务。", help_en="Approves finished tasks.")]


@hookimpl
def register_deadlines():
    import datetime as dt

    from core.deadlines import Deadline
    from .models import Task
    return [Deadline("tasks.task.resolve", Task, start="opened_at", amount="tasks.resolve_within",
                     due_field="due_at", done=("done", "approved"), met_field="done_at", pause_states=("waiting",),
                     remind_before=dt.timedelta(hours=2), label_zh="任务处理", label_en="Task resolution")]


@hookimpl
def register_notifications():
    # Sent by services.reopen (the transition and the notification in one transaction).
    from core.notify import NotificationKind
    return [NotificationKind("tasks.reopened", "任务重新打开", "Task reopened",
                             subject_zh="任务已重新打开：{record}", subject_en="Task reopened: {record}",
                             body_zh="{by} 重新打开了任务 {record}：{comment}",
                             body_en="{by} reopened the task {record}: {comment}")]


#: What record_transitioned told this plugin: (company code, title, workflow, transition, from, to, comment, user).
TRANSITIONS: list = []


@hookimpl
def record_transitioned(company, record, workflow, transition, from_state, to_state, comment, user):
    if workflow != "tasks.task":  # every transition of the company comes here; ours only
        return
    TRANSITIONS.append((company.code, record.title, workflow, transition, from_state, to_state, comment,
                        user.email if user else None))


@hookimpl
def register_printables():
    # Printed with tasks.task.read, which read-only users do not hold.
    from core import Printable
    from .models import Task
    return [Printable("tasks.task", title_zh="任务单", title_en="Task sheet", model=Task,
                      template="task_sheet.html", filename="task-{record.id}.pdf",
                      form_code="JL-7.5-03-1", edition="A/0")]


@hookimpl
def register_reports():
    # A period report: the tasks opened in a period, by department (the one
    # chosen and those under it), optionally in one state.
    from core.printing import ChoiceParam, DepartmentParam, PeriodParam, Report
    from .models import STATES
    return [Report("tasks.by_department", "部门任务汇总表", "Tasks by department",
                   template="tasks_by_department.html", collect=tasks_by_department,
                   permission="tasks.task.read", entity="tasks.task",
                   parameters=(PeriodParam(), DepartmentParam(), ChoiceParam("state", "状态", "State", choices=STATES)),
                   filename="tasks-{period}-{department}.pdf", form_code="JL-7.5-03-2", edition="A/0",
                   description_zh="某一期间新建的任务，按部门汇总。", description_en="The tasks created in a period, per department.")]


def tasks_by_department(request):
    from .models import STATES, Task
    # created_at is a stamp (UTC): the period's days are the company's.
    query = request.query(Task).filter(request.period.contains(Task.created_at))
    if request.department_ids() is not None:
        query = query.filter(Task.department_id.in_(request.department_ids()))
    if request.values.get("state"):
        query = query.filter(Task.state == request.values["state"])
    rows = request.rows(query.order_by(Task.created_at, Task.id))
    counts = {}
    for task in rows:
        name = str(task.department) if task.department is not None else ""
        counts[name] = counts.get(name, 0) + 1
    return dict(tasks=rows, counts=sorted(counts.items()), states=STATES)


@hookimpl
def dashboard_widgets(company, user):
    # Read-only users may not read tasks: core leaves the tile out for them.
    from core.dashboard import Tile
    from core.records.tenancy import scoped_query
    from .models import Task
    open_tasks = scoped_query(Task, company).filter(Task.archived_at.is_(None)).count()
    return [Tile(label=("任务", "Tasks"), value=open_tasks, link="/admin/tasks/task/",
                 permission="tasks.task.read")]


def _task_from_note(note, user):
    """A new task about ``note``, through core's access layer (which checks
    tasks.task.create again); core links the note to it."""
    from core import access
    from core.calendar.timezone import local_now  # a deadline's start: company-local time
    return access.create("tasks.task", {"title": note.title, "note": note, "opened_at": local_now()})


@hookimpl
def record_actions(company, record, user):
    # A cross-plugin action: tasks offers it on notes' records. notes never
    # imports tasks (tasks depends on notes, not the other way round); core
    # offers it only where tasks is enabled and the user may create tasks.
    from core.links import RecordAction
    from tests.plugins.notes.models import Note
    if not isinstance(record, Note):
        return []
    return [RecordAction("tasks.from_note", "由此便签创建任务", "Create task from this note",
                         permission="tasks.task.create", run=_task_from_note)]


@hookimpl
def details_panels(company, record, user):
    # The note's tasks, on the note's page; shown only to users who read tasks.
    from core.links import Cell, Panel, record_url
    from core.records.tenancy import scoped_query
    from tests.plugins.notes.models import Note
    from .models import STATES, Task
    if not isinstance(record, Note):
        return []
    tasks = (scoped_query(Task).filter(Task.note_id == record.id, Task.archived_at.is_(None))
             .order_by(Task.id).all())
    return [Panel(title=("此便签的任务", "Tasks of this note"), permission="tasks.task.read",
                  columns=(("任务", "Task"), ("状态", "State")),
                  table=[(Cell(t.title, record_url(t)), STATES.get(t.state, (t.state, t.state))) for t in tasks],
                  empty=("暂无任务", "No tasks yet"))]
