"""Fixtures the API tests share."""

from __future__ import annotations

import pytest

from tests.api.ledger import Ledger, category_ids
from tests.api.oauth_app import App, register
from tests.api.test_accounts import new_book
from tests.clock import Clock

BOOKS = "/api/v1/books"


def post(client, path: str, body: dict, status: int = 201) -> dict:
    """POST `body` to `path`, expecting `status` (201 Created unless told); return the answer."""
    response = client.post(path, json=body)
    assert response.status_code == status, (path, response.json)
    return response.json


@pytest.fixture
def book_id(alex):
    """A book Alex owns alone."""
    return alex.post("/api/v1/books", json={"name": "Household"}).json["id"]


@pytest.fixture
def people(make_user, sign_in):
    """Create users and sign them in: `people("sam", "kim")` -> SignedIn clients."""

    def make(*names):
        for name in names:
            make_user(name)
        signed = [sign_in(name) for name in names]
        return signed[0] if len(signed) == 1 else signed

    return make


@pytest.fixture
def rich_book(alex) -> int:
    """A book with a bit of everything a household's book holds."""
    book = post(alex, BOOKS, {"name": "Household", "currency": "EUR"})["id"]
    base = f"{BOOKS}/{book}"
    checking = post(
        alex,
        base + "/accounts",
        {"name": "Girokonto", "type": "checking", "opening_balance": "1250.75"},
    )["id"]
    dollars = post(
        alex, base + "/accounts", {"name": "US Dollars", "type": "savings", "currency": "USD"}
    )["id"]
    yen = post(alex, base + "/accounts", {"name": "Tokyo", "type": "cash", "currency": "JPY"})["id"]
    groups = alex.get(base + "/category-groups").json["items"]
    cats = alex.get(base + "/categories").json["items"]
    holiday = post(alex, base + "/category-groups", {"name": "Urlaub 🏖"})["id"]
    hotels = post(alex, base + "/categories", {"name": "Hôtels", "group_id": holiday})["id"]
    alex.patch(f"{base}/categories/{cats[-1]['id']}", json={"archived": True})
    alex.patch(f"{base}/category-groups/{groups[0]['id']}", json={"position": 9})
    post(alex, base + "/payees", {"name": "Nobody yet"})
    post(alex, base + "/tags", {"name": "unused"})
    txns = base + "/transactions"
    post(
        alex,
        txns,
        {
            "account_id": checking,
            "date": "2025-01-31",
            "amount": "-1234.56",
            "payee": "Müller Immobilien",
            "category_id": cats[0]["id"],
            "memo": 'Miete "Januar"; Wohnung 3',
            "tags": ["home", "Fixed"],
            "status": "reconciled",
        },
    )
    post(
        alex,
        txns,
        {
            "account_id": checking,
            "date": "2025-02-14",
            "amount": "-90.10",
            "payee": "Kaufland",
            "splits": [
                {"amount": "-60.00", "category_id": cats[1]["id"], "memo": "food"},
                {"amount": "-30.10", "category_id": hotels},
            ],
            "status": "cleared",
        },
    )
    post(
        alex,
        txns,
        {
            "account_id": checking,
            "date": "2025-03-01",
            "amount": "-500.00",
            "transfer_account_id": dollars,
            "transfer_amount": "541.20",
        },
    )
    post(
        alex,
        txns,
        {"account_id": yen, "date": "2025-03-02", "amount": "-3500", "payee": "ラーメン"},
    )
    post(alex, txns, {"account_id": dollars, "date": "2025-03-03", "amount": "0.01"})
    post(
        alex,
        base + "/rules",
        {
            "name": "Rent",
            "payee_match": "regex",
            "payee_text": "^müller",
            "account_id": checking,
            "amount_max": "-1000",
            "set_category_id": hotels,
            "add_tags": ["home"],
        },
    )
    for month, amount in (("2025-02", "150.00"), ("2025-03", "75.50")):
        budgeted = alex.put(f"{base}/budgets/{month}/categories/{hotels}", json={"amount": amount})
        assert budgeted.status_code == 200, budgeted.json
    rent = post(
        alex,
        base + "/schedules",
        {
            "name": "Miete",
            "account_id": checking,
            "amount": "-1234.56",
            "payee": "Müller Immobilien",
            "category_id": cats[0]["id"],
            "tags": ["home"],
            "frequency": "monthly",
            "start_date": "2025-01-31",
            "count": 24,
        },
    )
    assert alex.post(f"{base}/schedules/{rent['id']}/enter").status_code == 201
    assert alex.post(f"{base}/schedules/{rent['id']}/skip").status_code == 200
    post(
        alex,
        base + "/schedules",
        {
            "account_id": checking,
            "amount": "-100.00",
            "transfer_account_id": post(
                alex, base + "/accounts", {"name": "Sparbuch", "type": "savings"}
            )["id"],
            "frequency": "weekly",
            "interval": 2,
            "start_date": "2025-02-03",
            "auto_enter": True,
        },
    )
    etag = alex.get(f"{base}/categories/{hotels}").headers["ETag"]
    assert (
        alex.patch(
            f"{base}/categories/{hotels}", json={"rollover": True}, headers={"If-Match": etag}
        ).status_code
        == 200
    )
    goals = [
        (hotels, {"kind": "target", "amount": "1500.00", "by_month": "2025-08"}),
        (
            next(c["id"] for c in cats if c["kind"] == "expense"),
            {"kind": "spend_up_to", "amount": "300.00"},
        ),
    ]
    for category_id, goal in goals:
        made = alex.put(f"{base}/categories/{category_id}/goal", json=goal)
        assert made.status_code == 200, made.json
    return book


