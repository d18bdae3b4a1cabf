"""Retail-customer classification (零售客户分类): market type, business format, scale.

Source: seed 002, 卷烟零售客户服务及服务评价管理规定 第六条 (after the national
《零售客户分类标准》). A customer is classified along three dimensions and
gets a three-part code, ``<market type>-<business format>-<scale>``, e.g.
``"C-Z-1"`` or ``"X-01-3"``. The module is pure: no database, no Flask, no
clock. The caller passes one period's purchase figures (one
:class:`PurchaseFigure` per customer) and stores the result; calling it again
for another period *is* the recomputation.

Market type (市场类型)
----------------------
``"C"`` = 城镇 (urban: 城区 and 镇区), ``"X"`` = 乡村 (rural). The seed names
``C`` explicitly; its text is cut off before the rural code, so ``X`` (the
pinyin initial of 乡村) is taken from the national standard, where it is the
letter in use (retail licence grades such as ``XZ3``). Nothing else is accepted.

Business format (业态)
----------------------
An opaque, company-defined code (e.g. ``"Z"`` 食杂店, ``"S"`` 超市, or a number
such as ``"01"``), copied into the code unchanged. It must be a non-empty
string without ``"-"`` (the code's separator) and without surrounding spaces.
**Ranking is per business format only**: urban and rural customers of one
format are ranked together ("某类业态中 ... 由大到小排序"); the market type
only appears in the code.

Score (规模系数)
----------------
Within a format with quantity total ``Q`` and amount total ``A``::

    score_i = (qty_i / Q + amount_i / A) / 2

* ``Q == 0`` (nobody in the format bought any quantity): ``score_i = amount_i / A``.
* ``A == 0``: ``score_i = qty_i / Q``.
* both 0: every score is 0.

So the scores of a format always add up to 1 (or are all 0). Ranking and ties
use the exact rational value; :attr:`Classification.score` is that value as a
:class:`~decimal.Decimal` rounded to 28 significant digits (exact whenever it
fits, as for totals like 100 or 1000).

Rank and scale (经营规模 大/中/小 = 1/2/3)
-----------------------------------------
* ``rank`` is the competition rank in the format ("1224"): 1 + the number of
  customers of the format with a strictly higher score. Equal scores share a
  rank.
* For a format with ``n`` customers, the top and the bottom bands each hold
  ``k = round(0.2 * n)`` positions (:func:`band_size`). ``0.2 * n`` is never
  exactly halfway between two integers, so the rounding is unambiguous; in
  integers ``k = (2 * n + 5) // 10``. n = 1..10 gives k = 0, 0, 1, 1, 1, 1, 1,
  2, 2, 2.
* ``scale = 1`` if ``rank <= k``; ``scale = 3`` if ``rank > n - k``;
  otherwise ``scale = 2``. Because tied customers share the rank of the first
  of them, **a tie takes the better scale**: band sizes can then differ from
  ``k`` (two customers tied for first in a format of 5 are both scale 1).
* **A customer with score 0 (bought nothing in the period) is always scale 3**,
  whatever its rank: otherwise a tie of non-buyers would be lifted into the
  middle band. When nobody in a format bought anything, all its customers are
  rank 1, score 0, scale 3.

Tiny formats follow from the same rules: n = 1 → 2 (a lone buyer); n = 2 →
2, 2; n = 3 → 1, 2, 3; n = 4 → 1, 2, 2, 3 (without ties).

Input errors
------------
:class:`ValueError`, naming the customer, for a missing (``None``), negative,
non-finite or non-numeric quantity or amount (``float`` is refused: pass
:class:`~decimal.Decimal` or ``int``), an unknown market type, a bad business
format, a missing customer id, or a customer given twice. Nothing is returned
unless every figure is valid.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Hashable, Iterable

__all__ = [
    "MARKET_TYPES",
    "RURAL",
    "URBAN",
    "Classification",
    "PurchaseFigure",
    "band_size",
    "classify",
]

#: 城镇 (urban).
URBAN = "C"
#: 乡村 (rural).
RURAL = "X"
#: Accepted market types, code → Chinese name.
MARKET_TYPES: dict[str, str] = {URBAN: "城镇", RURAL: "乡村"}

#: Scale codes: 大, 中, 小.
LARGE, MEDIUM, SMALL = 1, 2, 3

_SCORE_DIGITS = 28


@dataclass(frozen=True)
class PurchaseFigure:
    """One customer's purchases in the period being classified.

    :param customer_id: any hashable id (a primary key, a licence number).
    :param business_format: the customer's 业态 code (see the module docstring).
    :param market_type: ``"C"`` (城镇) or ``"X"`` (乡村).
    :param quantity: quantity bought in the period (e.g. 条), ``>= 0``.
    :param amount: value bought in the period (e.g. 元), ``>= 0``.
    """

    customer_id: Hashable
    business_format: str
    market_type: str
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Classification:
    """The classification of one customer for one period.

    :param customer_id: as given.
    :param business_format: as given.
    :param market_type: as given.
    :param score: ``(qty/Q + amount/A) / 2`` within the format, 0..1.
    :param rank: competition rank in the format, 1 = highest score.
    :param group_size: number of customers in the format (``n``).
    :param scale: 1 (大, top 20 %), 2 (中, middle 60 %), 3 (小, bottom 20 %).
    :param code: ``"<market type>-<business format>-<scale>"``, e.g. ``"C-Z-1"``.
    """

    customer_id: Hashable
    business_format: str
    market_type: str
    score: Decimal
    rank: int
    group_size: int
    scale: int
    code: str


def band_size(n: int) -> int:
    """Positions in each of the top (scale 1) and bottom (scale 3) bands of a
    format with ``n`` customers: ``round(0.2 * n)``, i.e. ``(2n + 5) // 10``.

    >>> [band_size(n) for n in range(1, 11)]
    [0, 0, 1, 1, 1, 1, 1, 2, 2, 2]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"band_size: n must be a non-negative int, got {n!r}")
    return (2 * n + 5) // 10


