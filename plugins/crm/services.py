"""CRM operations on the database: classification of a period, planning
key-customer visits, survey CSI and the KPIs. The arithmetic lives in the
pure modules (classification.py, surveys.py); this module loads the
company's rows, calls it and stores the result. Every function takes the
company explicitly and reads only its rows (core's ``scoped_query``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import func

from core import db
from core.settings import get_setting
from core.records.tenancy import scoped_query

from . import classification, surveys
from .models import Customer, PurchaseFigure, ReturnVisit, SurveyResponse, local_now
from .periods import normalise_period, parse_period

MARKET_CODES = {"urban": classification.URBAN, "rural": classification.RURAL}


class CrmError(ValueError):
    """Bad input for a CRM operation; the message is for the clerk."""


# --------------------------------------------------------------- classification

@dataclass
class ClassificationRun:
    period: str
    classified: int = 0
    customers_updated: int = 0
    by_scale: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})


def classify_period(company, period: str) -> ClassificationRun:
    """Classify every active customer with a purchase figure in ``period``
    and store the score, rank and code on the figures; the code and period
    go on the customer too, unless it already holds a later period's
    classification (for periods ending the same day, the longer one wins).

    All or nothing: a customer without business format or market type stops
    the run with a :class:`CrmError` naming the customers, and nothing is
    changed (the caller commits).
    """
    period = _period(period)
    figures = (scoped_query(PurchaseFigure, company).join(PurchaseFigure.customer)
               .filter(PurchaseFigure.period == period, PurchaseFigure.archived_at.is_(None),
                       Customer.archived_at.is_(None))
               .order_by(PurchaseFigure.id).all())
    if not figures:
        raise CrmError(gettext("No purchase figures for %(period)s: enter or import them first.", period=period))
    incomplete = [f.customer.code for f in figures
                  if not (f.customer.business_format or "").strip() or f.customer.market_type not in MARKET_CODES]
    if incomplete:
        raise CrmError(gettext("Cannot classify %(period)s: these customers have no business format or market "
                               "type: %(codes)s.", period=period, codes=", ".join(incomplete)))
    try:
        results = classification.classify(
            classification.PurchaseFigure(f.id, f.customer.business_format.strip().replace("-", "·"),
                                          MARKET_CODES[f.customer.market_type],
                                          Decimal(f.quantity or 0), Decimal(f.amount or 0))
            for f in figures)
    except ValueError as exc:  # negative figures typed into the database directly
        raise CrmError(str(exc)) from exc
    run = ClassificationRun(period)
    for figure in figures:
        result = results[figure.id]
        figure.score, figure.rank = result.score.quantize(Decimal("1e-10")), result.rank
        figure.group_size, figure.class_code = result.group_size, result.code
        run.classified += 1
        run.by_scale[result.scale] += 1
        customer = figure.customer
        if customer.class_period is None or _recency(customer.class_period) <= _recency(period):
            customer.class_code, customer.class_period = result.code, period
            run.customers_updated += 1
    return run


def _period(label: str) -> str:
    try:
        return normalise_period(label)
    except ValueError:
        raise CrmError(period_error(label)) from None


def period_error(label: str) -> str:
    """The clerk's message for a period that is not a year, quarter or month."""
    return gettext("Unknown period '%(period)s': write a year (2026), a quarter (2026-Q3) or a month (2026-10).",
                   period=label)


def _recency(label: str) -> tuple[dt.date, int]:
    """Which classification a customer keeps: the later period end, and for
    equal ends the longer period (the year 2026 over 2026-Q4 and 2026-12)."""
    try:
        start, end = parse_period(label)
    except ValueError:
        return dt.date.min, 0
    return end, (end - start).days


# ------------------------------------------------------------------ visits

def plan_key_customer_visits(company, today: dt.date | None = None, horizon_days: int = 7) -> list[ReturnVisit]:
    """Plan the return visits key customers are due for (setting
    ``crm.key_customer_visit_days``), up to ``horizon_days`` ahead.

    Idempotent: a customer that already has a visit planned and not done
    gets no second one, so running it daily (or twice) plans nothing twice.
    Run it acting as ``company`` (a request of that company, or
    ``tenancy.acting_as``): core stamps the new visits with it. Returns the
    new visits (added to the session; the caller commits).
    """
    today = today or local_now(company).date()
    every = get_setting("crm.key_customer_visit_days", company)
    keys = scoped_query(Customer, company).filter(Customer.is_key.is_(True), Customer.archived_at.is_(None)).all()
    if not keys:
        return []
    ids = [c.id for c in keys]
    visits = scoped_query(ReturnVisit, company).filter(ReturnVisit.customer_id.in_(ids),
                                                       ReturnVisit.archived_at.is_(None))
    open_ids = {cid for (cid,) in visits.filter(ReturnVisit.done_at.is_(None))
                .with_entities(ReturnVisit.customer_id)}
    last_done = dict(visits.filter(ReturnVisit.done_at.isnot(None))
                     .with_entities(ReturnVisit.customer_id, func.max(ReturnVisit.done_at))
                     .group_by(ReturnVisit.customer_id).all())
    due = surveys.due_visits(((c.id, True, _date(last_done.get(c.id))) for c in keys if c.id not in open_ids),
                             every_days=every, today=today, horizon_days=horizon_days)
    by_id = {c.id: c for c in keys}
    planned = []
    for customer_id, planned_date in due:
        visit = ReturnVisit(customer=by_id[customer_id], kind="visit", planned_date=planned_date,
                            generated=True, visited_by_id=by_id[customer_id].responsible_id)
        db.session.add(visit)  # core stamps the company (callers act as it)
        planned.append(visit)
    return planned


