"""What a transaction must be, checked in one place: the input a client sends, the rules every
transaction keeps (an amount in its account's currency, splits that add up, a transfer's two
sides), and `resolve`, which checks an input against the book and what is stored.

The rules are small functions over plain values, so a book file's transactions
(`book_check`) are held to exactly the rules the API's are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import sqlite_utils

from server.domain import validation
from server.domain.labels import clean_payee_name
from server.domain.validation import MEMO_MAX, Problems
from server.translatable import _l

if TYPE_CHECKING:
    from server.domain.transactions import Transaction

# What is in an archived account stays editable; nothing new goes in.
ARCHIVED = _l("The account is archived: restore it before adding transactions to it.")
STATUSES = ("uncleared", "cleared", "reconciled")
MAX_SPLITS = 100
REFUSED = _l("The transaction cannot be saved as given.")


@dataclass(frozen=True)
class Split:
    """A part of a transaction's amount in one category."""

    category_id: int | None
    amount: int
    memo: str = ""


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
    confirm_far_date: bool = False  # a date more than a year ahead is meant
    # Let a change move a reconciled row (its amount, date, account, status, its transfer's
    # other side): it breaks the reconciliation it was agreed in.
    unlock_reconciled: bool = False


# --- the rules, over plain values ----------------------------------------------------------------


def check_split_count(count: int, field_name: str, problems: Problems) -> bool:
    """A transaction has no splits, or 2 to MAX_SPLITS of them."""
    if count > MAX_SPLITS:
        problems.add(field_name, _l("Use at most %(max_splits)s splits.", max_splits=MAX_SPLITS))
        return False
    return problems.check(count != 1, field_name, _l("A split needs at least two parts."))


def check_splits_add_up(
    parts: Sequence[int | None], amount: int | None, field_name: str, problems: Problems
) -> None:
    """The parts of a split transaction add up exactly to its amount (unless one of them, or
    the amount, was refused already)."""
    if parts and amount is not None and None not in parts and sum(parts) != amount:  # type: ignore[arg-type]
        problems.add(field_name, _l("The splits must add up exactly to the transaction's amount."))


def check_transfer_sides(
    amount: int | None,
    other: int | None,
    *,
    same_currency: bool,
    field_name: str,
    problems: Problems,
) -> None:
    """A transfer's two sides move the same money: opposite amounts in one currency, amounts
    of opposite signs between two."""
    if amount is None or other is None:
        return
    if same_currency:
        problems.check(
            amount == -other, field_name, _l("A transfer's two sides are opposite amounts.")
        )
    else:
        problems.check(
            not (amount and other and (amount > 0) == (other > 0)),
            field_name,
            _l("The other side of a transfer has the opposite sign."),
        )


def memo(value: object, field_name: str, problems: Problems) -> str:
    """A memo, stripped, of at most MEMO_MAX characters, lines allowed ("" for none)."""
    return validation.text(value, field_name, problems, most=MEMO_MAX, lines=True) or ""


