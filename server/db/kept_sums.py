"""The sums Tallybook keeps beside the rows, so that balances, registers, budgets, reports and
search answer at once: how writes keep each, and how it is checked against the rows and made
again from them (`tallybook doctor`).

- account totals (all, cleared, reconciled) and `account_months`: `apply_to_totals`, called by
  every writer of transactions (for a book file loaded whole, `rebuild_account_totals`);
- `category_months` (m0006), the search index keyed by `search_key` (m0003) and the change
  feed's notes (m0008): triggers, which bulk writes set aside (`triggers_set_aside`) to do
  their work in one statement; `KEPT_TRIGGERS` makes them again as the migrations made them.

Every writer keeps them in the same transaction as the rows, so a difference means a bug (or a
data file changed by other hands). The released migrations hold their own frozen copies.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlite_utils

from server.errors import ValidationFailed
from server.translatable import _l

# An account's kept totals stay far inside SQLite's 64-bit integers.
MAX_TOTAL = 10**18


def apply_to_totals(
    db: sqlite_utils.Database, account_id: int, day: str, amount: int, status: str, sign: int
) -> None:
    """Add (sign 1) or take away (sign -1) one transaction's amount from the kept totals."""
    delta = sign * amount
    cleared = delta if status in ("cleared", "reconciled") else 0
    reconciled = delta if status == "reconciled" else 0
    total = db.execute(
        "UPDATE accounts SET total = total + ?, cleared_total = cleared_total + ?, "
        "reconciled_total = reconciled_total + ? WHERE id = ? RETURNING total",
        [delta, cleared, reconciled, account_id],
    ).fetchone()[0]
    if abs(total) > MAX_TOTAL:  # past 2**63 SQLite would turn the sum into a float
        raise ValidationFailed.on(
            "amount", _l("This would take the account's balance beyond what Tallybook can hold.")
        )
    db.execute(
        "INSERT INTO account_months (account_id, month, total) VALUES (?, ?, ?) "
        "ON CONFLICT (account_id, month) DO UPDATE SET total = total + excluded.total",
        [account_id, day[:7], delta],
    )


def _account_totals_from_rows(accounts: str = "true") -> str:
    """SQL for the kept totals of the accounts `a` for which `accounts` holds, from the rows."""
    return f"""
        SELECT a.id AS id,
               coalesce(sum(t.amount), 0) AS total,
               coalesce(sum(t.amount) FILTER (WHERE t.status IN ('cleared', 'reconciled')), 0)
                   AS cleared,
               coalesce(sum(t.amount) FILTER (WHERE t.status = 'reconciled'), 0) AS reconciled
        FROM accounts a LEFT JOIN transactions t ON t.account_id = a.id
        WHERE {accounts}
        GROUP BY a.id
    """


def _account_months_from_rows(transactions: str = "true") -> str:
    """SQL for what `account_months` holds, from the transactions `t` for which `transactions`
    holds."""
    return f"""
        SELECT account_id, substr(date, 1, 7), sum(amount) FROM transactions t
        WHERE {transactions}
        GROUP BY account_id, substr(date, 1, 7)
    """


def rebuild_account_totals(db: sqlite_utils.Database, book_id: int | None = None) -> None:
    """Make the accounts' kept totals and monthly sums again from their transactions: every
    book's, or one book's (a book file just loaded whole); inside the caller's write
    transaction."""
    if book_id is None:
        accounts, transactions, months, params = "true", "true", "true", []
    else:
        accounts, transactions, params = "a.book_id = ?", "t.book_id = ?", [book_id]
        months = "account_id IN (SELECT id FROM accounts WHERE book_id = ?)"
    db.execute(
        "UPDATE accounts SET total = r.total, cleared_total = r.cleared, "
        f"reconciled_total = r.reconciled FROM ({_account_totals_from_rows(accounts)}) AS r "
        "WHERE accounts.id = r.id",
        params,
    )
    db.execute(f"DELETE FROM account_months WHERE {months}", params)
    db.execute(
        "INSERT INTO account_months (account_id, month, total) "
        + _account_months_from_rows(transactions),
        params,
    )


def category_months_from_rows(which: str = "true") -> str:
    """SQL for what `category_months` holds, worked out from the rows of the transactions `t`
    for which `which` holds (the doctor's check, bulk writes, reports by tag)."""
    return f"""
        WITH chosen AS (
            SELECT t.id, t.account_id, substr(t.date, 1, 7) AS month,
                   coalesce(t.category_id, 0) AS category_id,
                   t.transfer_id IS NOT NULL AS transfer, t.amount
            FROM transactions t WHERE {which}
        ), shares (account_id, month, category_id, transfer, inflow, outflow) AS (
            SELECT account_id, month, category_id, transfer, max(amount, 0), min(amount, 0)
            FROM chosen
            UNION ALL
            SELECT c.account_id, c.month, coalesce(s.category_id, 0), c.transfer,
                   max(s.amount, 0), min(s.amount, 0)
            FROM splits s JOIN chosen c ON c.id = s.transaction_id
            UNION ALL
            SELECT c.account_id, c.month, c.category_id, c.transfer,
                   CASE WHEN c.amount > 0 THEN -s.amount ELSE 0 END,
                   CASE WHEN c.amount > 0 THEN 0 ELSE -s.amount END
            FROM splits s JOIN chosen c ON c.id = s.transaction_id
        )
        SELECT account_id, month, category_id, transfer, sum(inflow) AS inflow,
               sum(outflow) AS outflow
        FROM shares
        GROUP BY account_id, month, category_id, transfer
        HAVING sum(inflow) != 0 OR sum(outflow) != 0
    """


