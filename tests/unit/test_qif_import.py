"""Reading QIF files as Quicken and banks write them, and refusing what is not one."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.imports.problems import ImportProblem
from server.imports.qif_file import looks_like_qif, read_qif

QUICKEN_BANK = (
    "!Type:Bank\r\n"
    "D11/03'25\r\n"
    "T-54.21\r\n"
    "CX\r\n"
    "PCORNER GROCER #114\r\n"
    "LFood:Groceries\r\n"
    "^\r\n"
    "D10/31'25\r\n"
    "U3,200.00\r\n"
    "T3,200.00\r\n"
    "PACME CORP PAYROLL\r\n"
    "MOctober salary\r\n"
    "^\r\n"
    "D10/28/2025\r\n"
    "T-150.00\r\n"
    "N1042\r\n"
    "PCity Water\r\n"
    "A12 Main St\r\n"
    "ASpringfield\r\n"
    "SUtilities:Water\r\n"
    "$-100.00\r\n"
    "SUtilities:Sewer\r\n"
    "ESewer share\r\n"
    "$-50.00\r\n"
    "^\r\n"
)

EUROPEAN = (
    "!Type:Bank\n"
    "D24.11.2025\nT-1.150,00\nPMüller Immobilien\nMMiete November\n^\n"
    "D15.11.2025\nT2.834,50\nPSchön & Söhne GmbH\n^\n"
    "D02.11.2025\nT-3,80\nPBäckerei Kühn\n^\n"
)

CREDIT_CARD = (
    "!Account\nNVisa Platinum\nTCCard\n^\n"
    "!Type:CCard\n"
    "D 1/ 2'25\nT-19.99\nPNETFLIX.COM\n^\n"
    "D12/30'24\nT250.00\nPPAYMENT THANK YOU\n^\n"
)


def test_a_quicken_bank_register():
    qif = read_qif(QUICKEN_BANK)
    assert qif.account_type == "bank"
    assert qif.date_formats == ("%m/%d/%Y",)
    assert qif.problems == []
    assert [(r.line, r.date, r.amount, r.payee, r.memo, r.bank_id) for r in qif.rows] == [
        (2, date(2025, 11, 3), Decimal("-54.21"), "CORNER GROCER #114", "", None),
        (8, date(2025, 10, 31), Decimal("3200.00"), "ACME CORP PAYROLL", "October salary", None),
        (14, date(2025, 10, 28), Decimal("-150.00"), "City Water", "Check 1042", None),
    ]


def test_european_dates_and_decimal_commas():
    qif = read_qif(EUROPEAN)
    assert [(r.date, r.amount, r.payee) for r in qif.rows] == [
        (date(2025, 11, 24), Decimal("-1150.00"), "Müller Immobilien"),
        (date(2025, 11, 15), Decimal("2834.50"), "Schön & Söhne GmbH"),
        (date(2025, 11, 2), Decimal("-3.80"), "Bäckerei Kühn"),
    ]


def test_a_credit_card_with_apostrophe_years_and_an_account_block():
    qif = read_qif(CREDIT_CARD)
    assert qif.account_type == "creditcard"
    assert [(r.line, r.date, r.amount) for r in qif.rows] == [
        (6, date(2025, 1, 2), Decimal("-19.99")),
        (10, date(2024, 12, 30), Decimal("250.00")),
    ]


def test_dates_that_read_two_ways_wait_for_a_choice():
    text = "!Type:Bank\nD03/04/2025\nT-1.00\nPA\n^\nD05/06/2025\nT-2.00\nPB\n^\n"
    qif = read_qif(text)
    assert sorted(qif.date_formats) == ["%d/%m/%Y", "%m/%d/%Y"] and qif.rows == []
    chosen = read_qif(text, "%d/%m/%Y")
    assert [r.date for r in chosen.rows] == [date(2025, 4, 3), date(2025, 6, 5)]
    with pytest.raises(ImportProblem, match="cannot be read as %Y-%m-%d"):
        read_qif(text, "%Y-%m-%d")


def test_a_bad_record_is_named_and_the_others_still_read():
    text = (
        "!Type:Bank\n"
        "D01/15/2025\nT-1.00\nPGood\n^\n"
        "D13/45/2025\nT-2.00\nPBad date\n^\n"
        "D01/17/2025\nTlots\nPBad amount\n^\n"
        "D01/18/2025\nPNo amount\n^\n"
        "D01/19/2025\nT-5.00\nPLast, without its caret\n"
    )
    qif = read_qif(text)
    assert [r.payee for r in qif.rows] == ["Good", "Last, without its caret"]
    assert [(p.line, p.message) for p in qif.problems] == [
        (6, "The date '13/45/2025' is not %m/%d/%Y."),
        (10, "The amount 'lots' is not a number."),
        (14, "The record has no amount."),
    ]


def test_lists_and_options_are_passed_over():
    text = (
        "!Option:AutoSwitch\n!Account\nNChecking\nTBank\n^\n!Clear:AutoSwitch\n"
        "!Type:Cat\nNFood\nE\n^\n"
        "!Type:Bank\nD01/15/2025\nT-1.00\nPShop\n^\n"
    )
    assert [r.payee for r in read_qif(text).rows] == ["Shop"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Date,Amount\n2025-01-01,1\n", "not a QIF file"),
        ("!Type:Invst\nD01/05/2025\nNBuy\nYACME\n^\n", "investment account"),
        ("!Type:Cat\nNFood\n^\n", "no bank, cash or credit card"),
        ("!Type:Bank\nD01/05/2025\nT-1\n^\n!Type:CCard\nD01/05/2025\nT-1\n^\n", "several"),
        (
            "!Account\nNChecking\n^\n!Type:Bank\nD1/5/25\nT-1\n^\n"
            "!Account\nNSavings\n^\n!Type:Bank\nD1/5/25\nT-1\n^\n",
            r"several accounts \(Checking, Savings\)",
        ),
        ("!Type:Bank\nDyesterday\nT-1\n^\n", "format Tallybook does not know"),
        ("!Type:Wallet\n", "Unknown QIF section"),
    ],
)
def test_files_that_cannot_be_imported_say_why(text, message):
    with pytest.raises(ImportProblem, match=message):
        read_qif(text)


def test_sniffing():
    assert looks_like_qif("\ufeff!Type:Bank\n")
    assert looks_like_qif("\r\n!type:ccard\n")
    assert not looks_like_qif("Date,Payee\n")


QIF_LINES = st.one_of(
    st.sampled_from(["^", "!Type:Bank", "!Type:CCard", "!Account", "!Type:Invst", "!Option:X"]),
    st.builds(lambda c, v: c + v, st.sampled_from(list("DTUPMNLCSE$A")), st.text(max_size=12)),
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_read_or_refused_with_an_import_problem(text):
    with contextlib.suppress(ImportProblem):
        read_qif("!Type:Bank\n" + text)


@settings(max_examples=300, deadline=None)
@given(st.lists(QIF_LINES, max_size=40), st.sampled_from([None, "%m/%d/%Y", "%d.%m.%Y"]))
def test_qif_like_files_are_read_or_refused_with_an_import_problem(lines, date_format):
    with contextlib.suppress(ImportProblem):
        read_qif("!Type:Bank\n" + "\n".join(lines), date_format)
