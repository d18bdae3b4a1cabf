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
def register_entities():
    # Notes take images, PDFs and Office files; they are evidence for their
    # author: the author never removes them, a manager's delete archives them.
    # A note is found by its title or its tag's name (core.search: a
    # many-to-one related field; renaming the tag re-indexes its notes).
    from core import Attachments, Entity
    from core.search import Related, Search
    from .models import Note
    return [Entity("notes.note", Note, "便签", "Note",
                   attachments=Attachments(kinds=("image", "pdf", "docx", "xlsx"), max_bytes=2 * 1024 * 1024,
                                           max_count=5, protected_from=("created_by_id",)),
                   search=Search(fields=("title",), related=(Related("tag", fields=("name",)),)))]


@hookimpl
def register_permissions():
    # Tags have no entity declaration (a plugin written before entities):
    # their screen names them, the plugin declares their permissions.
    return crud_permissions("notes", "tag")


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
def register_settings():
    from core.settings import Setting
    return [
        # Default from the manifest (settings={"max_pinned": 5}).
        Setting("notes.max_pinned", "int", min=0, max=50,
                label_zh="最多置顶便签数", label_en="Most pinned notes"),
        Setting("notes.reply_hours", "hours", default=24,
                label_zh="答复时限", label_en="Reply within", help_en="Working hours after receipt."),
        Setting("notes.review_days", "days", default=3, max=10,
                label_zh="复核时限（工作日）", label_en="Review within"),
        Setting("notes.bonus_rate", "decimal", default="0.05", min=0, max=1,
                label_zh="奖励比例", label_en="Bonus rate"),
        Setting("notes.color", "choice", default="yellow",
                choices=[("yellow", ("黄色", "Yellow")), ("blue", ("蓝色", "Blue"))],
                label_zh="颜色", label_en="Colour"),
        Setting("notes.signature", "str", default="", max_length=40,
                label_zh="签名", label_en="Signature"),
        Setting("notes.autoarchive", "bool", default=False,
                label_zh="自动归档", label_en="Archive automatically"),
    ]


@hookimpl
def register_sequences():
    from core.sequences import Sequence
    from .models import Tag
    # Tags are numbered per company and year: TG-2026-001 (prefix: setting
    # notes.tag.prefix, declared by core). Notes keep their NT-{id} form number.
    return [Sequence("notes.tag", Tag, "code", pattern="{prefix}-{yyyy}-{n:03d}", reset="yearly",
                     prefix_setting="notes.tag.prefix", default_prefix="TG",
                     label_zh="便签标签", label_en="Tag")]


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


# Companies (by code) whose dashboard_widgets calls were received, for the tests.
DASHBOARD_CALLS: list[str] = []


@hookimpl
def dashboard_widgets(company, user):
    import datetime as dt

    from sqlalchemy import func

    from core.dashboard import Chart, Tile
    from core.models import utcnow
    from core.records.tenancy import scoped_query
    from .models import Note
    DASHBOARD_CALLS.append(company.code)
    notes = scoped_query(Note, company).filter(Note.archived_at.is_(None))
    now = utcnow()
    week, fortnight = now - dt.timedelta(days=7), now - dt.timedelta(days=14)
    this_week = notes.filter(Note.created_at >= week).count()
    last_week = notes.filter(Note.created_at >= fortnight, Note.created_at < week).count()
    per_priority = dict(notes.with_entities(Note.priority, func.count(Note.id)).group_by(Note.priority).all())
    priorities = sorted({1, 2, 3, 4, 5} | set(per_priority))
    return [
        Tile(label=("便签", "Notes"), value=notes.count(), unit=("条", "notes"),
             trend=this_week - last_week, period=("较上周", "vs. last week"), link="/admin/notes/note/"),
        Tile(label=("置顶便签", "Pinned notes"), value=notes.filter(Note.pinned.is_(True)).count()),
        Chart(title=("各优先级便签数", "Notes per priority"), kind="bar",
              labels=[f"P{p}" for p in priorities],
              series=[{"name": ("便签", "Notes"), "data": [per_priority.get(p, 0) for p in priorities]}]),
    ]


def _notes_created(company, start, end):
    """Notes created from ``start`` to ``end`` (None when there are none)."""
    import datetime as dt

    from core.records.tenancy import scoped_query
    from .models import Note
    count = scoped_query(Note).filter(Note.created_at >= dt.datetime.combine(start, dt.time.min),
                                      Note.created_at <= dt.datetime.combine(end, dt.time.max)).count()
    return count or None


@hookimpl
def register_kpis():
    from core.kpis import Kpi
    return [Kpi("notes.created", "新建便签数", "Notes created", compute=_notes_created, unit="条")]


# Companies (by code) the notes.tidy job ran for, for the tests.
JOB_CALLS: list[str] = []


def _tidy(company):
    """Writes a "tidied" note (to show the per-company commit) and fails
    for a company that has a note titled "boom" (to show the rollback)."""
    from core import db
    from core.records.tenancy import scoped_query
    from .models import Note
    JOB_CALLS.append(company.code)
    db.session.add(Note(title="tidied"))
    if scoped_query(Note).filter(Note.title == "boom").first() is not None:
        raise RuntimeError("a boom note")
    return f"{scoped_query(Note).count()} notes"


@hookimpl
def register_jobs():
    from core.jobs import Job
    return [Job("notes.tidy", "整理便签", "Tidy notes", run=_tidy)]
