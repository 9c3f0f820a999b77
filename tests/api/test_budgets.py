"""The budget over the API: planned, spent, carried and left, per category and month."""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.api.conftest import BOOKS, post
from tests.api.test_reports import minor, raw_shares
from tests.sharing import share


def add(alex, h, day, amount, category=None, account=None):
    body = {"account_id": account or h["checking"], "date": day, "amount": amount}
    if category:
        body["category_id"] = h[category]
    post(alex, h["base"] + "/transactions", body)


def budget(alex, h, month, category, amount):
    response = alex.put(
        f"{h['base']}/budgets/{month}/categories/{h[category]}", json={"amount": amount}
    )
    assert response.status_code == 200, response.json
    return response.json


def lines(month: dict) -> dict:
    return {line["name"]: line for g in month["groups"] for line in g["lines"]}


def test_a_month_shows_budgeted_spent_and_left(alex, household):
    h = household
    add(alex, h, "2025-03-01", "3000.00", "Salary")
    add(alex, h, "2025-03-05", "-320.00", "Groceries")
    add(alex, h, "2025-03-20", "-50.00", "Restaurants")
    add(alex, h, "2025-03-21", "20.00", "Restaurants")  # a refund
    add(alex, h, "2025-03-22", "-15.00")  # no category: not budgeted, shown apart
    add(alex, h, "2025-03-23", "-99.00", "Groceries", account=h["dollars"])  # not euros
    budget(alex, h, "2025-03", "Groceries", "300.00")
    month = budget(alex, h, "2025-03", "Restaurants", "100")

    assert month["currency"] == "EUR" and month["other_currencies"] == ["USD"]
    groceries, restaurants = lines(month)["Groceries"], lines(month)["Restaurants"]
    assert (groceries["budgeted"], groceries["activity"], groceries["available"]) == (
        "300.00",
        "-320.00",
        "-20.00",
    )
    assert groceries["overspent"] is True
    assert (restaurants["activity"], restaurants["available"], restaurants["overspent"]) == (
        "-30.00",
        "70.00",
        False,
    )
    food = next(g for g in month["groups"] if g["name"] == "Food")
    assert (food["budgeted"], food["activity"], food["available"]) == ("400.00", "-350.00", "50.00")
    assert (month["income"], month["budgeted"], month["uncategorized"]) == (
        "3000.00",
        "400.00",
        "15.00",
    )
    assert month["available_to_budget"] == "2600.00"
    assert "Salary" not in lines(month)  # income is what is budgeted, not a line of it

    # The next month: nothing carried without rollover; what was budgeted stays counted.
    april = alex.get(f"{h['base']}/budgets/2025-04").json
    assert lines(april)["Groceries"]["available"] == "0.00"
    assert april["available_to_budget"] == "2600.00"


def test_rollover_carries_what_is_left_and_what_is_overspent(alex, household):
    h = household
    for category in ("Groceries", "Restaurants"):
        category_id = h[category]
        current = alex.get(f"{h['base']}/categories/{category_id}")
        changed = alex.patch(
            f"{h['base']}/categories/{category_id}",
            json={"rollover": True},
            headers={"If-Match": current.headers["ETag"]},
        )
        assert changed.status_code == 200 and changed.json["rollover"] is True
    budget(alex, h, "2025-01", "Groceries", "300")
    add(alex, h, "2025-01-10", "-250.00", "Groceries")
    budget(alex, h, "2025-01", "Restaurants", "50")
    add(alex, h, "2025-01-11", "-80.00", "Restaurants")
    budget(alex, h, "2025-02", "Groceries", "300")
    add(alex, h, "2025-02-10", "-330.00", "Groceries")

    february = lines(alex.get(f"{h['base']}/budgets/2025-02").json)
    assert (february["Groceries"]["carried"], february["Groceries"]["available"]) == (
        "50.00",
        "20.00",
    )
    assert (february["Restaurants"]["carried"], february["Restaurants"]["available"]) == (
        "-30.00",
        "-30.00",
    )
    assert february["Restaurants"]["overspent"] is True
    march = lines(alex.get(f"{h['base']}/budgets/2025-03").json)
    assert march["Groceries"]["carried"] == "20.00"


def test_copy_last_month_or_an_average(alex, household):
    h = household
    budget(alex, h, "2025-01", "Groceries", "100.00")
    budget(alex, h, "2025-02", "Groceries", "200.00")
    budget(alex, h, "2025-03", "Groceries", "300.01")
    budget(alex, h, "2025-03", "Fuel", "60.00")
    budget(alex, h, "2025-04", "Car", "10.00")  # replaced by the copy
    for day, amount in (
        ("2025-01-03", "-90.00"),
        ("2025-02-03", "-100.00"),
        ("2025-03-03", "-110.02"),
    ):
        add(alex, h, day, amount, "Groceries")

    def copy(source: str) -> dict:
        response = alex.post(f"{h['base']}/budgets/2025-04/copy", json={"source": source})
        assert response.status_code == 200, response.json
        return lines(alex.get(f"{h['base']}/budgets/2025-04").json)

    last = copy("last_month")
    assert (last["Groceries"]["budgeted"], last["Fuel"]["budgeted"], last["Car"]["budgeted"]) == (
        "300.01",
        "60.00",
        "0.00",
    )
    average = copy("average_budgeted")
    assert (average["Groceries"]["budgeted"], average["Fuel"]["budgeted"]) == ("200.00", "20.00")
    spent = copy("average_spent")
    assert (spent["Groceries"]["budgeted"], spent["Fuel"]["budgeted"]) == ("100.01", "0.00")
    again = alex.post(f"{h['base']}/budgets/2025-04/copy", json={"source": "average_spent"})
    assert again.json == {"changed": 0}


