"""Who may read and write a book's transactions: tokens, members and roles."""

from __future__ import annotations

from tests.api.ledger import Ledger, bulk
from tests.api.test_accounts import add_member, new_book


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
