"""The clocks of declared deadlines: :class:`DeadlineClock` rows kept at
flush whatever changes a record, and what lists read from them (badges,
the overdue filter)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from sqlalchemy import (JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, and_, event,
                        exists, insert, inspect, select, update)
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.records import tenancy
from core.deadlines.declared import Deadline, DeadlineRegistry, DueComputed, deadlines_for
from core.i18n import translate as _gettext
from core.extensions import db
from core.models import stamp_info

__all__ = ["DeadlineClock", "STATUSES", "OPEN", "VOID", "BADGES", "clocks_for", "badge", "record_badges", "is_overdue",
           "filter_clause", "prefetch", "clock_of"]

#: A clock's states: counting, stopped in a pause state, met by the due
#: moment, met after it, past its due moment and not met (marked by the check).
STATUSES = ("running", "paused", "met", "late", "breached")
#: The status of a clock whose record left the deadline's scope (a cancelled
#: order, ``Deadline.void_states``): neither met nor late, never breached,
#: left out of badges, filters, tiles and rates (it is not in STATUSES).
VOID = "void"
OPEN = ("running", "breached")
#: What a list shows about a record's deadline (:func:`badge`).
BADGES = ("overdue", "due_soon", "running", "paused", "met", "late")


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
    """The due moment of ``obj`` under ``d``: its own rule (``override``) or its company's setting on its
    company's calendar. The calendar covers the year of the start and the
    next (with their official holidays: an entry from 2024 brought over
    today counts 2024's National Day), built once per company and year in a
    flush (``calendars``)."""
    from core.calendar.company import company_calendar, default_years
    from core.deadlines.counting import due_at
    rule = d.rule_for(obj, company)
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
    registry = DeadlineRegistry.current_or_none()
    if registry is None or not registry.by_key:
        return
    from core.calendar.timezone import local_now
    plans = session.info.setdefault("qdesk_clock_plans", [])
    companies: dict[int, Any] = {}
    calendars: dict[tuple[int, int], Any] = {}
    table = DeadlineClock.__table__
    for obj in list(session.new):
        for d in registry.for_model(type(obj)):
            company = _company_of(session, obj, companies)
            now = local_now(company).replace(microsecond=0)
            # A record created out of scope (void) with its start empty has
            # not started: its start stays empty (a transition stamps it when
            # the record enters the scope) and it shows no due moment.
            not_started = getattr(obj, d.start) is None and d.is_void(obj)
            if getattr(obj, d.start) is None and not not_started:
                setattr(obj, d.start, now)
            start = getattr(obj, d.start) or now
            due = getattr(obj, d.due_field) or _count(d, obj, company, start, [], calendars)
            if not not_started:
                setattr(obj, d.due_field, due)
            values = dict(started_at=start, due_at=due, status="running", paused_since=None, pauses=[],
                          met_at=None)
            if d.is_void(obj):
                values["status"] = VOID
            elif d.is_done(obj):
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
            if row["status"] == VOID and not d.is_void(obj):  # back in scope: it runs again, as if reopened
                row.update(status="running", met_at=None)
                recount = True
            if d.is_void(obj):  # out of scope (cancelled): stopped, neither met nor late
                if row["paused_since"] is not None:
                    pauses.append((row["paused_since"], now))
                row.update(status=VOID, met_at=None, paused_since=None)
            elif d.is_done(obj):
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
            not_started = row["status"] == VOID and getattr(obj, d.start) is None
            if getattr(obj, d.due_field) != row["due_at"] and not not_started:
                setattr(obj, d.due_field, row["due_at"])
            values = {k: row[k] for k in ("started_at", "due_at", "status", "paused_since", "pauses", "met_at")}
            plans.append((kind, obj, d, values))


@event.listens_for(Session, "after_flush")
def _write_clocks(session: Session, flush_context: Any) -> None:
    plans = session.info.pop("qdesk_clock_plans", [])
    if not plans:
        return
    _forget_cache()  # clocks read before this flush are stale now
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
    :data:`BADGES`, or ``None`` without a clock or for a void one."""
    if clock is None or clock.status == VOID:
        return None
    if clock.status in ("met", "late", "paused"):
        return clock.status
    if clock.due_at < now:
        return "overdue"
    if d.remind_before is not None and clock.due_at - d.remind_before <= now:
        return "due_soon"
    return "running"


def _cache() -> dict[tuple[str, int], Any] | None:
    """The clocks read in this app context (a request, a print), by
    (deadline, record id); emptied whenever clocks are written."""
    from flask import g, has_app_context
    return g.setdefault("qdesk_clock_cache", {}) if has_app_context() else None


def _forget_cache() -> None:
    from flask import g, has_app_context
    if has_app_context():
        g.pop("qdesk_clock_cache", None)


def prefetch(records: Iterable[Any]) -> None:
    """Read the clocks of ``records`` (every deadline of their model) with
    one query per deadline, so that a list page or a printed register asks
    :func:`clock_of` for each row without a query per row."""
    records = [r for r in records if getattr(r, "id", None) is not None]
    cache = _cache()
    if not records or cache is None:
        return
    for model in {type(r) for r in records}:
        same = [r for r in records if type(r) is model]
        for d in deadlines_for(model):
            found = clocks_for(d, same)
            cache.update({(d.key, r.id): found.get(r.id) for r in same})


def clock_of(d: Deadline, record: Any) -> DeadlineClock | None:
    """``record``'s clock of ``d`` (from :func:`prefetch` when it was read)."""
    cache = _cache()
    key = (d.key, record.id)
    if cache is not None and key in cache:
        return cache[key]
    found = clocks_for(d, [record]).get(record.id)
    if cache is not None:
        cache[key] = found
    return found


def record_badges(record: Any, now: dt.datetime | None = None) -> dict[str, str | None]:
    """The :func:`badge` of each deadline of ``record``, by deadline key."""
    from core.calendar.timezone import local_now
    now = now or local_now(getattr(record, "owner_company", None))
    return {d.key: badge(d, clock_of(d, record), now) for d in deadlines_for(type(record))}


def is_overdue(record: Any, now: dt.datetime | None = None) -> bool:
    """Whether a deadline of ``record`` is past due and not met (printed
    forms: ``{% if log is overdue %}``)."""
    return "overdue" in record_badges(record, now).values()


def filter_clause(d: Deadline, which: str, now: dt.datetime, company: Any = None) -> Any:
    """A WHERE clause on ``d.model`` for records whose clock is ``which``:
    ``overdue`` (open, past due at ``now``), ``due_soon``, ``late`` (met after
    the due moment), ``met`` (on time) or ``open`` (not met yet).

    For ``company`` (default: the current one) it is ``id IN (the ids of
    that company's clocks in that state)``, served by the clocks' index
    (company, deadline, status, due moment): an overdue list of a company
    with a million records reads its few hundred clocks, not a million
    records each probing its clock. Without a company, a correlated
    ``EXISTS``."""
    c = DeadlineClock
    model = d.model
    where = [c.deadline == d.key]
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
    company = company if company is not None else tenancy.current_company()
    if company is not None:
        return model.id.in_(select(c.record_id).where(c.company_id == company.id, *where))
    return exists().where(and_(c.record_id == model.id, c.company_id == model.company_id, *where))


def _active(d: Deadline, query: Any) -> Any:
    if hasattr(d.model, "archived_at"):
        query = query.where(exists().where(d.model.id == DeadlineClock.record_id,
                                           d.model.archived_at.is_(None)))
    return query
