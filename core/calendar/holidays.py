"""Official holiday years, entered once for all companies (core public API).

Mainland China's public holidays and 调休 make-up working days are announced
by the State Council once a year, usually in November for the next year.
The ``chinesecalendar`` package carries the years its installed release
knows (1.11.0: 2004-2026); a system administrator enters or imports any other
year here, under **System → Holiday years** or with ``qdesk calendar import
FILE``. The rows are system-level, not company-owned: every company's
calendar (:func:`core.calendar.company_calendar`) takes a year from here
first, then from ``chinesecalendar``; a year in neither counts as plain
weekends and is warned about (log, and from 1 November a dashboard tile for
next year: :func:`dashboard_widgets`).

A file (CSV, or XLSX through :func:`core.imports.read_table`) holds one
year, whole: columns ``date`` (``YYYY-MM-DD``), ``kind`` (``holiday`` /
``workday``, or ``放假`` / ``上班``) and ``name`` (``春节``, optional). It
is checked entirely before anything is written (:func:`parse_file`): a bad
date, an unknown kind, a date twice, dates of two years, a make-up working
day on a weekday... refuse the whole file with the line numbers, and nothing
changes.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass, field
from typing import Iterable

from flask_babel import gettext, lazy_gettext
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, utcnow

log = logging.getLogger("qdesk.holidays")

__all__ = [
    "HolidayDay", "HolidayFileError", "HolidayYear", "KINDS", "Schedule", "YearExists", "YearSummary",
    "dashboard_widgets", "default_years", "delete_year", "entered_days", "import_file", "import_schedule",
    "library_has", "missing_next_year", "parse_file", "year_source", "year_summaries",
]

#: The kinds of day: a public holiday (放假) and a 调休 make-up working day (上班).
KINDS = ("holiday", "workday")
#: What a file may write in the ``kind`` column (case-insensitive).
KIND_WORDS = {"holiday": "holiday", "workday": "workday", "放假": "holiday", "上班": "workday"}
#: Header names accepted for each column (case-insensitive).
COLUMNS = {"date": ("date", "日期"), "kind": ("kind", "类型"), "name": ("name", "名称")}
#: Years a holiday year may be (the working calendar's sensible range).
YEAR_MIN, YEAR_MAX = 2000, 2199
NAME_MAX = 50
#: A year has at most 366 dates, each once.
MAX_ROWS = 366
#: Largest file accepted (a year's schedule is a few kilobytes).
MAX_FILE_BYTES = 1024 * 1024
#: The month from which a missing next year is shown on the dashboards.
WARN_FROM_MONTH = 11

SOURCES = ("entered", "chinesecalendar", "missing")

_DATE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})\Z")



def default_years(today: dt.date | None = None) -> range:
    """The years a calendar covers unless told otherwise: last year to
    two years ahead (deadlines of old items and of items due next year),
    from the company's local date (:func:`core.calendar.timezone.local_today`)."""
    if today is None:
        from core.calendar.timezone import local_today
        today = local_today()
    return range(today.year - 1, today.year + 3)

class HolidayYear(db.Model):
    """One entered year of the official schedule, for all companies."""

    __tablename__ = "holiday_years"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    note: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    days: Mapped[list["HolidayDay"]] = relationship(back_populates="holiday_year", cascade="all, delete-orphan",
                                                    order_by="HolidayDay.day")
    updated_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return str(self.year)


class HolidayDay(db.Model):
    """A public holiday or a 调休 make-up working day of an entered year."""

    __tablename__ = "holiday_days"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("holiday_years.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="holiday")
    name: Mapped[str | None] = mapped_column(String(NAME_MAX))

    holiday_year: Mapped[HolidayYear] = relationship(back_populates="days")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.kind} {self.name or ''}".rstrip()


# --- reading a file ---------------------------------------------------------------

