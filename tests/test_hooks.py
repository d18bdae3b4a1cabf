"""One test per hook, through the real app: ``test_hook_<name>`` for every
hookspec in core/plugin/hookspecs.py (``test_every_hook_has_a_test`` enforces it,
as Datasette's test_plugins.py does).

The example plugins ``notes`` and ``tasks`` (tests/plugins) implement the
hooks; ``notes`` appends what it receives to ``tests.plugins.notes.EVENTS``.
Hooks that must refuse a bad plugin are tested with a throwaway plugin
package installed by entry point into a second app (``make_app``).
"""
from __future__ import annotations

import inspect
import sys
import textwrap

import pytest
from sqlalchemy import inspect as sa_inspect

from core import Permission, crud_permissions, hookimpl

from core.records import tenancy
from core.plugin import hookspecs
from core.demo import load_demo
from core.extensions import db
from core.models import ROLES, AuditEntry, Company, User, utcnow
from core.plugin.modules import ModuleError, disable_module, enable_module
from core.records.permissions import PermissionRegistry
from core.plugin.registry import PluginError
from core.printing import Printable, PrintableRegistry
from tests.fixtures import install_entry_points, make_note, uninstall_entry_points
from tests.plugins import notes
from tests.plugins.notes.models import Note, Tag
from tests.plugins.tasks.models import Task

PACKAGE_PREFIX = "qdesk_hooktest_"


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """``make_app({key: source})``: a second app with extra plugins, each a
    one-file package installed through the ``qdesk.plugins`` entry point."""
    site = tmp_path / "site"
    monkeypatch.delenv("QDESK_SKIP_BROKEN_PLUGINS", raising=False)
    monkeypatch.delenv("QDESK_TRACE_PLUGINS", raising=False)
    monkeypatch.setenv("QDESK_INSTANCE_PATH", str(tmp_path / "instance"))

    def make(plugins: dict[str, str]):
        from core import create_app
        for key, source in plugins.items():
            package = site / f"{PACKAGE_PREFIX}{key}"
            package.mkdir(parents=True)
            (package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
        install_entry_points(site, "qdesk-hook-tests", {k: PACKAGE_PREFIX + k for k in plugins})
        return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'second.db'}", "TESTING": True,
                           "SECRET_KEY": "hook-tests", "PLUGINS_TOML": str(tmp_path / "plugins.toml")})

    yield make
    uninstall_entry_points(site)
    for name in [m for m in sys.modules if m.startswith(PACKAGE_PREFIX)]:
        del sys.modules[name]


def plugin_source(key: str, body: str, depends: tuple[str, ...] = ()) -> str:
    """Source of a minimal plugin package ``key`` with ``body`` appended."""
    return (f"from core import Manifest, hookimpl\n"
            f"MANIFEST = Manifest(key={key!r}, name_zh={key!r}, name_en={key.title()!r}, "
            f"version='1.0', depends={depends!r})\n" + textwrap.dedent(body))


def company_with_admin(app, module: str):
    """In a second app (``make_app``): the schema migrated, company ``D``
    with its admin ``admin@d.test`` (the fixtures' password) and ``module``
    enabled; returns the company."""
    from core import migrate
    from core.extensions import db
    from core.models import Company, Membership, User
    from core.plugin.modules import enable_module
    from core.records.security import hash_password
    from tests.fixtures import PASSWORD
    with app.app_context():
        migrate.upgrade()
        company = Company(code="D", name="Demo")
        user = User(email="admin@d.test", name="admin", password_hash=hash_password(PASSWORD))
        user.memberships.append(Membership(company=company, role="admin"))
        db.session.add_all([company, user])
        db.session.commit()
        enable_module(company, module)
        return company


@pytest.fixture
def spy(app):
    """An inline plugin recording every ``record_changed`` call, unregistered
    afterwards. Not in the registry, so it hears every company."""
    calls: list[dict] = []

    class Spy:
        @hookimpl
        def record_changed(self, company, record, action, changes):
            calls.append(dict(company=company.code, record=type(record).__name__,
                              action=action, changes=changes))

    pm = app.extensions["qdesk.plugins"].pm
    pm.register(Spy(), name="test-spy")
    yield calls
    pm.unregister(name="test-spy")


def note_id(app, title: str) -> int:
    with app.app_context():
        return db.session.query(Note).filter_by(title=title).one().id


# --- the meta-tests -----------------------------------------------------------

HOOKS = [name for name, fn in vars(hookspecs).items()
         if inspect.isfunction(fn) and hasattr(fn, f"{hookspecs.PROJECT}_spec")]


def test_every_hook_has_a_test():
    tests = {name for name, fn in globals().items() if name.startswith("test_hook_") and callable(fn)}
    missing = [name for name in HOOKS if f"test_hook_{name}" not in tests]
    assert not missing, f"hooks without a test_hook_<name> in tests/test_hooks.py: {missing}"
    stale = sorted(t for t in tests if t[len("test_hook_"):] not in HOOKS)
    assert not stale, f"tests for hooks that core/plugin/hookspecs.py does not define: {stale}"
    assert "register_models" in HOOKS  # the discovery itself works


def test_hookimpl_with_unknown_argument_or_name_is_refused(make_app):
    # Keyword-only calling lets an implementation take a subset of the
    # arguments, but never a name the spec does not have; and a misspelled
    # hook name is not silently ignored. Both name the plugin.
    with pytest.raises(PluginError, match=r"(?s)plugin 'wrongarg' .*invalid hook implementation.*'customer'"):
        make_app({"wrongarg": plugin_source("wrongarg", """
            @hookimpl
            def record_changed(company, customer):
                pass
        """)})


def test_misspelled_hook_is_refused(make_app):
    with pytest.raises(PluginError, match=r"(?s)plugin 'typo' .*register_model\b"):
        make_app({"typo": plugin_source("typo", """
            @hookimpl
            def register_model():
                return []
        """)})


# --- registration: once per app -----------------------------------------------

