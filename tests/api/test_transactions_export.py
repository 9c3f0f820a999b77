"""Exporting transactions as CSV, with the list's filters."""

from __future__ import annotations

import csv
import io

from server.domain.export import CSV_COLUMNS


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_export_csv_with_the_lists_filters(ledger, eur, cats):
    savings = ledger.account("Savings")
    ledger.add(eur, "-12.50", payee="Corner Shop", memo="bread", category_id=cats[0])
    split = ledger.add(
        eur,
        "-30.00",
        day="2024-03-02",
        payee="=HYPERLINK(evil)",
        memo="weekly",
        splits=[
            {"amount": "-20.00", "category_id": cats[0]},
            {"amount": "-10.00", "category_id": cats[1], "memo": "socks"},
        ],
        tags=["food", "+1"],
    )
    ledger.add(eur, "-100.00", day="2024-03-03", transfer_account_id=savings["id"])
    base = f"{ledger.base}/transactions.csv"

    rows = read_csv(ledger.who.get(base))
    assert [r["amount"] for r in rows] == ["100.00", "-100.00", "-20.00", "-10.00", "-12.50"]
    assert list(rows[0]) == list(CSV_COLUMNS)
    parts = [r for r in rows if r["id"] == str(split["id"])]
    assert [(r["amount"], r["memo"]) for r in parts] == [("-20.00", "weekly"), ("-10.00", "socks")]
    assert parts[0]["payee"] == "'=HYPERLINK(evil)"  # not a formula in a spreadsheet
    assert split["tags"] == ["+1", "food"]
    assert parts[0]["tags"] == "'+1, food"  # in the API's order
    transfer = next(r for r in rows if r["amount"] == "-100.00")
    assert (transfer["account"], transfer["transfer_account"]) == ("Checking", "Savings")

    only = read_csv(ledger.who.get(base, query_string={"q": "bread"}))
    assert [(r["payee"], r["category"].count(": ")) for r in only] == [("Corner Shop", 1)]
    assert read_csv(ledger.who.get(base, query_string={"account_id": savings["id"]}))[0][
        "amount"
    ] == ("100.00")
    bad = ledger.who.get(base, query_string={"amount_min": "lots"})
    assert bad.status_code == 422


def test_export_csv_answers_members_only(ledger, eur, make_user, sign_in):
    make_user("bob")
    assert sign_in("bob").get(f"{ledger.base}/transactions.csv").status_code == 404
