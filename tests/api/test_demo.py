"""The demo book: realistic, consistent, and made in one go."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from click.testing import CliRunner

from server.cli import cli
from server.config import DATA_DIR_ENV
from tests.conftest import PASSWORD


def all_transactions(client, book_id, **filters):
    items, cursor = [], None
    while True:
        query = {"limit": 500, **filters, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/api/v1/books/{book_id}/transactions", query_string=query).json
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_demo_book_over_the_api(alex):
    created = alex.post("/api/v1/demo-books", json={"currency": "EUR"})
    assert created.status_code == 201
    book_id = created.json["id"]
    assert created.json["role"] == "owner"
    accounts = alex.get(f"/api/v1/books/{book_id}/accounts").json["items"]
    assert {a["type"] for a in accounts} == {"checking", "savings", "credit_card", "cash"}
    transactions = all_transactions(alex.client, book_id)
    assert len(transactions) > 400
    days = sorted(date.fromisoformat(t["date"]) for t in transactions)
    assert (days[-1] - days[0]).days > 650  # about two years
    assert any(t["splits"] for t in transactions)
    assert any(t["transfer_id"] for t in transactions)
    for account in accounts:  # every balance is the opening plus an independent sum
        rows = [t for t in transactions if t["account_id"] == account["id"]]
        total = sum(Decimal(t["amount"]) for t in rows)
        assert Decimal(account["balance"]) == Decimal(account["opening_balance"]) + total


def test_demo_book_with_a_bad_currency(alex):
    response = alex.post("/api/v1/demo-books", json={"currency": "XYZ"})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "currency"


def test_demo_command(data_dir, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    runner = CliRunner()
    runner.invoke(cli, ["user", "create", "--username", "sam", "--password-stdin"], input=PASSWORD)
    result = runner.invoke(cli, ["demo", "--username", "sam", "--currency", "usd"])
    assert result.exit_code == 0, result.output
    assert "Demo household" in result.stdout
    assert runner.invoke(cli, ["demo", "--username", "nobody"]).exit_code == 1
