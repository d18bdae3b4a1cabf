"""Retail-customer classification (seed 002 第六条): hand-worked figures.

Every expected score, rank and code below is worked out by hand in the
comments and written literally; none is computed by the code under test.
"""
from decimal import Decimal as D

import pytest

from plugins.crm.classification import (
    Classification,
    PurchaseFigure,
    band_size,
    classify,
)


def fig(cid, fmt, market, qty, amount):
    return PurchaseFigure(cid, fmt, market, D(qty), D(amount))


def codes(result):
    return {cid: c.code for cid, c in result.items()}


# Format "Z" (食杂店), 10 customers, urban and rural mixed (ranked together).
#   Q = 30+10+20+5+12+8+6+4+3+2            = 100
#   A = 200+250+120+150+70+80+50+40+30+10  = 1000
#   score = (q/100 + a/1000) / 2
#   a1: (0.30 + 0.20 ) / 2 = 0.25    rank 1
#   a2: (0.10 + 0.25 ) / 2 = 0.175   rank 2   (by quantity alone a3 would beat it)
#   a3: (0.20 + 0.12 ) / 2 = 0.16    rank 3
#   a4: (0.05 + 0.15 ) / 2 = 0.10    rank 4   (by quantity alone a5 would beat it)
#   a5: (0.12 + 0.07 ) / 2 = 0.095   rank 5
#   a6: (0.08 + 0.08 ) / 2 = 0.08    rank 6
#   a7: (0.06 + 0.05 ) / 2 = 0.055   rank 7
#   a8: (0.04 + 0.04 ) / 2 = 0.04    rank 8
#   a9: (0.03 + 0.03 ) / 2 = 0.03    rank 9
#   a10:(0.02 + 0.01 ) / 2 = 0.015   rank 10
#   (scores add up to 1.000)
#   n = 10, k = round(0.2 * 10) = 2: ranks 1-2 → 1, ranks 3-8 → 2, ranks 9-10 → 3.
FORMAT_Z = [
    fig("a1", "Z", "C", "30", "200"),
    fig("a2", "Z", "X", "10", "250"),
    fig("a3", "Z", "C", "20", "120"),
    fig("a4", "Z", "C", "5", "150"),
    fig("a5", "Z", "X", "12", "70"),
    fig("a6", "Z", "C", "8", "80"),
    fig("a7", "Z", "X", "6", "50"),
    fig("a8", "Z", "C", "4", "40"),
    fig("a9", "Z", "X", "3", "30"),
    fig("a10", "Z", "C", "2", "10"),
]

# Format "S" (超市), 5 customers, bigger buyers than anyone in "Z".
#   Q = 300+200+200+150+150 = 1000,  A = 3000+2500+1500+2000+1000 = 10000
#   s1: (0.30 + 0.30) / 2 = 0.30    rank 1
#   s2: (0.20 + 0.25) / 2 = 0.225   rank 2
#   s3: (0.20 + 0.15) / 2 = 0.175   rank 3 (tied with s4)
#   s4: (0.15 + 0.20) / 2 = 0.175   rank 3
#   s5: (0.15 + 0.10) / 2 = 0.125   rank 5
#   n = 5, k = round(1.0) = 1: rank 1 → 1, ranks 2-4 → 2, rank 5 → 3.
#   s5 bought 150 / 1000 yuan, far more than a1 in "Z", and is still scale 3:
#   ranking is per format.
FORMAT_S = [
    fig("s1", "S", "X", "300", "3000"),
    fig("s2", "S", "C", "200", "2500"),
    fig("s3", "S", "C", "200", "1500"),
    fig("s4", "S", "X", "150", "2000"),
    fig("s5", "S", "C", "150", "1000"),
]


def test_ten_customers_one_format_hand_worked():
    result = classify(FORMAT_Z)
    assert codes(result) == {
        "a1": "C-Z-1",
        "a2": "X-Z-1",
        "a3": "C-Z-2",
        "a4": "C-Z-2",
        "a5": "X-Z-2",
        "a6": "C-Z-2",
        "a7": "X-Z-2",
        "a8": "C-Z-2",
        "a9": "X-Z-3",
        "a10": "C-Z-3",
    }
    assert {cid: c.score for cid, c in result.items()} == {
        "a1": D("0.25"),
        "a2": D("0.175"),
        "a3": D("0.16"),
        "a4": D("0.10"),
        "a5": D("0.095"),
        "a6": D("0.08"),
        "a7": D("0.055"),
        "a8": D("0.04"),
        "a9": D("0.03"),
        "a10": D("0.015"),
    }
    assert [result[f"a{i}"].rank for i in range(1, 11)] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert result["a2"] == Classification(
        customer_id="a2",
        business_format="Z",
        market_type="X",
        score=D("0.175"),
        rank=2,
        group_size=10,
        scale=1,
        code="X-Z-1",
    )


