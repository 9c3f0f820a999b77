"""OFX/QFX and QIF files through the import routes: choices, currencies, duplicates by id."""

from __future__ import annotations

import pytest

from tests.api.test_imports import current_account, file_body
from tests.unit.test_ofx_import import CHECKING_AND_SAVINGS, GERMAN_XML, US_CHECKING
from tests.unit.test_qif_import import CREDIT_CARD, EUROPEAN


@pytest.fixture
def usd_account(alex):
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    account = alex.post(
        f"/api/v1/books/{book}/accounts",
        json={"name": "Checking", "type": "checking", "currency": "USD"},
    ).json["id"]
    return book, account


def test_an_ofx_statement_is_imported_once_by_its_ids(alex, usd_account):
    book, account = usd_account
    base = f"/api/v1/books/{book}/imports"
    preview = alex.post(base + "/preview", json=file_body(account, US_CHECKING)).json
    assert (preview["format"], preview["layout"], preview["statement"]) == ("ofx", None, 0)
    assert [(r["line"], r["amount"], r["bank_id"]) for r in preview["rows"]][:2] == [
        (1, "-54.21", "2025112401"),
        (2, "-150.00", "2025112002"),
    ]
    made = alex.post(base, json=file_body(account, US_CHECKING))
    assert made.status_code == 201, made.json
    assert (made.json["added"], made.json["skipped"]) == (4, 0)
    again = alex.post(base, json=file_body(account, US_CHECKING)).json
    assert (again["added"], again["skipped"]) == (0, 4)
    stored = alex.get(f"/api/v1/books/{book}/transactions?q=grocer").json["items"]
    assert [(t["date"], t["amount"], t["memo"]) for t in stored] == [
        ("2025-11-24", "-54.21", "POS PURCHASE SPRINGFIELD IL")
    ]


def test_a_file_of_several_statements_asks_which(alex, usd_account):
    book, account = usd_account
    base = f"/api/v1/books/{book}/imports"
    preview = alex.post(base + "/preview", json=file_body(account, CHECKING_AND_SAVINGS)).json
    assert preview["statement"] is None and preview["rows"] == []
    assert len(preview["statements"]) == 2
    refused = alex.post(base, json=file_body(account, CHECKING_AND_SAVINGS))
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "statement"
    assert "2 statements" in refused.json["errors"][0]["message"]
    chosen = alex.post(base, json=file_body(account, CHECKING_AND_SAVINGS, statement=1))
    assert chosen.status_code == 201, chosen.json
    assert chosen.json["added"] == preview["statements"][1]["rows"]
    missing = alex.post(
        base + "/preview", json=file_body(account, CHECKING_AND_SAVINGS, statement=5)
    )
    assert missing.status_code == 422 and missing.json["errors"][0]["field"] == "content"


def test_a_statement_in_another_currency_is_refused(alex, usd_account):
    book, account = usd_account
    response = alex.post(f"/api/v1/books/{book}/imports", json=file_body(account, GERMAN_XML))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "account_id"
    assert "EUR" in response.json["errors"][0]["message"]
    assert alex.get(f"/api/v1/books/{book}/imports").json["items"] == []


def test_qif_files_are_imported_and_recorded_as_such(alex):
    book, account = current_account(alex)  # in the book's currency
    base = f"/api/v1/books/{book}/imports"
    preview = alex.post(base + "/preview", json=file_body(account, EUROPEAN)).json
    assert preview["format"] == "qif" and preview["date_formats"] == ["%d.%m.%Y"]
    assert [r["amount"] for r in preview["rows"]] == ["-1150.00", "2834.50", "-3.80"]
    made = alex.post(base, json=file_body(account, EUROPEAN))
    assert made.status_code == 201 and made.json["added"] == 3
    assert alex.post(base, json=file_body(account, EUROPEAN)).json["skipped"] == 3
    assert [i["format"] for i in alex.get(base).json["items"]] == ["qif", "qif"]


def test_a_qif_file_whose_dates_read_two_ways_waits_for_the_choice(alex):
    book, account = current_account(alex)
    base = f"/api/v1/books/{book}/imports"
    text = "!Type:Bank\nD03/04/2025\nT-1.00\nPA\n^\nD05/06/2025\nT-2.00\nPB\n^\n"
    preview = alex.post(base + "/preview", json=file_body(account, text)).json
    assert sorted(preview["date_formats"]) == ["%d/%m/%Y", "%m/%d/%Y"] and preview["rows"] == []
    refused = alex.post(base, json=file_body(account, text))
    assert refused.json["errors"][0]["field"] == "date_format"
    made = alex.post(base, json=file_body(account, text, date_format="%d/%m/%Y"))
    assert made.status_code == 201


def test_ofx_problems_name_the_transaction(alex, usd_account):
    book, account = usd_account
    broken = US_CHECKING.replace("<TRNAMT>-150.00", "<TRNAMT>lots")
    response = alex.post(f"/api/v1/books/{book}/imports", json=file_body(account, broken))
    assert response.status_code == 422
    assert response.json["errors"][0]["message"].startswith("Transaction 2:")


def test_a_card_statement_from_qif(alex):
    book, account = current_account(alex)
    made = alex.post(f"/api/v1/books/{book}/imports", json=file_body(account, CREDIT_CARD))
    assert made.status_code == 201 and made.json["added"] == 2


def test_a_bank_id_longer_than_the_book_keeps_is_cut_and_still_finds_its_duplicate(
    alex, usd_account
):
    book, account = usd_account
    long_id = US_CHECKING.replace("<FITID>2025112401", "<FITID>" + "7" * 300)
    base = f"/api/v1/books/{book}/imports"
    assert alex.post(base, json=file_body(account, long_id)).status_code == 201
    assert alex.post(base, json=file_body(account, long_id)).json["skipped"] == 4
