"""A book out as a Beancount ledger: bean-check accepts it, and bean-query's balances are ours."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from server.domain.beancount_export import name_part, tag_name
from tests.api.conftest import BOOKS, post

TOOLS = Path(sys.executable).parent


def ledger_text(client, book: int) -> str:
    response = client.get(f"{BOOKS}/{book}/export.beancount")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"].endswith('.beancount"')
    return response.get_data(as_text=True)


def checked(text: str, tmp_path: Path) -> Path:
    """Write the ledger and run bean-check on it: no errors."""
    path = tmp_path / "book.beancount"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [TOOLS / "bean-check", path], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return path


def bean_query_balances(path: Path) -> dict[str, dict[str, Decimal]]:
    """Each Assets/Liabilities account's units per currency, as bean-query sums them."""
    result = subprocess.run(
        [TOOLS / "bean-query", "-f", "csv", path,
         "SELECT account, currency, sum(number) AS units WHERE account ~ '^(Assets|Liabilities):' "
         "GROUP BY account, currency ORDER BY account"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    balances: dict[str, dict[str, Decimal]] = {}
    for row in csv.DictReader(io.StringIO(result.stdout)):
        per_account = balances.setdefault(row["account"].strip(), {})
        per_account[row["currency"].strip()] = Decimal(row["units"].strip())
    return balances


def tallybook_balances(client, book: int, names: dict[str, str]) -> dict[str, dict[str, Decimal]]:
    """Each account's balance (every row, those dated ahead too), by its ledger name."""
    accounts = client.get(f"{BOOKS}/{book}/accounts").json["items"]
    return {names[a["name"]]: {a["currency"]: Decimal(a["balance_projected"])} for a in accounts}


def test_the_demo_book_passes_bean_check_with_our_balances(alex, tmp_path):
    book = alex.post("/api/v1/demo-books", json={"currency": "EUR"}).json["id"]
    text = ledger_text(alex, book)
    assert text == ledger_text(alex, book)  # the same book gives the same file
    path = checked(text, tmp_path)
    accounts = alex.get(f"{BOOKS}/{book}/accounts").json["items"]
    names = {a["name"]: ("Liabilities:" if a["type"] == "credit_card" else "Assets:")
             + name_part(a["name"], "") for a in accounts}  # fmt: skip
    assert bean_query_balances(path) == tallybook_balances(alex, book, names)


@pytest.fixture
def odd_book(alex, rich_book) -> int:
    """The rich book (odd names, a transfer from EUR to USD, a split, yen), plus two accounts
    whose names become the same, a backslash in a memo and two finished reconciliations."""
    base = f"{BOOKS}/{rich_book}"
    cafe = {"name": "Café & Bar", "type": "cash", "opening_balance": "10.00",
            "opening_date": "2025-01-01"}  # fmt: skip
    cafe = post(alex, base + "/accounts", cafe)["id"]
    post(alex, base + "/accounts", {"name": "Cafe Bar", "type": "credit_card"})
    coffee = {"account_id": cafe, "date": "2025-04-01", "amount": "-2.50", "memo": "a\\b",
              "status": "cleared", "tags": ["Tag mit Ü"]}  # fmt: skip
    post(alex, base + "/transactions", coffee)
    statement = {"statement_date": "2025-04-30", "statement_balance": "7.50"}
    opened = post(alex, f"{base}/accounts/{cafe}/reconciliations", statement)
    finish = f"{base}/accounts/{cafe}/reconciliations/{opened['id']}/finish"
    assert alex.post(finish, json={"adjust": False}).status_code == 200
    checking = alex.get(base + "/accounts").json["items"][0]
    # What the bank saw; the transfer and the rent entered from the schedule are uncleared.
    # The account opens today (the fixture gives no date), and no statement may be dated earlier.
    statement = {"statement_date": checking["opening_date"], "statement_balance": "-73.91"}
    opened = post(alex, f"{base}/accounts/{checking['id']}/reconciliations", statement)
    finish = f"{base}/accounts/{checking['id']}/reconciliations/{opened['id']}/finish"
    assert alex.post(finish, json={"adjust": False}).status_code == 200
    return rich_book


def test_odd_names_transfers_splits_and_currencies_pass_bean_check(alex, odd_book, tmp_path):
    text = ledger_text(alex, odd_book)
    path = checked(text, tmp_path)
    names = {
        "Girokonto": "Assets:Girokonto",
        "US Dollars": "Assets:US-Dollars",
        "Tokyo": "Assets:Tokyo",
        "Sparbuch": "Assets:Sparbuch",
        "Café & Bar": "Assets:Cafe-Bar",
        "Cafe Bar": "Liabilities:Cafe-Bar",
    }
    assert bean_query_balances(path) == {
        name: units
        for name, units in tallybook_balances(alex, odd_book, names).items()
        if any(units.values()) or name.startswith("Assets:Cafe")
    }
    assert "2025-03-01 open Assets:US-Dollars USD" in text
    assert "open Expenses:Urlaub:Hotels\n" in text  # 🏖 and the accent made valid
    transfer = text.split("\n\n2025-03-01 ")[1].split("\n\n")[0]
    assert transfer.splitlines()[1:] == [
        "  Assets:Girokonto  -500.00 EUR @@ 541.20 USD",
        "  Assets:US-Dollars  541.20 USD",
    ]  # one transaction for both sides
    split = text.split("\n\n2025-02-14 ")[1].split("\n\n")[0]
    assert split.startswith('* "Kaufland" ""')
    assert "Expenses:Urlaub:Hotels  30.10 EUR" in split and '    memo: "food"' in split
    assert '2025-01-31 ! "Müller Immobilien" "" #home' in text  # entered from the schedule
    assert '* "Müller Immobilien" "Miete \\"Januar\\"; Wohnung 3" #home #Fixed' in text
    assert '"a\\\\b" #Tag-mit-U' in text
    assert "2025-05-01 balance Assets:Cafe-Bar  7.50 EUR" in text  # the statement held
    opened_on = alex.get(f"{BOOKS}/{odd_book}/accounts").json["items"][0]["opening_date"]
    assert f"; Assets:Girokonto had a statement of -73.91 EUR on {opened_on}" in text
    assert "Expenses:Uncategorized  3500 JPY" in text
    assert "Income:Uncategorized  -0.01 USD" in text


@pytest.mark.parametrize(
    ("name", "part"),
    [("Café & Bar", "Cafe-Bar"), ("straße", "Strasse"), ("401k", "401k"), ("🏖", "Group")],
)
def test_names_become_valid_account_parts(name, part):
    assert name_part(name, "Group") == part


def test_tags_become_valid():
    assert tag_name("Ferien 2025/Sommer") == "Ferien-2025/Sommer"


def test_another_book_is_not_found(alex, people):
    book = alex.post("/api/v1/books", json={"name": "Mine"}).json["id"]
    sam = people("sam")
    assert sam.get(f"{BOOKS}/{book}/export.beancount").status_code == 404
