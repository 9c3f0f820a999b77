"""Whole books from other apps (POST /books/import/{app}): a new book, each account's balance
checked against the source's, what cannot come over said in the notes."""

from __future__ import annotations

import base64
import csv
import gzip
import io
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from server.otherapps import gnucash
from tests.api.conftest import BOOKS, post

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BEANCOUNT = FIXTURES / "beancount"
GNUCASH = FIXTURES / "gnucash"


def body(path: Path, **more) -> dict:
    return {
        "file_name": path.name,
        "content": base64.b64encode(path.read_bytes()).decode(),
        **more,
    }


def raw(data: bytes, file_name: str = "book.beancount") -> dict:
    return {"file_name": file_name, "content": base64.b64encode(data).decode()}


def bring(client, app: str, path: Path, **more) -> dict:
    return post(client, f"{BOOKS}/import/{app}", body(path, **more))


def book_rows(alex, book: int) -> tuple[dict, list[dict]]:
    accounts = {
        a["name"]: a
        for a in alex.get(f"{BOOKS}/{book}/accounts?include_archived=true").json["items"]
    }
    rows = alex.get(f"{BOOKS}/{book}/transactions?limit=500").json["items"]
    return accounts, rows


def bean_query_balances(path: Path) -> dict[str, dict[str, Decimal]]:
    """Each Assets/Liabilities account's units per currency, as bean-query sums them."""
    query = (
        "SELECT account, units(sum(position)) AS units "
        "WHERE account ~ '^(Assets|Liabilities)' GROUP BY account"
    )
    bean_query = Path(sys.executable).with_name("bean-query")
    out = subprocess.run(
        [bean_query, "-f", "csv", str(path), query], check=True, capture_output=True, text=True
    ).stdout
    found: dict[str, dict[str, Decimal]] = {}
    for row in csv.DictReader(io.StringIO(out)):
        positions = [p.split() for p in row["units"].split(",") if p.strip()]
        found[row["account"].strip()] = {currency: Decimal(n) for n, currency in positions}
    return found


@pytest.mark.parametrize("ledger", ["household.beancount", "example.beancount"])
def test_each_account_holds_what_bean_query_says(alex, ledger):
    path = BEANCOUNT / ledger
    made = bring(alex, "beancount", path)
    assert made["app"] == "beancount" and made["book"]["role"] == "owner"
    assert made["mismatches"] == 0, made["accounts"]
    expected = bean_query_balances(path)
    checked = {c["account"]: c for c in made["accounts"]}
    accounts, _ = book_rows(alex, made["book"]["id"])
    compared = 0
    for account, units in expected.items():
        name = account.rsplit(":", 1)[-1] if account.rsplit(":", 1)[-1] in checked else account
        if name not in checked:  # shares and other lots, named in the notes
            assert any(account in note for note in made["notes"]), account
            continue
        currency = checked[name]["currency"]
        want = units.get(currency, Decimal(0))
        assert Decimal(accounts[name]["balance_projected"]) == want, account
        assert Decimal(checked[name]["source_balance"]) == want
        compared += 1
    assert compared >= 3


