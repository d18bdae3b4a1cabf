"""CSI, satisfaction rate and key-customer visit planning (plugins.crm.surveys).

Expected values are worked out by hand in the comments and written literally,
never recomputed with the code under test. A score s on a 5-point scale is
normalised to s / 5 × 100, so 5 → 100, 4 → 80, 3 → 60.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from plugins.crm.surveys import (
    Answer,
    Question,
    Response,
    csi_by_period,
    due_visits,
    period_label,
    response_csi,
    satisfaction_rate,
    survey_csi,
)

# The form: three questions weighted 2/1/1 on the default 5-point scale.
QUESTIONS = (
    Question("attitude", Decimal("2")),
    Question("speed", Decimal("1")),
    Question("quality", Decimal("1")),
)


def resp(attitude, speed, quality) -> Response:
    return Response(QUESTIONS, (Answer("attitude", attitude),
                                Answer("speed", speed),
                                Answer("quality", quality)))


# ------------------------------------------------------------ response CSI

def test_weighted_csi_of_three_questions():
    # (2·100 + 1·80 + 1·60) / (2+1+1) = 340 / 4 = 85
    assert resp(5, 4, 3).csi() == Decimal("85.00")
    # (2·60 + 1·100 + 1·100) / 4 = 320 / 4 = 80
    assert resp(3, 5, 5).csi() == Decimal("80.00")
    # weights matter: same scores, attitude low and doubled
    # (2·20 + 1·100 + 1·100) / 4 = 240 / 4 = 60
    assert resp(1, 5, 5).csi() == Decimal("60.00")


def test_result_has_two_decimal_places():
    assert str(resp(5, 5, 5).csi()) == "100.00"
    assert resp(5, 5, 5).csi().as_tuple().exponent == -2


def test_unanswered_question_renormalises_weights():
    # quality skipped: (2·100 + 1·80) / (2+1) = 280 / 3 = 93.333… → 93.33
    assert resp(5, 4, None).csi() == Decimal("93.33")
    # attitude skipped: (1·80 + 1·60) / (1+1) = 140 / 2 = 70
    # (not 140 / 4 = 35: a skip is not a zero)
    assert resp(None, 4, 3).csi() == Decimal("70.00")
    # a question with no Answer at all counts like score=None
    assert response_csi(QUESTIONS, [Answer("attitude", 5), Answer("speed", 4)]) \
        == Decimal("93.33")


def test_nothing_answered_gives_none():
    assert resp(None, None, None).csi() is None
    assert response_csi(QUESTIONS, []) is None


def test_rounding_is_half_up():
    # q8 on an 8-point scale, score 1 → 1/8 × 100 = 12.5, weight 1
    # q5 on a 5-point scale, score 5 → 100, weight 3
    # (1·12.5 + 3·100) / 4 = 312.5 / 4 = 78.125 → 78.13 (HALF_EVEN would give 78.12)
    questions = [Question("q8", Decimal(1), scale_max=8), Question("q5", Decimal(3))]
    answers = [Answer("q8", 1), Answer("q5", 5)]
    assert response_csi(questions, answers) == Decimal("78.13")


def test_fractional_weights_and_other_scale():
    # 10-point scale, weights 0.5 and 1.5: scores 7 → 70, 9 → 90
    # (0.5·70 + 1.5·90) / 2 = (35 + 135) / 2 = 85
    questions = [Question("a", Decimal("0.5"), 10), Question("b", Decimal("1.5"), 10)]
    assert response_csi(questions, [Answer("a", 7), Answer("b", 9)]) == Decimal("85.00")


# -------------------------------------------------------------- survey CSI

def test_survey_csi_is_mean_of_response_csis_ignoring_unanswered():
    # 85.00 and 93.33, the unanswered response ignored:
    # (85.00 + 93.33) / 2 = 178.33 / 2 = 89.165 → 89.17
    responses = [resp(5, 4, 3), resp(5, 4, None), resp(None, None, None)]
    assert survey_csi(responses) == Decimal("89.17")


def test_survey_csi_without_any_answer_is_none():
    assert survey_csi([]) is None
    assert survey_csi([resp(None, None, None)]) is None


# -------------------------------------------------------- satisfaction rate

def test_satisfaction_rate_counts_unanswered_as_contacted():
    responses = [
        resp(5, 4, 3),           # 85.00  satisfied
        resp(5, 4, None),        # 93.33  satisfied
        resp(4, 4, 4),           # 80.00  satisfied (exactly the threshold)
        resp(4, 4, 3),           # (160+80+60)/4 = 75.00  not satisfied
        resp(None, None, None),  # contacted, no CSI, not satisfied
    ]
    # 3 satisfied / 5 contacted × 100 = 60
    assert satisfaction_rate(responses) == Decimal("60.00")
    # company raises the bar to 90: only 93.33 → 1 / 5 × 100 = 20
    assert satisfaction_rate(responses, satisfied_at=Decimal("90")) == Decimal("20.00")
    # bar at 75: 85, 93.33, 80, 75 → 4 / 5 × 100 = 80
    assert satisfaction_rate(responses, satisfied_at=Decimal("75")) == Decimal("80.00")


def test_satisfaction_rate_rounds_half_up_and_handles_nobody():
    # 2 / 3 × 100 = 66.666… → 66.67
    assert satisfaction_rate([resp(5, 5, 5), resp(5, 5, 5), resp(1, 1, 1)]) \
        == Decimal("66.67")
    assert satisfaction_rate([]) == Decimal("0.00")


# ------------------------------------------------------------ per period

DATED = [  # deliberately not in date order
    (date(2026, 4, 1), resp(4, 4, 4)),           # 80.00
    (date(2026, 1, 20), resp(5, 4, None)),       # 93.33
    (date(2025, 12, 31), resp(3, 3, 3)),         # 60.00
    (date(2026, 2, 3), resp(4, 4, 3)),           # 75.00
    (date(2026, 1, 15), resp(5, 4, 3)),          # 85.00
    (date(2026, 2, 28), resp(None, None, None)),  # no CSI
]


def test_csi_by_month():
    assert csi_by_period(DATED, "month") == [
        ("2025-12", Decimal("60.00"), 1),
        # (85.00 + 93.33) / 2 = 89.165 → 89.17
        ("2026-01", Decimal("89.17"), 2),
        # 75.00 alone; the unanswered response is not counted
        ("2026-02", Decimal("75.00"), 1),
        ("2026-04", Decimal("80.00"), 1),
    ]


def test_csi_by_quarter():
    assert csi_by_period(DATED, "quarter") == [
        ("2025-Q4", Decimal("60.00"), 1),
        # (93.33 + 75.00 + 85.00) / 3 = 253.33 / 3 = 84.4433… → 84.44
        ("2026-Q1", Decimal("84.44"), 3),
        ("2026-Q2", Decimal("80.00"), 1),
    ]


def test_csi_by_year():
    assert csi_by_period(DATED, "year") == [
        ("2025", Decimal("60.00"), 1),
        # (80.00 + 93.33 + 75.00 + 85.00) / 4 = 333.33 / 4 = 83.3325 → 83.33
        ("2026", Decimal("83.33"), 4),
    ]


def test_period_with_only_unanswered_responses_and_empty_input():
    assert csi_by_period([(date(2026, 3, 9), resp(None, None, None))]) \
        == [("2026-03", None, 0)]
    assert csi_by_period([], "quarter") == []


def test_period_labels_sort_chronologically_across_ten_months():
    # October must come after September (string "2026-10" vs numeric month)
    dated = [(date(2026, 10, 1), resp(5, 5, 5)), (date(2026, 9, 30), resp(3, 3, 3))]
    assert [label for label, _, _ in csi_by_period(dated)] == ["2026-09", "2026-10"]
    assert period_label(date(2026, 12, 31), "quarter") == "2026-Q4"
    assert period_label(date(2026, 3, 31), "quarter") == "2026-Q1"
    assert period_label(date(2026, 4, 1), "quarter") == "2026-Q2"


# --------------------------------------------------------- invalid inputs

@pytest.mark.parametrize("weight", [Decimal("0"), Decimal("-1"), Decimal("NaN"), 0])
def test_weight_must_be_positive(weight):
    with pytest.raises(ValueError, match="weight"):
        Question("q", weight)


def test_weight_float_and_bad_scale_refused():
    with pytest.raises(TypeError):
        Question("q", 0.5)
    with pytest.raises(ValueError, match="scale_max"):
        Question("q", Decimal(1), scale_max=1)


@pytest.mark.parametrize("score", [0, 6, -1])
def test_score_outside_scale(score):
    with pytest.raises(ValueError, match=r"1\.\.5"):
        resp(5, score, 3).csi()


def test_score_must_be_an_int():
    with pytest.raises(TypeError):
        resp(True, 4, 3).csi()
    with pytest.raises(TypeError):
        resp(4.5, 4, 3).csi()


def test_unknown_question_ids_are_named():
    answers = [Answer("attitude", 5), Answer("price", 3), Answer("delivery", 2)]
    with pytest.raises(ValueError) as err:
        response_csi(QUESTIONS, answers)
    assert "'price'" in str(err.value) and "'delivery'" in str(err.value)
    assert "attitude" not in str(err.value)


def test_duplicate_questions_or_answers():
    with pytest.raises(ValueError, match="'speed'"):
        response_csi(QUESTIONS, [Answer("speed", 4), Answer("speed", 5)])
    with pytest.raises(ValueError, match="'a'"):
        response_csi([Question("a", Decimal(1)), Question("a", Decimal(2))], [])


def test_bad_threshold_and_period():
    with pytest.raises(ValueError):
        satisfaction_rate([resp(5, 5, 5)], satisfied_at=Decimal("101"))
    with pytest.raises(ValueError):
        satisfaction_rate([resp(5, 5, 5)], satisfied_at=Decimal("-1"))
    with pytest.raises(ValueError, match="period"):
        csi_by_period([], "week")


# ------------------------------------------------------------ return visits

TODAY = date(2026, 11, 22)
CUSTOMERS = [
    ("A", True, None),                  # key, never visited → today
    ("B", True, date(2026, 10, 1)),     # key, recent: 10-01 + 90 d = 12-30
    ("C", True, date(2026, 6, 1)),      # key, overdue: 06-01 + 90 d = 08-30
    ("D", False, None),                 # not key, never visited
    ("E", False, date(2025, 1, 1)),     # not key, long overdue
    ("F", True, date(2026, 8, 24)),     # key, 08-24 + 90 d = 11-22 = today
]
# 90 days from 06-01: 29 to 06-30, +31 to 07-31 (60), +30 to 08-30 (90).
# 90 days from 08-24: 7 to 08-31, +30 to 09-30 (37), +31 to 10-31 (68),
#   +22 to 11-22 (90).
# 90 days from 10-01: 30 to 10-31, +30 to 11-30 (60), +30 to 12-30 (90).


def test_due_visits_today():
    # B not due (12-30 > 11-22); D, E never (not key). Ordered by date,
    # A before F (both 11-22) as in the input.
    assert due_visits(CUSTOMERS, every_days=90, today=TODAY) == [
        ("C", date(2026, 8, 30)),
        ("A", date(2026, 11, 22)),
        ("F", date(2026, 11, 22)),
    ]


def test_due_visits_with_horizon():
    # today + 38 d = 12-30 (8 to 11-30, +30): B falls due exactly at the horizon
    assert due_visits(CUSTOMERS, 90, TODAY, horizon_days=38)[-1] == ("B", date(2026, 12, 30))
    # today + 37 d = 12-29: B is still one day out
    assert [c for c, _ in due_visits(CUSTOMERS, 90, TODAY, horizon_days=37)] \
        == ["C", "A", "F"]


def test_due_visits_interval_is_a_parameter():
    # every 30 days: B 10-01 + 30 = 10-31 is now overdue, F 08-24 + 30 = 09-23
    assert due_visits(CUSTOMERS, every_days=30, today=TODAY) == [
        ("C", date(2026, 7, 1)),    # 06-01 + 30 d
        ("F", date(2026, 9, 23)),
        ("B", date(2026, 10, 31)),
        ("A", date(2026, 11, 22)),
    ]


def test_due_visits_is_idempotent():
    first = due_visits(CUSTOMERS, 90, TODAY)
    again = due_visits(iter(CUSTOMERS), 90, TODAY)  # one-shot iterable too
    assert first == again
    assert len({c for c, _ in first}) == len(first)  # nobody planned twice


def test_due_visits_accepts_datetimes_and_no_customers():
    assert due_visits([("X", True, datetime(2026, 8, 24, 15, 30))], 90,
                      datetime(2026, 11, 22, 9, 0)) == [("X", date(2026, 11, 22))]
    assert due_visits([], 90, TODAY) == []


def test_due_visits_invalid_input():
    with pytest.raises(ValueError, match="every_days"):
        due_visits(CUSTOMERS, 0, TODAY)
    with pytest.raises(ValueError, match="horizon_days"):
        due_visits(CUSTOMERS, 90, TODAY, horizon_days=-1)
    with pytest.raises(ValueError, match="'A'"):
        due_visits(CUSTOMERS + [("A", True, None)], 90, TODAY)
    with pytest.raises(ValueError, match="is_key"):
        due_visits([("Z", "yes", None)], 90, TODAY)
