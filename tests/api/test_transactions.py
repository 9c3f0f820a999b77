"""Transactions over the API: exact money, splits, transfers, tags, filters, search, keyset
paging, running balances, ETags, bulk changes and roles; balances checked by brute force."""

from __future__ import annotations

import base64
import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from server.api.transactions import RegisterRow, TransactionOut
from server.clock import to_iso, utcnow
from server.domain.export import CSV_COLUMNS
from tests.api.test_accounts import add_member, fields_of, new_book

API = "/api/v1/books"
DIGITS = {"EUR": 2, "USD": 2, "CHF": 2, "JPY": 0, "KWD": 3}


def decimal_text(minor: int, currency: str) -> str:
    """Minor units as the decimal string a client would send (independent of the server)."""
    return str(Decimal(minor).scaleb(-DIGITS[currency]))


def category_ids(database, book_id: int, count: int = 3) -> list[int]:
    """Ids of `count` categories of the book, made straight in the tables if it has too few."""
    with database.write() as db:
        found = [
            row[0]
            for row in db.execute(
                "SELECT id FROM categories WHERE book_id = ? ORDER BY id", [book_id]
            ).fetchall()
        ]
        if len(found) < count:
            now = to_iso(utcnow())
            group_id = (
                db["category_groups"]
                .insert(
                    {
                        "book_id": book_id,
                        "name": f"Test group {len(found)}",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                .last_pk
            )
            for i in range(count - len(found)):
                found.append(
                    db["categories"]
                    .insert(
                        {
                            "book_id": book_id,
                            "group_id": group_id,
                            "name": f"Test category {i}",
                            "kind": "expense",
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                    .last_pk
                )
    return found[:count]


@dataclass
class Ledger:
    """One book seen through one signed-in client, with short-hands for its resources."""

    who: Any
    id: int

    @property
    def base(self) -> str:
        return f"{API}/{self.id}"

    def account(self, name: str, currency: str | None = None, opening: str = "0") -> dict:
        body = {"name": name, "type": "checking", "opening_balance": opening}
        if currency:
            body["currency"] = currency
        response = self.who.post(f"{self.base}/accounts", json=body)
        assert response.status_code == 201, response.json
        return response.json

    def read_account(self, account_id: int) -> dict:
        response = self.who.get(f"{self.base}/accounts/{account_id}")
        assert response.status_code == 200, response.json
        return response.json

    def balance(self, account: dict) -> str:
        return self.read_account(account["id"])["balance"]

    def post(self, body: dict, **kwargs: Any) -> Any:
        return self.who.post(f"{self.base}/transactions", json=body, **kwargs)

    def add(self, account: dict, amount: str, day: str = "2024-03-01", **fields: Any) -> dict:
        response = self.post({"account_id": account["id"], "date": day, "amount": amount, **fields})
        assert response.status_code == 201, response.json
        return response.json

    def get(self, transaction_id: int) -> Any:
        return self.who.get(f"{self.base}/transactions/{transaction_id}")

    def read(self, transaction_id: int) -> dict:
        response = self.get(transaction_id)
        assert response.status_code == 200, response.json
        return response.json

    def patch(self, transaction_id: int, body: dict, **headers: str) -> Any:
        return self.who.patch(
            f"{self.base}/transactions/{transaction_id}", json=body, headers=headers
        )

    def change(self, transaction_id: int, **body: Any) -> dict:
        response = self.patch(transaction_id, body)
        assert response.status_code == 200, response.json
        return response.json

    def delete(self, transaction_id: int, **headers: str) -> Any:
        return self.who.delete(f"{self.base}/transactions/{transaction_id}", headers=headers)

    def page(self, query: str = "") -> Any:
        return self.who.get(f"{self.base}/transactions?{query}")

    def all(self, query: str = "", limit: int = 500) -> list[dict]:
        """Every row of a list, following `next_cursor` to the end."""
        rows, cursor = [], None
        while True:
            params = f"limit={limit}" + (f"&{query}" if query else "")
            response = self.page(params + (f"&cursor={cursor}" if cursor else ""))
            assert response.status_code == 200, response.json
            rows += response.json["items"]
            cursor = response.json["next_cursor"]
            if cursor is None:
                return rows

    def ids(self, query: str = "") -> set[int]:
        return {t["id"] for t in self.all(query)}


@pytest.fixture
def ledger(alex) -> Ledger:
    return Ledger(alex, new_book(alex, "EUR"))


@pytest.fixture
def eur(ledger) -> dict:
    return ledger.account("Checking")


@pytest.fixture
def cats(ledger, database) -> list[int]:
    return category_ids(database, ledger.id, 3)


# Creating ------------------------------------------------------------------------------------


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
    assert ledger.post([]).status_code == 422
    assert ledger.post("just text").status_code == 422
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
        ({"tags": ["x" * 51]}, "tags"),
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


# Splits --------------------------------------------------------------------------------------


def test_splits_that_add_up(ledger, eur, cats):
    created = ledger.add(
        eur,
        "-100.00",
        splits=[
            {"category_id": cats[0], "amount": "-33.33", "memo": " rent share "},
            {"category_id": cats[1], "amount": "-33.33"},
            {"category_id": None, "amount": "-33.34"},
        ],
    )
    assert created["category_id"] is None
    assert created["splits"] == [
        {"category_id": cats[0], "amount": "-33.33", "memo": "rent share"},
        {"category_id": cats[1], "amount": "-33.33", "memo": ""},
        {"category_id": None, "amount": "-33.34", "memo": ""},
    ]
    assert ledger.balance(eur) == "-100.00"
    yen = ledger.account("Yen", "JPY")
    parts = [{"category_id": cats[0], "amount": "700"}, {"category_id": cats[1], "amount": "-1"}]
    assert ledger.add(yen, "699", splits=parts)["splits"][1]["amount"] == "-1"


@pytest.mark.parametrize(
    ("amount", "splits", "field"),
    [
        ("-10.00", [("-3.00", 0), ("-6.99", 1)], "splits"),
        ("-10.00", [("-3.00", 0), ("-7.01", 1)], "splits"),
        ("-10.00", [("-10.00", 0)], "splits"),
        ("-10.00", [("-5.001", 0), ("-4.999", 1)], "splits.0.amount"),
        ("-10.00", [("-5", 0), ("-5", "foreign")], "splits.1.category_id"),
        ("-10.00", [("-5", 0), ("-5", 999999)], "splits.1.category_id"),
    ],
)
def test_splits_that_do_not_add_up_or_are_wrong(
    ledger, eur, cats, alex, database, amount, splits, field
):
    foreign = category_ids(database, new_book(alex, name="Other"), 1)[0]

    def category(ref):
        return foreign if ref == "foreign" else ref if ref == 999999 else cats[ref]

    body = {
        "account_id": eur["id"],
        "date": "2024-03-01",
        "amount": amount,
        "splits": [{"amount": a, "category_id": category(c)} for a, c in splits],
    }
    response = ledger.post(body)
    assert response.status_code == 422
    assert field in fields_of(response), response.json
    assert ledger.all() == []


def test_a_category_and_splits_together_are_refused(ledger, eur, cats):
    response = ledger.post(
        {
            "account_id": eur["id"],
            "date": "2024-03-01",
            "amount": "-2.00",
            "category_id": cats[2],
            "splits": [
                {"category_id": cats[0], "amount": "-1.00"},
                {"category_id": cats[1], "amount": "-1.00"},
            ],
        }
    )
    assert response.status_code == 422
    assert fields_of(response) == {"category_id"}


def test_editing_splits(ledger, eur, cats):
    created = ledger.add(eur, "-2.00", category_id=cats[2])
    parts = [
        {"category_id": cats[0], "amount": "-1.50"},
        {"category_id": cats[1], "amount": "-0.5"},
    ]
    split = ledger.change(created["id"], splits=parts)
    assert split["category_id"] is None  # the splits replace the category
    assert [s["amount"] for s in split["splits"]] == ["-1.50", "-0.50"]
    # The amount alone cannot move away from the splits' sum...
    refused = ledger.patch(created["id"], {"amount": "-3.00"})
    assert fields_of(refused) == {"splits"}
    # ...but it can together with new splits.
    parts[1]["amount"] = "-1.50"
    assert ledger.change(created["id"], amount="-3.00", splits=parts)["amount"] == "-3.00"
    assert ledger.balance(eur) == "-3.00"
    plain = ledger.change(created["id"], splits=[], category_id=cats[2])
    assert (plain["splits"], plain["category_id"]) == ([], cats[2])
    again = ledger.change(created["id"], splits=parts, category_id=None)
    assert len(again["splits"]) == 2
    assert ledger.change(created["id"], splits=None)["splits"] == []


# Transfers -----------------------------------------------------------------------------------


def test_an_archived_account_takes_no_new_transactions_but_keeps_its_own_editable(ledger, eur):
    savings = ledger.account("Savings")
    kept = ledger.add(eur, "-5.00")
    moved_in = ledger.add(eur, "-7.00", transfer_account_id=savings["id"])
    archived = ledger.who.patch(f"{ledger.base}/accounts/{eur['id']}", json={"archived": True})
    assert archived.status_code == 200, archived.json

    refused = ledger.post({"account_id": eur["id"], "date": "2024-03-02", "amount": "-1.00"})
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "account_id"
    assert "archived" in refused.json["errors"][0]["message"]
    into = ledger.post(
        {
            "account_id": savings["id"],
            "date": "2024-03-02",
            "amount": "-1.00",
            "transfer_account_id": eur["id"],
        }
    )
    assert into.status_code == 422
    assert [e["field"] for e in into.json["errors"]] == ["transfer_account_id"]
    other = ledger.add(savings, "-2.00")
    moved = ledger.patch(other["id"], {"account_id": eur["id"]})
    assert moved.status_code == 422

    # What is already there can still be corrected, from either side of a transfer.
    assert ledger.change(kept["id"], memo="fixed")["memo"] == "fixed"
    assert ledger.change(moved_in["transfer_id"], amount="8.00")["amount"] == "8.00"
    assert ledger.read(moved_in["id"])["amount"] == "-8.00"


def test_a_transfer_in_one_currency(ledger, eur):
    savings = ledger.account("Savings", opening="10.00")
    created = ledger.add(
        eur,
        "-25.50",
        day="2024-04-02",
        transfer_account_id=savings["id"],
        payee="Me",
        memo="Saving up",
        status="cleared",
    )
    assert created["transfer_account_id"] == savings["id"]
    other = ledger.read(created["transfer_id"])
    assert other["id"] != created["id"]
    assert other["transfer_id"] == created["id"]
    assert other["transfer_account_id"] == eur["id"]
    assert other["account_id"] == savings["id"]
    assert other["amount"] == "25.50"
    assert other["date"] == "2024-04-02"
    assert (other["payee"], other["memo"]) == ("Me", "Saving up")
    assert other["category_id"] is None and other["splits"] == []
    assert other["status"] == "cleared"
    assert ledger.balance(eur) == "-25.50"
    assert ledger.read_account(savings["id"])["balance"] == "35.50"
    assert ledger.read_account(savings["id"])["cleared_balance"] == "35.50"
    assert ledger.ids() == {created["id"], other["id"]}


def test_editing_a_transfer_moves_the_other_side_too(ledger, eur):
    savings = ledger.account("Savings")
    created = ledger.add(eur, "-10.00", day="2024-04-02", transfer_account_id=savings["id"])
    other_id = created["transfer_id"]
    changed = ledger.change(created["id"], amount="-12.00", date="2024-05-06")
    assert changed["transfer_id"] == other_id
    other = ledger.read(other_id)
    assert (other["amount"], other["date"]) == ("12.00", "2024-05-06")
    # from the other side as well
    ledger.change(other_id, amount="7.25", date="2024-06-01", memo="back")
    first = ledger.read(created["id"])
    assert (first["amount"], first["date"], first["memo"]) == ("-7.25", "2024-06-01", "back")
    assert ledger.balance(eur) == "-7.25"
    assert ledger.balance(savings) == "7.25"
    # each side keeps its own status
    ledger.change(other_id, status="reconciled")
    assert ledger.read(created["id"])["status"] == "uncleared"
    assert ledger.read_account(savings["id"])["reconciled_balance"] == "7.25"
    assert ledger.read_account(eur["id"])["cleared_balance"] == "0.00"


def test_editing_one_side_keeps_the_other_sides_tags(ledger, eur):
    savings = ledger.account("Savings")
    created = ledger.add(eur, "-10.00", transfer_account_id=savings["id"], tags=["Out"])
    ledger.change(created["transfer_id"], tags=["Rainy day"])
    ledger.change(created["id"], memo="monthly")
    assert ledger.read(created["transfer_id"])["tags"] == ["Rainy day"]


def test_changing_the_transfer_account_moves_the_other_side(ledger, eur):
    savings = ledger.account("Savings")
    cash = ledger.account("Cash", opening="1.00")
    created = ledger.add(eur, "-10.00", transfer_account_id=savings["id"])
    other_id = created["transfer_id"]
    changed = ledger.change(created["id"], transfer_account_id=cash["id"])
    assert changed["transfer_account_id"] == cash["id"]
    other = ledger.read(changed["transfer_id"])
    assert other["account_id"] == cash["id"]
    assert other["amount"] == "10.00"
    assert other["transfer_id"] == created["id"]
    assert changed["transfer_id"] == other_id  # the same row moved
    assert ledger.balance(savings) == "0.00"
    assert ledger.balance(cash) == "11.00"
    assert ledger.balance(eur) == "-10.00"
    assert ledger.ids(f"account_id={savings['id']}") == set()


def test_moving_one_side_to_another_account(ledger, eur):
    savings = ledger.account("Savings")
    cash = ledger.account("Cash")
    created = ledger.add(eur, "-10.00", transfer_account_id=savings["id"])
    moved = ledger.change(created["id"], account_id=cash["id"])
    assert moved["account_id"] == cash["id"]
    assert ledger.read(moved["transfer_id"])["transfer_account_id"] == cash["id"]
    assert (ledger.balance(eur), ledger.balance(cash), ledger.balance(savings)) == (
        "0.00",
        "-10.00",
        "10.00",
    )
    refused = ledger.patch(created["id"], {"account_id": savings["id"]})
    assert fields_of(refused) == {"transfer_account_id"}


def test_clearing_the_transfer_account_deletes_the_other_side(ledger, eur):
    savings = ledger.account("Savings")
    created = ledger.add(eur, "-10.00", transfer_account_id=savings["id"])
    plain = ledger.change(created["id"], transfer_account_id=None)
    assert (plain["transfer_id"], plain["transfer_account_id"]) == (None, None)
    assert ledger.get(created["transfer_id"]).status_code == 404
    assert ledger.balance(savings) == "0.00"
    assert ledger.balance(eur) == "-10.00"
    # and back into a transfer
    again = ledger.change(created["id"], transfer_account_id=savings["id"])
    assert ledger.read(again["transfer_id"])["amount"] == "10.00"
    assert ledger.balance(savings) == "10.00"


@pytest.mark.parametrize("side", ["first", "other"])
def test_deleting_one_side_deletes_both(ledger, eur, side):
    savings = ledger.account("Savings")
    created = ledger.add(eur, "-10.00", transfer_account_id=savings["id"])
    doomed = created["id"] if side == "first" else created["transfer_id"]
    assert ledger.delete(doomed).status_code == 204
    assert ledger.get(created["id"]).status_code == 404
    assert ledger.get(created["transfer_id"]).status_code == 404
    assert ledger.all() == []
    assert ledger.balance(eur) == ledger.balance(savings) == "0.00"


def test_transfer_mistakes(ledger, eur, cats, alex):
    savings = ledger.account("Savings")
    theirs = Ledger(alex, new_book(alex, name="Other")).account("Theirs")
    base = {"account_id": eur["id"], "date": "2024-03-01", "amount": "-1.00"}
    for extra, field in (
        ({"transfer_account_id": eur["id"]}, "transfer_account_id"),
        ({"transfer_account_id": theirs["id"]}, "transfer_account_id"),
        ({"transfer_account_id": 999999}, "transfer_account_id"),
        ({"transfer_account_id": savings["id"], "category_id": cats[0]}, "category_id"),
    ):
        response = ledger.post({**base, **extra})
        assert response.status_code == 422
        assert field in fields_of(response), response.json
    created = ledger.add(eur, "-1.00", transfer_account_id=savings["id"])
    assert fields_of(ledger.patch(created["id"], {"category_id": cats[0]})) == {"category_id"}
    assert ledger.ids() == {created["id"], created["transfer_id"]}


def test_a_cross_currency_transfer_needs_the_other_amount(ledger, eur):
    yen = ledger.account("Yen", "JPY", opening="1000")
    base = {
        "account_id": eur["id"],
        "date": "2024-03-01",
        "amount": "-10.00",
        "transfer_account_id": yen["id"],
    }
    for extra in ({}, {"transfer_amount": "-1600"}, {"transfer_amount": "1600.5"}):
        response = ledger.post({**base, **extra})
        assert response.status_code == 422
        assert fields_of(response) == {"transfer_amount"}
    assert ledger.all() == []
    created = ledger.post({**base, "transfer_amount": "1600"}).json
    other = ledger.read(created["transfer_id"])
    assert (other["amount"], other["currency"]) == ("1600", "JPY")
    assert ledger.balance(eur) == "-10.00"
    assert ledger.balance(yen) == "2600"
    # The date moves the other side; its amount stays.
    ledger.change(created["id"], date="2024-03-05")
    assert ledger.read(other["id"])["date"] == "2024-03-05"
    assert ledger.balance(yen) == "2600"
    # A new amount needs the other one too.
    assert fields_of(ledger.patch(created["id"], {"amount": "-20.00"})) == {"transfer_amount"}
    ledger.change(created["id"], amount="-20.00", transfer_amount="3200")
    assert (ledger.balance(eur), ledger.balance(yen)) == ("-20.00", "4200")
    # From the yen side, the euro amount is the other one.
    ledger.change(other["id"], amount="3000", transfer_amount="-18.75")
    assert (ledger.balance(eur), ledger.balance(yen)) == ("-18.75", "4000")


def test_moving_to_an_account_of_another_currency_keeps_the_value_or_asks(ledger, eur):
    dinar = ledger.account("Dinar", "KWD")
    created = ledger.add(eur, "-12.30")
    response = ledger.patch(created["id"], {"account_id": dinar["id"]})
    if response.status_code == 200:
        assert response.json["amount"] == "-12.300"
    else:
        assert response.status_code == 422
        assert fields_of(response) == {"amount"}
        assert ledger.read(created["id"]) == created


def test_re_pointing_a_transfer_to_another_currency_needs_the_other_amount(ledger, eur):
    savings = ledger.account("Savings")
    yen = ledger.account("Yen", "JPY")
    created = ledger.add(eur, "-10.00", transfer_account_id=savings["id"])
    response = ledger.patch(created["id"], {"transfer_account_id": yen["id"]})
    assert response.status_code == 422
    assert fields_of(response) == {"transfer_amount"}
    assert ledger.balance(yen) == "0"
    moved = ledger.change(created["id"], transfer_account_id=yen["id"], transfer_amount="1600")
    assert ledger.read(moved["transfer_id"])["amount"] == "1600"


# Balances by brute force ---------------------------------------------------------------------

BRUTE_ACCOUNTS = (("A", "EUR"), ("B", "EUR"), ("Y", "JPY"), ("K", "KWD"))
STATUSES = ("uncleared", "cleared", "reconciled")
# Creating weighs more than the rest so that examples have something to change.
ACTIONS = (
    *("create", "create", "split", "transfer", "update", "update", "move", "delete"),
    *("bulk", "unlink", "refused"),
)


def check_ledger(ledger: Ledger, accounts: list[dict]) -> None:
    """Each account's balances equal opening + a brute-force sum of its rows, read through
    the list endpoint a few rows at a time; running balances agree; transfer pairs agree."""
    everything = {t["id"]: t for t in ledger.all(limit=500)}
    seen = 0
    for account in accounts:
        rows = ledger.all(f"account_id={account['id']}", limit=3)
        seen += len(rows)
        ids = [t["id"] for t in rows]
        assert len(ids) == len(set(ids))
        assert rows == sorted(rows, key=lambda t: (t["date"], t["id"]), reverse=True)
        opening = Decimal(account["opening_balance"])
        total = {s: sum(Decimal(t["amount"]) for t in rows if t["status"] == s) for s in STATUSES}
        now = ledger.read_account(account["id"])
        assert Decimal(now["balance"]) == opening + sum(total.values())
        assert Decimal(now["cleared_balance"]) == opening + total["cleared"] + total["reconciled"]
        assert Decimal(now["reconciled_balance"]) == opening + total["reconciled"]
        for name in ("balance", "cleared_balance", "reconciled_balance"):
            decimals = len(now[name].partition(".")[2])
            assert decimals == DIGITS[account["currency"]]
        # The register: each row's balance after it, oldest first from the opening balance.
        running = opening
        for row in reversed(rows):
            running += Decimal(row["amount"])
            assert Decimal(row["running_balance"]) == running, row
        for row in rows:
            assert row["currency"] == account["currency"]
            assert everything[row["id"]] == {**row, "running_balance": None}
    assert seen == len(everything)
    for row in everything.values():
        if row["transfer_id"] is None:
            assert row["transfer_account_id"] is None
            continue
        other = everything[row["transfer_id"]]
        assert other["transfer_id"] == row["id"]
        assert other["account_id"] == row["transfer_account_id"]
        assert row["account_id"] == other["transfer_account_id"]
        assert other["date"] == row["date"]
        if other["currency"] == row["currency"]:
            assert Decimal(other["amount"]) == -Decimal(row["amount"])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_balances_equal_a_brute_force_sum(alex, database, data):
    ledger = Ledger(alex, new_book(alex, "EUR", name="Brute force"))
    openings = data.draw(st.lists(st.integers(-(10**6), 10**6), min_size=4, max_size=4))
    accounts = [
        ledger.account(name, currency, decimal_text(opening, currency))
        for (name, currency), opening in zip(BRUTE_ACCOUNTS, openings, strict=True)
    ]
    cats = category_ids(database, ledger.id, 3)
    days = st.dates(date(2023, 11, 1), date(2024, 3, 31)).map(date.isoformat)
    minor = st.builds(
        lambda sign, size: sign * size, st.sampled_from([-1, 1]), st.integers(1, 10**7)
    )
    live: dict[int, dict] = {}

    def refresh() -> None:
        live.clear()
        live.update({t["id"]: t for t in ledger.all(limit=500)})

    def amount_for(account: dict, sign: int | None = None) -> str:
        value = data.draw(minor)
        if sign is not None:
            value = sign * abs(value)
        return decimal_text(value, account["currency"])

    for _ in range(data.draw(st.integers(1, 20))):
        action = data.draw(st.sampled_from(ACTIONS))
        event(action)
        if action in ("create", "split", "transfer"):
            account = data.draw(st.sampled_from(accounts))
            body = {
                "account_id": account["id"],
                "date": data.draw(days),
                "amount": amount_for(account),
                "status": data.draw(st.sampled_from(STATUSES)),
                "payee": data.draw(st.sampled_from(["Shop", "shop", "Bank", None])),
            }
            if action == "create":
                body["category_id"] = data.draw(st.sampled_from([None, *cats]))
            elif action == "split":
                units = int(Decimal(body["amount"]).scaleb(DIGITS[account["currency"]]))
                part = data.draw(st.integers(-(10**7), 10**7))
                body["splits"] = [
                    {"amount": decimal_text(part, account["currency"]), "category_id": cats[0]},
                    {"amount": decimal_text(units - part, account["currency"])},
                ]
            else:
                target = data.draw(st.sampled_from([a for a in accounts if a is not account]))
                body["transfer_account_id"] = target["id"]
                if target["currency"] != account["currency"]:
                    sign = -1 if body["amount"].startswith("-") else 1
                    body["transfer_amount"] = amount_for(target, -sign)
            response = ledger.post(body)
            assert response.status_code == 201, response.json
            refresh()
            continue
        refresh()
        if not live:
            continue
        chosen = data.draw(st.sampled_from(sorted(live)))
        current = live[chosen]
        account = next(a for a in accounts if a["id"] == current["account_id"])
        if action == "delete":
            assert ledger.delete(chosen).status_code == 204
        elif action == "update":
            change: dict[str, Any] = {}
            if data.draw(st.booleans()):
                change["status"] = data.draw(st.sampled_from(STATUSES))
            if data.draw(st.booleans()):
                change["date"] = data.draw(days)
            if not current["splits"] and data.draw(st.booleans()):
                change["amount"] = amount_for(account)
                partner = current["transfer_account_id"]
                other = next((a for a in accounts if a["id"] == partner), None)
                if other and other["currency"] != account["currency"]:
                    sign = -1 if change["amount"].startswith("-") else 1
                    change["transfer_amount"] = amount_for(other, -sign)
            response = ledger.patch(chosen, change)
            assert response.status_code == 200, response.json
        elif action == "move":
            # Within one currency only: across currencies see the tests above.
            same = [
                a
                for a in accounts
                if a["currency"] == account["currency"]
                and a["id"] not in (account["id"], current["transfer_account_id"])
            ]
            if same:
                response = ledger.patch(chosen, {"account_id": same[0]["id"]})
                assert response.status_code == 200, response.json
        elif action == "bulk":
            ids = data.draw(st.lists(st.sampled_from(sorted(live)), min_size=1, unique=True))
            response = ledger.who.post(
                f"{ledger.base}/transactions/bulk-update",
                json={"ids": ids, "status": data.draw(st.sampled_from(STATUSES))},
            )
            assert response.status_code == 200, response.json
        elif action == "unlink" and current["transfer_id"] is not None:
            response = ledger.patch(chosen, {"transfer_account_id": None})
            assert response.status_code == 200, response.json
        elif action == "refused":
            # A change that fails half-way (a bad tag) must leave no trace.
            response = ledger.patch(chosen, {"amount": amount_for(account), "tags": ["a,b"]})
            assert response.status_code == 422
            assert {**ledger.read(chosen), "running_balance": None} == current
    check_ledger(ledger, accounts)


def test_a_balance_beyond_64_bits_is_refused_not_stored_as_a_float(ledger, eur, database):
    # Stands in for ~9,224 transactions of 9999999999999.99 each (too slow to post here).
    with database.write() as db:
        db.execute("UPDATE accounts SET total = ? WHERE id = ?", [2**63 - 1000, eur["id"]])
    response = ledger.post(
        {"account_id": eur["id"], "date": "2024-03-01", "amount": "9999999999999.99"}
    )
    assert response.status_code in (201, 422)
    account = ledger.who.get(f"{ledger.base}/accounts/{eur['id']}")
    assert account.status_code == 200
    expected = 2**63 - 1000 + (999999999999999 if response.status_code == 201 else 0)
    assert Decimal(account.json["balance"]) == Decimal(expected).scaleb(-2)


# Listing and paging ----------------------------------------------------------------------------


def test_newest_first_in_an_envelope(ledger, eur):
    made = [
        ledger.add(eur, "-1.00", day=day)["id"]
        for day in ("2024-03-02", "2024-01-15", "2024-03-02", "2024-12-31", "2023-06-01")
    ]
    page = ledger.page().json
    assert set(page) == {"items", "next_cursor"}
    assert page["next_cursor"] is None
    assert [t["id"] for t in page["items"]] == [made[3], made[2], made[0], made[1], made[4]]


# Listing walks the (date, id) index; a search walks the search index, keyed the same way.
@pytest.mark.parametrize("query", ["", "q=coffee"])
def test_paging_sees_every_row_once_while_others_write(ledger, eur, query):
    original = set()
    for day in range(1, 11):
        for _ in range(2 if day % 3 == 0 else 1):
            original.add(ledger.add(eur, "-1.00", day=f"2024-03-{day:02}", memo="coffee")["id"])
    past, future, seen, cursor, pages = set(), set(), [], None, 0
    while True:
        response = ledger.page(f"{query}&limit=3" + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200
        items = response.json["items"]
        seen += items
        pages += 1
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
        # Writes between pages: before everything (each older than the last), after everything,
        # and on the last day of the page just read (a larger id: it sorts before the cursor).
        past.add(ledger.add(eur, "-2.00", day=f"2020-01-{30 - pages:02}", memo="coffee")["id"])
        future.add(ledger.add(eur, "-3.00", day=f"2030-01-{pages:02}", memo="coffee")["id"])
        ledger.add(eur, "-4.00", day=items[-1]["date"], memo="coffee")
        ledger.add(eur, "-5.00", day=items[-1]["date"], memo="tea")
    ids = [t["id"] for t in seen]
    assert len(ids) == len(set(ids)), "a row came twice"
    assert original <= set(ids), "a row was skipped"
    assert past <= set(ids)
    assert not future & set(ids)
    keys = [(t["date"], t["id"]) for t in seen]
    assert keys == sorted(keys, reverse=True)
    assert pages >= 4
    # Afterwards, a fresh walk sees everything exactly once.
    assert len(ledger.all(query, limit=4)) == len(ledger.all(query))
    if query:
        assert all(t["memo"] == "coffee" for t in seen)


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJhZnRlciI6ICJ4In0",  # {"after": "x"}
        "eyJhZnRlciI6IDV9",  # {"after": 5}
        "eyJhZnRlciI6IFsibm90IGEgZGF0ZSIsIDFdfQ",  # {"after": ["not a date", 1]}
        "eyJhZnRlciI6IFsiMjAyNC0wMS0wMSIsICIxIl19",  # {"after": ["2024-01-01", "1"]}
        "eyJhZnRlciI6IFsiMjAyNC0wMS0wMSJdfQ",  # {"after": ["2024-01-01"]}
        "eyJhZnRlciI6IFsiMjAyNDAxMDEiLCAxXX0",  # compact date
        "eyJhZnRlciI6IFsiMjAyNC1XMDEtMSIsIDFdfQ",  # week date
        "eyJhZnRlciI6IFsiMjAyNC0wMS0wMSIsIDEwOTk1MTE2Mjc3NzZdfQ",  # id beyond the search key
        "%00",
        "W10",
    ],
)
def test_bad_cursor_is_a_field_error(ledger, eur, cursor):
    ledger.add(eur, "-1.00")
    response = ledger.page(f"cursor={cursor}")
    assert response.status_code == 422
    assert fields_of(response) == {"cursor"}


@pytest.mark.parametrize("limit", ["0", "501", "-1", "ten"])
def test_bad_limits(ledger, limit):
    response = ledger.page(f"limit={limit}")
    assert response.status_code == 422
    assert fields_of(response) == {"limit"}


@dataclass
class Sample:
    eur: dict
    savings: dict
    yen: dict
    cats: list[int]
    t: dict[str, dict]


@pytest.fixture
def sample(ledger, eur, cats) -> Sample:
    savings = ledger.account("Savings")
    yen = ledger.account("Yen", "JPY")
    t = {
        "cafe": ledger.add(
            eur,
            "-12.34",
            day="2024-01-10",
            payee="Café du Coin",
            memo="Croissants",
            tags=["Food"],
            category_id=cats[0],
            status="cleared",
        ),
        "split": ledger.add(
            eur,
            "-50.00",
            day="2024-02-05",
            payee="Grocer",
            tags=["food", "Home"],
            status="reconciled",
            splits=[
                {"category_id": cats[0], "amount": "-20.00"},
                {"category_id": cats[1], "amount": "-30.00"},
            ],
        ),
        "salary": ledger.add(
            eur, "1000.00", day="2024-02-28", payee="Employer", memo="Salary February"
        ),
        "snack": ledger.add(eur, "-5.00", day="2024-03-01", payee="GROCER", memo="Snacks, café"),
        "transfer": ledger.add(eur, "-100.00", day="2024-03-02", transfer_account_id=savings["id"]),
        "ramen": ledger.add(yen, "-1500", day="2024-02-10", payee="Ramen Bar"),
        "bonus": ledger.add(yen, "20000", day="2024-03-15", category_id=cats[2]),
    }
    t["salary"] = ledger.change(t["salary"]["id"], category_id=cats[2])
    t["received"] = ledger.read(t["transfer"]["transfer_id"])
    return Sample(eur, savings, yen, cats, t)


def named(sample: Sample, *names: str) -> set[int]:
    return {sample.t[name]["id"] for name in names}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("account_id={yen}", ("ramen", "bonus")),
        ("account_id={savings}", ("received",)),
        ("category_id={cat0}", ("cafe", "split")),
        ("category_id={cat1}", ("split",)),
        ("category_id={cat2}", ("salary", "bonus")),
        ("uncategorized=true", ("snack", "ramen")),
        ("uncategorized=false", None),
        ("payee=grocer", ("split", "snack")),
        ("payee=%20Grocer%20", ("split", "snack")),
        ("payee=Gro", ()),
        ("payee=café%20du%20coin", ("cafe",)),
        ("tag=FOOD", ("cafe", "split")),
        ("tag=home", ("split",)),
        ("tag=nope", ()),
        ("status=cleared", ("cafe",)),
        ("status=reconciled", ("split",)),
        ("status=uncleared", ("salary", "snack", "transfer", "received", "ramen", "bonus")),
        ("date_from=2024-02-05&date_to=2024-02-28", ("split", "salary", "ramen")),
        ("date_from=2024-03-02", ("transfer", "received", "bonus")),
        ("date_to=2024-01-10", ("cafe",)),
        ("date_from=2024-03-01&date_to=2024-02-01", ()),
        ("amount_min=-20&amount_max=-5", ("cafe", "snack")),
        ("amount_min=-2000&amount_max=-1000", ("ramen",)),
        ("amount_min=-12.345&amount_max=-12.335", ("cafe",)),
        ("amount_min=-12.339", ("salary", "snack", "received", "bonus")),
        ("amount_min=100", ("salary", "received", "bonus")),
        ("amount_max=-100", ("transfer", "ramen")),
        ("amount_min=0.001&amount_max=0.009", ()),
        ("q=cafe", ("cafe", "snack")),
        ("q=CAF", ("cafe", "snack")),
        ("q=café", ("cafe", "snack")),
        ("q=croiss", ("cafe",)),
        ("q=salary%20feb", ("salary",)),
        ("q=feb%20salary", ("salary",)),
        ("q=salary%20march", ()),
        ("q=coin", ("cafe",)),
        ("q=%22OR%22", ()),
        ("q=!!!", ()),
        ("account_id={eur}&status=uncleared&amount_max=0", ("snack", "transfer")),
        ("payee=grocer&tag=home", ("split",)),
        ("q=grocer&category_id={cat0}", ("split",)),
    ],
)
def test_each_filter(ledger, sample, query, expected):
    query = query.format(
        eur=sample.eur["id"],
        savings=sample.savings["id"],
        yen=sample.yen["id"],
        cat0=sample.cats[0],
        cat1=sample.cats[1],
        cat2=sample.cats[2],
    )
    found = ledger.all(query, limit=2)
    wanted = set(sample.t) if expected is None else set(expected)
    assert {t["id"] for t in found} == named(sample, *wanted)
    assert [t["id"] for t in found] == [t["id"] for t in ledger.all(query)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=pending", "status"),
        ("date_from=2024-13-01", "date_from"),
        ("date_to=soon", "date_to"),
        ("amount_min=abc", "amount_min"),
        ("amount_max=NaN", "amount_max"),
        ("amount_min=Infinity", "amount_min"),
        ("account_id=x", "account_id"),
        ("category_id=1.5", "category_id"),
        ("uncategorized=maybe", "uncategorized"),
    ],
)
def test_bad_filters_are_field_errors(ledger, query, field):
    response = ledger.page(query)
    assert response.status_code == 422
    assert fields_of(response) == {field}


