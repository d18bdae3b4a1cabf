"""The ``qdesk`` command line: companies, users, modules, demo data, plugins.

Commands run through Flask's CLI runner against the session app, so they
use the same database as the rest of the tests.
"""
from __future__ import annotations

import re

import pytest

from core.cli import main
from tests.fixtures import PASSWORD, Client


@pytest.fixture
def qdesk(app):
    """``qdesk(*args, input=None)``: run a ``qdesk`` command, return the result."""
    runner = app.test_cli_runner()

    def run(*args, input=None):
        return runner.invoke(main, list(args), input=input)
    return run


def companies(app):
    from core.extensions import db
    from core.models import Company
    with app.app_context():
        return sorted(c.code for c in db.session.query(Company))


def users(app):
    from core.extensions import db
    from core.models import User
    with app.app_context():
        return {u.email: sorted((m.company.code, m.role) for m in u.memberships) for u in db.session.query(User)}


# The module tests work on the example plugins; built-in plugins (crm, ...)
# are installed beside them and left out of the comparisons.
EXAMPLES = {"notes", "tasks"}


def enabled(app, code):
    """The example modules enabled for company ``code``."""
    from core.records import tenancy
    from core.extensions import db
    from core.models import Company
    with app.app_context():
        return set(tenancy.enabled_modules(db.session.query(Company).filter_by(code=code).one())) & EXAMPLES


# --- help ---------------------------------------------------------------------

def test_help_lists_the_command_groups(qdesk):
    result = qdesk("--help")
    assert result.exit_code == 0, result.output
    listed = set(re.findall(r"^  (\w+)", result.output, re.M))
    assert {"db", "demo", "company", "user", "module", "plugin", "calendar"} <= listed


# --- company ------------------------------------------------------------------

def test_company_create_and_list(qdesk, app):
    result = qdesk("company", "create", "X1", "Xiamen Service Co", "--province", "福建")
    assert result.exit_code == 0, result.output
    assert "X1" in result.output
    assert companies(app) == ["X1"]

    result = qdesk("company", "list")
    assert result.exit_code == 0, result.output
    assert re.search(r"X1\s+Xiamen Service Co\s+福建\s+active", result.output)


def test_company_create_duplicate_is_refused(qdesk, app):
    assert qdesk("company", "create", "X1", "First").exit_code == 0
    result = qdesk("company", "create", "X1", "Second")
    assert result.exit_code != 0
    assert "X1" in result.output and "already exists" in result.output
    assert "Traceback" not in result.output
    assert companies(app) == ["X1"]


# --- user ---------------------------------------------------------------------

def test_user_create_reads_password_from_stdin_and_can_log_in(qdesk, app):
    assert qdesk("company", "create", "X1", "X One").exit_code == 0
    result = qdesk("user", "create", "New.User@X1.test", "--company", "X1", "--role", "manager",
                   "--name", "New User", input="secret-pass-1\n")
    assert result.exit_code == 0, result.output
    assert "new.user@x1.test" in result.output
    assert "secret-pass-1" not in result.output
    assert users(app)["new.user@x1.test"] == [("X1", "manager")]

    client = Client(app)
    assert client.login("new.user@x1.test", "secret-pass-1").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert Client(app).login("new.user@x1.test", "wrong-pass-1").status_code == 401


def test_user_create_adds_membership_of_existing_user(qdesk, app, world):
    result = qdesk("user", "create", "staff@a.test", "--company", "B", "--role", "readonly",
                   input="whatever-pass\n")
    assert result.exit_code == 0, result.output
    assert users(app)["staff@a.test"] == [("A", "staff"), ("B", "readonly")]
    # The existing password is unchanged.
    assert Client(app).login("staff@a.test", PASSWORD).status_code == 302

    again = qdesk("user", "create", "staff@a.test", "--company", "B", input="whatever-pass\n")
    assert again.exit_code != 0 and "already a member" in again.output


def test_user_create_refuses_short_password(qdesk, app):
    result = qdesk("user", "create", "short@x.test", input="short\n")
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    assert "short@x.test" not in users(app)


def test_user_create_refuses_unknown_company(qdesk, app):
    result = qdesk("user", "create", "lost@x.test", "--company", "NOPE", input="secret-pass-1\n")
    assert result.exit_code != 0
    assert "NOPE" in result.output and "no company" in result.output
    assert "lost@x.test" not in users(app)