class HolidayFileError(ValueError):
    """A holiday file is refused whole; ``errors`` are the messages, each
    starting with its line number where it has one. Nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class YearExists(ValueError):
    """The year is entered already and the import was not asked to replace it."""


@dataclass(frozen=True)
class Schedule:
    """A checked year: ``days`` are ``(date, kind, name)``, by date."""

    year: int
    days: tuple[tuple[dt.date, str, str], ...]

    @property
    def holidays(self) -> list[dt.date]:
        return [d for d, kind, _ in self.days if kind == "holiday"]

    @property
    def workdays(self) -> list[dt.date]:
        return [d for d, kind, _ in self.days if kind == "workday"]


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` (also with ``/`` or ``.``, ASCII digits) as a date, or None."""
    match = _DATE.match((text or "").strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_kind(text: str) -> str | None:
    """``holiday``/``workday`` (or ``放假``/``上班``, any case) as a kind, or None."""
    return KIND_WORDS.get((text or "").strip().lower())


def _line(number: int, message: str) -> str:
    return gettext("Line %(line)s: %(message)s", line=number, message=message)


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    where: dict[str, int] = {}
    errors = []
    names = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    for index, title in enumerate(header):
        key = names.get(title.strip().lower())
        if key is None:
            errors.append(_line(1, gettext("unknown column %(column)s (the columns are date, kind, name).",
                                           column=repr(title[:40]))))
        elif key in where:
            errors.append(_line(1, gettext("the column %(column)s is there twice.", column=key)))
        else:
            where[key] = index
    for key in ("date", "kind"):
        if key not in where:
            errors.append(_line(1, gettext("the column %(column)s is missing (the columns are date, kind, name).",
                                           column=key)))
    return where, errors


def parse_rows(header: list[str], rows: Iterable[tuple[int, list[str]]], year: int | None = None) -> Schedule:
    """Check a file's ``header`` and ``rows`` (``(line number, cells)``, the
    header being line 1) and return its :class:`Schedule`.

    :param year: the year the file must hold (an upload for a given year);
        default: the year of its first date.
    :raises HolidayFileError: every problem found, each with its line number.
    """
    where, errors = _columns(header)
    if errors:
        raise HolidayFileError(errors)
    seen: dict[dt.date, int] = {}
    first_line: int | None = None
    days = []
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise HolidayFileError([gettext("The file has %(count)s rows; a year has at most %(max)s days.",
                                        count=len(rows), max=MAX_ROWS)])
    for number, cells in rows:
        def cell(key: str) -> str:
            index = where.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""
        extra = [c for i, c in enumerate(cells) if i >= len(header) and c.strip()]
        if extra:
            errors.append(_line(number, gettext("more cells than columns.")))
            continue
        raw_date, raw_kind, name = cell("date"), cell("kind"), cell("name")
        day = parse_date(raw_date)
        kind = parse_kind(raw_kind)
        if day is None:
            errors.append(_line(number, gettext("%(value)s is not a date (write YYYY-MM-DD, e.g. 2027-01-01).",
                                                value=repr(raw_date[:40]))))
        if kind is None:
            errors.append(_line(number, gettext(
                "%(value)s is not a kind of day (write holiday or workday, 放假 or 上班).",
                value=repr(raw_kind[:40]))))
        if len(name) > NAME_MAX:
            errors.append(_line(number, gettext("the name is longer than %(max)s characters.", max=NAME_MAX)))
        elif any(ord(c) < 32 or ord(c) == 127 for c in name):
            errors.append(_line(number, gettext("the name holds control characters.")))
        if day is None:
            continue
        if not YEAR_MIN <= day.year <= YEAR_MAX:
            errors.append(_line(number, gettext("%(day)s is not between %(min)s and %(max)s.",
                                                day=day.isoformat(), min=YEAR_MIN, max=YEAR_MAX)))
            continue
        if year is None:
            year, first_line = day.year, number
        if day.year != year:
            if first_line is None:
                errors.append(_line(number, gettext(
                    "%(day)s is not in %(year)s: a file for %(year)s holds only that year's days.",
                    day=day.isoformat(), year=year)))
            else:
                errors.append(_line(number, gettext(
                    "%(day)s is in %(other)s but the file's first date (line %(first)s) is in %(year)s: "
                    "a file holds one year.", day=day.isoformat(), other=day.year, first=first_line,
                    year=year)))
            continue
        if day in seen:
            errors.append(_line(number, gettext("%(day)s is already on line %(other)s: each date once.",
                                                day=day.isoformat(), other=seen[day])))
            continue
        seen[day] = number
        if kind == "workday" and day.weekday() < 5:
            errors.append(_line(number, gettext(
                "%(day)s is a weekday: a make-up working day (上班) is a Saturday or a Sunday.",
                day=day.isoformat())))
            continue
        if kind is not None:
            days.append((day, kind, name))
    if not errors and not any(kind == "holiday" for _, kind, _ in days):
        errors.append(gettext("The file has no holiday: a year's schedule lists its public holidays."))
    if errors:
        raise HolidayFileError(errors)
    return Schedule(year, tuple(sorted(days)))


def parse_file(filename: str, data: bytes, year: int | None = None) -> Schedule:
    """Read and check a CSV or XLSX holiday file (see the module's docstring).

    :param year: the year the file must hold; default the year of its first date.
    :raises HolidayFileError: the file is refused, with every reason and line number.
    """
    from core.imports import ImportRefused, read_table
    try:
        table = read_table(filename, data, max_rows=MAX_ROWS)
    except ImportRefused as exc:
        raise HolidayFileError([str(exc)]) from None
    return parse_rows(table.header, table.rows, year)


# --- writing ----------------------------------------------------------------------

def import_schedule(schedule: Schedule, replace: bool = False, user: User | None = None,
                    note: str | None = None) -> HolidayYear:
    """Store ``schedule`` as its year's official days, in one transaction
    (committed here): the year's previous days are replaced when ``replace``.

    :raises YearExists: the year has days already and ``replace`` is false;
        nothing changed.
    """
    existing = db.session.query(HolidayYear).filter_by(year=schedule.year).one_or_none()
    if existing is not None and existing.days and not replace:
        raise YearExists(gettext("%(year)s is entered already (%(count)s days): replace it to load the file.",
                                 year=schedule.year, count=len(existing.days)))
    try:
        if existing is None:
            existing = HolidayYear(year=schedule.year)
            db.session.add(existing)
        else:
            existing.days.clear()
            db.session.flush()  # the old dates go before the new ones come (unique dates)
        existing.note = note if note is not None else existing.note
        existing.updated_by_id = user.id if user is not None else None
        existing.updated_at = utcnow()
        existing.days.extend(HolidayDay(day=d, kind=k, name=n or None) for d, k, n in schedule.days)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("holiday year %s entered%s: %s holidays, %s make-up working days", schedule.year,
             f" by {user.email}" if user is not None else "", len(schedule.holidays), len(schedule.workdays))
    return existing


def import_file(filename: str, data: bytes, replace: bool = False, user: User | None = None,
                year: int | None = None) -> HolidayYear:
    """:func:`parse_file` then :func:`import_schedule`: the whole year or nothing.

    :raises HolidayFileError: the file is refused.
    :raises YearExists: the year is entered and ``replace`` is false.
    """
    return import_schedule(parse_file(filename, data, year), replace=replace, user=user)


def year_for(day: dt.date, user: User | None = None) -> HolidayYear:
    """The :class:`HolidayYear` of ``day``, added to the session when new
    (a day entered by hand on the System screen)."""
    with db.session.no_autoflush:
        row = db.session.query(HolidayYear).filter_by(year=day.year).one_or_none()
    if row is None:
        row = HolidayYear(year=day.year)
        db.session.add(row)
    row.updated_by_id = user.id if user is not None else row.updated_by_id
    row.updated_at = utcnow()
    return row


def delete_year(year: int) -> int:
    """Remove an entered year (its days go back to ``chinesecalendar`` or to
    plain weekends) and commit; the number of days removed (0: not entered)."""
    row = db.session.query(HolidayYear).filter_by(year=year).one_or_none()
    if row is None:
        return 0
    count = len(row.days)
    db.session.delete(row)
    db.session.commit()
    log.info("holiday year %s removed (%s days)", year, count)
    return count


def drop_empty_years() -> None:
    """Remove the years whose last day was deleted (no commit)."""
    empty = (db.session.query(HolidayYear).outerjoin(HolidayDay)
             .group_by(HolidayYear.id).having(func.count(HolidayDay.id) == 0).all())
    for row in empty:
        db.session.delete(row)


# --- reading back -----------------------------------------------------------------

def entered_days(years: Iterable[int]) -> dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]]:
    """``{year: (holidays, make-up working days)}`` of the entered years among
    ``years`` (a year without days is not entered). One query."""
    years = sorted(set(int(y) for y in years))
    if not years:
        return {}
    rows = (db.session.query(HolidayDay.day, HolidayDay.kind)
            .filter(HolidayDay.day >= dt.date(years[0], 1, 1), HolidayDay.day <= dt.date(years[-1], 12, 31))
            .all())
    found: dict[int, tuple[set, set]] = {}
    for day, kind in rows:
        if day.year in years:
            off, work = found.setdefault(day.year, (set(), set()))
            (off if kind == "holiday" else work).add(day)
    return {y: (frozenset(off), frozenset(work)) for y, (off, work) in found.items()}


