"""Reading the CSV files banks export, whatever their dialect.

`detect_layout` works out the delimiter, the header row (after any preamble lines), what each
column holds, the date format and the decimal mark; where the file cannot settle a question
(03/04/2025 when every day is 12 or less) the layout says so in `date_formats` instead of
guessing. `read_rows` then turns the file into rows with exact `Decimal` amounts, or per-line
problems. Both raise only ImportProblem.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from server.bankfiles.dates import (
    cannot_read_as,
    date_formats,
    not_a_date,
    read_date,
    read_two_ways,
)
from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.header_words import OUT_WORDS, ROLE_WORDS, role_of
from server.bankfiles.rows import Row, RowProblem

DELIMITERS = (",", ";", "\t", "|")
MAX_LINES = 200_000
_SAMPLE_LINES = 60
_PREAMBLE_LINES = 30
_DETECT_LINES = 2100  # the lines read to tell a file's layout (preamble, header, body)


@dataclass(frozen=True)
class Layout:
    """How to read one file: found by `detect_layout`, changed by the person if need be."""

    delimiter: str
    header_line: int  # 1-based line of the header row
    columns: dict[str, int]  # role -> column index
    date_formats: tuple[str, ...]  # one: settled; more: the person chooses
    decimal_mark: str  # "." or ","
    headers: tuple[str, ...] = field(default=())
    amounts_reversed: bool = False  # the file writes money out as positive (card charges)

    @property
    def ambiguous_dates(self) -> bool:
        return len(self.date_formats) > 1

    def with_date_format(self, date_format: str) -> Layout:
        if date_format not in self.date_formats:
            raise ImportProblem(cannot_read_as(date_format))
        return replace(self, date_formats=(date_format,))


def records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The file's records with the line each starts on (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    found = []
    try:
        for record in reader:
            if len(found) >= MAX_LINES:
                raise ImportProblem(f"The file has more than {MAX_LINES} lines.")
            found.append((reader.line_num, [cell.strip() for cell in record]))
    except csv.Error as error:
        raise ImportProblem(f"The file is not valid CSV: {error}.", reader.line_num) from None
    return [(line, cells) for line, cells in found if any(cells)]


def _delimiter(text: str) -> str:
    """The delimiter that splits the sample's lines into the most, steadiest columns."""
    sample = "\n".join(text.splitlines()[:_SAMPLE_LINES])
    best, best_score = ",", 0.0
    refusals: list[ImportProblem] = []
    for delimiter in DELIMITERS:
        try:
            rows = [r for _, r in records(sample, delimiter)]
        except ImportProblem as problem:
            refusals.append(problem)
            continue
        widths = [len(r) for r in rows]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        score = widths.count(common) * common
        if score > best_score:
            best, best_score = delimiter, score
    if best_score == 0:
        if refusals:  # a broken quote, most likely: say so
            raise refusals[0]
        raise ImportProblem("No columns found: this does not look like a CSV file.")
    return best


def _is_header(cells: list[str]) -> bool:
    texts = [c for c in cells if c and not re.fullmatch(r"[-+()\d.,/\s:€$£]+", c)]
    return len(texts) >= max(2, len([c for c in cells if c]) - 1)


def _amount_text(raw: str) -> str:
    return raw.replace("\u00a0", "").replace(" ", "").replace("'", "")


def _decimal_mark(values: list[str]) -> str:
    """ "," when amounts write cents after a comma (1.234,56 or 12,5), else "."."""
    comma = dot = 0
    for raw in values[:2000]:
        value = re.sub(r"[^\d.,]", "", _amount_text(raw))
        if re.search(r",\d{1,2}$", value):
            comma += 1
        elif re.search(r"\.\d{1,2}$", value) or re.search(r"\d,\d{3}$", value):
            dot += 1
    return "," if comma > dot else "."


_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_PLAIN = {".": re.compile(r"-?\d+(?:\.\d+)?"), ",": re.compile(r"-?\d+(?:,\d+)?")}
_CURRENCY_MARKS = re.compile(r"^[A-Z]{3}|[A-Z]{3}$|[€$£¥]")
_GROUPED = {
    mark: re.compile(rf"\d{{1,3}}(\{group}\d{{3}})*(\{mark}\d+)?|\d+(\{mark}\d+)?")
    for mark, group in ((".", ","), (",", "."))
}


def parse_amount(raw: str, decimal_mark: str) -> Decimal | None:
    """A bank's way of writing an amount as a Decimal; None for an empty cell.

    Knows thousands marks, a leading or trailing minus, (parentheses) for negatives, currency
    signs, and CR/DR suffixes. Raises ValueError for anything else.
    """
    if _PLAIN[decimal_mark].fullmatch(raw):  # most amounts: no need for the rest
        return Decimal(raw.replace(",", "."))
    text = _amount_text(raw).upper()
    if not text:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    for suffix, sign in (("CR", False), ("DR", True)):
        if text.endswith(suffix):
            negative, text = negative or sign, text[: -len(suffix)]
    text = _CURRENCY_MARKS.sub("", text)
    if text.endswith("-"):
        negative, text = not negative, text[:-1]
    if text.startswith(("-", "\u2212")):
        negative, text = not negative, text[1:]
    elif text.startswith("+"):
        text = text[1:]
    group = "." if decimal_mark == "," else ","
    if not _GROUPED[decimal_mark].fullmatch(text):
        raise ValueError(raw)
    value = Decimal(text.replace(group, "").replace(decimal_mark, "."))
    return -value if negative else value