def test_search_follows_edits_and_deletes(ledger, sample):
    cafe = sample.t["cafe"]["id"]
    ledger.change(cafe, memo="Bagels", payee="Bakery")
    assert ledger.ids("q=croiss") == set()
    assert ledger.ids("q=bagel") == {cafe}
    assert ledger.ids("q=bakery") == {cafe}
    assert ledger.ids("q=cafe") == named(sample, "snack")
    ledger.change(cafe, payee=None)
    assert ledger.ids("q=bakery") == set()
    assert ledger.delete(sample.t["snack"]["id"]).status_code == 204
    assert ledger.ids("q=cafe") == set()
    assert ledger.ids("q=snacks") == set()
    # a transfer's other side is found by its payee and memo too, and goes with it
    ledger.change(sample.t["transfer"]["id"], memo="Rainy day fund")
    assert ledger.ids("q=rainy") == named(sample, "transfer", "received")
    ledger.delete(sample.t["received"]["id"])
    assert ledger.ids("q=rainy") == set()


def test_payee_filter_folds_case_beyond_ascii(ledger, eur):
    created = ledger.add(eur, "-1.00", payee="Café")
    assert ledger.ids("payee=Café") == {created["id"]}
    assert ledger.ids("payee=CAFÉ") == {created["id"]}


