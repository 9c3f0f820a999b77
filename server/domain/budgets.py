"""Budgets: an amount planned per expense category and month, against what was spent.

A budget is in the book's currency; accounts in other currencies stay out of it (their
money is never added to the book's). For each category and month:

- budgeted: what was planned;
- activity: the category's net money in the month (spending is negative, a refund positive);
- carried: with rollover on, everything budgeted before the month plus all activity before
  it (what was left, or overspent, so far); without, nothing;
- available: carried + budgeted + activity; below zero it is overspent.

"Available to budget" is the income received up to the end of the month (income categories,
and money in that has no category) less everything budgeted up to then: what was left of
earlier months' income (carried in), plus this month's income, less this month's budget.
Budgets of later months come out of it when their month comes.

A category's goal (see `goals`) says what it needs each month; the month's lines carry where
their goals stand, and "to fund" is what all of them still need.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from server.clock import to_iso
from server.db import Database
from server.domain.categories import get_category
from server.domain.goals import Goal, GoalInput, GoalProgress, book_goals, checked_goal, get_goal
from server.domain.goals import goal_progress as progress_of
from server.domain.money import AmountError, parse_amount
from server.domain.reports import UNCATEGORIZED, add_months, is_month
from server.domain.validation import Problems
from server.errors import FieldError, ValidationFailed
from server.translatable import _l

# Where "fill this month" takes the amounts from; "underfunded" raises each category with a
# goal to what the goal needs this month, and leaves the others alone.
COPY_SOURCES = ("last_month", "average_budgeted", "average_spent", "underfunded")


@dataclass
class BudgetLine:
    category_id: int
    name: str
    rollover: bool
    budgeted: int = 0
    activity: int = 0
    carried: int = 0
    goal: Goal | None = None
    progress: GoalProgress | None = None  # where the goal stands this month

    @property
    def available(self) -> int:
        return self.carried + self.budgeted + self.activity


@dataclass
class BudgetGroup:
    group_id: int
    name: str
    lines: list[BudgetLine] = field(default_factory=list)

    @property
    def budgeted(self) -> int:
        return sum(line.budgeted for line in self.lines)

    @property
    def activity(self) -> int:
        return sum(line.activity for line in self.lines)

    @property
    def available(self) -> int:
        return sum(line.available for line in self.lines)


@dataclass
class BudgetMonth:
    month: str
    currency: str
    groups: list[BudgetGroup]
    income: int  # received in the month
    uncategorized: int  # money out without a category in the month (not budgeted)
    income_before: int  # received before the month
    budgeted_before: int  # budgeted before the month
    budgeted_later: int  # budgeted in months after this one
    other_currencies: list[str]  # of accounts left out

    @property
    def budgeted(self) -> int:
        return sum(g.budgeted for g in self.groups)

    @property
    def activity(self) -> int:
        return sum(g.activity for g in self.groups)

    @property
    def carried_in(self) -> int:
        """What earlier months' income left unbudgeted (below zero: budgeted beyond it)."""
        return self.income_before - self.budgeted_before

    @property
    def available_to_budget(self) -> int:
        return self.carried_in + self.income - self.budgeted

    @property
    def to_fund(self) -> int:
        """What every goal still needs budgeted this month."""
        return sum(
            line.progress.underfunded
            for g in self.groups
            for line in g.lines
            if line.progress is not None
        )


@dataclass(frozen=True)
class BudgetInput:
    """An amount planned for an expense category in a month, as the client sends it."""

    month: str  # YYYY-MM
    category_id: int
    amount: str  # a decimal string in the book's currency; zero removes the plan


@dataclass(frozen=True)
class BudgetCopyInput:
    """Where to fill a month's budget from: one of COPY_SOURCES."""

    month: str  # YYYY-MM
    source: str


def _book_currency(conn: sqlite3.Connection, book_id: int) -> str:
    return conn.execute("SELECT currency FROM books WHERE id = ?", [book_id]).fetchone()[0]


def _average(total: int, count: int) -> int:
    """total / count in whole minor units, halves rounded away from zero."""
    return int((Decimal(total) / count).to_integral_value(ROUND_HALF_UP))


def check_month(month: str, field_name: str = "month") -> str:
    if not is_month(month):
        raise ValidationFailed.on(field_name, _l("Give a month as YYYY-MM, e.g. 2025-03."))
    return month