@functools.lru_cache(maxsize=None)
def library_has(year: int) -> bool:
    """Whether the installed ``chinesecalendar`` has data for ``year``."""
    import chinese_calendar
    try:
        chinese_calendar.get_holidays(dt.date(year, 1, 1), dt.date(year, 1, 2))
    except NotImplementedError:
        return False
    return True


def year_source(year: int) -> str:
    """Where ``year``'s holidays come from: ``entered``, ``chinesecalendar`` or ``missing``."""
    if entered_days([year]):
        return "entered"
    return "chinesecalendar" if library_has(year) else "missing"


@dataclass
class YearSummary:
    """One line of the System screen's list of years."""

    year: int
    source: str
    holidays: int = 0
    workdays: int = 0
    note: str | None = None
    updated_at: dt.datetime | None = None
    updated_by: str | None = None
    names: list[str] = field(default_factory=list)

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])


SOURCE_LABELS = {"entered": lazy_gettext("entered"), "chinesecalendar": lazy_gettext("chinesecalendar package"),
                 "missing": lazy_gettext("missing: plain weekends")}


def year_summaries(today: dt.date | None = None) -> list[YearSummary]:
    """The entered years and the years around ``today`` (last year to two
    years ahead, as :func:`default_years`), newest first, each
    with its source and its numbers of holidays and make-up days."""
    rows = {r.year: r for r in db.session.query(HolidayYear)}
    counts: dict[int, dict[str, int]] = {}
    for year_id, kind, count in (db.session.query(HolidayDay.year_id, HolidayDay.kind, func.count(HolidayDay.id))
                                 .group_by(HolidayDay.year_id, HolidayDay.kind)):
        counts.setdefault(year_id, {})[kind] = count
    years = set(default_years(today)) | {y for y, r in rows.items() if counts.get(r.id)}
    out = []
    for year in sorted(years, reverse=True):
        row = rows.get(year)
        numbers = counts.get(row.id, {}) if row is not None else {}
        if numbers:
            out.append(YearSummary(year, "entered", numbers.get("holiday", 0), numbers.get("workday", 0),
                                   row.note, row.updated_at, str(row.updated_by) if row.updated_by else None))
        elif library_has(year):
            out.append(_library_summary(year))
        else:
            out.append(YearSummary(year, "missing"))
    return out