def _date(value):
    if value is None:
        return None
    if isinstance(value, str):  # SQLite returns max() of a DATETIME as text
        value = dt.datetime.fromisoformat(value)
    return value.date() if isinstance(value, dt.datetime) else value


# ----------------------------------------------------------------- surveys

def _as_survey_response(response: SurveyResponse) -> surveys.Response:
    template = response.template
    # Column defaults are only filled in on INSERT: a form not yet flushed
    # may still hold None for them.
    scale_max = template.scale_max or 5
    questions = [surveys.Question(q.id, Decimal(q.weight if q.weight is not None else 1), scale_max)
                 for q in template.questions]
    known = {q.id for q in template.questions}
    # New answers have their question but no question_id before the flush.
    answers = [surveys.Answer(a.question.id if a.question else a.question_id, a.score) for a in response.answers]
    answers = [a for a in answers if a.question_id in known]
    return surveys.Response(questions, answers)


def recompute_csi(response: SurveyResponse) -> Decimal | None:
    """Store and return the response's CSI (0–100, ``None`` if nothing answered)."""
    response.csi = _as_survey_response(response).csi()
    return response.csi


def _responses(company, start: dt.date, end: dt.date):
    return (scoped_query(SurveyResponse, company)
            .filter(SurveyResponse.archived_at.is_(None), SurveyResponse.surveyed_on >= start,
                    SurveyResponse.surveyed_on <= end))


def _csis(responses) -> list[Decimal]:
    """The stored CSIs of a response query (responses without one left out)."""
    return [Decimal(c) for (c,) in responses.filter(SurveyResponse.csi.isnot(None))
            .with_entities(SurveyResponse.csi)]


def csi_between(company, start: dt.date, end: dt.date) -> Decimal | None:
    """Mean CSI of the responses surveyed from ``start`` to ``end`` (inclusive)."""
    return surveys.mean_csi(_csis(_responses(company, start, end)))


def template_csi(template) -> tuple[Decimal | None, int]:
    """``(mean CSI, responses with a CSI)`` of one survey template: the CSI
    of the survey as a whole."""
    values = _csis(scoped_query(SurveyResponse, template.owner_company)
                   .filter(SurveyResponse.template_id == template.id, SurveyResponse.archived_at.is_(None)))
    return surveys.mean_csi(values), len(values)


def csi_trend(company, period: str = "quarter", count: int = 6,
              today: dt.date | None = None) -> list[tuple[str, Decimal | None, int]]:
    """CSI of the last ``count`` periods up to ``today``, oldest first, empty
    periods included as ``(label, None, 0)`` so a chart has no gaps."""
    today = today or local_now(company).date()
    labels = []
    day = today
    while len(labels) < count:
        label = surveys.period_label(day, period)
        if label not in labels:
            labels.append(label)
        day = parse_period(label)[0] - dt.timedelta(days=1)
    labels.reverse()
    start = parse_period(labels[0])[0]
    rows = _responses(company, start, today).filter(SurveyResponse.csi.isnot(None)) \
        .with_entities(SurveyResponse.surveyed_on, SurveyResponse.csi).all()
    grouped: dict[str, list[Decimal]] = {label: [] for label in labels}
    for day, csi in rows:
        grouped.setdefault(surveys.period_label(day, period), []).append(Decimal(csi))
    return [(label, surveys.mean_csi(grouped[label]), len(grouped[label])) for label in labels]


# -------------------------------------------------------------------- KPIs

def visits_summary(company, start: dt.date, end: dt.date, visitors: set[int] | None = None) -> tuple[int, int]:
    """``(done, planned)`` return visits planned from ``start`` to ``end``
    (with ``visitors``: only the visits assigned to those logins)."""
    visits = scoped_query(ReturnVisit, company).filter(
        ReturnVisit.archived_at.is_(None), ReturnVisit.planned_date >= start, ReturnVisit.planned_date <= end)
    if visitors is not None:
        visits = visits.filter(ReturnVisit.visited_by_id.in_(visitors))
    return visits.filter(ReturnVisit.done_at.isnot(None)).count(), visits.count()


def visit_completion_rate(company, start: dt.date, end: dt.date, subject=None) -> Decimal | None:
    """Per cent of the return visits planned from ``start`` to ``end`` that
    are done: the company's, or those of a department's or an employee's
    logins (``subject``, core.org)."""
    from core.org import subject_user_ids
    from core.kpis import percent  # D-5: 2 places, half up; None without any planned
    done, planned = visits_summary(company, start, end, subject_user_ids(subject))
    return percent(done, planned)
