"""Budget goals over the API: set, read, take away; what they need in the month's budget;
"Fill: underfunded"; and "available to budget" made of parts that add up to it."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from tests.api.test_budgets import add, budget, lines
from tests.api.test_reports import minor
from tests.sharing import share


def goal_url(h: dict, category: str) -> str:
    return f"{h['base']}/categories/{h[category]}/goal"


def set_goal(alex, h, category, **body):
    response = alex.put(goal_url(h, category), json=body)
    assert response.status_code == 200, response.json
    return response.json


def rollover(alex, h, category) -> None:
    url = f"{h['base']}/categories/{h[category]}"
    etag = alex.get(url).headers["ETag"]
    changed = alex.patch(url, json={"rollover": True}, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.json


def month(alex, h, when: str) -> dict:
    return alex.get(f"{h['base']}/budgets/{when}").json


def test_set_read_replace_and_delete_a_goal(alex, household):
    h = household
    assert alex.get(goal_url(h, "Groceries")).status_code == 404
    made = set_goal(alex, h, "Groceries", kind="monthly", amount="400")
    assert made == {
        "category_id": h["Groceries"],
        "kind": "monthly",
        "amount": "400.00",
        "by_month": None,
    }
    assert alex.get(goal_url(h, "Groceries")).json == made
    # One goal per category: a second replaces the first.
    set_goal(alex, h, "Groceries", kind="spend_up_to", amount="350.50")
    assert alex.get(goal_url(h, "Groceries")).json["kind"] == "spend_up_to"
    assert alex.delete(goal_url(h, "Groceries")).status_code == 204
    assert alex.get(goal_url(h, "Groceries")).status_code == 404
    assert alex.delete(goal_url(h, "Groceries")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "yearly", "amount": "10"}, "kind"),
        ({"amount": "10"}, "kind"),
        ({"kind": "monthly"}, "amount"),
        ({"kind": "monthly", "amount": "0"}, "amount"),
        ({"kind": "monthly", "amount": "-1"}, "amount"),
        ({"kind": "monthly", "amount": "1.001"}, "amount"),
        ({"kind": "monthly", "amount": "1e3"}, "amount"),
        ({"kind": "monthly", "amount": 10}, "amount"),
        ({"kind": "monthly", "amount": "10", "by_month": "2025-12"}, "by_month"),
        ({"kind": "target", "amount": "10", "by_month": "2025-13"}, "by_month"),
        ({"kind": "monthly", "amount": "10", "colour": "red"}, "colour"),
    ],
)
def test_a_goal_that_cannot_be_is_refused_at_its_field(alex, household, body, field):
    h = household
    rollover(alex, h, "Vacation")
    response = alex.put(goal_url(h, "Vacation"), json=body)
    assert response.status_code == 422, response.json
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json["errors"]}, response.json
    assert alex.get(goal_url(h, "Vacation")).status_code == 404  # nothing half-written


def test_goals_are_for_expense_categories_and_targets_need_rollover(alex, household):
    h = household
    income = alex.put(goal_url(h, "Salary"), json={"kind": "monthly", "amount": "10"})
    assert income.status_code == 422
    assert income.json["errors"][0]["field"] == "category_id"
    target = {"kind": "target", "amount": "1200", "by_month": "2025-12"}
    refused = alex.put(goal_url(h, "Vacation"), json=target)
    assert refused.status_code == 422
    assert "rollover" in refused.json["errors"][0]["message"]
    rollover(alex, h, "Vacation")
    assert set_goal(alex, h, "Vacation", **target)["by_month"] == "2025-12"
    assert alex.put(f"{h['base']}/categories/99999/goal", json=target).status_code == 404


def test_a_category_with_a_goal_stays_an_expense_one_until_the_goal_goes(alex, household):
    h = household
    set_goal(alex, h, "Fuel", kind="monthly", amount="80")
    url = f"{h['base']}/categories/{h['Fuel']}"
    refused = alex.patch(url, json={"kind": "income"})
    assert refused.status_code == 422
    assert "Remove the goal first" in refused.json["errors"][0]["message"]
    alex.delete(goal_url(h, "Fuel"))
    assert alex.patch(url, json={"kind": "income"}).json["kind"] == "income"


def test_the_month_shows_what_each_goal_needs_and_the_total_to_fund(alex, household):
    h = household
    rollover(alex, h, "Vacation")
    rollover(alex, h, "Emergency fund")
    set_goal(alex, h, "Groceries", kind="monthly", amount="400")
    set_goal(alex, h, "Vacation", kind="target", amount="1000", by_month="2025-05")
    set_goal(alex, h, "Restaurants", kind="spend_up_to", amount="100")
    set_goal(alex, h, "Emergency fund", kind="target", amount="300")
    budget(alex, h, "2025-02", "Vacation", "100")  # carried into March
    budget(alex, h, "2025-03", "Groceries", "150")
    add(alex, h, "2025-03-10", "-120.00", "Restaurants")
    march = lines(month(alex, h, "2025-03"))
    assert march["Groceries"]["goal"] == {
        "kind": "monthly",
        "amount": "400.00",
        "by_month": None,
        "needed": "400.00",
        "underfunded": "250.00",
        "spending_left": None,
    }
    # 900.00 missing over March, April and May.
    assert (march["Vacation"]["goal"]["needed"], march["Vacation"]["goal"]["underfunded"]) == (
        "300.00",
        "300.00",
    )
    assert march["Restaurants"]["goal"]["spending_left"] == "-20.00"  # 20 over the cap
    assert march["Restaurants"]["goal"]["underfunded"] == "0.00"
    assert march["Emergency fund"]["goal"]["underfunded"] == "300.00"
    assert march["Fuel"]["goal"] is None
    assert month(alex, h, "2025-03")["to_fund"] == "850.00"


def test_fill_underfunded_budgets_exactly_what_the_goals_need(alex, household):
    h = household
    rollover(alex, h, "Vacation")
    set_goal(alex, h, "Groceries", kind="monthly", amount="400")
    set_goal(alex, h, "Vacation", kind="target", amount="100", by_month="2025-05")
    set_goal(alex, h, "Restaurants", kind="spend_up_to", amount="100")
    budget(alex, h, "2025-03", "Groceries", "450")  # over the goal: left as it is
    budget(alex, h, "2025-03", "Fuel", "60")  # no goal: left as it is
    filled = alex.post(f"{h['base']}/budgets/2025-03/copy", json={"source": "underfunded"})
    assert filled.status_code == 200 and filled.json == {"changed": 1}
    march = month(alex, h, "2025-03")
    assert march["to_fund"] == "0.00"
    shown = lines(march)
    assert {name: shown[name]["budgeted"] for name in ("Groceries", "Vacation", "Fuel")} == {
        "Groceries": "450.00",
        "Vacation": "33.34",  # 100.00 over three months, rounded up
        "Fuel": "60.00",
    }
    assert shown["Restaurants"]["budgeted"] == "0.00"
    # Month by month, the target is reached exactly.
    for later in ("2025-04", "2025-05"):
        alex.post(f"{h['base']}/budgets/{later}/copy", json={"source": "underfunded"})
    may = lines(month(alex, h, "2025-05"))["Vacation"]
    assert (may["budgeted"], may["available"], may["goal"]["underfunded"]) == (
        "33.33",
        "100.00",
        "0.00",
    )
    again = alex.post(f"{h['base']}/budgets/2025-05/copy", json={"source": "underfunded"})
    assert again.json == {"changed": 0}


def test_viewers_read_goals_and_may_not_set_them(alex, household, make_user, sign_in):
    h = household
    set_goal(alex, h, "Groceries", kind="monthly", amount="400")
    make_user("vera")
    vera = sign_in("vera")
    share(alex, vera, h["book"], "viewer")
    assert vera.get(goal_url(h, "Groceries")).json["amount"] == "400.00"
    body = {"kind": "monthly", "amount": "1"}
    assert vera.put(goal_url(h, "Groceries"), json=body).status_code == 403
    assert vera.delete(goal_url(h, "Groceries")).status_code == 403
    filled = vera.post(f"{h['base']}/budgets/2025-03/copy", json={"source": "underfunded"})
    assert filled.status_code == 403
    assert alex.get(goal_url(h, "Groceries")).json["amount"] == "400.00"


def test_goals_are_in_the_change_feed_and_leave_with_their_category(alex, household):
    h = household
    feed = alex.get(f"{h['base']}/changes").json
    set_goal(alex, h, "Fuel", kind="monthly", amount="80")
    news = alex.get(f"{h['base']}/changes?since={feed['next_cursor']}").json
    assert [(c["kind"], c["id"], c["object"]) for c in news["changes"]] == [
        ("goal", str(h["Fuel"]), alex.get(goal_url(h, "Fuel")).json)
    ]
    alex.delete(f"{h['base']}/categories/{h['Fuel']}")
    gone = alex.get(f"{h['base']}/changes?since={news['next_cursor']}").json["changes"]
    assert ("goal", str(h["Fuel"]), True) in {(c["kind"], c["id"], c["deleted"]) for c in gone}


def test_available_to_budget_is_made_of_parts_that_add_up_to_it(alex, household):
    """Random income and budgets over a year; each month's parts against a sum over them."""
    h = household
    rnd = random.Random(17)  # noqa: S311 (made-up figures)
    income: dict[str, int] = defaultdict(int)
    budgeted: dict[str, int] = defaultdict(int)
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    for _ in range(25):
        when = rnd.choice(months)
        cents = rnd.randint(1, 500_000)
        add(alex, h, f"{when}-1{rnd.randint(0, 9)}", f"{cents / 100:.2f}", "Salary")
        income[when] += cents
    for category in ("Groceries", "Fuel", "Vacation"):
        for when in rnd.sample(months, 5):
            cents = rnd.randint(1, 300_000)
            budget(alex, h, when, category, f"{cents / 100:.2f}")
            budgeted[when] += cents
    for when in months:
        shown = month(alex, h, when)
        parts = {
            name: minor(value, "EUR") for name, value in shown["available_to_budget_parts"].items()
        }
        before = [m for m in months if m < when]
        assert parts == {
            "income_before": sum(income[m] for m in before),
            "budgeted_before": sum(budgeted[m] for m in before),
            "carried_in": sum(income[m] - budgeted[m] for m in before),
            "income": income[when],
            "budgeted": budgeted[when],
            "budgeted_later": sum(budgeted[m] for m in months if m > when),
        }, when
        assert parts["carried_in"] + parts["income"] - parts["budgeted"] == minor(
            shown["available_to_budget"], "EUR"
        )
        assert minor(shown["income"], "EUR") == parts["income"]
