"""YNAB 4's budget folder, zipped, read into a book. The fixture is built to the format YNAB 4
writes (the app is no longer sold): Budget.ymeta, two devices' .ydevice files and each one's
Budget.yfull; the laptop ("A-60,B-12") knows more changes than the office PC ("A-40,B-12"),
whose older copy lacks January's rent."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from server.otherapps.foreign_book import ForeignBookProblem
from server.otherapps.ynab4 import read_ynab4
from tests.foreign_books import FIXTURES, balances, budgets, counts, load

BUDGET = (FIXTURES / "Familienbudget.ynab4.zip").read_bytes()

# What YNAB 4 shows, by hand: Checking ✓: 1500 start + 2200 pay - 85.30 power - 400 saved
# - 130 split (25 of it paying the old card) - 700 rent - 225.75 paying the card off; the
# 12.34 deleted in YNAB 4 does not count. Sparbuch: 3000 + 400. The old card: -250.75 start
# + 25 + 225.75.
SHOWN = {
    "Checking ✓": Decimal("2158.95"),
    "Sparbuch": Decimal("3400.00"),
    "Alte Kreditkarte": Decimal("0.00"),
}


@pytest.fixture
def owner(make_user) -> int:
    return make_user("alex").id


def test_the_latest_copy_comes_over_whole_with_ynab4s_balances(database, owner):
    book = read_ynab4(BUDGET, "Familienbudget.ynab4.zip")
    book_id = load(database, owner, book)
    assert counts(database, book_id) == {
        "accounts": 3,
        "archived accounts": 1,  # the old card, hidden (closed) in YNAB 4
        "groups": 3,  # Income, Monatlich, Alltag (the hidden Zeitschriften's own group)
        "categories": 5,  # Income, Miete, Strom & Gas, Lebensmittel, Zeitschriften
        "transactions": 10,  # 7 in Checking ✓ (the split's line to the card its own), 1, 2
        "split transactions": 1,
        "splits": 2,
        "transfers": 3,
        "budgets": 6,  # January's 4 (not the deleted Kleidung's), February's 2 (not the 0)
    }
    assert balances(database, book_id) == SHOWN
    assert book.balances == SHOWN
    assert book.document["book"] == {"name": "Familienbudget", "currency": "EUR"}  # de_DE


def test_hidden_categories_and_splits_as_ynab4_keeps_them(database, owner):
    book_id = load(database, owner, read_ynab4(BUDGET, "Familienbudget.ynab4.zip"))
    with database.read() as conn:
        hidden = conn.execute(
            "SELECT g.name, c.archived FROM categories c JOIN category_groups g "
            "ON g.id = c.group_id WHERE c.name = 'Zeitschriften'"
        ).fetchone()
        parts = conn.execute(
            "SELECT c.name, s.amount, s.memo FROM splits s JOIN categories c "
            "ON c.id = s.category_id ORDER BY s.position"
        ).fetchall()
    assert tuple(hidden) == ("Alltag", 1)
    assert [tuple(p) for p in parts] == [
        ("Lebensmittel", -7000, "Essen"),
        ("Zeitschriften", -3500, ""),
    ]
    assert budgets(database, book_id)[("Zeitschriften", "2015-01")] == Decimal("10.00")


def test_a_zip_without_the_budget_folder_is_refused_in_plain_words():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Budget.yfull", "{}")
    with pytest.raises(ForeignBookProblem, match=r"holds no Budget\.ymeta"):
        read_ynab4(buffer.getvalue(), "budget.zip")
    with pytest.raises(ForeignBookProblem, match="not a zipped YNAB 4 budget"):
        read_ynab4(b"PK\x03\x04", "budget.zip")


def test_a_budget_missing_what_ynab4_always_writes_is_refused_in_plain_words():
    source = zipfile.ZipFile(io.BytesIO(BUDGET))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            text = source.read(name)
            if name.endswith("Budget.yfull"):
                text = text.replace(b'"accountName"', b'"name"')
            archive.writestr(name, text)
    with pytest.raises(ForeignBookProblem, match="not as YNAB 4 writes it"):
        read_ynab4(buffer.getvalue(), "budget.zip")