def _head_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The records of the file's first lines: enough to tell its layout, however long it is."""
    lines = text.splitlines(keepends=True)
    if len(lines) <= _DETECT_LINES:
        return records(text, delimiter)
    try:
        return records("".join(lines[:_DETECT_LINES]), delimiter)
    except ImportProblem:  # a quoted field cut at the sample's end: read it all
        return records(text, delimiter)


def _columns(headers: list[str]) -> dict[str, int]:
    """Each role's column: the one whose header word ranks first, else the leftmost."""
    ranked: dict[str, tuple[int, int]] = {}
    for index, cell in enumerate(headers):
        found = role_of(cell)
        if found and (found[0] not in ranked or found[1] < ranked[found[0]][0]):
            ranked[found[0]] = (found[1], index)
    return {role: index for role, (_, index) in ranked.items()}


def _indicator_column(headers: list[str], body: list[list[str]]) -> int | None:
    """An unnamed column holding only S and H (Soll/Haben): German cooperative banks put one
    after an unsigned amount."""
    for index, header in enumerate(headers):
        values = {r[index].upper() for r in body[:200] if len(r) > index and r[index]}
        if not header.strip() and values and values <= {"S", "H"}:
            return index
    return None


def detect_layout(text: str) -> Layout:
    """Work out how to read the file (see the module's docstring)."""
    delimiter = _delimiter(text)
    head = _head_records(text, delimiter)
    header_at = None
    for index, (_, cells) in enumerate(head[:_PREAMBLE_LINES]):
        if _is_header(cells) and sum(role_of(c) is not None for c in cells) >= 2:
            header_at = index
            break
    if header_at is None:
        raise ImportProblem(
            "No header row found: the file needs a row naming its columns (date, amount, ...)."
        )
    header_line, headers = head[header_at]
    columns = _columns(headers)
    if "date" not in columns:
        raise ImportProblem("No date column: name one in the column mapping.", header_line)
    if "amount" not in columns and not {"debit", "credit"} <= set(columns):
        raise ImportProblem(
            "No amount column (or debit and credit columns): name them in the column mapping.",
            header_line,
        )
    body = [cells for _, cells in head[header_at + 1 :]]
    if "amount" in columns and "direction" not in columns:
        indicator = _indicator_column(headers, body)
        if indicator is not None:
            columns["direction"] = indicator
    dates = [r[columns["date"]] for r in body if len(r) > columns["date"] and r[columns["date"]]]
    formats = date_formats(dates[:2000])
    if not formats:
        raise ImportProblem("The dates are in a format Tallybook does not know.", header_line)
    money_columns = [columns[r] for r in ("amount", "debit", "credit") if r in columns]
    money = [r[c] for r in body for c in money_columns if len(r) > c and r[c]]
    return Layout(delimiter, header_line, columns, formats, _decimal_mark(money), tuple(headers))


def read_rows(text: str, layout: Layout) -> tuple[list[Row], list[RowProblem]]:
    """The file's transactions as `layout` reads them, and the lines it cannot read."""
    if layout.ambiguous_dates:
        raise ImportProblem(read_two_ways(layout.date_formats) + ": choose one.")
    date_format, mark = layout.date_formats[0], layout.decimal_mark
    # Each role's column; a role the file lacks reads the empty cell put last on every line.
    width = max(layout.columns.values(), default=0) + 1
    at = {role: layout.columns.get(role, -1) for role in ROLE_WORDS}
    date_at, payee_at, memo_at, id_at = at["date"], at["payee"], at["memo"], at["bank_id"]
    rows: list[Row] = []
    problems: list[RowProblem] = []
    for line, cells in records(text, layout.delimiter):
        if line <= layout.header_line:
            continue
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        cells.append("")
        written = cells[date_at]
        try:
            day = read_date(written, date_format)
        except ValueError:
            problems.append(RowProblem(line, not_a_date(written, date_format)))
            continue
        try:
            amount = _row_amount(cells, at, mark)
        except ValueError as error:
            problems.append(RowProblem(line, f"The amount {error.args[0]!r} is not a number."))
            continue
        if amount is None:
            problems.append(RowProblem(line, "The line has no amount."))
            continue
        if layout.amounts_reversed:
            amount = -amount
        payee, memo = _one_line(cells[payee_at]), _one_line(cells[memo_at])
        rows.append(Row(line, day, amount, payee, memo, cells[id_at] or None))
    return rows, problems


def _one_line(text: str) -> str:
    """A quoted cell that spans lines (Crédit Agricole's Libellé) as one line."""
    return _LINE_BREAKS.sub(" ", text) if "\n" in text or "\r" in text else text


def _row_amount(cells: list[str], at: dict[str, int], decimal_mark: str) -> Decimal | None:
    if cells[at["amount"]]:
        amount = parse_amount(cells[at["amount"]], decimal_mark)
        direction = cells[at["direction"]].lower()
        if amount is not None and direction:
            return -abs(amount) if direction in OUT_WORDS else abs(amount)
        return amount
    debit = parse_amount(cells[at["debit"]], decimal_mark)
    credit = parse_amount(cells[at["credit"]], decimal_mark)
    if debit is None and credit is None:
        return None
    return (credit or Decimal(0)) - abs(debit or Decimal(0))
