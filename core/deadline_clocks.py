"""Declared deadlines and their clocks: one mechanism for every plugin.

A plugin declares a :class:`Deadline` per time limit of an entity with the
``register_deadlines`` hook::

    Deadline("crm.contactlog.reply", ContactLog, start="occurred_at",
             amount="crm.reply_in_province", due_field="reply_due",
             done=("replied", "closed"), met_field="replied_at",
             label_zh="来电来函答复", label_en="Reply")

and core keeps its clock, whatever creates or changes the record (a screen,
an import, a transition, a job, code):

* on insert the due moment is counted from ``start`` by the company's
  setting ``amount`` (type ``deadline``: amount and unit, D-1) on the
  company's calendar in company-local time (D-2,
  :func:`core.deadlines.due_at`), and written to ``due_field`` (lists sort,
  print and export it) and to the record's :class:`DeadlineClock` (the
  state lists filter on, served by an index). A due moment set by code
  before the insert (data brought over) is kept; nobody changes it later
  (:class:`DueComputed`);
* it is counted again when ``start`` or a ``depends`` field changes, and
  when the record leaves a pause state (the paused time is added back in
  the deadline's own unit: :func:`core.deadlines.paused_time`); a changed
  setting applies to deadlines counted from then on;
* when ``done`` becomes true (a state reached, or a condition) the clock
  stops: met at ``met_field`` (when the record has one and it is filled)
  or now, ``met`` if by the due moment, else ``late``; reopened, it runs
  again;
* :func:`check_breaches` (job ``core.deadlines_check``, ``qdesk deadlines
  check``) marks running clocks past their due moment ``breached``.

What every deadline gets from this: :func:`badge` (overdue, due soon, met
late, ... for list columns), :func:`filter_clause` (the overdue filter),
the dashboard tile (:func:`dashboard_widgets`) and the on-time KPI
``<key>.on_time`` (:func:`on_time_rate`).

All moments here are **company-local** naive date-times (the deadline is a
wall-clock moment: "the end of 2 October in Shanghai"), except
``breached_at``, a UTC stamp.
"""
from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from flask import current_app, has_app_context
from sqlalchemy import (JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, and_, event,
                        exists, func, insert, inspect, select, update)
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import tenancy
from core.declarations import ModelRegistry, mark_owner
from core.errors import Invalid
from core.extensions import db
from core.models import stamp_info, utcnow

__all__ = ["Deadline", "DeadlineClock", "DeadlineRegistry", "DueComputed", "STATUSES", "BADGES",
           "init_deadlines", "deadlines_for", "clocks_for", "badge", "record_badges", "is_overdue", "filter_clause", "check_breaches",
           "on_time_rate", "late_rate", "dashboard_widgets"]

#: A clock's states: counting, stopped in a pause state, met by the due
#: moment, met after it, past its due moment and not met (marked by the check).
STATUSES = ("running", "paused", "met", "late", "breached")
OPEN = ("running", "breached")
#: What a list shows about a record's deadline (:func:`badge`).
BADGES = ("overdue", "due_soon", "running", "paused", "met", "late")


def _gettext(message: str, **values: Any) -> str:
    try:
        from flask_babel import gettext
        return gettext(message, **values)
    except Exception:
        return message % values if values else message


class DueComputed(Invalid):
    """A due moment kept by core was changed by hand; nothing was saved."""


