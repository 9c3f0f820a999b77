"""Accounts: where money is kept, each in one currency, with balances kept exact."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from server.clock import from_iso, to_iso
from server.db import Database
from server.domain import validation as check
from server.domain.books import check_if_match
from server.domain.currencies import UNKNOWN_CURRENCY, is_currency
from server.domain.labels import find_named
from server.domain.money import AmountError, parse_amount, parse_money_field
from server.domain.validation import Problems
from server.errors import Conflict, NotFound, ValidationFailed

NAME_TAKEN = "This book already has an account of that name."
ACCOUNT_TYPES = ("checking", "savings", "credit_card", "cash", "investment", "loan", "other")
TYPE_TEXT_MAX = 50  # a bound on a type as sent; anything but one of ACCOUNT_TYPES is refused


@dataclass(frozen=True)
class Account:
    """An account with its balances in minor units of its currency."""

    id: int
    book_id: int
    name: str
    type: str
    currency: str
    opening_balance: int
    opening_date: date
    archived: bool
    balance: int
    cleared_balance: int
    reconciled_balance: int
    revision: int
    created_at: datetime
    updated_at: datetime

    @property
    def etag(self) -> str:
        """Return the entity tag of the account's current state (balances included)."""
        balances = f"{self.balance}-{self.cleared_balance}-{self.reconciled_balance}"
        return f'"account-{self.id}-{self.revision}-{balances}"'


def _from_row(row: sqlite3.Row) -> Account:
    opening = row["opening_balance"]
    return Account(
        id=row["id"],
        book_id=row["book_id"],
        name=row["name"],
        type=row["type"],
        currency=row["currency"],
        opening_balance=opening,
        opening_date=date.fromisoformat(row["opening_date"]),
        archived=bool(row["archived"]),
        balance=opening + row["total"],
        cleared_balance=opening + row["cleared_total"],
        reconciled_balance=opening + row["reconciled_total"],
        revision=row["revision"],
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )


@dataclass(frozen=True)
class AccountInput:
    """An account as the client opens it (the opening balance as a decimal string)."""

    name: str
    type: str
    currency: str | None = None  # default: the book's
    opening_balance: str = "0"
    opening_date: date | None = None  # default: the day of `now`


@dataclass(frozen=True)
class AccountChanges:
    """Changes to an account as the client sends them; None leaves a field as it is."""

    name: str | None = None
    type: str | None = None
    opening_balance: str | None = None
    opening_date: date | None = None
    archived: bool | None = None


def check_account_fields(
    name: str | None, account_type: str | None, currency: str | None, problems: Problems
) -> str | None:
    """Collect what is wrong with an account's fields (None means not given); return the name
    stripped ("" if refused)."""
    cleaned = None if name is None else check.name(name, "name", problems, of="account")
    if account_type is not None and account_type not in ACCOUNT_TYPES:
        problems.add("type", f"Use one of: {', '.join(ACCOUNT_TYPES)}.")
    if currency is not None and not is_currency(currency):
        problems.add("currency", UNKNOWN_CURRENCY)
    return cleaned


def _name_taken(db: sqlite_utils.Database, book_id: int, name: str, except_id: int = 0) -> bool:
    return find_named(db, "accounts", book_id, name, exclude=except_id) is not None


def create_account(
    database: Database, book_id: int, account: AccountInput, *, now: datetime
) -> Account:
    """Open an account in a book, in the book's currency unless it names another."""
    with database.write() as db:
        currency = account.currency or _book_currency(db, book_id)
        problems = Problems()
        name = check_account_fields(account.name, account.type, currency, problems)
        opening_minor = 0
        if is_currency(currency):
            try:
                opening_minor = parse_amount(account.opening_balance, currency)
            except AmountError as error:
                problems.add("opening_balance", str(error))
        problems.check(not name or not _name_taken(db, book_id, name), "name", NAME_TAKEN)
        problems.raise_if_any("The account cannot be created as given.")
        opening_date = account.opening_date or now.date()
        account_id = (
            db["accounts"]
            .insert(
                {
                    "book_id": book_id,
                    "name": name,
                    "type": account.type,
                    "currency": currency,
                    "opening_balance": opening_minor,
                    "opening_date": opening_date.isoformat(),
                    "created_at": to_iso(now),
                    "updated_at": to_iso(now),
                }
            )
            .last_pk
        )
        return _get(db.conn, book_id, account_id)


def _book_currency(db: sqlite_utils.Database, book_id: int) -> str:
    return db.execute("SELECT currency FROM books WHERE id = ?", [book_id]).fetchone()[0]


def _get(conn: sqlite3.Connection, book_id: int, account_id: int) -> Account:
    row = conn.execute(
        "SELECT * FROM accounts WHERE id = ? AND book_id = ?", [account_id, book_id]
    ).fetchone()
    if row is None:
        raise NotFound(f"No account with id {account_id} in this book.")
    return _from_row(row)


def get_account(conn: sqlite3.Connection, book_id: int, account_id: int) -> Account:
    """Return an account of the book (the caller has checked membership)."""
    return _get(conn, book_id, account_id)


def list_accounts(
    conn: sqlite3.Connection, book_id: int, *, include_archived: bool = True
) -> list[Account]:
    """Return the book's accounts in the order they were opened."""
    rows = conn.execute(
        "SELECT * FROM accounts WHERE book_id = ? AND (? OR archived = 0) ORDER BY id",
        [book_id, include_archived],
    ).fetchall()
    return [_from_row(row) for row in rows]


def update_account(
    database: Database,
    book_id: int,
    account_id: int,
    changes: AccountChanges,
    *,
    now: datetime,
    if_match: str | None = None,
) -> Account:
    """Change an account's details; its currency is fixed once it has transactions."""
    with database.write() as db:
        problems = Problems()
        name = check_account_fields(changes.name, changes.type, None, problems)
        problems.raise_if_any("The account cannot be changed that way.")
        account = _get(db.conn, book_id, account_id)
        check_if_match(if_match, account.etag, "account")
        if name is not None and _name_taken(db, book_id, name, except_id=account_id):
            raise ValidationFailed.on("name", NAME_TAKEN)
        opening_balance = changes.opening_balance
        if opening_balance is not None:
            opening_minor = parse_money_field(opening_balance, account.currency, "opening_balance")
        row: dict[str, object] = {"revision": account.revision + 1, "updated_at": to_iso(now)}
        for column, value in (
            ("name", name),
            ("type", changes.type),
            ("opening_balance", opening_minor if opening_balance is not None else None),
            ("opening_date", changes.opening_date.isoformat() if changes.opening_date else None),
            ("archived", int(changes.archived) if changes.archived is not None else None),
        ):
            if value is not None:
                row[column] = value
        db["accounts"].update(account_id, row)
        return _get(db.conn, book_id, account_id)


def delete_account(
    database: Database, book_id: int, account_id: int, *, if_match: str | None = None
) -> None:
    """Delete an account that has no transactions (archive it otherwise)."""
    with database.write() as db:
        account = _get(db.conn, book_id, account_id)
        check_if_match(if_match, account.etag, "account")
        used = db.execute(
            "SELECT count(*) FROM transactions WHERE account_id = ?", [account_id]
        ).fetchone()[0]
        if used:
            raise Conflict(
                f"The account has {used} transactions, so it cannot be deleted; archive it "
                "instead (it keeps its history and leaves the lists)."
            )
        db.execute("DELETE FROM account_months WHERE account_id = ?", [account_id])
        db.execute("DELETE FROM accounts WHERE id = ?", [account_id])
