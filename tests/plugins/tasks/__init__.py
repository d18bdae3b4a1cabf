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
    return crud_permissions("tasks", "task", read=("admin", "manager", "staff"))


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
    from core.tenancy import scoped_query
    from .models import Task
    open_tasks = scoped_query(Task, company).filter(Task.archived_at.is_(None)).count()
    return [Tile(label=("任务", "Tasks"), value=open_tasks, link="/admin/tasks/task/",
                 permission="tasks.task.read")]
