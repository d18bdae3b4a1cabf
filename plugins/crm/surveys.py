"""Satisfaction surveys (顾客满意度调查表) and key-customer return visits (重点客户回访).

Pure computations, no database and no Flask: callers load the rows and pass
plain values in, so everything here can be tested, and re-run, in isolation.

Customer satisfaction index (CSI)
=================================
A survey form has questions; each :class:`Question` has a *weight* and a
*scale* ``1..scale_max`` (default 5, the usual 很不满意 … 非常满意). A customer's
:class:`Response` holds one :class:`Answer` per question; an answer with
``score=None`` (or a question with no answer at all) is *not answered*.

* A score is normalised to 0–100 as ``score / scale_max × 100``: on a 5-point
  scale 1 → 20, 2 → 40, 3 → 60, 4 → 80, 5 → 100, the customary reading of a
  Chinese satisfaction form. So the default "satisfied" threshold of 80 means
  "on average at least 满意 (4 of 5)".
* :func:`response_csi` is the weighted mean of the normalised scores of the
  *answered* questions. The weights are renormalised over the answered
  questions only: ``Σ wᵢ·sᵢ / Σ wᵢ`` with both sums over answered questions.
  An unanswered question therefore neither pulls the index down (it is not
  counted as 0) nor up; the remaining questions keep their relative weights.
  A response with no answered question has no CSI (``None``).
* :func:`survey_csi` is the plain mean of the response CSIs ("CSI = mean of
  satisfaction scores"); responses without a CSI are ignored.
* :func:`satisfaction_rate` is "satisfied customers / contacted customers ×
  100 %"; see there for how unanswered responses count.
* :func:`csi_by_period` groups dated responses by month, quarter or year.

Decimal arithmetic and rounding
-------------------------------
All results are :class:`~decimal.Decimal` with exactly two decimal places,
rounded ``ROUND_HALF_UP`` (commercial rounding: 78.125 → 78.13, not the
banker's 78.12). Intermediate sums are computed exactly (34 significant
digits, independent of the caller's decimal context) and only the final value
is rounded. Aggregates (:func:`survey_csi`, :func:`satisfaction_rate`,
:func:`csi_by_period`) work on the *rounded* per-response CSIs, the figures
printed on each form, so a report can be re-added by hand and gives the same
total; and a response printed as 80.00 counts as satisfied at threshold 80.

Return visits
=============
:func:`due_visits` lists the key customers (重点客户/大客户) whose next planned
return visit falls on or before ``today + horizon_days``.

Thresholds and intervals (80 %, visit every N days) are company settings, so
they are parameters here, never constants.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Literal

__all__ = [
    "Question",
    "Answer",
    "Response",
    "Period",
    "DEFAULT_SATISFIED_AT",
    "response_csi",
    "survey_csi",
    "mean_csi",
    "satisfaction_rate",
    "csi_by_period",
    "period_label",
    "due_visits",
]

#: Default CSI from which a response counts as "satisfied" (company setting).
DEFAULT_SATISFIED_AT = Decimal("80")

Period = Literal["month", "quarter", "year"]

_CENT = Decimal("0.01")
_HUNDRED = Decimal("100")
# Exact enough for any realistic survey, and independent of the caller's
# (thread-local, possibly altered) decimal context.
_CONTEXT = Context(prec=34)


def _round(value: Decimal) -> Decimal:
    """``value`` rounded to 2 decimal places, ROUND_HALF_UP."""
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _is_int(value: object) -> bool:
    """True for a real ``int`` (``bool`` is excluded: ``True`` is no score)."""
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------- data types

@dataclass(frozen=True)
class Question:
    """One question of a satisfaction survey form.

    ``weight`` must be a finite number > 0 (``Decimal`` or ``int``; floats are
    refused because 0.1 is not exact in binary). Scores run ``1..scale_max``
    and ``scale_max`` must be at least 2.

    Raises ``ValueError`` (or ``TypeError`` for a wrong type) on construction.
    """

    id: Hashable
    weight: Decimal
    scale_max: int = 5

    def __post_init__(self) -> None:
        weight = self.weight
        if _is_int(weight):
            weight = Decimal(weight)
            object.__setattr__(self, "weight", weight)
        if not isinstance(weight, Decimal):
            raise TypeError(
                f"question {self.id!r}: weight must be a Decimal or int, "
                f"not {type(weight).__name__}")
        if not weight.is_finite() or weight <= 0:
            raise ValueError(f"question {self.id!r}: weight must be > 0, got {weight}")
        if not _is_int(self.scale_max) or self.scale_max < 2:
            raise ValueError(
                f"question {self.id!r}: scale_max must be an integer >= 2, "
                f"got {self.scale_max!r}")


@dataclass(frozen=True)
class Answer:
    """A customer's answer to one question; ``score=None`` means not answered.

    The range ``1..scale_max`` is checked against the question in
    :func:`response_csi`, since only the question knows its scale.
    """

    question_id: Hashable
    score: int | None


@dataclass(frozen=True)
class Response:
    """One contacted customer's filled-in survey: the form's questions and the
    answers given. Questions without an answer count as not answered."""

    questions: Sequence[Question]
    answers: Sequence[Answer]

    def csi(self) -> Decimal | None:
        """This response's CSI, see :func:`response_csi`."""
        return response_csi(self.questions, self.answers)


