"""Transactions: splits, transfers, tags and search, with account balances kept exact.

Every change goes through one write transaction that also updates the account totals, the
per-month totals and the search index, so they can never disagree with the rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

import sqlite_utils

from server.clock import from_iso, to_iso
from server.db import Database
from server.db.kept_sums import apply_to_totals
from server.domain.books import CAN_WRITE, check_if_match, require_role
from server.domain.currencies import minor_digits
from server.domain.labels import payee_id_for, tag_ids_for
from server.domain.money import AmountError, parse_amount
from server.domain.rules import Subject, rule_set
from server.errors import FieldError, NotFound, ValidationFailed

# What is in an archived account stays editable; nothing new goes in.
ARCHIVED = "The account is archived: restore it before adding transactions to it."
STATUSES = ("uncleared", "cleared", "reconciled")
MAX_SPLITS = 100


@dataclass(frozen=True)
class Split:
    """A part of a transaction's amount in one category."""

    category_id: int | None
    amount: int
    memo: str = ""


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


@dataclass(frozen=True)
class SplitInput:
    """A split as the client sends it (amount as a decimal string)."""

    amount: str
    category_id: int | None = None
    memo: str = ""


@dataclass(frozen=True)
class TransactionInput:
    """A transaction as the client sends it; None in an update means "leave as it is"."""

    account_id: int | None = None
    date: date | None = None
    amount: str | None = None
    payee: str | None = None
    category_id: int | None = None
    memo: str | None = None
    tags: list[str] | None = None
    status: str | None = None
    splits: list[SplitInput] | None = None
    transfer_account_id: int | None = None
    # The other side's amount of a transfer between accounts of different currencies.
    transfer_amount: str | None = None
    # Fields the client sent explicitly as null (to clear them), e.g. {"category_id"}.
    cleared: frozenset[str] = field(default_factory=frozenset)


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
        raise NotFound(f"No transaction with id {transaction_id} in this book.")
    return load_transactions(conn, [row])[0]


# --- keeping totals, months and the search index in step -------------------------------------


def _unapply(db: sqlite_utils.Database, transaction_id: int) -> None:
    """Take a stored row's amount out of the kept totals (before it changes or goes)."""
    old = db.execute(
        "SELECT account_id, date, amount, status FROM transactions WHERE id = ?",
        [transaction_id],
    ).fetchone()
    apply_to_totals(db, old["account_id"], old["date"], old["amount"], old["status"], -1)


# --- validation --------------------------------------------------------------------------------


def _account(db: sqlite_utils.Database, book_id: int, account_id: int, field_name: str):
    row = db.execute(
        "SELECT id, currency, archived FROM accounts WHERE id = ? AND book_id = ?",
        [account_id, book_id],
    ).fetchone()
    if row is None:
        raise ValidationFailed.on(field_name, f"This book has no account with id {account_id}.")
    return row


def _check_category(
    db: sqlite_utils.Database,
    book_id: int,
    category_id: int | None,
    field_name: str,
    problems: list[FieldError],
) -> None:
    if category_id is None:
        return
    found = db.execute(
        "SELECT 1 FROM categories WHERE id = ? AND book_id = ?", [category_id, book_id]
    ).fetchone()
    if not found:
        problems.append(FieldError(field_name, f"This book has no category with id {category_id}."))


def _money(text: str, currency: str, field_name: str, problems: list[FieldError]) -> int:
    try:
        return parse_amount(text, currency)
    except AmountError as error:
        problems.append(FieldError(field_name, str(error)))
        return 0


@dataclass
class _Resolved:
    """A fully validated transaction, ready to store (one side of a transfer)."""

    account_id: int
    currency: str
    date: str
    amount: int
    payee: str | None
    category_id: int | None
    memo: str
    tags: list[str]
    status: str
    splits: list[Split]
    transfer_account_id: int | None
    transfer_amount: int | None


