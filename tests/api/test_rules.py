"""Rules over the API: kept in order, checked, run on imports and on what is there."""

from __future__ import annotations

import pytest

from tests.api.test_imports import current_account, file_body

STATEMENT = (
    "Date,Description,Amount\n"
    "2025-04-03,AMZN Mktp US*2K4,-54.21\n"
    "2025-04-02,NETFLIX.COM,-15.49\n"
    "2025-04-01,ACME CORP PAYROLL,3200.00\n"
)


@pytest.fixture
def book(alex):
    book, account = current_account(alex)
    groceries = alex.get(f"/api/v1/books/{book}/categories").json["items"][0]["id"]
    return book, account, groceries


def make(alex, book_id: int, **fields) -> dict:
    response = alex.post(f"/api/v1/books/{book_id}/rules", json={"name": "A rule", **fields})
    assert response.status_code == 201, response.json
    return response.json


def test_rules_are_made_listed_in_order_changed_and_deleted(alex, book):
    book_id, account, category = book
    base = f"/api/v1/books/{book_id}/rules"
    first = make(alex, book_id, payee_match="regex", payee_text="^amzn", set_payee="Amazon")
    second = make(
        alex,
        book_id,
        name="Online",
        payee_match="equals",
        payee_text="Amazon",
        amount_min="-100",
        amount_max="-0.01",
        account_id=account,
        set_category_id=category,
        add_tags=["online", "Online", "shopping"],
    )
    assert second["add_tags"] == ["online", "shopping"]
    assert (second["amount_min"], second["amount_max"]) == ("-100", "-0.01")
    assert [r["id"] for r in alex.get(base).json["items"]] == [first["id"], second["id"]]

    moved = alex.patch(
        f"{base}/{second['id']}", json={"position": 0}, headers={"If-Match": second["etag"]}
    )
    assert moved.status_code == 200, moved.json
    assert [r["id"] for r in alex.get(base).json["items"]] == [second["id"], first["id"]]
    stale = alex.patch(
        f"{base}/{second['id']}", json={"name": "x"}, headers={"If-Match": second["etag"]}
    )
    assert stale.status_code == 412
    cleared = alex.patch(f"{base}/{second['id']}", json={"amount_min": None, "account_id": None})
    assert (cleared.json["amount_min"], cleared.json["account_id"]) == (None, None)
    assert cleared.json["amount_max"] == "-0.01"

    assert alex.delete(f"{base}/{first['id']}").status_code == 204
    assert alex.get(f"{base}/{first['id']}").status_code == 404


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"set_payee": "X"}, "payee_match"),  # no condition
        ({"payee_match": "contains", "payee_text": "x"}, "set_category_id"),  # no action
        ({"payee_match": "regex", "payee_text": "(unclosed", "set_payee": "X"}, "payee_text"),
        # RE2 has no backreferences: they are what makes a pattern take exponential time
        ({"payee_match": "regex", "payee_text": r"(a)\1", "set_payee": "X"}, "payee_text"),
        ({"payee_match": "contains", "payee_text": "  ", "set_payee": "X"}, "payee_text"),
        ({"amount_min": "ten", "set_payee": "X"}, "amount_min"),
        ({"amount_min": "5", "amount_max": "1", "set_payee": "X"}, "amount_max"),
        ({"account_id": 99999, "set_payee": "X"}, "account_id"),
        ({"amount_max": "0", "set_category_id": 99999}, "set_category_id"),
        ({"amount_max": "0", "add_tags": ["a,b"]}, "add_tags"),
        ({"name": "", "amount_max": "0", "set_payee": "X"}, "name"),
    ],
)
def test_a_rule_that_cannot_work_is_refused_at_its_field(alex, book, fields, field):
    book_id, _, _ = book
    response = alex.post(f"/api/v1/books/{book_id}/rules", json={"name": "Bad", **fields})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json["errors"]}
    assert alex.get(f"/api/v1/books/{book_id}/rules").json["items"] == []


