"""Scheduled transactions over the API: made, checked, listed, entered and skipped."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.sharing import share

BOOKS = "/api/v1/books"


@pytest.fixture
def book(alex) -> dict:
    """Alex's book with a euro checking account, a euro savings and a dollar account."""
    book_id = alex.get(BOOKS).json["items"][0]["id"]
    base = f"{BOOKS}/{book_id}"

    def account(name: str, **extra) -> int:
        response = alex.post(base + "/accounts", json={"name": name, "type": "checking", **extra})
        assert response.status_code == 201, response.json
        return response.json["id"]

    return {
        "id": book_id,
        "base": base,
        "schedules": base + "/schedules",
        "checking": account("Checking", currency="EUR"),
        "savings": account("Savings", currency="EUR"),
        "dollars": account("Dollars", currency="USD"),
        "category": alex.get(base + "/categories").json["items"][0]["id"],
    }


def make(alex, book: dict, **fields) -> dict:
    body = {
        "account_id": book["checking"],
        "amount": "-950.00",
        "payee": "Landlord",
        "frequency": "monthly",
        "start_date": "2025-01-31",
    }
    response = alex.post(book["schedules"], json=body | fields)
    assert response.status_code == 201, response.json
    return response.json


def test_a_schedule_is_made_read_changed_and_deleted(alex, book):
    made = make(
        alex,
        book,
        name="Rent",
        category_id=book["category"],
        memo="Flat 3",
        tags=["home", "Home", "fixed"],
        count=12,
    )
    assert made["amount"] == "-950.00" and made["currency"] == "EUR"
    assert (made["next_date"], made["interval"], made["auto_enter"]) == ("2025-01-31", 1, False)
    assert made["tags"] == ["home", "fixed"]
    url = f"{book['schedules']}/{made['id']}"
    read = alex.get(url)
    assert read.headers["ETag"] == made["etag"] == read.json["etag"]
    assert [s["id"] for s in alex.get(book["schedules"]).json["items"]] == [made["id"]]

    changed = alex.patch(
        url,
        json={"amount": "-990", "count": None, "end_date": "2025-12-31", "name": None},
        headers={"If-Match": made["etag"]},
    )
    assert changed.status_code == 200, changed.json
    assert (changed.json["amount"], changed.json["count"], changed.json["end_date"]) == (
        "-990.00",
        None,
        "2025-12-31",
    )
    assert changed.json["name"] is None and changed.json["memo"] == "Flat 3"
    stale = alex.patch(url, json={"memo": "x"}, headers={"If-Match": made["etag"]})
    assert stale.status_code == 412
    assert alex.delete(url, headers={"If-Match": made["etag"]}).status_code == 412
    assert alex.delete(url, headers={"If-Match": changed.json["etag"]}).status_code == 204
    assert alex.get(url).status_code == 404


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "ten"}, "amount"),
        ({"amount": "1.234"}, "amount"),  # EUR has two decimals
        ({"account_id": 999_999}, "account_id"),
        ({"category_id": 999_999}, "category_id"),
        ({"frequency": "hourly"}, "frequency"),
        ({"interval": 0}, "interval"),
        ({"start_date": "2025-02-30"}, "start_date"),
        ({"start_date": "1850-01-01"}, "start_date"),
        ({"end_date": "2025-01-30"}, "end_date"),
        ({"count": 3, "end_date": "2025-12-31"}, "count"),
        ({"count": 0}, "count"),
        ({"tags": ["a,b"]}, "tags"),
        ({"name": "x" * 101}, "name"),
        ({"payee": "p" * 201}, "payee"),
        ({"transfer_account_id": 999_999}, "transfer_account_id"),
        ({"transfer_account_id": "SAME"}, "transfer_account_id"),
        ({"transfer_account_id": "dollars"}, "transfer_account_id"),
        ({"transfer_account_id": "savings", "category_id": "category"}, "category_id"),
    ],
)
def test_a_schedule_that_cannot_work_is_refused_at_its_field(alex, book, fields, field):
    named = {"SAME": book["checking"], **book}
    body = {
        "account_id": book["checking"],
        "amount": "-10.00",
        "frequency": "monthly",
        "start_date": "2025-01-31",
    } | {
        key: named.get(value, value) if isinstance(value, str) else value
        for key, value in fields.items()
    }
    response = alex.post(book["schedules"], json=body)
    assert response.status_code == 422, response.json
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json["errors"]}
    assert alex.get(book["schedules"]).json["items"] == []


