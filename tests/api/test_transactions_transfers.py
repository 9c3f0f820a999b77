"""Transfers: two rows that move together, in one currency or two; and archived accounts."""

from __future__ import annotations

import pytest

from tests.api.ledger import Ledger
from tests.api.test_accounts import fields_of, new_book


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


def test_moving_to_an_account_of_another_currency_asks_for_the_amount_in_it(ledger, eur):
    dinar = ledger.account("Dinar", "KWD")
    created = ledger.add(eur, "-12.30")
    response = ledger.patch(created["id"], {"account_id": dinar["id"]})
    assert response.status_code == 422
    assert fields_of(response) == {"amount"}
    assert "KWD" in response.json["errors"][0]["message"]
    assert ledger.read(created["id"]) == created
    assert ledger.balance(dinar) == "0.000"
    # With the amount in the other currency, it moves.
    moved = ledger.change(created["id"], account_id=dinar["id"], amount="-4.105")
    assert (moved["amount"], moved["currency"]) == ("-4.105", "KWD")
    assert (ledger.balance(eur), ledger.balance(dinar)) == ("0.00", "-4.105")


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
