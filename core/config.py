"""Configuration: defaults, an optional instance file, then ``QDESK_*`` variables."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

#: The interface languages: Chinese (the default) and English.
LOCALES = ("zh_Hans_CN", "en")

ENV_PREFIX = "QDESK_"


def instance_path() -> str:
    """``QDESK_INSTANCE_PATH`` or ``./instance`` (absolute)."""
    return os.path.abspath(os.environ.get("QDESK_INSTANCE_PATH", "instance"))


def _database_url(raw: str | None, instance: str) -> str:
    if not raw:
        return f"sqlite:///{os.path.join(instance, 'qdesk.db')}"
    # Relative SQLite paths are relative to the working directory, as users
    # read them (Flask-SQLAlchemy would otherwise put them under instance/).
    prefix = "sqlite:///"
    if raw.startswith(prefix) and raw != "sqlite:///:memory:" and not raw[len(prefix):].startswith("/"):
        return prefix + os.path.abspath(raw[len(prefix):])
    if raw.startswith("postgresql://"):  # psycopg 3, not psycopg2
        return "postgresql+psycopg://" + raw[len("postgresql://"):]
    return raw


def _secret_key(instance: str) -> str:
    """The stored key, generated once on first start (never a hard-coded one)."""
    path = Path(instance) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def configure(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill ``app.config``: defaults < ``instance/qdesk.cfg`` < environment < overrides."""
    instance = app.instance_path
    app.config.from_mapping(
        PLUGINS_TOML=os.path.join(os.getcwd(), "plugins.toml"),  # QDESK_PLUGINS_TOML overrides
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # a form left open over lunch still saves
        BABEL_DEFAULT_LOCALE="zh_Hans_CN",
        FLASK_ADMIN_SWATCH="default",
        # The largest request body (uploads: attachments, imports, holiday
        # files); werkzeug answers 413 beyond it before anything is read.
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
    )
    app.config.from_pyfile(os.path.join(instance, "qdesk.cfg"), silent=True)
    for name, value in os.environ.items():
        if name.startswith(ENV_PREFIX):
            app.config[name[len(ENV_PREFIX):]] = value
    app.config.update(overrides or {})
    if isinstance(app.config.get("MAX_CONTENT_LENGTH"), str):  # QDESK_MAX_CONTENT_LENGTH=...
        app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_CONTENT_LENGTH"])
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(app.config.get("DATABASE_URL"), instance)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
