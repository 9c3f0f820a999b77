"""Turning another app's double-entry ledger into a Tallybook book file, for every reader.

A reader names the source's accounts (`account`), categories (`category`) and the equity
accounts that hold opening balances (`opening`), then hands over each source transaction as an
`Entry` of `Posting`s. The builder decides what each becomes in Tallybook, where each account
keeps its own side: one account and categories -> a transaction (a split when there are
several categories), two accounts -> a transfer, an opening-balance entry -> the accounts'
opening balances. What cannot come over is counted and said in the notes, never dropped quietly.
It is the double-entry front of `book_document.BookDocument`, which writes the book file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from server.otherapps.book_document import BookDocument, Part
from server.otherapps.foreign_book import ForeignBook


@dataclass(frozen=True)
class Posting:
    """One leg of a source transaction: an amount on a named source account."""

    account: str
    amount: Decimal
    currency: str
    status: str | None = None  # this leg's own status, where the source keeps one per leg
    memo: str = ""


@dataclass(frozen=True)
class Entry:
    """A source transaction: its legs add up to nothing (in one currency)."""

    day: date
    payee: str | None
    memo: str
    status: str
    tags: tuple[str, ...]
    postings: tuple[Posting, ...]


class BookBuilder:
    """Collects a source ledger's accounts, categories and entries into a book file."""

    def __init__(self, app: str) -> None:
        self.app = app
        self._book = BookDocument(app)
        self._openings: set[str] = set()
        self._names: set[str] = set()
        self._left_out: Counter[str] = Counter()  # why -> how many legs or entries
        self.notes = self._book.notes
        self.without_money: list[str] = []  # source accounts that hold no money to bring

    def account(self, source: str, name: str, kind: str, currency: str) -> str:
        """Bring the source account `source` over as an account; return the name it gets
        (the source's whole name when `name` is taken)."""
        given = name if name.casefold() not in self._names else source
        self._names.add(given.casefold())
        self._book.account(source, given, kind, currency)
        return given

    def close(self, source: str) -> None:
        """Keep the account `source` brought over as closed (archived)."""
        self._book.accounts[source]["archived"] = True

    def category(self, source: str, group: str, name: str, kind: str) -> None:
        """Bring the source account `source` over as the category `name` in `group`."""
        ref = self._book.group(group)
        taken = {c["name"].casefold() for c in self._book.categories.values() if c["group"] == ref}
        self._book.category(source, group, name if name.casefold() not in taken else source, kind)

    def group(self, name: str) -> None:
        """Keep a category group even if no category comes into it (a placeholder's, say)."""
        self._book.group(name)

    def opening(self, source: str) -> None:
        """Take the source account `source` as where opening balances come from."""
        self._openings.add(source)

    def is_account(self, source: str) -> bool:
        """Whether the source account `source` came over as an account."""
        return source in self._book.accounts

    def leave_out(self, why: str, count: int = 1) -> None:
        """Count something that cannot come over; the notes say how many, and why."""
        self._left_out[why] += count

    def add(self, entry: Entry) -> None:
        """Bring a source transaction over, each account with its own side."""
        sides: list[Posting] = []
        parts: list[Posting] = []
        other: list[Posting] = []
        for leg in entry.postings:
            account = self._book.accounts.get(leg.account)
            if account is not None and account["currency"] != leg.currency:
                self.leave_out(
                    f"amounts in {leg.currency} on {account['name']}, which came over in "
                    f"{account['currency']}"
                )
            elif account is not None:
                sides.append(leg)
            elif leg.account in self._book.categories:
                parts.append(leg)
            elif leg.account not in self._openings:
                other.append(leg)
        if not sides:
            if parts or other:
                self.leave_out(
                    "transactions with no amount on a brought account (only categories, "
                    "equity or amounts left out)"
                )
            return
        opening = any(leg.account in self._openings for leg in entry.postings)
        if opening and not parts and not other:  # the accounts' opening balances
            for leg in sides:
                self._book.open(leg.account, leg.amount, entry.day)
            return
        if other:
            self.leave_out("amounts on equity or other accounts, kept uncategorised", len(other))
        currencies = {leg.currency for leg in sides}
        if len(currencies) > 1 and (parts or len(sides) > 2):
            self.leave_out(
                "transactions across several currencies, brought as separate uncategorised entries"
            )
            for leg in sides:
                self._transaction(entry, leg, leg.amount, [])
            return
        first, rest = sides[0], sides[1:]
        same = len(currencies) == 1  # else two accounts, each with its own currency's amount
        for leg in rest:  # each other account: a transfer with the first
            ours = self._side(entry, first, -leg.amount if same else first.amount)
            self._book.pair(ours, self._side(entry, leg, leg.amount))
        left = first.amount + sum((leg.amount for leg in rest), Decimal(0))
        if not same or (rest and not parts and left == 0):
            return
        if any(part.currency != first.currency for part in parts):
            self.leave_out("categorised amounts in another currency, kept uncategorised")
            parts = []
        self._transaction(entry, first, left, parts)

    def _side(
        self,
        entry: Entry,
        leg: Posting,
        amount: Decimal,
        category: str | None = None,
        parts: list[Part] | None = None,
    ) -> dict[str, Any]:
        return self._book.transaction(
            leg.account,
            entry.day,
            amount,
            payee=entry.payee,
            memo=leg.memo or entry.memo,
            status=leg.status or entry.status,
            tags=list(entry.tags),
            category=category,
            parts=parts or (),
        )

    def _transaction(
        self, entry: Entry, leg: Posting, amount: Decimal, parts: list[Posting]
    ) -> None:
        """One account's side: with its category, or its split parts (what is not
        categorised kept as a part without a category)."""
        split: list[Part] = [(-p.amount, p.account, p.memo) for p in parts]
        rest = amount + sum((p.amount for p in parts), Decimal(0))
        if split and rest:
            split.append((rest, None, ""))
        if len(split) == 1:
            self._side(entry, leg, amount, category=split[0][1])
        else:
            self._side(entry, leg, amount, parts=split)

    def build(
        self, name: str, balances: dict[str, Decimal], notes: list[str] | None = None
    ) -> ForeignBook:
        """Return the book file, with the source's balances by the source account's name
        given as the balances by each account's name here."""
        if self.without_money:
            self.notes.append(
                "Not brought over, as they hold no money of their own (parent accounts, shares "
                "or other commodities): " + ", ".join(self.without_money) + "."
            )
        left_out = [f"Left out: {count} {why}." for why, count in self._left_out.items()]
        self.notes.extend([*(notes or []), *left_out])
        return self._book.build(name, None, balances)