def test_user_create_has_no_password_option_or_argument(qdesk, app):
    help_text = qdesk("user", "create", "--help").output
    assert "--password" not in help_text

    as_option = qdesk("user", "create", "pw@x.test", "--password", "secret-pass-1", input="secret-pass-1\n")
    assert as_option.exit_code == 2 and "No such option" in as_option.output

    as_argument = qdesk("user", "create", "pw@x.test", "secret-pass-1", input="secret-pass-1\n")
    assert as_argument.exit_code == 2 and "unexpected extra argument" in as_argument.output
    assert "pw@x.test" not in users(app)


def test_user_list_shows_company_and_role(qdesk, world):
    result = qdesk("user", "list")
    assert result.exit_code == 0, result.output
    assert re.search(r"^admin@a\.test\s+A:admin\s*$", result.output, re.M), result.output
    assert re.search(r"^readonly@b\.test\s+B:readonly\s*$", result.output, re.M), result.output


# --- module -----------------------------------------------------------------

def module_states(output):
    """State of each example module in `qdesk module list` output."""
    return {key: state for key, state in re.findall(r"^(\w+)\s+\S+\s+(enabled|disabled)\b", output, re.M)
            if key in EXAMPLES}


def test_module_enable_pulls_in_dependencies_and_disable_is_refused_while_needed(qdesk, app):
    assert qdesk("company", "create", "X1", "X One").exit_code == 0
    listed = qdesk("module", "list", "--company", "X1")
    assert listed.exit_code == 0, listed.output
    assert module_states(listed.output) == {"notes": "disabled", "tasks": "disabled"}

    result = qdesk("module", "enable", "tasks", "--company", "X1")
    assert result.exit_code == 0, result.output
    assert "enabled tasks" in result.output and "also enabled: notes" in result.output
    assert enabled(app, "X1") == {"notes", "tasks"}
    assert module_states(qdesk("module", "list", "--company", "X1").output) == {
        "notes": "enabled", "tasks": "enabled"}

    refused = qdesk("module", "disable", "notes", "--company", "X1")
    assert refused.exit_code != 0
    assert "tasks" in refused.output and "notes" in refused.output
    assert enabled(app, "X1") == {"notes", "tasks"}

    result = qdesk("module", "disable", "tasks", "--company", "X1")
    assert result.exit_code == 0, result.output
    assert enabled(app, "X1") == {"notes"}
    result = qdesk("module", "disable", "notes", "--company", "X1")
    assert result.exit_code == 0, result.output
    assert enabled(app, "X1") == set()


def test_module_enable_without_dependencies_to_pull(qdesk, app):
    assert qdesk("company", "create", "X1", "X One").exit_code == 0
    result = qdesk("module", "enable", "notes", "--company", "X1")
    assert result.exit_code == 0, result.output
    assert "also enabled" not in result.output
    assert enabled(app, "X1") == {"notes"}


def test_module_changes_are_per_company(qdesk, app, world):
    assert qdesk("module", "disable", "tasks", "--company", "A").exit_code == 0
    assert enabled(app, "A") == {"notes"}
    assert enabled(app, "B") == {"notes", "tasks"}


@pytest.mark.parametrize("verb", ["enable", "disable"])
def test_module_unknown_name_is_an_error(qdesk, app, world, verb):
    result = qdesk("module", verb, "nosuchmodule", "--company", "A")
    assert result.exit_code != 0
    assert "nosuchmodule" in result.output and "no installed module" in result.output.lower()
    assert "Traceback" not in result.output


def test_module_unknown_company_is_an_error(qdesk, app):
    result = qdesk("module", "list", "--company", "NOPE")
    assert result.exit_code != 0 and "NOPE" in result.output


# --- demo -------------------------------------------------------------------

