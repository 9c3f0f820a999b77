"""Adding and deleting transactions by the many thousand: an import and its undo, a book
deleted whole.

Row by row, each transaction costs a round of checks, kept-total updates and a search-index
trigger; a 100k-row import took 20 s that way, most of it in the trigger. Here the rows go in
with one statement, the kept totals move once per account and month, and the search index is
updated in one statement in key order, with its trigger set aside meanwhile. All of it happens
inside the caller's write transaction, so a crash leaves no half of it behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlite_utils

from server.clock import to_iso
from server.db.kept_sums import (
    AS_ADDED,
    AS_DELETED,
    SEARCH_ENTRIES,
    apply_to_totals,
    category_months_from_rows,
    search_key,
    triggers_set_aside,
)
from server.domain.labels import tag_ids_for

# search_key() is fixed SQL text, not input.
INDEX_ROWS = (
    f"INSERT INTO transactions_fts (rowid, payee, memo) {SEARCH_ENTRIES} WHERE t.id > ? ORDER BY 1"
)
# The search entries of the transactions `t` for which {which} holds.
UNINDEX_ROWS = (
    "DELETE FROM transactions_fts WHERE rowid IN "  # noqa: S608
    f"(SELECT {search_key('t')} FROM transactions t WHERE {{which}})"
)


_CHUNK = 5000  # rows added between two progress reports


class NewRow(NamedTuple):
    """A plain transaction to add in bulk (an import's row), amount in minor units; the payee
    as stored (stripped, at most PAYEE_MAX long)."""

    date: date
    amount: int
    payee: str | None
    memo: str
    bank_id: str | None
    category_id: int | None = None
    tags: tuple[str, ...] = ()


def _change_category_months(db: sqlite_utils.Database, which: str, sign: int, value: Any) -> None:
    """Add (sign 1) or take away (-1) the category sums of the transactions `which` picks."""
    db.execute(
        "INSERT INTO category_months "  # noqa: S608 (our own SQL)
        "(account_id, month, category_id, transfer, inflow, outflow) "
        f"SELECT account_id, month, category_id, transfer, {sign} * inflow, {sign} * outflow "
        f"FROM ({category_months_from_rows(which)}) WHERE true "
        "ON CONFLICT DO UPDATE SET "
        "inflow = inflow + excluded.inflow, outflow = outflow + excluded.outflow",
        [value],
    )


# The change feed's notes of transactions, written row by row by triggers; a bulk write notes
# its transactions in one statement.
_NOTE_TRANSACTIONS = (
    "INSERT INTO changes (book_id, kind, key) SELECT book_id, 'transaction', id "
    "FROM transactions t WHERE {which} ORDER BY id"
)


@contextmanager
def kept_in_bulk(db: sqlite_utils.Database) -> Iterator[int]:
    """Index the transactions the block adds for search, and add them to the category sums,
    each in one statement after them; the block gets the largest id before it (the new rows'
    ids are above it). The block adds transactions (with their splits, tags and transfer
    links) and changes no older ones."""
    (before,) = db.execute("SELECT coalesce(max(id), 0) FROM transactions").fetchone()
    with triggers_set_aside(db, AS_ADDED):
        yield before
        db.execute(INDEX_ROWS, [before])
        _change_category_months(db, "t.id > ?", 1, before)
        db.execute(_NOTE_TRANSACTIONS.format(which="t.id > ?"), [before])


def _payee_ids(db: sqlite_utils.Database, book_id: int, names: set[str]) -> dict[str, int]:
    """The ids of the book's payees of these names (any case), making the new ones."""
    known = {
        name.casefold(): payee_id
        for payee_id, name in db.execute("SELECT id, name FROM payees WHERE book_id = ?", [book_id])
    }
    ids = {}
    for name in sorted(names):
        key = name.casefold()
        if key not in known:
            known[key] = db["payees"].insert({"book_id": book_id, "name": name}).last_pk
        ids[name] = known[key]
    return ids


def add_in_bulk(
    db: sqlite_utils.Database,
    book_id: int,
    account_id: int,
    rows: list[NewRow],
    import_id: int,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Add many plain, uncleared transactions inside the caller's write transaction, oldest
    first; `progress` hears how many are in so far, and how many there are."""
    stamp = to_iso(now)
    payees = _payee_ids(db, book_id, {r.payee for r in rows if r.payee})
    rows = sorted(rows, key=lambda r: r.date)
    with kept_in_bulk(db) as before:
        for start in range(0, len(rows), _CHUNK):
            db.conn.executemany(
                "INSERT INTO transactions (book_id, account_id, date, amount, payee_id, "
                "category_id, memo, import_id, bank_id, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        book_id,
                        account_id,
                        r.date.isoformat(),
                        r.amount,
                        payees.get(r.payee),
                        r.category_id,
                        r.memo,
                        import_id,
                        r.bank_id,
                        stamp,
                        stamp,
                    )
                    for r in rows[start : start + _CHUNK]
                ),
            )
            if progress is not None:
                progress(min(start + _CHUNK, len(rows)), len(rows))
    if any(r.tags for r in rows):  # the new rows' ids, in the order they went in
        ids = [
            i
            for (i,) in db.execute("SELECT id FROM transactions WHERE id > ? ORDER BY id", [before])
        ]
        names = {t for r in rows for t in r.tags}
        tag_ids = {t: tag_ids_for(db, book_id, [t])[0] for t in names}
        db.conn.executemany(
            "INSERT OR IGNORE INTO transaction_tags (transaction_id, tag_id) VALUES (?, ?)",
            ((i, tag_ids[t]) for i, r in zip(ids, rows, strict=True) for t in r.tags),
        )
    months: dict[str, int] = {}
    for r in rows:
        month = r.date.isoformat()[:7]
        months[month] = months.get(month, 0) + r.amount
    for month, total in sorted(months.items()):
        apply_to_totals(db, account_id, month + "-01", total, "uncleared", 1)


def with_transfer_partners(db: sqlite_utils.Database, transaction_ids: list[int]) -> list[int]:
    """These transactions and the other sides of their transfers, in order."""
    partners = db.execute(
        "SELECT transfer_id FROM transactions WHERE id IN (SELECT value FROM json_each(?)) "
        "AND transfer_id IS NOT NULL",
        [json.dumps(transaction_ids)],
    ).fetchall()
    return sorted({*transaction_ids, *(p[0] for p in partners)})


def delete_in_bulk(db: sqlite_utils.Database, transaction_ids: list[int]) -> int:
    """Delete transactions (and the other sides of their transfers) inside the caller's write
    transaction; return how many went."""
    doomed = json.dumps(with_transfer_partners(db, transaction_ids))
    groups = db.execute(
        "SELECT account_id, substr(date, 1, 7) || '-01', status, sum(amount) FROM transactions "
        "WHERE id IN (SELECT value FROM json_each(?)) GROUP BY 1, 2, 3",
        [doomed],
    ).fetchall()
    for account_id, day, status, total in groups:
        apply_to_totals(db, account_id, day, total, status, -1)
    chosen = "t.id IN (SELECT value FROM json_each(?))"
    with triggers_set_aside(db, AS_DELETED):
        db.execute(
            "UPDATE transactions SET transfer_id = NULL "
            "WHERE id IN (SELECT value FROM json_each(?)) AND transfer_id IS NOT NULL",
            [doomed],
        )
        _change_category_months(db, chosen, -1, doomed)
        db.execute(_NOTE_TRANSACTIONS.format(which=chosen), [doomed])
        db.execute(UNINDEX_ROWS.format(which=chosen), [doomed])
        count = db.execute(
            "DELETE FROM transactions WHERE id IN (SELECT value FROM json_each(?))", [doomed]
        ).rowcount
    return count


def delete_book_rows(db: sqlite_utils.Database, book_id: int) -> None:
    """Delete a book and everything of it inside the caller's write transaction: its
    transactions leave the search index in one statement; the schema's cascades take the
    rest (accounts take their kept sums along; the book's change feed notes go with it)."""
    with triggers_set_aside(db, AS_DELETED):
        db.execute(UNINDEX_ROWS.format(which="t.book_id = ?"), [book_id])
        db.execute("DELETE FROM idempotency_keys WHERE book_id = ?", [book_id])
        db.execute("DELETE FROM books WHERE id = ?", [book_id])