class DeadlineClock(db.Model):
    """The clock of one deadline of one record (:mod:`core.deadline_clocks`)."""

    __tablename__ = "deadline_clocks"
    __table_args__ = (UniqueConstraint("deadline", "record_id"),
                      # The overdue filter and tile: open clocks of a company by due moment.
                      Index("ix_deadline_clocks_company_open", "company_id", "deadline", "status", "due_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    deadline: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10), default="running")
    paused_since: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Pauses already over: ``[["2024-09-28T09:00:00", "2024-09-30T08:30:00"], ...]``.
    pauses: Mapped[list] = mapped_column(JSON, default=list)
    met_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    breached_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info=stamp_info())

    def __str__(self) -> str:
        return f"{self.deadline} #{self.record_id}: {self.status} (due {self.due_at:%Y-%m-%d %H:%M})"


@dataclass(frozen=True)
class Deadline:
    """A time limit on the records of one entity.

    :param key: ``<plugin>.<entity>.<name>`` (``crm.contactlog.reply``); its
        entity part is the permission prefix (``crm.contactlog.read``).
    :param model: the company-owned model.
    :param start: the date-time field the deadline counts from (company-local;
        filled with the local now when a new record leaves it empty).
    :param amount: the key of a company setting of type ``deadline`` (amount
        and unit), or a function ``record -> setting key`` choosing one of
        ``settings`` (in- or out-of-province).
    :param due_field: the date-time column core keeps the due moment in.
    :param done: the states (of the model's workflow) in which it is met, or
        a function ``record -> bool``.
    :param met_field: a date-time field holding when it was met (stamped by a
        transition, e.g. ``replied_at``); empty or absent: the moment ``done``
        became true.
    :param pause_states: workflow states in which the clock stands still
        (waiting for the customer).
    :param remind_before: how long before the due moment it counts as "due
        soon" (badge, tile); ``None``: never.
    :param depends: fields whose change counts the deadline again (those the
        ``amount`` function reads, e.g. ``customer_id``).
    :param settings: with a function ``amount``: every key it may return.
    :param label_zh: / :param label_en: what is due (来电来函答复 / Reply).
    :param tile_zh: / :param tile_en: the dashboard tile's title (default
        "逾期：<label>" / "Overdue: <label>").
    """

    key: str
    model: type
    start: str
    amount: str | Callable[[Any], str]
    due_field: str
    done: tuple[str, ...] | Callable[[Any], bool] = ()
    met_field: str | None = None
    pause_states: tuple[str, ...] = ()
    remind_before: dt.timedelta | None = None
    depends: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    label_zh: str = ""
    label_en: str = ""
    tile_zh: str = ""
    tile_en: str = ""
    plugin_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        parts = self.key.split(".")
        if len(parts) != 3 or not all(p and p.replace("_", "").isalnum() and p.islower() for p in parts):
            raise ValueError(f"deadline {self.key!r} must look like <plugin>.<entity>.<name>")
        if not hasattr(self.model, "company_id"):
            raise ValueError(f"deadline {self.key!r}: model {self.model!r} is not company-owned")
        if callable(self.amount) and not self.settings:
            raise ValueError(f"deadline {self.key!r}: a function amount must list the setting keys it "
                             "may return in settings=(...)")
        if not callable(self.amount) and not isinstance(self.amount, str):
            raise TypeError(f"deadline {self.key!r}: amount is a setting key or a function")
        if isinstance(self.done, str):
            object.__setattr__(self, "done", (self.done,))
        if not callable(self.done) and not self.done:
            raise ValueError(f"deadline {self.key!r}: say when it is met (done=states or a function)")
        if self.remind_before is not None and self.remind_before <= dt.timedelta():
            raise ValueError(f"deadline {self.key!r}: remind_before must be positive")

    @property
    def module(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def entity_key(self) -> str:
        """``crm.contactlog`` of ``crm.contactlog.reply``: the permission prefix."""
        return self.key.rsplit(".", 1)[0]

    @property
    def setting_keys(self) -> tuple[str, ...]:
        return tuple(self.settings) if callable(self.amount) else (self.amount,)

    def setting_key(self, record: Any) -> str:
        key = self.amount(record) if callable(self.amount) else self.amount
        if key not in self.setting_keys:
            raise ValueError(f"deadline {self.key!r}: amount chose {key!r}, not one of {self.setting_keys}")
        return key

    def label(self, locale: str | None = None) -> str:
        zh = str(locale or _locale()).startswith("zh")
        return (self.label_zh if zh else self.label_en) or self.key

    def _state(self, record: Any) -> Any:
        from core.workflow import workflow_for
        wf = workflow_for(type(record))
        return getattr(record, wf.field) if wf is not None else None

    def is_done(self, record: Any) -> bool:
        if callable(self.done):
            return bool(self.done(record))
        return self._state(record) in self.done

    def is_paused(self, record: Any) -> bool:
        return bool(self.pause_states) and self._state(record) in self.pause_states


def _locale() -> str:
    try:
        from flask_babel import get_locale
        return str(get_locale() or "zh")
    except Exception:
        return "en"


class DeadlineRegistry(ModelRegistry[Deadline]):
    """Every declared deadline, by key (``app.extensions["qdesk.deadlines"]``)."""

    kind, item_type, hook, extension = "deadline", Deadline, "register_deadlines", "qdesk.deadlines"

    def accept(self, owner: str, item: Deadline) -> None:
        where = f"plugin {owner!r}: deadline {item.key!r}"
        mapper = inspect(item.model)
        columns = mapper.columns
        for role, name in (("start", item.start), ("due_field", item.due_field), ("met_field", item.met_field)):
            if name is None:
                continue
            if name not in columns or not isinstance(columns[name].type, DateTime):
                raise ValueError(f"{where}: {role} {name!r} is not a date-time column of {item.model.__name__}")
        for name in item.depends:
            if name not in mapper.attrs:
                raise ValueError(f"{where}: depends on {name!r}, which {item.model.__name__} does not have")
        taken = [d for d in self.declared_on(item.model) if d.due_field == item.due_field]
        if taken:
            raise ValueError(f"{where}: {item.model.__name__}.{item.due_field} already keeps {taken[0].key!r}")
        mark_owner(item, owner)
        self.index(item)

    def check(self, settings: Any, workflows: Any, permissions: Iterable[str]) -> None:
        """At start: the settings exist and are deadlines, the states are
        the workflow's, the entity's read permission exists."""
        names = set(permissions)
        for d in self.by_key.values():
            where = f"plugin {d.plugin_key!r}: deadline {d.key!r}"
            for key in d.setting_keys:
                declared = settings.by_key.get(key)
                if declared is None or declared.type != "deadline":
                    raise ValueError(f"{where}: amount setting {key!r} is not a declared setting of type deadline")
            states = [*((() if callable(d.done) else d.done)), *d.pause_states]
            if states:
                wf = workflows.workflow_of(d.model)
                if wf is None:
                    raise ValueError(f"{where}: names states {states} but {d.model.__name__} has no workflow")
                unknown = [s for s in states if s not in wf.states]
                if unknown:
                    raise ValueError(f"{where}: {', '.join(unknown)} not states of workflow {wf.key!r}")
            if f"{d.entity_key}.read" not in names:
                raise ValueError(f"{where}: no plugin declares the permission {d.entity_key}.read")


def init_deadlines(app: Any, plugins: Any) -> DeadlineRegistry:
    """Collect every plugin's ``register_deadlines`` at start (after the
    settings and workflows) and check what they name."""
    registry = DeadlineRegistry.install(app, plugins)
    registry.check(app.extensions["qdesk.settings"], app.extensions["qdesk.workflows"],
                   app.extensions["qdesk.permissions"].by_key)
    return registry


def _registry() -> DeadlineRegistry | None:
    if not has_app_context():
        return None
    return current_app.extensions.get(DeadlineRegistry.extension)


def deadlines_for(model: type) -> list[Deadline]:
    """The deadlines declared on ``model``."""
    registry = _registry()
    return registry.for_model(model) if registry is not None else []


# --- keeping the clocks -------------------------------------------------------------

def _company_of(session: Session, obj: Any, cache: dict[int, Any]) -> Any:
    from core.models import Company
    company_id = obj.company_id
    if company_id is None:
        current = tenancy.current_company()
        company_id = current.id if current is not None else None
    if company_id not in cache:
        current = tenancy.current_company()
        cache[company_id] = current if current is not None and current.id == company_id \
            else session.get(Company, company_id)
    return cache[company_id]


def _pauses(clock_pauses: Iterable[Iterable[str]]) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in clock_pauses or []]


def _count(d: Deadline, obj: Any, company: Any, start: dt.datetime, pauses: list,
           calendars: dict[tuple[int, int], Any] | None = None) -> dt.datetime:
    """The due moment of ``obj`` under ``d``: its company's setting on its
    company's calendar. The calendar covers the year of the start and the
    next (with their official holidays: an entry from 2024 brought over
    today counts 2024's National Day), built once per company and year in a
    flush (``calendars``)."""
    from core.calendar import company_calendar, default_years
    from core.deadlines import due_at
    from core.settings import get_setting
    rule = get_setting(d.setting_key(obj), company)
    calendars = {} if calendars is None else calendars
    key = (company.id, start.year)
    if key not in calendars:
        calendars[key] = company_calendar(company, years={*default_years(), start.year, start.year + 1})
    return due_at(start.replace(microsecond=0), rule, calendars[key], pauses)


def _met(d: Deadline, obj: Any, now: dt.datetime, due: dt.datetime) -> tuple[dt.datetime, str]:
    met_at = (getattr(obj, d.met_field) if d.met_field else None) or now
    return met_at, ("met" if met_at <= due else "late")


def _changed(obj: Any, names: Iterable[str]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[n].history.has_changes() for n in names)


@event.listens_for(Session, "before_flush")
def _keep_clocks(session: Session, flush_context: Any, instances: Any) -> None:
    registry = _registry()
    if registry is None or not registry.by_key:
        return
    from core.calendar import local_now
    plans = session.info.setdefault("qdesk_clock_plans", [])
    companies: dict[int, Any] = {}
    calendars: dict[tuple[int, int], Any] = {}
    table = DeadlineClock.__table__
    for obj in list(session.new):
        for d in registry.for_model(type(obj)):
            company = _company_of(session, obj, companies)
            now = local_now(company).replace(microsecond=0)
            if getattr(obj, d.start) is None:
                setattr(obj, d.start, now)
            start = getattr(obj, d.start)
            due = getattr(obj, d.due_field) or _count(d, obj, company, start, [], calendars)
            setattr(obj, d.due_field, due)
            values = dict(started_at=start, due_at=due, status="running", paused_since=None, pauses=[],
                          met_at=None)
            if d.is_done(obj):
                values["met_at"], values["status"] = _met(d, obj, now, due)
            elif d.is_paused(obj):
                values.update(status="paused", paused_since=now)
            plans.append(("insert", obj, d, values))
    for obj in list(session.dirty):
        deadlines = registry.for_model(type(obj))
        if not deadlines or not session.is_modified(obj, include_collections=False):
            continue
        for d in deadlines:
            if _changed(obj, (d.due_field,)):
                raise DueComputed(_gettext("The due time is computed by qdesk from the company's time limit "
                                           "and cannot be changed; nothing was saved."), field=d.due_field)
            company = _company_of(session, obj, companies)
            now = local_now(company).replace(microsecond=0)
            row = session.connection().execute(
                select(table).where(table.c.deadline == d.key, table.c.record_id == obj.id)).mappings().first()
            start = getattr(obj, d.start) or now
            if row is None:  # a record from before the deadline was declared
                due = getattr(obj, d.due_field) or _count(d, obj, company, start, [], calendars)
                row = dict(started_at=start, due_at=due, status="running", paused_since=None, pauses=[],
                           met_at=None)
                kind = "insert"
            else:
                row, kind = dict(row), "update"
            pauses = _pauses(row["pauses"])
            recount = _changed(obj, (d.start, *d.depends))
            if d.is_done(obj):
                if row["status"] not in ("met", "late"):
                    if row["paused_since"] is not None:
                        pauses.append((row["paused_since"], now))
                        row["paused_since"] = None
                    row["status"] = "done"
            else:
                if row["status"] in ("met", "late"):  # reopened: the clock runs again
                    row.update(status="running", met_at=None)
                if d.is_paused(obj) and row["paused_since"] is None:
                    row.update(status="paused", paused_since=now)
                elif not d.is_paused(obj) and row["paused_since"] is not None:
                    pauses.append((row["paused_since"], now))
                    row.update(status="running", paused_since=None)
                    recount = True
            row["pauses"] = [[a.isoformat(), b.isoformat()] for a, b in pauses]
            if recount:
                row["started_at"] = start
                row["due_at"] = _count(d, obj, company, start, pauses, calendars)
            if row["status"] == "done":
                row["met_at"], row["status"] = _met(d, obj, now, row["due_at"])
            if row["status"] == "breached" and row["due_at"] >= now:
                row["status"] = "running"  # counted again past today
            if getattr(obj, d.due_field) != row["due_at"]:
                setattr(obj, d.due_field, row["due_at"])
            values = {k: row[k] for k in ("started_at", "due_at", "status", "paused_since", "pauses", "met_at")}
            plans.append((kind, obj, d, values))


@event.listens_for(Session, "after_flush")
def _write_clocks(session: Session, flush_context: Any) -> None:
    plans = session.info.pop("qdesk_clock_plans", [])
    if not plans:
        return
    table = DeadlineClock.__table__
    conn = session.connection()
    inserts = []
    for kind, obj, d, values in plans:
        if kind == "insert":
            inserts.append(dict(company_id=obj.company_id, deadline=d.key, record_id=obj.id, **values))
        else:
            conn.execute(update(table).where(table.c.deadline == d.key, table.c.record_id == obj.id)
                         .values(**values))
    if inserts:
        conn.execute(insert(table), inserts)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("qdesk_clock_plans", None)


# --- reading the clocks ---------------------------------------------------------------

def clocks_for(d: Deadline, records: Iterable[Any]) -> dict[int, DeadlineClock]:
    """The clocks of ``records`` for ``d``, by record id (one query)."""
    ids = [r.id for r in records if getattr(r, "id", None) is not None]
    if not ids:
        return {}
    rows = db.session.query(DeadlineClock).filter(DeadlineClock.deadline == d.key,
                                                  DeadlineClock.record_id.in_(ids)).all()
    return {c.record_id: c for c in rows}


def badge(d: Deadline, clock: DeadlineClock | None, now: dt.datetime) -> str | None:
    """What a list shows about a clock at ``now`` (company-local): one of
    :data:`BADGES`, or ``None`` without a clock."""
    if clock is None:
        return None
    if clock.status in ("met", "late", "paused"):
        return clock.status
    if clock.due_at < now:
        return "overdue"
    if d.remind_before is not None and clock.due_at - d.remind_before <= now:
        return "due_soon"
    return "running"


def record_badges(record: Any, now: dt.datetime | None = None) -> dict[str, str | None]:
    """The :func:`badge` of each deadline of ``record``, by deadline key."""
    from core.calendar import local_now
    now = now or local_now(getattr(record, "owner_company", None))
    return {d.key: badge(d, clocks_for(d, [record]).get(record.id), now) for d in deadlines_for(type(record))}


def is_overdue(record: Any, now: dt.datetime | None = None) -> bool:
    """Whether a deadline of ``record`` is past due and not met (printed
    forms: ``{% if log is overdue %}``)."""
    return "overdue" in record_badges(record, now).values()


def filter_clause(d: Deadline, which: str, now: dt.datetime) -> Any:
    """A WHERE clause on ``d.model`` for records whose clock is ``which``:
    ``overdue`` (open, past due at ``now``), ``due_soon``, ``late`` (met after
    the due moment), ``met`` (on time) or ``open`` (not met yet)."""
    c = DeadlineClock
    model = d.model
    where = [c.deadline == d.key, c.record_id == model.id, c.company_id == model.company_id]
    if which == "overdue":
        where += [c.status.in_(OPEN), c.due_at < now]
    elif which == "due_soon":
        soon = now + (d.remind_before or dt.timedelta())
        where += [c.status.in_(OPEN), c.due_at >= now, c.due_at < soon]
    elif which in ("met", "late", "paused"):
        where.append(c.status == which)
    elif which == "open":
        where.append(c.status.in_((*OPEN, "paused")))
    else:
        raise ValueError(f"deadline filter {which!r} is not overdue, due_soon, met, late, paused or open")
    return exists().where(and_(*where))


def _active(d: Deadline, query: Any) -> Any:
    if hasattr(d.model, "archived_at"):
        query = query.where(exists().where(d.model.id == DeadlineClock.record_id,
                                           d.model.archived_at.is_(None)))
    return query


def overdue_count(d: Deadline, company: Any, now: dt.datetime | None = None) -> int:
    """How many of ``company``'s (not archived) records are past ``d``."""
    from core.calendar import local_now
    now = now or local_now(company)
    c = DeadlineClock
    query = select(func.count()).select_from(c).where(c.company_id == company.id, c.deadline == d.key,
                                                     c.status.in_(OPEN), c.due_at < now)
    return db.session.execute(_active(d, query)).scalar_one()


def check_breaches(company: Any) -> int:
    """Mark ``company``'s running clocks past their due moment as breached
    (stamped now, UTC); returns how many. Run by the job
    ``core.deadlines_check`` and ``qdesk deadlines check``."""
    from core.calendar import local_now
    now = local_now(company)
    c = DeadlineClock.__table__
    result = db.session.execute(update(c).where(c.c.company_id == company.id, c.c.status == "running",
                                                c.c.due_at < now).values(status="breached", breached_at=utcnow()))
    db.session.commit()
    return result.rowcount


def _rates(key: str, company: Any, start: dt.date, end: dt.date) -> tuple[int, int]:
    """(decided, on time) among ``company``'s clocks of ``key`` due from
    ``start`` to ``end`` (local days, inclusive): decided means met, or
    open and already past due."""
    from core.calendar import local_now
    d = _registry().by_key[key]
    c = DeadlineClock
    now = local_now(company)
    first, last = dt.datetime.combine(start, dt.time.min), dt.datetime.combine(end, dt.time.max)
    base = select(func.count()).select_from(c).where(c.company_id == company.id, c.deadline == key,
                                                    c.due_at >= first, c.due_at <= last)
    base = _active(d, base)
    decided = db.session.execute(base.where((c.status.in_(("met", "late"))) | (c.due_at < now))).scalar_one()
    on_time = db.session.execute(base.where(c.status == "met")).scalar_one()
    return decided, on_time


def _percent(part: int, whole: int) -> decimal.Decimal | None:
    if whole == 0:
        return None
    value = decimal.Decimal(part) * 100 / decimal.Decimal(whole)
    return value.quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)  # D-5