def _library_summary(year: int) -> YearSummary:
    import chinese_calendar
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    off = chinese_calendar.get_holidays(first, last, include_weekends=False)
    work = [d for d in chinese_calendar.get_workdays(first, last, include_weekends=True) if d.weekday() >= 5]
    return YearSummary(year, "chinesecalendar", len(off), len(work))


def library_days(year: int) -> list[tuple[dt.date, str, str]]:
    """``chinesecalendar``'s days of ``year`` as ``(date, kind, name)``
    (English holiday names as the package gives them); [] when it has none."""
    if not library_has(year):
        return []
    import chinese_calendar
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out = [(d, "holiday", chinese_calendar.get_holiday_detail(d)[1] or "")
           for d in chinese_calendar.get_holidays(first, last, include_weekends=False)]
    out += [(d, "workday", chinese_calendar.get_holiday_detail(d)[1] or "")
            for d in chinese_calendar.get_workdays(first, last, include_weekends=True) if d.weekday() >= 5]
    return sorted(out)


# --- the dashboard warning ----------------------------------------------------------

def missing_next_year(today: dt.date | None = None) -> int | None:
    """Next year, when ``today`` (default: the current company's local date,
    :func:`core.calendar.timezone.local_now`) is on or after 1 November and next year
    is neither entered nor known to ``chinesecalendar``; else None."""
    if today is None:
        from core.calendar.timezone import local_now
        today = local_now().date()
    if today.month < WARN_FROM_MONTH:
        return None
    year = today.year + 1
    return year if year_source(year) == "missing" else None


def dashboard_widgets(company, user) -> list:
    """Core's dashboard tile for a missing next year (see
    :func:`missing_next_year`), shown to the company's admins (permission
    ``core.calendar_day.create``) and linking to System → Holiday years."""
    from core.dashboard import Tile
    year = missing_next_year()
    if year is None:
        return []
    try:
        from flask import url_for
        link = url_for("core_holidays.index_view")
    except Exception:  # noqa: BLE001 - no admin shell (scripts): no link
        link = None
    return [Tile(label=gettext("No public holidays for %(year)s yet: deadlines count only weekends. "
                               "A system administrator enters them under System → Holiday years.", year=year),
                 value=gettext("%(year)s missing", year=year), link=link,
                 permission="core.calendar_day.create")]