def test_hook_register_models(app, make_app):
    registry = app.extensions["qdesk.plugins"]
    assert registry.models["notes"] == [Tag, Note]
    assert registry.models["tasks"] == [Task]
    owners = {"notes_tag": "notes", "notes_note": "notes", "tasks_task": "tasks",
              "companies": "core", "audit_entries": "core"}
    with app.app_context():
        existing = set(sa_inspect(db.engine).get_table_names())
    for table, owner in owners.items():
        assert registry.owner_of_table(table) == owner, table
        assert table in db.metadata.tables, table
        assert table in existing, f"{table} not created by the migrations"

    # Tables must be named <plugin key>_<entity>: refused at start.
    with pytest.raises(ValueError, match=r"plugin 'badtable': table 'things' of Thing must be named badtable_"):
        make_app({"badtable": plugin_source("badtable", """
            class Thing:
                __tablename__ = "things"

            @hookimpl
            def register_models():
                return [Thing]
        """)})


def test_hook_register_admin_views(app, world, client_for, make_app):
    registry = app.extensions["qdesk.plugins"]
    views = {view.endpoint: view for view in registry.admin_views}
    assert {"notes_tag", "notes_note", "tasks_task"} <= set(views)
    for endpoint, view in views.items():
        assert endpoint == f"{view.plugin_key}_{view.entity}"
        assert view.url == f"/admin/{view.plugin_key}/{view.entity}"
        assert f"{endpoint}.index_view" in app.view_functions
    assert views["notes_note"].plugin_key == "notes"
    assert (views["notes_note"].name, views["notes_note"].category) == ("Notes", "Notes")
    assert (views["tasks_task"].name, views["tasks_task"].category) == ("Tasks", "Tasks")

    # The screens are live, and gated per company by the base class.
    staff_a, staff_b = client_for("staff@a.test"), client_for("staff@b.test")
    assert staff_a.get("/admin/tasks/task/").status_code == 200
    with app.app_context():
        disable_module(world.company("A"), "tasks")
    assert staff_a.get("/admin/tasks/task/").status_code == 404
    assert staff_b.get("/admin/tasks/task/").status_code == 200

    # Only CompanyModelView subclasses are accepted.
    with pytest.raises(TypeError, match=r"plugin 'badview': register_admin_views returned"):
        make_app({"badview": plugin_source("badview", """
            @hookimpl
            def register_admin_views():
                return [object]
        """)})


def test_hook_register_permissions(app, world, client_for, make_app):
    perms = app.extensions["qdesk.permissions"].by_name
    for action in ("read", "create", "write", "delete"):
        assert f"notes.note.{action}" in perms and f"tasks.task.{action}" in perms
    assert perms["notes.note.read"].grants == frozenset(ROLES)
    assert perms["notes.note.create"].grants == {"admin", "manager", "staff"}
    assert perms["notes.note.delete"].grants == {"admin", "manager"}
    assert perms["tasks.task.read"].grants == {"admin", "manager", "staff"}  # tasks' own grant
    assert "core.module.write" in perms  # core declares through the same hook

    # The grants decide what the real screens allow.
    readonly, staff = client_for("readonly@a.test"), client_for("staff@a.test")
    assert readonly.get("/admin/notes/note/").status_code == 200
    assert readonly.get("/admin/notes/note/new/").status_code == 403
    assert readonly.get("/admin/tasks/task/").status_code == 403
    assert staff.get("/admin/tasks/task/").status_code == 200

    # A plugin declares only in its own namespace, each name once.
    registry = PermissionRegistry()
    with pytest.raises(ValueError, match="outside its namespace"):
        registry.add("tasks", crud_permissions("notes", "note"))
    with pytest.raises(ValueError, match="declared twice"):
        registry.add("notes", [Permission("notes.note.read", frozenset({"admin"}))] * 2)
    with pytest.raises(ValueError, match=r"plugin 'intruder' declares permission 'notes\.note\.read'"):
        make_app({"intruder": plugin_source("intruder", """
            from core import Permission

            @hookimpl
            def register_permissions():
                return [Permission("notes.note.read", frozenset({"readonly"}))]
        """)})


def test_hook_register_printables(app, world, client_for, make_app):
    printables = app.extensions["qdesk.printables"].by_key
    assert {"notes.note", "notes.register"} <= set(printables)
    note, register = printables["notes.note"], printables["notes.register"]
    assert (note.plugin_key, note.model, note.many, note.orientation) == ("notes", Note, False, "portrait")
    assert (register.many, register.orientation) == (True, "landscape")
    assert note.needed_permission == "notes.note.read"  # default: <plugin>.<entity>.read
    # The note screen got a Print action per printable of its model.
    view = next(v for v in app.extensions["qdesk.plugins"].admin_views if v.endpoint == "notes_note")
    assert {"print_notes_note", "print_notes_register"} <= {name for name, _ in view._actions}

    # The printables are live: gated per company like the screens.
    nid = make_note(app, "A", title="打印测试")
    staff_a = client_for("staff@a.test")
    assert staff_a.get(f"/print/notes.note/{nid}.pdf").status_code == 200
    with app.app_context():
        disable_module(world.company("A"), "tasks")
        disable_module(world.company("A"), "notes")
    assert staff_a.get(f"/print/notes.note/{nid}.pdf").status_code == 404

    # A plugin declares only in its own namespace, and only Printables.
    registry = PrintableRegistry()
    with pytest.raises(ValueError, match="outside its namespace"):
        registry.add("tasks", [Printable("notes.x", "便签", "Note", Note, "x.html")])
    with pytest.raises(ValueError, match="declared twice"):
        registry.add("notes", [Printable("notes.x", "便签", "Note", Note, "x.html")] * 2)
    with pytest.raises(ValueError, match="orientation"):
        Printable("notes.x", "便签", "Note", Note, "x.html", orientation="sideways")
    with pytest.raises(ValueError, match=r"plugin 'intruder' declares printable 'notes\.note'"):
        make_app({"intruder": plugin_source("intruder", """
            from core import Printable
            from tests.plugins.notes.models import Note

            @hookimpl
            def register_printables():
                return [Printable("notes.note", "便签", "Note", Note, "x.html")]
        """)})