def test_a_beancount_ledger_keeps_its_meaning(alex):
    made = bring(alex, "beancount", BEANCOUNT / "household.beancount", name="From Fava")
    book = made["book"]
    assert (book["name"], book["currency"]) == ("From Fava", "EUR")
    accounts, rows = book_rows(alex, book["id"])
    kinds = {name: (a["type"], a["opening_balance"], a["archived"]) for name, a in accounts.items()}
    assert kinds == {
        "Checking": ("checking", "1200.00", False),
        "Savings": ("savings", "5000.00", False),
        "Cash": ("cash", "0.00", False),
        "Visa": ("credit_card", "-150.00", False),
        "Old-Account": ("other", "50.00", True),  # closed in the ledger
    }
    groups = alex.get(f"{BOOKS}/{book['id']}/category-groups").json["items"]
    named = {
        (g["name"], c["name"]) for g in groups for c in g.get("categories", [])
    } or _categories(alex, book["id"])
    assert {("Food", "Groceries"), ("Home", "Rent"), ("Income", "Salary")} <= named
    shop = next(r for r in rows if r["payee"] == "Corner Shop")
    assert (shop["memo"], shop["tags"], shop["status"]) == ("Weekly shop", ["groceries"], "cleared")
    assert sorted(s["amount"] for s in shop["splits"]) == ["-12.20", "-52.10"]
    saved = [r for r in rows if r["memo"] == "Save for summer"]
    assert sorted(r["amount"] for r in saved) == ["-500.00", "500.00"]
    assert all(r["transfer_account_id"] for r in saved)
    dinner = [r for r in rows if r["payee"] == "Trattoria"]
    assert {r["status"] for r in dinner} == {"uncleared"}  # the ledger's "!"
    notes = " ".join(made["notes"])
    assert "Balance assertion failed" in notes and "Liabilities:CreditCard:Visa" in notes
    assert "USD on Cash" in notes  # a second currency in one account is said, not dropped
    assert "price" in notes


def _categories(alex, book: int) -> set[tuple[str, str]]:
    groups = {g["id"]: g["name"] for g in alex.get(f"{BOOKS}/{book}/category-groups").json["items"]}
    return {
        (groups[c["group_id"]], c["name"])
        for c in alex.get(f"{BOOKS}/{book}/categories").json["items"]
    }