def _resolve(
    db: sqlite_utils.Database, book_id: int, data: TransactionInput, current: Transaction | None
) -> _Resolved:
    """Merge an input with the current state (for updates) and validate all of it."""
    problems: list[FieldError] = []

    def pick(name: str, default: object) -> object:
        value = getattr(data, name)
        if name in data.cleared:
            return None
        return value if value is not None else default

    account_id = pick("account_id", current.account_id if current else None)
    if account_id is None:
        raise ValidationFailed.on("account_id", "Choose the account.")
    account = _account(db, book_id, account_id, "account_id")
    if account["archived"] and (current is None or current.account_id != account_id):
        problems.append(FieldError("account_id", ARCHIVED))
    currency = account["currency"]
    day = pick("date", current.date if current else None)
    if day is None:
        problems.append(FieldError("date", "Give the date."))
    amount_text = data.amount
    moved_currency = current is not None and current.currency != currency
    if amount_text is not None:
        amount = _money(amount_text, currency, "amount", problems)
    elif moved_currency:
        amount = 0
        problems.append(
            FieldError(
                "amount", f"Give the amount in {currency}: that account has another currency."
            )
        )
    elif current is not None:
        amount = current.amount
    else:
        amount = 0
        problems.append(FieldError("amount", "Give the amount, e.g. -12.34."))
    memo = (pick("memo", current.memo if current else "") or "").strip()
    if len(memo) > 1000:
        problems.append(FieldError("memo", "Keep the memo under 1000 characters."))
    status = pick("status", current.status if current else "uncleared")
    if status not in STATUSES:
        problems.append(FieldError("status", f"Use one of: {', '.join(STATUSES)}."))
    category_id = pick("category_id", current.category_id if current else None)
    _check_category(db, book_id, category_id, "category_id", problems)

    if data.splits is not None:
        splits = []
        if len(data.splits) > MAX_SPLITS:
            problems.append(FieldError("splits", f"Use at most {MAX_SPLITS} splits."))
        for index, item in enumerate(data.splits):
            split_amount = _money(item.amount, currency, f"splits.{index}.amount", problems)
            _check_category(db, book_id, item.category_id, f"splits.{index}.category_id", problems)
            splits.append(Split(item.category_id, split_amount, (item.memo or "").strip()))
    elif current is not None and "splits" not in data.cleared:
        splits = list(current.splits)
        if splits and moved_currency:
            problems.append(FieldError("splits", f"Give the splits in {currency} too."))
    else:
        splits = []
    if len(splits) == 1:
        problems.append(FieldError("splits", "A split needs at least two parts."))
    if splits and sum(s.amount for s in splits) != amount:
        problems.append(
            FieldError("splits", "The splits must add up exactly to the transaction's amount.")
        )
    if splits and category_id is not None:
        if data.category_id is not None:
            problems.append(FieldError("category_id", "A split transaction has no category."))
        category_id = None  # the splits replace the former category

    transfer_account_id = pick(
        "transfer_account_id", current.transfer_account_id if current else None
    )
    transfer_amount = None
    if transfer_account_id is not None:
        other = _account(db, book_id, transfer_account_id, "transfer_account_id")
        if other["archived"] and (current is None or current.transfer_account_id != other["id"]):
            problems.append(FieldError("transfer_account_id", ARCHIVED))
        if transfer_account_id == account_id:
            problems.append(FieldError("transfer_account_id", "Transfer to another account."))
        if category_id is not None or splits:
            problems.append(FieldError("category_id", "A transfer has no category or splits."))
        if other["currency"] == currency:
            transfer_amount = -amount
        elif data.transfer_amount is not None:
            transfer_amount = _money(
                data.transfer_amount, other["currency"], "transfer_amount", problems
            )
            if transfer_amount and amount and (transfer_amount > 0) == (amount > 0):
                problems.append(
                    FieldError(
                        "transfer_amount", "The other side of a transfer has the opposite sign."
                    )
                )
        elif (
            current is not None
            and current.transfer_id is not None
            and current.transfer_account_id == transfer_account_id
            and data.amount is None
        ):
            transfer_amount = None  # unchanged: the other side keeps its amount
        else:
            problems.append(
                FieldError(
                    "transfer_amount",
                    f"Give the amount in {other['currency']} too: "
                    "the accounts have different currencies.",
                )
            )
    if problems:
        raise ValidationFailed("The transaction cannot be saved as given.", errors=problems)
    return _Resolved(
        account_id=account_id,
        currency=currency,
        date=day.isoformat(),
        amount=amount,
        payee=pick("payee", current.payee if current else None),
        category_id=category_id,
        memo=memo,
        tags=pick("tags", current.tags if current else []) or [],
        status=status,
        splits=splits,
        transfer_account_id=transfer_account_id,
        transfer_amount=transfer_amount,
    )


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
    r: _Resolved,
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
    database: Database, user_id: int, book_id: int, data: TransactionInput, now: datetime
) -> Transaction:
    """Record a transaction (with splits, or as a transfer creating its other side)."""
    with database.write() as db:
        require_role(db.conn, user_id, book_id, CAN_WRITE)
        return create_in_write(db, book_id, data, now)


