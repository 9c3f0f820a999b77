"""Accounts over the API: create, list with balances, read, change and archive with ETags,
delete only when unused, per-field validation, book scoping and roles."""

from __future__ import annotations

import pytest

from server.clock import to_iso, utcnow

API = "/api/v1/books"


def add_member(database, book_id, user_id, role):
    with database.write() as db:
        db["book_members"].insert(
            {"book_id": book_id, "user_id": user_id, "role": role, "created_at": to_iso(utcnow())}
        )


def new_book(who, currency="EUR", name="Household"):
    response = who.post(API, json={"name": name, "currency": currency})
    assert response.status_code == 201, response.json
    return response.json["id"]


def open_account(who, book_id, name="Checking", **fields):
    response = who.post(
        f"{API}/{book_id}/accounts", json={"name": name, "type": "checking", **fields}
    )
    assert response.status_code == 201, response.json
    return response.json


def add_transaction(who, book_id, account_id, amount, day="2024-03-01", **fields):
    response = who.post(
        f"{API}/{book_id}/transactions",
        json={"account_id": account_id, "date": day, "amount": amount, **fields},
    )
    assert response.status_code == 201, response.json
    return response.json


def fields_of(response):
    return {e["field"] for e in response.json.get("errors", [])}


def all_accounts(who, book_id, query=""):
    seen, cursor = [], None
    while True:
        params = "limit=2" + query + (f"&cursor={cursor}" if cursor else "")
        page = who.get(f"{API}/{book_id}/accounts?{params}")
        assert page.status_code == 200, page.json
        seen += page.json["items"]
        cursor = page.json["next_cursor"]
        if cursor is None:
            return seen


@pytest.fixture
def book(alex):
    return new_book(alex)


# Creating ------------------------------------------------------------------------------------


def test_create_defaults_to_the_books_currency(alex, book):
    response = alex.post(f"{API}/{book}/accounts", json={"name": "Checking", "type": "checking"})
    assert response.status_code == 201
    account = response.json
    assert account["currency"] == "EUR"
    assert account["opening_balance"] == "0.00"
    assert account["opening_date"] == utcnow().date().isoformat()
    assert account["archived"] is False
    for name in ("balance", "cleared_balance", "reconciled_balance"):
        assert account[name] == "0.00"
    assert response.headers["ETag"]
    usd_book = new_book(alex, "USD", "Dollars")
    assert open_account(alex, usd_book)["currency"] == "USD"


def test_create_with_every_field(alex, book):
    account = open_account(
        alex,
        book,
        name="  Savings  ",
        type="savings",
        currency="CHF",
        opening_balance="1234.5",
        opening_date="2023-12-31",
    )
    assert account["name"] == "Savings"
    assert account["type"] == "savings"
    assert account["currency"] == "CHF"
    assert account["opening_balance"] == "1234.50"
    assert account["opening_date"] == "2023-12-31"
    assert account["balance"] == account["cleared_balance"] == "1234.50"
    assert account["reconciled_balance"] == "1234.50"


@pytest.mark.parametrize(
    "account_type",
    ["checking", "savings", "credit_card", "cash", "investment", "loan", "other"],
)
def test_every_account_type(alex, book, account_type):
    account = open_account(alex, book, name=account_type, type=account_type)
    assert account["type"] == account_type


@pytest.mark.parametrize(
    ("currency", "opening", "shown"),
    [
        ("JPY", "100", "100"),
        ("JPY", "-7", "-7"),
        ("KWD", "1.234", "1.234"),
        ("KWD", "-0.5", "-0.500"),
        ("EUR", "-12.3", "-12.30"),
        ("EUR", "+5", "5.00"),
        ("EUR", "999999999999.99", "999999999999.99"),
    ],
)
def test_opening_balance_in_the_accounts_currency(alex, book, currency, opening, shown):
    account = open_account(alex, book, currency=currency, opening_balance=opening)
    assert account["opening_balance"] == shown
    assert account["balance"] == shown


@pytest.mark.parametrize(
    ("currency", "opening"),
    [
        ("JPY", "100.5"),
        ("KWD", "1.2345"),
        ("EUR", "1.234"),
        ("EUR", "1e3"),
        ("EUR", "NaN"),
        ("EUR", "Infinity"),
        ("EUR", "1,000.00"),
        ("EUR", "12 EUR"),
        ("EUR", ""),
        ("EUR", "-"),
        ("EUR", "10000000000000.01"),
    ],
)
def test_bad_opening_balance_is_a_field_error(alex, book, currency, opening):
    response = alex.post(
        f"{API}/{book}/accounts",
        json={"name": "X", "type": "cash", "currency": currency, "opening_balance": opening},
    )
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert fields_of(response) == {"opening_balance"}


