"""Budgets: an amount planned per expense category and month, against what was spent.

A budget is in the book's currency; accounts in other currencies stay out of it (their
money is never added to the book's). For each category and month:

- budgeted: what was planned;
- activity: the category's net money in the month (spending is negative, a refund positive);
- carried: with rollover on, everything budgeted before the month plus all activity before
  it (what was left, or overspent, so far); without, nothing;
- available: carried + budgeted + activity; below zero it is overspent.

"Available to budget" is the income received up to the end of the month (income categories,
and money in that has no category) less everything budgeted up to then.
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
from server.domain.money import AmountError, parse_amount
from server.domain.reports import UNCATEGORIZED, add_months, is_month
from server.errors import FieldError, ValidationFailed

COPY_SOURCES = ("last_month", "average_budgeted", "average_spent")


@dataclass
class BudgetLine:
    category_id: int
    name: str
    rollover: bool
    budgeted: int = 0
    activity: int = 0
    carried: int = 0

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
    available_to_budget: int
    other_currencies: list[str]  # of accounts left out

    @property
    def budgeted(self) -> int:
        return sum(g.budgeted for g in self.groups)

    @property
    def activity(self) -> int:
        return sum(g.activity for g in self.groups)


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
        raise ValidationFailed.on(field_name, "Give a month as YYYY-MM, e.g. 2025-03.")
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
    income = income_through = uncategorized = 0
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
            income_through += earned
            income += earned if this_month else 0
        if category_id == UNCATEGORIZED and this_month:
            uncategorized = -outflow
        if kind == "expense":
            activity[category_id][0 if this_month else 1] += inflow + outflow
    budgets: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for category_id, this_month, amount in conn.execute(
        "SELECT b.category_id, b.month = :month, sum(b.amount) FROM budgets b "
        "JOIN categories c ON c.id = b.category_id WHERE c.book_id = :book "
        "AND c.kind = 'expense' AND b.month <= :month GROUP BY 1, 2",
        {"book": book_id, "month": month},
    ):
        budgets[category_id][0 if this_month else 1] += amount
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
        )
        if c["archived"] and not (line.budgeted or line.activity or line.carried):
            continue
        groups.setdefault(c["group_id"], BudgetGroup(c["group_id"], c["group_name"]))
        groups[c["group_id"]].lines.append(line)
    budgeted_through = sum(sum(pair) for pair in budgets.values())
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
        income_through - budgeted_through,
        others,
    )


def _expense_category(conn: sqlite3.Connection, book_id: int, category_id: int) -> None:
    category = get_category(conn, book_id, category_id)
    if category.kind != "expense":
        raise ValidationFailed.on(
            "category_id", "Only expense categories are budgeted; income is what you budget."
        )


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
            raise ValidationFailed.on("amount", str(error)) from None
        if minor < 0:
            raise ValidationFailed.on("amount", "Budget zero or more.")
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


def copy_budget(database: Database, book_id: int, copy: BudgetCopyInput, *, now: datetime) -> int:
    """Fill the month's budget from last month's, or the average of the last three months'
    budgets or spending, for every expense category; return how many categories changed."""
    month, source = copy.month, copy.source
    check_month(month)
    if source not in COPY_SOURCES:
        raise ValidationFailed(
            "Choose where the amounts come from.",
            errors=[FieldError("source", f"One of: {', '.join(COPY_SOURCES)}.")],
        )
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
