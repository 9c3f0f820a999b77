"""Transactions: splits, transfers, tags and search, with account balances kept exact.

Every change goes through one write transaction that also updates the account totals, the
per-month totals and the search index, so they can never disagree with the rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

import sqlite_utils

from server.clock import from_iso, local_date, to_iso
from server.db import Database
from server.db.kept_sums import apply_to_totals
from server.domain import validation as check
from server.domain.books import check_if_match
from server.domain.currencies import minor_digits
from server.domain.labels import payee_id_for, tag_ids_for
from server.domain.reconciled import refuse_if_reconciled, refuse_locked_change, unlock_to
from server.domain.rules import Subject, rule_set
from server.domain.transaction_rules import (
    Resolved,
    Split,
    TransactionInput,
    resolve,
)
from server.domain.validation import Problems
from server.errors import NotFound, ValidationFailed
from server.translatable import _l

MAX_BULK = 1000  # the transactions a bulk change or delete names


@dataclass(frozen=True)
class Transaction:
    """A transaction as stored, amounts in minor units of its account's currency."""

    id: int
    book_id: int
    account_id: int
    currency: str
    date: date
    amount: int
    payee: str | None
    category_id: int | None
    memo: str
    tags: list[str]
    status: str
    splits: list[Split]
    transfer_id: int | None
    transfer_account_id: int | None
    import_id: int | None
    revision: int
    created_at: datetime
    updated_at: datetime

    @property
    def etag(self) -> str:
        """Return the entity tag of the transaction's current state."""
        return f'"txn-{self.id}-{self.revision}"'


# --- reading ---------------------------------------------------------------------------------

TRANSACTION_COLUMNS = (
    "SELECT t.*, a.currency, p.name AS payee_name, o.account_id AS transfer_account_id"
)
# What a row of `transactions t` needs from the tables around it.
TRANSACTION_JOINS = """
JOIN accounts a ON a.id = t.account_id
LEFT JOIN payees p ON p.id = t.payee_id
LEFT JOIN transactions o ON o.id = t.transfer_id
"""
SELECT_TRANSACTIONS = f"{TRANSACTION_COLUMNS} FROM transactions t {TRANSACTION_JOINS}"