def test_demo_load_creates_companies_and_prints_working_logins(qdesk, app):
    result = qdesk("demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert companies(app) == ["CD", "HZ"]
    logins = re.findall(r"^\s+(\S+@\S+)\s+(\S+)\s+", result.output, re.M)
    assert ("sysadmin@qdesk.demo", "qdesk-demo") in logins
    emails = dict(logins)
    assert "admin@hz.demo" in emails
    assert enabled(app, "HZ") == {"notes", "tasks"}

    client = Client(app)
    assert client.login("admin@hz.demo", emails["admin@hz.demo"]).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_demo_load_if_empty_does_nothing_the_second_time(qdesk, app):
    assert qdesk("demo", "load").exit_code == 0
    before = users(app)
    second = qdesk("demo", "load", "--if-empty")
    assert second.exit_code == 0, second.output
    assert "not loaded again" in second.output
    assert companies(app) == ["CD", "HZ"]
    assert users(app) == before


def test_demo_load_twice_without_if_empty_is_refused(qdesk, app):
    assert qdesk("demo", "load").exit_code == 0
    before = users(app)
    again = qdesk("demo", "load")
    assert again.exit_code != 0
    assert "already exist" in again.output and "Traceback" not in again.output
    assert companies(app) == ["CD", "HZ"] and users(app) == before


def test_demo_load_if_empty_skips_a_database_with_other_companies(qdesk, app, world):
    result = qdesk("demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "not loaded again" in result.output
    assert "@" not in result.output  # no demo logins exist to print
    assert companies(app) == ["A", "B"]


# --- plugin -----------------------------------------------------------------

def plugin_lines(output):
    return {m.group(1): m.group(0) for m in re.finditer(r"^(\w+)\s+.*$", output, re.M)}


def test_plugin_list_shows_installed_plugins(qdesk, tmp_path, monkeypatch):
    toml = tmp_path / "plugins.toml"
    toml.write_text("blocked = []\n")
    monkeypatch.setenv("QDESK_PLUGINS_TOML", str(toml))
    result = qdesk("plugin", "list")
    assert result.exit_code == 0, result.output
    lines = plugin_lines(result.output)
    assert re.match(r"notes\s+1\.0\s+loaded\s+depends: -", lines["notes"])
    assert re.match(r"tasks\s+1\.0\s+loaded\s+depends: notes", lines["tasks"])
    assert "from entry point notes = tests.plugins.notes from qdesk-test-plugins" in result.output
    assert "from entry point tasks = tests.plugins.tasks from qdesk-test-plugins" in result.output


def test_plugin_list_reads_blocked_from_plugins_toml_in_cwd(qdesk, tmp_path, monkeypatch):
    monkeypatch.delenv("QDESK_PLUGINS_TOML", raising=False)
    (tmp_path / "plugins.toml").write_text('blocked = ["tasks"]\n')
    monkeypatch.chdir(tmp_path)
    result = qdesk("plugin", "list")
    assert result.exit_code == 0, result.output
    lines = plugin_lines(result.output)
    assert re.match(r"tasks\s+\S+\s+blocked\b", lines["tasks"])  # not imported: version unknown
    assert re.match(r"notes\s+1\.0\s+loaded\b", lines["notes"])


def test_plugin_list_reports_a_broken_plugin_instead_of_failing(qdesk, tmp_path, monkeypatch):
    from tests.fixtures import install_entry_points, uninstall_entry_points
    toml = tmp_path / "plugins.toml"
    toml.write_text("blocked = []\n")
    monkeypatch.setenv("QDESK_PLUGINS_TOML", str(toml))
    site = tmp_path / "site"
    (site / "qdtcli_crashy").mkdir(parents=True)
    (site / "qdtcli_crashy" / "__init__.py").write_text("raise ImportError('missing wheel')\n")
    install_entry_points(site, "acme_crashy", {"crashy": "qdtcli_crashy"})
    try:
        result = qdesk("plugin", "list")
    finally:
        uninstall_entry_points(site)
    assert result.exit_code == 0, result.output
    lines = plugin_lines(result.output)
    assert re.match(r"crashy\s+\?\s+broken\b", lines["crashy"])
    assert "missing wheel" in result.output
    assert re.match(r"notes\s+1\.0\s+loaded\b", lines["notes"])


def test_jobs_list_and_unknown_job(qdesk):
    listed = qdesk("jobs", "list")
    assert listed.exit_code == 0
    assert "notes.tidy" in listed.output and "crm.plan_visits" in listed.output and "Tidy notes" in listed.output
    unknown = qdesk("jobs", "run", "notes.nope")
    assert unknown.exit_code != 0 and "unknown job(s): notes.nope" in unknown.output
    missing = qdesk("jobs", "run", "--company", "ZZ")
    assert missing.exit_code != 0 and "no company with code 'ZZ'" in missing.output
