"""What every declared deadline reports: overdue counts, the breach
check (job ``core.deadlines_check``), on-time and late rates (the
``<key>.on_time`` KPI) and the dashboard tile."""
from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from sqlalchemy import case, exists, func, select, update

from core.kpis import percent
from core.records import tenancy
from core.deadlines.clocks import OPEN, DeadlineClock, _active
from core.deadlines.declared import Deadline, DeadlineRegistry
from core.extensions import db
from core.models import utcnow

__all__ = ["overdue_count", "check_breaches", "remind", "on_time_rate", "late_rate", "on_time_kpis", "dashboard_widgets"]


def overdue_count(d: Deadline, company: Any, now: dt.datetime | None = None) -> int:
    """How many of ``company``'s (not archived) records are past ``d``."""
    from core.calendar.timezone import local_now
    now = now or local_now(company)
    c = DeadlineClock
    query = select(func.count()).select_from(c).where(c.company_id == company.id, c.deadline == d.key,
                                                     c.status.in_(OPEN), c.due_at < now)
    return db.session.execute(_active(d, query)).scalar_one()


def check_breaches(company: Any) -> int:
    """Mark ``company``'s running clocks past their due moment as breached
    (stamped now, UTC) and send the reminders; returns how many were newly
    breached. Run by the job ``core.deadlines_check`` and ``qdesk
    deadlines check``.

    Reminders (:func:`remind`) go to :func:`core.notify.recipients_for`
    each record, once per clock: ``core.deadline_breached`` when it is
    breached, ``core.deadline_due_soon`` when a running clock is within its
    deadline's ``remind_before`` of the due moment."""
    from core.calendar.timezone import local_now
    now = local_now(company)
    c = DeadlineClock.__table__
    # RETURNING: exactly the clocks this statement breached are reminded
    # (a clock met meanwhile by a user is neither).
    late = db.session.execute(update(c).where(c.c.company_id == company.id, c.c.status == "running",
                                              c.c.due_at < now).values(status="breached", breached_at=utcnow())
                              .returning(c.c.deadline, c.c.record_id, c.c.due_at)).all()
    for row in late:
        remind(company, row.deadline, row.record_id, row.due_at, "breached")
    registry = DeadlineRegistry.current_or_none()
    for d in (registry.by_key.values() if registry is not None else ()):
        if d.remind_before is None:
            continue
        soon = db.session.execute(select(c.c.record_id, c.c.due_at).where(
            c.c.company_id == company.id, c.c.deadline == d.key, c.c.status == "running",
            c.c.due_at >= now, c.c.due_at < now + d.remind_before)).all()
        for row in soon:
            remind(company, d.key, row.record_id, row.due_at, "due_soon")
    db.session.commit()
    return len(late)


def remind(company: Any, key: str, record_id: int, due_at: dt.datetime, what: str) -> int:
    """Send the reminder ``what`` (``due_soon`` or ``breached``) of deadline
    ``key`` on record ``record_id`` (due at the company-local ``due_at``),
    once per clock (key ``deadline:<key>:<record id>:<what>``), to
    :func:`core.notify.recipients_for` the record and the people the
    deadline's ``notify`` relations name; nothing for an archived
    record or a module the company has disabled. Returns how many were
    told (the caller commits)."""
    from core.calendar.timezone import to_utc
    from core.notify import notify, recipients_for
    registry = DeadlineRegistry.current_or_none()
    d = registry.by_key.get(key) if registry is not None else None
    if d is None or not tenancy.module_enabled(d.module, company):
        return 0
    record = db.session.get(d.model, record_id)
    if record is None or getattr(record, "archived_at", None) is not None or record.company_id != company.id:
        return 0
    people = {u.id: u for u in [*recipients_for(record), *d.notified_users(record)]}  # each once
    sent = notify(f"core.deadline_{what}", list(people.values()), record=record,
                  context={"deadline_zh": d.label_zh or d.key, "deadline_en": d.label_en or d.key,
                           "deadline": d.key, "due": to_utc(due_at, company)},
                  key=f"deadline:{key}:{record_id}:{what}")
    return len(sent)