def test_hook_register_reports(app, world, client_for, make_app):
    reports = app.extensions["qdesk.reports"].by_key
    assert "tasks.by_department" in reports and "crm.contact_log_period" in reports
    report = reports["tasks.by_department"]
    assert (report.plugin_key, report.permission) == ("tasks", "tasks.task.read")
    assert [p.name for p in report.parameters] == ["period", "department", "state"]
    # Live: offered on the Reports page while the module is enabled for the company.
    staff_a = client_for("staff@a.test")
    assert 'data-report="tasks.by_department"' in staff_a.get("/admin/reports/").get_data(as_text=True)
    # A report needs a declared permission, and may not take a printable's key.
    with pytest.raises(ValueError, match=r"report 'stray\.summary' needs the permission"):
        make_app({"stray": plugin_source("stray", """
            from core.printing import PeriodParam, Report

            @hookimpl
            def register_reports():
                return [Report("stray.summary", "汇总", "Summary", "x.html", lambda request: {},
                               "stray.thing.read", parameters=(PeriodParam(),))]
        """)})
    with pytest.raises(ValueError, match=r"report 'twin\.sheet' has the key of a printable"):
        make_app({"twin": plugin_source("twin", """
            from core import Printable, crud_permissions
            from core.printing import Report
            from tests.plugins.notes.models import Note

            @hookimpl
            def register_permissions():
                return crud_permissions("twin", "sheet")

            @hookimpl
            def register_printables():
                return [Printable("twin.sheet", "单", "Sheet", Note, "x.html", permission="twin.sheet.read")]

            @hookimpl
            def register_reports():
                return [Report("twin.sheet", "单", "Sheet", "x.html", lambda request: {}, "twin.sheet.read")]
        """)})


def test_hook_register_settings(app, world, client_for, make_app):
    from core.settings import get_setting, settings_registry
    with app.app_context():
        registry = settings_registry()
        assert {"notes.max_pinned", "notes.reply_hours"} <= set(registry.by_key)
        assert "core.calendar.weekdays" in registry.by_key  # core declares through the same hook
        assert registry.get("notes.max_pinned").plugin_key == "notes"
        assert get_setting("notes.max_pinned", world.company("A")) == 5  # the manifest's default

    # The declarations are live: the Settings screen shows them per enabled module.
    admin = client_for("admin@a.test")
    assert "Most pinned notes" in admin.get("/admin/settings/").get_data(as_text=True)
    with app.app_context():
        disable_module(world.company("A"), "tasks")
        disable_module(world.company("A"), "notes")
    assert "Most pinned notes" not in admin.get("/admin/settings/").get_data(as_text=True)

    # A plugin declares only in its own namespace, with a valid default.
    with pytest.raises(ValueError, match=r"plugin 'intruder' declares setting 'notes\.max_pinned'"):
        make_app({"intruder": plugin_source("intruder", """
            from core.settings import Setting

            @hookimpl
            def register_settings():
                return [Setting("notes.max_pinned", "int", default=1)]
        """)})
    with pytest.raises(ValueError, match=r"default 'often' of setting 'sloppy\.days' is invalid"):
        make_app({"sloppy": plugin_source("sloppy", """
            from core.settings import Setting

            @hookimpl
            def register_settings():
                return [Setting("sloppy.days", "days", default="often")]
        """)})


def test_hook_register_kpis(app, world, make_app):
    import datetime as dt

    from core.kpis import KpiUnavailable, available_kpis, kpi_value
    from tests.fixtures import make_note
    make_note(app, "A", title="one")
    make_note(app, "A", title="two")
    today = utcnow().date()  # notes are stamped in UTC
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        assert "notes.created" in {k.key for k in available_kpis(a)}
        # compute runs as the company asked for: A's notes, not B's.
        assert kpi_value("notes.created", a, today, today) == 2
        assert kpi_value("notes.created", b, today, today) is None  # nothing to measure
        with pytest.raises(ValueError, match="after end"):
            kpi_value("notes.created", a, today, today - dt.timedelta(days=1))
        with pytest.raises(KpiUnavailable, match="no enabled module declares it"):
            kpi_value("notes.nonexistent", a, today, today)
        disable_module(a, "tasks")
        disable_module(a, "notes")
        assert "notes.created" not in {k.key for k in available_kpis(a)}
        with pytest.raises(KpiUnavailable, match="'notes.created'"):
            kpi_value("notes.created", a, today, today)

    with pytest.raises(ValueError, match=r"plugin 'intruder' declares KPI 'notes\.created'"):
        make_app({"intruder": plugin_source("intruder", """
            from core.kpis import Kpi

            @hookimpl
            def register_kpis():
                return [Kpi("notes.created", "x", "x", compute=lambda c, s, e: 1)]
        """)})
    with pytest.raises(TypeError, match="plugin 'sloppy': register_kpis returned"):
        make_app({"sloppy": plugin_source("sloppy", """
            @hookimpl
            def register_kpis():
                return ["crm.csi"]
        """)})


def test_hook_register_jobs(app, world, make_app):
    from core.cli import main
    from core.jobs import run_jobs
    from tests.fixtures import make_note
    from tests.plugins import notes
    from tests.plugins.notes.models import Note
    make_note(app, "A", title="boom")
    notes.JOB_CALLS.clear()
    with app.app_context():
        results = run_jobs(["notes.tidy"])
        # Every active company with notes enabled, each acting as itself ...
        assert [(r.company, r.job, r.ok) for r in results] == [("A", "notes.tidy", False), ("B", "notes.tidy", True)]
        assert results[0].message == "RuntimeError: a boom note" and results[1].message == "1 notes"
        assert notes.JOB_CALLS == ["A", "B"]
        # ... A's failure rolled back A's work only; B's was committed.
        titles = {c: sorted(t for (t,) in tenancy.scoped_query(Note, world.company(c)).with_entities(Note.title))
                  for c in ("A", "B")}
        assert titles == {"A": ["boom"], "B": ["tidied"]}
        disable_module(world.company("B"), "tasks")
        disable_module(world.company("B"), "notes")
        ran = [r.company for r in run_jobs() if r.job == "notes.tidy"]
        assert ran == ["A"]  # B has notes disabled now
        with pytest.raises(KeyError, match="unknown job"):
            run_jobs(["notes.nope"])

    # The command line: exits 1 when a job failed, names it.
    result = app.test_cli_runner().invoke(main, ["jobs", "run", "notes.tidy", "--company", "A"])
    assert result.exit_code == 1 and "notes.tidy" in result.output and "FAILED" in result.output, result.output

    with pytest.raises(ValueError, match=r"plugin 'intruder' declares job 'notes\.tidy'"):
        make_app({"intruder": plugin_source("intruder", """
            from core.jobs import Job

            @hookimpl
            def register_jobs():
                return [Job("notes.tidy", "x", "x", run=lambda company: None)]
        """)})