def test_imports_run_the_rules_and_the_preview_shows_it(alex, book):
    book_id, account, category = book
    make(alex, book_id, payee_match="regex", payee_text="^amzn", set_payee="Amazon")
    make(alex, book_id, payee_match="equals", payee_text="amazon", set_category_id=category)
    make(alex, book_id, payee_match="contains", payee_text="netflix", add_tags=["subscription"])
    base = f"/api/v1/books/{book_id}/imports"

    rows = alex.post(base + "/preview", json=file_body(account, STATEMENT)).json["rows"]
    assert [(r["payee"], r["rule_payee"], r["category_id"], r["tags"]) for r in rows] == [
        ("AMZN Mktp US*2K4", "Amazon", category, []),
        ("NETFLIX.COM", None, None, ["subscription"]),
        ("ACME CORP PAYROLL", None, None, []),
    ]
    assert alex.post(base, json=file_body(account, STATEMENT)).status_code == 201
    stored = alex.get(f"/api/v1/books/{book_id}/transactions").json["items"]
    assert [(t["payee"], t["category_id"], t["tags"]) for t in stored] == [
        ("Amazon", category, []),
        ("NETFLIX.COM", None, ["subscription"]),
        ("ACME CORP PAYROLL", None, []),
    ]


def test_running_rules_on_what_is_there_previews_then_applies(alex, book):
    book_id, account, category = book
    transactions = f"/api/v1/books/{book_id}/transactions"
    for payee, amount in (
        ("Corner Grocer", "-20.00"),
        ("corner grocer #2", "-80.00"),
        ("Gym", "-30"),
    ):
        made = alex.post(
            transactions,
            json={"account_id": account, "date": "2025-05-01", "amount": amount, "payee": payee},
        )
        assert made.status_code == 201, made.json
    rule = make(
        alex,
        book_id,
        payee_match="contains",
        payee_text="grocer",
        amount_min="-50",
        set_category_id=category,
        add_tags=["food"],
    )
    base = f"/api/v1/books/{book_id}/rules"
    preview = alex.post(base + "/preview", json={})
    assert preview.status_code == 200, preview.json
    assert preview.json["total"] == 1
    (change,) = preview.json["changes"]
    assert (change["payee_before"], change["amount"], change["category_after"]) == (
        "Corner Grocer",
        "-20.00",
        category,
    )
    assert change["tags_added"] == ["food"]
    assert alex.get(transactions).json["items"][0]["category_id"] is None  # nothing written

    applied = alex.post(base + "/apply", json={"rule_ids": [rule["id"]]})
    assert applied.json == {"changed": 1}
    after = {t["payee"]: t for t in alex.get(transactions).json["items"]}
    assert (after["Corner Grocer"]["category_id"], after["Corner Grocer"]["tags"]) == (
        category,
        ["food"],
    )
    assert after["corner grocer #2"]["category_id"] is None  # out of the amount range
    assert alex.post(base + "/preview", json={}).json["total"] == 0  # done: nothing more
    assert alex.post(base + "/apply", json={"rule_ids": [99999]}).status_code == 422


def test_a_deleted_category_moves_its_rules_along(alex, book):
    book_id, _, category = book
    categories = alex.get(f"/api/v1/books/{book_id}/categories").json["items"]
    other = categories[1]["id"]
    rule = make(alex, book_id, payee_match="contains", payee_text="x", set_category_id=category)
    gone = alex.delete(f"/api/v1/books/{book_id}/categories/{category}?reassign_to={other}")
    assert gone.status_code == 204, gone.json
    kept = alex.get(f"/api/v1/books/{book_id}/rules/{rule['id']}").json
    assert kept["set_category_id"] == other
    assert kept["etag"] != rule["etag"]  # it changed, so a stale edit is caught


