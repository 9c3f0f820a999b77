"""QIF at full fidelity: categories, classes, transfers, splits, cleared marks and the
accounts of a file, as Quicken, HomeBank and GnuCash write them (tests/fixtures/qif)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.files import StatementInfo, read_bank_file
from server.bankfiles.qif_file import QifAccount, read_qif
from server.bankfiles.qif_records import category_of
from server.bankfiles.rows import RowSplit
from tests.unit.test_qif_import import ALL_ACCOUNTS

FIXTURES = Path(__file__).parent.parent / "fixtures" / "qif"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode()


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Housing:Rent", ("Housing:Rent", None, None)),
        ("Groceries/Business", ("Groceries", None, "Business")),
        ("[Savings]", (None, "Savings", None)),
        ("[Savings]/Business", (None, "Savings", "Business")),
        ("--Split--", (None, None, None)),
        ("", (None, None, None)),
    ],
)
def test_a_category_a_class_and_a_transfer_as_l_writes_them(written, read):
    assert category_of(written) == read


def test_quickens_export_of_all_accounts_lists_each_account_to_choose():
    text = fixture("quicken_all_accounts.qif")
    qif = read_qif(text)
    assert qif.accounts == (
        QifAccount("Checking", "bank", 5),
        QifAccount("Savings", "bank", 4),
        QifAccount("Brokerage", "investment", 1),
    )
    assert (qif.account, qif.rows) == (None, [])
    bank_file = read_bank_file(text.encode())
    assert bank_file.needs_choice
    assert bank_file.statements[1] == StatementInfo("Savings", "bank", "", 4, name="Savings")


def test_one_account_of_the_file_reads_with_its_categories_splits_and_transfers():
    checking = read_qif(fixture("quicken_all_accounts.qif"), account=0)
    assert checking.problems == []
    opening, rent, pay, groceries, saving = checking.rows
    assert (opening.transfer, opening.cleared) == ("Checking", "reconciled")
    assert (rent.category, rent.memo, rent.cleared) == (
        "Housing:Rent",
        "January rent (check 1043)",
        "cleared",
    )
    assert (pay.amount, pay.category, pay.transfer) == (Decimal("2300.00"), None, None)
    assert pay.splits == (
        RowSplit(Decimal("3000.00"), "Income:Salary", None, "Gross pay"),
        RowSplit(Decimal("-500.00"), "Taxes:Federal", None, ""),
        RowSplit(Decimal("-200.00"), None, "Savings", "Monthly saving"),
    )
    assert (groceries.category, groceries.tag) == ("Groceries", "Business")
    assert (saving.date, saving.transfer, saving.category) == (date(2026, 1, 25), "Savings", None)
    savings = read_qif(fixture("quicken_all_accounts.qif"), account=1)
    assert [(r.amount, r.transfer, r.category) for r in savings.rows] == [
        (Decimal("5000.00"), "Savings", None),
        (Decimal("200.00"), "Checking", None),
        (Decimal("300.00"), "Checking", None),
        (Decimal("4.17"), None, "Income:Interest"),
    ]


def test_the_investment_account_is_refused_by_name_while_the_others_read():
    text = fixture("quicken_all_accounts.qif")
    with pytest.raises(ImportProblem, match="Brokerage is an investment account"):
        read_qif(text, account=2)
    with pytest.raises(ImportProblem, match="there is no number 3"):
        read_qif(text, account=3)
    # With one bank account beside it, that one is read without a choice.
    only_checking = text.split("!Account\r\nNSavings\r\nTBank\r\n^\r\n!Type:Bank")[0]
    only_checking += text[text.index("!Account\r\nNBrokerage\r\nTInvst\r\n^\r\n!Type:Invst") :]
    qif = read_qif(only_checking)
    assert qif.account == 0 and len(qif.rows) == 5


def test_homebanks_accounts_without_types_null_memos_and_splits_without_categories():
    bank_file = read_bank_file(fixture("homebank_accounts.qif").encode(), statement=0)
    assert [s.name for s in bank_file.statements] == ["My Bank Account", "My Cash Account"]
    assert bank_file.date_formats == ("%d/%m/%Y",)
    cash, shop, petrol = bank_file.rows
    assert (cash.date, cash.memo, cash.transfer, cash.cleared) == (
        date(2025, 11, 2),
        "",
        "My Cash Account",
        "",
    )
    assert shop.splits == (
        RowSplit(Decimal("-80.00"), None, None, "Food"),
        RowSplit(Decimal("-40.00"), "Household:Cleaning", None, ""),
    )
    assert (petrol.category, petrol.cleared, petrol.memo) == ("Car:Fuel", "reconciled", "")


def test_gnucash_androids_export_names_categories_by_their_full_account_names():
    bank_file = read_bank_file(fixture("gnucash_android_cash.qif").encode())
    assert bank_file.statements == () and bank_file.date_formats == ("%m/%d/%Y",)
    assert [(r.category, r.memo) for r in bank_file.rows] == [
        ("Expenses:Parking", "Paid for parking."),
        ("Expenses:Dining", "Lunch"),
    ]


def test_two_unnamed_registers_are_two_accounts_and_the_list_names_none():
    text = "!Type:Bank\nD1/5/25\nT-1\n^\n!Type:CCard\nD1/5/25\nT-1\n^\n"
    assert [a.kind for a in read_qif(text).accounts] == ["bank", "creditcard"]
    assert read_qif(text, account=1).account_type == "creditcard"
    assert [a.name for a in read_qif(ALL_ACCOUNTS).accounts] == ["Checking", "Savings"]


@pytest.mark.parametrize(
    ("splits", "message"),
    [
        ("SA\n$-1.00\nSB\n$-1.00\n", "The split lines add up to -2.00, not to -3.00."),
        ("SA\n$lots\nSB\n$-1.00\n", "A split line's amount is not a number."),
        ("SA\nEno amount\n", "A split line has no amount"),
    ],
)
def test_split_lines_that_do_not_add_up_are_named(splits, message):
    qif = read_qif(f"!Type:Bank\nD01/15/2025\nT-3.00\nPShop\n{splits}^\n")
    assert qif.rows == [] and [(p.line, p.message[: len(message)]) for p in qif.problems] == [
        (2, message)
    ]


def test_a_split_by_percent_is_its_share_of_the_total():
    qif = read_qif("!Type:Bank\nD01/15/2025\nT-10.00\nSA\n%25\nSB\n%75%\n^\n")
    assert [s.amount for s in qif.rows[0].splits] == [Decimal("-2.50"), Decimal("-7.50")]