def load_transactions(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[Transaction]:
    """Turn rows of _SELECT into transactions, with their splits and tags (two queries)."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    marks = ",".join("?" * len(ids))
    splits: dict[int, list[Split]] = {}
    for s in conn.execute(
        f"SELECT transaction_id, category_id, amount, memo FROM splits "  # noqa: S608
        f"WHERE transaction_id IN ({marks}) ORDER BY transaction_id, position",
        ids,
    ):
        splits.setdefault(s["transaction_id"], []).append(
            Split(s["category_id"], s["amount"], s["memo"])
        )
    tags: dict[int, list[str]] = {}
    for t in conn.execute(
        f"SELECT tt.transaction_id, g.name FROM transaction_tags tt "  # noqa: S608
        f"JOIN tags g ON g.id = tt.tag_id WHERE tt.transaction_id IN ({marks}) ORDER BY g.name",
        ids,
    ):
        tags.setdefault(t["transaction_id"], []).append(t["name"])
    return [
        Transaction(
            id=row["id"],
            book_id=row["book_id"],
            account_id=row["account_id"],
            currency=row["currency"],
            date=date.fromisoformat(row["date"]),
            amount=row["amount"],
            payee=row["payee_name"],
            category_id=row["category_id"],
            memo=row["memo"],
            tags=tags.get(row["id"], []),
            status=row["status"],
            splits=splits.get(row["id"], []),
            transfer_id=row["transfer_id"],
            transfer_account_id=row["transfer_account_id"],
            import_id=row["import_id"],
            revision=row["revision"],
            created_at=from_iso(row["created_at"]),
            updated_at=from_iso(row["updated_at"]),
        )
        for row in rows
    ]


def get_transaction(conn: sqlite3.Connection, book_id: int, transaction_id: int) -> Transaction:
    """Return one transaction of the book, or NotFound."""
    row = conn.execute(
        SELECT_TRANSACTIONS + " WHERE t.id = ? AND t.book_id = ?", [transaction_id, book_id]
    ).fetchone()
    if row is None:
        raise NotFound(
            _l(
                "No transaction with id %(transaction_id)s in this book.",
                transaction_id=transaction_id,
            )
        )
    return load_transactions(conn, [row])[0]


# --- keeping totals, months and the search index in step -------------------------------------


def _unapply(db: sqlite_utils.Database, transaction_id: int) -> None:
    """Take a stored row's amount out of the kept totals (before it changes or goes)."""
    old = db.execute(
        "SELECT account_id, date, amount, status FROM transactions WHERE id = ?",
        [transaction_id],
    ).fetchone()
    apply_to_totals(db, old["account_id"], old["date"], old["amount"], old["status"], -1)


# --- writing -----------------------------------------------------------------------------------


def _write(
    db: sqlite_utils.Database,
    book_id: int,
    now: datetime,
    *,
    transaction_id: int | None,
    account_id: int,
    day: str,
    amount: int,
    status: str,
    payee: str | None,
    memo: str,
    category_id: int | None = None,
    tags: list[str] | None = None,
    splits: list[Split] | None = None,
) -> int:
    """Insert or rewrite one row with its splits, tags and kept totals.

    The search index follows the row by itself: triggers of migration m0003 keep it in step.
    """
    payee_id = payee_id_for(db, book_id, payee)
    values = {
        "account_id": account_id,
        "date": day,
        "amount": amount,
        "payee_id": payee_id,
        "category_id": category_id,
        "memo": memo,
        "status": status,
        "updated_at": to_iso(now),
    }
    if transaction_id is None:
        transaction_id = (
            db["transactions"]
            .insert({**values, "book_id": book_id, "created_at": to_iso(now)})
            .last_pk
        )
    else:
        _unapply(db, transaction_id)
        db.execute("UPDATE transactions SET revision = revision + 1 WHERE id = ?", [transaction_id])
        db["transactions"].update(transaction_id, values)
        db.execute("DELETE FROM splits WHERE transaction_id = ?", [transaction_id])
        if tags is not None:
            db.execute("DELETE FROM transaction_tags WHERE transaction_id = ?", [transaction_id])
    apply_to_totals(db, account_id, day, amount, status, 1)
    db["splits"].insert_all(
        {
            "transaction_id": transaction_id,
            "category_id": s.category_id,
            "amount": s.amount,
            "memo": s.memo,
            "position": position,
        }
        for position, s in enumerate(splits or [])
    )
    if tags is not None:  # None: keep the row's tags as they are
        db["transaction_tags"].insert_all(
            {"transaction_id": transaction_id, "tag_id": tag_id}
            for tag_id in tag_ids_for(db, book_id, tags)
        )
    return transaction_id


def _remove(db: sqlite_utils.Database, transaction_id: int) -> None:
    """Delete one row and take it out of the totals (triggers take it out of the index)."""
    _unapply(db, transaction_id)
    db.execute("DELETE FROM transactions WHERE id = ?", [transaction_id])


def _link(db: sqlite_utils.Database, first: int, second: int | None) -> None:
    db.execute("UPDATE transactions SET transfer_id = ? WHERE id = ?", [second, first])
    if second is not None:
        db.execute("UPDATE transactions SET transfer_id = ? WHERE id = ?", [first, second])


def _save(
    db: sqlite_utils.Database,
    book_id: int,
    r: Resolved,
    now: datetime,
    current: Transaction | None,
) -> int:
    """Store a resolved transaction and keep its transfer's other side consistent."""
    transaction_id = _write(
        db,
        book_id,
        now,
        transaction_id=current.id if current else None,
        account_id=r.account_id,
        day=r.date,
        amount=r.amount,
        status=r.status,
        payee=r.payee,
        memo=r.memo,
        category_id=r.category_id,
        tags=r.tags,
        splits=r.splits,
    )
    other_id = current.transfer_id if current else None
    if r.transfer_account_id is None:
        if other_id is not None:
            _link(db, transaction_id, None)
            db.execute("UPDATE transactions SET transfer_id = NULL WHERE id = ?", [other_id])
            _remove(db, other_id)
        return transaction_id
    if other_id is None:
        other_status = r.status  # a new other side starts as far along as this one
        other_amount = r.transfer_amount
    else:
        other = db.execute(
            "SELECT status, amount FROM transactions WHERE id = ?", [other_id]
        ).fetchone()
        other_status = other["status"]
        other_amount = r.transfer_amount if r.transfer_amount is not None else other["amount"]
    new_other = _write(
        db,
        book_id,
        now,
        transaction_id=other_id,
        account_id=r.transfer_account_id,
        day=r.date,
        amount=other_amount,
        status=other_status,
        payee=r.payee,
        memo=r.memo,
    )
    _link(db, transaction_id, new_other)
    return transaction_id


def create_transaction(
    database: Database, book_id: int, data: TransactionInput, *, now: datetime
) -> Transaction:
    """Record a transaction (with splits, or as a transfer creating its other side)."""
    with database.write() as db:
        return create_in_write(db, book_id, data, now)


def create_in_write(
    db: sqlite_utils.Database, book_id: int, data: TransactionInput, now: datetime
) -> Transaction:
    """Record a new transaction inside the caller's write transaction, checked and run
    through the book's rules as any new one is."""
    resolved = _with_rules(db, book_id, resolve(db, book_id, data, None, today=local_date(now)))
    transaction_id = _save(db, book_id, resolved, now, None)
    return get_transaction(db.conn, book_id, transaction_id)


def _with_rules(db: sqlite_utils.Database, book_id: int, new: Resolved) -> Resolved:
    """A new transaction as the book's rules make it: the payee they name, the tags they add,
    and their category unless one was given."""
    rules = rule_set(db.conn, book_id)
    if not rules:
        return new
    after = rules.run(
        Subject(
            new.account_id,
            Decimal(new.amount).scaleb(-minor_digits(new.currency)),
            new.payee or "",
            new.category_id,
            tuple(new.tags),
            categorizable=not new.splits and new.transfer_account_id is None,
        )
    )
    return replace(
        new,
        payee=after.payee or None,
        category_id=new.category_id if new.category_id is not None else after.category_id,
        tags=list(after.tags),
    )


def update_transaction(
    database: Database,
    book_id: int,
    transaction_id: int,
    data: TransactionInput,
    *,
    now: datetime,
    if_match: str | None = None,
) -> Transaction:
    """Change a transaction; a transfer's other side follows (date, amount, account)."""
    with database.write() as db:
        current = get_transaction(db.conn, book_id, transaction_id)
        check_if_match(if_match, current.etag, "transaction")
        _change(db, book_id, data, current, now)
        return get_transaction(db.conn, book_id, transaction_id)


def _change(
    db: sqlite_utils.Database,
    book_id: int,
    data: TransactionInput,
    current: Transaction,
    now: datetime,
) -> None:
    """Store `current` changed by `data`; a change that moves a reconciled row is refused
    unless `data` unlocks it."""
    resolved = resolve(db, book_id, data, current, today=local_date(now))
    if not data.unlock_reconciled:
        other = None
        if current.transfer_id is not None:
            other = db.execute(
                "SELECT id, account_id, date, amount, status FROM transactions WHERE id = ?",
                [current.transfer_id],
            ).fetchone()
        refuse_locked_change(db.conn, current, resolved, other)
    _save(db, book_id, resolved, now, current)


def delete_transactions(
    database: Database,
    book_id: int,
    transaction_ids: list[int],
    *,
    if_match: str | None = None,
    unlock_reconciled: bool = False,
) -> int:
    """Delete transactions (and the other side of transfers) all together; return how many.
    Reconciled ones only when unlocked."""
    with database.write() as db:
        doomed: set[int] = set()
        for transaction_id in transaction_ids:
            current = get_transaction(db.conn, book_id, transaction_id)
            if len(transaction_ids) == 1:
                check_if_match(if_match, current.etag, "transaction")
            doomed.add(current.id)
            if current.transfer_id is not None:
                doomed.add(current.transfer_id)
        if not unlock_reconciled:
            refuse_if_reconciled(db.conn, doomed, unlock_to("delete it"))
        for transaction_id in sorted(doomed):
            db.execute("UPDATE transactions SET transfer_id = NULL WHERE id = ?", [transaction_id])
        for transaction_id in sorted(doomed):
            _remove(db, transaction_id)
        return len(doomed)


@dataclass(frozen=True)
class BulkChange:
    """One change for many transactions: a category (or none, with `uncategorize`), tags to
    add, a status (away from reconciled only when unlocked)."""

    ids: list[int]
    category_id: int | None = None
    uncategorize: bool = False
    add_tags: list[str] | None = None
    status: str | None = None
    unlock_reconciled: bool = False


def bulk_update(database: Database, book_id: int, change: BulkChange, *, now: datetime) -> int:
    """Apply `change` to each of its transactions, all or none; return how many."""
    problems = Problems()
    add_tags = check.tags(change.add_tags, "add_tags", problems, each=True)
    problems.raise_if_any(_l("The transactions cannot be changed that way."))
    with database.write() as db:
        cleared = frozenset({"category_id"}) if change.uncategorize else frozenset()
        data = TransactionInput(
            category_id=change.category_id,
            status=change.status,
            cleared=cleared,
            unlock_reconciled=change.unlock_reconciled,
        )
        for transaction_id in change.ids:
            update_in_write(db, book_id, transaction_id, data, now, add_tags=add_tags)
        return len(change.ids)


def update_in_write(
    db: sqlite_utils.Database,
    book_id: int,
    transaction_id: int,
    data: TransactionInput,
    now: datetime,
    *,
    add_tags: list[str] | None = None,
) -> None:
    """Change one transaction inside the caller's write transaction, adding `add_tags` to the
    tags it has."""
    current = get_transaction(db.conn, book_id, transaction_id)
    if data.category_id is not None and (current.transfer_id or current.splits):
        raise ValidationFailed.on(
            "category_id",
            _l(
                "Transaction %(transaction_id)s is a transfer or split: it takes no category.",
                transaction_id=transaction_id,
            ),
        )
    if add_tags:  # tag_ids_for keeps the first spelling
        data = replace(data, tags=[*current.tags, *add_tags])
    _change(db, book_id, data, current, now)
