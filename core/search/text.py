"""A record's searchable text and its grams: pure functions, no database.

The text (a document's ``body``) is the declared fields' values, lower-cased
(:func:`fold`), joined by a space: a search term never holds a space (the
search box splits on them), so no term spans two fields. Terms are folded
the same way, so every index compares folded text with folded text, on
every database alike.

Grams serve the terms a trigram index cannot (one or two characters). Each
space-separated word of the text gives every pair of neighbouring
characters and its last character alone, each as an integer
(:func:`gram`): ``国宾馆`` gives ``国宾``, ``宾馆`` and ``馆``. A two-character
term is found by one gram; a one-character term ``c`` by the range of grams
that start with it (:func:`gram_range`), the last-character grams covering
the end of a word. Integers compare alike everywhere (no collation), and
take a few bytes.
"""
from __future__ import annotations

from typing import Any, Iterable

#: Grams are ``first * BASE + second`` (``second`` 0 for a word's last character).
BASE = 0x110000


def fold(text: str) -> str:
    """The text as it is indexed and searched: lower case."""
    return text.lower()


def body(values: Iterable[Any]) -> str:
    """The document text of field values (``None`` and empty ones left out)."""
    return " ".join(fold(str(v)) for v in values if v is not None and str(v) != "")


def gram(text: str) -> int:
    """The gram of one or two characters."""
    return ord(text[0]) * BASE + (ord(text[1]) if len(text) > 1 else 0)


def gram_range(char: str) -> tuple[int, int]:
    """``[low, high)``: the grams that start with ``char``."""
    low = ord(char) * BASE
    return low, low + BASE


def grams(text: str) -> set[int]:
    """Every gram of a document text."""
    found: set[int] = set()
    for word in text.split(" "):
        if not word:
            continue
        codes = [ord(c) for c in word]
        found.update(a * BASE + b for a, b in zip(codes, codes[1:]))
        found.add(codes[-1] * BASE)
    return found