def payee(value: object, field_name: str, problems: Problems) -> str | None:
    """A payee's name as the book keeps it; a blank one is no payee."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return validation.label(value, field_name, problems, clean=clean_payee_name)


def status(value: object, field_name: str, problems: Problems) -> str:
    """One of STATUSES."""
    return validation.choice(value, field_name, problems, options=STATUSES) or STATUSES[0]


# --- an input against the book -------------------------------------------------------------------


@dataclass
class Resolved:
    """A fully checked transaction, ready to store (one side of a transfer)."""

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


def resolve(
    db: sqlite_utils.Database,
    book_id: int,
    data: TransactionInput,
    current: Transaction | None,
    *,
    today: date,
) -> Resolved:
    """Merge an input with the current state (for updates) and check all of it; a date moved
    more than a year after `today` needs `confirm_far_date`."""
    problems = Problems()
    conn = db.conn

    def pick(name: str, default: object) -> object:
        value = getattr(data, name)
        if name in data.cleared:
            return None
        return value if value is not None else default

    account_id = pick("account_id", current.account_id if current else None)
    account = validation.account(conn, book_id, account_id, "account_id", problems, required=True)
    if account is None:
        problems.raise_if_any(REFUSED)  # without the account, its currency decides nothing
    if account["archived"] and (current is None or current.account_id != account_id):
        problems.add("account_id", ARCHIVED)
    currency = account["currency"]
    day = pick("date", current.date if current else None)
    problems.check(day is not None, "date", _l("Give the date."))
    if current is None or day != current.date:
        validation.far_ahead(day, "date", problems, today=today, confirmed=data.confirm_far_date)
    moved_currency = current is not None and current.currency != currency
    if data.amount is not None:
        amount = validation.money(data.amount, "amount", problems, currency=currency)
    elif moved_currency:
        amount = None
        problems.add(
            "amount",
            _l(
                "Give the amount in %(currency)s: that account has another currency.",
                currency=currency,
            ),
        )
    elif current is not None:
        amount = current.amount
    else:
        amount = validation.money(None, "amount", problems, currency=currency)
    category_id = pick("category_id", current.category_id if current else None)
    validation.category(conn, book_id, category_id, "category_id", problems)

    if data.splits is not None:
        check_split_count(len(data.splits), "splits", problems)
        splits, part_amounts = [], []
        for index, item in enumerate(data.splits):
            at = f"splits.{index}"
            part = validation.money(item.amount, f"{at}.amount", problems, currency=currency)
            validation.category(conn, book_id, item.category_id, f"{at}.category_id", problems)
            note = memo(item.memo, f"{at}.memo", problems)
            splits.append(Split(item.category_id, part or 0, note))
            part_amounts.append(part)
    elif current is not None and "splits" not in data.cleared:
        splits = list(current.splits)
        part_amounts = [s.amount for s in splits]
        if splits and moved_currency:
            problems.add("splits", _l("Give the splits in %(currency)s too.", currency=currency))
    else:
        splits, part_amounts = [], []
    check_splits_add_up(part_amounts, amount, "splits", problems)
    if splits and category_id is not None:
        if data.category_id is not None:
            problems.add("category_id", _l("A split transaction has no category."))
        category_id = None  # the splits replace the former category

    transfer_account_id = pick(
        "transfer_account_id", current.transfer_account_id if current else None
    )
    transfer_amount = None
    if transfer_account_id is not None:
        other = validation.account(
            conn, book_id, transfer_account_id, "transfer_account_id", problems
        )
        problems.check(
            transfer_account_id != account_id,
            "transfer_account_id",
            _l("Transfer to another account."),
        )
        if other is not None:
            transfer_amount = _other_side(data, current, currency, amount, other, problems)
        if category_id is not None or splits:
            problems.add("category_id", _l("A transfer has no category or splits."))
    status_text = pick("status", current.status if current else STATUSES[0])
    resolved = Resolved(
        account_id=account_id,
        currency=currency,
        date=day.isoformat() if day else "",
        amount=amount or 0,
        payee=pick("payee", current.payee if current else None),
        category_id=category_id,
        memo=memo(pick("memo", current.memo if current else ""), "memo", problems),
        tags=pick("tags", current.tags if current else []) or [],
        status=status(status_text, "status", problems),
        splits=splits,
        transfer_account_id=transfer_account_id,
        transfer_amount=transfer_amount,
    )
    problems.raise_if_any(REFUSED)
    return resolved


def _other_side(
    data: TransactionInput,
    current: Transaction | None,
    currency: str,
    amount: int | None,
    other: sqlite3.Row,
    problems: Problems,
) -> int | None:
    """The amount of a transfer's other side, in `other`'s currency (None: it keeps the one it
    has, or it was refused)."""
    if other["archived"] and (current is None or current.transfer_account_id != other["id"]):
        problems.add("transfer_account_id", ARCHIVED)
    if other["currency"] == currency:
        return None if amount is None else -amount
    if data.transfer_amount is not None:
        theirs = validation.money(
            data.transfer_amount, "transfer_amount", problems, currency=other["currency"]
        )
        check_transfer_sides(
            amount, theirs, same_currency=False, field_name="transfer_amount", problems=problems
        )
        return theirs
    if (
        current is not None
        and current.transfer_id is not None
        and current.transfer_account_id == other["id"]
        and data.amount is None
    ):
        return None  # unchanged: the other side keeps its amount
    problems.add(
        "transfer_amount",
        _l(
            "Give the amount in %(currency)s too: the accounts have different currencies.",
            currency=other["currency"],
        ),
    )
    return None
