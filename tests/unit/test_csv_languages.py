"""Issue 18's CSV part: European banks' header words, amounts the other way round, and problems
in plain words. Fixtures in tests/fixtures/bankfiles are written as those banks write them
(preamble lines, semicolons, decimal commas, Windows-1252, quoted cells over two lines)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from server.bankfiles.card_signs import charges_look_positive
from server.bankfiles.csv_file import detect_layout, read_rows
from server.bankfiles.dates import DATE_FORMATS, format_words, not_a_date, read_two_ways
from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.files import read_bank_file
from server.bankfiles.header_words import role_of
from server.bankfiles.qif_file import read_qif

FILES = Path(__file__).parents[1] / "fixtures" / "bankfiles"


@pytest.mark.parametrize(
    ("name", "first", "count"),
    [
        (
            "sparkasse_camt.csv",
            (date(2025, 10, 30), "-86.00", "Stadtwerke Münster GmbH", "Strom Abschlag Oktober"),
            3,
        ),
        (
            "dkb_giro.csv",
            (date(2025, 10, 31), "-55.08", "Rundfunk ARD, ZDF, DRadio", "Rundfunk"),
            3,
        ),
        (
            "volksbank_soll_haben.csv",
            (date(2025, 10, 30), "-64.00", "Stadtwerke Gießen AG", "Basislastschrift Abschlag"),
            2,
        ),
        ("ing_nl.csv", (date(2025, 11, 24), "-23.45", "Albert Heijn 1403", "Pasvolgnr: 003"), 2),
        (
            "credit_agricole.csv",
            (
                date(2025, 11, 28),
                "-72.00",
                "PRLV SEPA EDF CLIENTS PARTICULIERS ECH/281125 ID EMETTEUR/FR12ZZZ123456 "
                "MDT/++12345 REF/6789",
                "",
            ),
            3,
        ),
        (
            "santander_es.csv",
            (date(2025, 11, 28), "-58.12", "Recibo Iberdrola Clientes Sau", ""),
            2,
        ),
        (
            "unicredit_it.csv",
            (date(2025, 11, 28), "-37.40", "PAGAMENTO POS ESSELUNGA MILANO", ""),
            2,
        ),
        ("pko_bp.csv", (date(2025, 11, 28), "-45.99", "", "Tytuł: 000498849"), 2),
        ("mbank.csv", (date(2025, 11, 28), "-12.49", "ZABKA Z1234 K.1   WARSZAWA", ""), 2),
    ],
)
def test_european_banks_files_read_with_payee_memo_and_signed_amounts(name, first, count):
    bank_file = read_bank_file((FILES / name).read_bytes())
    assert bank_file.problems == []
    assert len(bank_file.rows) == count
    row = bank_file.rows[0]
    day, amount, payee, memo = first
    assert (row.date, row.amount, row.payee) == (day, Decimal(amount), payee)
    assert row.memo.startswith(memo)


def test_money_in_keeps_its_sign_in_the_soll_haben_and_af_bij_files():
    volksbank = read_bank_file((FILES / "volksbank_soll_haben.csv").read_bytes())
    assert [r.amount for r in volksbank.rows] == [Decimal("-64.00"), Decimal("3118.27")]
    assert volksbank.layout.headers[volksbank.layout.columns["direction"]].strip() == ""
    ing = read_bank_file((FILES / "ing_nl.csv").read_bytes())
    assert [r.amount for r in ing.rows] == [Decimal("-23.45"), Decimal("2500.00")]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Buchungstag", "date"),
        ("Valutadatum", "date"),
        ("Auftraggeber / Begünstigter", "payee"),
        ("Empfänger", "payee"),
        ("Name Zahlungsbeteiligter", "payee"),
        ("Beguenstigter/Zahlungspflichtiger", "payee"),
        ("Verwendungszweck", "memo"),
        ("Betrag (EUR)", "amount"),
        ("Soll", "debit"),
        ("Haben", "credit"),
        ("Umsatz", "amount"),
        ("Date opération", "date"),
        ("Libellé", "payee"),
        ("Montant", "amount"),
        ("Débit euros", "debit"),
        ("Crédit euros", "credit"),
        ("Naam / Omschrijving", "payee"),
        ("Af Bij", "direction"),
        ("Mededelingen", "memo"),
        ("Fecha Operación", "date"),
        ("Concepto", "payee"),
        ("Importe", "amount"),
        ("Cargo", "debit"),
        ("Abono", "credit"),
        ("Data contabile", "date"),
        ("Descrizione", "payee"),
        ("Importo (EUR)", "amount"),
        ("Addebiti", "debit"),
        ("Accrediti", "credit"),
        ("#Data operacji", "date"),
        ("Kwota", "amount"),
        ("Nadawca / Odbiorca", "payee"),
        ("Tytuł", "memo"),
        ("S/H", "direction"),
    ],
)
def test_header_words_of_six_languages(header, role):
    assert role_of(header)[0] == role


def test_the_booking_date_wins_over_the_value_date_whatever_comes_first():
    text = (
        "Valuta;Buchungstag;Buchungstext;Verwendungszweck;Betrag\n01.10.2025;30.09.2025;X;Y;-1,00\n"
    )
    layout = detect_layout(text)
    assert layout.columns["date"] == 1
    assert layout.columns["memo"] == 3  # the purpose, not the kind of booking


def test_reversed_amounts_flip_every_sign_also_of_debit_and_credit_columns():
    text = "Date,Description,Money out,Money in\n2025-11-03,SHOP,12.40,\n2025-11-04,REFUND,,5.00\n"
    layout = replace(detect_layout(text), amounts_reversed=True)
    rows, _ = read_rows(text, layout)
    assert [r.amount for r in rows] == [Decimal("12.40"), Decimal("-5.00")]
    amex = read_bank_file((FILES / "amex.csv").read_bytes(), amounts_reversed=True)
    assert [r.amount for r in amex.rows] == [
        Decimal("-84.12"),
        Decimal("-23.99"),
        Decimal("512.40"),
    ]
    assert amex.layout.amounts_reversed and amex.charges_positive is None


@pytest.mark.parametrize("name", ["amex.csv", "discover.csv"])
def test_a_card_file_with_charges_positive_says_why(name):
    bank_file = read_bank_file((FILES / name).read_bytes())
    assert bank_file.charges_positive == (
        "2 of the 3 amounts are positive: on a card, charges are money out, so this file "
        "seems to write them the other way round."
    )


def test_a_type_column_settles_it_either_way():
    chase = read_bank_file((FILES / "chase_card.csv").read_bytes())
    assert chase.charges_positive is None  # Sale negative, Payment positive: signs are right
    positive_sales = (
        "Transaction Date,Description,Type,Amount\n"
        "11/28/2025,TRADER JOE S,Sale,38.17\n"
        "11/20/2025,Payment Thank You,Payment,-600.00\n"
        "11/19/2025,Refund,Return,-10.00\n"
    )
    bank_file = read_bank_file(positive_sales.encode())
    assert bank_file.charges_positive.startswith("Lines whose Type is Sale or Purchase have")
    layout = detect_layout(positive_sales)
    rows, _ = read_rows(positive_sales, layout)
    assert charges_look_positive(positive_sales, layout, rows) == bank_file.charges_positive


def test_money_in_and_out_columns_are_never_suspected():
    uk = "Date,Description,Money out,Money in\n2025-11-03,SHOP,12.40,\n2025-11-04,X,3.00,\n"
    assert read_bank_file(uk.encode()).charges_positive is None


@pytest.mark.parametrize(
    "data",
    [
        b"!Type:Bank\nD01/15/2025\nT-1.00\nPGood\n^\n",
        b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX></OFX>",
    ],
)
def test_reversal_is_refused_for_files_that_state_their_signs(data):
    with pytest.raises(ImportProblem, match="only a CSV file's amounts can be reversed") as found:
        read_bank_file(data, amounts_reversed=True)
    assert found.value.field == "amounts_reversed"


@pytest.mark.parametrize(
    ("written", "date_format", "message"),
    [
        ("31.11.2026", "%d.%m.%Y", "31.11.2026 is not a date."),
        (
            "2026-13-01",
            "%d.%m.%Y",
            "2026-13-01 is not a date written day.month.year (like 31.12.2026).",
        ),
        ("13/45/2025", "%m/%d/%Y", "13/45/2025 is not a date."),
        ("", "%Y-%m-%d", "The line has no date."),
        (
            "tomorrow",
            "%b %d, %Y",
            "tomorrow is not a date written month's name, day, year (like Dec 31, 2026).",
        ),
    ],
)
def test_date_problems_in_words(written, date_format, message):
    assert not_a_date(written, date_format) == message


def test_no_format_code_reaches_a_person():
    for date_format in DATE_FORMATS:
        assert "%" not in format_words(date_format)
    assert read_two_ways(("%d/%m/%Y", "%m/%d/%Y")) == (
        "The dates can be read as day/month/year (like 31/12/2026) or month/day/year "
        "(like 12/31/2026)"
    )
    text = "Buchungstag;Empfänger;Betrag\n31.10.2025;A;-1,00\n31.11.2025;B;-2,00\n"
    _, problems = read_rows(text, detect_layout(text))
    assert [(p.line, p.message) for p in problems] == [(3, "31.11.2025 is not a date.")]
    qif = read_qif("!Type:Bank\nD10/31/2025\nT-1.00\n^\nD2025-13-01\nT-2.00\n^\n")
    assert [p.message for p in qif.problems] == [
        "2025-13-01 is not a date written month/day/year (like 12/31/2026)."
    ]
    with pytest.raises(ImportProblem, match="not written day/month/year") as refused:
        read_bank_file(text.encode(), date_format="%d.%m.%Y").layout.with_date_format("%d/%m/%Y")
    assert "%" not in str(refused.value)