def test_tag_filter_folds_case_beyond_ascii(ledger, eur):
    created = ledger.add(eur, "-1.00", tags=["öl"])
    assert ledger.ids("tag=öl") == {created["id"]}
    assert ledger.ids("tag=ÖL") == {created["id"]}


def test_running_balance_only_in_a_register(ledger, sample):
    eur = sample.eur["id"]
    register = ledger.all(f"account_id={eur}")
    assert all(row["running_balance"] is not None for row in register)
    for query in ("", f"account_id={eur}&status=uncleared", f"account_id={eur}&q=cafe"):
        assert all(row["running_balance"] is None for row in ledger.all(query))
    assert ledger.read(sample.t["cafe"]["id"]).get("running_balance") is None


def test_running_balance_is_right_across_pages(ledger, eur):
    other = ledger.account("Other")
    days = [
        "2023-12-31",
        "2024-01-01",
        "2024-01-01",
        "2024-01-31",
        "2024-02-01",
        "2024-02-15",
        "2024-02-15",
        "2024-02-15",
        "2024-04-30",
        "2024-05-01",
    ]
    ledger.account("Noise")
    amounts = ["-1.11", "2.22", "-3.33", "40.00", "-0.05", "-6.66", "7.77", "-8.88", "0.99", "-10"]
    for day, amount in zip(days, amounts, strict=True):
        ledger.add(eur, amount, day=day)
        ledger.add(other, "-99.99", day=day)
    ledger.add(eur, "-20.00", day="2024-02-15", transfer_account_id=other["id"])
    ledger.add(other, "5.00", day="2024-03-01", transfer_account_id=eur["id"])
    opening = Decimal(eur["opening_balance"])
    rows = ledger.all(f"account_id={eur['id']}")
    expected, balance = {}, opening
    for row in sorted(rows, key=lambda t: (t["date"], t["id"])):
        balance += Decimal(row["amount"])
        expected[row["id"]] = balance
    assert balance == Decimal(ledger.balance(eur))
    for limit in (1, 2, 3, 5, 500):
        paged = ledger.all(f"account_id={eur['id']}", limit=limit)
        assert [t["id"] for t in paged] == [t["id"] for t in rows]
        assert {t["id"]: Decimal(t["running_balance"]) for t in paged} == expected
        assert all(len(t["running_balance"].partition(".")[2]) == 2 for t in paged)