def budget_month(conn: sqlite3.Connection, book_id: int, month: str) -> BudgetMonth:
    """The budget of a month: every expense category in use (not archived, or with money or
    a budget), by group, with what was budgeted, spent and is left."""
    check_month(month)
    currency = _book_currency(conn, book_id)
    categories = conn.execute(
        "SELECT c.id, c.name, c.kind, c.archived OR g.archived AS archived, c.rollover, "
        "c.group_id, g.name AS group_name FROM categories c "
        "JOIN category_groups g ON g.id = c.group_id WHERE c.book_id = ? "
        "ORDER BY g.position, g.name COLLATE NOCASE, g.id, c.name COLLATE NOCASE, c.id",
        [book_id],
    ).fetchall()
    kinds = {c["id"]: c["kind"] for c in categories}
    # Per category: (activity this month, activity before it); and the income through it.
    activity: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    income = income_before = uncategorized = 0
    for category_id, this_month, inflow, outflow in conn.execute(
        "SELECT s.category_id, s.month = :month, sum(s.inflow), sum(s.outflow) "
        "FROM category_months s JOIN accounts a ON a.id = s.account_id "
        "WHERE a.book_id = :book AND a.currency = :currency AND s.month <= :month "
        "AND s.transfer = 0 GROUP BY 1, 2",
        {"book": book_id, "currency": currency, "month": month},
    ):
        kind = kinds.get(category_id)
        earned = inflow if category_id == UNCATEGORIZED else inflow + outflow
        if category_id == UNCATEGORIZED or kind == "income":
            if this_month:
                income += earned
            else:
                income_before += earned
        if category_id == UNCATEGORIZED and this_month:
            uncategorized = -outflow
        if kind == "expense":
            activity[category_id][0 if this_month else 1] += inflow + outflow
    budgets: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    budgeted_later = 0
    for category_id, when, amount in conn.execute(
        "SELECT b.category_id, (b.month > :month) - (b.month < :month), sum(b.amount) "
        "FROM budgets b JOIN categories c ON c.id = b.category_id WHERE c.book_id = :book "
        "AND c.kind = 'expense' GROUP BY 1, 2",
        {"book": book_id, "month": month},
    ):
        if when > 0:
            budgeted_later += amount
        else:
            budgets[category_id][0 if when == 0 else 1] += amount
    goals = book_goals(conn, book_id)
    groups: dict[int, BudgetGroup] = {}
    for c in categories:
        if c["kind"] != "expense":
            continue
        (spent, spent_before), (budgeted, budgeted_before) = activity[c["id"]], budgets[c["id"]]
        line = BudgetLine(
            c["id"],
            c["name"],
            bool(c["rollover"]),
            budgeted,
            spent,
            spent_before + budgeted_before if c["rollover"] else 0,
            goals.get(c["id"]),
        )
        if line.goal is not None:
            line.progress = progress_of(
                line.goal,
                month,
                budgeted=line.budgeted,
                activity=line.activity,
                carried=line.carried,
            )
        if c["archived"] and not (line.budgeted or line.activity or line.carried):
            continue
        groups.setdefault(c["group_id"], BudgetGroup(c["group_id"], c["group_name"]))
        groups[c["group_id"]].lines.append(line)
    others = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT currency FROM accounts WHERE book_id = ? AND currency != ? ORDER BY 1",
            [book_id, currency],
        )
    ]
    return BudgetMonth(
        month,
        currency,
        list(groups.values()),
        income,
        uncategorized,
        income_before,
        sum(before for _, before in budgets.values()),
        budgeted_later,
        others,
    )


def _expense_category(conn: sqlite3.Connection, book_id: int, category_id: int) -> bool:
    """Refuse a category that is not an expense one; return whether it has rollover."""
    category = get_category(conn, book_id, category_id)
    if category.kind != "expense":
        raise ValidationFailed.on(
            "category_id", _l("Only expense categories are budgeted; income is what you budget.")
        )
    return category.rollover


def set_budget(
    database: Database, book_id: int, budget: BudgetInput, *, now: datetime
) -> BudgetMonth:
    """Plan an amount for a category and month (zero removes the plan); return the month's
    budget as it then stands, as every figure of it may move."""
    check_month(budget.month)
    with database.write() as db:
        _expense_category(db.conn, book_id, budget.category_id)
        currency = _book_currency(db.conn, book_id)
        try:
            minor = parse_amount(budget.amount, currency)
        except AmountError as error:
            raise ValidationFailed.on("amount", error.message) from None
        if minor < 0:
            raise ValidationFailed.on("amount", _l("Budget zero or more."))
        _store(db.conn, budget.category_id, budget.month, minor)
        _touch(db.conn, book_id, now)
        return budget_month(db.conn, book_id, budget.month)


def _store(conn: sqlite3.Connection, category_id: int, month: str, minor: int) -> None:
    if minor:
        conn.execute(
            "INSERT INTO budgets (category_id, month, amount) VALUES (?, ?, ?) "
            "ON CONFLICT (category_id, month) DO UPDATE SET amount = excluded.amount",
            [category_id, month, minor],
        )
    else:
        conn.execute(
            "DELETE FROM budgets WHERE category_id = ? AND month = ?", [category_id, month]
        )