def _number(figure: PurchaseFigure, field_name: str) -> Fraction:
    value = getattr(figure, field_name)
    who = f"customer {figure.customer_id!r}"
    if value is None:
        raise ValueError(f"{who}: {field_name} is missing")
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise ValueError(
            f"{who}: {field_name} must be a Decimal or int, got {type(value).__name__} {value!r}"
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{who}: {field_name} must be a finite number, got {value!r}")
    if value < 0:
        raise ValueError(f"{who}: {field_name} must not be negative, got {value}")
    return Fraction(value)


def _check(figure: PurchaseFigure) -> tuple[Fraction, Fraction]:
    if not isinstance(figure, PurchaseFigure):
        raise ValueError(f"expected a PurchaseFigure, got {type(figure).__name__}")
    cid = figure.customer_id
    if cid is None or (isinstance(cid, str) and not cid.strip()):
        raise ValueError(f"a purchase figure has no customer id: {figure!r}")
    who = f"customer {cid!r}"
    if figure.market_type not in MARKET_TYPES:
        raise ValueError(
            f"{who}: market type must be 'C' (城镇) or 'X' (乡村), got {figure.market_type!r}"
        )
    fmt = figure.business_format
    if not isinstance(fmt, str) or not fmt or fmt != fmt.strip() or "-" in fmt:
        raise ValueError(
            f"{who}: business format must be a non-empty code without '-' or "
            f"surrounding spaces, got {fmt!r}"
        )
    return _number(figure, "quantity"), _number(figure, "amount")


def _scores(rows: list[tuple[PurchaseFigure, Fraction, Fraction]]) -> list[Fraction]:
    total_qty = sum((q for _, q, _ in rows), Fraction(0))
    total_amount = sum((a for _, _, a in rows), Fraction(0))
    scores = []
    for _, q, a in rows:
        if total_qty and total_amount:
            scores.append((q / total_qty + a / total_amount) / 2)
        elif total_amount:
            scores.append(a / total_amount)
        elif total_qty:
            scores.append(q / total_qty)
        else:
            scores.append(Fraction(0))
    return scores


def _as_decimal(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _SCORE_DIGITS
        return Decimal(value.numerator) / Decimal(value.denominator)


def classify(figures: Iterable[PurchaseFigure]) -> dict[Hashable, Classification]:
    """Classify customers from one period's purchase figures.

    Scores, ranks and scales are computed per business format, by the rules in
    the module docstring.

    :param figures: one :class:`PurchaseFigure` per customer.
    :returns: ``{customer_id: Classification}`` in input order; ``{}`` for no figures.
    :raises ValueError: on any invalid figure (the message names the customer);
        nothing is classified then.
    """
    groups: dict[str, list[tuple[PurchaseFigure, Fraction, Fraction]]] = defaultdict(list)
    order: list[Hashable] = []
    seen: set[Hashable] = set()
    for figure in figures:
        qty, amount = _check(figure)
        if figure.customer_id in seen:
            raise ValueError(
                f"customer {figure.customer_id!r} appears more than once; "
                "pass one figure per customer per period"
            )
        seen.add(figure.customer_id)
        order.append(figure.customer_id)
        groups[figure.business_format].append((figure, qty, amount))

    result: dict[Hashable, Classification] = {}
    for rows in groups.values():
        n = len(rows)
        k = band_size(n)
        scores = _scores(rows)
        ordered = sorted(scores, reverse=True)
        first_position = {}
        for position, score in enumerate(ordered, start=1):
            first_position.setdefault(score, position)
        for (figure, _, _), score in zip(rows, scores):
            rank = first_position[score]
            if score == 0 or rank > n - k:
                scale = SMALL
            elif rank <= k:
                scale = LARGE
            else:
                scale = MEDIUM
            result[figure.customer_id] = Classification(
                customer_id=figure.customer_id,
                business_format=figure.business_format,
                market_type=figure.market_type,
                score=_as_decimal(score),
                rank=rank,
                group_size=n,
                scale=scale,
                code=f"{figure.market_type}-{figure.business_format}-{scale}",
            )
    return {cid: result[cid] for cid in order}
