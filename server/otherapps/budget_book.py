"""A book file from an envelope-budgeting app (YNAB, YNAB 4, Actual Budget), for their readers.

These apps keep a register per account, as Tallybook does: each transaction is one account's
row, with a category or split parts, and a transfer is a row in each of the two accounts. A
reader names the accounts and categories, hands over each row as a `Row`, and the month's
assigned amounts as budgets; `build` pairs the transfers' two rows and has the book file written.
It is the register front of `book_document.BookDocument`, which writes the book file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from server.otherapps.book_document import DEFAULT_CURRENCY, BookDocument
from server.otherapps.foreign_book import ForeignBook


@dataclass(frozen=True)
class Part:
    """A part of a split row: in a category, or moved to another account (`transfer`)."""

    amount: Decimal
    category: str | None = None  # the reader's key of the category
    memo: str = ""
    transfer: str | None = None  # the reader's key of the other account
    payee: str | None = None


@dataclass(frozen=True)
class Row:
    """One transaction as the source's register shows it in one account."""

    account: str  # the reader's key of the account
    day: date
    amount: Decimal
    payee: str | None = None
    memo: str = ""
    status: str = "uncleared"
    category: str | None = None
    transfer: str | None = None  # the other account's key, when the row is a transfer
    parts: tuple[Part, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass
class _Side:
    """A transfer's row in one account, waiting for its partner in the other."""

    item: dict[str, Any]
    account: str
    other: str
    amount: Decimal
    day: date


@dataclass
class BudgetBook:
    """Collects a budgeting app's accounts, categories, rows and budgets into a book file."""

    app: str
    name: str
    currency: str | None  # None: the export does not say (DEFAULT_CURRENCY, and a note)
    notes: list[str] = field(default_factory=list)
    _book: BookDocument = field(init=False)
    _waiting: list[_Side] = field(default_factory=list)
    _counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._book = BookDocument(self.app)
        if self.currency is None:
            self.currency = DEFAULT_CURRENCY
            self.notes.append(
                f"The {self.app} export does not say which currency the budget is in; the book "
                f"is in {DEFAULT_CURRENCY}."
            )

    def account(self, key: str, name: str, kind: str, *, closed: bool = False) -> None:
        """Bring an account over (`kind` one of Tallybook's account types)."""
        self._book.account(key, name, kind, self.currency or DEFAULT_CURRENCY, closed=closed)

    def has_account(self, key: str) -> bool:
        """Whether the account `key` was brought over."""
        return key in self._book.accounts

    def category(
        self,
        key: str,
        group: str,
        name: str,
        kind: str,
        *,
        rollover: bool = False,
        hidden: bool = False,
    ) -> None:
        """Bring a category over into the group named `group` (made on first use); one the
        app hides comes archived."""
        self._book.group(group, ordered=True)
        self._book.category(key, group, name, kind, rollover=rollover, archived=hidden)

    def has_category(self, key: str) -> bool:
        """Whether the category `key` was brought over."""
        return key in self._book.categories

    def opening(self, account: str, amount: Decimal, day: date) -> None:
        """Add a starting balance to the account's opening balance (dated the earliest)."""
        self._book.open(account, amount, day)

    def budget(self, category: str, month: str, amount: Decimal) -> None:
        """Budget `amount` for the category in the month (YYYY-MM); a month's amounts add up."""
        self._book.budget(category, month, amount)

    def count(self, what: str, number: int = 1) -> None:
        """Count something the notes tell about, in plain words ("transfers with a category")."""
        self._counts[what] += number

    def add(self, row: Row) -> None:
        """Bring a register row over; split lines that move money to another account become
        transfers of their own, as Tallybook's split parts are in categories."""
        parts = tuple(p for p in row.parts if p.transfer is None)
        moved = [p for p in row.parts if p.transfer is not None]
        for part in moved:
            moved_row = replace(row, amount=part.amount, payee=part.payee, category=None, parts=())
            self._row(replace(moved_row, memo=part.memo or row.memo, transfer=part.transfer))
        if moved:
            self.count("split lines that moved money to another account, now transfers")
            if not parts:
                return
            row = replace(row, amount=sum((p.amount for p in parts), Decimal(0)))
        if len(parts) == 1:
            row = replace(row, memo=row.memo or parts[0].memo, category=parts[0].category)
            parts = ()
        self._row(replace(row, parts=parts))

    def _row(self, row: Row) -> None:
        item = self._book.transaction(
            row.account,
            row.day,
            row.amount,
            payee=row.payee,
            memo=row.memo,
            status=row.status,
            tags=list(row.tags),
            category=row.category,
            parts=[(p.amount, p.category, p.memo) for p in row.parts],
        )
        if row.transfer is not None and row.transfer in self._book.accounts:
            self._pair(_Side(item, row.account, row.transfer, row.amount, row.day))
        elif row.transfer is not None:
            self.count("transfers to an account that did not come over, kept as they are")

    def _pair(self, side: _Side) -> None:
        """Link a transfer's row with its partner's: the other account's row of the opposite
        amount, on the same day if there is one, else the nearest."""
        candidates = [
            w
            for w in self._waiting
            if w.account == side.other and w.other == side.account and w.amount == -side.amount
        ]
        if not candidates:
            self._waiting.append(side)
            return
        partner = min(candidates, key=lambda w: abs((w.day - side.day).days))
        self._waiting.remove(partner)
        self._book.pair(side.item, partner.item)
        for item in (side.item, partner.item):  # a transfer has no category in Tallybook
            if item["category"] is not None:
                self.count("transfers that had a category, kept as transfers without one")
                item["category"] = None

    def build(self, balances: dict[str, Decimal]) -> ForeignBook:
        """Return the book file, and the source's balances (by account key) by account name."""
        if self._waiting:  # a transfer whose other row is missing: kept as a plain row
            self.count("transfers whose other side was missing, kept as plain transactions")
        negative = sum(1 for a in self._book.budgets.values() if a < 0)
        if negative:
            self.count("budgeted amounts below zero, left out (a budget is zero or more)", negative)
        counted = [f"{what[0].upper()}{what[1:]}: {n}." for what, n in self._counts.items()]
        self._book.notes.extend(self.notes + counted)
        return self._book.build(self.name, self.currency, balances)