# ------------------------------------------------------------------- the CSI

def response_csi(questions: Iterable[Question],
                 answers: Iterable[Answer]) -> Decimal | None:
    """CSI of one response, 0–100, two decimals (ROUND_HALF_UP).

    ``Σ wᵢ · (scoreᵢ / scale_maxᵢ × 100) / Σ wᵢ`` over the *answered*
    questions only: the weights are renormalised over what was answered, so
    a skipped question is left out rather than scored 0. Returns ``None``
    when no question was answered (including no answers at all).

    Example: weights 2/1/1 on a 5-point scale, scores 5, 4, 3 →
    (2·100 + 1·80 + 1·60) / 4 = 85.00; with the third unanswered →
    (2·100 + 1·80) / 3 = 93.33.

    Raises ``ValueError`` for answers to unknown question ids (all of them
    named), duplicate question ids or duplicate answers to one question, and
    scores outside ``1..scale_max``; ``TypeError`` for a score that is not an
    int (``bool`` included).
    """
    by_id: dict[Hashable, Question] = {}
    duplicate_questions: list[Hashable] = []
    for question in questions:
        if question.id in by_id:
            duplicate_questions.append(question.id)
        by_id[question.id] = question
    if duplicate_questions:
        raise ValueError(f"duplicate question ids: {_names(duplicate_questions)}")

    answers = list(answers)
    unknown = [a.question_id for a in answers if a.question_id not in by_id]
    if unknown:
        raise ValueError(f"answers to unknown question ids: {_names(unknown)}")

    seen: set[Hashable] = set()
    duplicate_answers: list[Hashable] = []
    for answer in answers:
        if answer.question_id in seen:
            duplicate_answers.append(answer.question_id)
        seen.add(answer.question_id)
    if duplicate_answers:
        raise ValueError(
            f"more than one answer to question ids: {_names(duplicate_answers)}")

    with localcontext(_CONTEXT):
        weighted_sum = Decimal(0)
        weight_sum = Decimal(0)
        for answer in answers:
            if answer.score is None:
                continue
            question = by_id[answer.question_id]
            if not _is_int(answer.score):
                raise TypeError(
                    f"question {answer.question_id!r}: score must be an int or None, "
                    f"not {type(answer.score).__name__}")
            if not 1 <= answer.score <= question.scale_max:
                raise ValueError(
                    f"question {answer.question_id!r}: score {answer.score} outside "
                    f"1..{question.scale_max}")
            normalised = Decimal(answer.score) * _HUNDRED / question.scale_max
            weighted_sum += question.weight * normalised
            weight_sum += question.weight
        if not weight_sum:
            return None
        return _round(weighted_sum / weight_sum)


def _names(ids: Iterable[Hashable]) -> str:
    """Ids for an error message, each once, in first-seen order."""
    return ", ".join(repr(i) for i in dict.fromkeys(ids))


def mean_csi(values: Sequence[Decimal]) -> Decimal | None:
    """The mean of rounded CSIs, two decimals (ROUND_HALF_UP); ``None`` for none."""
    if not values:
        return None
    with localcontext(_CONTEXT):
        return _round(sum(values, Decimal(0)) / len(values))


def survey_csi(responses: Iterable[Response]) -> Decimal | None:
    """CSI of a survey: the plain mean of the response CSIs, two decimals.

    Each response weighs the same, whatever the number of questions it
    answered. Responses without a CSI (nothing answered) are ignored; with no
    CSI at all the result is ``None``. The mean is taken over the rounded
    response CSIs (see the module docstring).
    """
    return mean_csi([c for c in (r.csi() for r in responses) if c is not None])


def satisfaction_rate(responses: Iterable[Response],
                      satisfied_at: Decimal = DEFAULT_SATISFIED_AT) -> Decimal:
    """Satisfied customers / contacted customers × 100 %, two decimals.

    Every response is one *contacted* customer, the denominator, including
    a customer who answered nothing. A customer is *satisfied* when the
    response CSI is ``>= satisfied_at`` (default 80, a company setting); an
    unanswered response is therefore contacted but not satisfied. Pass one
    response per customer (e.g. the latest) if customers were surveyed twice.

    With no responses at all the rate is ``Decimal("0.00")`` (nobody was
    contacted, nobody is counted as satisfied).

    Raises ``ValueError`` if ``satisfied_at`` is not within 0–100.
    """
    if _is_int(satisfied_at):
        satisfied_at = Decimal(satisfied_at)
    if not isinstance(satisfied_at, Decimal):
        raise TypeError(f"satisfied_at must be a Decimal or int, "
                        f"not {type(satisfied_at).__name__}")
    if not satisfied_at.is_finite() or not 0 <= satisfied_at <= 100:
        raise ValueError(f"satisfied_at must be within 0..100, got {satisfied_at}")
    contacted = 0
    satisfied = 0
    for response in responses:
        contacted += 1
        csi = response.csi()
        if csi is not None and csi >= satisfied_at:
            satisfied += 1
    if not contacted:
        return _round(Decimal(0))
    with localcontext(_CONTEXT):
        return _round(Decimal(satisfied) * _HUNDRED / contacted)