def create_in_write(
    db: sqlite_utils.Database, book_id: int, data: TransactionInput, now: datetime
) -> Transaction:
    """Record a new transaction inside the caller's write transaction (no role check: the
    caller made it), checked and run through the book's rules as any new one is."""
    resolved = _with_rules(db, book_id, _resolve(db, book_id, data, None))
    transaction_id = _save(db, book_id, resolved, now, None)
    return get_transaction(db.conn, book_id, transaction_id)


def _with_rules(db: sqlite_utils.Database, book_id: int, new: _Resolved) -> _Resolved:
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
    user_id: int,
    book_id: int,
    transaction_id: int,
    data: TransactionInput,
    now: datetime,
    if_match: str | None = None,
) -> Transaction:
    """Change a transaction; a transfer's other side follows (date, amount, account)."""
    with database.write() as db:
        require_role(db.conn, user_id, book_id, CAN_WRITE)
        current = get_transaction(db.conn, book_id, transaction_id)
        check_if_match(if_match, current.etag, "transaction")
        resolved = _resolve(db, book_id, data, current)
        _save(db, book_id, resolved, now, current)
        return get_transaction(db.conn, book_id, transaction_id)


def delete_transactions(
    database: Database,
    user_id: int,
    book_id: int,
    transaction_ids: list[int],
    if_match: str | None = None,
) -> int:
    """Delete transactions (and the other side of transfers) all together; return how many."""
    with database.write() as db:
        require_role(db.conn, user_id, book_id, CAN_WRITE)
        doomed: set[int] = set()
        for transaction_id in transaction_ids:
            current = get_transaction(db.conn, book_id, transaction_id)
            if len(transaction_ids) == 1:
                check_if_match(if_match, current.etag, "transaction")
            doomed.add(current.id)
            if current.transfer_id is not None:
                doomed.add(current.transfer_id)
        for transaction_id in sorted(doomed):
            db.execute("UPDATE transactions SET transfer_id = NULL WHERE id = ?", [transaction_id])
        for transaction_id in sorted(doomed):
            _remove(db, transaction_id)
        return len(doomed)


def bulk_update(
    database: Database,
    user_id: int,
    book_id: int,
    transaction_ids: list[int],
    now: datetime,
    *,
    category_id: int | None = None,
    uncategorize: bool = False,
    add_tags: list[str] | None = None,
    status: str | None = None,
) -> int:
    """Set (or, with `uncategorize`, take away) the category, add tags or set the status of
    many transactions at once."""
    with database.write() as db:
        require_role(db.conn, user_id, book_id, CAN_WRITE)
        cleared = frozenset({"category_id"}) if uncategorize else frozenset()
        data = TransactionInput(category_id=category_id, status=status, cleared=cleared)
        for transaction_id in transaction_ids:
            update_in_write(db, book_id, transaction_id, data, now, add_tags=add_tags)
        return len(transaction_ids)


def update_in_write(
    db: sqlite_utils.Database,
    book_id: int,
    transaction_id: int,
    data: TransactionInput,
    now: datetime,
    *,
    add_tags: list[str] | None = None,
) -> None:
    """Change one transaction inside the caller's write transaction (no role check: the
    caller made it), adding `add_tags` to the tags it has."""
    current = get_transaction(db.conn, book_id, transaction_id)
    if data.category_id is not None and (current.transfer_id or current.splits):
        raise ValidationFailed.on(
            "category_id",
            f"Transaction {transaction_id} is a transfer or split: it takes no category.",
        )
    if add_tags:  # tag_ids_for keeps the first spelling
        data = replace(data, tags=[*current.tags, *add_tags])
    _save(db, book_id, _resolve(db, book_id, data, current), now, current)
