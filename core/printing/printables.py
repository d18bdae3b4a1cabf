"""Printables: what a plugin declares (:class:`Printable`) and their registry."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from core.calendar.timezone import local_today
from core.plugin.declarations import Keyed, NamespacedRegistry

log = logging.getLogger("qdesk.printing")


CORE_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = CORE_DIR / "static"
TEMPLATES_DIR = CORE_DIR / "templates"
PRINT_CSS = STATIC_DIR / "print" / "print.css"
FRAME_TEMPLATE = "print/frame.html"

PAPERS = ("A3", "A4", "A5", "B5", "letter")
ORIENTATIONS = ("portrait", "landscape")
CJK_FONT_PACKAGE = "fonts-noto-cjk"
_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
FORM_CODE = re.compile(r"^[A-Za-z0-9./ _-]*$")


def check_page(kind: str, item: Any) -> None:
    """``ValueError`` unless ``item`` (a printable or a report) has a
    ``<plugin>.<name>`` key, a known paper and orientation, and a form code
    and edition printable in the header."""
    if not _KEY.match(item.key):
        raise ValueError(f"{kind} {item.key!r} must look like <plugin>.<name>")
    if item.paper not in PAPERS:
        raise ValueError(f"{kind} {item.key!r}: paper {item.paper!r} is not one of {PAPERS}")
    if item.orientation not in ORIENTATIONS:
        raise ValueError(f"{kind} {item.key!r}: orientation must be portrait or landscape")
    if not FORM_CODE.match(item.form_code) or not FORM_CODE.match(item.edition):
        raise ValueError(f"{kind} {item.key!r}: form_code/edition may use letters, digits and . / - _ only")


@dataclass(frozen=True)
class Printable(Keyed):
    """A form or register a plugin can print.

    :param key: ``<plugin>.<name>``, e.g. ``notes.note``; must start with the
        registering plugin's key. Used in URLs: ``/print/notes.note/7.pdf``.
    :param title_zh: the form's Chinese title (printed large).
    :param title_en: its English title (screens, buttons).
    :param model: the company-owned model whose rows are printed.
    :param template: the Jinja template, relative to the plugin's
        ``templates`` folder; it extends ``print/frame.html``.
    :param paper: ``A4`` (default), ``A3``, ``A5``, ``B5`` or ``letter``.
    :param orientation: ``portrait`` or ``landscape``.
    :param many: ``False``: one form per record (several records → several
        forms in one PDF); ``True``: one register listing all records.
    :param filename: ``str.format`` pattern of the download name, with
        ``record`` (the first record), ``count`` and ``date``.
    :param permission: the permission needed to print; default: the read
        permission of the plugin's screen for the model (set by the admin
        shell), else ``<plugin>.<entity>.read`` with the entity from the table name.
    :param form_code: the controlled-document number printed in the header,
        e.g. ``JL-7.5-02-3``.
    :param edition: the form's edition/revision, e.g. ``A/0``.
    :param number: ``str.format`` pattern of the record number, with ``record``.
    """

    key: str
    title_zh: str
    title_en: str
    model: type
    template: str
    paper: str = "A4"
    orientation: str = "portrait"
    many: bool = False
    filename: str = "{record.id}.pdf"
    permission: str | None = None
    form_code: str = ""
    edition: str = ""
    number: str = "{record.id}"
    plugin_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        check_page("printable", self)
        if not hasattr(self.model, "company_id"):
            raise ValueError(f"printable {self.key!r}: model {self.model!r} is not company-owned")

    def title(self, locale: str | None = None) -> str:
        """The title in ``locale`` (``zh...`` → Chinese, else English)."""
        return self.title_zh if (locale or "").startswith("zh") else self.title_en

    @property
    def needed_permission(self) -> str:
        """The permission checked before printing: ``permission`` (set at
        start to ``<entity>.read`` of the model's declared entity when the
        plugin gave none), else named after the table (``notes_note`` →
        ``notes.note.read``); a name nobody declares stops the start."""
        if self.permission:
            return self.permission
        table = self.model.__tablename__
        entity = table[len(self.module) + 1:] if table.startswith(f"{self.module}_") else table
        return f"{self.module}.{entity}.read"

    @property
    def template_name(self) -> str:
        """The template's name in the printing environment (``<plugin>/<template>``)."""
        return f"{self.module}/{self.template}"

    def download_name(self, records: list[Any]) -> str:
        """The PDF's file name, from :attr:`filename` (falls back to the key)."""
        try:
            name = self.filename.format(record=records[0], count=len(records),
                                        date=local_today().strftime("%Y%m%d"))  # the company's date
        except (AttributeError, IndexError, KeyError, ValueError):
            name = f"{self.key}.pdf"
        name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip() or f"{self.key}.pdf"
        return name if name.lower().endswith(".pdf") else name + ".pdf"

    def record_number(self, record: Any) -> str:
        """The number printed on ``record``'s form: the number its
        sequence gave it when the model is numbered by one
        (:mod:`core.sequences`, never a database id), else :attr:`number`."""
        from core.sequences import record_number_of
        numbered = record_number_of(record)
        if numbered is not None:
            return numbered
        try:
            return self.number.format(record=record)
        except (AttributeError, KeyError, ValueError):
            return str(record.id)


class PrintableRegistry(NamespacedRegistry[Printable]):
    """Every printable of the loaded plugins, by key (``app.extensions["qdesk.printables"]``)."""

    kind, item_type, hook, extension = "printable", Printable, "register_printables", "qdesk.printables"

    def for_model(self, model: type) -> list[Printable]:
        return [p for p in self.by_key.values() if p.model is model]

    def get(self, key: str) -> Printable | None:
        return self.by_key.get(key)


DEFAULT_MAX_RECORDS = 500


def max_records() -> int:
    """Most records one print from a screen may hold (``QDESK_PRINT_MAX_RECORDS``)."""
    try:
        return int(current_app.config.get("PRINT_MAX_RECORDS", DEFAULT_MAX_RECORDS))
    except (TypeError, ValueError):
        return DEFAULT_MAX_RECORDS


def printable_registry() -> PrintableRegistry:
    """The app's :class:`PrintableRegistry`."""
    return PrintableRegistry.current()