def _rates(key: str, company: Any, start: dt.date, end: dt.date, subject: Any = None) -> tuple[int, int]:
    """(decided, on time) among ``company``'s clocks of ``key`` due from
    ``start`` to ``end`` (local days, inclusive): decided means met, or
    open and already past due. With ``subject`` (a department or an
    employee, :func:`core.org.subject_clause`) only its records count.

    One query; ``status IN (every status)`` lets it read the clocks' index
    (company, deadline, status, due moment) as one range of due moments per
    status instead of every clock of the deadline."""
    from core.calendar.timezone import local_now
    from core.deadlines.clocks import STATUSES
    d = DeadlineRegistry.current_or_none().by_key[key]
    c = DeadlineClock
    now = local_now(company)
    first, last = dt.datetime.combine(start, dt.time.min), dt.datetime.combine(end, dt.time.max)
    decided = c.status.in_(("met", "late")) | (c.due_at < now)
    query = select(func.coalesce(func.sum(case((decided, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((c.status == "met", 1), else_=0)), 0)).select_from(c).where(
        c.company_id == company.id, c.deadline == key, c.status.in_(STATUSES), c.due_at >= first, c.due_at <= last)
    if subject is None:
        query = _active(d, query)
    else:  # one look at the record: not archived, and the subject's
        from core.org import subject_clause
        query = query.where(exists().where(d.model.id == c.record_id, d.model.archived_at.is_(None),
                                           subject_clause(d.model, subject)))
    decided_count, on_time = db.session.execute(query).one()
    return int(decided_count), int(on_time)


def on_time_rate(key: str, company: Any, start: dt.date, end: dt.date,
                 subject: Any = None) -> decimal.Decimal | None:
    """Share (%, 2 places, D-5) of ``company``'s records due from ``start``
    to ``end`` whose deadline ``key`` was met by the due moment; ``None``
    when none was due yet. ``subject``: only the records of that department
    (and those under it) or that responsible employee (a deadline on a
    :class:`core.org.OrgOwnedMixin` model)."""
    decided, on_time = _rates(key, company, start, end, subject)
    return percent(on_time, decided)


def late_rate(key: str, company: Any, start: dt.date, end: dt.date,
              subject: Any = None) -> decimal.Decimal | None:
    """The complement of :func:`on_time_rate`: met late or not met past due."""
    decided, on_time = _rates(key, company, start, end, subject)
    return percent(decided - on_time, decided)


def on_time_kpis(registry: DeadlineRegistry) -> dict[str, list[Any]]:
    """The KPI ``<key>.on_time`` of every deadline, by declaring plugin; of
    a deadline on a model :func:`core.org.org_owned` also per department
    and employee (the records they own or are responsible for, directly or
    through the model's ``__org_owner__``)."""
    from core.kpis import SUBJECTS, Kpi
    from core.org import org_owned
    found: dict[str, list[Any]] = {}
    for d in registry.by_key.values():
        label = (f"{d.key}.on_time", f"{d.label_zh or d.key}按时率", f"{d.label_en or d.key}: on time")
        if org_owned(d.model):
            kpi = Kpi(*label, compute=lambda company, start, end, subject, key=d.key:
                      on_time_rate(key, company, start, end, subject), unit="%", better="up", subjects=SUBJECTS)
        else:
            kpi = Kpi(*label, compute=lambda company, start, end, key=d.key: on_time_rate(key, company, start, end),
                      unit="%", better="up")
        found.setdefault(d.plugin_key, []).append(kpi)
    return found


def dashboard_widgets(company: Any, user: Any, list_urls: dict[type, str], plugin: str | None = None) -> list[Any]:
    """A tile per deadline (of ``plugin``, or all) of the company's enabled
    modules: how many records are overdue (and due soon), linking to the
    screen's overdue list (``list_urls``: model → list URL). Placed on the
    home page by :func:`core.dashboard.collect_widgets` with the plugin's own."""
    from core.calendar.timezone import local_now
    from core.dashboard import Tile
    registry = DeadlineRegistry.current_or_none()
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
