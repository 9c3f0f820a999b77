"""Accounts: where money is kept, each in one currency, with balances kept exact."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from server.clock import from_iso, local_date, local_today, to_iso
from server.db import Database
from server.domain import validation as check
from server.domain.books import check_if_match
from server.domain.currencies import UNKNOWN_CURRENCY, is_currency
from server.domain.field_rules import choice_rule
from server.domain.labels import find_named
from server.domain.money import AmountError, parse_amount, parse_money_field
from server.domain.validation import Problems
from server.errors import Conflict, NotFound, ValidationFailed
from server.translatable import _l

NAME_TAKEN = _l("This book already has an account of that name.")
ACCOUNT_TYPES = ("checking", "savings", "credit_card", "cash", "investment", "loan", "other")
TYPE_TEXT_MAX = 50  # a bound on a type as sent; anything but one of ACCOUNT_TYPES is refused


@dataclass(frozen=True)
class Account:
    """An account with its balances in minor units of its currency.

    Its balances are as of `as_of` (today where the server runs): transactions dated after it,
    and an opening balance whose opening date is after it, are not in them yet; they are in
    `balance_projected` and, apart, in `upcoming_count` and `upcoming_total`.
    """

    id: int
    book_id: int
    name: str
    type: str
    currency: str
    opening_balance: int
    opening_date: date
    archived: bool
    as_of: date
    balance: int
    cleared_balance: int
    reconciled_balance: int
    balance_projected: int  # everything, rows dated ahead too
    upcoming_count: int  # transactions dated after `as_of`
    upcoming_total: int  # what lies ahead: balance_projected - balance
    revision: int
    created_at: datetime
    updated_at: datetime

    @property
    def etag(self) -> str:
        """Return the entity tag of the account's current state (balances included)."""
        balances = f"{self.balance}-{self.cleared_balance}-{self.reconciled_balance}"
        return f'"account-{self.id}-{self.revision}-{balances}-{self.balance_projected}"'


# The account `a`'s kept all-time totals with what its transactions dated after :today add to
# them taken apart (read through the (account_id, date) index, so only the rows ahead are read).
_SELECT_ACCOUNTS = """
SELECT a.*, coalesce(f.total, 0) AS ahead_total, coalesce(f.cleared, 0) AS ahead_cleared,
       coalesce(f.reconciled, 0) AS ahead_reconciled, coalesce(f.count, 0) AS ahead_count
FROM accounts a LEFT JOIN (
    SELECT account_id, sum(amount) AS total,
           sum(amount) FILTER (WHERE status IN ('cleared', 'reconciled')) AS cleared,
           sum(amount) FILTER (WHERE status = 'reconciled') AS reconciled, count(*) AS count
    FROM transactions WHERE book_id = :book AND date > :today AND {ahead}
    GROUP BY account_id
) f ON f.account_id = a.id
WHERE a.book_id = :book AND {accounts}
"""