# The transaction tests (test_transactions_*.py) ---------------------------------------------


@pytest.fixture
def ledger(alex) -> Ledger:
    return Ledger(alex, new_book(alex, "EUR"))


@pytest.fixture
def eur(ledger) -> dict:
    return ledger.account("Checking")


@pytest.fixture
def cats(ledger, database) -> list[int]:
    return category_ids(database, ledger.id, 3)


# The OAuth tests (test_oauth_*.py) ----------------------------------------------------------


@pytest.fixture
def book(alex) -> int:
    book_id = post(alex, BOOKS, {"name": "Household", "currency": "EUR"})["id"]
    post(alex, f"{BOOKS}/{book_id}/accounts", {"name": "Checking", "type": "checking"})
    return book_id


@pytest.fixture
def other_book(alex) -> int:
    return post(alex, BOOKS, {"name": "Club", "currency": "EUR"})["id"]


@pytest.fixture
def app_client(app, alex) -> App:
    created = register(alex)
    return App(created["client_id"], app.test_client())


@pytest.fixture
def oauth_clock(monkeypatch) -> Clock:
    """The time as OAuth reads it (codes and refresh tokens in the OAuth server, an app's access
    token on each API request), standing still until the test moves it on."""
    clock = Clock()
    monkeypatch.setattr("server.auth.oauth_server.utcnow", clock.utcnow)
    monkeypatch.setattr("server.auth.web.utcnow", clock.utcnow)
    return clock


@pytest.fixture
def household(alex) -> dict:
    """A euro book with a checking account, a dollar account, and its default categories (the
    budget's and the goals' tests)."""
    book = post(alex, BOOKS, {"name": "Budgeted", "currency": "EUR"})["id"]
    base = f"{BOOKS}/{book}"
    checking = post(alex, base + "/accounts", {"name": "Checking", "type": "checking"})["id"]
    dollars = post(alex, base + "/accounts", {"name": "US", "type": "cash", "currency": "USD"})
    cats = {c["name"]: c["id"] for c in alex.get(base + "/categories").json["items"]}
    return {"book": book, "base": base, "checking": checking, "dollars": dollars["id"], **cats}