def test_running_balance_of_a_yen_account_with_an_opening_balance(ledger):
    yen = ledger.account("Yen", "JPY", opening="10000")
    for day, amount in (("2024-01-05", "-300"), ("2024-02-01", "-700"), ("2024-01-20", "50")):
        ledger.add(yen, amount, day=day)
    rows = ledger.all(f"account_id={yen['id']}", limit=1)
    assert [(t["amount"], t["running_balance"]) for t in rows] == [
        ("-700", "9050"),
        ("50", "9750"),
        ("-300", "9700"),
    ]


@pytest.mark.parametrize(
    "request_",
    [
        ("get", "transactions?account_id=100000000000000000000", None),
        ("get", "transactions?category_id=100000000000000000000", None),
        (
            "get",
            "transactions?cursor="
            + base64.urlsafe_b64encode(
                json.dumps({"after": ["2024-01-01", 10**20]}).encode()
            ).decode(),
            None,
        ),
        ("get", "transactions/100000000000000000000", None),
        ("post", "transactions", {"account_id": 10**20}),
        ("post", "transactions", {"category_id": 10**20}),
        ("post", "transactions", {"transfer_account_id": 10**20}),
        ("post", "transactions/bulk-update", {"ids": [10**20], "status": "cleared"}),
        ("post", "transactions/bulk-delete", {"ids": [10**20]}),
    ],
)
def test_numbers_too_large_for_sqlite_are_not_500(ledger, eur, request_):
    method, path, body = request_
    if path == "transactions":
        body = {"account_id": eur["id"], "date": "2024-03-01", "amount": "-1", **body}
    response = getattr(ledger.who, method)(
        f"{ledger.base}/{path}", **({"json": body} if body else {})
    )
    assert 400 <= response.status_code < 500, response.json
    assert response.headers["Content-Type"] == "application/problem+json"
    assert ledger.all() == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("amount_min=1e30", ()),
        ("amount_max=-1e30", ()),
        ("amount_min=1e999999999", ()),
        ("amount_max=-1e999999999", ()),
        ("amount_min=-1e30", ("eur", "yen")),
        ("amount_max=1e999999999", ("eur", "yen")),
        ("amount_min=-1e30&amount_max=1e30", ("eur", "yen")),
    ],
)
def test_huge_amount_bounds_filter_exactly(ledger, eur, query, expected):
    made = {
        "eur": ledger.add(eur, "-9999999999999.99"),
        "yen": ledger.add(ledger.account("Y", "JPY"), "1"),
    }
    response = ledger.page(query)
    assert response.status_code == 200, response.json
    assert {t["id"] for t in response.json["items"]} == {made[name]["id"] for name in expected}


