"""Record numbers: per-company, gap-free sequences (``LD-2026-0001``).

A plugin declares a :class:`Sequence` per numbered entity with the
``register_sequences`` hook::

    Sequence("crm.contactlog", ContactLog, "number", pattern="{prefix}-{yyyy}-{n:04d}",
             reset="yearly", prefix_setting="crm.contactlog.prefix", default_prefix="LD",
             label_zh="来电来函来访登记", label_en="Contact log")

and core does the rest, whatever creates the record (a screen, an import,
demo data, a job, code):

* a new record whose number field is empty gets the next number of its
  company **in the same transaction as its insert** (a ``before_flush``
  listener): the company's counter row (:class:`SequenceCounter`, one per
  company, sequence and period) is incremented with an ``UPDATE`` that locks
  it until the transaction ends (PostgreSQL row lock; SQLite serialises
  writers), so two concurrent creates never get the same number, and a
  rolled-back insert rolls the counter back with it: no gap;
* ``{yyyy}`` (``{yy}``) is the company-local year of creation
  (:func:`core.calendar.local_now`); with ``reset="yearly"`` each year
  counts from 1 again, with ``reset="never"`` the count goes on;
* the prefix is a company setting (``prefix_setting``), declared by core
  with ``default_prefix`` unless the plugin declares it itself; a changed
  prefix applies to the next number, the count goes on;
* users cannot set the number: screens leave the field out of their forms
  and imports have no column for it; a number once given cannot be changed
  (:class:`NumberAssigned`). A value set by code before the insert (data
  brought over from another system) is kept. A sequence declared with
  ``user_value=True`` (e.g. customer codes) takes a value typed by the user,
  may be edited, and skips numbers already taken by such values.

Printed record numbers come from here (:func:`record_number_of`, used by
:meth:`core.printing.Printable.record_number`), never from database ids.
"""
from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.i18n import translate as _gettext
from core.records import tenancy
from core.plugin.declarations import Keyed, ModelRegistry
from core.errors import Invalid
from core.extensions import db
from core.models import utcnow

__all__ = ["Sequence", "SequenceCounter", "SequenceRegistry", "NumberAssigned", "format_number",
           "record_number_of", "sequence_for", "sequences_registry", "init_sequences"]

RESETS = ("yearly", "never")
#: Names a pattern may use.
PATTERN_FIELDS = frozenset({"prefix", "yyyy", "yy", "n"})
#: What a prefix may hold: letters (Chinese too), digits, - _ . /; at most 20.
PREFIX = re.compile(r"^[\w./-]{1,20}$")


class NumberAssigned(Invalid):
    """A record number was set or changed by hand; numbers are assigned by
    core from the record's sequence. Nothing was saved."""


# --- the counter table ------------------------------------------------------------