# The search index's rowid orders matches newest first: the day (its Julian day number) in the
# high bits, the transaction's id in the low SEARCH_ID_BITS. A search then reads the index
# backwards and stops at a page, however many rows match. (Ids stay far below 2**40.)
SEARCH_ID_BITS = 40


def search_key(row: str) -> str:
    """SQL for the search index's rowid of the transaction `row` (e.g. NEW, OLD, t)."""
    return f"((CAST(julianday({row}.date) AS INTEGER) << {SEARCH_ID_BITS}) | {row}.id)"


# What the search index holds for the transactions `t`: key, payee, memo (fixed SQL text).
SEARCH_ENTRIES = (
    f"SELECT {search_key('t')}, coalesce(p.name, ''), t.memo FROM transactions t "
    "LEFT JOIN payees p ON p.id = t.payee_id"
)

# The setting that names the change feed's current history: a restore starts a new one, and
# cursors of the old one are refused (their numbers may be given again).
FEED_EPOCH = "change_feed_epoch"


def _category_months_change(select: str) -> str:
    """Add the (account, month, category, transfer, inflow, outflow) rows of `select` to the
    kept sums. `select` needs a WHERE clause (SQLite's upsert after a SELECT wants one)."""
    return (
        "INSERT INTO category_months "
        "(account_id, month, category_id, transfer, inflow, outflow) "
        f"{select} ON CONFLICT DO UPDATE SET "
        "inflow = inflow + excluded.inflow, outflow = outflow + excluded.outflow;"
    )


def _own_share(row: str, sign: str, where: str) -> str:
    """A transaction's own amount, in its category (or none) of its account and month."""
    return _category_months_change(
        f"SELECT {row}.account_id, substr({row}.date, 1, 7), coalesce({row}.category_id, 0), "
        f"{row}.transfer_id IS NOT NULL, {sign} max({row}.amount, 0), "
        f"{sign} min({row}.amount, 0) WHERE {where}"
    )


def _split_shares(parent: str, parts: str, sign: str, where: str) -> str:
    """Split parts move their amounts from the parent's own place to their categories."""
    place = (
        f"{parent}.account_id, substr({parent}.date, 1, 7), {{category}}, "
        f"{parent}.transfer_id IS NOT NULL"
    )
    moved_in = _category_months_change(
        f"SELECT {place.format(category=f'coalesce({parts}.category_id, 0)')}, "
        f"{sign} max({parts}.amount, 0), {sign} min({parts}.amount, 0) {where}"
    )
    # Out of the column the parent's amount is in, so that the parts (adding up to it) leave
    # nothing behind there, whatever their signs.
    moved_out = _category_months_change(
        f"SELECT {place.format(category=f'coalesce({parent}.category_id, 0)')}, "
        f"{sign} (CASE WHEN {parent}.amount > 0 THEN -{parts}.amount ELSE 0 END), "
        f"{sign} (CASE WHEN {parent}.amount > 0 THEN 0 ELSE -{parts}.amount END) {where}"
    )
    return moved_in + "\n" + moved_out


def _change_note(table: str, event: str, book: str, key: str) -> str:
    """A trigger that notes in `changes` that a row of `table` that is part of a transaction
    was made, changed or deleted (`event`); a row of a book being deleted leaves no note."""
    row = "old" if event == "DELETE" else "new"
    return (
        f"CREATE TRIGGER changes_{table}_{event.lower()} AFTER {event} ON {table} BEGIN "
        f"INSERT INTO changes (book_id, kind, key) SELECT b.id, 'transaction', {key.format(row)} "
        f"FROM books b WHERE b.id = {book.format(row)}; END"
    )


_PARENT_BOOK = "(SELECT book_id FROM transactions WHERE id = {}.transaction_id)"
_IN_PARENT = "FROM transactions t WHERE t.id = {}.transaction_id"

