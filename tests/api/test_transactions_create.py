"""Creating and changing one transaction over the API: exact money, per-field validation,
payees, memos, tags and categories."""

from __future__ import annotations

import pytest

from tests.api.ledger import Ledger, category_ids
from tests.api.test_accounts import fields_of, new_book


def test_create_a_simple_transaction(ledger, eur):
    response = ledger.post({"account_id": eur["id"], "date": "2024-03-01", "amount": "-12.3"})
    assert response.status_code == 201
    created = response.json
    assert created["amount"] == "-12.30"
    assert created["currency"] == "EUR"
    assert created["account_id"] == eur["id"]
    assert created["date"] == "2024-03-01"
    assert created["payee"] is None
    assert created["category_id"] is None
    assert created["memo"] == ""
    assert created["tags"] == []
    assert created["status"] == "uncleared"
    assert created["splits"] == []
    assert created["transfer_id"] is None
    assert created["transfer_account_id"] is None
    assert created["import_id"] is None
    assert response.headers["ETag"]
    read = ledger.get(created["id"])
    assert read.json == created
    assert read.headers["ETag"] == response.headers["ETag"]
    assert ledger.balance(eur) == "-12.30"


@pytest.mark.parametrize(
    ("currency", "sent", "shown"),
    [
        ("EUR", "-12.30", "-12.30"),
        ("EUR", "0.1", "0.10"),
        ("EUR", "-0.01", "-0.01"),
        ("EUR", " 7 ", "7.00"),
        ("EUR", "+3.", "3.00"),
        ("EUR", "-.5", "-0.50"),
        ("EUR", "0.10000", "0.10"),
        ("EUR", "9999999999999.99", "9999999999999.99"),
        ("EUR", "0.07", "0.07"),
        ("JPY", "-500", "-500"),
        ("KWD", "1.005", "1.005"),
        ("KWD", "-0.001", "-0.001"),
    ],
)
def test_amounts_come_back_exactly(ledger, currency, sent, shown):
    account = ledger.account("A", currency)
    created = ledger.add(account, sent)
    assert created["amount"] == shown
    assert ledger.read(created["id"])["amount"] == shown
    assert ledger.balance(account) == shown