# ETag and If-Match -----------------------------------------------------------------------------


def test_a_stale_second_save_is_refused(ledger, eur):
    response = ledger.post({"account_id": eur["id"], "date": "2024-03-01", "amount": "-1.00"})
    transaction_id, etag = response.json["id"], response.headers["ETag"]
    first = ledger.patch(transaction_id, {"memo": "first"}, **{"If-Match": etag})
    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    second = ledger.patch(transaction_id, {"memo": "second"}, **{"If-Match": etag})
    assert second.status_code == 412
    assert second.headers["Content-Type"] == "application/problem+json"
    assert second.json["status"] == 412
    assert "changed by someone else" in second.json["detail"]
    assert "reload" in second.json["detail"]
    assert ledger.read(transaction_id)["memo"] == "first"
    assert ledger.get(transaction_id).headers["ETag"] == first.headers["ETag"]
    forced = ledger.patch(transaction_id, {"memo": "forced"}, **{"If-Match": "*"})
    assert forced.status_code == 200
    assert forced.json["memo"] == "forced"
    listed = ledger.patch(
        transaction_id, {"memo": "in a list"}, **{"If-Match": f'"nope", {forced.headers["ETag"]}'}
    )
    assert listed.status_code == 200
    assert ledger.delete(transaction_id, **{"If-Match": etag}).status_code == 412
    assert ledger.delete(transaction_id, **{"If-Match": listed.headers["ETag"]}).status_code == 204


