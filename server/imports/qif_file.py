"""Reading QIF (Quicken Interchange Format) files: bank, cash and credit card registers.

A QIF file is lines of a one-letter field code and its value (`D12/31'25`, `T-54.21`,
`PCORNER GROCER`), records ending with `^`, in sections opened by `!Type:Bank` and the like.
Only register sections hold transactions; lists (categories, classes, memorized payees) and
options are passed over. QIF has no transaction ids, so duplicates are found by date, amount
and payee. Raises only ImportProblem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.imports.csv_file import parse_amount
from server.imports.dates import date_formats, read_date
from server.imports.problems import ImportProblem
from server.imports.rows import Row, RowProblem

MAX_LINES = 200_000
# Register sections and what they hold; other `!Type:`s are lists, passed over.
_REGISTERS = {
    "bank": "bank",
    "cash": "bank",
    "oth a": "bank",
    "oth l": "bank",
    "ccard": "creditcard",
}
_INVESTMENT = ("invst", "port")
_NOT_TRANSACTIONS = ("cat", "class", "memorized", "prices", "security", "bill", "invitem", "tax")


@dataclass(frozen=True)
class QifFile:
    """A QIF file's transactions, or the date formats to choose from first."""

    account_type: str  # bank or creditcard
    date_formats: tuple[str, ...]  # one: settled; more: choose (rows are then empty)
    rows: list[Row]
    problems: list[RowProblem]


@dataclass
class _Record:
    line: int
    fields: dict[str, str]


def looks_like_qif(text: str) -> bool:
    """Whether the text starts like a QIF file (`!Type:...`, `!Account` or `!Option:...`)."""
    first = text.lstrip("\ufeff \t\r\n")[:20].lower()
    return first.startswith(("!type:", "!account", "!option:"))


def _date_text(raw: str) -> str:
    """Quicken's ways of writing dates made plain: ` 1/ 2'25` is `1/2/2025`."""
    text = raw.strip().replace(" ", "")
    if "'" in text:  # an apostrophe before the year means 2000 onwards
        head, _, year = text.rpartition("'")
        text = f"{head}/{2000 + int(year) if year.isdigit() and len(year) <= 2 else year}"
    return text


def _records(text: str) -> tuple[str, list[str], list[_Record]]:
    """The register's kind, the names of the accounts it belongs to, and its records."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise ImportProblem(f"The file has more than {MAX_LINES} lines.")
    kind: str | None = None
    kinds: set[str] = set()
    section: str | None = None  # "account", a register kind, or None for lists and options
    accounts: list[str] = []
    registers = 0
    saw_investment = False
    records: list[_Record] = []
    current: _Record | None = None
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("!"):
            header = line[1:].lower()
            current = None
            if header.startswith("type:"):
                name = header[5:].strip()
                if name in _REGISTERS:
                    section = _REGISTERS[name]
                    kinds.add(section)
                    kind = kind or section
                    registers += 1
                else:
                    saw_investment = saw_investment or name.startswith(_INVESTMENT)
                    if not name.startswith(_INVESTMENT + _NOT_TRANSACTIONS):
                        raise ImportProblem(f"Unknown QIF section !Type:{line[6:]}.", number)
                    section = None
            elif header == "account":
                section = "account"
            elif header.startswith(("option:", "clear:")):
                section = None
            else:
                raise ImportProblem(f"Unknown QIF header {line}.", number)
            continue
        if section is None:
            continue
        if current is None:
            current = _Record(number, {})
        if line == "^":
            if section == "account":
                if "N" in current.fields:
                    accounts.append(current.fields["N"])
            elif current.fields:
                records.append(current)
            current = None
            continue
        code, value = line[0], line[1:].strip()
        if section != "account" and code in "SE$%":
            continue  # a split's lines: the record's total is what counts
        current.fields.setdefault(code, value)
    if current is not None and current.fields and section not in (None, "account"):
        records.append(current)  # a last record without its ^, as Quicken accepts
    if registers == 0:
        if saw_investment:
            raise ImportProblem(
                "This QIF file holds an investment account, which Tallybook does not import."
            )
        raise ImportProblem("This QIF file holds no bank, cash or credit card transactions.")
    if len(kinds) > 1 or len(set(accounts)) > 1:
        named = ", ".join(dict.fromkeys(accounts)) or "unnamed"
        raise ImportProblem(
            f"This QIF file holds several accounts ({named}): export each account on its own."
        )
    return kind or "bank", accounts, records


def _decimal_mark(values: list[str]) -> str:
    """ "," when the amounts write cents after a comma (1.234,56), else "."."""
    comma = sum(1 for v in values if re.search(r",\d{1,2}$", v))
    dot = sum(1 for v in values if re.search(r"\.\d{1,2}$", v))
    return "," if comma > dot else "."


def read_qif(text: str, date_format: str | None = None) -> QifFile:
    """The file's transactions; the dates are read with `date_format` when the file alone
    leaves a choice (see `QifFile.date_formats`)."""
    if not looks_like_qif(text):
        raise ImportProblem("This is not a QIF file: it does not start with !Type:.")
    kind, _, records = _records(text)
    dates = [_date_text(r.fields["D"]) for r in records if r.fields.get("D")]
    formats = date_formats(dates[:2000])
    if not formats:
        raise ImportProblem("The dates are in a format Tallybook does not know.")
    if date_format is not None:
        if date_format not in formats:
            raise ImportProblem(f"The dates of this file cannot be read as {date_format}.")
        formats = (date_format,)
    if len(formats) > 1:
        return QifFile(kind, formats, [], [])
    mark = _decimal_mark([r.fields.get("T") or r.fields.get("U") or "" for r in records])
    rows: list[Row] = []
    problems: list[RowProblem] = []
    for record in records:
        row = _row(record, formats[0], mark)
        (rows if isinstance(row, Row) else problems).append(row)
    return QifFile(kind, formats, rows, problems)


def _row(record: _Record, date_format: str, decimal_mark: str) -> Row | RowProblem:
    fields = record.fields
    if not fields.get("D"):
        return RowProblem(record.line, "The record has no date.")
    try:
        day = read_date(_date_text(fields["D"]), date_format)
    except ValueError:
        return RowProblem(record.line, f"The date {fields['D']!r} is not {date_format}.")
    raw = fields.get("T") or fields.get("U") or ""
    if not raw:
        return RowProblem(record.line, "The record has no amount.")
    try:
        amount = parse_amount(raw, decimal_mark)
    except ValueError:
        return RowProblem(record.line, f"The amount {raw!r} is not a number.")
    if amount is None:
        return RowProblem(record.line, "The record has no amount.")
    memo = fields.get("M", "")
    if fields.get("N", "").isdigit():
        check = f"Check {fields['N']}"
        memo = f"{memo} ({check.lower()})" if memo else check
    return Row(record.line, day, amount, fields.get("P", ""), memo, None)