@pytest.mark.parametrize(
    ("month", "category", "amount", "field"),
    [
        ("2025-13", "Groceries", "10", "month"),
        ("march", "Groceries", "10", "month"),
        ("2025-0²", "Groceries", "10", "month"),
        ("2025-03", "Groceries", "-10", "amount"),
        ("2025-03", "Groceries", "10.001", "amount"),
        ("2025-03", "Groceries", "ten", "amount"),
        ("2025-03", "Salary", "10", "category_id"),
    ],
)
def test_a_budget_that_cannot_be_is_refused_at_its_field(
    alex, household, month, category, amount, field
):
    h = household
    response = alex.put(
        f"{h['base']}/budgets/{month}/categories/{h[category]}", json={"amount": amount}
    )
    assert response.status_code == 422, response.json
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json["errors"]}
    assert alex.get(f"{h['base']}/budgets/2025-03").json["budgeted"] == "0.00"


def test_unknown_categories_and_copy_sources_are_refused(alex, household):
    h = household
    missing = alex.put(f"{h['base']}/budgets/2025-03/categories/99999", json={"amount": "1"})
    assert missing.status_code == 404
    wrong = alex.post(f"{h['base']}/budgets/2025-03/copy", json={"source": "yesterday"})
    assert wrong.status_code == 422


def test_viewers_read_the_budget_and_outsiders_do_not_see_it(alex, household, make_user, sign_in):
    h = household
    make_user("vera")
    make_user("otto")
    vera, otto = sign_in("vera"), sign_in("otto")
    share(alex, vera, h["book"], "viewer")
    assert vera.get(f"{h['base']}/budgets/2025-03").status_code == 200
    refused = vera.put(
        f"{h['base']}/budgets/2025-03/categories/{h['Groceries']}", json={"amount": "5"}
    )
    assert refused.status_code == 403
    assert otto.get(f"{h['base']}/budgets/2025-03").status_code == 404


def test_a_deleted_category_hands_its_budget_to_where_its_money_goes(alex, household):
    h = household
    budget(alex, h, "2025-03", "Restaurants", "40")
    budget(alex, h, "2025-03", "Groceries", "300")
    add(alex, h, "2025-03-02", "-12.00", "Restaurants")
    gone = alex.delete(f"{h['base']}/categories/{h['Restaurants']}?reassign_to={h['Groceries']}")
    assert gone.status_code == 204, gone.json
    groceries = lines(alex.get(f"{h['base']}/budgets/2025-03").json)["Groceries"]
    assert (groceries["budgeted"], groceries["activity"]) == ("340.00", "-12.00")


def test_the_demo_books_activity_matches_a_sum_over_its_rows(alex, database):
    book = post(alex, "/api/v1/demo-books", {"currency": "EUR"})["id"]
    shares = raw_shares(database, book)
    month = max(s["month"] for s in shares)
    expected: dict = defaultdict(int)
    for s in shares:
        if s["month"] == month and s["kind"] == "expense" and not s["transfer"]:
            expected[s["category"]] += s["amount"]
    shown = alex.get(f"{BOOKS}/{book}/budgets/{month}").json
    got = {
        line["category_id"]: minor(line["activity"], "EUR")
        for g in shown["groups"]
        for line in g["lines"]
        if line["activity"] != "0.00"
    }
    assert got == {k: v for k, v in expected.items() if v}
    assert got  # the demo spends every month


def test_budgets_stay_with_expense_categories_and_the_books_currency(alex, household):
    h = household
    budget(alex, h, "2025-03", "Groceries", "100")
    # Moved to an income category, they go: income is not budgeted.
    gone = alex.delete(f"{h['base']}/categories/{h['Groceries']}?reassign_to={h['Salary']}")
    assert gone.status_code == 204, gone.json
    month = alex.get(f"{h['base']}/budgets/2025-03").json
    assert (month["budgeted"], month["available_to_budget"]) == ("0.00", "0.00")

    budget(alex, h, "2025-03", "Fuel", "50")
    etag = alex.get(f"{h['base']}/categories/{h['Fuel']}").headers["ETag"]
    refused = alex.patch(
        f"{h['base']}/categories/{h['Fuel']}", json={"kind": "income"}, headers={"If-Match": etag}
    )
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "kind"
    book_etag = alex.get(h["base"]).headers["ETag"]
    moved = alex.patch(h["base"], json={"currency": "JPY"}, headers={"If-Match": book_etag})
    assert moved.status_code == 422 and moved.json["errors"][0]["field"] == "currency"
    assert lines(alex.get(f"{h['base']}/budgets/2025-03").json)["Fuel"]["budgeted"] == "50.00"


def test_budgets_that_would_add_up_past_the_limit_are_not_merged(alex, household):
    h = household
    budget(alex, h, "2025-03", "Fuel", "9000000000000.00")
    budget(alex, h, "2025-03", "Car", "9000000000000.00")
    refused = alex.delete(f"{h['base']}/categories/{h['Fuel']}?reassign_to={h['Car']}")
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "reassign_to"
    assert lines(alex.get(f"{h['base']}/budgets/2025-03").json)["Fuel"]["budgeted"] != "0.00"