def _from_row(row: sqlite3.Row, today: date) -> Account:
    opening = row["opening_balance"]
    opening_date = date.fromisoformat(row["opening_date"])
    opened = opening if opening_date <= today else 0  # an opening dated ahead is ahead too
    balance = opened + row["total"] - row["ahead_total"]
    projected = opening + row["total"]
    return Account(
        id=row["id"],
        book_id=row["book_id"],
        name=row["name"],
        type=row["type"],
        currency=row["currency"],
        opening_balance=opening,
        opening_date=opening_date,
        archived=bool(row["archived"]),
        as_of=today,
        balance=balance,
        cleared_balance=opened + row["cleared_total"] - row["ahead_cleared"],
        reconciled_balance=opened + row["reconciled_total"] - row["ahead_reconciled"],
        balance_projected=projected,
        upcoming_count=row["ahead_count"],
        upcoming_total=projected - balance,
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
    confirm_far_date: bool = False  # an opening date more than a year ahead is meant


@dataclass(frozen=True)
class AccountChanges:
    """Changes to an account as the client sends them; None leaves a field as it is."""

    name: str | None = None
    type: str | None = None
    opening_balance: str | None = None
    opening_date: date | None = None
    archived: bool | None = None
    confirm_far_date: bool = False  # an opening date more than a year ahead is meant


def check_account_fields(
    name: str | None, account_type: str | None, currency: str | None, problems: Problems
) -> str | None:
    """Collect what is wrong with an account's fields (None means not given); return the name
    stripped ("" if refused)."""
    cleaned = None if name is None else check.name(name, "name", problems, of="account")
    if account_type is not None and account_type not in ACCOUNT_TYPES:
        problems.add("type", choice_rule(ACCOUNT_TYPES))
    if currency is not None and not is_currency(currency):
        problems.add("currency", UNKNOWN_CURRENCY)
    return cleaned


def _check_opening_date(
    day: date | None, confirmed: bool, now: datetime, problems: Problems
) -> None:
    """An opening date more than a year ahead needs the client's confirmation."""
    check.far_ahead(day, "opening_date", problems, today=local_date(now), confirmed=confirmed)


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
                problems.add("opening_balance", error.message)
        problems.check(not name or not _name_taken(db, book_id, name), "name", NAME_TAKEN)
        _check_opening_date(account.opening_date, account.confirm_far_date, now, problems)
        problems.raise_if_any(_l("The account cannot be created as given."))
        opening_date = account.opening_date or local_date(now)
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
        return _get(db.conn, book_id, account_id, local_date(now))


def _book_currency(db: sqlite_utils.Database, book_id: int) -> str:
    return db.execute("SELECT currency FROM books WHERE id = ?", [book_id]).fetchone()[0]


def _get(conn: sqlite3.Connection, book_id: int, account_id: int, today: date) -> Account:
    sql = _SELECT_ACCOUNTS.format(ahead="account_id = :account", accounts="a.id = :account")
    row = conn.execute(
        sql, {"book": book_id, "account": account_id, "today": str(today)}
    ).fetchone()
    if row is None:
        raise NotFound(_l("No account with id %(account_id)s in this book.", account_id=account_id))
    return _from_row(row, today)


def get_account(conn: sqlite3.Connection, book_id: int, account_id: int, *, today: date) -> Account:
    """Return an account of the book with its balances as of `today` (the caller has checked
    membership)."""
    return _get(conn, book_id, account_id, today)


def list_accounts(
    conn: sqlite3.Connection, book_id: int, *, today: date, include_archived: bool = True
) -> list[Account]:
    """Return the book's accounts in the order they were opened, balances as of `today`."""
    sql = _SELECT_ACCOUNTS.format(ahead="1", accounts="(:archived OR a.archived = 0)")
    rows = conn.execute(
        sql + " ORDER BY a.id",
        {"book": book_id, "today": str(today), "archived": include_archived},
    ).fetchall()
    return [_from_row(row, today) for row in rows]


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
        account = _get(db.conn, book_id, account_id, local_date(now))
        if changes.opening_date != account.opening_date:
            _check_opening_date(changes.opening_date, changes.confirm_far_date, now, problems)
        problems.raise_if_any(_l("The account cannot be changed that way."))
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
        return _get(db.conn, book_id, account_id, local_date(now))


def delete_account(
    database: Database, book_id: int, account_id: int, *, if_match: str | None = None
) -> None:
    """Delete an account that has no transactions (archive it otherwise)."""
    with database.write() as db:
        account = _get(db.conn, book_id, account_id, local_today())
        check_if_match(if_match, account.etag, "account")
        used = db.execute(
            "SELECT count(*) FROM transactions WHERE account_id = ?", [account_id]
        ).fetchone()[0]
        if used:
            raise Conflict(
                _l(
                    "The account has %(used)s transactions, so it cannot be deleted; "
                    "archive it instead (it keeps its history and leaves the lists).",
                    used=used,
                )
            )
        db.execute("DELETE FROM account_months WHERE account_id = ?", [account_id])
        db.execute("DELETE FROM accounts WHERE id = ?", [account_id])
