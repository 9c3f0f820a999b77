"""Reports over the API: every figure against an independent sum over the raw rows."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest

from server.domain.money import format_amount
from tests.api.conftest import BOOKS, post

START, END = "2000-01", "2099-12"


@pytest.fixture
def demo(alex) -> int:
    """The demo book (two years: salary, bills, a card paid off, transfers, a split, tags),
    with a dollar account and a mixed-sign split added."""
    book = post(alex, "/api/v1/demo-books", {"currency": "EUR"})["id"]
    base = f"{BOOKS}/{book}"
    dollars = post(alex, base + "/accounts", {"name": "Dollars", "type": "cash", "currency": "USD"})
    cats = {c["name"]: c["id"] for c in alex.get(base + "/categories").json["items"]}
    post(
        alex,
        base + "/transactions",
        {
            "account_id": dollars["id"],
            "date": "2025-06-03",
            "amount": "-80.00",
            "payee": "Outlet",
            "tags": ["trip"],
            "splits": [
                {"amount": "-100.00", "category_id": cats["Clothing"]},
                {"amount": "20.00", "category_id": cats["Other income"]},
            ],
        },
    )
    post(
        alex,
        base + "/transactions",
        {"account_id": dollars["id"], "date": "2025-06-04", "amount": "12.00", "payee": "Found"},
    )
    return book


def raw_shares(database, book: int) -> list[dict]:
    """Each transaction's money where it counts, straight from the rows: its parts if split,
    else itself; with its account's currency, its category's kind and its tags."""
    shares = []
    with database.read() as conn:
        kinds = dict(conn.execute("SELECT id, kind FROM categories WHERE book_id = ?", [book]))
        for t in conn.execute(
            "SELECT t.*, a.currency FROM transactions t JOIN accounts a ON a.id = t.account_id "
            "WHERE t.book_id = ?",
            [book],
        ).fetchall():
            parts = conn.execute(
                "SELECT category_id, amount FROM splits WHERE transaction_id = ?", [t["id"]]
            ).fetchall()
            tags = {
                r[0]
                for r in conn.execute(
                    "SELECT tag_id FROM transaction_tags WHERE transaction_id = ?", [t["id"]]
                )
            }
            for category, amount in parts or [(t["category_id"], t["amount"])]:
                shares.append(
                    {
                        "account": t["account_id"],
                        "currency": t["currency"],
                        "month": t["date"][:7],
                        "category": category,
                        "kind": kinds.get(category),
                        "transfer": t["transfer_id"] is not None,
                        "amount": amount,
                        "tags": tags,
                    }
                )
    return shares


def spent(share: dict) -> int:
    if share["transfer"]:
        return 0
    if share["category"] is None:
        return -min(share["amount"], 0)
    return -share["amount"] if share["kind"] == "expense" else 0


def earned(share: dict) -> int:
    if share["transfer"]:
        return 0
    if share["category"] is None:
        return max(share["amount"], 0)
    return share["amount"] if share["kind"] == "income" else 0


def report(alex, book: int, name: str, **params) -> dict:
    response = alex.get(
        f"{BOOKS}/{book}/reports/{name}", query_string={"start": START, "end": END, **params}
    )
    assert response.status_code == 200, response.json
    return response.json


def minor(text: str, currency: str) -> int:
    return int(Decimal(text).scaleb({"EUR": 2, "USD": 2, "JPY": 0}[currency]))


@pytest.mark.parametrize(
    "filters",
    [{}, {"tag": "food"}, {"tag": "trip"}, {"months": ("2025-01", "2025-06")}, {"account": 0}],
)
def test_spending_and_income_match_a_sum_over_the_rows(alex, demo, database, filters):
    shares = raw_shares(database, demo)
    params: dict = {}
    if "tag" in filters:
        tags = {t["name"]: t["id"] for t in alex.get(f"{BOOKS}/{demo}/tags").json["items"]}
        params["tag_id"] = tags[filters["tag"]]
        shares = [s for s in shares if tags[filters["tag"]] in s["tags"]]
    if "months" in filters:
        params["start"], params["end"] = filters["months"]
        shares = [s for s in shares if params["start"] <= s["month"] <= params["end"]]
    if "account" in filters:
        params["account_id"] = sorted({s["account"] for s in shares})[filters["account"]]
        shares = [s for s in shares if s["account"] == params["account_id"]]
    assert shares

    expected: dict = defaultdict(lambda: defaultdict(int))
    for share in shares:
        expected[share["currency"]][share["category"]] += spent(share)
    got = report(alex, demo, "spending", **params)["parts"]
    assert {
        part["currency"]: {
            c["category_id"]: minor(c["amount"], part["currency"])
            for g in part["groups"]
            for c in g["categories"]
        }
        for part in got
    } == {
        c: {k: v for k, v in cats.items() if v}
        for c, cats in expected.items()
        if any(cats.values())
    }
    for part in got:  # groups and the total add up
        assert minor(part["total"], part["currency"]) == sum(
            minor(g["amount"], part["currency"]) for g in part["groups"]
        )

    flows: dict = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for share in shares:
        flows[share["currency"]][share["month"]][0] += earned(share)
        flows[share["currency"]][share["month"]][1] += spent(share)
    months = report(alex, demo, "income-expense", **params)["parts"]
    for part in months:
        by_month = {
            m["month"]: [minor(m[k], part["currency"]) for k in ("income", "expense")]
            for m in part["months"]
            if m["income"] not in ("0.00", "0") or m["expense"] not in ("0.00", "0")
        }
        assert by_month == {m: v for m, v in flows[part["currency"]].items() if any(v)}, part[
            "currency"
        ]


def test_net_worth_and_cash_flow_match_the_balances(alex, demo, database):
    accounts = alex.get(f"{BOOKS}/{demo}/accounts").json["items"]
    shares = raw_shares(database, demo)
    worth = report(alex, demo, "net-worth", start="2020-01", end="2030-12")["parts"]
    flow = report(alex, demo, "cash-flow", start="2020-01", end="2030-12")["parts"]
    assert [p["currency"] for p in worth] == ["EUR", "USD"]
    for part, cash in zip(worth, flow, strict=True):
        currency = part["currency"]
        mine = [a for a in accounts if a["currency"] == currency]
        # The last month's net worth is today's balances, summed.
        assert minor(part["months"][-1]["amount"], currency) == sum(
            minor(a["balance"], currency) for a in mine
        )
        openings = [(minor(a["opening_balance"], currency), a["opening_date"][:7]) for a in mine]
        previous = 0
        for month, flows in zip(part["months"], cash["months"], strict=True):
            opened_now = sum(amount for amount, opened in openings if opened == month["month"])
            expected = sum(amount for amount, opened in openings if opened <= month["month"])
            expected += sum(
                s["amount"]
                for s in shares
                if s["currency"] == currency and s["month"] <= month["month"]
            )
            assert minor(month["amount"], currency) == expected, month
            # Cash flow: in, out and transfers explain each month's change of balance.
            assert flows["balance"] == month["amount"]
            assert minor(flows["net"], currency) + opened_now == expected - previous
            previous = expected


def test_a_small_book_gives_the_figures_a_person_expects(alex):
    book = post(alex, BOOKS, {"name": "Small", "currency": "EUR"})["id"]
    base = f"{BOOKS}/{book}"
    checking = post(alex, base + "/accounts", {"name": "Checking", "type": "checking"})["id"]
    savings = post(alex, base + "/accounts", {"name": "Savings", "type": "savings"})["id"]
    cats = {c["name"]: c["id"] for c in alex.get(base + "/categories").json["items"]}

    def add(day, amount, **more):
        post(
            alex,
            base + "/transactions",
            {"account_id": checking, "date": day, "amount": amount, **more},
        )

    add("2025-03-01", "2500.00", category_id=cats["Salary"])
    add("2025-03-02", "-120.00", category_id=cats["Groceries"])
    add("2025-03-09", "20.00", category_id=cats["Groceries"])  # a refund
    add("2025-03-10", "-45.50")  # uncategorized
    add("2025-03-15", "-500.00", transfer_account_id=savings)
    add("2025-04-01", "-30.00", category_id=cats["Restaurants"])

    spending = report(alex, book, "spending", start="2025-03", end="2025-04")["parts"]
    (eur,) = spending
    assert eur["total"] == "175.50"
    flat = {c["name"]: c["amount"] for g in eur["groups"] for c in g["categories"]}
    assert flat == {"Groceries": "100.00", "Uncategorized": "45.50", "Restaurants": "30.00"}
    assert [g["name"] for g in eur["groups"]] == ["Food", "Uncategorized"]  # largest first

    (ie,) = report(alex, book, "income-expense", start="2025-03", end="2025-05")["parts"]
    assert [(m["month"], m["income"], m["expense"], m["net"]) for m in ie["months"]] == [
        ("2025-03", "2500.00", "145.50", "2354.50"),
        ("2025-04", "0.00", "30.00", "-30.00"),
        ("2025-05", "0.00", "0.00", "0.00"),
    ]
    (cf,) = report(alex, book, "cash-flow", start="2025-03", end="2025-04")["parts"]
    assert cf["months"][0] == {
        "month": "2025-03",
        "money_in": "2520.00",
        "money_out": "-165.50",
        "transfers": "0.00",  # both sides are in the book
        "net": "2354.50",
        "balance": "2354.50",
    }
    (only_checking,) = report(
        alex, book, "cash-flow", start="2025-03", end="2025-03", account_id=checking
    )["parts"]
    assert only_checking["months"][0]["transfers"] == "-500.00"
    assert only_checking["months"][0]["balance"] == "1854.50"
    groceries = report(
        alex, book, "cash-flow", start="2025-03", end="2025-03", category_id=cats["Groceries"]
    )["parts"][0]["months"][0]
    assert (groceries["money_in"], groceries["money_out"], groceries["balance"]) == (
        "20.00",
        "-120.00",
        None,
    )
    uncategorized = report(alex, book, "spending", start="2025-03", end="2025-04", category_id=0)
    assert uncategorized["parts"][0]["total"] == "45.50"


def test_reports_download_as_csv(alex, demo):
    response = alex.get(
        f"{BOOKS}/{demo}/reports/income-expense",
        query_string={"start": "2025-01", "end": "2025-03", "format": "csv"},
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0] == ["currency", "month", "income", "expense", "net"]
    assert [line[:2] for line in lines[1:4]] == [
        ["EUR", "2025-01"],
        ["EUR", "2025-02"],
        ["EUR", "2025-03"],
    ]
    for name in ("spending", "net-worth", "cash-flow"):
        got = alex.get(f"{BOOKS}/{demo}/reports/{name}", query_string={"format": "csv"})
        assert got.status_code == 200 and got.mimetype == "text/csv"
        assert len(got.get_data(as_text=True).splitlines()) > 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2025-13"}, "start"),
        ({"start": "2025-3"}, "start"),
        ({"end": "2025-xx"}, "end"),
        ({"start": "2025-01", "end": "2025-0²"}, "end"),  # a digit, but not 0-9
        ({"start": "2025-05", "end": "2025-04"}, "end"),
        ({"start": "1900-01", "end": "2200-01"}, "end"),
        ({"account_id": 99999}, "account_id"),
        ({"category_id": 99999}, "category_id"),
        ({"tag_id": 99999}, "tag_id"),
    ],
)
def test_filters_that_cannot_be_right_are_refused_at_their_field(alex, demo, params, field):
    for name in ("spending", "income-expense", "net-worth", "cash-flow"):
        response = alex.get(f"{BOOKS}/{demo}/reports/{name}", query_string=params)
        assert response.status_code == 422, (name, response.json)
        assert field in {e["field"] for e in response.json["errors"]}


def test_the_last_possible_months_answer_at_once(alex, demo):
    for name in ("spending", "income-expense", "net-worth", "cash-flow"):
        response = alex.get(
            f"{BOOKS}/{demo}/reports/{name}", query_string={"start": "9998-01", "end": "9999-12"}
        )
        assert response.status_code == 200, response.json
    months = report(alex, demo, "net-worth", start="9999-11", end="9999-12")["parts"][0]
    assert [m["month"] for m in months["months"]] == ["9999-11", "9999-12"]


def test_a_default_period_is_the_last_twelve_months(alex, demo):
    got = report_default = alex.get(f"{BOOKS}/{demo}/reports/net-worth").json
    assert len(got["parts"][0]["months"]) == 12
    assert report_default["end"] >= "2026-01"


def test_other_books_accounts_and_people_stay_out(alex, demo, make_user, sign_in):
    make_user("bob")
    bob = sign_in("bob")
    assert bob.get(f"{BOOKS}/{demo}/reports/spending").status_code == 404
    other = post(alex, BOOKS, {"name": "Other", "currency": "EUR"})["id"]
    theirs = post(alex, f"{BOOKS}/{other}/accounts", {"name": "X", "type": "cash"})["id"]
    response = alex.get(f"{BOOKS}/{demo}/reports/spending", query_string={"account_id": theirs})
    assert response.status_code == 422


def test_amounts_are_never_added_across_currencies(alex, demo):
    parts = report(alex, demo, "spending")["parts"]
    usd = next(p for p in parts if p["currency"] == "USD")
    assert format_amount(10000, "USD") in {
        c["amount"] for g in usd["groups"] for c in g["categories"]
    }  # the clothing part of the split, on its own