def _period_key(day: date, period: str) -> tuple[int, int]:
    if period == "month":
        return day.year, day.month
    if period == "quarter":
        return day.year, (day.month - 1) // 3 + 1
    if period == "year":
        return day.year, 0
    raise ValueError(f"period must be 'month', 'quarter' or 'year', got {period!r}")


def _label(key: tuple[int, int], period: str) -> str:
    year, part = key
    if period == "month":
        return f"{year:04d}-{part:02d}"
    if period == "quarter":
        return f"{year:04d}-Q{part}"
    return f"{year:04d}"


def period_label(day: date, period: Period = "month") -> str:
    """The label of the period containing ``day``: ``"2026-03"`` (month),
    ``"2026-Q1"`` (quarter) or ``"2026"`` (year). Raises ``ValueError`` for
    another ``period``."""
    return _label(_period_key(day, period), period)


def csi_by_period(dated_responses: Iterable[tuple[date, Response]],
                  period: Period = "month") -> list[tuple[str, Decimal | None, int]]:
    """Survey CSI per calendar period: ``[(label, csi, count), ...]``.

    ``dated_responses`` are ``(survey date, response)`` pairs. Labels are as
    in :func:`period_label`; the list is in chronological order and holds only
    periods that have at least one response (no empty periods are filled in).
    ``csi`` is :func:`survey_csi` of the period's responses and ``count`` the
    number of responses that have a CSI, i.e. the sample size behind the
    mean; a period whose responses are all unanswered appears as
    ``(label, None, 0)``.

    Raises ``ValueError`` for an unknown ``period`` (even with no responses).
    """
    _period_key(date(2000, 1, 1), period)  # validate period eagerly
    groups: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for day, response in dated_responses:
        if not isinstance(day, date):
            raise TypeError(f"survey date must be a date, not {type(day).__name__}")
        values = groups[_period_key(day, period)]
        csi = response.csi()
        if csi is not None:
            values.append(csi)
    return [(_label(key, period), mean_csi(values), len(values))
            for key, values in sorted(groups.items())]


# ------------------------------------------------------------- return visits

def _as_date(value: date, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"{what} must be a date, not {type(value).__name__}")
    return value


def due_visits(customers: Iterable[tuple[Hashable, bool, date | None]],
               every_days: int,
               today: date,
               horizon_days: int = 0) -> list[tuple[Hashable, date]]:
    """Return visits due for key customers: ``[(customer_id, planned_date)]``.

    ``customers`` are ``(customer_id, is_key, last_visit_date or None)``.
    For a key customer the next visit is planned on ``last_visit +
    every_days``, or on ``today`` when the customer was never visited. It is
    listed when that date is on or before ``today + horizon_days`` (0 = due
    today or earlier; e.g. 7 = also what falls due in the coming week).
    Non-key customers are never listed.

    The planned date of an overdue visit stays the date it fell due (before
    ``today``), so overdue visits remain visible as such; it is not moved to
    today. The result is ordered by planned date, ties in input order.

    Idempotent: the function has no state and reads no clock, so the same
    input always gives the same list, and re-running it (e.g. a daily job
    that creates the planned visits it does not already have, keyed by
    customer and planned date) never plans a customer twice. Once a visit is
    recorded, the caller's next run passes the new ``last_visit_date`` and the
    customer moves ``every_days`` ahead. A datetime is reduced to its date.

    Raises ``ValueError`` if ``every_days < 1``, ``horizon_days < 0``, a
    customer appears more than once (ids named) or ``is_key`` is not a
    bool (0/1 accepted); ``TypeError`` for non-date dates.
    """
    if not _is_int(every_days) or every_days < 1:
        raise ValueError(f"every_days must be an integer >= 1, got {every_days!r}")
    if not _is_int(horizon_days) or horizon_days < 0:
        raise ValueError(f"horizon_days must be an integer >= 0, got {horizon_days!r}")
    today = _as_date(today, "today")
    until = today + timedelta(days=horizon_days)

    seen: set[Hashable] = set()
    duplicates: list[Hashable] = []
    due: list[tuple[Hashable, date]] = []
    for customer_id, is_key, last_visit in customers:
        if customer_id in seen:
            duplicates.append(customer_id)
            continue
        seen.add(customer_id)
        if is_key not in (True, False):
            raise ValueError(f"customer {customer_id!r}: is_key must be a bool, "
                             f"got {is_key!r}")
        if not is_key:
            continue
        if last_visit is None:
            planned = today
        else:
            planned = _as_date(last_visit, f"customer {customer_id!r}: last visit") \
                + timedelta(days=every_days)
        if planned <= until:
            due.append((customer_id, planned))
    if duplicates:
        raise ValueError(f"customers listed more than once: {_names(duplicates)}")
    due.sort(key=lambda item: item[1])  # stable: ties keep input order
    return due
