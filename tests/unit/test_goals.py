"""Budget goals: what each kind needs month by month, rounded to the minor unit."""

from __future__ import annotations

import pytest

from server.domain.goals import Goal, GoalInput, GoalProgress, checked_goal, goal_progress
from server.domain.reports import add_months
from server.domain.validation import Problems


def goal(kind: str, amount: int, by_month: str | None = None) -> Goal:
    return Goal(category_id=1, kind=kind, amount=amount, by_month=by_month, currency="EUR")


def progress(g: Goal, month: str, budgeted: int = 0, activity: int = 0, carried: int = 0):
    return goal_progress(g, month, budgeted=budgeted, activity=activity, carried=carried)


def test_a_monthly_goal_needs_its_amount_every_month_whatever_was_carried():
    monthly = goal("monthly", 40_000)
    assert progress(monthly, "2025-03") == GoalProgress(40_000, 40_000, None)
    assert progress(monthly, "2025-03", budgeted=15_000) == GoalProgress(40_000, 25_000, None)
    assert progress(monthly, "2025-03", budgeted=50_000).underfunded == 0
    assert progress(monthly, "2030-01", carried=90_000).needed == 40_000


def test_a_target_by_a_date_is_spread_over_the_months_left_rounded_up_and_reached_exactly():
    """100.00 over three months: 33.34, 33.33, 33.33; the target is reached exactly."""
    target = goal("target", 10_000, by_month="2025-05")
    carried, shares = 0, []
    for month in ("2025-03", "2025-04", "2025-05"):
        share = progress(target, month, carried=carried)
        assert share.underfunded == share.needed  # nothing budgeted yet
        shares.append(share.needed)
        assert progress(target, month, budgeted=share.needed, carried=carried).underfunded == 0
        carried += share.needed  # budgeted in full, nothing spent: it carries on
    assert shares == [3334, 3333, 3333]
    assert carried == 10_000
    # Reached: nothing more is needed, in its month or after.
    assert progress(target, "2025-05", carried=10_000).needed == 0
    assert progress(target, "2025-09", carried=12_000).needed == 0


def test_a_target_counts_what_was_carried_in_and_what_is_budgeted_this_month():
    target = goal("target", 120_000, by_month="2025-12")  # ten months from March
    assert progress(target, "2025-03", carried=20_000) == GoalProgress(10_000, 10_000, None)
    assert progress(target, "2025-03", budgeted=4_000, carried=20_000).underfunded == 6_000
    # Odd amounts: 7 cents over 3 months is 3, then 2, then 2.
    odd = goal("target", 7, by_month=add_months("2025-03", 2))
    assert [
        progress(odd, m, carried=c).needed
        for m, c in (("2025-03", 0), ("2025-04", 3), ("2025-05", 5))
    ] == [3, 2, 2]


def test_after_its_date_or_without_one_a_target_needs_all_that_is_missing_now():
    late = goal("target", 50_000, by_month="2025-01")
    assert progress(late, "2025-03", carried=20_000) == GoalProgress(30_000, 30_000, None)
    assert progress(late, "2025-01", carried=20_000).needed == 30_000  # its own month
    undated = goal("target", 50_000)
    assert progress(undated, "2025-03", budgeted=10_000, carried=5_000) == GoalProgress(
        45_000, 35_000, None
    )
    # Spending of the month does not make a saving goal need more this month.
    assert progress(undated, "2025-03", activity=-9_000, carried=50_000).needed == 0


@pytest.mark.parametrize(
    ("activity", "left"),
    [(0, 30_000), (-12_000, 18_000), (-30_000, 0), (-35_000, -5_000), (2_000, 32_000)],
)
def test_spend_up_to_shows_what_is_left_of_the_cap_and_needs_nothing(activity, left):
    cap = goal("spend_up_to", 30_000)
    assert progress(cap, "2025-03", activity=activity) == GoalProgress(0, 0, left)


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        (GoalInput(kind="yearly", amount="10"), "kind"),
        (GoalInput(kind="monthly", amount="0"), "amount"),
        (GoalInput(kind="monthly", amount="-5"), "amount"),
        (GoalInput(kind="monthly", amount="1.234"), "amount"),
        (GoalInput(kind="monthly", amount="12,50"), "amount"),
        (GoalInput(kind="monthly", amount="10", by_month="2025-12"), "by_month"),
        (GoalInput(kind="target", amount="10", by_month="2025-13"), "by_month"),
        (GoalInput(kind="target", amount="10", by_month="Dec"), "by_month"),
    ],
)
def test_a_goal_is_checked_field_by_field(sent, field):
    problems = Problems()
    checked_goal(sent, "EUR", problems)
    assert [e.field for e in problems.errors] == [field]


def test_a_good_goal_is_the_row_to_keep():
    problems = Problems()
    row = checked_goal(
        GoalInput(kind="target", amount="1200.5", by_month="2026-12"), "EUR", problems
    )
    assert not problems
    assert row == {"kind": "target", "amount": 120_050, "by_month": "2026-12"}