def on_time_rate(key: str, company: Any, start: dt.date, end: dt.date) -> decimal.Decimal | None:
    """Share (%, 2 places, D-5) of ``company``'s records due from ``start``
    to ``end`` whose deadline ``key`` was met by the due moment; ``None``
    when none was due yet."""
    decided, on_time = _rates(key, company, start, end)
    return _percent(on_time, decided)


def late_rate(key: str, company: Any, start: dt.date, end: dt.date) -> decimal.Decimal | None:
    """The complement of :func:`on_time_rate`: met late or not met past due."""
    decided, on_time = _rates(key, company, start, end)
    return _percent(decided - on_time, decided)


def on_time_kpis(registry: DeadlineRegistry) -> dict[str, list[Any]]:
    """The KPI ``<key>.on_time`` of every deadline, by declaring plugin."""
    from core.kpis import Kpi
    found: dict[str, list[Any]] = {}
    for d in registry.by_key.values():
        found.setdefault(d.plugin_key, []).append(Kpi(
            f"{d.key}.on_time", f"{d.label_zh or d.key}按时率", f"{d.label_en or d.key}: on time",
            compute=lambda company, start, end, key=d.key: on_time_rate(key, company, start, end),
            unit="%", better="up"))
    return found


def dashboard_widgets(company: Any, user: Any, list_urls: dict[type, str], plugin: str | None = None) -> list[Any]:
    """A tile per deadline (of ``plugin``, or all) of the company's enabled
    modules: how many records are overdue (and due soon), linking to the
    screen's overdue list (``list_urls``: model → list URL). Placed on the
    home page by :func:`core.dashboard.collect_widgets` with the plugin's own."""
    from core.calendar import local_now
    from core.dashboard import Tile
    registry = _registry()
    if registry is None:
        return []
    enabled = tenancy.enabled_modules(company)
    now = local_now(company)
    tiles = []
    for d in sorted(registry.by_key.values(), key=lambda x: x.key):
        if d.module not in enabled or (plugin is not None and d.module != plugin):
            continue
        overdue = overdue_count(d, company, now)
        unit = ("条", "records")
        if d.remind_before is not None:
            c = DeadlineClock
            soon = db.session.execute(_active(d, select(func.count()).select_from(c).where(
                c.company_id == company.id, c.deadline == d.key, c.status.in_(OPEN),
                c.due_at >= now, c.due_at < now + d.remind_before))).scalar_one()
            unit = (f"条，另有 {soon} 条即将到期", f"· {soon} due soon")
        url = list_urls.get(d.model)
        tiles.append(Tile(label=(d.tile_zh or f"逾期：{d.label_zh or d.key}",
                                 d.tile_en or f"Overdue: {d.label_en or d.key}"),
                          value=overdue, unit=unit, link=f"{url}/?overdue={d.key}" if url else None,
                          permission=f"{d.entity_key}.read"))
    return tiles