def test_two_formats_are_ranked_separately():
    # Interleave the two formats: grouping must not depend on input order.
    mixed = [f for pair in zip(FORMAT_S, FORMAT_Z) for f in pair] + FORMAT_Z[5:]
    result = classify(mixed)
    assert codes(result) == {
        "a1": "C-Z-1", "a2": "X-Z-1", "a3": "C-Z-2", "a4": "C-Z-2", "a5": "X-Z-2",
        "a6": "C-Z-2", "a7": "X-Z-2", "a8": "C-Z-2", "a9": "X-Z-3", "a10": "C-Z-3",
        "s1": "X-S-1", "s2": "C-S-2", "s3": "C-S-2", "s4": "X-S-2", "s5": "C-S-3",
    }
    assert [result[f"s{i}"].rank for i in range(1, 6)] == [1, 2, 3, 3, 5]
    assert result["s3"].score == result["s4"].score == D("0.175")
    assert result["s5"].group_size == 5 and result["a10"].group_size == 10
    # Result follows input order.
    assert list(result) == [f.customer_id for f in mixed]


def test_ties_share_rank_and_take_the_better_scale():
    # n = 5, k = 1.  Q = 40+40+10+5+5 = 100, A = 400+400+100+50+50 = 1000
    #   t1, t2: (0.40 + 0.40) / 2 = 0.40  → both rank 1 → both scale 1 (two in the top band)
    #   t3:     (0.10 + 0.10) / 2 = 0.10  → rank 3 → 2
    #   t4, t5: (0.05 + 0.05) / 2 = 0.05  → both rank 4; 4 <= n - k = 4 → both 2 (nobody 3)
    result = classify([
        fig("t1", "Y", "C", "40", "400"),
        fig("t2", "Y", "C", "40", "400"),
        fig("t3", "Y", "C", "10", "100"),
        fig("t4", "Y", "X", "5", "50"),
        fig("t5", "Y", "X", "5", "50"),
    ])
    assert codes(result) == {
        "t1": "C-Y-1", "t2": "C-Y-1", "t3": "C-Y-2", "t4": "X-Y-2", "t5": "X-Y-2",
    }
    assert [result[c].rank for c in ("t1", "t2", "t3", "t4", "t5")] == [1, 1, 3, 4, 4]


def test_tie_found_only_by_exact_arithmetic():
    # Q = 3, A = 3: u1 = (1/3 + 2/3)/2 = 1/2, u2 = (2/3 + 1/3)/2 = 1/2 → tie.
    # With 28-digit decimals 1/3 + 2/3 and 2/3 + 1/3 could differ in the last digit.
    result = classify([fig("u1", "B", "C", "1", "2"), fig("u2", "B", "C", "2", "1")])
    assert result["u1"].rank == result["u2"].rank == 1
    assert result["u1"].score == result["u2"].score == D("0.5")


def test_band_size_rounds_to_nearest():
    assert [band_size(n) for n in range(0, 16)] == [0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3]
    assert band_size(100) == 20
    with pytest.raises(ValueError):
        band_size(-1)


@pytest.mark.parametrize(
    "figures, expected",
    [
        # n = 1, k = 0: the only buyer is in the middle band.
        ([("n1", "10", "100")], {"n1": "C-F-2"}),
        # n = 2, k = 0: both 2.  Scores (0.9+0.9)/2 = 0.9 and 0.1.
        ([("n1", "90", "900"), ("n2", "10", "100")], {"n1": "C-F-2", "n2": "C-F-2"}),
        # n = 3, k = 1.  Q = 100, A = 1000: 0.6, 0.3, 0.1 → 1, 2, 3.
        (
            [("n1", "60", "600"), ("n2", "30", "300"), ("n3", "10", "100")],
            {"n1": "C-F-1", "n2": "C-F-2", "n3": "C-F-3"},
        ),
        # n = 4, k = 1.  Q = 100, A = 1000: 0.4, 0.3, 0.2, 0.1 → 1, 2, 2, 3.
        (
            [("n1", "40", "400"), ("n2", "30", "300"), ("n3", "20", "200"), ("n4", "10", "100")],
            {"n1": "C-F-1", "n2": "C-F-2", "n3": "C-F-2", "n4": "C-F-3"},
        ),
    ],
    ids=["n=1", "n=2", "n=3", "n=4"],
)
def test_tiny_formats(figures, expected):
    result = classify(fig(cid, "F", "C", q, a) for cid, q, a in figures)
    assert codes(result) == expected


