"""A transaction's ETag and If-Match, and the fields each answer carries."""

from __future__ import annotations

from server.api.transactions import RegisterRow, TransactionOut


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