@pytest.mark.parametrize(
    ("currency", "sent"),
    [
        ("EUR", "1.234"),
        ("EUR", "-0.001"),
        ("JPY", "1.5"),
        ("JPY", "0.01"),
        ("KWD", "0.0001"),
        ("EUR", "1e2"),
        ("EUR", "12,30"),
        ("EUR", "1 000"),
        ("EUR", "abc"),
        ("EUR", "NaN"),
        ("EUR", "-Infinity"),
        ("EUR", ""),
        ("EUR", "--1"),
        ("EUR", "0x10"),
        ("EUR", "10000000000000.01"),
    ],
)
def test_bad_amounts_are_refused_on_amount(ledger, currency, sent):
    account = ledger.account("A", currency)
    response = ledger.post({"account_id": account["id"], "date": "2024-03-01", "amount": sent})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert fields_of(response) == {"amount"}
    assert ledger.all() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 12.3}, "amount"),
        ({"amount": 12}, "amount"),
        ({"amount": None}, "amount"),
        ({"account_id": "one"}, "account_id"),
        ({"account_id": None}, "account_id"),
        ({"date": "2024-13-01"}, "date"),
        ({"date": "01/03/2024"}, "date"),
        ({"date": 20240301}, "date"),
        ({"payee": 5}, "payee"),
        ({"memo": ["a"]}, "memo"),
        ({"tags": "food"}, "tags"),
        ({"tags": [1]}, "tags.0"),
        ({"status": "pending"}, "status"),
        ({"status": None}, "status"),
        ({"category_id": "food"}, "category_id"),
        ({"splits": {"amount": "1"}}, "splits"),
        ({"splits": [{"amount": 1}]}, "splits.0.amount"),
        ({"splits": [{"category_id": 1}]}, "splits.0.amount"),
        ({"transfer_account_id": "savings"}, "transfer_account_id"),
        ({"transfer_amount": 5}, "transfer_amount"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_json_types_are_422_per_field(ledger, eur, change, field):
    body = {"account_id": eur["id"], "date": "2024-03-01", "amount": "-1.00", **change}
    response = ledger.post(body)
    assert response.status_code == 422
    assert field in fields_of(response), response.json
    assert ledger.all() == []


@pytest.mark.parametrize("missing", ["account_id", "date", "amount"])
def test_required_fields(ledger, eur, missing):
    body = {"account_id": eur["id"], "date": "2024-03-01", "amount": "-1.00"}
    del body[missing]
    response = ledger.post(body)
    assert response.status_code == 422
    assert fields_of(response) == {missing}


def test_bodies_that_are_not_an_object(ledger):
    assert ledger.post([]).status_code == 400
    assert ledger.post("just text").status_code == 400
    broken = ledger.who.post(
        f"{ledger.base}/transactions", data="{not json", content_type="application/json"
    )
    assert broken.status_code == 400
    assert broken.headers["Content-Type"] == "application/problem+json"


def test_account_of_another_book_is_a_field_error(ledger, alex):
    other = Ledger(alex, new_book(alex, name="Other"))
    theirs = other.account("Theirs")
    response = ledger.post({"account_id": theirs["id"], "date": "2024-03-01", "amount": "1"})
    assert response.status_code == 422
    assert fields_of(response) == {"account_id"}
    assert other.balance(theirs) == "0.00"


def test_payee_memo_and_tags(ledger, eur):
    created = ledger.add(
        eur,
        "-4.50",
        payee="  Café du Coin ",
        memo=" Two croissants ",
        tags=["Food", "food", " FOOD ", "Trip", "trip"],
    )
    assert created["payee"] == "Café du Coin"
    assert created["memo"] == "Two croissants"
    assert created["tags"] == ["Food", "Trip"]
    again = ledger.add(eur, "-1.00", payee="CAFÉ DU COIN", tags=["TRIP", "Ölfass", "ÖLFASS"])
    assert again["payee"] == "Café du Coin"  # the book's payee, in its first spelling
    assert again["tags"] == ["Trip", "Ölfass"]
    tags = ledger.who.get(f"{ledger.base}/tags").json["items"]
    assert sorted(t["name"] for t in tags) == ["Food", "Trip", "Ölfass"]
    cleared = ledger.change(created["id"], payee=None, memo=None, tags=[])
    assert (cleared["payee"], cleared["memo"], cleared["tags"]) == (None, "", [])
    assert ledger.change(again["id"], tags=None)["tags"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tags": ["a,b"]}, "tags"),
        ({"tags": [" "]}, "tags"),
        ({"tags": ["x" * 51]}, "tags.0"),
        ({"payee": "x" * 201}, "payee"),
        ({"memo": "x" * 1001}, "memo"),
    ],
)
def test_bad_labels_are_refused_and_nothing_is_kept(ledger, eur, change, field):
    body = {"account_id": eur["id"], "date": "2024-03-01", "amount": "-1.00", **change}
    response = ledger.post(body)
    assert response.status_code == 422
    assert fields_of(response) == {field}
    assert ledger.all() == []
    assert ledger.balance(eur) == "0.00"


def test_a_failed_update_changes_nothing(ledger, eur):
    created = ledger.add(eur, "-1.00", tags=["Keep"])
    response = ledger.patch(created["id"], {"amount": "-99.00", "tags": ["bad,tag"]})
    assert response.status_code == 422
    assert ledger.read(created["id"]) == created
    assert ledger.balance(eur) == "-1.00"


def test_categories(ledger, eur, cats, alex, database):
    created = ledger.add(eur, "-3.00", category_id=cats[0])
    assert created["category_id"] == cats[0]
    assert ledger.change(created["id"], category_id=cats[1])["category_id"] == cats[1]
    assert ledger.change(created["id"], category_id=None)["category_id"] is None
    other_book = new_book(alex, name="Other")
    foreign = category_ids(database, other_book, 1)[0]
    for body in (
        {"account_id": eur["id"], "date": "2024-03-01", "amount": "-1", "category_id": foreign},
        {"account_id": eur["id"], "date": "2024-03-01", "amount": "-1", "category_id": 999999},
    ):
        response = ledger.post(body)
        assert response.status_code == 422
        assert fields_of(response) == {"category_id"}
    refused = ledger.patch(created["id"], {"category_id": foreign})
    assert fields_of(refused) == {"category_id"}
    assert ledger.read(created["id"])["category_id"] is None
