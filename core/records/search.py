"""Search terms as SQL ``LIKE`` patterns, with the user's ``%`` and ``_``
taken literally.

A search box's text is what the user means: ``50%`` finds "50%", ``a_b``
finds "a_b", never everything. Every search in qdesk (the admin shell's
search box, a plugin's own index-served search) builds its pattern here and
passes :data:`LIKE_ESCAPE` as the ``escape`` of ``like``/``ilike``.

Flask-Admin's search syntax is kept: ``^term`` starts with, ``=term``
equals (case-insensitive), anything else contains.
"""
from __future__ import annotations

from typing import Any

LIKE_ESCAPE = "\\"
#: Characters ``LIKE`` treats specially (with :data:`LIKE_ESCAPE`).
LIKE_SPECIAL = ("\\", "%", "_")


def escape_like(text: str) -> str:
    """``text`` with ``\\``, ``%`` and ``_`` escaped for ``LIKE ... ESCAPE '\\'``."""
    for char in LIKE_SPECIAL:
        text = text.replace(char, LIKE_ESCAPE + char)
    return text


def like_pattern(term: str) -> str:
    """The ``LIKE`` pattern of one search term: ``^x`` → ``x%``, ``=x`` →
    ``x``, else ``%x%``; the term's own characters are literal."""
    if term.startswith("^"):
        return escape_like(term[1:]) + "%"
    if term.startswith("="):
        return escape_like(term[1:])
    return "%" + escape_like(term) + "%"


def ilike(column: Any, term: str) -> Any:
    """``column ILIKE <pattern of term> ESCAPE '\\'``."""
    return column.ilike(like_pattern(term), escape=LIKE_ESCAPE)