def test_every_response_has_exactly_the_documented_fields(ledger, eur, cats):
    """The routes build their JSON by hand for speed: the schemas still say what it is."""
    savings = ledger.account("Savings")
    created = ledger.post(
        {
            "account_id": eur["id"],
            "date": "2024-03-01",
            "amount": "-3.00",
            "splits": [
                {"amount": "-1.00", "category_id": cats[0]},
                {"amount": "-2.00", "category_id": cats[1], "memo": "part"},
            ],
            "tags": ["food"],
        }
    )
    transfer = ledger.add(eur, "-5.00", transfer_account_id=savings["id"])
    single = [
        created.json,
        ledger.read(created.json["id"]),
        ledger.change(created.json["id"], memo="changed"),
        transfer,
    ]
    for body in single:
        assert set(body) == set(TransactionOut().fields)
        assert TransactionOut().dump(TransactionOut().load(body)) == body
    for query in (f"account_id={eur['id']}", "q=changed", ""):
        rows = ledger.all(query)
        assert rows
        for row in rows:
            assert set(row) == set(RegisterRow().fields)
            assert RegisterRow().dump(RegisterRow().load(row)) == row
    assert ledger.all(f"account_id={eur['id']}")[0]["running_balance"] == "-8.00"


def test_every_row_of_a_list_carries_its_etag_for_if_match(ledger, eur):
    first = ledger.post({"account_id": eur["id"], "date": "2024-03-01", "amount": "-1.00"})
    ledger.change(first.json["id"], memo="changed")
    current = ledger.get(first.json["id"]).headers["ETag"]
    assert current != first.headers["ETag"]
    [row] = ledger.all()
    assert row["etag"] == ledger.read(first.json["id"])["etag"] == current
    saved = ledger.patch(row["id"], {"memo": "from the list"}, **{"If-Match": row["etag"]})
    assert saved.status_code == 200