def test_hook_register_sequences(app, world, client_for, make_app):
    from core.calendar import local_now
    from core.sequences import NumberAssigned, Sequence, sequences_registry
    from core.settings import get_setting, set_settings, settings_registry
    with app.app_context():
        registry = sequences_registry()
        tag = registry.by_key["notes.tag"]
        assert (tag.plugin_key, tag.model, tag.field, tag.reset) == ("notes", Tag, "code", "yearly")
        assert registry.for_model(Tag) == [tag] and registry.for_model(Note) == []
        # Core declared the prefix setting (the notes plugin did not), with the default prefix.
        prefix = settings_registry().get("notes.tag.prefix")
        assert (prefix.plugin_key, prefix.type) == ("notes", "str")
        assert get_setting("notes.tag.prefix", world.company("A")) == "TG"

        # The declaration is live: new tags are numbered per company, in the insert's transaction.
        year = local_now().year
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            db.session.add_all([Tag(name="one"), Tag(name="two")])
            db.session.commit()
            set_settings({"notes.tag.prefix": "BQ"}, world.company("A"))
            db.session.add(Tag(name="three"))
            db.session.commit()
        with tenancy.acting_as(world.company("B"), world.user("staff@b.test")):
            db.session.add(Tag(name="B's"))
            db.session.commit()
        codes = dict(db.session.query(Tag.name, Tag.code))
        assert codes == {"one": f"TG-{year}-001", "two": f"TG-{year}-002", "three": f"BQ-{year}-003",
                         "B's": f"TG-{year}-001"}
        # A number once given never changes.
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            one = db.session.query(Tag).filter_by(name="one").one()
            one.code = "TG-1999-001"
            with pytest.raises(NumberAssigned):
                db.session.commit()
            db.session.rollback()

    # The tags list shows the code; the form has no field for it.
    admin = client_for("admin@a.test")
    assert f"TG-{year}-001" in admin.get("/admin/notes/tag/").get_data(as_text=True)
    assert 'name="code"' not in admin.get("/admin/notes/tag/new/").get_data(as_text=True)

    # Declarations are checked: namespace, model column, pattern, reset.
    with pytest.raises(ValueError, match=r"plugin 'intruder' declares sequence 'notes\.tag'"):
        make_app({"intruder": plugin_source("intruder", """
            from core.sequences import Sequence
            from tests.plugins.notes.models import Tag

            @hookimpl
            def register_sequences():
                return [Sequence("notes.tag", Tag, "code", default_prefix="X")]
        """)})
    with pytest.raises(ValueError, match=r"Tag has no column 'serial'"):
        make_app({"sloppy": plugin_source("sloppy", """
            from core.sequences import Sequence
            from tests.plugins.notes.models import Tag

            @hookimpl
            def register_sequences():
                return [Sequence("sloppy.tag", Tag, "serial", default_prefix="X")]
        """)})
    with pytest.raises(ValueError, match="a yearly sequence needs"):
        Sequence("notes.x", Tag, "code", pattern="{prefix}-{n:04d}")
    with pytest.raises(ValueError, match="may only use"):
        Sequence("notes.x", Tag, "code", pattern="{prefix}-{id}-{n}", reset="never")
    with pytest.raises(ValueError, match="reset must be"):
        Sequence("notes.x", Tag, "code", reset="monthly")


def test_hook_register_entities(app, make_app):
    from core.records.entities import EntityRegistry
    from plugins.crm.models import ContactLog
    from plugins.crm.schemas import ContactLogSchema
    with app.app_context():
        registry = EntityRegistry.current()
        log = registry.by_key["crm.contactlog"]
        assert (log.plugin_key, log.model, log.schema) == ("crm", ContactLog, ContactLogSchema)
        assert registry.entity_of(ContactLog) is log
        # Core declared its four permissions, with the default grants.
        perms = PermissionRegistry.current().by_key
        assert perms["crm.contactlog.read"].grants == set(ROLES)
        assert perms["crm.contactlog.write"].grants == {"admin", "manager", "staff"}
        # The screen is named after it and imports with its schema.
        view = next(v for v in app.extensions["qdesk.plugins"].admin_views if v.model is ContactLog)
        assert (view.endpoint, view.import_schema) == ("crm_contactlog", ContactLogSchema)
        # A screen of an undeclared model (the notes example's tags) has an implicit entity.
        assert registry.entity_of(Tag).key == "notes.tag" and "notes.tag" in registry.implicit
        assert "notes.note" not in registry.implicit  # declared, with attachments

    # Refused at start, naming the plugin: a second entity for a model, its
    # permissions declared twice, a screen contradicting the entity's name,
    # a screen naming permissions nobody declares.
    with pytest.raises(ValueError, match=r"plugin 'twice'.*already the entity 'crm\.contactlog'"):
        make_app({"twice": plugin_source("twice", """
            from core.records.entities import Entity
            from plugins.crm.models import ContactLog

            @hookimpl
            def register_entities():
                return [Entity("twice.log", ContactLog, "登记", "Log")]
        """)})
    with pytest.raises(ValueError, match=r"permission 'dup\.thing\.read' declared twice"):
        make_app({"dup": plugin_source("dup", """
            from core import crud_permissions
            from core.records.entities import Entity
            from tests.plugins.tasks.models import Task

            @hookimpl
            def register_entities():
                return [Entity("dup.thing", Task, "任务", "Task")]

            @hookimpl
            def register_permissions():
                return crud_permissions("dup", "thing")
        """, depends=("tasks",))})
    with pytest.raises(TypeError, match=r"plugin 'named'.*entity is 'log', but ContactLog is the entity 'crm\.contactlog'"):
        make_app({"named": plugin_source("named", """
            from admin.views import CompanyModelView
            from plugins.crm.models import ContactLog

            class LogView(CompanyModelView):
                model = ContactLog
                entity = "log"

            @hookimpl
            def register_admin_views():
                return [LogView]
        """)})
    with pytest.raises(ValueError, match=r"plugin 'typo': screen TypoView needs the permission\(s\) typo\.contact_log\.read"):
        make_app({"typo": plugin_source("typo", """
            from core import crud_permissions
            from admin.views import CompanyModelView
            from tests.plugins.tasks.models import Task

            class TypoView(CompanyModelView):
                model = Task
                entity = "contact_log"

            @hookimpl
            def register_permissions():
                return crud_permissions("typo", "contactlog")

            @hookimpl
            def register_admin_views():
                return [TypoView]
        """, depends=("tasks",))})


