"""Shared fixtures: test plugins installed through entry points, one app
per session on SQLite or PostgreSQL (``QDESK_TEST_DATABASE_URL``), a clean
database per test, and companies with one user per role."""
from __future__ import annotations

import functools
import os
import re
import sqlite3
import sys
from pathlib import Path

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-1"
#: The zone of the test and demo companies.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def frozen(local):
    """The clock stopped at ``local`` (a naive date-time) Shanghai time: the
    company's zone, whatever the server's."""
    import time_machine
    return time_machine.travel(local.replace(tzinfo=SHANGHAI), tick=False)


@event.listens_for(Engine, "connect")
def _sqlite_returns_unordered_rows_reversed(dbapi_connection, connection_record):
    # PostgreSQL returns rows a query does not order in whatever order it
    # likes (and changes it as rows are updated), SQLite in insertion order:
    # a test or a screen relying on that order passes on SQLite and fails on
    # PostgreSQL now and then. Reversed, it fails on SQLite every time.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA reverse_unordered_selects=ON")


def install_entry_points(where: Path, dist: str, plugins: dict[str, str],
                         group: str = "qdesk.plugins") -> Path:
    """Make ``plugins`` (entry-point name → module, or ``module:function``)
    discoverable in ``group``, as ``pip install`` of distribution ``dist`` would."""
    # The folder name is "<name>-<version>" with "-" in the name written as
    # "_", as pip does; else "qdesk-x" would be read as distribution "qdesk".
    info = where / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "\n".join(f"{name} = {module}" for name, module in plugins.items())
    (info / "entry_points.txt").write_text(f"[{group}]\n{lines}\n")
    if str(where) not in sys.path:
        sys.path.insert(0, str(where))
    return where


def uninstall_entry_points(where: Path) -> None:
    if str(where) in sys.path:
        sys.path.remove(str(where))


@pytest.fixture(scope="session")
def test_plugins(tmp_path_factory):
    """The example plugins ``notes`` and ``tasks``, installed by entry point."""
    where = install_entry_points(tmp_path_factory.mktemp("site"), "qdesk-test-plugins",
                                 {"notes": "tests.plugins.notes", "tasks": "tests.plugins.tasks"})
    yield where
    uninstall_entry_points(where)


def database_url(tmp_path_factory) -> str:
    """The session's database: a file of its own on SQLite; on PostgreSQL the
    given database, or under pytest-xdist one database per worker (created
    beside it, ``<name>_gw0`` …), since every test empties every table."""
    url = os.environ.get("QDESK_TEST_DATABASE_URL", "sqlite")
    if url in ("", "sqlite"):
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return worker_database(url, worker) if worker else url


def worker_database(url: str, worker: str) -> str:
    """``url`` with its database replaced by a fresh ``<database>_<worker>``."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValueError(f"unusable test database name {name!r}")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def reset_database(app) -> None:
    """An empty schema: drop everything, then run every migration."""
    from core import migrate
    from core.extensions import db
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        migrate.upgrade()


@pytest.fixture(scope="session")
def app(test_plugins, tmp_path_factory):
    from core import create_app
    os.environ.setdefault("QDESK_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    app = create_app({"DATABASE_URL": database_url(tmp_path_factory), "TESTING": True,
                      "PLUGINS_TOML": str(tmp_path_factory.mktemp("cfg") / "plugins.toml")})
    reset_database(app)
    return app


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Empty every table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from core.extensions import db
    with app.app_context():
        db.session.rollback()
        with db.engine.begin() as conn:
            # Tables that point at each other (a department's head is an
            # employee of a department): clear those links first.
            for table in db.metadata.sorted_tables:
                for fk in table.foreign_key_constraints:
                    if fk.use_alter:
                        conn.execute(table.update().values({c.name: None for c in fk.columns}))
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def demo_app(app):
    """The session app with the demo data loaded (``qdesk demo load``)."""
    from core.demo import load_demo
    with app.app_context():
        load_demo()
    return app


@pytest.fixture
def ctx(app):
    """An app context (for direct database work in a test)."""
    with app.app_context():
        yield


@functools.lru_cache(maxsize=1)
def password_hash() -> str:
    """The hash of the test password, made once per process: scrypt costs
    about 80 ms, more than the rest of a world's setup (a fresh salt per
    test would prove nothing the login tests do not)."""
    from core.records.security import hash_password
    return hash_password(PASSWORD)


class World:
    """Two companies, A and B, with one user per role in each, all modules on."""

    def __init__(self, app):
        from core.extensions import db
        from core.models import Company, Membership, User
        from core.plugin.modules import enable_module
        self.app = app
        with app.app_context():
            pw = password_hash()
            for code, province in (("A", "浙江"), ("B", "四川")):
                company = Company(code=code, name=f"Company {code}", province=province)
                db.session.add(company)
                for role in ("admin", "manager", "staff", "readonly"):
                    user = User(email=f"{role}@{code.lower()}.test", name=f"{role} {code}", password_hash=pw)
                    user.memberships.append(Membership(company=company, role=role))
                    db.session.add(user)
                db.session.commit()
                for key in app.extensions["qdesk.plugins"].keys():
                    enable_module(company, key)
            self.ids = {c.code: c.id for c in db.session.query(Company)}

    def company(self, code):
        from core.extensions import db
        from core.models import Company
        return db.session.query(Company).filter_by(code=code).one()

    def user(self, email):
        from core.extensions import db
        from core.models import User
        return db.session.query(User).filter_by(email=email).one()


@pytest.fixture
def world(app):
    return World(app)


class Client:
    """A test client that logs in and adds the CSRF token to its POSTs."""

    TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()
        # Tests read English messages; the zh interface has tests of its own.
        self.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.token = None

    def login(self, email, password=PASSWORD):
        page = self.http.get("/login")
        token = self.TOKEN.search(page.get_data(as_text=True)).group(1)
        response = self.http.post("/login", data={"email": email, "password": password, "csrf_token": token})
        self.token = None
        return response

    def csrf(self):
        if self.token is None:
            page = self.http.get("/admin/").get_data(as_text=True)
            self.token = self.TOKEN.search(page).group(1)
        return self.token

    def get(self, url, **kw):
        return self.http.get(url, **kw)

    def post(self, url, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf())
        return self.http.post(url, data=data, **kw)

    def switch(self, company_id):
        return self.post("/switch-company", {"company_id": company_id})


@pytest.fixture
def client_for(app):
    """``client_for(email)``: a logged-in :class:`Client`."""
    def make(email):
        client = Client(app)
        response = client.login(email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return make


# --- helpers for tests that work on the example plugins' data ----------------

def make_note(app, code="A", email=None, **fields):
    """A note of company ``code`` created directly in the database; its id."""
    from core.records import tenancy
    from core.extensions import db
    from core.models import Company, User
    from tests.plugins.notes.models import Note
    email = email or f"staff@{code.lower()}.test"
    fields.setdefault("title", f"note of {code}")
    with app.app_context():
        company = db.session.query(Company).filter_by(code=code).one()
        user = db.session.query(User).filter_by(email=email).one()
        with tenancy.acting_as(company, user):
            note = Note(**fields)
            db.session.add(note)
            db.session.commit()
            return note.id


def set_user(app, email, **values):
    from core.extensions import db
    from core.models import User
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        for k, v in values.items():
            setattr(user, k, v)
        db.session.commit()
