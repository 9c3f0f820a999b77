"""Reports: where the money went, what came in against what went out, how net worth moves,
and the cash flow, by month. Amounts of different currencies are never added together:
every report is a list of per-currency parts.

They read the sums kept per account, month and category (`category_months`) and per account
and month (`account_months`), so they answer in milliseconds on a decade of transactions.
A tag filter reads the tagged transactions themselves (a tag picks few of them), through the
same SQL that defines the kept sums.

What counts where:
- spending: the net money out of each expense category (a refund lowers it), and the money
  out of uncategorized transactions; transfers never count;
- income and expense: income categories' net plus uncategorized money in, against the
  spending above;
- net worth: at each month's end, the accounts' opening balances plus all their transactions
  so far (filtered by account only); the month of today is as of today, as the accounts'
  balances are (what is dated later in it is not counted yet); a month to come is a projection;
- cash flow: money in and out by sign (transfers apart) over the whole month, and the balance
  at each month's end (this month's as of today, as net worth's).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from server.db.kept_sums import category_months_from_rows
from server.domain.validation import Problems
from server.translatable import _l

MAX_MONTHS = 1200  # a century of months
MONTH_LENGTH = len("YYYY-MM")
MAX_FILTER_IDS = 500  # accounts, or categories, a report is narrowed to
UNCATEGORIZED = 0  # the category id the kept sums give "no category"


@dataclass(frozen=True)
class ReportFilters:
    """Which months (YYYY-MM, both included) and which accounts, categories and tag."""

    start: str
    end: str
    account_ids: tuple[int, ...] | None = None
    category_ids: tuple[int, ...] | None = None  # 0 stands for uncategorized
    tag_id: int | None = None


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:]) - 1


def months_apart(start: str, end: str) -> int:
    """How many months `end` is after `start` (negative when before)."""
    return _index(end) - _index(start)


def months_between(start: str, end: str) -> list[str]:
    """Every month from start to end, both included."""
    return [add_months(start, n) for n in range(months_apart(start, end) + 1)]


def add_months(month: str, count: int) -> str:
    """The month `count` months after (or before, if negative) `month`."""
    index = _index(month) + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# YYYY-MM from year 0001, as the API writes it (ASCII digits); the OpenAPI document states it too.
MONTH_PATTERN = r"([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])"
_MONTH = re.compile(MONTH_PATTERN)


def is_month(text: object) -> bool:
    """A month as the API writes it: YYYY-MM, ASCII digits, from year 0001."""
    return isinstance(text, str) and bool(_MONTH.fullmatch(text))


def checked_filters(conn: sqlite3.Connection, book_id: int, filters: ReportFilters) -> None:
    """Refuse filters that cannot be right, each at its field."""
    problems = Problems()
    for name in ("start", "end"):
        problems.check(
            is_month(getattr(filters, name)), name, _l("Give a month as YYYY-MM, e.g. 2025-03.")
        )
    if not problems and filters.start > filters.end:
        problems.add("end", _l("The last month comes before the first."))
    elif not problems and _index(filters.end) - _index(filters.start) >= MAX_MONTHS:
        problems.add("end", _l("At most %(max_months)s months at once.", max_months=MAX_MONTHS))
    for name, table, ids, missing in (
        (
            "account_id",
            "accounts",
            filters.account_ids or (),
            _l("This book has no account %(id)s."),
        ),
        (
            "category_id",
            "categories",
            [i for i in filters.category_ids or () if i],
            _l("This book has no category %(id)s."),
        ),
        (
            "tag_id",
            "tags",
            [] if filters.tag_id is None else [filters.tag_id],
            _l("This book has no tag %(id)s."),
        ),
    ):
        known = {
            row[0]
            for row in conn.execute(
                f"SELECT id FROM {table} WHERE book_id = ? AND id IN "  # noqa: S608 (our names)
                "(SELECT value FROM json_each(?))",
                [book_id, json.dumps(list(ids))],
            )
        }
        for unknown in (i for i in ids if i not in known):
            problems.add(
                name,
                _l(missing.msgid, id=unknown),
            )
    problems.raise_if_any(_l("The report cannot be made with these filters."))


# What a row of kept sums (`s`, its category `c`) adds to spending and to income; see the
# module's notes. Worked out in SQL, so that only the totals leave the database.
_SPENT = (
    "CASE WHEN s.transfer THEN 0 WHEN s.category_id = 0 THEN -s.outflow "
    "WHEN c.kind = 'expense' THEN -(s.inflow + s.outflow) ELSE 0 END"
)
_EARNED = (
    "CASE WHEN s.transfer THEN 0 WHEN s.category_id = 0 THEN s.inflow "
    "WHEN c.kind = 'income' THEN s.inflow + s.outflow ELSE 0 END"
)
_MONEY_IN = "CASE WHEN s.transfer THEN 0 ELSE s.inflow END"
_MONEY_OUT = "CASE WHEN s.transfer THEN 0 ELSE s.outflow END"
_TRANSFERS = "CASE WHEN s.transfer THEN s.inflow + s.outflow ELSE 0 END"


def _sums(
    conn: sqlite3.Connection,
    book_id: int,
    filters: ReportFilters,
    key: str,
    figures: Iterable[str],
) -> list[sqlite3.Row]:
    """Per currency and `key` (a column of the kept sums `s`), the sums of the `figures`
    over the kept sums (or a tag's transactions' sums) the filters pick."""
    if filters.tag_id is None:
        source = "category_months"
    else:
        tagged = category_months_from_rows(
            "t.book_id = :book AND t.id IN "
            "(SELECT transaction_id FROM transaction_tags WHERE tag_id = :tag)"
        )
        source = f"({tagged})"
    totals = ", ".join(f"sum({figure})" for figure in figures)
    sql = (
        f"SELECT a.currency, {key}, {totals} "  # noqa: S608 (our SQL)
        f"FROM {source} s JOIN accounts a ON a.id = s.account_id "
        "LEFT JOIN categories c ON c.id = s.category_id "
        "WHERE a.book_id = :book AND s.month BETWEEN :start AND :end "
        "AND (:accounts IS NULL OR s.account_id IN (SELECT value FROM json_each(:accounts))) "
        "AND (:categories IS NULL OR s.category_id IN (SELECT value FROM json_each(:categories))) "
        f"GROUP BY a.currency, {key} ORDER BY a.currency"
    )
    params = {
        "book": book_id,
        "tag": filters.tag_id,
        "start": filters.start,
        "end": filters.end,
        "accounts": _json_or_none(filters.account_ids),
        "categories": _json_or_none(filters.category_ids),
    }
    return conn.execute(sql, params).fetchall()


def _json_or_none(ids: Iterable[int] | None) -> str | None:
    return None if ids is None else json.dumps(list(ids))


# ---- spending by category -----------------------------------------------------------------


@dataclass
class CategorySpending:
    category_id: int | None  # None: uncategorized
    name: str
    amount: int


@dataclass
class GroupSpending:
    group_id: int | None
    name: str
    amount: int = 0
    categories: list[CategorySpending] = field(default_factory=list)


@dataclass
class Spending:
    currency: str
    total: int
    groups: list[GroupSpending]


def spending(conn: sqlite3.Connection, book_id: int, filters: ReportFilters) -> list[Spending]:
    """Spending per category and group over the months, per currency, largest first."""
    checked_filters(conn, book_id, filters)
    names = {
        row["id"]: row
        for row in conn.execute(
            "SELECT c.id, c.name, c.group_id, g.name AS group_name FROM categories c "
            "JOIN category_groups g ON g.id = c.group_id WHERE c.book_id = ?",
            [book_id],
        )
    }
    per_category: dict[str, dict[int, int]] = defaultdict(dict)
    for currency, category_id, amount in _sums(conn, book_id, filters, "s.category_id", [_SPENT]):
        if amount:
            per_category[currency][category_id] = amount
    result = []
    for currency, amounts in per_category.items():
        groups: dict[int | None, GroupSpending] = {}
        for category_id, amount in amounts.items():
            if category_id == UNCATEGORIZED:
                group = groups.setdefault(None, GroupSpending(None, "Uncategorized"))
                group.categories.append(CategorySpending(None, "Uncategorized", amount))
            else:
                info = names[category_id]
                group = groups.setdefault(
                    info["group_id"], GroupSpending(info["group_id"], info["group_name"])
                )
                group.categories.append(CategorySpending(category_id, info["name"], amount))
            group.amount += amount
        for group in groups.values():
            group.categories.sort(key=lambda c: (-c.amount, c.name))
        ordered = sorted(groups.values(), key=lambda g: (-g.amount, g.name))
        result.append(Spending(currency, sum(g.amount for g in ordered), ordered))
    return result


# ---- income and expense by month ----------------------------------------------------------


@dataclass
class MonthIncome:
    month: str
    income: int
    expense: int

    @property
    def net(self) -> int:
        return self.income - self.expense


@dataclass
class IncomeExpense:
    currency: str
    months: list[MonthIncome]
    income: int
    expense: int

    @property
    def net(self) -> int:
        return self.income - self.expense


def income_expense(
    conn: sqlite3.Connection, book_id: int, filters: ReportFilters
) -> list[IncomeExpense]:
    """Income against expense in each month (every month of the period, zeros too)."""
    checked_filters(conn, book_id, filters)
    sums: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for currency, month, earned, spent in _sums(
        conn, book_id, filters, "s.month", [_EARNED, _SPENT]
    ):
        if earned or spent:
            sums[currency][month] = (earned, spent)
    months = months_between(filters.start, filters.end)
    result = []
    for currency, by_month in sums.items():
        rows = [MonthIncome(m, *by_month.get(m, (0, 0))) for m in months]
        result.append(
            IncomeExpense(currency, rows, sum(r.income for r in rows), sum(r.expense for r in rows))
        )
    return result


# ---- net worth and cash flow ----------------------------------------------------------------


def _balances(
    conn: sqlite3.Connection, book_id: int, filters: ReportFilters, today: date
) -> dict[str, dict[str, int]]:
    """Per currency, the chosen accounts' balance at the end of each month of the period; for
    the month of `today`, as of today, as an account's balance is (a month still to come holds
    what is dated in it: a projection)."""
    months = months_between(filters.start, filters.end)
    chosen = [*[_json_or_none(filters.account_ids)] * 2]
    accounts = conn.execute(
        "SELECT id, currency, opening_balance, opening_date FROM accounts WHERE book_id = ? "
        "AND (? IS NULL OR id IN (SELECT value FROM json_each(?)))",
        [book_id, *chosen],
    ).fetchall()
    this_month = month_of(today)
    changes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ahead: dict[str, int] = defaultdict(int)  # dated after today within this month
    for account in accounts:
        opened = account["opening_date"]
        changes[account["currency"]][opened[:7]] += account["opening_balance"]
        if opened > today.isoformat() and opened[:7] == this_month:
            ahead[account["currency"]] += account["opening_balance"]
    for currency, month, total in conn.execute(
        "SELECT a.currency, m.month, sum(m.total) FROM account_months m "
        "JOIN accounts a ON a.id = m.account_id WHERE a.book_id = ? AND m.month <= ? "
        "AND (? IS NULL OR a.id IN (SELECT value FROM json_each(?))) GROUP BY 1, 2",
        [book_id, filters.end, *chosen],
    ):
        changes[currency][month] += total
    for currency, total in conn.execute(
        "SELECT a.currency, sum(t.amount) FROM transactions t "
        "JOIN accounts a ON a.id = t.account_id WHERE t.book_id = ? AND t.date > ? "
        "AND t.date < ? AND (? IS NULL OR a.id IN (SELECT value FROM json_each(?))) GROUP BY 1",
        [book_id, today.isoformat(), add_months(this_month, 1) + "-01", *chosen],
    ):
        ahead[currency] += total
    result = {}
    for currency, by_month in changes.items():
        before = sum(total for month, total in by_month.items() if month < filters.start)
        running, ends = before, {}
        for month in months:
            running += by_month.get(month, 0)
            ends[month] = running - (ahead[currency] if month == this_month else 0)
        result[currency] = ends
    return result


@dataclass
class MonthWorth:
    month: str
    amount: int


@dataclass
class NetWorth:
    currency: str
    months: list[MonthWorth]


def net_worth(
    conn: sqlite3.Connection, book_id: int, filters: ReportFilters, *, today: date
) -> list[NetWorth]:
    """What the accounts hold together at each month's end (this month: today), per
    currency."""
    checked_filters(conn, book_id, filters)
    return [
        NetWorth(currency, [MonthWorth(m, amount) for m, amount in ends.items()])
        for currency, ends in sorted(_balances(conn, book_id, filters, today).items())
    ]


@dataclass
class MonthFlow:
    month: str
    money_in: int
    money_out: int
    transfers: int
    balance: int | None  # at the month's end; None when a category or tag filter applies

    @property
    def net(self) -> int:
        return self.money_in + self.money_out + self.transfers


@dataclass
class CashFlow:
    currency: str
    months: list[MonthFlow]


def cash_flow(
    conn: sqlite3.Connection, book_id: int, filters: ReportFilters, *, today: date
) -> list[CashFlow]:
    """Money in and out of the accounts in each month, transfers apart, and the balance at
    each month's end (this month: today)."""
    checked_filters(conn, book_id, filters)
    flows: dict[str, dict[str, tuple[int, int, int]]] = defaultdict(dict)
    for currency, month, *figures in _sums(
        conn, book_id, filters, "s.month", [_MONEY_IN, _MONEY_OUT, _TRANSFERS]
    ):
        flows[currency][month] = tuple(figures)
    whole = filters.category_ids is None and filters.tag_id is None
    balances = _balances(conn, book_id, filters, today) if whole else {}
    months = months_between(filters.start, filters.end)
    result = []
    for currency in sorted(flows.keys() | balances.keys()):
        by_month, ends = flows.get(currency, {}), balances.get(currency)
        result.append(
            CashFlow(
                currency,
                [
                    MonthFlow(m, *by_month.get(m, (0, 0, 0)), ends[m] if ends else None)
                    for m in months
                ],
            )
        )
    return result