def test_a_transfer_across_currencies_is_refused_with_its_reason(alex, book):
    response = alex.post(
        book["schedules"],
        json={
            "account_id": book["checking"],
            "amount": "-10.00",
            "frequency": "weekly",
            "start_date": "2025-01-01",
            "transfer_account_id": book["dollars"],
        },
    )
    assert response.status_code == 422
    [error] = response.json["errors"]
    assert error["field"] == "transfer_account_id"
    assert "same currency" in error["message"]


def test_moving_a_schedule_to_another_currency_needs_its_amount(alex, book):
    made = make(alex, book)
    url = f"{book['schedules']}/{made['id']}"
    refused = alex.patch(url, json={"account_id": book["dollars"]})
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "amount"
    moved = alex.patch(url, json={"account_id": book["dollars"], "amount": "-1000.50"})
    assert (moved.json["currency"], moved.json["amount"]) == ("USD", "-1000.50")


def test_enter_and_skip_occurrences(alex, book):
    made = make(alex, book, category_id=book["category"], tags=["fixed"])
    url = f"{book['schedules']}/{made['id']}"

    entered = alex.post(url + "/enter")  # no body: the next occurrence
    assert entered.status_code == 201, entered.json
    assert entered.headers["ETag"] == entered.json["etag"]
    txn = entered.json
    assert (txn["date"], txn["amount"], txn["payee"], txn["tags"]) == (
        "2025-01-31",
        "-950.00",
        "Landlord",
        ["fixed"],
    )
    assert txn["category_id"] == book["category"] and txn["account_id"] == book["checking"]
    stored = alex.get(f"{book['base']}/transactions/{txn['id']}").json
    assert stored["amount"] == "-950.00"

    again = alex.post(url + "/enter", json={"date": "2025-01-31"})
    assert again.status_code == 409
    assert again.headers["Content-Type"] == "application/problem+json"
    not_one = alex.post(url + "/enter", json={"date": "2025-02-27"})
    assert not_one.status_code == 422
    assert not_one.json["errors"][0]["field"] == "date"
    bad_date = alex.post(url + "/enter", json={"date": "someday"})
    assert bad_date.status_code == 422

    skipped = alex.post(url + "/skip", json={})
    assert skipped.status_code == 200, skipped.json
    assert skipped.json["next_date"] == "2025-03-31"
    assert skipped.headers["ETag"] == skipped.json["etag"] != made["etag"]
    later = alex.post(url + "/skip", json={"date": "2025-05-31"})
    assert later.json["next_date"] == "2025-03-31"
    assert alex.post(url + "/skip", json={"date": "2025-05-31"}).status_code == 409
    ahead = alex.post(url + "/enter", json={"date": "2025-04-30"})
    assert ahead.status_code == 201 and ahead.json["date"] == "2025-04-30"
    dates = [t["date"] for t in alex.get(f"{book['base']}/transactions").json["items"]]
    assert dates == ["2025-04-30", "2025-01-31"]


def test_entering_a_transfer_schedule_and_a_finished_one(alex, book):
    made = make(alex, book, transfer_account_id=book["savings"], amount="-100", count=1)
    url = f"{book['schedules']}/{made['id']}"
    txn = alex.post(url + "/enter", json={}).json
    assert txn["transfer_account_id"] == book["savings"] and txn["transfer_id"]
    assert alex.get(url).json["next_date"] is None
    finished = alex.post(url + "/enter", json={})
    assert finished.status_code == 409
    assert "no occurrences left" in finished.json["detail"]
    assert alex.post(url + "/skip", json={}).status_code == 409


