"""Finding transactions: filters, full-text search, keyset pages and running balances."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from server.clock import local_today
from server.db.kept_sums import SEARCH_ID_BITS
from server.domain.currencies import minor_digits
from server.domain.labels import find_named
from server.domain.money import MAX_MINOR_UNITS
from server.domain.transactions import (
    SELECT_TRANSACTIONS,
    TRANSACTION_COLUMNS,
    TRANSACTION_JOINS,
    Transaction,
    load_transactions,
)
from server.errors import ValidationFailed
from server.translatable import _l

SEARCH_TEXT_MAX = 200  # a bound on what a search is given (its first 20 words are used)
# An amount bound's form, as the document states it: a decimal number (spaces around it
# allowed), an exponent of up to nine digits too (`-1e30` reaches past every row; Decimal
# reads every such number).
BOUND_PATTERN = r" *[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,9})? *"


@dataclass(frozen=True)
class Filters:
    """What a transaction list is narrowed to (None: no narrowing)."""

    account_id: int | None = None
    category_id: int | None = None
    uncategorized: bool = False
    payee: str | None = None
    tag: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    amount_min: str | None = None
    amount_max: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of a list, newest first, and where the next one starts."""

    items: list[Transaction]
    after: tuple[str, int] | None
    running_balances: list[int] | None = None


def fts_query(text: str) -> str | None:
    """Turn what a person types into an FTS5 query: every word, as a prefix, all required."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words[:20])


def _amount_bounds(
    conn: sqlite3.Connection, book_id: int, text: str, field_name: str, lower: bool
) -> list[tuple[int, int]]:
    """Per account of the book: the bound in that account's minor units."""
    if not re.fullmatch(BOUND_PATTERN, text):
        raise ValidationFailed.on(field_name, _l("Write the amount as a number, e.g. -12.34."))
    value = Decimal(text.strip())
    # No stored amount lies beyond MAX_MINOR_UNITS: clamping keeps huge bounds exact in SQL.
    limit = MAX_MINOR_UNITS + 1
    value = max(min(value, Decimal(limit)), Decimal(-limit))
    bounds = []
    for row in conn.execute("SELECT id, currency FROM accounts WHERE book_id = ?", [book_id]):
        scaled = value.scaleb(minor_digits(row["currency"]))
        rounded = int(scaled.to_integral_value(ROUND_CEILING if lower else ROUND_FLOOR))
        bounds.append((row["id"], max(min(rounded, limit), -limit)))
    return bounds


