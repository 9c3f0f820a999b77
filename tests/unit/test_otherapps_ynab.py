"""YNAB's "Export budget data" read into a book. The fixtures are built to the export's format
(YNAB runs only as a web service): ynab-export.zip as a budget in euros with German formats
gives it, and a Register CSV alone in dollars, with YNAB's older "To be Budgeted"."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from server.otherapps.foreign_book import ForeignBookProblem
from server.otherapps.ynab import read_ynab
from tests.foreign_books import FIXTURES, balances, budgets, counts, load

EXPORT = (FIXTURES / "ynab-export.zip").read_bytes()
REGISTER_ALONE = "Household as of 2026-11-30 09-15 - Register.csv"

# What YNAB shows for each account, worked out by hand from the register:
# Girokonto: 2500 start + 3100 + 3100 pay - 1150 - 1150 rent - 500 to Tagesgeld
#            - (62.40 + 17.60 + 20.00) split - 89.90 paid to the card - 23.50 café
# Tagesgeld: 10000 start + 500 + 20 from the Girokonto + 4.17 interest
# Visa Karte: -120 start - 89.90 shop + 89.90 paid
SHOWN = {
    "Girokonto": Decimal("5686.60"),
    "Tagesgeld «Reserve»": Decimal("10524.17"),
    "Visa Karte": Decimal("-120.00"),
}


@pytest.fixture
def owner(make_user) -> int:
    return make_user("alex").id


def test_the_export_comes_over_whole_with_ynabs_balances(database, owner):
    book = read_ynab(EXPORT, "Familie Müller as of 2026-11-30 18-05.zip")
    book_id = load(database, owner, book)
    assert counts(database, book_id) == {
        "accounts": 3,
        "archived accounts": 0,
        "groups": 5,  # Inflow, Fixkosten, Alltag, Credit Card Payments, Rücklagen
        "categories": 7,  # as in the Plan, Urlaub ✈ too though nothing was spent in it
        # 9 in the Girokonto (the split's line to Tagesgeld its own transfer), 3 in
        # Tagesgeld, 2 on the card; the starting balances are the opening balances
        "transactions": 14,
        "split transactions": 1,
        "splits": 2,
        "transfers": 3,  # 500 and the split's 20 to Tagesgeld, 89.90 to the card
        "budgets": 9,  # 5 in October, 4 in November (-10 for Essen gehen cannot be)
    }
    assert balances(database, book_id) == SHOWN
    assert book.balances == SHOWN
    assert book.document["book"] == {"name": "Familie Müller", "currency": "EUR"}
    assert any("below zero" in note for note in book.notes)


def test_splits_budgets_and_odd_characters_come_as_ynab_has_them(database, owner):
    book_id = load(database, owner, read_ynab(EXPORT, "export.zip"))
    assert budgets(database, book_id)[("Urlaub ✈", "2026-11")] == Decimal("200.00")
    assert budgets(database, book_id)[("Miete", "2026-10")] == Decimal("1150.00")
    assert ("Essen gehen", "2026-11") not in budgets(database, book_id)
    with database.read() as conn:
        parts = conn.execute(
            "SELECT c.name, s.amount, s.memo FROM splits s JOIN categories c "
            "ON c.id = s.category_id ORDER BY s.position"
        ).fetchall()
        cafe = conn.execute(
            "SELECT t.memo, t.status FROM transactions t JOIN payees p ON p.id = t.payee_id "
            "WHERE p.name = 'Café Ünal'"
        ).fetchone()
        kinds = dict(conn.execute("SELECT name, kind FROM categories"))
        tags = [name for (name,) in conn.execute("SELECT name FROM tags")]
        opening = dict(conn.execute("SELECT name, opening_balance FROM accounts"))
    assert [tuple(p) for p in parts] == [
        ("Lebensmittel", -6240, "Wocheneinkauf"),
        ("Haushalt", -1760, ""),
    ]
    assert tuple(cafe) == ('Frühstück, "groß"', "uncleared")
    assert kinds["Ready to Assign"] == "income" and kinds["Miete"] == "expense"
    assert tags == ["Blue"]  # the flag
    assert opening == {"Girokonto": 250000, "Tagesgeld «Reserve»": 1000000, "Visa Karte": -12000}


def test_the_register_alone_in_dollars_comes_over_without_budgets(database, owner):
    data = (FIXTURES / REGISTER_ALONE).read_bytes()
    book = read_ynab(data, REGISTER_ALONE)
    book_id = load(database, owner, book)
    shown = {"Checking": Decimal("3091.46"), "Savings": Decimal("5200.00")}  # 1000 - 54.21
    assert balances(database, book_id) == shown  # - 200 + 2345.67; 5000 + 200
    assert book.balances == shown
    assert book.document["book"] == {"name": "Household", "currency": "USD"}
    found = counts(database, book_id)
    assert (found["transactions"], found["transfers"], found["budgets"]) == (4, 1, 0)
    with database.read() as conn:
        days = [d for (d,) in conn.execute("SELECT date FROM transactions ORDER BY date")]
    assert days[-1] == "2026-09-28"  # month first, as 09/28/2026 shows
    assert any("No Plan" in note for note in book.notes)


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (_zip({"notes.txt": "hello"}), "holds no Register CSV"),
        (b"PK\x03\x04 broken", "cannot be opened as a .zip"),
        (b'"Date","Payee","Amount"\n"01.10.2026","Baker","-3,20"\n', "no Account, Outflow"),
        (
            b'"Account","Date","Payee","Outflow","Inflow"\n"Giro","01.10.2026","X","zwei","0"\n',
            "Line 2: 'zwei' is not an amount",
        ),
        (
            b'"Account","Date","Payee","Outflow","Inflow"\n"Giro","31.11.2026","X","1,00","0"\n',
            "Line 2: '31.11.2026' is not a date",
        ),
    ],
)
def test_what_is_not_an_export_is_refused_in_plain_words(data, says):
    with pytest.raises(ForeignBookProblem, match=says):
        read_ynab(data, "budget.zip")


def test_a_damaged_file_is_refused_in_plain_words_however_it_is_damaged():
    for data in (b"\x81\x00\x8d", b'"Account","Date"\n"a\x00b"', EXPORT[: len(EXPORT) // 2]):
        with pytest.raises(ForeignBookProblem):
            read_ynab(data, "budget.zip")
