"""Turning another app's double-entry ledger into a Tallybook book file, for every reader.

A reader names the source's accounts (`account`), categories (`category`) and the equity
accounts that hold opening balances (`opening`), then hands over each source transaction as an
`Entry` of `Posting`s. The builder decides what each becomes in Tallybook, where each account
keeps its own side: one account and categories -> a transaction (a split when there are
several categories), two accounts -> a transfer, an opening-balance entry -> the accounts'
opening balances. What cannot come over is counted and said in the notes, never dropped quietly.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision, list_currencies

from server.otherapps.foreign_book import ForeignBook

FORMAT = "tallybook-book"  # the book file's format and version (server/domain/book_file.py)
VERSION = 1
STATUSES = ("uncleared", "cleared", "reconciled")

# Words in an account's name that say its kind, checked in this order (the first that matches).
_KIND_WORDS = (
    ("credit_card", ("credit", "card", "visa", "mastercard", "amex")),
    ("savings", ("saving", "savings", "sparkonto", "tagesgeld")),
    ("checking", ("checking", "current", "giro", "girokonto", "chequing", "bank")),
    ("cash", ("cash", "wallet", "purse", "bargeld")),
    ("investment", ("investment", "brokerage", "broker", "retirement", "401k", "ira", "pension")),
    ("loan", ("loan", "mortgage", "kredit", "darlehen")),
)


def account_kind(name: str, fallback: str) -> str:
    """Return the Tallybook account type its name makes clear (`fallback` when none does)."""
    # Words as written, CamelCase too: Liabilities:CreditCard:Visa -> credit, card, visa.
    words = {word.casefold() for word in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", name)}
    for kind, kind_words in _KIND_WORDS:
        if words.intersection(kind_words):
            return kind
    return fallback


def is_money(code: str) -> bool:
    """Whether `code` is an ISO 4217 currency (Babel's table, as the book's own check uses),
    rather than shares, hours of leave or another commodity."""
    return code in list_currencies()


def _exact(amount: Decimal, currency: str) -> str:
    """An amount as the book file gives it, to the currency's smallest unit."""
    return str(amount.quantize(Decimal(1).scaleb(-get_currency_precision(currency))))


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
        self._accounts: dict[str, dict[str, Any]] = {}  # source name -> account item
        self._groups: dict[str, int] = {}  # group name -> ref
        self._categories: dict[str, dict[str, Any]] = {}  # source name -> category item
        self._openings: set[str] = set()
        self._transactions: list[dict[str, Any]] = []
        self._names: set[str] = set()
        self._left_out: Counter[str] = Counter()  # why -> how many legs or entries
        self.notes: list[str] = []
        self.without_money: list[str] = []  # source accounts that hold no money to bring

    def account(self, source: str, name: str, kind: str, currency: str) -> str:
        """Bring the source account `source` over as an account; return the name it gets
        (the source's whole name when `name` is taken)."""
        given = name if name.casefold() not in self._names else source
        self._names.add(given.casefold())
        self._accounts[source] = {
            "ref": len(self._accounts) + 1,
            "name": given,
            "type": kind,
            "currency": currency,
            "opening_balance": Decimal(0),
            "opening_date": None,
            "archived": False,
        }
        return given

    def close(self, source: str) -> None:
        """Keep the account `source` brought over as closed (archived)."""
        self._accounts[source]["archived"] = True

    def category(self, source: str, group: str, name: str, kind: str) -> None:
        """Bring the source account `source` over as the category `name` in `group`."""
        if group not in self._groups:
            self._groups[group] = len(self._groups) + 1
        taken = {
            c["name"].casefold()
            for c in self._categories.values()
            if c["group"] == self._groups[group]
        }
        self._categories[source] = {
            "ref": len(self._categories) + 1,
            "group": self._groups[group],
            "name": name if name.casefold() not in taken else source,
            "kind": kind,
        }

    def group(self, name: str) -> None:
        """Keep a category group even if no category comes into it (a placeholder's, say)."""
        self._groups.setdefault(name, len(self._groups) + 1)

    def opening(self, source: str) -> None:
        """Take the source account `source` as where opening balances come from."""
        self._openings.add(source)

    def is_account(self, source: str) -> bool:
        """Whether the source account `source` came over as an account."""
        return source in self._accounts

    def leave_out(self, why: str, count: int = 1) -> None:
        """Count something that cannot come over; the notes say how many, and why."""
        self._left_out[why] += count

    def add(self, entry: Entry) -> None:
        """Bring a source transaction over, each account with its own side."""
        sides: list[Posting] = []
        parts: list[Posting] = []
        other: list[Posting] = []
        for leg in entry.postings:
            account = self._accounts.get(leg.account)
            if account is not None and account["currency"] != leg.currency:
                self.leave_out(
                    f"amounts in {leg.currency} on {account['name']}, which came over in "
                    f"{account['currency']}"
                )
            elif account is not None:
                sides.append(leg)
            elif leg.account in self._categories:
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
                self._open(leg, entry.day)
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
            self._transfer(entry, first, -leg.amount if same else first.amount, leg)
        left = first.amount + sum((leg.amount for leg in rest), Decimal(0))
        if not same or (rest and not parts and left == 0):
            return
        if any(part.currency != first.currency for part in parts):
            self.leave_out("categorised amounts in another currency, kept uncategorised")
            parts = []
        self._transaction(entry, first, left, parts)

    def _open(self, leg: Posting, day: date) -> None:
        account = self._accounts[leg.account]
        account["opening_balance"] += leg.amount
        opened = account["opening_date"]
        account["opening_date"] = day if opened is None else min(opened, day)

    def _side(self, entry: Entry, leg: Posting, amount: Decimal) -> dict[str, Any]:
        return {
            "ref": len(self._transactions) + 1,
            "account": self._accounts[leg.account]["ref"],
            "date": entry.day.isoformat(),
            "amount": _exact(amount, leg.currency),
            "payee": entry.payee or None,
            "memo": leg.memo or entry.memo,
            "status": leg.status or entry.status,
            "tags": list(entry.tags),
            "splits": [],
        }

    def _transaction(
        self, entry: Entry, leg: Posting, amount: Decimal, parts: list[Posting]
    ) -> None:
        """One account's side: with its category, or its split parts (what is not
        categorised kept as a part without a category)."""
        side = self._side(entry, leg, amount)
        split = [
            {
                "amount": _exact(-p.amount, leg.currency),
                "category": self._categories[p.account]["ref"],
                "memo": p.memo,
            }
            for p in parts
        ]
        rest = amount + sum((p.amount for p in parts), Decimal(0))
        if split and rest:
            split.append({"amount": _exact(rest, leg.currency), "category": None, "memo": ""})
        if len(split) == 1:
            side["category"] = split[0]["category"]
        elif split:
            side["splits"] = split
        self._transactions.append(side)

    def _transfer(self, entry: Entry, first: Posting, amount: Decimal, leg: Posting) -> None:
        """A transfer: `amount` out of (or into) the first account, `leg` on the other."""
        ours = self._side(entry, first, amount)
        self._transactions.append(ours)
        theirs = self._side(entry, leg, leg.amount)
        self._transactions.append(theirs)
        ours["transfer"], theirs["transfer"] = theirs["ref"], ours["ref"]

    def build(
        self, name: str, balances: dict[str, Decimal], notes: list[str] | None = None
    ) -> ForeignBook:
        """Return the book file, with the source's balances by the source account's name
        given as the balances by each account's name here."""
        currencies = Counter(a["currency"] for a in self._accounts.values())
        currency = currencies.most_common(1)[0][0] if currencies else "EUR"
        first_day = min((t["date"] for t in self._transactions), default=None)
        accounts = []
        for account in self._accounts.values():
            opened = account["opening_date"]
            accounts.append(
                {
                    **account,
                    "opening_balance": _exact(account["opening_balance"], account["currency"]),
                    "opening_date": opened.isoformat() if opened else first_day or "2000-01-01",
                }
            )
        groups = [{"ref": ref, "name": group} for group, ref in self._groups.items()]
        document = {
            "format": FORMAT,
            "version": VERSION,
            "book": {"name": name, "currency": currency},
            "accounts": accounts,
            "category_groups": groups,
            "categories": list(self._categories.values()),
            "transactions": self._transactions,
        }
        named = {
            self._accounts[source]["name"]: amount
            for source, amount in balances.items()
            if source in self._accounts
        }
        if self.without_money:
            self.notes.append(
                "Not brought over, as they hold no money of their own (parent accounts, shares "
                "or other commodities): " + ", ".join(self.without_money) + "."
            )
        left_out = [f"Left out: {count} {why}." for why, count in self._left_out.items()]
        return ForeignBook(
            self.app, document, named, tuple([*self.notes, *(notes or []), *left_out])
        )
