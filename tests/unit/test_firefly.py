"""Firefly III's export of transactions read as a whole book, loaded into a real database."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from server.clock import utcnow
from server.domain.accounts import list_accounts
from server.domain.book_load import load_book
from server.otherapps.firefly import read_firefly
from server.otherapps.foreign_book import ForeignBookProblem

FIXTURE = Path(__file__).parents[1] / "fixtures" / "otherapps" / "firefly_iii_export.csv"


@pytest.fixture
def loaded(database, make_user):
    """The fixture's book, read and loaded as a new book of Alex's."""
    foreign = read_firefly(FIXTURE.read_bytes(), FIXTURE.name)
    book = load_book(database, make_user("alex").id, foreign.book_file(), now=utcnow())
    return foreign, book.id


def test_accounts_and_balances_are_firefly_s(loaded, database):
    foreign, book_id = loaded
    with database.read() as conn:
        accounts = list_accounts(conn, book_id, today=utcnow().date())
    held = {a.name: (a.type, a.currency, a.opening_balance, a.balance_projected) for a in accounts}
    # By hand from the file: Checking 1000 - 45.20 + 2500 - 500 - 30 - 12.50 - 200 - 250
    # - 9.99 + 5.20; the loan was 8000 owed, less a payment of 250.
    assert held == {
        "Checking Account": ("checking", "EUR", 100000, 245751),
        "Savings Account": ("checking", "EUR", 500000, 550000),
        "Car Loan": ("loan", "EUR", -800000, -775000),
        "US Wallet": ("checking", "USD", 0, 20065),
    }
    assert foreign.balances == {
        "Checking Account": Decimal("2457.51"),
        "Savings Account": Decimal("5500.00"),
        "Car Loan": Decimal("-7750.00"),
        "US Wallet": Decimal("200.65"),
    }
    assert foreign.document["book"] == {"name": "Firefly III", "currency": "EUR"}
    assert foreign.notes == ()


def test_transactions_splits_transfers_categories_and_tags(loaded, database):
    _, book_id = loaded
    with database.read() as conn:
        count = conn.execute(
            "SELECT count(*), count(transfer_id) FROM transactions WHERE book_id = ?", [book_id]
        ).fetchone()
        categories = conn.execute(
            "SELECT c.name, c.kind, g.name FROM categories c JOIN category_groups g "
            "ON g.id = c.group_id WHERE c.book_id = ? ORDER BY c.name",
            [book_id],
        ).fetchall()
        split = conn.execute(
            "SELECT t.amount, t.memo, p.name FROM transactions t JOIN payees p "
            "ON p.id = t.payee_id WHERE t.id IN (SELECT transaction_id FROM splits)"
        ).fetchall()
        parts = conn.execute("SELECT amount, memo FROM splits ORDER BY position").fetchall()
        tagged = conn.execute(
            "SELECT t.memo, group_concat(g.name, ',') FROM transactions t JOIN transaction_tags "
            "tt ON tt.transaction_id = t.id JOIN tags g ON g.id = tt.tag_id GROUP BY t.id "
            "ORDER BY t.id"
        ).fetchall()
        status = dict(conn.execute("SELECT memo, status FROM transactions").fetchall())
    # 8 journals of one account (the split's two as one) and 3 transfers, each a pair.
    assert tuple(count) == (12, 6)
    assert [tuple(c) for c in categories] == [
        ("Clothing", "expense", "Expenses"),
        ("Groceries", "expense", "Expenses"),  # a refund into it too: still spending
        ("Household", "expense", "Expenses"),
        ("Salary", "income", "Income"),
        ("Subscriptions", "expense", "Expenses"),
    ]
    assert [tuple(s) for s in split] == [(-4250, "Department store", "Kaufhof")]
    assert [tuple(p) for p in parts] == [(-3000, "Shirt"), (-1250, "Kitchen towels")]
    assert ("Weekly groceries", "food,weekly") in [tuple(t) for t in tagged]
    assert status["Weekly groceries"] == "reconciled" and status["Refund"] == "cleared"
    assert "Streaming — Family plan shared with Sam" in status


def test_a_transfer_between_currencies_keeps_both_amounts(loaded, database):
    _, book_id = loaded
    with database.read() as conn:
        sides = conn.execute(
            "SELECT a.name, t.amount FROM transactions t JOIN accounts a ON a.id = t.account_id "
            "WHERE t.memo = 'Cash for the trip' AND t.book_id = ? ORDER BY t.id",
            [book_id],
        ).fetchall()
    assert [tuple(s) for s in sides] == [("Checking Account", -20000), ("US Wallet", 21640)]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"Date,Amount,Payee\n2024-01-01,1.00,Shop\n", "no group_id, type,"),
        (FIXTURE.read_bytes().splitlines()[0] + b"\n", "holds no transactions"),
        (
            FIXTURE.read_bytes().replace(b"2024-01-05T00", b"2024-13-05T00"),
            "Line 5: '2024-13-05T00:00:00+01:00' is not a date",
        ),
        (FIXTURE.read_bytes().replace(b",-45.20,", b",lots,"), "Line 5: the amount 'lots'"),
    ],
)
def test_a_file_that_is_not_firefly_s_export_says_why(data, words):
    with pytest.raises(ForeignBookProblem, match=re.escape(words)):
        read_firefly(data, "export.csv")
