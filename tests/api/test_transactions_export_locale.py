"""The transactions CSV in a locale's conventions: German Excel opens it in columns, as numbers
and dates, and it reads back to exactly what the book holds."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest


def export(ledger, **query) -> bytes:
    response = ledger.who.get(f"{ledger.base}/transactions.csv", query_string=query)
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return response.data


def test_german_csv_is_what_german_excel_reads_and_reads_back_exactly(ledger, eur, cats):
    ledger.add(eur, "-1234.56", day="2024-03-01", payee="Müller; Söhne", category_id=cats[0])
    ledger.add(eur, "2500.00", day="2024-12-31", payee="Arbeitgeber", memo='Lohn "Dez"')
    ledger.add(eur, "-0.05", day="2025-01-02", payee="Bäckerei")
    data = export(ledger, locale="de")
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the mark
    text = data.decode("utf-8")[1:]
    assert text.splitlines()[0].startswith("id;date;account;payee;")  # semicolons: its columns
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [(r["date"], r["amount"], r["payee"]) for r in rows] == [
        ("02.01.2025", "-0,05", "Bäckerei"),
        ("31.12.2024", "2500,00", "Arbeitgeber"),
        ("01.03.2024", "-1234,56", "Müller; Söhne"),  # no thousands mark: Excel reads a number
    ]
    # Read back the way German Excel does: day first, decimal comma; exactly the book's rows.
    plain = list(csv.DictReader(io.StringIO(export(ledger).decode("utf-8-sig"))))
    for german, original in zip(rows, plain, strict=True):
        assert datetime.strptime(german["date"], "%d.%m.%Y").date().isoformat() == original["date"]
        assert Decimal(german["amount"].replace(",", ".")) == Decimal(original["amount"])
        assert {k: v for k, v in german.items() if k not in ("date", "amount")} == {
            k: v for k, v in original.items() if k not in ("date", "amount")
        }


@pytest.mark.parametrize(
    ("locale", "first_line"),
    [
        ("de-AT", "1;01.03.2024;Checking;Shop;;;-12,50;EUR;uncleared;;"),
        ("fr", "1;01/03/2024;Checking;Shop;;;-12,50;EUR;uncleared;;"),
        ("en-US", "1,3/1/2024,Checking,Shop,,,-12.50,EUR,uncleared,,"),
        ("en_GB", "1,01/03/2024,Checking,Shop,,,-12.50,EUR,uncleared,,"),  # as browsers write it
        ("zh-CN", "1,2024/3/1,Checking,Shop,,,-12.50,EUR,uncleared,,"),
    ],
)
def test_each_locale_has_its_own_conventions(ledger, eur, locale, first_line):
    ledger.add(eur, "-12.50", day="2024-03-01", payee="Shop")
    assert export(ledger, locale=locale).decode("utf-8-sig").splitlines()[1] == first_line


@pytest.mark.parametrize("locale", ["xx-YY", "not a locale", "de-" + "x" * 40])
def test_an_unknown_locale_is_named(ledger, eur, locale):
    response = ledger.who.get(f"{ledger.base}/transactions.csv", query_string={"locale": locale})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["locale"]