def test_a_float_opening_balance_is_refused(alex, book):
    response = alex.post(
        f"{API}/{book}/accounts", json={"name": "X", "type": "cash", "opening_balance": 12.3}
    )
    assert response.status_code == 422
    assert fields_of(response) == {"opening_balance"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "checking"}, "name"),
        ({"name": "", "type": "checking"}, "name"),
        ({"name": "   ", "type": "checking"}, "name"),
        ({"name": "x" * 101, "type": "checking"}, "name"),
        ({"name": 5, "type": "checking"}, "name"),
        ({"name": "X"}, "type"),
        ({"name": "X", "type": "piggy_bank"}, "type"),
        ({"name": "X", "type": "Checking"}, "type"),
        ({"name": "X", "type": "checking", "currency": "eur"}, "currency"),
        ({"name": "X", "type": "checking", "currency": "XYZ"}, "currency"),
        ({"name": "X", "type": "checking", "currency": "EURO"}, "currency"),
        ({"name": "X", "type": "checking", "opening_date": "2024-02-30"}, "opening_date"),
        ({"name": "X", "type": "checking", "opening_date": 20240101}, "opening_date"),
        ({"name": "X", "type": "checking", "colour": "red"}, "colour"),
    ],
)
def test_invalid_accounts_are_refused_per_field(alex, book, body, field):
    response = alex.post(f"{API}/{book}/accounts", json=body)
    assert response.status_code == 422
    assert field in fields_of(response)
    assert alex.get(f"{API}/{book}/accounts").json["items"] == []


def test_several_problems_are_reported_together(alex, book):
    response = alex.post(
        f"{API}/{book}/accounts",
        json={"name": " ", "type": "vault", "currency": "JPY", "opening_balance": "1.5"},
    )
    assert response.status_code == 422
    assert fields_of(response) == {"name", "type", "opening_balance"}


@pytest.mark.parametrize("second", ["Checking", "checking", " CHECKING "])
def test_duplicate_names_are_refused(alex, book, second):
    open_account(alex, book, name="Checking")
    response = alex.post(f"{API}/{book}/accounts", json={"name": second, "type": "cash"})
    assert response.status_code == 422
    assert fields_of(response) == {"name"}


def test_a_taken_name_is_reported_with_the_other_problems(alex, book):
    open_account(alex, book, name="Checking")
    response = alex.post(
        f"{API}/{book}/accounts",
        json={"name": "Checking", "type": "cash", "opening_balance": "1.234"},
    )
    assert response.status_code == 422
    assert fields_of(response) == {"name", "opening_balance"}


def test_the_same_name_in_another_book_is_fine(alex, book):
    open_account(alex, book, name="Checking")
    other = new_book(alex, name="Other")
    assert open_account(alex, other, name="Checking")["name"] == "Checking"


def test_duplicate_names_differing_in_non_ascii_case_are_refused(alex, book):
    open_account(alex, book, name="Épargne")
    response = alex.post(f"{API}/{book}/accounts", json={"name": "éPARGNE", "type": "cash"})
    assert response.status_code == 422
    assert fields_of(response) == {"name"}


# Listing and reading -------------------------------------------------------------------------


def test_list_shows_balances(alex, book):
    checking = open_account(alex, book, name="Checking", opening_balance="100.00")
    cash = open_account(alex, book, name="Cash", type="cash", currency="JPY")
    add_transaction(alex, book, checking["id"], "-12.30")
    add_transaction(alex, book, checking["id"], "50.05", status="cleared")
    add_transaction(alex, book, checking["id"], "-0.75", status="reconciled")
    add_transaction(alex, book, cash["id"], "-500", status="cleared")
    listed = {a["name"]: a for a in alex.get(f"{API}/{book}/accounts").json["items"]}
    assert listed["Checking"]["balance"] == "137.00"
    assert listed["Checking"]["cleared_balance"] == "149.30"
    assert listed["Checking"]["reconciled_balance"] == "99.25"
    assert listed["Cash"]["balance"] == listed["Cash"]["cleared_balance"] == "-500"
    assert listed["Cash"]["reconciled_balance"] == "0"
    read = alex.get(f"{API}/{book}/accounts/{checking['id']}").json
    assert read == listed["Checking"]


