"""The dashboard: every figure is the one the route it comes from gives."""

from __future__ import annotations

import datetime as dt

from tests.api.conftest import BOOKS, post


def test_the_dashboard_agrees_with_the_routes_it_links_to(alex):
    book = post(alex, "/api/v1/demo-books", {"currency": "EUR"})["id"]
    base = f"{BOOKS}/{book}"
    today = dt.date.today()
    accounts = alex.get(base + "/accounts").json["items"]
    checking = next(a for a in accounts if a["type"] == "checking")
    post(
        alex,
        base + "/schedules",
        {
            "account_id": checking["id"],
            "amount": "-42.00",
            "payee": "Gym",
            "frequency": "monthly",
            "start_date": (today + dt.timedelta(days=3)).isoformat(),
        },
    )
    board = alex.get(base + "/dashboard")
    assert board.status_code == 200, board.json
    board = board.json
    month = today.strftime("%Y-%m")
    assert board["month"] == month

    (worth,) = board["net_worth"]
    report = alex.get(base + "/reports/net-worth").json["parts"][0]
    assert worth["trend"] == report["months"] and len(worth["trend"]) == 12
    assert worth["amount"] == report["months"][-1]["amount"]
    assert worth["amount"] == f"{sum(float(a['balance']) for a in accounts):.2f}"

    budget = alex.get(f"{base}/budgets/{month}").json
    assert board["budget"]["budgeted"] == budget["budgeted"]
    assert board["budget"]["available_to_budget"] == budget["available_to_budget"]
    assert board["accounts"] == [a for a in accounts if not a["archived"]]
    coming = alex.get(base + "/schedules/upcoming?days=14").json["items"]
    assert board["upcoming"] == coming
    assert ("Gym", "-42.00") in {(u["payee"], u["amount"]) for u in board["upcoming"]}
    recent = alex.get(base + "/transactions?limit=8").json["items"]
    assert [t["id"] for t in board["recent"]] == [t["id"] for t in recent]


def test_only_members_see_a_books_dashboard(alex, make_user, sign_in):
    book = post(alex, BOOKS, {"name": "Mine", "currency": "EUR"})["id"]
    empty = alex.get(f"{BOOKS}/{book}/dashboard").json
    assert empty["net_worth"] == [] and empty["recent"] == [] and empty["accounts"] == []
    make_user("bob")
    assert sign_in("bob").get(f"{BOOKS}/{book}/dashboard").status_code == 404
