"""The one place another app's book becomes a Tallybook book file, for every reader.

Readers speak to it through a front that fits the source: `book_builder.BookBuilder` for a
double-entry ledger (entries of postings), `budget_book.BudgetBook` for a budgeting app's
register rows; Firefly III's reader, which already knows each journal's side, speaks to it
directly. `BookDocument` keeps the accounts, category groups, categories, transactions (with
their split parts and transfer pairs), opening balances and budgets by the reader's own keys,
and `build` writes them as the book file (server/domain/book_file.py) in a `ForeignBook`.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision, list_currencies

from server.otherapps.foreign_book import ForeignBook

FORMAT = "tallybook-book"  # the book file's format and version (server/domain/book_file.py)
VERSION = 1
DEFAULT_CURRENCY = "EUR"  # when the source does not say which currency its book is in

# Words in an account's name that say its kind, checked in this order (the first that matches).
_KIND_WORDS = (
    ("credit_card", ("credit", "card", "visa", "mastercard", "amex", "kreditkarte")),
    ("savings", ("saving", "savings", "épargne", "sparkonto", "tagesgeld")),
    ("checking", ("checking", "current", "giro", "girokonto", "chequing", "bank")),
    ("cash", ("cash", "wallet", "purse", "bargeld")),
    (
        "investment",
        ("investment", "brokerage", "broker", "retirement", "401k", "ira", "pension", "depot"),
    ),
    ("loan", ("loan", "mortgage", "kredit", "darlehen")),
)


def account_kind(name: str, fallback: str = "checking") -> str:
    """Return the Tallybook account type its name makes clear (`fallback` when none does)."""
    # Words as written, CamelCase too (Liabilities:CreditCard:Visa -> credit, card, visa), and
    # as spaces and hyphens part them (Épargne, Pre-Paid).
    words = {word.casefold() for word in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", name)}
    words.update(name.casefold().replace("-", " ").split())
    for kind, kind_words in _KIND_WORDS:
        if words.intersection(kind_words):
            return kind
    return fallback


def is_money(code: str) -> bool:
    """Whether `code` is an ISO 4217 currency (Babel's table, as the book's own check uses),
    rather than shares, hours of leave or another commodity."""
    return code in list_currencies()


def exact(amount: Decimal, currency: str) -> str:
    """Return an amount as the book file gives it, to the currency's smallest unit."""
    return str(amount.quantize(Decimal(1).scaleb(-get_currency_precision(currency))))


Part = tuple[Decimal, str | None, str]  # a split part: amount, category key, memo


class BookDocument:
    """Collects a source's accounts, categories, transactions and budgets into a book file."""

    def __init__(self, app: str) -> None:
        self.app = app
        self.accounts: dict[str, dict[str, Any]] = {}  # the reader's key -> account item
        self.groups: dict[str, dict[str, Any]] = {}  # group name -> group item
        self.categories: dict[str, dict[str, Any]] = {}  # the reader's key -> category item
        self.transactions: list[dict[str, Any]] = []
        self.budgets: dict[tuple[str, str], Decimal] = {}  # (category key, month) -> amount
        self.notes: list[str] = []

    def account(
        self, key: str, name: str, kind: str, currency: str, *, closed: bool = False
    ) -> dict[str, Any]:
        """Bring an account over (`kind` one of Tallybook's account types); return its item."""
        self.accounts[key] = {
            "ref": len(self.accounts) + 1,
            "name": name,
            "type": kind,
            "currency": currency,
            "opening_balance": Decimal(0),
            "opening_date": None,
            "archived": closed,
        }
        return self.accounts[key]

    def group(self, name: str, *, ordered: bool = False) -> int:
        """Keep the category group `name` (made on first use, placed in the order made when
        `ordered`); return its ref."""
        if name not in self.groups:
            ref = len(self.groups) + 1
            self.groups[name] = {"ref": ref, "name": name, **({"position": ref} if ordered else {})}
        return self.groups[name]["ref"]

    def category(self, key: str, group: str, name: str, kind: str, **flags: bool) -> None:
        """Bring a category over into `group` (`flags`: rollover, archived)."""
        self.categories[key] = {
            "ref": len(self.categories) + 1,
            "group": self.group(group),
            "name": name,
            "kind": kind,
            **flags,
        }

    def open(self, key: str, amount: Decimal, day: date) -> None:
        """Add to the account's opening balance, dated the earliest day it is given."""
        item = self.accounts[key]
        item["opening_balance"] += amount
        opened = item["opening_date"]
        item["opening_date"] = day if opened is None else min(opened, day)

    def budget(self, category: str, month: str, amount: Decimal) -> None:
        """Budget `amount` for the category in the month (YYYY-MM); a month's amounts add up."""
        key = (category, month)
        self.budgets[key] = self.budgets.get(key, Decimal(0)) + amount

    def transaction(
        self,
        account: str,
        day: date,
        amount: Decimal,
        *,
        payee: str | None,
        memo: str,
        status: str,
        tags: list[str],
        category: str | None = None,
        parts: list[Part] | tuple[Part, ...] = (),
    ) -> dict[str, Any]:
        """Write one account's transaction: in a category, or split into `parts`."""
        currency = self.accounts[account]["currency"]
        item = {
            "ref": len(self.transactions) + 1,
            "account": self.accounts[account]["ref"],
            "date": day.isoformat(),
            "amount": exact(amount, currency),
            "payee": payee or None,
            "category": None if parts else self.category_ref(category),
            "memo": memo,
            "status": status,
            "tags": tags,
            "splits": [
                {"amount": exact(a, currency), "category": self.category_ref(c), "memo": m}
                for a, c, m in parts
            ],
        }
        self.transactions.append(item)
        return item

    @staticmethod
    def pair(one: dict[str, Any], other: dict[str, Any]) -> None:
        """Make two accounts' transactions the two sides of one transfer."""
        one["transfer"], other["transfer"] = other["ref"], one["ref"]

    def category_ref(self, key: str | None) -> int | None:
        """Return the ref of the category `key` (None for none)."""
        return None if key is None else self.categories[key]["ref"]

    def build(self, name: str, currency: str | None, balances: dict[str, Decimal]) -> ForeignBook:
        """Return the book file (in the accounts' most usual currency when `currency` is None),
        with the source's balances by the reader's account key given by the account's name."""
        if currency is None:
            counted = Counter(a["currency"] for a in self.accounts.values())
            currency = counted.most_common(1)[0][0] if counted else DEFAULT_CURRENCY
        first_day = min((t["date"] for t in self.transactions), default=None)
        accounts = [
            {
                **account,
                "opening_balance": exact(account["opening_balance"], account["currency"]),
                "opening_date": (
                    account["opening_date"].isoformat()
                    if account["opening_date"]
                    else first_day or "2000-01-01"
                ),
            }
            for account in self.accounts.values()
        ]
        document = {
            "format": FORMAT,
            "version": VERSION,
            "book": {"name": name, "currency": currency},
            "accounts": accounts,
            "category_groups": list(self.groups.values()),
            "categories": list(self.categories.values()),
            "budgets": [
                {
                    "category": self.categories[c]["ref"],
                    "month": m,
                    "amount": exact(a, currency),
                }
                for (c, m), a in sorted(self.budgets.items(), key=lambda b: b[0][1])
                if a > 0
            ],
            "transactions": self.transactions,
        }
        named = {
            self.accounts[key]["name"]: amount
            for key, amount in balances.items()
            if key in self.accounts
        }
        return ForeignBook(self.app, document, named, tuple(self.notes))