# The triggers that bulk writes set aside, by name, with the SQL that makes them: the text the
# migrations (m0003, m0006, m0008) wrote, to the byte, line breaks and indents too, so that
# sqlite_master is as it was once they are back (tests/api/test_kept_sums.py holds it so).
KEPT_TRIGGERS: dict[str, str] = {
    "transactions_search_insert": (
        "CREATE TRIGGER transactions_search_insert AFTER INSERT ON transactions BEGIN\n"
        "                INSERT INTO transactions_fts (rowid, payee, memo)\n"
        f"                VALUES ({search_key('NEW')}, "
        "coalesce((SELECT name FROM payees WHERE id = NEW.payee_id), ''), NEW.memo);\n"
        "            END"
    ),
    "transactions_search_delete": (
        "CREATE TRIGGER transactions_search_delete AFTER DELETE ON transactions BEGIN\n"
        f"                DELETE FROM transactions_fts WHERE rowid = {search_key('OLD')};\n"
        "            END"
    ),
    "category_months_transaction_insert": (
        "CREATE TRIGGER category_months_transaction_insert AFTER INSERT ON transactions "
        f"BEGIN {_own_share('new', '', 'true')} END"
    ),
    # Parts go before their transaction, while it is there to say where they were.
    "category_months_transaction_parts": (
        "CREATE TRIGGER category_months_transaction_parts BEFORE DELETE ON transactions "
        "BEGIN DELETE FROM splits WHERE transaction_id = old.id; END"
    ),
    # A whole book going: its accounts may be gone first, and their sums with them.
    "category_months_transaction_delete": (
        "CREATE TRIGGER category_months_transaction_delete AFTER DELETE ON transactions "
        "BEGIN "
        + _own_share("old", "-", "EXISTS (SELECT 1 FROM accounts WHERE id = old.account_id)")
        + " END"
    ),
    "category_months_transaction_update": (
        "CREATE TRIGGER category_months_transaction_update "
        "AFTER UPDATE OF account_id, date, amount, category_id, transfer_id ON transactions "
        "WHEN old.account_id IS NOT new.account_id OR old.date IS NOT new.date "
        "OR old.amount IS NOT new.amount OR old.category_id IS NOT new.category_id "
        "OR (old.transfer_id IS NULL) IS NOT (new.transfer_id IS NULL) "
        "BEGIN "
        + _own_share("old", "-", "true")
        + _own_share("new", "", "true")
        + _split_shares("old", "s", "-", "FROM splits s WHERE s.transaction_id = old.id")
        + _split_shares("new", "s", "", "FROM splits s WHERE s.transaction_id = new.id")
        + " END"
    ),
    "category_months_split_insert": (
        "CREATE TRIGGER category_months_split_insert AFTER INSERT ON splits BEGIN "
        + _split_shares("t", "new", "", _IN_PARENT.format("new"))
        + " END"
    ),
    "category_months_split_delete": (
        "CREATE TRIGGER category_months_split_delete AFTER DELETE ON splits BEGIN "
        + _split_shares("t", "old", "-", _IN_PARENT.format("old"))
        + " END"
    ),
    "category_months_split_update": (
        "CREATE TRIGGER category_months_split_update "
        "AFTER UPDATE OF transaction_id, category_id, amount ON splits BEGIN "
        + _split_shares("t", "old", "-", _IN_PARENT.format("old"))
        + _split_shares("t", "new", "", _IN_PARENT.format("new"))
        + " END"
    ),
    **{
        f"changes_transactions_{event.lower()}": _change_note(
            "transactions", event, "{}.book_id", "{}.id"
        )
        for event in ("INSERT", "UPDATE", "DELETE")
    },
    **{
        f"changes_{table}_{event.lower()}": _change_note(
            table, event, _PARENT_BOOK, "{}.transaction_id"
        )
        for table in ("splits", "transaction_tags")
        for event in ("INSERT", "DELETE")
    },
}
# Those that fire as transactions are added (with their splits, tags and transfer links), and
# as they are deleted (their transfer links undone first).
AS_ADDED = (
    "transactions_search_insert",
    "category_months_transaction_insert",
    "category_months_transaction_update",
    "category_months_split_insert",
    "category_months_split_update",
    "category_months_split_delete",
    "changes_transactions_insert",
    "changes_transactions_update",
    "changes_splits_insert",
    "changes_transaction_tags_insert",
)
AS_DELETED = (
    "transactions_search_delete",
    "category_months_transaction_parts",
    "category_months_transaction_delete",
    "changes_transactions_update",
    "changes_transactions_delete",
    "changes_splits_delete",
    "changes_transaction_tags_delete",
)


@contextmanager
def triggers_set_aside(db: sqlite_utils.Database, names: Iterable[str]) -> Iterator[None]:
    """Drop these kept triggers for the rest of the block and make them again after (same
    transaction: nobody else ever sees them missing)."""
    names = list(names)
    for name in names:
        db.execute(f"DROP TRIGGER {name}")
    yield
    for name in names:
        db.execute(KEPT_TRIGGERS[name])


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
            _keyed(conn, _account_totals_from_rows(), 1),
        ),
        *_compare(
            "account months",
            _keyed(conn, "SELECT account_id, month, total FROM account_months", 2),
            _keyed(conn, _account_months_from_rows(), 2),
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
    rebuild_account_totals(db)
    db.execute("DELETE FROM category_months")
    db.execute("INSERT INTO category_months " + category_months_from_rows())
    db.execute("DELETE FROM transactions_fts")
    db.execute("INSERT INTO transactions_fts (rowid, payee, memo) " + SEARCH_ENTRIES)
