"""Stored codes with a Chinese and an English label.

A plugin describes an enumeration once, as ``{code: (中文, English)}``::

    CHANNELS = {"phone": ("电话", "Phone"), "letter": ("信函", "Letter")}

Models store the code (:func:`enum_column`: a VARCHAR with a CHECK on every
database, no native enum type to migrate) and show the label with
:class:`Labelled` or :func:`choice_label`; screens use
``admin.choices.choice_options`` / ``label_formatter``; imports accept the
code or either label (``core.imports.ChoiceCell``).
"""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import Enum

Choices = Mapping[str, tuple[str, str]]


def enum_column(values: Choices, name: str) -> Enum:
    """The column type for one of ``values``' codes; ``name`` names the CHECK."""
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def choice_label(values: Choices, code: str | None, locale: str | None = None) -> str:
    """The label of a stored code in ``locale`` (Chinese unless English); an
    unknown code is shown as it is."""
    if code not in values:
        return code or ""
    zh, en = values[code]
    return en if (locale or "zh").startswith("en") else zh


def current_label(pair: tuple[str, str]) -> str:
    """``("电话", "Phone")`` → the label in the current interface language."""
    from flask_babel import get_locale
    return choice_label({"": pair}, "", str(get_locale() or "zh"))


class Labelled:
    """Mixin for models with coded columns: ``CHOICES = {"kind": KINDS}``."""

    CHOICES: dict[str, Choices] = {}

    def label(self, field: str, locale: str | None = None) -> str:
        """``customer.label("kind", "en")`` → ``"Organisation"``."""
        return choice_label(self.CHOICES[field], getattr(self, field), locale)

    def boxes(self, field: str, locale: str | None = None) -> list[tuple[str, bool]]:
        """``(label, ticked)`` for each choice of ``field``, in its order:
        the □/☑ boxes a printed form shows (``{% for label, ticked in
        record.boxes("stage", print_locale) %}``)."""
        values = self.CHOICES[field]
        return [(choice_label(values, code, locale), code == getattr(self, field)) for code in values]