def _task(world, company="A", user="staff@a.test", **fields):
    with tenancy.acting_as(world.company(company), world.user(user)):
        task = Task(**{"title": "检修空调", **fields})
        db.session.add(task)
        db.session.commit()
        return task


def _fire(world, task, key, user="staff@a.test", company="A", **kw):
    from core.workflow import transition
    with tenancy.acting_as(world.company(company), world.user(user)):
        transition(task, key, **kw)
        db.session.commit()


def test_hook_register_responsibilities(app, world, client_for, make_app):
    """Declared by code (core's and a plugin's), held by the employees each
    company assigns; the holder alone fires a transition that needs it."""
    from core.org import Employee, ResponsibilityHolder, ResponsibilityRegistry, holds
    with app.app_context():
        declared = ResponsibilityRegistry.current().by_key
        assert {"core.general_manager", "core.management_rep", "core.quality_head", "tasks.approver"} <= set(declared)
        assert (declared["tasks.approver"].plugin_key, declared["tasks.approver"].label("zh")) == ("tasks", "任务批准人")
        manager = world.user("manager@a.test")
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            assert not holds(manager, "tasks.approver")
            employee = Employee(number="A9", name="王芳", user=manager)
            db.session.add(ResponsibilityHolder(responsibility="tasks.approver", employee=employee))
            db.session.commit()
            assert holds(manager, "tasks.approver") and not holds(manager, "core.management_rep")
    # Outside the plugin's namespace, or twice: the start stops naming the plugin.
    with pytest.raises(ValueError, match=r"plugin 'poacher' declares responsibility 'core.boss' outside"):
        make_app({"poacher": plugin_source("poacher", """
            @hookimpl
            def register_responsibilities():
                from core import Responsibility
                return [Responsibility("core.boss", "老板", "Boss")]
        """)})


def test_hook_register_workflows(app, world, client_for, make_app):
    from core.errors import Conflict, Forbidden, Invalid
    from core.workflow import StateLocked, WorkflowRegistry, transition
    with app.app_context():
        registry = WorkflowRegistry.current()
        wf = registry.by_key["tasks.task"]
        assert (wf.plugin_key, wf.model, wf.field, wf.initial) == ("tasks", Task, "state", "new")
        assert registry.workflow_of(Task) is wf and registry.workflow_of(Note) is None
        task = _task(world)
        assert task.state == "new"  # a new record starts in the initial state
        _fire(world, task, "start")
        # A required field: "finish" needs a resolution; nothing changes without it.
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            with pytest.raises(Invalid, match="resolution|Resolution"):
                transition(task, "finish")
            with pytest.raises(Conflict):
                transition(task, "resume")  # not waiting
            task.resolution = "更换电容"
            db.session.commit()
        _fire(world, task, "finish")
        assert task.state == "done" and task.done_at is not None  # stamped
        # A transition's own permission: staff may not reopen, a manager may, with a comment.
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            with pytest.raises(Forbidden):
                transition(task, "reopen", comment="客户反馈仍有异响")
        with tenancy.acting_as(world.company("A"), world.user("manager@a.test")):
            with pytest.raises(Invalid):
                transition(task, "reopen")
        _fire(world, task, "reopen", user="manager@a.test", comment="客户反馈仍有异响")
        assert task.state == "doing"
        # The state moves only through transitions.
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            task.state = "done"
            with pytest.raises(StateLocked):
                db.session.commit()
            db.session.rollback()
        rows = (db.session.query(AuditEntry).filter_by(table_name="tasks_task", record_id=task.id,
                                                        action="transition").order_by(AuditEntry.id).all())
        assert [(r.transition, r.changes["state"], r.comment) for r in rows] == [
            ("start", ["new", "doing"], None), ("finish", ["doing", "done"], None),
            ("reopen", ["done", "doing"], "客户反馈仍有异响")]
        assert [db.session.get(User, r.user_id).email for r in rows] == ["staff@a.test"] * 2 + ["manager@a.test"]
        pk = task.id

    # The screens: no state field in the form, a forged one changes nothing;
    # buttons on the record page; the history names the transition.
    staff = client_for("staff@a.test")
    assert 'name="state"' not in staff.get("/admin/tasks/task/new/").get_data(as_text=True)
    page = staff.get(f"/admin/tasks/task/details/?id={pk}").get_data(as_text=True)
    assert 'data-transition="wait"' in page and 'data-transition="finish"' in page
    assert 'data-transition="reopen"' not in page
    assert "Reopen" in page and "客户反馈仍有异响" in page  # the history
    staff.post("/admin/tasks/task/new/", {"title": "伪造状态", "state": "done"})
    with app.app_context():
        assert db.session.query(Task).filter_by(title="伪造状态").one().state == "new"

    # Declarations are checked at start, naming the plugin.
    # Declarations are checked at start (init_workflows), naming the plugin.
    from core.workflow import Transition, Workflow
    with app.app_context():
        fresh = WorkflowRegistry()
        fresh.add("tasks", [Workflow("tasks.task", Task, states=wf.states, initial="new", transitions=(
            Transition("fly", ("new",), "doing", "飞", "Fly", permission="tasks.task.fly"),))])
        with pytest.raises(ValueError, match=r"plugin 'tasks'.*needs the permission 'tasks\.task\.fly'"):
            fresh.check_permissions(app.extensions["qdesk.permissions"].by_key)
        with pytest.raises(ValueError, match="already has the workflow"):
            fresh.add("tasks", [Workflow("tasks.again", Task, states=wf.states, initial="new", transitions=())])
    with pytest.raises(ValueError, match="names state 'gone'"):
        Workflow("tasks.x", Task, states={"new": ("新", "New")}, initial="new",
                 transitions=(Transition("go", ("new",), "gone", "走", "Go"),))
    with app.app_context():  # a sign-off names a declared responsibility, not a free text
        signed = WorkflowRegistry()
        signed.add("tasks", [Workflow("tasks.task", Task, states=wf.states, initial="new", transitions=(
            Transition("sign", ("new",), "done", "签", "Sign", signoff="管理者代表"),))])
        with pytest.raises(ValueError, match=r"plugin 'tasks'.*sign-off by '管理者代表', which no plugin declares"):
            signed.check_signoffs(app.extensions["qdesk.responsibilities"].by_key)