def test_a_change_to_the_other_side_makes_a_transfers_etag_stale(ledger, eur):
    savings = ledger.account("Savings")
    response = ledger.post(
        {
            "account_id": eur["id"],
            "date": "2024-03-01",
            "amount": "-1.00",
            "transfer_account_id": savings["id"],
        }
    )
    etag = response.headers["ETag"]
    ledger.change(response.json["transfer_id"], amount="2.00")
    stale = ledger.patch(response.json["id"], {"memo": "mine"}, **{"If-Match": etag})
    assert stale.status_code == 412
    assert ledger.read(response.json["id"])["amount"] == "-2.00"


def test_a_bulk_change_makes_etags_stale(ledger, eur):
    response = ledger.post({"account_id": eur["id"], "date": "2024-03-01", "amount": "-1.00"})
    ledger.who.post(
        f"{ledger.base}/transactions/bulk-update",
        json={"ids": [response.json["id"]], "status": "cleared"},
    )
    stale = ledger.patch(
        response.json["id"], {"memo": "x"}, **{"If-Match": response.headers["ETag"]}
    )
    assert stale.status_code == 412


# Bulk changes ----------------------------------------------------------------------------------


def bulk(ledger: Ledger, action: str, **body: Any) -> Any:
    return ledger.who.post(f"{ledger.base}/transactions/{action}", json=body)


def test_bulk_update_category_status_and_tags(ledger, eur, cats):
    rows = [
        ledger.add(eur, "-1.00", tags=["Food"]),
        ledger.add(eur, "-2.00"),
        ledger.add(eur, "-3.00", category_id=cats[1], status="reconciled"),
    ]
    untouched = ledger.add(eur, "-4.00")
    ids = [r["id"] for r in rows]
    response = bulk(ledger, "bulk-update", ids=ids, category_id=cats[0])
    assert (response.status_code, response.json) == (200, {"count": 3})
    assert [ledger.read(i)["category_id"] for i in ids] == [cats[0]] * 3
    assert bulk(ledger, "bulk-update", ids=ids, status="cleared").json == {"count": 3}
    assert [ledger.read(i)["status"] for i in ids] == ["cleared"] * 3
    assert ledger.read_account(eur["id"])["cleared_balance"] == "-6.00"
    assert ledger.read_account(eur["id"])["reconciled_balance"] == "0.00"
    tagged = bulk(ledger, "bulk-update", ids=ids, add_tags=["food", "Trip", "Food"])
    assert tagged.json == {"count": 3}
    assert [ledger.read(i)["tags"] for i in ids] == [["Food", "Trip"]] * 3
    assert ledger.read(untouched["id"]) == untouched
    assert ledger.balance(eur) == "-10.00"
    cleared = bulk(ledger, "bulk-update", ids=ids[:2], category_id=None)
    assert cleared.json == {"count": 2}
    assert [ledger.read(i)["category_id"] for i in ids] == [None, None, cats[0]]
    assert [ledger.read(i)["tags"] for i in ids] == [["Food", "Trip"]] * 3  # nothing else


def test_bulk_add_tags_keeps_the_first_spelling(ledger, eur):
    created = ledger.add(eur, "-1.00")
    words = [f"word{i}x" for i in range(24)]
    sent = [spelling for word in words for spelling in (word.title(), word.upper())]
    assert bulk(ledger, "bulk-update", ids=[created["id"]], add_tags=sent).status_code == 200
    assert sorted(ledger.read(created["id"])["tags"]) == sorted(w.title() for w in words)


def test_bulk_update_is_all_or_nothing(ledger, eur, cats, alex, database):
    rows = [ledger.add(eur, "-1.00"), ledger.add(eur, "-2.00")]
    ids = [r["id"] for r in rows]
    savings = ledger.account("Savings")
    transfer = ledger.add(eur, "-5.00", transfer_account_id=savings["id"])
    split = ledger.add(
        eur,
        "-2.00",
        splits=[{"category_id": cats[0], "amount": "-1"}, {"category_id": cats[1], "amount": "-1"}],
    )
    other = Ledger(alex, new_book(alex, name="Other"))
    theirs = other.add(other.account("Theirs"), "-9.00")
    foreign_category = category_ids(database, other.id, 1)[0]
    for body, status, field in (
        ({"ids": [*ids, theirs["id"]], "status": "reconciled"}, 404, None),
        ({"ids": [*ids, 999999], "status": "reconciled"}, 404, None),
        ({"ids": [*ids, transfer["id"]], "category_id": cats[0]}, 422, "category_id"),
        ({"ids": [*ids, transfer["transfer_id"]], "category_id": cats[0]}, 422, "category_id"),
        ({"ids": [*ids, split["id"]], "category_id": cats[0]}, 422, "category_id"),
        ({"ids": ids, "category_id": foreign_category}, 422, "category_id"),
        ({"ids": ids, "add_tags": ["ok", "not,ok"]}, 422, "tags"),
        ({"ids": ids, "status": "pending"}, 422, "status"),
        ({"ids": []}, 422, "ids"),
        ({"ids": "1,2"}, 422, "ids"),
        ({"status": "cleared"}, 422, "ids"),
    ):
        response = bulk(ledger, "bulk-update", **body)
        assert response.status_code == status, (body, response.json)
        if field:
            assert field in fields_of(response)
        assert [ledger.read(i) for i in ids] == rows
    assert other.read(theirs["id"]) == theirs
    assert ledger.read_account(eur["id"])["reconciled_balance"] == "0.00"
    # bulk status on a transfer is fine, and each side is counted once per id sent
    both = bulk(ledger, "bulk-update", ids=[transfer["id"]], status="cleared")
    assert both.json == {"count": 1}


