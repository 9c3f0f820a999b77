"""Bulk changes and deletes of transactions: all or nothing."""

from __future__ import annotations

from tests.api.ledger import Ledger, bulk, category_ids
from tests.api.test_accounts import fields_of, new_book


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
    # The reconciled one is locked: all or nothing, until the change unlocks it.
    assert bulk(ledger, "bulk-update", ids=ids, status="cleared").status_code == 409
    assert [ledger.read(i)["status"] for i in ids] == ["uncleared", "uncleared", "reconciled"]
    unlocked = bulk(ledger, "bulk-update", ids=ids, status="cleared", unlock_reconciled=True)
    assert unlocked.json == {"count": 3}
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
        ({"ids": ids, "add_tags": ["ok", "not,ok"]}, 422, "add_tags[1]"),
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
