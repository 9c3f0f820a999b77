"""Actual Budget's export read into a book: tests/fixtures/otherapps/actual-budget.zip was made
by the real app (@actual-app/api's exportBudget, see make_actual_budget.mjs beside it)."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from decimal import Decimal

import pytest

from server.otherapps.actual import read_actual
from server.otherapps.foreign_book import ForeignBookProblem
from tests.foreign_books import FIXTURES, balances, budgets, counts, load

EXPORT = (FIXTURES / "actual-budget.zip").read_bytes()

# What Actual shows for each account (worked out by hand from make_actual_budget.mjs):
# Girokonto: 1500 start + 3200 + 3200 salaries - 950 rent - 45.67 - 300 to savings
#            - 120 split - 59.90 card payment (the 12.34 deleted in Actual does not count)
# Épargne: 500 start + 300 from the Girokonto + 1.25 interest; Visa: -59.90 + 59.90 paid off.
SHOWN = {
    'Girokonto "Haupt"': Decimal("6424.43"),
    "Épargne": Decimal("801.25"),
    "Visa ✈": Decimal("0.00"),
    "Haus": Decimal("250000.00"),
}


@pytest.fixture
def owner(make_user) -> int:
    return make_user("alex").id


def test_the_export_comes_over_whole_with_actuals_balances(database, owner):
    book = read_actual(EXPORT, "actual-budget.zip")
    book_id = load(database, owner, book)
    assert counts(database, book_id) == {
        "accounts": 4,
        "archived accounts": 1,  # the Visa card, closed in Actual
        "groups": 3,  # Income, Täglich & mehr, Fixkosten
        "categories": 6,  # Income, Starting Balances, Gehalt, Lebensmittel, Haushalt, Miete
        "transactions": 11,  # 7 in the Girokonto, 2 in Épargne, 2 on the card
        "split transactions": 1,
        "splits": 2,
        "transfers": 2,  # to Épargne, and paying the card off
        "budgets": 4,
    }
    assert balances(database, book_id) == SHOWN
    assert book.balances == SHOWN
    assert book.document["book"] == {"name": "Haushalt & Co", "currency": "EUR"}


def test_budgets_splits_and_deleted_rows_as_actual_keeps_them(database, owner):
    book_id = load(database, owner, read_actual(EXPORT, "actual-budget.zip"))
    assert budgets(database, book_id) == {
        ("Lebensmittel", "2026-10"): Decimal("400.00"),
        ("Miete", "2026-10"): Decimal("950.00"),
        ("Lebensmittel", "2026-11"): Decimal("420.00"),
        ("Haushalt", "2026-11"): Decimal("50.00"),
    }
    with database.read() as conn:
        parts = conn.execute(
            "SELECT c.name, s.amount, s.memo FROM splits s JOIN categories c "
            "ON c.id = s.category_id ORDER BY s.position"
        ).fetchall()
        payees = {name for (name,) in conn.execute("SELECT name FROM payees")}
        opening = dict(conn.execute("SELECT name, opening_balance FROM accounts"))
        kinds = dict(conn.execute("SELECT name, kind FROM categories"))
    assert [tuple(p) for p in parts] == [("Lebensmittel", -8000, "Essen"), ("Haushalt", -4000, "")]
    assert "Versehen" not in payees  # deleted in Actual: a tombstone there, nothing here
    assert opening['Girokonto "Haupt"'] == 150000  # Actual's "Starting Balance" row
    assert kinds["Gehalt"] == "income" and kinds["Miete"] == "expense"


def test_the_database_alone_reads_the_same(database, owner):
    inside = zipfile.ZipFile(io.BytesIO(EXPORT)).read("db.sqlite")
    book = read_actual(inside, "db.sqlite")
    assert book.balances == SHOWN
    assert book.document["book"]["name"] == "db"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"not a zip", "is not an Actual Budget export"),
        (b"PK\x05\x06" + bytes(18), "holds no db.sqlite"),
    ],
)
def test_what_is_not_an_export_is_refused_in_plain_words(data, says):
    with pytest.raises(ForeignBookProblem, match=says):
        read_actual(data, "budget.zip")


def test_another_database_is_refused_naming_what_it_lacks(tmp_path):
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE accounts (id)")
    with pytest.raises(ForeignBookProblem, match=r"not Actual Budget's.*transactions"):
        read_actual(path.read_bytes(), "db.sqlite")


def test_a_database_with_actuals_tables_but_not_their_columns_is_refused(tmp_path):
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as conn:
        for table in ("accounts", "categories", "category_groups", "payees", "transactions"):
            conn.execute(f"CREATE TABLE {table} (id, tombstone)")
        conn.execute("INSERT INTO accounts VALUES ('a', 0)")
    with pytest.raises(ForeignBookProblem, match=r"The db\.sqlite cannot be read: no such column"):
        read_actual(path.read_bytes(), "db.sqlite")