def test_no_quantities_uses_amounts_only():
    # Q = 0, A = 600 + 300 + 100 = 1000 → scores 0.6, 0.3, 0.1 (not halved).
    result = classify([
        fig("z1", "Z", "C", "0", "600"),
        fig("z2", "Z", "C", "0", "300"),
        fig("z3", "Z", "C", "0", "100"),
    ])
    assert [result[c].score for c in ("z1", "z2", "z3")] == [D("0.6"), D("0.3"), D("0.1")]
    assert codes(result) == {"z1": "C-Z-1", "z2": "C-Z-2", "z3": "C-Z-3"}


def test_no_amounts_uses_quantities_only():
    # A = 0, Q = 5 + 15 + 30 = 50 → 0.1, 0.3, 0.6 → z3 first.
    result = classify([
        fig("z1", "Z", "X", "5", "0"),
        fig("z2", "Z", "X", "15", "0"),
        fig("z3", "Z", "X", "30", "0"),
    ])
    assert [result[c].score for c in ("z1", "z2", "z3")] == [D("0.1"), D("0.3"), D("0.6")]
    assert codes(result) == {"z1": "X-Z-3", "z2": "X-Z-2", "z3": "X-Z-1"}


def test_nobody_bought_anything_everyone_scale_3():
    result = classify(fig(f"z{i}", "Z", "C", "0", "0") for i in range(1, 6))
    assert codes(result) == {f"z{i}": "C-Z-3" for i in range(1, 6)}
    assert {c.rank for c in result.values()} == {1}
    assert {c.score for c in result.values()} == {D(0)}


def test_non_buyers_are_scale_3_even_when_tied_into_the_middle():
    # n = 6, k = 1.  Q = 60 + 40 = 100, A = 600 + 400 = 1000.
    #   b1 = 0.6 rank 1 → 1, b2 = 0.4 rank 2 → 2,
    #   b3..b6 = 0, all rank 3 (3 <= n - k = 5 would say 2) → 3 because they bought nothing.
    result = classify([
        fig("b1", "Z", "C", "60", "600"),
        fig("b2", "Z", "C", "40", "400"),
        *(fig(f"b{i}", "Z", "C", "0", "0") for i in range(3, 7)),
    ])
    assert codes(result) == {
        "b1": "C-Z-1", "b2": "C-Z-2",
        "b3": "C-Z-3", "b4": "C-Z-3", "b5": "C-Z-3", "b6": "C-Z-3",
    }
    assert result["b6"].rank == 3


def test_decimal_figures_and_int_accepted():
    # Q = 3 + 1 = 4, A = 7.50 + 2.50 = 10.00: (0.75 + 0.75)/2 = 0.75, 0.25.
    result = classify([
        PurchaseFigure(1, "01", "C", 3, D("7.50")),
        PurchaseFigure(2, "01", "X", D("1"), D("2.50")),
    ])
    assert result[1].score == D("0.75") and result[2].score == D("0.25")
    assert result[1].code == "C-01-2" and result[2].code == "X-01-2"


def test_empty_input():
    assert classify([]) == {}


@pytest.mark.parametrize(
    "bad, message",
    [
        (PurchaseFigure("bad7", "Z", "C", D("-1"), D("10")), r"'bad7'.*quantity must not be negative"),
        (PurchaseFigure("bad7", "Z", "C", D("1"), D("-0.01")), r"'bad7'.*amount must not be negative"),
        (PurchaseFigure("bad7", "Z", "C", None, D("10")), r"'bad7'.*quantity is missing"),
        (PurchaseFigure("bad7", "Z", "C", D("1"), None), r"'bad7'.*amount is missing"),
        (PurchaseFigure("bad7", "Z", "C", 1.5, D("10")), r"'bad7'.*quantity must be a Decimal or int"),
        (PurchaseFigure("bad7", "Z", "C", D("NaN"), D("10")), r"'bad7'.*quantity must be a finite"),
        (PurchaseFigure("bad7", "Z", "C", D("1"), "10"), r"'bad7'.*amount must be a Decimal or int"),
        (PurchaseFigure("bad7", "Z", "U", D("1"), D("10")), r"'bad7'.*market type"),
        (PurchaseFigure("bad7", "", "C", D("1"), D("10")), r"'bad7'.*business format"),
        (PurchaseFigure("bad7", "Z-1", "C", D("1"), D("10")), r"'bad7'.*business format"),
        (PurchaseFigure(None, "Z", "C", D("1"), D("10")), r"no customer id"),
        (FORMAT_Z[0], r"'a1' appears more than once"),
    ],
)
def test_bad_input_names_the_customer(bad, message):
    with pytest.raises(ValueError, match=message):
        classify([*FORMAT_Z, bad])