def test_bulk_delete_counts_the_other_sides(ledger, eur):
    savings = ledger.account("Savings")
    plain = ledger.add(eur, "-1.00")
    transfer = ledger.add(eur, "-5.00", transfer_account_id=savings["id"])
    second = ledger.add(savings, "-2.00", transfer_account_id=eur["id"])
    kept = ledger.add(eur, "-7.00")
    response = bulk(
        ledger,
        "bulk-delete",
        ids=[plain["id"], transfer["transfer_id"], second["id"], second["transfer_id"]],
    )
    assert (response.status_code, response.json) == (200, {"count": 5})
    assert ledger.ids() == {kept["id"]}
    assert (ledger.balance(eur), ledger.balance(savings)) == ("-7.00", "0.00")


def test_bulk_delete_is_all_or_nothing(ledger, eur, alex):
    rows = [ledger.add(eur, "-1.00"), ledger.add(eur, "-2.00")]
    other = Ledger(alex, new_book(alex, name="Other"))
    theirs = other.add(other.account("Theirs"), "-9.00")
    response = bulk(ledger, "bulk-delete", ids=[rows[0]["id"], theirs["id"], rows[1]["id"]])
    assert response.status_code == 404
    assert ledger.ids() == {r["id"] for r in rows}
    assert other.ids() == {theirs["id"]}
    assert ledger.balance(eur) == "-3.00"


# Who may do what -------------------------------------------------------------------------------


def test_a_read_token_lists_but_cannot_write(ledger, eur, client, make_token, alex):
    created = ledger.add(eur, "-1.00")
    read = {"Authorization": f"Bearer {make_token(alex.user, 'read')}"}
    base = f"{ledger.base}/transactions"
    listed = client.get(base, headers=read)
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json["items"]] == [created["id"]]
    assert client.get(f"{base}/{created['id']}", headers=read).status_code == 200
    body = {"account_id": eur["id"], "date": "2024-03-01", "amount": "-1.00"}
    for response in (
        client.post(base, json=body, headers=read),
        client.patch(f"{base}/{created['id']}", json={"memo": "x"}, headers=read),
        client.delete(f"{base}/{created['id']}", headers=read),
        client.post(f"{base}/bulk-update", json={"ids": [created["id"]]}, headers=read),
        client.post(f"{base}/bulk-delete", json={"ids": [created["id"]]}, headers=read),
    ):
        assert response.status_code == 403
        assert response.headers["Content-Type"] == "application/problem+json"
    assert ledger.read(created["id"]) == created
    write = {"Authorization": f"Bearer {make_token(alex.user, 'write')}"}
    assert client.post(base, json=body, headers=write).status_code == 201


def test_non_members_get_404(ledger, eur, make_user, sign_in):
    created = ledger.add(eur, "-1.00")
    make_user("bob")
    bob = sign_in("bob")
    base = f"{ledger.base}/transactions"
    body = {"account_id": eur["id"], "date": "2024-03-01", "amount": "-1.00"}
    for response in (
        bob.get(base),
        bob.get(f"{base}/{created['id']}"),
        bob.post(base, json=body),
        bob.patch(f"{base}/{created['id']}", json={"memo": "mine"}),
        bob.delete(f"{base}/{created['id']}"),
        bob.post(f"{base}/bulk-update", json={"ids": [created["id"]], "status": "cleared"}),
        bob.post(f"{base}/bulk-delete", json={"ids": [created["id"]]}),
    ):
        assert response.status_code == 404
    assert ledger.read(created["id"]) == created


def test_another_books_transaction_is_404_through_my_book(ledger, eur, alex):
    other = Ledger(alex, new_book(alex, name="Other"))
    theirs = other.add(other.account("Theirs"), "-9.00")
    assert ledger.get(theirs["id"]).status_code == 404
    assert ledger.patch(theirs["id"], {"memo": "moved"}).status_code == 404
    assert ledger.delete(theirs["id"]).status_code == 404
    assert other.read(theirs["id"]) == theirs


def test_a_viewer_reads_but_cannot_write(ledger, eur, make_user, sign_in, database):
    created = ledger.add(eur, "-1.00")
    add_member(database, ledger.id, make_user("vera").id, "viewer")
    vera = Ledger(sign_in("vera"), ledger.id)
    assert vera.ids() == {created["id"]}
    assert vera.read(created["id"]) == created
    for response in (
        vera.post({"account_id": eur["id"], "date": "2024-03-01", "amount": "-1.00"}),
        vera.patch(created["id"], {"memo": "x"}),
        vera.delete(created["id"]),
        bulk(vera, "bulk-update", ids=[created["id"]], status="cleared"),
        bulk(vera, "bulk-delete", ids=[created["id"]]),
    ):
        assert response.status_code == 403
    assert ledger.read(created["id"]) == created


# CSV export -----------------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_export_csv_with_the_lists_filters(ledger, eur, cats):
    savings = ledger.account("Savings")
    ledger.add(eur, "-12.50", payee="Corner Shop", memo="bread", category_id=cats[0])
    split = ledger.add(
        eur,
        "-30.00",
        day="2024-03-02",
        payee="=HYPERLINK(evil)",
        memo="weekly",
        splits=[
            {"amount": "-20.00", "category_id": cats[0]},
            {"amount": "-10.00", "category_id": cats[1], "memo": "socks"},
        ],
        tags=["food", "+1"],
    )
    ledger.add(eur, "-100.00", day="2024-03-03", transfer_account_id=savings["id"])
    base = f"{ledger.base}/transactions.csv"

    rows = read_csv(ledger.who.get(base))
    assert [r["amount"] for r in rows] == ["100.00", "-100.00", "-20.00", "-10.00", "-12.50"]
    assert list(rows[0]) == list(CSV_COLUMNS)
    parts = [r for r in rows if r["id"] == str(split["id"])]
    assert [(r["amount"], r["memo"]) for r in parts] == [("-20.00", "weekly"), ("-10.00", "socks")]
    assert parts[0]["payee"] == "'=HYPERLINK(evil)"  # not a formula in a spreadsheet
    assert parts[0]["tags"] in ("food, '+1", "'+1, food")
    transfer = next(r for r in rows if r["amount"] == "-100.00")
    assert (transfer["account"], transfer["transfer_account"]) == ("Checking", "Savings")

    only = read_csv(ledger.who.get(base, query_string={"q": "bread"}))
    assert [(r["payee"], r["category"].count(": ")) for r in only] == [("Corner Shop", 1)]
    assert read_csv(ledger.who.get(base, query_string={"account_id": savings["id"]}))[0][
        "amount"
    ] == ("100.00")
    bad = ledger.who.get(base, query_string={"amount_min": "lots"})
    assert bad.status_code == 422


def test_export_csv_answers_members_only(ledger, eur, make_user, sign_in):
    make_user("bob")
    assert sign_in("bob").get(f"{ledger.base}/transactions.csv").status_code == 404
