"""Budget goals: what a category should get, worked out for each month of the budget.

An expense category has at most one goal, of one of three kinds (amounts in minor units of
the book's currency):

- monthly: budget `amount` every month;
- target: have `amount` available in the category; by `by_month` (YYYY-MM) when given, what
  is missing at the month's start (`amount` less what the category carried in) is spread
  over the months left, this one included, each month's share rounded up to the minor unit
  (so the last month needs just the rest and the target is reached exactly); without a date,
  or once it has passed, all that is missing is needed now. What carries in is what rollover
  brings, so a target builds up only in a category with rollover;
- spend_up_to: a cap on the month's spending; nothing to budget for it, the budget shows what
  is left of the cap (below zero: over it).

A goal's "underfunded" is what it still needs this month beyond what is budgeted: 0 once
funded. The budget's writers (set, delete, fill) are in `budgets`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from server.domain import validation as check
from server.domain.reports import is_month, months_apart
from server.domain.validation import Problems
from server.errors import NotFound
from server.translatable import _l

GOAL_KINDS = ("monthly", "target", "spend_up_to")
KIND_TEXT_MAX = 20  # a bound on `kind` as sent


@dataclass(frozen=True)
class GoalInput:
    """A category's goal as the client sends it."""

    kind: str  # one of GOAL_KINDS
    amount: str  # a decimal string in the book's currency, above zero
    by_month: str | None = None  # YYYY-MM, a target's only


@dataclass(frozen=True)
class Goal:
    category_id: int
    kind: str
    amount: int  # minor units of `currency` (the book's)
    by_month: str | None
    currency: str


@dataclass(frozen=True)
class GoalProgress:
    """Where a goal stands in a month."""

    needed: int  # what the goal asks to be budgeted this month
    underfunded: int  # needed less what is budgeted; 0 when funded
    spending_left: int | None  # spend_up_to: the cap less the month's spending (< 0: over)


def checked_goal(data: GoalInput, currency: str, problems: Problems) -> dict[str, object]:
    """Check a goal's fields, each problem collected at its field; return the row to store
    (kind, amount, by_month; of use only without problems)."""
    kind = check.choice(data.kind, "kind", problems, options=GOAL_KINDS)
    amount = check.money(data.amount, "amount", problems, currency=currency)
    if amount is not None:
        problems.check(amount > 0, "amount", _l("Give the goal an amount above zero."))
    by_month = data.by_month
    if (
        by_month is not None
        and kind is not None
        and problems.check(kind == "target", "by_month", _l("Only a target balance has a date."))
    ):
        problems.check(is_month(by_month), "by_month", _l("Give a month as YYYY-MM, e.g. 2025-03."))
    return {"kind": kind, "amount": amount, "by_month": by_month}


def goal_progress(
    goal: Goal, month: str, *, budgeted: int, activity: int, carried: int
) -> GoalProgress:
    """Where `goal` stands in `month`, given the category's figures of that month."""
    if goal.kind == "spend_up_to":
        return GoalProgress(0, 0, goal.amount + activity)
    if goal.kind == "monthly":
        needed = goal.amount
    else:
        missing = max(goal.amount - carried, 0)
        months_left = 1 if goal.by_month is None else months_apart(month, goal.by_month) + 1
        needed = -(-missing // max(months_left, 1))  # rounded up, in minor units
    return GoalProgress(needed, max(needed - budgeted, 0), None)


def _goal(row: sqlite3.Row) -> Goal:
    return Goal(row["category_id"], row["kind"], row["amount"], row["by_month"], row["currency"])


_SELECT = (
    "SELECT g.category_id, g.kind, g.amount, g.by_month, k.currency FROM budget_goals g "
    "JOIN books k ON k.id = g.book_id WHERE g.book_id = ?"
)


def book_goals(conn: sqlite3.Connection, book_id: int) -> dict[int, Goal]:
    """Every goal of the book, by category id."""
    return {row["category_id"]: _goal(row) for row in conn.execute(_SELECT, [book_id])}


def get_goal(conn: sqlite3.Connection, book_id: int, category_id: int) -> Goal:
    """The goal of a category of the book; NotFound when it has none."""
    row = conn.execute(_SELECT + " AND g.category_id = ?", [book_id, category_id]).fetchone()
    if row is None:
        raise NotFound(
            _l("The category %(category_id)s of this book has no goal.", category_id=category_id)
        )
    return _goal(row)
