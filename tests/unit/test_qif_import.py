"""Reading QIF files as Quicken and banks write them, and refusing what is not one."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.qif_file import MAX_LINES, QifFile, looks_like_qif, read_qif
from server.bankfiles.text import decode

# Quicken (US) exporting a checking account: cleared flags, categories, a split check with
# the payee's address, a check with a memo, an ATM withdrawal (N is not always a number).
QUICKEN_BANK = (
    "!Type:Bank\r\n"
    "D11/03'25\r\n"  # line 2
    "U-54.21\r\n"
    "T-54.21\r\n"
    "CX\r\n"
    "PCORNER GROCER #114\r\n"
    "LFood:Groceries\r\n"
    "^\r\n"
    "D10/31'25\r\n"  # line 9
    "U3,200.00\r\n"
    "T3,200.00\r\n"
    "C*\r\n"
    "PACME CORP PAYROLL\r\n"
    "MOctober salary\r\n"
    "LSalary\r\n"
    "^\r\n"
    "D10/28'25\r\n"  # line 17
    "T-150.00\r\n"
    "CX\r\n"
    "N1042\r\n"
    "PCity Water\r\n"
    "A12 Main St\r\n"
    "ASpringfield, IL 62701\r\n"
    "LUtilities\r\n"
    "SUtilities:Water\r\n"
    "EWater share\r\n"
    "$-100.00\r\n"
    "SUtilities:Sewer\r\n"
    "ESewer share\r\n"
    "$-50.00\r\n"
    "^\r\n"
    "D10/20'25\r\n"  # line 32
    "T-1,024.00\r\n"
    "N1041\r\n"
    "PLandlord LLC\r\n"
    "MNovember rent\r\n"
    "LRent\r\n"
    "^\r\n"
    "D10/15'25\r\n"  # line 39
    "T-40.00\r\n"
    "NATM\r\n"
    "PCASH WITHDRAWAL\r\n"
    "^\r\n"
)

# A German bank's export: day.month.year and decimal commas with dots between thousands.
EUROPEAN = (
    "!Type:Bank\n"
    "D24.11.2025\nT-1.150,00\nPMüller Immobilien\nMMiete November\n^\n"
    "D15.11.2025\nT2.834,50\nPSchön & Söhne GmbH\n^\n"
    "D02.11.2025\nT-3,80\nPBäckerei Kühn\n^\n"
)

# A card account from Quicken: its !Account block, then the register; dates padded with
# spaces and the years from 2000 after an apostrophe.
CREDIT_CARD = (
    "!Account\nNVisa Platinum\nTCCard\nL5,000.00\n^\n"
    "!Type:CCard\n"
    "D 1/ 2'25\nT-19.99\nPNETFLIX.COM\n^\n"
    "D12/30'24\nT250.00\nPPAYMENT THANK YOU\n^\n"
)

# Quicken's export of all accounts: the account list between !Option:AutoSwitch and
# !Clear:AutoSwitch, then each account's !Account block and register.
ALL_ACCOUNTS = (
    "!Option:AutoSwitch\n"
    "!Account\nNChecking\nTBank\n^\nNSavings\nTBank\n^\nNVisa\nTCCard\n^\n"
    "!Clear:AutoSwitch\n"
    "!Account\nNChecking\nTBank\n^\n"
    "!Type:Bank\nD01/15'25\nT-12.00\nPDINER\n^\n"
    "!Account\nNSavings\nTBank\n^\n"
    "!Type:Bank\nD01/31'25\nT0.42\nPINTEREST\n^\n"
)

AMBIGUOUS = "!Type:Bank\nD03/04/2025\nT-1.00\nPA\n^\nD05/06/2025\nT-2.00\nPB\n^\n"


def rows_of(qif: QifFile) -> list[tuple]:
    return [(r.line, r.date, r.amount, r.payee, r.memo, r.bank_id) for r in qif.rows]


def test_a_quicken_bank_register_with_splits_checks_and_addresses():
    qif = read_qif(QUICKEN_BANK)
    assert qif.account_type == "bank"
    assert qif.date_formats == ("%m/%d/%Y",)
    assert qif.problems == []
    assert rows_of(qif) == [
        (2, date(2025, 11, 3), Decimal("-54.21"), "CORNER GROCER #114", "", None),
        (9, date(2025, 10, 31), Decimal("3200.00"), "ACME CORP PAYROLL", "October salary", None),
        (17, date(2025, 10, 28), Decimal("-150.00"), "City Water", "Check 1042", None),
        (
            32,
            date(2025, 10, 20),
            Decimal("-1024.00"),
            "Landlord LLC",
            "November rent (check 1041)",
            None,
        ),
        (39, date(2025, 10, 15), Decimal("-40.00"), "CASH WITHDRAWAL", "", None),
    ]


def test_european_dates_and_decimal_commas():
    qif = read_qif(EUROPEAN)
    assert qif.date_formats == ("%d.%m.%Y",)
    assert rows_of(qif) == [
        (2, date(2025, 11, 24), Decimal("-1150.00"), "Müller Immobilien", "Miete November", None),
        (7, date(2025, 11, 15), Decimal("2834.50"), "Schön & Söhne GmbH", "", None),
        (11, date(2025, 11, 2), Decimal("-3.80"), "Bäckerei Kühn", "", None),
    ]


def test_a_credit_card_with_its_account_block_and_apostrophe_years():
    qif = read_qif(CREDIT_CARD)
    assert qif.account_type == "creditcard"
    assert qif.date_formats == ("%m/%d/%Y",)
    assert rows_of(qif) == [
        (7, date(2025, 1, 2), Decimal("-19.99"), "NETFLIX.COM", "", None),
        (11, date(2024, 12, 30), Decimal("250.00"), "PAYMENT THANK YOU", "", None),
    ]


def test_two_digit_years_without_an_apostrophe_are_the_1900s_in_a_quicken_file():
    qif = read_qif("!Type:Bank\nD12/31/99\nT-20.00\nPY2K SUPPLIES\n^\nD 1/ 3'00\nT9.50\n^\n")
    assert [(r.date, r.amount) for r in qif.rows] == [
        (date(1999, 12, 31), Decimal("-20.00")),
        (date(2000, 1, 3), Decimal("9.50")),
    ]


@pytest.mark.parametrize(
    ("written", "date_format", "day"),
    [
        ("12/31/2025", "%m/%d/%Y", date(2025, 12, 31)),
        ("12/31/25", "%m/%d/%y", date(2025, 12, 31)),
        ("1/25/25", "%m/%d/%y", date(2025, 1, 25)),
        ("12/31'25", "%m/%d/%Y", date(2025, 12, 31)),
        (" 1/25' 5", "%m/%d/%Y", date(2005, 1, 25)),
        ("12/31'2025", "%m/%d/%Y", date(2025, 12, 31)),
        ("31.12.2025", "%d.%m.%Y", date(2025, 12, 31)),
        ("31.12'25", "%d.%m.%Y", date(2025, 12, 31)),
        ("2025-12-31", "%Y-%m-%d", date(2025, 12, 31)),
        ("31/12/2025", "%d/%m/%Y", date(2025, 12, 31)),
        ("31 Dec 2025", "%d %b %Y", date(2025, 12, 31)),
    ],
)
def test_dates_as_quicken_and_banks_write_them(written, date_format, day):
    qif = read_qif(f"!Type:Bank\nD{written}\nT-1.00\n^\n")
    assert qif.date_formats == (date_format,)
    assert [r.date for r in qif.rows] == [day]


@pytest.mark.parametrize(
    ("amounts", "values"),
    [
        (["-1,234.56", "1234.56", "-54.21"], ["-1234.56", "1234.56", "-54.21"]),
        (["1.234,56", "-3,80"], ["1234.56", "-3.80"]),
        (["1,000", "-2.5"], ["1000", "-2.5"]),
        (["-1.000", "12,50"], ["-1000", "12.50"]),  # the other amounts tell what 1.000 is
        (["-1.000", "2.500"], ["-1000", "2500"]),
        (["-$7.25", "(12.50)"], ["-7.25", "-12.50"]),
    ],
)
def test_amounts_and_the_decimal_mark_the_whole_file_shows(amounts, values):
    text = "!Type:Bank\n" + "".join(f"D01/15/2025\nT{a}\n^\n" for a in amounts)
    assert [r.amount for r in read_qif(text).rows] == [Decimal(v) for v in values]


@pytest.mark.parametrize(
    ("section", "account_type"),
    [
        ("Bank", "bank"),
        ("Cash", "bank"),
        ("Oth A", "bank"),
        ("Oth L", "bank"),
        ("CCard", "creditcard"),
        ("ccard", "creditcard"),
    ],
)
def test_the_register_sections_and_the_account_type_they_give(section, account_type):
    qif = read_qif(f"!Type:{section}\nD01/15/2025\nT-1.00\nPShop\n^\n")
    assert qif.account_type == account_type
    assert [(r.line, r.payee) for r in qif.rows] == [(2, "Shop")]


def test_a_record_without_its_caret_before_the_next_section_still_counts():
    text = "!Type:Bank\nD01/15/2025\nT-1.00\nPNo caret\n!Type:Cat\nNFood\n^\n"
    assert [(r.line, r.payee) for r in read_qif(text).rows] == [(2, "No caret")]


def test_t_is_the_amount_and_u_stands_in_when_there_is_no_t():
    text = "!Type:Bank\nD01/15/2025\nU-9.99\nT-1.00\n^\nD01/16/2025\nU-2.50\n^\n"
    assert [r.amount for r in read_qif(text).rows] == [Decimal("-1.00"), Decimal("-2.50")]


def test_the_first_of_a_repeated_field_counts():
    text = "!Type:Bank\nD01/15/2025\nT-1.00\nPShop\nT-7.00\nPOther\nD01/16/2025\n^\n"
    assert [(r.date, r.amount, r.payee) for r in read_qif(text).rows] == [
        (date(2025, 1, 15), Decimal("-1.00"), "Shop")
    ]


def test_dates_that_read_two_ways_wait_for_a_choice():
    qif = read_qif(AMBIGUOUS)
    assert sorted(qif.date_formats) == ["%d/%m/%Y", "%m/%d/%Y"]
    assert (qif.rows, qif.problems, qif.account_type) == ([], [], "bank")
    british = read_qif(AMBIGUOUS, "%d/%m/%Y")
    assert british.date_formats == ("%d/%m/%Y",)
    assert [(r.line, r.date, r.amount) for r in british.rows] == [
        (2, date(2025, 4, 3), Decimal("-1.00")),
        (6, date(2025, 6, 5), Decimal("-2.00")),
    ]
    american = read_qif(AMBIGUOUS, "%m/%d/%Y")
    assert [r.date for r in american.rows] == [date(2025, 3, 4), date(2025, 5, 6)]
    with pytest.raises(ImportProblem, match="not written year-month-day"):
        read_qif(AMBIGUOUS, "%Y-%m-%d")
    with pytest.raises(ImportProblem, match="not written day/month/year"):
        read_qif(QUICKEN_BANK, "%d/%m/%Y")  # 10/31 settles it: no other choice


def test_a_date_late_in_a_long_file_settles_the_format():
    text = "!Type:Bank\n" + "D01/02/2025\nT-1.00\n^\n" * 2500 + "D12/31/2025\nT-2.00\n^\n"
    qif = read_qif(text)
    assert qif.date_formats == ("%m/%d/%Y",)
    assert (qif.rows[0].date, qif.rows[-1].date) == (date(2025, 1, 2), date(2025, 12, 31))


def test_an_account_list_before_one_accounts_register_is_one_account():
    text = ALL_ACCOUNTS.split("!Account\nNSavings\nTBank\n^\n!Type:Bank")[0]
    qif = read_qif(text)
    assert [(r.line, r.date, r.amount, r.payee) for r in qif.rows] == [
        (18, date(2025, 1, 15), Decimal("-12.00"), "DINER")
    ]
    # Another account's register with no transactions does not make it two.
    assert read_qif(text + "!Account\nNSavings\nTBank\n^\n!Type:Bank\n").rows == qif.rows


def test_lists_memorized_transactions_and_investments_are_passed_over():
    text = (
        "!Type:Cat\nNFood\nDFood and drink\nE\n^\nNSalary\nI\n^\n"
        "!Type:Class\nNBusiness\n^\n"
        "!Type:Memorized\nKC\nT-9.99\nPNETFLIX.COM\n^\n"
        "!Type:Invst\nD01/05'25\nNBuy\nYACME CORP\nI12.50\nQ10\nT125.00\n^\n"
        "!Type:Bank\nD01/15'25\nT-1.00\nPShop\n^\n"
    )
    qif = read_qif(text)
    assert [(r.line, r.payee, r.amount) for r in qif.rows] == [(26, "Shop", Decimal("-1.00"))]


def test_a_bad_record_is_named_and_the_others_still_read():
    text = (
        "!Type:Bank\n"
        "D01/15/2025\nT-1.00\nPGood\n^\n"
        "D13/45/2025\nT-2.00\nPBad date\n^\n"
        "D01/17/2025\nTlots\nPBad amount\n^\n"
        "D01/18/2025\nPNo amount\n^\n"
        "T-4.00\nPNo date\n^\n"
        "D01/19/2025\nT-5.00\nPLast, without its caret\n"
    )
    qif = read_qif(text)
    assert [(r.line, r.date, r.amount, r.payee) for r in qif.rows] == [
        (2, date(2025, 1, 15), Decimal("-1.00"), "Good"),
        (20, date(2025, 1, 19), Decimal("-5.00"), "Last, without its caret"),
    ]
    assert [(p.line, p.message) for p in qif.problems] == [
        (6, "13/45/2025 is not a date."),
        (10, "The amount 'lots' is not a number."),
        (14, "The record has no amount."),
        (17, "The record has no date."),
    ]


def test_a_file_cut_off_in_the_middle_of_a_record_is_refused():
    text = "!Type:Bank\nD01/15/2025\nT-1.00\nPGood\n^\nD01/16/2025\nPCORNER GRO"
    with pytest.raises(ImportProblem, match="cut short") as refused:
        read_qif(text)
    assert refused.value.line == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a QIF file"),
        ("Date,Amount\n2025-01-01,1\n", "not a QIF file"),
        ("!Type:Bank\n", "no bank, cash or credit card transactions"),
        ("!Type:Cat\nNFood\n^\n", "no bank, cash or credit card transactions"),
        (
            "!Account\nNBrokerage\nTInvst\n^\n!Type:Invst\nD01/05'25\nNBuy\nYACME\nT125.00\n^\n",
            "Brokerage is an investment account: Tallybook does not import investment accounts",
        ),
        ("!Type:Bank\nDyesterday\nT-1\n^\n", "format Tallybook does not know"),
        ("!Type:Bank\nD1/2'²\nT-1\n^\n", "format Tallybook does not know"),
        ("!Type:Bank\nT-1\nPNo date\n^\n", "No transaction in this file has a date"),
        ("!Type:Wallet\nD01/05/2025\nT-1\n^\n", "does not know the QIF section !Type:Wallet"),
        ("!Type:Bank\n!Budget\n", "does not know the QIF header !Budget"),
    ],
)
def test_files_that_cannot_be_imported_say_why(text, message):
    with pytest.raises(ImportProblem, match=message):
        read_qif(text)


def test_a_file_of_more_than_the_most_lines_is_refused():
    records = (MAX_LINES - 5) // 3
    head = "!Type:Bank\n" + "D01/15/2025\nT-1.00\n^\n" * records
    most = head + "D01/16/2025\nT-2.00\nPLast\n^\n"
    assert len(most.splitlines()) == MAX_LINES
    assert len(read_qif(most).rows) == records + 1
    with pytest.raises(ImportProblem, match=f"more than {MAX_LINES} lines"):
        read_qif(most + "D01/17/2025\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "not a text file"),
        (b"!Type:Bank\n" + bytes(range(1, 32)) * 10, "not a text file"),
        (bytes(range(128, 256)) * 4, "not a QIF file"),
        (b"!Type:Bank\nD01/15/2025\n" + bytes(range(128, 256)), "cut short"),
    ],
)
def test_binary_data_is_refused(data, message):
    with pytest.raises(ImportProblem, match=message):
        read_qif(decode(data)[0])


def test_a_cp1252_file_reads_through_decode():
    text, encoding = decode(EUROPEAN.encode("cp1252"))
    assert encoding == "cp1252"
    assert [r.payee for r in read_qif(text).rows] == [
        "Müller Immobilien",
        "Schön & Söhne GmbH",
        "Bäckerei Kühn",
    ]


@pytest.mark.parametrize(
    ("text", "qif"),
    [
        ("!Type:Bank\n", True),
        ("\ufeff!Type:Bank\n", True),
        ("\r\n  !type:ccard\n", True),
        ("!Account\nNChecking\n", True),
        ("!Option:AutoSwitch\n!Account\n", True),
        ("Date,Payee\n", False),
        ("Type:Bank\n", False),
        ("<OFX>\n", False),
        ("", False),
    ],
)
def test_sniffing(text, qif):
    assert looks_like_qif(text) is qif


QIF_LINES = st.one_of(
    st.sampled_from(
        [
            "^",
            "",
            "!Type:Bank",
            "!Type:CCard",
            "!Type:Oth L",
            "!Type:Invst",
            "!Type:Cat",
            "!Type:Memorized",
            "!Account",
            "!Option:AutoSwitch",
            "!Clear:AutoSwitch",
            "NChecking",
            "NSavings",
        ]
    ),
    st.builds(
        lambda value: "D" + value,
        st.sampled_from(
            ["01/15/2025", " 1/ 2'25", "12/31/99", "31.12.2025", "13/45/2025", "2025-12-31", ""]
        )
        | st.text(max_size=12),
    ),
    st.builds(
        lambda code, value: code + value,
        st.sampled_from(["T", "U", "$"]),
        st.sampled_from(["-1,234.56", "1.234,56", "12,5", "(3.10)", "abc", "", "'"])
        | st.text(max_size=12),
    ),
    st.builds(lambda c, v: c + v, st.sampled_from(list("PMNLCSEA%X^!")), st.text(max_size=12)),
)


def checked(text: str, date_format: str | None = None) -> None:
    """Read `text`: an ImportProblem is fine; anything else, or an inconsistent result, is not."""
    with contextlib.suppress(ImportProblem):
        qif = read_qif(text, date_format)
        assert qif.account_type in ("bank", "creditcard")
        assert len(qif.date_formats) >= 1
        if len(qif.date_formats) > 1:
            assert qif.rows == [] and qif.problems == []
        lines = len(text.splitlines())
        assert all(1 <= r.line <= lines and r.bank_id is None for r in qif.rows)
        assert all(1 <= p.line <= lines for p in qif.problems)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_read_or_refused_with_an_import_problem(text):
    checked(text)
    checked("!Type:Bank\n" + text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=1000))
def test_any_bytes_are_read_or_refused_with_an_import_problem(data):
    with contextlib.suppress(ImportProblem):
        checked(decode(b"!Type:Bank\n" + data)[0])


@settings(max_examples=500, deadline=None)
@given(
    st.lists(QIF_LINES, max_size=40),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from([None, "%m/%d/%Y", "%d.%m.%Y"]),
)
def test_qif_like_files_are_read_or_refused_with_an_import_problem(lines, newline, date_format):
    checked(newline.join(["!Type:Bank", *lines]), date_format)
