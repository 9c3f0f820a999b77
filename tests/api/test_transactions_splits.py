"""Split transactions: parts that add up to the amount, each with its own category."""

from __future__ import annotations

from datetime import date

import pytest

from server.clock import utcnow
from server.domain.transaction_rules import SplitInput, TransactionInput
from server.domain.transactions import create_transaction
from server.domain.validation import MEMO_MAX
from server.errors import ValidationFailed
from tests.api.ledger import category_ids
from tests.api.test_accounts import fields_of, new_book


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


def test_the_domain_holds_a_split_memo_to_the_memo_limit(ledger, eur, cats, database):
    """As it does in a book file: the API's schema is not the only check."""
    parts = [SplitInput("-1.00", cats[0], "x" * (MEMO_MAX + 1)), SplitInput("-1.00", cats[1])]
    data = TransactionInput(eur["id"], date(2024, 3, 1), "-2.00", splits=parts)
    with pytest.raises(ValidationFailed) as refused:
        create_transaction(database, ledger.id, data, now=utcnow())
    assert [e.field for e in refused.value.errors] == ["splits.0.memo"]
