"""The sums Tallybook keeps beside the rows, so that balances, registers, budgets and reports
answer at once: checked against the rows, and made again from them (`tallybook doctor`).

- `accounts.total`, `cleared_total`, `reconciled_total`: kept by `transactions.apply_to_totals`;
- `account_months`: each account's total per month, kept there too;
- `category_months`: money in and out per account, month and category, kept by triggers
  (migration m0006);
- the search index over payees and memos, kept by triggers and by bulk imports.

Every writer keeps them in the same transaction as the rows, so a difference means a bug (or a
data file changed by other hands); the doctor names it and, asked to, rebuilds from the rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlite_utils

from server.db.migrations import category_months_from_rows
from server.domain.bulk import SEARCH_ENTRIES

_ACCOUNT_TOTALS_FROM_ROWS = """
    SELECT a.id AS id,
           coalesce(sum(t.amount), 0) AS total,
           coalesce(sum(t.amount) FILTER (WHERE t.status IN ('cleared', 'reconciled')), 0)
               AS cleared,
           coalesce(sum(t.amount) FILTER (WHERE t.status = 'reconciled'), 0) AS reconciled
    FROM accounts a LEFT JOIN transactions t ON t.account_id = a.id
    GROUP BY a.id
"""
_ACCOUNT_MONTHS_FROM_ROWS = """
    SELECT account_id, substr(date, 1, 7), sum(amount) FROM transactions
    GROUP BY account_id, substr(date, 1, 7)
"""


@dataclass(frozen=True)
class Difference:
    """One kept sum that is not what the rows say."""

    kept: str  # which kept sums: "account totals", "account months", ...
    key: tuple
    found: tuple | None  # None: the row is missing
    expected: tuple | None  # None: the row should not be there

    def __str__(self) -> str:
        return f"{self.kept} {self.key}: kept {self.found}, the rows say {self.expected}"


def _compare(
    kept: str, found: dict[tuple, tuple], expected: dict[tuple, tuple]
) -> list[Difference]:
    return [
        Difference(kept, key, found.get(key), expected.get(key))
        for key in sorted(found.keys() | expected.keys())
        if found.get(key) != expected.get(key)
    ]


def _keyed(conn: sqlite3.Connection, sql: str, key_length: int) -> dict[tuple, tuple]:
    """Rows of `sql` as {first columns: other columns}, leaving out all-zero sums."""
    return {
        tuple(row[:key_length]): tuple(row[key_length:])
        for row in conn.execute(sql)
        if any(row[key_length:])
    }


def _search_entries(conn: sqlite3.Connection) -> dict[tuple, tuple]:
    return {
        (rowid,): (payee, memo)
        for rowid, payee, memo in conn.execute("SELECT rowid, payee, memo FROM transactions_fts")
    }


def differences(conn: sqlite3.Connection) -> list[Difference]:
    """Every kept sum (and search entry) that differs from what the rows say."""
    return [
        *_compare(
            "account totals",
            _keyed(conn, "SELECT id, total, cleared_total, reconciled_total FROM accounts", 1),
            _keyed(conn, _ACCOUNT_TOTALS_FROM_ROWS, 1),
        ),
        *_compare(
            "account months",
            _keyed(conn, "SELECT account_id, month, total FROM account_months", 2),
            _keyed(conn, _ACCOUNT_MONTHS_FROM_ROWS, 2),
        ),
        *_compare(
            "category months",
            _keyed(
                conn,
                "SELECT account_id, month, category_id, transfer, inflow, outflow "
                "FROM category_months",
                4,
            ),
            _keyed(conn, category_months_from_rows(), 4),
        ),
        *_compare(
            "search index",
            _search_entries(conn),
            {(k,): (p, m) for k, p, m in conn.execute(SEARCH_ENTRIES)},
        ),
    ]


def rebuild(db: sqlite_utils.Database) -> None:
    """Make every kept sum and the search index again from the rows, inside the caller's
    write transaction."""
    db.execute(
        "UPDATE accounts SET total = r.total, cleared_total = r.cleared, "  # noqa: S608 (fixed SQL)
        f"reconciled_total = r.reconciled FROM ({_ACCOUNT_TOTALS_FROM_ROWS}) AS r "
        "WHERE accounts.id = r.id"
    )
    db.execute("DELETE FROM account_months")
    db.execute("INSERT INTO account_months (account_id, month, total) " + _ACCOUNT_MONTHS_FROM_ROWS)
    db.execute("DELETE FROM category_months")
    db.execute("INSERT INTO category_months " + category_months_from_rows())
    db.execute("DELETE FROM transactions_fts")
    db.execute("INSERT INTO transactions_fts (rowid, payee, memo) " + SEARCH_ENTRIES)