def test_a_screen_listing_a_kept_field_stops_the_start(make_app):
    with pytest.raises(TypeError, match=r"plugin 'leaky'.*form_columns lists state"):
        make_app({"leaky": plugin_source("leaky", """
            from admin.views import CompanyModelView
            from tests.plugins.tasks.models import Task

            class LeakyTaskView(CompanyModelView):
                model = Task
                entity = "leakytask"
                form_columns = ("title", "state")

            @hookimpl
            def register_admin_views():
                return [LeakyTaskView]
        """, depends=("tasks",))})


def test_hook_register_deadlines(app, world, client_for, make_app):
    import datetime as dt
    import time_machine
    from core.deadlines import DeadlineClock, DeadlineRegistry, check_breaches, on_time_rate
    shanghai = dt.timezone(dt.timedelta(hours=8))

    def at(*args):
        return time_machine.travel(dt.datetime(*args, tzinfo=shanghai), tick=False)

    def clock(task):
        return db.session.query(DeadlineClock).filter_by(deadline="tasks.task.resolve", record_id=task.id).one()

    with app.app_context():
        d = DeadlineRegistry.current().by_key["tasks.task.resolve"]
        assert (d.plugin_key, d.model, d.due_field, d.setting_keys) == ("tasks", Task, "due_at", ("tasks.resolve_within",))
        # 8 working hours (08:30-12:00, 13:30-17:30) from Fri 2024-03-08 16:00:
        # Fri 1.5 h, Mon 2024-03-11 08:30-12:00 3.5 h, 13:30-16:30 3 h → Mon 16:30.
        plain = _task(world, opened_at=dt.datetime(2024, 3, 8, 16, 0))
        assert plain.due_at == dt.datetime(2024, 3, 11, 16, 30) == clock(plain).due_at
        # Waiting over the weekend (Fri 17:30 → Mon 08:30) adds no working time.
        weekend = _task(world, opened_at=dt.datetime(2024, 3, 8, 16, 0))
        with at(2024, 3, 8, 17, 0):
            _fire(world, weekend, "start")
        with at(2024, 3, 8, 17, 30):
            _fire(world, weekend, "wait")
        assert clock(weekend).status == "paused"
        with at(2024, 3, 11, 8, 30):
            _fire(world, weekend, "resume")
        assert weekend.due_at == dt.datetime(2024, 3, 11, 16, 30) and clock(weekend).status == "running"
        # Waiting from Fri 17:00: its last half hour of work is added back → Mon 17:00.
        half = _task(world, opened_at=dt.datetime(2024, 3, 8, 16, 0))
        with at(2024, 3, 8, 16, 30):
            _fire(world, half, "start")
        with at(2024, 3, 8, 17, 0):
            _fire(world, half, "wait")
        with at(2024, 3, 11, 9, 0):
            _fire(world, half, "resume")
        # Paused Fri 17:00-17:30 (0.5 h) and Mon 08:30-09:00 (0.5 h): 1 h → Mon 17:30.
        assert half.due_at == dt.datetime(2024, 3, 11, 17, 30)
        # Met by the due time (done_at, stamped by "finish"), or late.
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            plain.resolution = weekend.resolution = "已处理"
            db.session.commit()
        with at(2024, 3, 11, 10, 0):
            _fire(world, plain, "start")
            _fire(world, plain, "finish")
        with at(2024, 3, 12, 9, 0):
            _fire(world, weekend, "finish")
        assert (clock(plain).status, clock(plain).met_at) == ("met", dt.datetime(2024, 3, 11, 10, 0))
        assert clock(weekend).status == "late"
        # The check marks the open one past due as breached (it is 2024 no more).
        assert check_breaches(world.company("A")) == 1 and clock(half).status == "breached"
        assert check_breaches(world.company("A")) == 0
        # On time: 1 of the 3 due on 2024-03-11 (plain); half is past due and open.
        assert str(on_time_rate("tasks.task.resolve", world.company("A"), dt.date(2024, 3, 11),
                                dt.date(2024, 3, 11))) == "33.33"
        assert on_time_rate("tasks.task.resolve", world.company("B"), dt.date(2024, 3, 11),
                            dt.date(2024, 3, 11)) is None
        ids = plain.id, half.id

    # The screen: badges on the due column, the overdue list, the tile.
    staff = client_for("staff@a.test")
    page = staff.get("/admin/tasks/task/").get_data(as_text=True)
    assert page.count("qdesk-overdue") == 1 and page.count("qdesk-met-late") == 1
    overdue = staff.get("/admin/tasks/task/?overdue=tasks.task.resolve").get_data(as_text=True)
    assert f'value="{ids[1]}"' in overdue and f'value="{ids[0]}"' not in overdue
    home = staff.get("/admin/").get_data(as_text=True)
    assert "Overdue: Task resolution" in home and "/admin/tasks/task/?overdue=tasks.task.resolve" in home
    with app.app_context():  # the due time is core's: not in the form, not changeable
        pass
    assert 'name="due_at"' not in staff.get("/admin/tasks/task/new/").get_data(as_text=True)

    # Declarations are checked at start, naming the plugin.
    with pytest.raises(ValueError, match=r"plugin 'dlset'.*'notes\.reply_hours' is not a declared setting of type deadline"):
        make_app({"dlset": plugin_source("dlset", """
            from core.deadlines import Deadline
            from tests.plugins.tasks.models import Task

            @hookimpl
            def register_deadlines():
                return [Deadline("dlset.task.x", Task, start="opened_at", amount="notes.reply_hours",
                                 due_field="done_at", done=lambda t: False)]
        """, depends=("tasks",))})


