"""Example plugin ``notes``: hook implementations only."""
from core import crud_permissions, hookimpl

from .manifest import MANIFEST  # noqa: F401  (read by the plugin registry)

# Events received, for the tests of the per-company hooks.
EVENTS: list[tuple] = []


@hookimpl
def register_models():
    from .models import Note, Tag
    return [Tag, Note]


@hookimpl
def register_admin_views():
    from .admin import NoteView, TagView
    return [TagView, NoteView]


@hookimpl
def register_permissions():
    return crud_permissions("notes", "tag") + crud_permissions("notes", "note")


@hookimpl
def company_module_enabled(company, module, pulled_in):
    EVENTS.append(("enabled", company.code, module, tuple(pulled_in)))


@hookimpl
def company_module_disabled(company, module):
    EVENTS.append(("disabled", company.code, module))


@hookimpl
def record_changed(company, record, action, changes):
    EVENTS.append(("record", company.code, type(record).__name__, action, tuple(sorted(changes))))


@hookimpl
def load_demo_data(company, users):
    from core import db
    from .models import Note, Tag
    tag = Tag(name="客户回访")
    db.session.add_all([tag, Note(title=f"{company.code} 示例便签", tag=tag, body="demo")])
