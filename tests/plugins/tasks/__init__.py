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
    # new → doing ⇄ waiting (the clock stops) → done; a manager may reopen, saying why.
    from core.workflow import Transition, Workflow
    from .models import STATES, Task
    return [Workflow("tasks.task", Task, states=STATES, initial="new", transitions=(
        Transition("start", ("new",), "doing", "开始", "Start"),
        Transition("wait", ("doing",), "waiting", "等待客户", "Wait for the customer"),
        Transition("resume", ("waiting",), "doing", "继续", "Resume"),
        Transition("finish", ("doing",), "done", "完成", "Finish", required=("resolution",), stamps=("done_at",)),
        Transition("reopen", ("done",), "doing", "重新打开", "Reopen", permission="tasks.task.reopen",
                   comment="required"),
    ))]


@hookimpl
def register_deadlines():
    import datetime as dt

    from core.deadlines import Deadline
    from .models import Task
    return [Deadline("tasks.task.resolve", Task, start="opened_at", amount="tasks.resolve_within",
                     due_field="due_at", done=("done",), met_field="done_at", pause_states=("waiting",),
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
def dashboard_widgets(company, user):
    # Read-only users may not read tasks: core leaves the tile out for them.
    from core.dashboard import Tile
    from core.records.tenancy import scoped_query
    from .models import Task
    open_tasks = scoped_query(Task, company).filter(Task.archived_at.is_(None)).count()
    return [Tile(label=("任务", "Tasks"), value=open_tasks, link="/admin/tasks/task/",
                 permission="tasks.task.read")]