def test_hook_register_notifications(app, world, client_for, make_app):
    from core.notify import Notification, NotificationRegistry
    from tests.plugins.tasks.services import reopen
    with app.app_context():
        kind = NotificationRegistry.current().by_key["tasks.reopened"]
        assert (kind.plugin_key, kind.label("en")) == ("tasks", "Task reopened")
        task = _task(world, resolution="已处理")  # created by staff
        _fire(world, task, "start")
        _fire(world, task, "finish")
        with tenancy.acting_as(world.company("A"), world.user("manager@a.test")):
            reopen(task, "客户又来电了")
            db.session.commit()
        row, = db.session.query(Notification).all()
        assert (row.recipient.email, row.kind, row.entity, row.record_id) == (
            "staff@a.test", "tasks.reopened", "tasks.task", task.id)
    page = client_for("staff@a.test").get("/admin/inbox/").get_data(as_text=True)
    assert "Task reopened: 检修空调" in page and "manager A reopened the task 检修空调: 客户又来电了" in page
    assert "Task reopened" not in client_for("manager@a.test").get("/admin/inbox/").get_data(as_text=True)

    with pytest.raises(ValueError, match=r"plugin 'intruder' declares notification kind 'tasks\.reopened'"):
        make_app({"intruder": plugin_source("intruder", """
            from core.notify import NotificationKind

            @hookimpl
            def register_notifications():
                return [NotificationKind("tasks.reopened", "x", "x", "x", "x")]
        """)})


def test_hook_record_transitioned(app, world):
    from tests.plugins import tasks
    with app.app_context():
        tasks.TRANSITIONS.clear()
        task = _task(world, title="换滤网")
        _fire(world, task, "start")
        _fire(world, task, "wait", comment="等客户确认上门时间")
        assert tasks.TRANSITIONS == [
            ("A", "换滤网", "tasks.task", "start", "new", "doing", None, "staff@a.test"),
            ("A", "换滤网", "tasks.task", "wait", "doing", "waiting", "等客户确认上门时间", "staff@a.test")]
        # After the commit only: a transition rolled back tells nobody.
        from core.workflow import transition
        tasks.TRANSITIONS.clear()
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            transition(task, "resume")
            db.session.flush()
            db.session.rollback()
        assert tasks.TRANSITIONS == [] and db.session.get(Task, task.id).state == "waiting"


# --- per company ---------------------------------------------------------------

def test_hook_company_module_enabled(app, world):
    with app.app_context():
        company = world.company("A")
        disable_module(company, "tasks")
        disable_module(company, "notes")
        notes.EVENTS.clear()
        # tasks depends on notes: notes is pulled in, hears the event and is
        # told it was pulled in.
        assert enable_module(company, "tasks") == ["notes"]
        assert notes.EVENTS == [("enabled", "A", "tasks", ("notes",))]
        # Enabling what is already enabled is no event.
        notes.EVENTS.clear()
        assert enable_module(company, "tasks") == []
        assert notes.EVENTS == []


def test_hook_company_module_disabled(app, world):
    with app.app_context():
        company = world.company("A")
        notes.EVENTS.clear()
        with pytest.raises(ModuleError, match="tasks"):
            disable_module(company, "notes")  # refused: no event
        disable_module(company, "tasks")
        disable_module(company, "notes")  # notes hears its own disabling
        assert notes.EVENTS == [("disabled", "A", "tasks"), ("disabled", "A", "notes")]
        disable_module(company, "notes")  # already disabled: nothing happens
        assert notes.EVENTS == [("disabled", "A", "tasks"), ("disabled", "A", "notes")]
        # Other companies are not affected.
        assert tenancy.module_enabled("notes", world.company("B"))


