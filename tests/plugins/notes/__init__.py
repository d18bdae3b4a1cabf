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
def register_printables():
    from core import Printable
    from .models import Note
    return [
        Printable("notes.note", title_zh="便签记录单", title_en="Note record", model=Note,
                  template="note_form.html", filename="note-{record.id}.pdf",
                  form_code="JL-7.5-02-3", edition="A/0", number="NT-{record.id:05d}"),
        Printable("notes.register", title_zh="便签登记台账", title_en="Register of notes", model=Note,
                  template="note_register.html", orientation="landscape", many=True,
                  filename="notes-register-{date}.pdf", form_code="JL-7.5-02-4", edition="A/0"),
    ]


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