def list_transactions(
    conn: sqlite3.Connection,
    book_id: int,
    filters: Filters,
    limit: int,
    after: tuple[str, int] | None = None,
) -> Page:
    """Return a page of the book's transactions, newest first, after the (date, id) `after`.

    Keyset paging: rows written meanwhile never make a page skip or repeat a row. With only
    an account filter, each row also gets the account's balance after it (a register).
    """
    where = ["t.book_id = ?"]
    params: list[object] = [book_id]
    if filters.account_id is not None:
        where.append("t.account_id = ?")
        params.append(filters.account_id)
    if filters.category_id is not None:
        where.append(
            "(t.category_id = ? OR EXISTS (SELECT 1 FROM splits s "
            "WHERE s.transaction_id = t.id AND s.category_id = ?))"
        )
        params += [filters.category_id, filters.category_id]
    if filters.uncategorized:
        where.append(
            "t.category_id IS NULL AND t.transfer_id IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM splits s WHERE s.transaction_id = t.id)"
        )
    if filters.payee is not None:
        payee = find_named(conn, "payees", book_id, filters.payee.strip())
        where.append("t.payee_id = ?")
        params.append(payee[0] if payee else None)
    if filters.tag is not None:
        tag = find_named(conn, "tags", book_id, filters.tag.strip())
        where.append(
            "EXISTS (SELECT 1 FROM transaction_tags tt "
            "WHERE tt.transaction_id = t.id AND tt.tag_id = ?)"
        )
        params.append(tag[0] if tag else None)
    if filters.status is not None:
        where.append("t.status = ?")
        params.append(filters.status)
    if filters.date_from is not None:
        where.append("t.date >= ?")
        params.append(filters.date_from.isoformat())
    if filters.date_to is not None:
        where.append("t.date <= ?")
        params.append(filters.date_to.isoformat())
    for text, field_name, lower in (
        (filters.amount_min, "amount_min", True),
        (filters.amount_max, "amount_max", False),
    ):
        if text is not None:
            bounds = _amount_bounds(conn, book_id, text, field_name, lower)
            op = ">=" if lower else "<="
            per_account = [f"(t.account_id = ? AND t.amount {op} ?)"] * len(bounds)
            where.append("(" + " OR ".join(per_account) + ")" if bounds else "0")
            for account_id, bound in bounds:
                params += [account_id, bound]
    search = fts_query(filters.q) if filters.q else None
    if filters.q and search is None:
        where.append("0")  # nothing searchable typed: nothing matches
    if search is not None:
        # The index is in the list's order (see m0003): read it newest first, stop at a page.
        sql = (
            f"{TRANSACTION_COLUMNS} FROM transactions_fts f CROSS JOIN transactions t "
            f"ON t.id = (f.rowid & {(1 << SEARCH_ID_BITS) - 1}) {TRANSACTION_JOINS} "
            "WHERE transactions_fts MATCH ? AND "
        )
        params.insert(0, search)
        if after is not None:
            where.append(f"f.rowid < ((CAST(julianday(?) AS INTEGER) << {SEARCH_ID_BITS}) | ?)")
            params += [after[0], after[1]]
        order = " ORDER BY f.rowid DESC"
    else:
        sql = SELECT_TRANSACTIONS + " WHERE "
        if after is not None:
            where.append("(t.date < ? OR (t.date = ? AND t.id < ?))")
            params += [after[0], after[0], after[1]]
        order = " ORDER BY t.date DESC, t.id DESC"
    sql += " AND ".join(where) + order + " LIMIT ?"
    rows = conn.execute(sql, [*params, limit + 1]).fetchall()
    more = len(rows) > limit
    items = load_transactions(conn, rows[:limit])
    next_after = (items[-1].date.isoformat(), items[-1].id) if more and items else None
    register = filters.account_id is not None and filters == Filters(account_id=filters.account_id)
    balances = _running_balances(conn, filters.account_id, items) if register else None
    return Page(items, next_after, balances)


def _running_balances(
    conn: sqlite3.Connection, account_id: int | None, items: list[Transaction]
) -> list[int]:
    """The account's balance after each row of a newest-first page: the rows up to it, and
    the opening balance unless its date is still ahead of both the row and today (so the
    newest row of today or before shows the account's balance, as of today)."""
    if not items or account_id is None:
        return []
    top = items[0]
    account = conn.execute(
        "SELECT opening_balance, opening_date, total FROM accounts WHERE id = ?", [account_id]
    ).fetchone()
    month = top.date.isoformat()[:7]
    newer_months = conn.execute(
        "SELECT coalesce(sum(total), 0) FROM account_months WHERE account_id = ? AND month > ?",
        [account_id, month],
    ).fetchone()[0]
    newer_in_month = conn.execute(
        "SELECT coalesce(sum(amount), 0) FROM transactions WHERE account_id = ? "
        "AND date >= ? AND date < ? AND (date > ? OR (date = ? AND id > ?))",
        [
            account_id,
            month + "-01",
            month + "-32",
            top.date.isoformat(),
            top.date.isoformat(),
            top.id,
        ],
    ).fetchone()[0]
    moved = account["total"] - newer_months - newer_in_month
    # Rows entered before a past opening date (history typed in after opening) still count
    # it, as the account's balance does; an opening dated ahead waits for its day.
    opening_date = date.fromisoformat(account["opening_date"])
    opened = opening_date if opening_date > local_today() else date.min
    balances = []
    for item in items:
        balances.append(moved + (account["opening_balance"] if item.date >= opened else 0))
        moved -= item.amount
    return balances
