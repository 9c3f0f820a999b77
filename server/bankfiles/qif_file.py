"""Reading QIF (Quicken Interchange Format) files: bank, cash and credit card registers.

A QIF file is lines of a one-letter field code and its value (`D12/31'25`, `T-54.21`,
`PCORNER GROCER`), records ending with `^`, in sections opened by `!Type:Bank` and the like.
Only register sections hold transactions; lists (categories, classes, memorized payees) and
options are passed over. A file may hold several accounts (Quicken's export of all of them,
each register after its `!Account` block): each is a statement of the file, as an OFX file's
are, and one is read at a time. An investment account is listed by its name and refused when
chosen. QIF has no transaction ids (`bank_id` is always None): duplicates are found by date,
amount and payee. Raises only ImportProblem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from server.bankfiles.dates import cannot_read_as, date_formats, not_a_date, read_date
from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.qif_records import Record, record_row
from server.bankfiles.rows import Row, RowProblem

MAX_LINES = 200_000
# Register sections and the kind of account they hold ("Oth S" is German Quicken's asset).
_REGISTERS = {
    "bank": "bank",
    "cash": "bank",
    "oth a": "bank",
    "oth l": "bank",
    "oth s": "bank",
    "ccard": "creditcard",
}
_INVESTMENTS = ("invst", "port")
_LISTS = ("cat", "class", "memorized", "prices", "security", "bill", "invoice", "tax", "budget")
# The dates that tell their format: enough for any real file; all of them are read only when
# these leave a choice (strptime is slow, and a long history has thousands of distinct days).
_DATE_SAMPLE = 2000
# Only \r and \n end a line: str.splitlines() also splits on \x0b, \x85 and the like, which
# would put every later line number out of step with the person's editor.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Quicken's short years: `1/2'25` is 2025; where a file writes them so, `12/31/99` is 1999.
_SHORT_YEAR = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})('|\2)([0-9]{1,4})")


@dataclass(frozen=True)
class QifAccount:
    """One account of the file, to choose from."""

    name: str  # as the file names it; "" where it names none
    kind: str  # bank, creditcard or investment
    rows: int  # its records


@dataclass(frozen=True)
class QifFile:
    """A QIF file's transactions, or the choice to make first (date format, or account)."""

    account_type: str  # bank or creditcard
    date_formats: tuple[str, ...]  # one: settled; more: choose (rows are then empty)
    rows: list[Row]
    problems: list[RowProblem]
    accounts: tuple[QifAccount, ...] = ()  # every account of the file, in its order
    account: int | None = 0  # the one read; None while there is a choice


@dataclass
class _Register:
    kind: str  # bank, creditcard or investment
    account: str | None  # the name of the !Account record before it, if any
    records: list[Record] = field(default_factory=list)


class _Sections:
    """The file's lines sorted into records and the sections they belong to."""

    def __init__(self) -> None:
        self.registers: list[_Register] = []
        self.section: _Register | str | None = None  # a register, "account", or None: skipped
        self.account: str | None = None
        self.record: Record | None = None

    def header(self, number: int, line: str) -> None:
        self.end_record()
        name = line[1:].strip().lower()
        if name.startswith("type:"):
            kind = name[5:].strip()
            if kind in _REGISTERS or kind in _INVESTMENTS:
                self.section = _Register(_REGISTERS.get(kind, "investment"), self.account)
                self.registers.append(self.section)
            elif kind in _LISTS:
                self.section = None
            else:
                raise ImportProblem(f"Tallybook does not know the QIF section {line}.", number)
        elif name == "account":
            self.section = "account"
        elif name.startswith(("option:", "clear:")):
            # Around Quicken's list of all accounts: the names there own no transactions.
            self.section, self.account = None, None
        else:
            raise ImportProblem(f"Tallybook does not know the QIF header {line}.", number)

    def line(self, number: int, line: str) -> None:
        if self.section is None:
            return
        if line.startswith("^"):
            self.end_record()
            return
        if self.record is None:
            self.record = Record(number)
        self.record.add(line[0], line[1:].strip())

    def end_record(self) -> None:
        record, self.record = self.record, None
        if record is None:
            return
        if self.section == "account":
            self.account = record.fields.get("N") or None
        elif isinstance(self.section, _Register):
            self.section.records.append(record)

    def end(self) -> None:
        """The end of the file: a last record without its ^ counts if it is whole."""
        record = self.record
        if (
            record is not None
            and isinstance(self.section, _Register)
            and self.section.kind != "investment"
            and not record.whole()
        ):
            raise ImportProblem(
                "The file ends in the middle of a record: it looks cut short. Export it again.",
                record.line,
            )
        self.end_record()


def looks_like_qif(text: str) -> bool:
    """Whether the text starts like a QIF file: `!Type:`, `!Account` or `!Option:` (the start
    of Quicken's export of several accounts)."""
    first = text.lstrip("\ufeff \t\r\n")[:20].lower()
    return first.startswith(("!type:", "!account", "!option:"))