def _touch(conn: sqlite3.Connection, book_id: int, now: datetime) -> None:
    """The book changed (its budget is part of it)."""
    conn.execute("UPDATE books SET updated_at = ? WHERE id = ?", [to_iso(now), book_id])


def set_goal(
    database: Database, book_id: int, category_id: int, goal: GoalInput, *, now: datetime
) -> Goal:
    """Give an expense category its goal (replacing the one it had); return it."""
    with database.write() as db:
        rollover = _expense_category(db.conn, book_id, category_id)
        problems = Problems()
        row = checked_goal(goal, _book_currency(db.conn, book_id), problems)
        if row["kind"] == "target":
            problems.check(
                rollover,
                "kind",
                _l(
                    "A target balance builds up from month to month: turn on rollover for "
                    "this category first."
                ),
            )
        problems.raise_if_any(_l("The goal cannot be set."))
        db.conn.execute(
            "INSERT INTO budget_goals (category_id, book_id, kind, amount, by_month) "
            "VALUES (:category, :book, :kind, :amount, :by_month) ON CONFLICT (category_id) "
            "DO UPDATE SET kind = excluded.kind, amount = excluded.amount, "
            "by_month = excluded.by_month",
            {"category": category_id, "book": book_id, **row},
        )
        _touch(db.conn, book_id, now)
        return get_goal(db.conn, book_id, category_id)


def delete_goal(database: Database, book_id: int, category_id: int, *, now: datetime) -> None:
    """Take a category's goal away (NotFound when it has none)."""
    with database.write() as db:
        get_goal(db.conn, book_id, category_id)
        db.conn.execute("DELETE FROM budget_goals WHERE category_id = ?", [category_id])
        _touch(db.conn, book_id, now)


def copy_budget(database: Database, book_id: int, copy: BudgetCopyInput, *, now: datetime) -> int:
    """Fill the month's budget from last month's, or the average of the last three months'
    budgets or spending, for every expense category, or raise each category with a goal to
    what it needs this month (underfunded); return how many categories changed."""
    month, source = copy.month, copy.source
    check_month(month)
    if source not in COPY_SOURCES:
        raise ValidationFailed(
            _l("Choose where the amounts come from."),
            errors=[FieldError("source", _l("One of: %(join)s.", join=", ".join(COPY_SOURCES)))],
        )
    if source == "underfunded":
        return _fill_underfunded(database, book_id, month, now=now)
    with database.write() as db:
        months = [add_months(month, -n) for n in ((1,) if source == "last_month" else (1, 2, 3))]
        if source == "average_spent":
            sql = (
                "SELECT s.category_id, -sum(s.inflow + s.outflow) FROM category_months s "
                "JOIN accounts a ON a.id = s.account_id JOIN categories c ON c.id = s.category_id "
                "WHERE a.book_id = :book AND a.currency = :currency AND s.transfer = 0 "
                "AND c.kind = 'expense' AND s.month IN (SELECT value FROM json_each(:months)) "
                "GROUP BY 1"
            )
        else:
            sql = (
                "SELECT b.category_id, sum(b.amount) FROM budgets b "
                "JOIN categories c ON c.id = b.category_id WHERE c.book_id = :book "
                "AND c.kind = 'expense' AND b.month IN (SELECT value FROM json_each(:months)) "
                "GROUP BY 1"
            )
        params = {
            "book": book_id,
            "currency": _book_currency(db.conn, book_id),
            "months": json.dumps(months),
        }
        wanted = {
            category_id: _average(total, len(months))
            for category_id, total in db.conn.execute(sql, params)
        }
        current = dict(
            db.conn.execute(
                "SELECT b.category_id, b.amount FROM budgets b JOIN categories c "
                "ON c.id = b.category_id WHERE c.book_id = ? AND b.month = ?",
                [book_id, month],
            ).fetchall()
        )
        changed = 0
        for category_id in wanted.keys() | current.keys():
            amount = max(wanted.get(category_id, 0), 0)
            if amount != current.get(category_id, 0):
                _store(db.conn, category_id, month, amount)
                changed += 1
        _touch(db.conn, book_id, now)
        return changed


def _fill_underfunded(database: Database, book_id: int, month: str, *, now: datetime) -> int:
    """Budget each category with an underfunded goal what the goal needs this month."""
    with database.write() as db:
        short = [
            line
            for group in budget_month(db.conn, book_id, month).groups
            for line in group.lines
            if line.progress is not None and line.progress.underfunded > 0
        ]
        for line in short:
            _store(db.conn, line.category_id, month, line.budgeted + line.progress.underfunded)
        _touch(db.conn, book_id, now)
        return len(short)