def test_upcoming_lists_the_next_days(alex, book):
    today = dt.date.today()
    weekly = make(alex, book, frequency="weekly", start_date=today.isoformat(), auto_enter=True)
    overdue = make(alex, book, payee="Gym", frequency="daily", start_date="2020-01-01", count=1)
    make(alex, book, payee="Far", start_date=(today + dt.timedelta(days=40)).isoformat())
    upcoming = book["schedules"] + "/upcoming"

    items = alex.get(upcoming).json["items"]  # 30 days by default
    assert [(i["schedule_id"], i["date"]) for i in items] == [
        (overdue["id"], "2020-01-01"),
        *((weekly["id"], (today + dt.timedelta(weeks=n)).isoformat()) for n in range(5)),
    ]
    assert items[1]["amount"] == "-950.00" and items[1]["currency"] == "EUR"
    assert items[1]["auto_enter"] is True and items[0]["payee"] == "Gym"
    assert len(alex.get(upcoming + "?days=1").json["items"]) == 2
    assert alex.get(upcoming + "?days=41").json["items"][-1]["payee"] == "Far"
    for bad in ("0", "367", "soon"):
        response = alex.get(f"{upcoming}?days={bad}")
        assert response.status_code == 422, bad
        assert response.json["errors"][0]["field"] == "days"


def test_viewers_read_and_outsiders_see_nothing(alex, book, make_user, sign_in):
    made = make(alex, book)
    url = f"{book['schedules']}/{made['id']}"
    make_user("victor")
    make_user("nadia")
    victor, nadia = sign_in("victor"), sign_in("nadia")
    share(alex, victor, book["id"], "viewer")

    assert victor.get(url).status_code == 200
    assert victor.get(book["schedules"] + "/upcoming").status_code == 200
    writes = [
        ("post", book["schedules"], {"account_id": book["checking"], "amount": "1",
                                     "frequency": "daily", "start_date": "2025-01-01"}),
        ("patch", url, {"memo": "mine"}),
        ("delete", url, None),
        ("post", url + "/enter", {}),
        ("post", url + "/skip", {}),
    ]  # fmt: skip
    for method, path, body in writes:
        response = getattr(victor, method)(path, json=body)
        assert response.status_code == 403, (method, path)
        assert response.json["code"] == "forbidden"
    for method, path, body in [("get", url, None), ("get", book["schedules"], None), *writes]:
        response = getattr(nadia, method)(path, json=body)
        assert response.status_code == 404, (method, path)
    assert alex.get(url).json["etag"] == made["etag"]  # nothing changed
    assert alex.get(f"{book['base']}/transactions").json["items"] == []


def test_the_schedules_page_is_for_the_books_members(alex, book, make_user, sign_in, client):
    path = f"/books/{book['id']}/schedules"
    page = alex.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-book-id="{book["id"]}"' in html and "js/pages/schedules.js" in html
    assert f'href="{path}"' in alex.get(f"/books/{book['id']}").get_data(as_text=True)
    assert client.get(path).location == f"/login?next={path}"
    make_user("bob")
    assert sign_in("bob").get(path).status_code == 404


def test_a_deleted_category_moves_its_schedules_along(alex, book):
    categories = alex.get(book["base"] + "/categories").json["items"]
    gone, kept = categories[1]["id"], categories[2]["id"]
    moved = make(alex, book, category_id=gone)
    second = make(alex, book, category_id=kept)
    response = alex.delete(f"{book['base']}/categories/{gone}?reassign_to={kept}")
    assert response.status_code == 204, response.json
    after = alex.get(f"{book['schedules']}/{moved['id']}").json
    assert after["category_id"] == kept and after["etag"] != moved["etag"]
    response = alex.delete(f"{book['base']}/categories/{kept}?reassign_to={categories[3]['id']}")
    assert response.status_code == 204
    assert (
        alex.get(f"{book['schedules']}/{second['id']}").json["category_id"] == categories[3]["id"]
    )