def test_list_envelope_pages_through_every_account(alex, book):
    ids = [open_account(alex, book, name=f"Account {i}")["id"] for i in range(5)]
    first = alex.get(f"{API}/{book}/accounts?limit=2").json
    assert set(first) == {"items", "next_cursor"}
    assert len(first["items"]) == 2 and first["next_cursor"]
    assert sorted(a["id"] for a in all_accounts(alex, book)) == sorted(ids)
    assert len(all_accounts(alex, book)) == 5
    assert alex.get(f"{API}/{book}/accounts?limit=0").status_code == 422
    assert alex.get(f"{API}/{book}/accounts?limit=501").status_code == 422


@pytest.mark.parametrize("cursor", ["garbage", "eyJhZnRlciI6ICJ4In0", "%00"])
def test_bad_account_cursor_is_a_field_error(alex, book, cursor):
    response = alex.get(f"{API}/{book}/accounts?cursor={cursor}")
    assert response.status_code == 422
    assert fields_of(response) == {"cursor"}


def test_list_is_in_the_order_opened_without_archived_ones(alex, book):
    for name in ("Zeta", "Alpha", "Mid"):
        open_account(alex, book, name=name)
    archived = open_account(alex, book, name="Aardvark")
    alex.patch(f"{API}/{book}/accounts/{archived['id']}", json={"archived": True})
    names = [a["name"] for a in alex.get(f"{API}/{book}/accounts").json["items"]]
    assert names == ["Zeta", "Alpha", "Mid"]


def test_archive_and_include_archived(alex, book):
    kept = open_account(alex, book, name="Kept")
    old = open_account(alex, book, name="Old", opening_balance="5")
    add_transaction(alex, book, old["id"], "-5.00")
    archived = alex.patch(f"{API}/{book}/accounts/{old['id']}", json={"archived": True})
    assert archived.status_code == 200
    assert archived.json["archived"] is True
    assert archived.json["balance"] == "0.00"  # it keeps its history
    everything = {kept["id"], old["id"]}
    assert {a["id"] for a in all_accounts(alex, book, "&include_archived=true")} == everything
    assert [a["id"] for a in all_accounts(alex, book, "&include_archived=false")] == [kept["id"]]
    assert alex.get(f"{API}/{book}/accounts/{old['id']}").json["archived"] is True
    listed = alex.get(f"{API}/{book}/transactions?account_id={old['id']}").json["items"]
    assert len(listed) == 1
    back = alex.patch(f"{API}/{book}/accounts/{old['id']}", json={"archived": False})
    assert back.json["archived"] is False
    assert len(all_accounts(alex, book, "&include_archived=false")) == 2


def test_archived_accounts_leave_the_list_by_default(alex, book):
    kept = open_account(alex, book, name="Kept")
    old = open_account(alex, book, name="Old")
    alex.patch(f"{API}/{book}/accounts/{old['id']}", json={"archived": True})
    assert [a["id"] for a in all_accounts(alex, book)] == [kept["id"]]


def test_read_carries_an_etag_that_follows_the_balance(alex, book):
    created = alex.post(f"{API}/{book}/accounts", json={"name": "Checking", "type": "checking"})
    account_id, etag = created.json["id"], created.headers["ETag"]
    read = alex.get(f"{API}/{book}/accounts/{account_id}")
    assert read.status_code == 200
    assert read.headers["ETag"] == etag
    assert read.json == created.json
    add_transaction(alex, book, account_id, "-1.00")
    after = alex.get(f"{API}/{book}/accounts/{account_id}")
    assert after.headers["ETag"] != etag
    assert after.json["balance"] == "-1.00"


def test_unknown_account_is_404(alex, book):
    for response in (
        alex.get(f"{API}/{book}/accounts/999999"),
        alex.patch(f"{API}/{book}/accounts/999999", json={"name": "X"}),
        alex.delete(f"{API}/{book}/accounts/999999"),
    ):
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/problem+json"


# Changing ------------------------------------------------------------------------------------


