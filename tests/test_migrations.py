"""The models and the migrations agree, on whichever database runs the suite."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from core import migrate
from core.extensions import db


def test_migrations_match_models(app):
    """Upgrading all heads (done by the app fixture) gives exactly the
    schema of the models: autogenerate finds nothing to add."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_database_is_at_every_head(app):
    with app.app_context(), db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
        script = ScriptDirectory.from_config(migrate.alembic_config())
        # alembic_version keeps only the heads not implied by dependencies,
        # so check that every head is applied (reachable from the current ones).
        applied = {r.revision for r in script.iterate_revisions(tuple(current), "base")}
        assert set(script.get_heads()) <= applied
        labels = {label for rev in script.walk_revisions() for label in rev.branch_labels}
    assert {"core", "notes", "tasks"} <= labels


def test_each_plugin_branch_depends_on_core_and_its_dependencies(app):
    # A plugin branch depends on the core revision that was current when it
    # was started (core moves on later: later core revisions are not needed).
    with app.app_context():
        script = ScriptDirectory.from_config(migrate.alembic_config())
        core_revisions = {r.revision for r in script.iterate_revisions("core@head", "base")}
        notes_revisions = {r.revision for r in script.iterate_revisions("notes@head", "base")}
        notes_base = next(r for r in script.walk_revisions() if "notes" in r.branch_labels)
        tasks_base = next(r for r in script.walk_revisions() if "tasks" in r.branch_labels)
    assert dependencies(notes_base) & core_revisions
    assert dependencies(tasks_base) & core_revisions
    assert dependencies(tasks_base) & notes_revisions


def dependencies(script) -> set[str]:
    """A revision's ``depends_on`` as a set (Alembic keeps a lone one as a string)."""
    deps = script.dependencies or ()
    return {deps} if isinstance(deps, str) else set(deps)


def test_plugin_migrations_live_in_the_plugin(app):
    """Each plugin's branch is collected from its own package folder."""
    registry = app.extensions["qdesk.plugins"]
    for key in ("notes", "tasks"):
        path = registry.get(key).migrations_path
        assert path is not None and any(path.glob("*.py"))
        assert path.is_relative_to(registry.get(key).path)
