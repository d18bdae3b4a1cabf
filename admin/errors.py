"""The admin shell's translation of :mod:`core.records.access`'s refusals."""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

from flask import abort

from core.errors import Forbidden, NotFound


@contextlib.contextmanager
def http_errors() -> Iterator[None]:
    """Translate core's refusals for a screen or a print URL: ``NotFound``
    → 404, ``Forbidden`` → 403 (a ``Conflict`` or ``Invalid`` is the
    caller's to show as a message)."""
    try:
        yield
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


__all__ = ["http_errors"]