def test_patch_with_if_match(alex, book):
    created = alex.post(f"{API}/{book}/accounts", json={"name": "Checking", "type": "checking"})
    path, etag = f"{API}/{book}/accounts/{created.json['id']}", created.headers["ETag"]
    changed = alex.patch(
        path,
        json={
            "name": "Main",
            "type": "savings",
            "opening_balance": "10.5",
            "opening_date": "2020-01-01",
        },
        headers={"If-Match": etag},
    )
    assert changed.status_code == 200
    assert changed.json["name"] == "Main"
    assert changed.json["type"] == "savings"
    assert changed.json["opening_balance"] == changed.json["balance"] == "10.50"
    assert changed.json["opening_date"] == "2020-01-01"
    assert changed.json["currency"] == "EUR"
    new_etag = changed.headers["ETag"]
    assert new_etag != etag
    stale = alex.patch(path, json={"name": "Lost update"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.headers["Content-Type"] == "application/problem+json"
    assert "changed" in stale.json["detail"]
    assert alex.get(path).json["name"] == "Main"
    assert alex.patch(path, json={"name": "Any"}, headers={"If-Match": "*"}).status_code == 200
    assert alex.patch(path, json={"name": "No If-Match"}).status_code == 200


def test_the_etag_changes_with_the_reconciled_balance(alex, book):
    account = open_account(alex, book)
    transaction = add_transaction(alex, book, account["id"], "-5.00", status="cleared")
    before = alex.get(f"{API}/{book}/accounts/{account['id']}")
    alex.patch(f"{API}/{book}/transactions/{transaction['id']}", json={"status": "reconciled"})
    after = alex.get(f"{API}/{book}/accounts/{account['id']}")
    assert after.json["reconciled_balance"] != before.json["reconciled_balance"]
    assert after.headers["ETag"] != before.headers["ETag"]


def test_a_new_transaction_makes_a_read_etag_stale(alex, book):
    created = alex.post(f"{API}/{book}/accounts", json={"name": "Checking", "type": "checking"})
    add_transaction(alex, book, created.json["id"], "-3.00")
    stale = alex.patch(
        f"{API}/{book}/accounts/{created.json['id']}",
        json={"opening_balance": "3"},
        headers={"If-Match": created.headers["ETag"]},
    )
    assert stale.status_code == 412


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"type": "mattress"}, "type"),
        ({"opening_balance": "1.001"}, "opening_balance"),
        ({"opening_balance": 1}, "opening_balance"),
        ({"archived": "maybe"}, "archived"),
        ({"currency": "USD"}, "currency"),
        ({"opening_date": "yesterday"}, "opening_date"),
    ],
)
def test_invalid_patches_are_refused_per_field(alex, book, body, field):
    account = open_account(alex, book, opening_balance="1.00")
    path = f"{API}/{book}/accounts/{account['id']}"
    response = alex.patch(path, json=body)
    assert response.status_code == 422
    assert field in fields_of(response)
    assert alex.get(path).json == account


def test_opening_balance_patch_is_parsed_in_the_accounts_currency(alex, book):
    account = open_account(alex, book, currency="JPY", opening_balance="100")
    path = f"{API}/{book}/accounts/{account['id']}"
    assert fields_of(alex.patch(path, json={"opening_balance": "0.5"})) == {"opening_balance"}
    add_transaction(alex, book, account["id"], "-30")
    assert alex.patch(path, json={"opening_balance": "250"}).json["balance"] == "220"


def test_rename_to_a_taken_name_is_refused(alex, book):
    open_account(alex, book, name="Checking")
    savings = open_account(alex, book, name="Savings")
    path = f"{API}/{book}/accounts/{savings['id']}"
    response = alex.patch(path, json={"name": "CHECKING"})
    assert response.status_code == 422
    assert fields_of(response) == {"name"}
    assert alex.patch(path, json={"name": "SAVINGS"}).json["name"] == "SAVINGS"


# Deleting ------------------------------------------------------------------------------------


def test_delete_an_unused_account(alex, book):
    created = alex.post(f"{API}/{book}/accounts", json={"name": "Temp", "type": "cash"})
    path = f"{API}/{book}/accounts/{created.json['id']}"
    assert alex.delete(path, headers={"If-Match": '"stale"'}).status_code == 412
    deleted = alex.delete(path, headers={"If-Match": created.headers["ETag"]})
    assert deleted.status_code == 204
    assert alex.get(path).status_code == 404
    assert alex.delete(path).status_code == 404
    # the name is free again
    open_account(alex, book, name="Temp")


def test_delete_is_refused_while_the_account_has_transactions(alex, book):
    account = open_account(alex, book)
    transaction = add_transaction(alex, book, account["id"], "-1.00")
    path = f"{API}/{book}/accounts/{account['id']}"
    refused = alex.delete(path)
    assert refused.status_code == 409
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert "archive" in refused.json["detail"]
    assert alex.get(path).status_code == 200
    alex.delete(f"{API}/{book}/transactions/{transaction['id']}")
    assert alex.delete(path).status_code == 204


def test_delete_is_refused_for_the_receiving_side_of_a_transfer(alex, book):
    source = open_account(alex, book, name="Source")
    target = open_account(alex, book, name="Target")
    add_transaction(alex, book, source["id"], "-5.00", transfer_account_id=target["id"])
    assert alex.delete(f"{API}/{book}/accounts/{target['id']}").status_code == 409
    assert alex.get(f"{API}/{book}/accounts/{target['id']}").json["balance"] == "5.00"


