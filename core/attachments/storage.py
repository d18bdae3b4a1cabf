"""Where attachment bytes live: a :class:`Storage` (put, open, delete by a
random key), the local one under ``<instance>/attachments/``.

The key is the only link between a row and its bytes: random
(:func:`secrets.token_hex`), never derived from the user's file name, so no
name reaches the file system. An S3-compatible store implements the same
three methods and is set with :func:`use_storage` (or the ``ATTACHMENT_STORAGE``
setting, a ``module:callable`` that gets the app).
"""
from __future__ import annotations

import importlib
import os
import re
import secrets
from pathlib import Path
from typing import Any, Protocol

EXTENSION = "qdesk.attachment_storage"
_KEY = re.compile(r"^[0-9a-f]{32}$")


class Storage(Protocol):
    """What core needs of an attachment store."""

    def put(self, data: bytes) -> str:
        """Store ``data`` under a new random key and return the key."""

    def open(self, key: str) -> bytes:
        """The bytes stored under ``key`` (``FileNotFoundError`` if none)."""

    def delete(self, key: str) -> None:
        """Remove what is stored under ``key`` (nothing if there is none)."""


class LocalStorage:
    """Files in one folder, named by their keys (``3f9a…``), readable by
    qdesk's user only."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key or ""):
            raise FileNotFoundError(key)
        return self.root / key

    def put(self, data: bytes) -> str:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_hex(16)
        path, partial = self._path(key), self.root / f".{key}.part"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(partial, path)  # never a half-written file under a key
        return key

    def open(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        """Every stored key (for tests and checks)."""
        return sorted(p.name for p in self.root.iterdir() if _KEY.match(p.name)) if self.root.is_dir() else []


def init_storage(app: Any) -> Storage:
    """The app's store: ``ATTACHMENT_STORAGE`` (``module:callable(app)``)
    when set, else :class:`LocalStorage` under ``<instance>/attachments``."""
    spec = app.config.get("ATTACHMENT_STORAGE")
    if spec:
        module, _, name = str(spec).partition(":")
        storage = getattr(importlib.import_module(module), name)(app)
    else:
        storage = LocalStorage(Path(app.instance_path) / "attachments")
    app.extensions[EXTENSION] = storage
    return storage


def storage() -> Storage:
    """The current app's store."""
    from flask import current_app
    return current_app.extensions[EXTENSION]


def use_storage(app: Any, store: Storage) -> None:
    """Put ``store`` in place of the app's (an S3 client, a test's folder)."""
    app.extensions[EXTENSION] = store