def test_hook_record_changed(app, world, client_for, spy):
    # Through the admin screens, in company A where notes is enabled.
    notes.EVENTS.clear()
    staff = client_for("staff@a.test")
    response = staff.post("/admin/notes/note/new/", {"title": "客户回访", "priority": "2"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    pk = note_id(app, "客户回访")
    response = staff.post(f"/admin/notes/note/edit/?id={pk}",
                          {"title": "客户回访（已完成）", "priority": "2", "record_version": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]

    records = [e for e in notes.EVENTS if e[0] == "record"]
    assert [e[:4] for e in records] == [("record", "A", "Note", "create"), ("record", "A", "Note", "update")]
    assert "title" in records[0][4] and "company_id" not in records[0][4]
    assert records[1][4] == ("title",)
    assert spy[-1] == dict(company="A", record="Note", action="update",
                           changes={"title": ("客户回访", "客户回访（已完成）")})
    with app.app_context():  # the audit entries are written as well
        assert [e.action for e in db.session.query(AuditEntry).filter_by(table_name="notes_note", record_id=pk)
                .order_by(AuditEntry.id)] == ["create", "update"]

    # Company B has notes disabled: notes does not hear about B's records,
    # while a hook implementation outside the registry (the spy) does.
    with app.app_context():
        company = world.company("B")
        disable_module(company, "tasks")
        disable_module(company, "notes")
        assert not tenancy.module_enabled("notes", company)
        notes.EVENTS.clear()
        with tenancy.acting_as(company, world.user("staff@b.test")):
            db.session.add(Note(title="B 的便签"))
            db.session.commit()
    assert notes.EVENTS == []
    assert spy[-1]["company"] == "B" and spy[-1]["action"] == "create"


def test_record_changed_outside_a_request(app, world):
    # CLI commands, imports and scripts commit several times in one app
    # context, with no request having looked up the company's modules: the
    # hook is still dispatched (after_commit itself may not emit SQL).
    with app.app_context():
        company = world.company("A")
        notes.EVENTS.clear()
        with tenancy.acting_as(company, world.user("staff@a.test")):
            note = Note(title="导入的便签")
            db.session.add(note)
            db.session.commit()
            note.title = "导入的便签（已核对）"
            db.session.commit()
    assert [e[3] for e in notes.EVENTS if e[0] == "record"] == ["create", "update"]


def test_hook_load_demo_data(app):
    # Needs an empty database: no `world` here.
    with app.app_context():
        notes.EVENTS.clear()
        logins = load_demo()
        assert logins and all(password for _, password, _ in logins)
        companies = db.session.query(Company).order_by(Company.code).all()
        assert [c.code for c in companies] == ["CD", "HZ"]
        for company in companies:
            demo_notes = tenancy.scoped_query(Note, company).all()
            assert [n.title for n in demo_notes] == [f"{company.code} 示例便签"]
            assert demo_notes[0].tag.name == "客户回访"
            # Added inside acting_as(company, admin): stamped by core.
            author = db.session.get(User, demo_notes[0].created_by_id)
            assert author.email == f"admin@{company.code.lower()}.demo"
        assert ("record", "HZ", "Note", "create") in [e[:4] for e in notes.EVENTS]


def test_hook_dashboard_widgets(app, world):
    # Per company: only the enabled plugins are asked, as the acting user.
    # More in tests/test_dashboard.py (home page, broken plugins, Chart.js).
    from core.dashboard import Chart, Tile, collect_widgets
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        notes.DASHBOARD_CALLS.clear()
        examples = ("notes", "tasks")  # built-in plugins (crm, ...) add their own widgets
        placed = [p for p in collect_widgets(a, world.user("admin@a.test")) if p.plugin in examples]
        assert [(p.plugin, type(p.widget)) for p in placed] == [
            ("notes", Tile), ("notes", Tile), ("notes", Chart), ("tasks", Tile),
            ("tasks", Tile)]  # the last: core's tile of the deadline tasks.task.resolve
        disable_module(a, "tasks")
        disable_module(a, "notes")
        assert [p for p in collect_widgets(a, world.user("admin@a.test")) if p.plugin in examples] == []
        assert [p.plugin for p in collect_widgets(b, world.user("admin@b.test"))
                if p.plugin in examples] == ["notes"] * 3 + ["tasks"] * 2
        assert notes.DASHBOARD_CALLS == ["A", "B"]


def test_load_demo_data_runs_in_dependency_order(make_app):
    demo_app = make_app({
        "alpha": plugin_source("alpha", """
            CALLS = []

            @hookimpl
            def load_demo_data(company):
                CALLS.append(("alpha", company.code))
        """),
        "beta": plugin_source("beta", """
            @hookimpl
            def load_demo_data(company):
                from qdesk_hooktest_alpha import CALLS
                CALLS.append(("beta", company.code))
        """, depends=("alpha",)),
    })
    with demo_app.app_context():
        db.create_all()
        load_demo()
    calls = sys.modules[f"{PACKAGE_PREFIX}alpha"].CALLS
    assert calls == [("alpha", "HZ"), ("beta", "HZ"), ("alpha", "CD"), ("beta", "CD")]


def test_hook_record_actions(app, world, client_for):
    # tasks offers "Create task from this note" on notes (tests/test_links.py has the rest).
    from core.links import RecordLink
    pk = make_note(app, "A", title="需要跟进")
    staff = client_for("staff@a.test")
    page = staff.get(f"/admin/notes/note/details/?id={pk}").get_data(as_text=True)
    assert "Create task from this note" in page
    response = staff.post("/admin/notes/note/record-action/", {"id": str(pk), "action": "tasks.from_note"})
    assert response.status_code == 302
    with app.app_context():
        task = db.session.query(Task).filter_by(note_id=pk).one()
        link = db.session.query(RecordLink).one()
        assert (link.source_entity, link.source_id, link.target_entity, link.target_id, link.kind) == (
            "notes.note", pk, "tasks.task", task.id, "tasks.from_note")
        disable_module(world.company("A"), "tasks")
    page = staff.get(f"/admin/notes/note/details/?id={pk}").get_data(as_text=True)
    assert 'value="tasks.from_note"' not in page


def test_hook_details_panels(app, world, client_for):
    pk = make_note(app, "A", title="有任务的便签")
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            db.session.add(Task(title="<b>上门</b>", note_id=pk))
            db.session.commit()
    page = client_for("staff@a.test").get(f"/admin/notes/note/details/?id={pk}").get_data(as_text=True)
    assert "Tasks of this note" in page and "&lt;b&gt;上门&lt;/b&gt;" in page and "<b>上门</b>" not in page
    # Gated on tasks.task.read, which read-only users lack.
    page = client_for("readonly@a.test").get(f"/admin/notes/note/details/?id={pk}").get_data(as_text=True)
    assert "Tasks of this note" not in page


# --- transition_refused ---------------------------------------------------------------

VETO_SOURCE = """
    @hookimpl
    def transition_refused(company, record, workflow, transition, user):
        if workflow != "tasks.task" or transition != "start":
            return None
        if "boom" in record.title:
            raise RuntimeError("the checker is broken")
        if "blocked" in record.title:
            return ["Waiting for the supplier's parts.", "  "]
        return []
"""


@pytest.fixture
def veto_app(make_app, test_plugins):
    app = make_app({"veto": plugin_source("veto", VETO_SOURCE, depends=("tasks",))})
    company_with_admin(app, "tasks")
    return app


def _start_vetoed(app, title, with_veto=True):
    """Start a new task titled ``title``; the refusal's message, or None."""
    from core.extensions import db
    from core.models import Company, User
    from core.plugin.modules import disable_module, enable_module
    from core.records import tenancy
    from core.errors import Invalid
    from core.workflow import transition
    from tests.plugins.tasks.models import Task
    with app.app_context():
        company = db.session.query(Company).filter_by(code="D").one()
        (enable_module if with_veto else disable_module)(company, "veto")
        with tenancy.acting_as(company, db.session.query(User).filter_by(email="admin@d.test").one()):
            task = Task(title=title)
            db.session.add(task)
            db.session.commit()
            try:
                transition(task, "start")
            except Invalid as refused:
                db.session.rollback()
                assert db.session.get(Task, task.id).state == "new"  # nothing changed
                return str(refused)
            db.session.commit()
            assert db.session.get(Task, task.id).state == "doing"
            return None


def test_hook_transition_refused(veto_app, caplog):
    """A plugin's rule on another plugin's record (quality keeps a service
    report open until its CAPA is verified, T-AS-16): a reason refuses the
    transition and nothing changes, blank reasons are ignored; a plugin that
    raises refuses it too; a module not enabled in the company is not asked."""
    assert _start_vetoed(veto_app, "blocked: 更换压缩机") == "Waiting for the supplier's parts."
    assert _start_vetoed(veto_app, "更换压缩机") is None  # positive control: no reason, it fires
    message = _start_vetoed(veto_app, "boom")
    assert "cannot be checked now (module veto failed)" in message
    assert "raised in transition_refused" in caplog.text
    assert _start_vetoed(veto_app, "blocked: 更换压缩机", with_veto=False) is None