class SequenceCounter(db.Model):
    """The last number given by one sequence in one company and period
    (``period`` is the year for yearly sequences, ``""`` for the others).
    Written only by the numbering listener, inside the transaction of the
    insert it numbers."""

    __tablename__ = "sequence_counters"
    __table_args__ = (UniqueConstraint("company_id", "key", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(10), default="")
    value: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    def __str__(self) -> str:
        return f"{self.key} {self.period or '-'}: {self.value}"


# --- declarations -------------------------------------------------------------------

def format_number(pattern: str, prefix: str, year: int, n: int) -> str:
    """``pattern`` filled in: ``format_number("{prefix}-{yyyy}-{n:04d}", "LD", 2026, 1)``
    → ``"LD-2026-0001"``."""
    return pattern.format(prefix=prefix, yyyy=f"{year:04d}", yy=f"{year % 100:02d}", n=n)


@dataclass(frozen=True)
class Sequence(Keyed):
    """A per-company counter that numbers the records of one model.

    :param key: ``<plugin>.<name>``, e.g. ``crm.contactlog``; must start with
        the declaring plugin's key.
    :param model: the company-owned model whose new records are numbered.
    :param field: the string column that receives the number (nullable, or
        filled before the insert: it is filled at flush).
    :param pattern: ``str.format`` pattern with ``{prefix}``, ``{yyyy}`` (the
        company-local year of creation), ``{yy}`` and ``{n}`` (the counter,
        e.g. ``{n:04d}``).
    :param reset: ``"yearly"`` (count from 1 each year; the pattern must
        hold ``{yyyy}`` or ``{yy}``) or ``"never"``.
    :param prefix_setting: the company setting holding the prefix, e.g.
        ``crm.contactlog.prefix``; declared by core (type ``str``, default
        ``default_prefix``) unless the plugin declares it; ``None``: the
        prefix is always ``default_prefix``.
    :param default_prefix: the prefix when the company has set none.
    :param user_value: ``True``: a value the user typed is kept (and numbers
        already taken by typed values are skipped); ``False`` (default): the
        number can only come from the sequence.
    :param label_zh: / :param label_en: what is numbered, for the prefix
        setting's label (``来电来函来访登记`` → "来电来函来访登记编号前缀").
    """

    key: str
    model: type
    field: str
    pattern: str = "{prefix}-{yyyy}-{n:04d}"
    reset: str = "yearly"
    prefix_setting: str | None = None
    default_prefix: str = ""
    user_value: bool = False
    label_zh: str = ""
    label_en: str = ""
    plugin_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not re.match(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", self.key):
            raise ValueError(f"sequence {self.key!r} must look like <plugin>.<name>")
        if self.reset not in RESETS:
            raise ValueError(f"sequence {self.key!r}: reset must be 'yearly' or 'never', not {self.reset!r}")
        try:
            names = {name for _text, name, _spec, _conv in string.Formatter().parse(self.pattern) if name}
        except ValueError as exc:
            raise ValueError(f"sequence {self.key!r}: pattern {self.pattern!r} is not a format string: {exc}")
        if names - PATTERN_FIELDS:
            raise ValueError(f"sequence {self.key!r}: pattern {self.pattern!r} may only use "
                             f"{{prefix}}, {{yyyy}}, {{yy}} and {{n}}, not {', '.join(sorted(names - PATTERN_FIELDS))}")
        if "n" not in names:
            raise ValueError(f"sequence {self.key!r}: pattern {self.pattern!r} has no {{n}}")
        if self.reset == "yearly" and not names & {"yyyy", "yy"}:
            raise ValueError(f"sequence {self.key!r}: a yearly sequence needs {{yyyy}} or {{yy}} in its "
                             f"pattern, else numbers repeat from year to year")
        try:
            format_number(self.pattern, self.default_prefix, 2026, 1)
        except (ValueError, KeyError, IndexError) as exc:
            raise ValueError(f"sequence {self.key!r}: pattern {self.pattern!r} cannot be filled in: {exc}")
        if self.default_prefix and not PREFIX.match(self.default_prefix):
            raise ValueError(f"sequence {self.key!r}: default prefix {self.default_prefix!r} may hold "
                             "letters, digits and . / - _ only (at most 20)")
        if not hasattr(self.model, "company_id"):
            raise ValueError(f"sequence {self.key!r}: model {self.model!r} is not company-owned")

    def period(self, year: int) -> str:
        return str(year) if self.reset == "yearly" else ""

    def prefix(self, company: Any) -> str:
        """The company's prefix (its setting, else the default)."""
        if self.prefix_setting is None:
            return self.default_prefix
        from core.settings import get_setting
        return get_setting(self.prefix_setting, company) or self.default_prefix

    def format(self, prefix: str, year: int, n: int) -> str:
        return format_number(self.pattern, prefix, year, n)

    def example(self) -> str:
        return self.format(self.default_prefix, 2026, 1)


class SequenceRegistry(ModelRegistry[Sequence]):
    """Every declared sequence, by key (``app.extensions["qdesk.sequences"]``)."""

    kind, item_type, hook, extension = "sequence", Sequence, "register_sequences", "qdesk.sequences"

    def accept(self, owner: str, item: Sequence) -> None:
        columns = inspect(item.model).columns
        if item.field not in columns:
            raise ValueError(f"plugin {owner!r}: sequence {item.key!r}: {item.model.__name__} has no "
                             f"column {item.field!r}")
        if not isinstance(columns[item.field].type, String):
            raise ValueError(f"plugin {owner!r}: sequence {item.key!r}: column {item.field!r} of "
                             f"{item.model.__name__} must be a string column")
        taken = [s for s in self.declared_on(item.model) if s.field == item.field]
        if taken:
            raise ValueError(f"plugin {owner!r}: sequence {item.key!r}: {item.model.__name__}.{item.field} "
                             f"is already numbered by {taken[0].key!r}")
        if item.prefix_setting is not None and item.prefix_setting.split(".", 1)[0] != owner:
            raise ValueError(f"plugin {owner!r}: sequence {item.key!r}: prefix setting "
                             f"{item.prefix_setting!r} must be in the namespace {owner}.*")
        super().accept(owner, item)
        self.index(item)


def _prefix_setting(sequence: Sequence) -> Any:
    from core.settings import Setting

    def valid(value: Any) -> None:
        from marshmallow import ValidationError
        if not PREFIX.match(str(value or "")):
            raise ValidationError(_gettext("A prefix holds 1 to 20 letters, digits or . / - _ (no spaces)."))

    what_zh, what_en = sequence.label_zh or sequence.key, sequence.label_en or sequence.key
    return Setting(sequence.prefix_setting, "str", default=sequence.default_prefix, max_length=20,
                   validate=valid, label_zh=f"{what_zh}编号前缀", label_en=f"{what_en}: number prefix",
                   help_zh=f"编号形如 {sequence.example()}；修改前缀从下一个编号起生效，序号继续累加。",
                   help_en=f"Numbers look like {sequence.example()}; a new prefix applies from the next "
                           "number on, the count goes on.")


def init_sequences(app: Any, plugins: Any) -> SequenceRegistry:
    """Collect every plugin's ``register_sequences`` (core first) and
    declare the prefix settings the plugins did not declare themselves.
    Called at start, after the settings are collected."""
    registry = SequenceRegistry.install(app, plugins)
    settings = app.extensions["qdesk.settings"]
    for sequence in registry.by_key.values():
        key = sequence.prefix_setting
        if key is None:
            continue
        declared = settings.by_key.get(key)
        if declared is None:
            settings.add_declared(plugins, sequence.plugin_key, [_prefix_setting(sequence)])
        elif declared.type != "str":
            raise ValueError(f"plugin {sequence.plugin_key!r}: sequence {sequence.key!r}: prefix setting "
                             f"{key!r} must be of type str, not {declared.type}")
    return registry


def sequences_registry() -> SequenceRegistry:
    """The app's :class:`SequenceRegistry`."""
    return SequenceRegistry.current()



def sequence_for(model: type) -> Sequence | None:
    """The (first) sequence numbering ``model``, or ``None``."""
    registry = SequenceRegistry.current_or_none()
    found = registry.for_model(model) if registry is not None else []
    return found[0] if found else None


def number_fields(model: type) -> tuple[str, ...]:
    """The fields of ``model`` numbered by sequences that no user may set
    (screens leave them out of their forms)."""
    registry = SequenceRegistry.current_or_none()
    return tuple(s.field for s in (registry.for_model(model) if registry else []) if not s.user_value)


def record_number_of(record: Any) -> str | None:
    """The number ``record`` got from its sequence (``""`` while it has
    none); ``None`` when its model is not numbered by a sequence."""
    sequence = sequence_for(type(record))
    if sequence is None:
        return None
    return getattr(record, sequence.field) or ""


# --- assigning numbers at flush --------------------------------------------------

def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _year(company: Any) -> int:
    from core.calendar import local_now
    return local_now().year


def _next_values(session: Session, company_id: int, key: str, period: str, count: int) -> int:
    """Add ``count`` to the counter and return its new value; the row stays
    locked by this transaction until it ends."""
    table = SequenceCounter.__table__
    conn = session.connection()
    where = (table.c.company_id == company_id) & (table.c.key == key) & (table.c.period == period)
    bump = update(table).where(where).values(value=table.c.value + count, updated_at=utcnow())
    if conn.execute(bump).rowcount == 0:
        # The first number of this period: create the row, unless a
        # concurrent transaction just did (then wait for it and go on).
        dialect = conn.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:  # pragma: no cover - qdesk runs on PostgreSQL and SQLite
            raise RuntimeError(f"sequences: unsupported database {dialect}")
        conn.execute(insert(table).values(company_id=company_id, key=key, period=period, value=0,
                                          updated_at=utcnow())
                     .on_conflict_do_nothing(index_elements=["company_id", "key", "period"]))
        conn.execute(bump)
    return conn.execute(select(table.c.value).where(where)).scalar_one()


def _taken(session: Session, sequence: Sequence, company_id: int, candidates: Iterable[str]) -> set[str]:
    model = sequence.model
    column = getattr(model, sequence.field)
    query = select(column).where(model.company_id == company_id, column.in_(list(candidates)))
    return set(session.connection().execute(query).scalars())


def _order(obj: Any) -> int:
    return inspect(obj).insert_order or 0


@event.listens_for(Session, "before_flush")
def _assign_numbers(session: Session, flush_context: Any, instances: Any) -> None:
    registry = SequenceRegistry.current_or_none()
    if registry is None or not registry.by_key:
        return
    # Numbers set or changed by hand are refused (for sequences no user sets).
    for obj in session.dirty:
        for sequence in registry.for_model(type(obj)):
            if sequence.user_value:
                continue
            hist = inspect(obj).attrs[sequence.field].history
            if hist.deleted and hist.added and hist.deleted[0] != hist.added[0] and not _empty(hist.deleted[0]):
                raise NumberAssigned(_gettext(
                    "%(field)s is assigned by qdesk and cannot be changed; nothing was saved.",
                    field=sequence.field), field=sequence.field)
    todo: dict[tuple[int, Sequence], list[Any]] = {}
    typed: dict[tuple[int, Sequence], set[str]] = {}
    company = tenancy.current_company()
    for obj in sorted(session.new, key=_order):
        sequences = registry.for_model(type(obj))
        if not sequences:
            continue
        company_id = obj.company_id if obj.company_id is not None else (company.id if company else None)
        if company_id is None:
            raise tenancy.NoCurrentCompany(f"cannot number {type(obj).__name__} without a current company")
        for sequence in sequences:
            value = getattr(obj, sequence.field)
            if not _empty(value):
                # Set by code (data brought over, test factories): kept.
                # Screens and imports cannot set it (no form field, no column).
                typed.setdefault((company_id, sequence), set()).add(str(value).strip())
                continue
            todo.setdefault((company_id, sequence), []).append(obj)
    if not todo:
        return
    from core.models import Company
    for (company_id, sequence), records in todo.items():
        owner = company if company is not None and company.id == company_id else session.get(Company, company_id)
        year = _year(owner)
        prefix = sequence.prefix(owner)
        period = sequence.period(year)
        last = _next_values(session, company_id, sequence.key, period, len(records))
        numbers = [sequence.format(prefix, year, n) for n in range(last - len(records) + 1, last + 1)]
        # Values typed (or set by code) may hold some of these numbers: skip
        # them (one look-up on the company's unique index).
        pending = typed.get((company_id, sequence), set())
        while True:
            clash = (_taken(session, sequence, company_id, numbers) | pending) & set(numbers)
            if not clash:
                break
            numbers = [n for n in numbers if n not in clash]
            missing = len(records) - len(numbers)
            last = _next_values(session, company_id, sequence.key, period, missing)
            numbers += [sequence.format(prefix, year, n) for n in range(last - missing + 1, last + 1)]
        for record, number in zip(records, numbers):
            setattr(record, sequence.field, number)
