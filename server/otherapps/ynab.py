"""YNAB's "Export budget data" read into a Tallybook book: the .zip of two CSVs it gives, or
its register CSV alone.

"<Budget> as of <when> - Register.csv" has a row per transaction per account (Account, Flag,
Date, Payee, Category Group/Category, Category Group, Category, Memo, Outflow, Inflow,
Cleared); "... - Plan.csv" (once "Budget.csv") the amount assigned to each category each month
(Month, Category Group/Category, Category Group, Category, Assigned, Activity, Available).
Amounts and dates are in the budget's own formats. A transfer is a row in each account with
the payee "Transfer : <the other account>"; a split is consecutive rows whose memos start
"Split (1/3)"; a starting balance has the payee "Starting Balance". YNAB 4's CSV export
(Master Category, Sub Category, Budgeted) reads the same way.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import PurePath

from server.otherapps import written_numbers as written
from server.otherapps.book_document import account_kind
from server.otherapps.budget_book import BudgetBook, Part, Row
from server.otherapps.foreign_book import ForeignBook, ForeignBookProblem

APP = "YNAB"
TRANSFER = "Transfer : "
STARTING_BALANCE = "Starting Balance"
INCOME_GROUPS = ("Inflow", "Income")  # YNAB's "Ready to Assign" (YNAB 4's "Income")
UNCATEGORISED = ("", "Uncategorized")
_SPLIT = re.compile(r"^\(?Split \(?(\d+)/(\d+)\)\s?(.*)$", re.DOTALL)  # YNAB 4: "(Split 1/3)"
_STATUSES = {"cleared": "cleared", "c": "cleared", "reconciled": "reconciled", "r": "reconciled"}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for name in names
}  # fmt: skip
# Each column the reader needs, by the names YNAB (and YNAB 4) give it.
_COLUMNS = {
    "account": ("Account",),
    "flag": ("Flag",),
    "date": ("Date",),
    "payee": ("Payee",),
    "both": ("Category Group/Category",),
    "group": ("Category Group", "Master Category"),
    "category": ("Category", "Sub Category"),
    "memo": ("Memo",),
    "outflow": ("Outflow",),
    "inflow": ("Inflow",),
    "cleared": ("Cleared",),
    "month": ("Month",),
    "assigned": ("Assigned", "Budgeted"),
}
_REGISTER = ("account", "date", "payee", "outflow", "inflow")
_PLAN = ("month", "assigned")


@dataclass(frozen=True)
class _Line:
    """A register row as written, with its place in the file."""

    number: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")


def read_ynab(data: bytes, file_name: str) -> ForeignBook:
    """Read YNAB's export (the .zip, or the Register CSV alone) into a book."""
    register, plan, name = _files(data, file_name)
    lines = _table(register, "Register", _REGISTER)
    plan_lines = _table(plan, "Plan", _PLAN) if plan is not None else []
    amounts = [line[k] for line in lines for k in ("outflow", "inflow")]
    amounts += [line["assigned"] for line in plan_lines]
    currency = written.currency_of(amounts)
    book = BudgetBook(APP, name, currency)
    money = written.money_reader(written.decimal_mark(amounts))
    day = written.date_reader([line["date"] for line in lines], month_first=currency == "USD")
    _categories(book, [*plan_lines, *lines])
    accounts = dict.fromkeys(line["account"] for line in lines)
    balances: dict[str, Decimal] = dict.fromkeys(accounts, Decimal(0))
    for account in accounts:
        book.account(account, account, account_kind(account))
    rows: list[tuple[_Line, date, Decimal]] = []
    for line in lines:
        try:
            amount = money(line["inflow"]) - money(line["outflow"])
            rows.append((line, day(line["date"]), amount))
        except ValueError as error:
            raise written.problem_at(line.number, error) from None
        balances[line["account"]] += amount
    _transactions(book, rows)
    if plan is None:
        book.notes.append("No Plan CSV came with the register, so no budgets came over.")
    else:
        _budgets(book, plan_lines, money)
    return book.build(balances)