def test_a_rule_left_without_action_is_switched_off_and_can_still_be_moved(alex, book):
    book_id, _, _ = book
    base = f"/api/v1/books/{book_id}/rules"
    doomed = alex.post(
        f"/api/v1/books/{book_id}/categories",
        json={
            "name": "Doomed",
            "group_id": alex.get(f"/api/v1/books/{book_id}/category-groups").json["items"][0]["id"],
        },
    ).json["id"]
    first = make(alex, book_id, payee_match="contains", payee_text="a", add_tags=["a"])
    lost = make(alex, book_id, payee_match="contains", payee_text="b", set_category_id=doomed)
    renames = make(
        alex,
        book_id,
        payee_match="contains",
        payee_text="c",
        set_category_id=doomed,
        set_payee="C",
    )
    assert alex.delete(f"/api/v1/books/{book_id}/categories/{doomed}").status_code == 204

    after = {r["id"]: r for r in alex.get(base).json["items"]}
    assert (after[lost["id"]]["enabled"], after[lost["id"]]["set_category_id"]) == (False, None)
    assert after[renames["id"]]["enabled"] is True  # it still renames
    assert after[lost["id"]]["etag"] != lost["etag"]

    # Moving it, or the others around it, works; enabling it asks for an action first.
    etag = {"If-Match": after[lost["id"]]["etag"]}
    moved = alex.patch(f"{base}/{lost['id']}", json={"position": 0}, headers=etag)
    assert moved.status_code == 200, moved.json
    enabled = alex.patch(
        f"{base}/{lost['id']}", json={"enabled": True}, headers={"If-Match": moved.json["etag"]}
    )
    assert enabled.status_code == 422
    assert enabled.json["errors"][0]["field"] == "set_category_id"
    order = [renames["id"], first["id"], lost["id"]]
    reordered = alex.put(f"{base}/order", json={"rule_ids": order})
    assert reordered.status_code == 200, reordered.json
    assert [r["id"] for r in reordered.json["items"]] == order
    assert [r["position"] for r in alex.get(base).json["items"]] == [1, 2, 3]


@pytest.mark.parametrize(
    "pick",
    [
        lambda ids: ids[:-1],  # one left out
        lambda ids: [*ids, ids[0]],  # one twice
        lambda ids: [*ids[:-1], 99999],  # one not of the book
    ],
)
def test_an_order_that_is_not_every_rule_once_moves_nothing(alex, book, pick):
    book_id, _, _ = book
    base = f"/api/v1/books/{book_id}/rules"
    for text in "abc":
        make(alex, book_id, payee_match="contains", payee_text=text, add_tags=[text])
    before = alex.get(base).json["items"]
    response = alex.put(f"{base}/order", json={"rule_ids": pick([r["id"] for r in before][::-1])})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "rule_ids"
    assert alex.get(base).json["items"] == before


def test_new_transactions_pass_through_the_rules(alex, book):
    book_id, account, category = book
    make(alex, book_id, payee_match="regex", payee_text="^amzn", set_payee="Amazon")
    make(
        alex,
        book_id,
        payee_match="equals",
        payee_text="amazon",
        set_category_id=category,
        add_tags=["online"],
    )
    transactions = f"/api/v1/books/{book_id}/transactions"
    base = {"account_id": account, "date": "2025-05-01", "amount": "-12.00"}
    made = alex.post(transactions, json={**base, "payee": "AMZN Mktp US*2K4", "tags": ["gift"]})
    assert made.status_code == 201, made.json
    assert (made.json["payee"], made.json["category_id"], made.json["tags"]) == (
        "Amazon",
        category,
        ["gift", "online"],
    )
    other = alex.get(f"/api/v1/books/{book_id}/categories").json["items"][1]["id"]
    chosen = alex.post(transactions, json={**base, "payee": "amzn", "category_id": other}).json
    assert (chosen["payee"], chosen["category_id"]) == ("Amazon", other)  # a given one stays
    split = alex.post(
        transactions,
        json={
            **base,
            "payee": "amzn",
            "splits": [
                {"amount": "-10.00", "category_id": other},
                {"amount": "-2.00", "category_id": other},
            ],
        },
    ).json
    assert (split["payee"], split["category_id"]) == ("Amazon", None)
    untouched = alex.post(transactions, json={**base, "payee": "Bakery"}).json
    assert (untouched["payee"], untouched["category_id"], untouched["tags"]) == ("Bakery", None, [])


def test_a_rule_for_transactions_without_a_payee_finds_them(alex, book):
    book_id, account, _ = book
    transactions = f"/api/v1/books/{book_id}/transactions"
    for payee in (None, "Gym"):
        body = {"account_id": account, "date": "2025-05-01", "amount": "-5", "payee": payee}
        assert alex.post(transactions, json=body).status_code == 201
    make(alex, book_id, payee_match="regex", payee_text="^$", add_tags=["who?"])
    preview = alex.post(f"/api/v1/books/{book_id}/rules/preview", json={}).json
    assert [(c["payee_before"], c["tags_added"]) for c in preview["changes"]] == [("", ["who?"])]