def _accounts(text: str) -> list[_Register]:
    """The file's accounts with transactions, in its order; refused if it holds none."""
    lines = _LINE_BREAK.split(text.rstrip("\r\n"))
    if len(lines) > MAX_LINES:
        raise ImportProblem(f"The file has more than {MAX_LINES} lines.")
    sections = _Sections()
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if line.startswith("!"):
            sections.header(number, line)
        elif line:
            sections.line(number, line)
    sections.end()
    accounts: dict[object, _Register] = {}
    for index, register in enumerate(sections.registers):
        if register.records:  # a section without its account's name is an account of its own
            key = (register.account, register.kind) if register.account else index
            accounts.setdefault(key, _Register(register.kind, register.account))
            accounts[key].records.extend(register.records)
    if not accounts:
        raise ImportProblem("This QIF file holds no bank, cash or credit card transactions.")
    return list(accounts.values())


def _investment_refused(register: _Register) -> ImportProblem:
    name = register.account or "This QIF file's investment section"
    return ImportProblem(
        f"{name} is an investment account: Tallybook does not import investment accounts."
    )


def _date_text(raw: str, quicken_years: bool) -> str:
    """A QIF date as `date_formats` reads it: ` 1/ 2'25` is `1/2/2025`.

    Quicken pads with spaces and marks the years from 2000 with an apostrophe; in a file that
    does, `12/31/99` (a slash and two digits) is 1999.
    """
    text = raw.strip()
    if not re.search(r"[^\W\d_]", text):  # "31 Dec 2025" keeps its spaces
        text = text.replace(" ", "")
    short = _SHORT_YEAR.fullmatch(text)
    if short is None:
        return text
    month_or_day, mark, day_or_month, before_year, year = short.groups()
    if before_year == "'" and len(year) != 3:
        full_year = int(year) if len(year) == 4 else 2000 + int(year)
    elif quicken_years and len(year) == 2:
        full_year = 1900 + int(year)
    else:
        return text
    return f"{month_or_day}{mark}{day_or_month}{mark}{full_year}"


def _decimal_mark(values: list[str]) -> str:
    """ "," when the amounts write cents after a comma (1.234,56 or -3,80) or whole thousands
    after a dot (-1.000: money is not written to the tenth of a cent), else "."."""
    comma = dot = 0
    for value in values:
        if re.search(r",[0-9]{1,2}$|\.[0-9]{3}$", value):
            comma += 1
        elif re.search(r"\.[0-9]{1,2}$", value):
            dot += 1
    return "," if comma > dot else "."


def read_qif(text: str, date_format: str | None = None, account: int | None = None) -> QifFile:
    """The transactions of one of the file's accounts (`account`, from 0; the only one that
    is not an investment account when None), read with `date_format` when given: the
    person's choices where the file alone leaves more than one."""
    if not looks_like_qif(text):
        raise ImportProblem("This is not a QIF file: it does not start with !Type: or !Account.")
    registers = _accounts(text)
    listed = tuple(QifAccount(r.account or "", r.kind, len(r.records)) for r in registers)
    banks = [index for index, r in enumerate(registers) if r.kind != "investment"]
    if not banks:
        raise _investment_refused(registers[0])
    if account is None and len(banks) == 1:
        account = banks[0]
    if account is not None and not 0 <= account < len(registers):
        raise ImportProblem(
            f"The file has {len(registers)} accounts; there is no number {account}."
        )
    if account is not None and registers[account].kind == "investment":
        raise _investment_refused(registers[account])
    # One way to read the dates for the whole file: its accounts were written alike.
    records = [record for index in banks for record in registers[index].records]
    quicken_years = any("'" in r.fields.get("D", "") for r in records)
    written = [_date_text(r.fields["D"], quicken_years) for r in records if r.has("D")]
    if not written:
        raise ImportProblem("No transaction in this file has a date.")
    formats = date_formats(written[:_DATE_SAMPLE])
    if len(formats) > 1:  # the later dates may settle what the first leave open
        formats = date_formats(written)
    if not formats:
        raise ImportProblem("The dates are in a format Tallybook does not know.")
    if date_format is not None:
        if date_format not in formats:
            raise ImportProblem(cannot_read_as(date_format))
        formats = (date_format,)
    if len(formats) > 1 or account is None:
        kind = registers[account if account is not None else banks[0]].kind
        return QifFile(kind, formats, [], [], listed, account)
    register = registers[account]
    mark = _decimal_mark([r.amount_text() for r in records])
    rows: list[Row] = []
    problems: list[RowProblem] = []
    for record in register.records:
        row = _row(record, formats[0], quicken_years, mark)
        (rows if isinstance(row, Row) else problems).append(row)
    return QifFile(register.kind, formats, rows, problems, listed, account)


def _row(record: Record, date_format: str, quicken_years: bool, mark: str) -> Row | RowProblem:
    if not record.has("D"):
        return RowProblem(record.line, "The record has no date.")
    written = record.fields["D"]
    try:
        day = read_date(_date_text(written, quicken_years), date_format)
    except ValueError:
        return RowProblem(record.line, not_a_date(written.strip(), date_format))
    return record_row(record, day, mark)