# Books and roles -----------------------------------------------------------------------------


def test_another_books_account_is_404(alex, book):
    other_book = new_book(alex, name="Other")
    theirs = open_account(alex, other_book, name="Theirs")
    path = f"{API}/{book}/accounts/{theirs['id']}"
    assert alex.get(path).status_code == 404
    assert alex.patch(path, json={"name": "Hijacked"}).status_code == 404
    assert alex.delete(path).status_code == 404
    assert alex.get(f"{API}/{other_book}/accounts/{theirs['id']}").json["name"] == "Theirs"
    assert alex.get(f"{API}/{book}/accounts").json["items"] == []


def test_non_members_get_404(alex, book, make_user, sign_in):
    account = open_account(alex, book)
    make_user("bob")
    bob = sign_in("bob")
    assert bob.get(f"{API}/{book}/accounts").status_code == 404
    assert bob.get(f"{API}/{book}/accounts/{account['id']}").status_code == 404
    created = bob.post(f"{API}/{book}/accounts", json={"name": "Mine", "type": "cash"})
    assert created.status_code == 404
    assert bob.patch(f"{API}/{book}/accounts/{account['id']}", json={"name": "X"}).status_code == (
        404
    )
    assert bob.delete(f"{API}/{book}/accounts/{account['id']}").status_code == 404


def test_a_viewer_reads_but_cannot_write(alex, book, make_user, sign_in, database):
    account = open_account(alex, book)
    add_member(database, book, make_user("vera").id, "viewer")
    vera = sign_in("vera")
    path = f"{API}/{book}/accounts/{account['id']}"
    assert vera.get(f"{API}/{book}/accounts").json["items"] == [account]
    assert vera.get(path).status_code == 200
    for response in (
        vera.post(f"{API}/{book}/accounts", json={"name": "Mine", "type": "cash"}),
        vera.patch(path, json={"name": "Renamed"}),
        vera.patch(path, json={"archived": True}),
        vera.delete(path),
    ):
        assert response.status_code == 403
        assert response.headers["Content-Type"] == "application/problem+json"
    assert alex.get(path).json == account


def test_an_editor_writes(alex, book, make_user, sign_in, database):
    add_member(database, book, make_user("eddie").id, "editor")
    eddie = sign_in("eddie")
    account = open_account(eddie, book, name="Eddie's")
    changed = eddie.patch(f"{API}/{book}/accounts/{account['id']}", json={"archived": True})
    assert changed.status_code == 200
    assert eddie.delete(f"{API}/{book}/accounts/{account['id']}").status_code == 204


def test_tokens_read_with_read_scope_and_write_with_write_scope(alex, book, client, make_token):
    account = open_account(alex, book)
    read = {"Authorization": f"Bearer {make_token(alex.user, 'read')}"}
    write = {"Authorization": f"Bearer {make_token(alex.user, 'write')}"}
    assert client.get(f"{API}/{book}/accounts", headers=read).json["items"] == [account]
    body = {"name": "Token's", "type": "cash"}
    assert client.post(f"{API}/{book}/accounts", json=body, headers=read).status_code == 403
    path = f"{API}/{book}/accounts/{account['id']}"
    assert client.patch(path, json={"name": "X"}, headers=read).status_code == 403
    assert client.delete(path, headers=read).status_code == 403
    assert client.post(f"{API}/{book}/accounts", json=body, headers=write).status_code == 201


def test_anonymous_callers_are_401(client, alex, book):
    assert client.get(f"{API}/{book}/accounts").status_code == 401


def test_an_id_too_large_for_sqlite_is_a_4xx_not_500(alex, book):
    huge = 10**20
    cursor = "eyJhZnRlciI6IDEwMDAwMDAwMDAwMDAwMDAwMDAwMH0"  # {"after": 10**20}
    for response, status in (
        (alex.get(f"{API}/{book}/accounts/{huge}"), 404),
        (alex.get(f"{API}/{huge}/accounts"), 404),
        (alex.patch(f"{API}/{book}/accounts/{huge}", json={"name": "X"}), 404),
        (alex.delete(f"{API}/{book}/accounts/{2**63}"), 404),
        (alex.get(f"{API}/{book}/accounts?cursor={cursor}"), 422),
    ):
        assert response.status_code == status, response.json
        assert response.headers["Content-Type"] == "application/problem+json"
        if status == 422:
            assert fields_of(response) == {"cursor"}
