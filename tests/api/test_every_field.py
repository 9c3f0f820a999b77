"""Validation answers every field at once, in words that state the rule: a request with a
field the schema refuses and another only the domain refuses hears of both in one
problem+json `errors` list, and nothing is written (issue 19)."""

from __future__ import annotations

import base64

import pytest

from tests.api.test_accounts import new_book, open_account

API = "/api/v1/books"
LONG_MEMO = "m" * 1500


def messages(response) -> dict[str, str]:
    assert response.status_code == 422, response.json
    return {e["field"]: e["message"] for e in response.json["errors"]}


@pytest.fixture
def place(alex, database):
    """A book with an account and a category, and what the requests below need of them."""
    book = new_book(alex, currency="EUR")
    account = open_account(alex, book)["id"]
    group = alex.post(f"{API}/{book}/category-groups", json={"name": "Home"}).json["id"]
    category = alex.post(f"{API}/{book}/categories", json={"name": "Rent", "group_id": group}).json[
        "id"
    ]
    return {"book": book, "account": account, "group": group, "category": category}


# (method, path, body, the field the schema refuses, the field only the domain refuses)
CASES = {
    "account": (
        "post",
        "{API}/{book}/accounts",
        {"name": "x" * 101, "type": "checking", "opening_balance": "1.234"},
        "name",
        "opening_balance",
    ),
    "transaction": (
        "post",
        "{API}/{book}/transactions",
        {"account_id": "{account}", "date": "2024-03-01", "amount": "1.234", "memo": LONG_MEMO},
        "memo",
        "amount",
    ),
    "category": (
        "post",
        "{API}/{book}/categories",
        {"name": "  ", "group_id": "{group}", "kind": "spending"},
        "kind",
        "name",
    ),
    "category group": (
        "post",
        "{API}/{book}/category-groups",
        {"name": "  ", "position": "first"},
        "position",
        "name",
    ),
    "rule": (
        "post",
        "{API}/{book}/rules",
        {"name": "  ", "position": "first", "payee_match": "contains", "payee_text": "x"},
        "position",
        "name",
    ),
    "schedule": (
        "post",
        "{API}/{book}/schedules",
        {
            "account_id": "{account}",
            "amount": "1.234",
            "frequency": "monthly",
            "start_date": "2024-01-01",
            "memo": LONG_MEMO,
        },
        "memo",
        "amount",
    ),
    "goal": (
        "put",
        "{API}/{book}/categories/{category}/goal",
        {"kind": "monthly", "amount": "1.234", "by_month": 7},
        "by_month",
        "amount",
    ),
    "book": ("post", "{API}", {"name": "  ", "currency": 12}, "currency", "name"),
    "token": ("post", "/api/v1/tokens", {"name": "  ", "scope": "everything"}, "scope", "name"),
    "invitation": (
        "post",
        "{API}/{book}/invitations",
        {"username": "  ", "role": "boss"},
        "role",
        "username",
    ),
    "registration": (
        "post",
        "/api/v1/users",
        {"username": "a b", "password": 12345678},
        "password",
        "username",
    ),
}


def _filled(value, place):
    if isinstance(value, str) and value.startswith("{") and value[1:-1] in place:
        return place[value[1:-1]]
    return value


@pytest.mark.parametrize("entity", CASES)
def test_a_request_hears_of_the_schemas_and_the_domains_problems_at_once(alex, place, entity):
    method, path, body, by_schema, by_domain = CASES[entity]
    url = path.format(API=API, **place)
    sent = {key: _filled(value, place) for key, value in body.items()}
    found = messages(getattr(alex, method)(url, json=sent))
    assert by_schema in found and by_domain in found, found


def test_nothing_is_written_when_only_the_schema_refuses(alex, place):
    body = {"name": "Savings", "type": "checking", "opening_balance": "5", "archived": "yes"}
    found = messages(alex.post(f"{API}/{place['book']}/accounts", json=body))
    assert list(found) == ["archived"]
    names = [a["name"] for a in alex.get(f"{API}/{place['book']}/accounts").json["items"]]
    assert names == ["Checking"]


def test_an_over_long_memo_is_refused_with_the_limit_not_cut(alex, place):
    body = {"account_id": place["account"], "date": "2024-03-01", "amount": "-5", "memo": LONG_MEMO}
    found = messages(alex.post(f"{API}/{place['book']}/transactions", json=body))
    assert found == {"memo": "Use at most 1,000 characters (this has 1,500)."}


def test_messages_state_the_rule(alex, place):
    book = place["book"]
    schedule = {"account_id": place["account"], "amount": "-5", "frequency": "every_n_days"}
    assert messages(alex.post(f"{API}/{book}/schedules", json={**schedule, "interval": 0}))[
        "interval"
    ].startswith("Use a whole number from 1 to ")
    assert (
        messages(alex.post("/api/v1/users", json={"username": "al", "password": "x" * 12}))[
            "username"
        ]
        == "Use 3 to 32 characters: letters, digits, dot, dash or underscore."
    )
    assert messages(alex.get(f"{API}/{book}/accounts?limit=0"))["limit"] == (
        "Use a whole number from 1 to 500."
    )
    assert messages(alex.post(f"{API}/{book}/accounts", json={"type": "vault"})) == {
        "name": "This is required: give a value.",
        "type": "Use one of: checking, savings, credit_card, cash, investment, loan or other.",
    }


def test_an_imported_over_long_memo_is_a_lines_problem_not_cut(alex, place):
    # A bank's file (the columns a bank's CSV export has) with one memo past the book's limit.
    text = (
        "Date,Description,Reference,Amount\n"
        "2025-04-03,TESCO STORES 2231,card 1234,-12.40\n"
        f"2025-04-04,ACME LTD,{'r' * 1500},-3.00\n"
    )
    columns = {"date": 0, "payee": 1, "memo": 2, "amount": 3}
    body = {
        "account_id": place["account"],
        "file_name": "april.csv",
        "content": base64.b64encode(text.encode()).decode(),
        "columns": columns,
    }
    imports = f"{API}/{place['book']}/imports"
    refused = alex.post(imports, json=body)
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"][0]["message"] == (
        "Line 3: The memo has 1,500 characters; the book keeps at most 1,000."
    )
    made = alex.post(imports, json={**body, "skip_unreadable": True})
    assert made.status_code == 201, made.json
    listed = alex.get(f"{API}/{place['book']}/transactions").json["items"]
    assert [(t["payee"], t["memo"]) for t in listed] == [("TESCO STORES 2231", "card 1234")]


def test_a_rules_payee_text_is_never_dropped_without_a_word(alex, place):
    rules = f"{API}/{place['book']}/rules"
    base = {"name": "Groceries", "set_category_id": place["category"]}
    found = messages(alex.post(rules, json={**base, "payee_text": "grocer"}))
    assert found == {
        "payee_match": "Choose how the payee should match the text (contains, is or matches), "
        "or leave the text empty."
    }
    made = alex.post(rules, json={**base, "payee_match": "contains", "payee_text": "grocer"})
    assert made.status_code == 201, made.json
    # Clearing the condition takes its text with it.
    cleared = alex.patch(
        f"{rules}/{made.json['id']}",
        json={"payee_match": None, "amount_max": "-1"},
        headers={"If-Match": made.headers["ETag"]},
    )
    assert cleared.status_code == 200, cleared.json
    assert (cleared.json["payee_match"], cleared.json["payee_text"]) == (None, "")
