"""Reading banks' CSV exports: layouts written after real banks' files, and bad input."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.bankfiles.csv_file import Layout, detect_layout, parse_amount, read_rows
from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.text import decode

US_CHECKING = (
    "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\r\n"
    'DEBIT,11/03/2025,"CORNER GROCER #114  SPRINGFIELD",-54.21,DEBIT_CARD,2145.79,,\r\n'
    'CREDIT,10/31/2025,ACME CORP PAYROLL,"3,200.00",ACH_CREDIT,2200.00,,\r\n'
    "DEBIT,10/28/2025,CHECK 1042,-150.00,CHECK_PAID,-1000.00,1042,\r\n"
)

GERMAN_SAVINGS = (
    "Umsätze Girokonto;;;;;;\r\n"
    "Kontonummer:;DE12 3456 7890 1234 5678 90;;;;;\r\n"
    "Zeitraum:;01.10.2025 - 31.10.2025;;;;;\r\n"
    ";;;;;;\r\n"
    "Buchungstag;Valutadatum;Buchungstext;Verwendungszweck;Begünstigter/Zahlungspflichtiger;"
    "Betrag;Währung\r\n"
    '30.10.25;30.10.25;Lastschrift;"Miete Oktober; Wohnung 3";Müller Immobilien;'
    "-1.150,00;EUR\r\n"
    "15.10.25;15.10.25;Gutschrift;Gehalt;Schön & Söhne GmbH;2.834,5;EUR\r\n"
    "02.10.25;02.10.25;Kartenzahlung;;Bäckerei Kühn;-3,80;EUR\r\n"
)

UK_DEBIT_CREDIT = (
    "Date,Description,Money out,Money in,Balance\n"
    "03/04/2025,TESCO STORES 2231,12.40,,988.60\n"
    "02/04/2025,SALARY APRIL,,2100.00,1001.00\n"
    "01/04/2025,TFL TRAVEL,4.20,,-1099.00\n"
)

DUTCH_DIRECTION = (
    '"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij",'
    '"Bedrag (EUR)","Mutatiesoort","Mededelingen"\n'
    '"20251124","Albert Heijn 1234","NL01INGB0001234567","","BA","Af","23,45",'
    '"Betaalautomaat","Pasvolgnr: 001"\n'
    '"20251123","Werkgever BV","NL01INGB0001234567","NL02RABO0123456789","OV","Bij",'
    '"2.500,00","Overschrijving","Salaris november"\n'
)


def read(data: bytes | str) -> tuple[Layout, list, list]:
    text, _ = decode(data.encode("utf-8") if isinstance(data, str) else data)
    layout = detect_layout(text)
    if layout.ambiguous_dates:
        return layout, [], []
    rows, problems = read_rows(text, layout)
    return layout, rows, problems


def test_us_checking_with_signed_amounts_and_thousands():
    layout, rows, problems = read(US_CHECKING)
    assert layout.delimiter == "," and layout.date_formats == ("%m/%d/%Y",)
    assert problems == []
    assert [(r.date, r.amount, r.payee) for r in rows] == [
        (date(2025, 11, 3), Decimal("-54.21"), "CORNER GROCER #114  SPRINGFIELD"),
        (date(2025, 10, 31), Decimal("3200.00"), "ACME CORP PAYROLL"),
        (date(2025, 10, 28), Decimal("-150.00"), "CHECK 1042"),
    ]


def test_german_semicolons_preamble_decimal_comma_in_cp1252():
    layout, rows, problems = read(GERMAN_SAVINGS.encode("cp1252"))
    assert layout.delimiter == ";" and layout.header_line == 5
    assert layout.decimal_mark == "," and layout.date_formats == ("%d.%m.%y",)
    assert problems == []
    assert [(r.date, r.amount, r.payee, r.memo) for r in rows] == [
        (date(2025, 10, 30), Decimal("-1150.00"), "Müller Immobilien", "Miete Oktober; Wohnung 3"),
        (date(2025, 10, 15), Decimal("2834.5"), "Schön & Söhne GmbH", "Gehalt"),
        (date(2025, 10, 2), Decimal("-3.80"), "Bäckerei Kühn", ""),
    ]
    assert decode(GERMAN_SAVINGS.encode("utf-8-sig"))[1] == "utf-8-sig"
    assert decode(GERMAN_SAVINGS.encode("cp1252"))[1] == "cp1252"


def test_debit_and_credit_columns_with_dates_that_need_a_choice():
    layout, rows, _ = read(UK_DEBIT_CREDIT)
    assert layout.ambiguous_dates
    assert set(layout.date_formats) == {"%d/%m/%Y", "%m/%d/%Y"}
    with pytest.raises(ImportProblem, match="choose one"):
        read_rows(decode(UK_DEBIT_CREDIT.encode())[0], layout)
    british = layout.with_date_format("%d/%m/%Y")
    rows, problems = read_rows(decode(UK_DEBIT_CREDIT.encode())[0], british)
    assert problems == []
    assert [(r.date, r.amount) for r in rows] == [
        (date(2025, 4, 3), Decimal("-12.40")),
        (date(2025, 4, 2), Decimal("2100.00")),
        (date(2025, 4, 1), Decimal("-4.20")),
    ]
    with pytest.raises(ImportProblem):
        layout.with_date_format("%Y-%m-%d")


def test_an_amount_with_a_direction_column():
    layout, rows, problems = read(DUTCH_DIRECTION)
    assert layout.date_formats == ("%Y%m%d",) and layout.decimal_mark == ","
    assert problems == []
    assert [(r.amount, r.payee, r.memo) for r in rows] == [
        (Decimal("-23.45"), "Albert Heijn 1234", "Pasvolgnr: 001"),
        (Decimal("2500.00"), "Werkgever BV", "Salaris november"),
    ]


def test_lines_that_cannot_be_read_are_named_and_the_rest_kept():
    text = US_CHECKING + "DEBIT,13/45/2025,BROKEN DATE,-1.00,DEBIT_CARD,0,,\r\n"
    text += "DEBIT,11/04/2025,BROKEN AMOUNT,abc,DEBIT_CARD,0,,\r\n"
    _, rows, problems = read(text)
    assert len(rows) == 3
    assert [(p.line, p.message) for p in problems] == [
        (5, "13/45/2025 is not a date."),
        (6, "The amount 'abc' is not a number."),
    ]


@pytest.mark.parametrize(
    ("raw", "mark", "value"),
    [
        ("1,234.56", ".", "1234.56"),
        ("1.234,56", ",", "1234.56"),
        ("(12.50)", ".", "-12.50"),
        ("12.50-", ".", "-12.50"),
        ("12.50 CR", ".", "12.50"),
        ("12.50DR", ".", "-12.50"),
        ("€ 1 234,50", ",", "1234.50"),
        ("-$7", ".", "-7"),
        ("USD 3.10", ".", "3.10"),
        ("1'234.50", ".", "1234.50"),
        ("", ".", None),
    ],
)
def test_amounts_as_banks_write_them(raw, mark, value):
    assert parse_amount(raw, mark) == (None if value is None else Decimal(value))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "not a text file"),
        (b"just one line of words", "No columns"),
        (b"a,b,c\n1,2,3\n4,5,6\n", "No header row"),
        (b"Date,Payee\n2025-01-01,Shop\n", "No amount column"),
        (b"Amount,Payee\n1.00,Shop\n", "No date column"),
        (b"Date,Amount\nsometime,1.00\n", "format Tallybook does not know"),
        (b'Date,Amount\n2025-01-01,"1.00\n', "not valid CSV"),
    ],
)
def test_bad_files_get_a_message_naming_the_problem(data, message):
    with pytest.raises(ImportProblem, match=message):
        read(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_rows_or_an_import_problem(data):
    with contextlib.suppress(ImportProblem):
        read(data)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["Date", "Amount", "Payee", "2025-01-02", "1,5", "x", "", '"']),
            max_size=6,
        ),
        max_size=12,
    ),
    st.sampled_from([",", ";", "\t"]),
)
def test_csv_like_text_gives_rows_or_an_import_problem(lines, delimiter):
    text = "\n".join(delimiter.join(cells) for cells in lines)
    with contextlib.suppress(ImportProblem):
        read(text)
