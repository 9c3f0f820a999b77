"""The one way another app's ledger becomes a book file (server/otherapps/book_builder.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from server.otherapps.book_builder import BookBuilder, Entry, Posting
from server.otherapps.book_document import account_kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Liabilities:CreditCard:Visa", "credit_card"),
        ("Assets:Bank:Savings", "savings"),
        ("Assets:Bank:Checking", "checking"),
        ("Assets:Wallet", "cash"),
        ("Liabilities:Mortgage", "loan"),
        ("Assets:Mystery", "other"),
    ],
)
def test_the_name_says_the_kind_of_account(name, kind):
    assert account_kind(name, "other") == kind


def entry(*legs: tuple[str, str, str]) -> Entry:
    postings = tuple(Posting(a, Decimal(n), c) for a, n, c in legs)
    return Entry(date(2026, 1, 2), "Payee", "memo", "cleared", ("trip",), postings)


def ledger() -> BookBuilder:
    builder = BookBuilder("test")
    builder.account("A:Checking", "Checking", "checking", "EUR")
    builder.account("A:Dollars", "Dollars", "checking", "USD")
    builder.account("A:Savings", "Savings", "savings", "EUR")
    builder.category("E:Food", "Food", "Groceries", "expense")
    builder.category("E:Home", "Home", "Rent", "expense")
    builder.opening("Equity:Opening")
    return builder


def test_each_account_keeps_its_own_side():
    builder = ledger()
    builder.add(
        entry(
            ("A:Checking", "100", "EUR"),
            ("A:Savings", "50", "EUR"),
            ("Equity:Opening", "-150", "EUR"),
        )
    )
    builder.add(
        entry(("A:Checking", "-60", "EUR"), ("E:Food", "40", "EUR"), ("E:Home", "20", "EUR"))
    )
    builder.add(
        entry(("A:Checking", "-30", "EUR"), ("A:Savings", "20", "EUR"), ("E:Food", "10", "EUR"))
    )
    builder.add(entry(("A:Checking", "-92", "EUR"), ("A:Dollars", "100", "USD")))
    document = builder.build("Book", {}).document
    accounts = {a["name"]: a for a in document["accounts"]}
    assert (accounts["Checking"]["opening_balance"], accounts["Savings"]["opening_balance"]) == (
        "100.00",
        "50.00",
    )
    split, out, into, food, euros, dollars = document["transactions"]
    assert split["amount"] == "-60.00" and [s["amount"] for s in split["splits"]] == [
        "-40.00",
        "-20.00",
    ]
    # Several accounts: a transfer from the first to each other one, the rest categorised.
    assert (out["amount"], into["amount"], out["transfer"], into["transfer"]) == (
        "-20.00",
        "20.00",
        3,
        2,
    )
    assert (food["amount"], food["category"]) == ("-10.00", 1)
    # Two currencies: a transfer, each side in its own account's money.
    assert (euros["amount"], dollars["amount"], euros["transfer"]) == ("-92.00", "100.00", 6)


def test_what_cannot_come_over_is_counted_in_the_notes():
    builder = ledger()
    builder.add(entry(("A:Checking", "-5", "USD"), ("E:Food", "5", "USD")))
    builder.add(entry(("E:Food", "5", "EUR"), ("Equity:Opening", "-5", "EUR")))
    notes = builder.build("Book", {}).notes
    assert "Left out: 1 amounts in USD on Checking, which came over in EUR." in notes
    assert any(note.startswith("Left out: 2 transactions with no amount on") for note in notes)