def _files(data: bytes, file_name: str) -> tuple[bytes, bytes | None, str]:
    """Return the register, the plan (if any) and the budget's name."""
    if not data.startswith(b"PK"):
        return data, None, _budget_name(file_name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
        register = next((m for m in members if m.lower().endswith("register.csv")), None)
        plan = next((m for m in members if m.lower().endswith(("plan.csv", "budget.csv"))), None)
        if register is None:
            raise ForeignBookProblem(
                f"{file_name} holds no Register CSV: choose the .zip YNAB's "
                "“Export budget data” gives, or the Register CSV in it."
            )
        return (
            archive.read(register),
            archive.read(plan) if plan else None,
            _budget_name(PurePath(register).name),
        )
    except zipfile.BadZipFile as error:
        raise ForeignBookProblem(f"{file_name} cannot be opened as a .zip: {error}.") from None


def _budget_name(file_name: str) -> str:
    """The budget's name, from "<Budget> as of <when> - Register.csv"."""
    stem = re.sub(r"(\s*-\s*Register)?\.(csv|zip)$", "", PurePath(file_name).name, flags=re.I)
    return stem.split(" as of ")[0].strip() or APP


def _table(data: bytes, what: str, needed: tuple[str, ...]) -> list[_Line]:
    """The CSV's rows by the reader's column keys; a column it needs and lacks is refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # YNAB 4 on Windows
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max(",;\t", key=first.count))
    try:
        rows = [(reader.line_num, row) for row in reader if any(v.strip() for v in row)]
    except csv.Error as error:
        raise ForeignBookProblem(
            f"The {what} CSV cannot be read, line {reader.line_num}: {error}."
        ) from None
    header = [h.strip() for h in rows[0][1]] if rows else []
    keys = {
        header.index(name): key
        for key, names in _COLUMNS.items()
        for name in names
        if name in header
    }
    lacking = [_COLUMNS[key][0] for key in needed if key not in keys.values()]
    if lacking:
        raise ForeignBookProblem(
            f"This is not YNAB's {what} CSV: it has no {', '.join(lacking)} column."
        )
    return [
        _Line(number, {keys[i]: v.strip() for i, v in enumerate(row) if i in keys})
        for number, row in rows[1:]
    ]


def _category_of(line: _Line) -> tuple[str, str] | None:
    """The line's (group, category), or None for none."""
    group, name = line["group"], line["category"]
    if not name and line["both"]:
        group, _, name = line["both"].partition(":")
    group, name = group.strip(), name.strip()
    if name in UNCATEGORISED and group in UNCATEGORISED:
        return None
    return group or "Other", name or group


def _key(category: tuple[str, str] | None) -> str | None:
    return None if category is None else f"{category[0]}: {category[1]}"


def _categories(book: BudgetBook, lines: list[_Line]) -> None:
    """The categories in the order YNAB shows them (the Plan's), those only used after."""
    for line in lines:
        category = _category_of(line)
        if category is None or book.has_category(_key(category)):
            continue
        income = category[0] in INCOME_GROUPS
        kind = "income" if income else "expense"
        book.category(_key(category), category[0], category[1], kind, rollover=not income)


def _tags(line: _Line) -> tuple[str, ...]:
    """A flag's name (or colour) as a tag."""
    return (line["flag"],) if line["flag"] else ()


def _status(line: _Line) -> str:
    return _STATUSES.get(line["cleared"].casefold(), "uncleared")


def _transactions(book: BudgetBook, rows: list[tuple[_Line, date, Decimal]]) -> None:
    """Each row, or run of split rows, as a transaction; starting balances as openings."""
    split: list[tuple[_Line, date, Decimal, str]] = []
    for line, day, amount in rows:
        found = _SPLIT.match(line["memo"])
        if found and split and (line["account"], day) != (split[0][0]["account"], split[0][1]):
            _add_split(book, split)
            split = []
        if found:
            split.append((line, day, amount, found.group(3)))
            if found.group(1) == found.group(2):
                _add_split(book, split)
                split = []
            continue
        if split:
            _add_split(book, split)
            split = []
        if line["payee"] == STARTING_BALANCE:
            book.opening(line["account"], amount, day)
            continue
        payee, transfer = _payee(book, line)
        category = None if transfer else _key(_category_of(line))
        status = _status(line)
        row = Row(line["account"], day, amount, payee, line["memo"], status, category, transfer)
        book.add(replace(row, tags=_tags(line)))

    if split:
        _add_split(book, split)


def _payee(book: BudgetBook, line: _Line) -> tuple[str | None, str | None]:
    """The line's payee, or the account a transfer goes to (if it came over)."""
    payee = line["payee"]
    other = payee[len(TRANSFER) :] if payee.startswith(TRANSFER) else None
    if other is not None and book.has_account(other):
        return None, other
    return payee or None, None


def _add_split(book: BudgetBook, lines: list[tuple[_Line, date, Decimal, str]]) -> None:
    first, day = lines[0][0], lines[0][1]
    parts = []
    for line, _, amount, memo in lines:
        payee, transfer = _payee(book, line)
        category = None if transfer else _key(_category_of(line))
        parts.append(Part(amount, category, memo, transfer, payee))
    payee, _ = _payee(book, first)
    total = sum((part.amount for part in parts), Decimal(0))
    row = Row(first["account"], day, total, payee, "", _status(first), parts=tuple(parts))
    book.add(replace(row, tags=_tags(first)))


def _month(text: str) -> str | None:
    """A Plan's month ("Nov 2026", "November 2026", "2026-11") as YYYY-MM."""
    words = text.replace("-", " ").split()
    if len(words) != 2:
        return None
    if words[0].isdigit():  # year first
        words = [words[1], words[0]]
    month = int(words[0]) if words[0].isdigit() else _MONTHS.get(words[0].casefold())
    if month is None or not 1 <= month <= 12 or not words[1].isdigit():
        return None
    return f"{int(words[1]):04d}-{month:02d}"


def _budgets(book: BudgetBook, lines: list[_Line], money: Callable[[str], Decimal]) -> None:
    unread = 0
    for line in lines:
        month = _month(line["month"])
        key = _key(_category_of(line))
        if month is None or key is None:
            unread += 1
            continue
        try:
            amount = money(line["assigned"])
        except ValueError as error:
            raise written.problem_at(line.number, error) from None
        if amount:
            book.budget(key, month, amount)
    if unread:
        book.count("lines of the Plan whose month could not be read, left out", unread)