@pytest.mark.parametrize("file_name", ["household.gnucash", "household-xml.gnucash"])
def test_a_gnucash_book_comes_over_in_either_format(alex, file_name):
    made = bring(alex, "gnucash", GNUCASH / file_name)
    assert made["mismatches"] == 0, made["accounts"]
    balances = {c["account"]: c["balance"] for c in made["accounts"]}
    assert balances == {
        "Checking Account": "4510.25",
        "Savings Account": "10504.17",
        "Cash in Wallet": "36.50",
        "Brokerage Cash": "2000.00",
        "Credit Card": "-172.10",
    }
    book = made["book"]["id"]
    accounts, rows = book_rows(alex, book)
    assert accounts["Credit Card"]["type"] == "credit_card"
    assert accounts["Cash in Wallet"]["type"] == "cash"
    assert accounts["Savings Account"]["opening_balance"] == "10000.00"
    assert len(rows) == 14
    assert {("Auto", "Gas"), ("Utilities", "Electric"), ("Expenses", "Groceries")} <= _categories(
        alex, book
    )
    power = next(r for r in rows if r["payee"] == "City Power")
    assert (power["status"], power["memo"]) == ("reconciled", "No. 102")
    mart = next(r for r in rows if r["payee"] == "Hardware & Food Mart")
    assert sorted((s["amount"], s["memo"]) for s in mart["splits"]) == [
        ("-45.00", "light bulbs"),
        ("-75.00", "food"),
    ]
    assert sum(1 for r in rows if r["transfer_account_id"]) == 6
    assert any("Acme Shares (STOCK, ACME)" in note for note in made["notes"])


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<gnc-v2><lolz>&lol3;</lolz></gnc-v2>"""


@pytest.mark.parametrize(
    ("app_key", "data", "field", "words"),
    [
        ("beancount", b"\xff\xfe not text", "content", "UTF-8"),
        ("beancount", b"this is { not a ledger\n", "content", "not a Beancount ledger"),
        ("beancount", b'include "/etc/passwd"\n', "content", "includes other files"),
        ("beancount", b'plugin "os"\n2026-01-01 open Assets:A EUR\n', "content", "plugin os"),
        ("gnucash", b"Date,Amount\n2026-01-01,3\n", "content", "not a GnuCash book"),
        ("gnucash", gzip.compress(BILLION_LAUGHS), "content", "DTD"),
        ("gnucash", gzip.compress(b"<?xml version='1.0'?><gnc-v2>"), "content", "not a GnuCash"),
    ],
)
def test_a_file_the_reader_cannot_read_is_refused_saying_why(alex, app_key, data, field, words):
    books = alex.get(BOOKS).json["items"]
    response = alex.post(f"{BOOKS}/import/{app_key}", json=raw(data))
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    [error] = response.json["errors"]
    assert error["field"] == field and words in error["message"], error
    assert alex.get(BOOKS).json["items"] == books  # nothing half-made


def test_a_gzip_bomb_is_refused_before_it_fills_memory(alex, monkeypatch):
    monkeypatch.setattr(gnucash, "MAX_XML_BYTES", 1024 * 1024)
    bomb = gzip.compress(b"<?xml version='1.0'?>" + b" " * (3 * 1024 * 1024))
    response = alex.post(f"{BOOKS}/import/gnucash", json=raw(bomb, "book.gnucash"))
    assert response.status_code == 422
    assert "unpacks to more than 1 MB" in response.json["errors"][0]["message"]


def test_the_body_is_checked(alex):
    url = f"{BOOKS}/import/beancount"
    bad = alex.post(url, json={"file_name": "a.beancount", "content": "not base64!"})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "content"
    long_name = alex.post(url, json={**raw(b"x"), "name": "n" * 101})
    assert long_name.status_code == 422 and long_name.json["errors"][0]["field"] == "name"
    unknown = alex.post(f"{BOOKS}/import/quicken", json=raw(b"x"))
    assert unknown.status_code == 404


def test_a_book_that_breaks_a_rule_is_not_made_at_all(alex):
    ledger = (
        "2026-01-01 open Assets:" + "A" * 120 + " EUR\n"
        "2026-01-01 open Expenses:Food EUR\n"
        '2026-01-02 * "Shop"\n  Assets:' + "A" * 120 + " -5.00 EUR\n  Expenses:Food\n"
    )
    books = alex.get(BOOKS).json["items"]
    response = alex.post(f"{BOOKS}/import/beancount", json=raw(ledger.encode()))
    assert response.status_code == 422
    assert alex.get(BOOKS).json["items"] == books


def test_without_the_beancount_extra_the_choice_says_how_to_get_it(alex, monkeypatch):
    monkeypatch.setitem(sys.modules, "beancount.loader", None)  # as if not installed
    response = alex.post(f"{BOOKS}/import/beancount", json=raw(b"2026-01-01 open Assets:A EUR"))
    assert response.status_code == 422
    [error] = response.json["errors"]
    assert error["field"] == "app" and "pip install 'tallybook[beancount]'" in error["message"]


def test_only_a_signed_in_person_makes_a_book(client):
    response = client.post(f"{BOOKS}/import/gnucash", json=body(GNUCASH / "household.gnucash"))
    assert response.status_code == 401


def test_what_a_gnucash_book_holds_beyond_transactions_is_named(alex, tmp_path):
    copy = tmp_path / "with-budget.gnucash"
    copy.write_bytes((GNUCASH / "household.gnucash").read_bytes())
    with sqlite3.connect(copy) as conn:
        conn.execute(
            "INSERT INTO budgets (guid, name, description, num_periods) "
            "VALUES ('0123456789abcdef0123456789abcdef', 'Household 2026', '', 12)"
        )
    conn.close()
    made = bring(alex, "gnucash", copy)
    assert "Not read yet: 1 GnuCash budgets." in made["notes"]


@pytest.mark.parametrize(
    ("key", "file_name", "accounts"),
    [
        ("ynab", "ynab-export.zip", 3),
        ("ynab", "Household as of 2026-11-30 09-15 - Register.csv", 2),
        ("ynab4", "Familienbudget.ynab4.zip", 2),
        ("actual", "actual-budget.zip", 3),
        ("firefly", "firefly_iii_export.csv", 3),
    ],
)
def test_each_registered_app_comes_over_through_the_route(alex, key, file_name, accounts):
    # The readers' own tests check every figure; here each is reached as a person reaches it.
    made = bring(alex, key, FIXTURES / "otherapps" / file_name)
    assert made["app"] == key and made["mismatches"] == 0, made["accounts"]
    assert len(made["accounts"]) >= accounts
    assert all(c["source_balance"] == c["balance"] for c in made["accounts"]), made["accounts"]
