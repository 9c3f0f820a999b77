"""Issue 18's CSV choices over the API: amounts reversed (suggested for a card, kept in the
account's preset), importing the good lines and skipping the unreadable ones, dates in words."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest

FILES = Path(__file__).parents[1] / "fixtures" / "bankfiles"
BROKEN = (
    "Buchungstag;Empfänger;Verwendungszweck;Betrag\n"
    "30.11.2026;Bäckerei Kühn;Brötchen;-3,80\n"
    "31.11.2026;Stadtwerke;Abschlag;-86,00\n"
    "28.11.2026;Arbeitgeber;Gehalt;2.834,50\n"
    "27.11.2026;REWE;Einkauf;viel\n"
    "26.11.2026;Apotheke;;-12,00\n"
)


def new_account(alex, kind: str, currency: str = "USD") -> tuple[str, int]:
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    made = alex.post(
        f"/api/v1/books/{book}/accounts",
        json={"name": kind.title(), "type": kind, "currency": currency},
    )
    assert made.status_code == 201, made.json
    return f"/api/v1/books/{book}", made.json["id"]


def body(account_id: int, data: bytes, **choices) -> dict:
    content = base64.b64encode(data).decode()
    return {"account_id": account_id, "file_name": "card.csv", "content": content, **choices}


def test_a_card_file_with_charges_positive_is_suggested_reversed_and_remembered(alex):
    book, card = new_account(alex, "credit_card")
    amex = (FILES / "amex.csv").read_bytes()
    first = alex.post(book + "/imports/preview", json=body(card, amex))
    assert first.status_code == 200, first.json
    assert first.json["reversal_suggested"].startswith("2 of the 3 amounts are positive")
    assert first.json["layout"]["amounts_reversed"] is False
    assert [r["amount"] for r in first.json["rows"]] == ["84.12", "23.99", "-512.40"]

    reversed_ = alex.post(book + "/imports/preview", json=body(card, amex, amounts_reversed=True))
    assert reversed_.json["reversal_suggested"] is None
    assert [r["amount"] for r in reversed_.json["rows"]] == ["-84.12", "-23.99", "512.40"]
    made = alex.post(book + "/imports", json=body(card, amex, amounts_reversed=True))
    assert made.status_code == 201, made.json
    assert alex.get(f"{book}/accounts/{card}").json["balance"] == "404.29"  # paid more than spent

    # The card's next statement, same layout, reads the same way without being told.
    december = (
        b"Date,Description,Card Member,Account #,Amount\n12/02/2025,SHELL,JANE DOE,-41003,40.00\n"
    )
    preset = alex.post(book + "/imports/preview", json=body(card, december))
    assert preset.json["layout"]["amounts_reversed"] is True
    assert [r["amount"] for r in preset.json["rows"]] == ["-40.00"]
    assert preset.json["reversal_suggested"] is None
    # ... unless the person says otherwise for this file.
    told = alex.post(book + "/imports/preview", json=body(card, december, amounts_reversed=False))
    assert [r["amount"] for r in told.json["rows"]] == ["40.00"]


def test_a_checking_account_is_not_told_to_reverse(alex):
    book, checking = new_account(alex, "checking")
    amex = (FILES / "amex.csv").read_bytes()
    preview = alex.post(book + "/imports/preview", json=body(checking, amex))
    assert preview.json["reversal_suggested"] is None


@pytest.mark.parametrize(
    "data",
    [
        b"!Type:Bank\nD01/15/2025\nT-1.00\nPGood\n^\n",
        b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX></OFX>",
    ],
)
def test_reversing_an_ofx_or_qif_file_is_refused_at_the_choice(alex, data):
    book, card = new_account(alex, "credit_card")
    for path in ("/imports/preview", "/imports"):
        refused = alex.post(book + path, json=body(card, data, amounts_reversed=True))
        assert refused.status_code == 422
        (error,) = refused.json["errors"]
        assert error["field"] == "amounts_reversed"
        assert "only a CSV file's amounts can be reversed" in error["message"]


def test_unreadable_lines_refuse_the_file_unless_skipping_them_is_chosen(alex):
    book, checking = new_account(alex, "checking", "EUR")
    data = BROKEN.encode("cp1252")
    preview = alex.post(book + "/imports/preview", json=body(checking, data))
    assert [(p["line"], p["message"]) for p in preview.json["problems"]] == [
        (3, "31.11.2026 is not a date."),
        (5, "The amount 'viel' is not a number."),
    ]
    refused = alex.post(book + "/imports", json=body(checking, data))
    assert refused.status_code == 422
    assert [e["message"] for e in refused.json["errors"]] == [
        "Line 3: 31.11.2026 is not a date.",
        "Line 5: The amount 'viel' is not a number.",
    ]
    assert alex.get(book + "/imports").json["items"] == []

    made = alex.post(book + "/imports", json=body(checking, data, skip_unreadable=True))
    assert made.status_code == 201, made.json
    assert (made.json["added"], made.json["skipped"]) == (3, 0)
    skipped = [
        {"line": 3, "message": "31.11.2026 is not a date."},
        {"line": 5, "message": "The amount 'viel' is not a number."},
    ]
    assert made.json["unreadable"] == skipped
    assert alex.get(book + "/imports").json["items"][0]["unreadable"] == skipped
    assert alex.get(f"{book}/accounts/{checking}").json["balance"] == "2818.70"


def test_skipping_in_the_background_keeps_the_skipped_lines_too(alex):
    book, checking = new_account(alex, "checking", "EUR")
    data = BROKEN.encode("utf-8")
    job = alex.post(
        book + "/imports",
        json=body(checking, data, skip_unreadable=True),
        headers={"Prefer": "respond-async"},
    )
    assert job.status_code == 202, job.json
    for _ in range(200):
        state = alex.get(job.headers["Location"]).json
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert state["state"] == "done", state
    assert [p["line"] for p in state["import"]["unreadable"]] == [3, 5]
    refused = alex.post(
        book + "/imports", json=body(checking, data), headers={"Prefer": "respond-async"}
    )
    assert refused.status_code == 422  # said at once, as before


def test_a_file_with_no_readable_line_is_refused_even_when_skipping(alex):
    book, checking = new_account(alex, "checking", "EUR")
    data = "Buchungstag;Empfänger;Betrag\n30.11.2026;A;viel\n29.11.2026;B;lots\n".encode()
    refused = alex.post(book + "/imports", json=body(checking, data, skip_unreadable=True))
    assert refused.status_code == 422
    assert refused.json["errors"][0] == {
        "field": "content",
        "message": "No line of the file can be read: nothing to import.",
    }


def test_the_date_choice_comes_in_words_with_examples(alex):
    book, checking = new_account(alex, "checking", "GBP")
    uk = b"Date,Description,Amount\n03/04/2025,TESCO,-12.40\n02/04/2025,SALARY,2100.00\n"
    preview = alex.post(book + "/imports/preview", json=body(checking, uk))
    assert preview.json["date_format_words"] == {
        "%d/%m/%Y": "day/month/year (like 31/12/2026)",
        "%m/%d/%Y": "month/day/year (like 12/31/2026)",
    }
    refused = alex.post(book + "/imports", json=body(checking, uk))
    assert refused.json["errors"][0]["field"] == "date_format"
    assert "%" not in refused.json["errors"][0]["message"]
