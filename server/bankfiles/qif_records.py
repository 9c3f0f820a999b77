"""One QIF record as a transaction: its amount and date, and what Quicken-like programs add
to it: the category (`LHousing:Rent`), the class after a slash (`LRent/Business`), a transfer
(`L[Savings]`), the cleared mark (`C*`, `Cc`, `CX`, `CR`), a check number (`N1042`) and the
split lines (`S` category or [account], `E` memo, `$` amount, `%` percent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from server.bankfiles.csv_file import parse_amount
from server.bankfiles.rows import Row, RowProblem, RowSplit

SPLIT_CODES = frozenset("SE$%")
# What Microsoft Money writes as the category of a split record: no category of its own.
_NO_CATEGORY = ("--split--",)
_CLEARED = {"*": "cleared", "c": "cleared", "x": "reconciled", "r": "reconciled"}


@dataclass
class Record:
    """A record's fields as the file writes them: the first of each code, and its split lines."""

    line: int  # where its first field is
    fields: dict[str, str] = field(default_factory=dict)
    splits: list[dict[str, str]] = field(default_factory=list)

    def add(self, code: str, value: str) -> None:
        """Take one line: a split's lines start a split at S (or at a code it has already)."""
        if code in SPLIT_CODES:
            if code == "S" or not self.splits or code in self.splits[-1]:
                self.splits.append({})
            self.splits[-1].setdefault(code, value)
        else:  # the first of a code counts
            self.fields.setdefault(code, value)

    def has(self, code: str) -> bool:
        """Whether the record has a non-empty field of this code."""
        return bool(self.fields.get(code))

    def whole(self) -> bool:
        """Whether it has what a transaction needs: a date and an amount."""
        return self.has("D") and (self.has("T") or self.has("U"))

    def amount_text(self) -> str:
        """The amount as written: T, or U where a file has no T."""
        return self.fields.get("T") or self.fields.get("U") or ""


def category_of(text: str) -> tuple[str | None, str | None, str | None]:
    """(category, transfer account, class) of an `L` or `S` value: `Food:Groceries/Business`,
    `[Savings]`, `[Savings]/Business`, or nothing."""
    text = text.strip()
    account = None
    if text.startswith("["):
        end = text.find("]")
        if end > 0:
            account, text = text[1:end].strip() or None, text[end + 1 :]
    name, _, class_name = text.partition("/")
    category = None if account else name.strip() or None
    if category and category.lower() in _NO_CATEGORY:
        category = None
    return category, account, class_name.strip() or None


def _splits(record: Record, total: Decimal, mark: str) -> tuple[RowSplit, ...] | str:
    """The record's split lines, or why they cannot be read."""
    parts = []
    for written in record.splits:
        category, account, _ = category_of(written.get("S", ""))
        memo = written.get("E", "")
        if written.get("$"):
            amount = parse_amount(written["$"], mark)
        else:
            try:  # only a share of the total: to the cent
                amount = (total * Decimal(written.get("%", "").rstrip("%")) / 100).quantize(
                    Decimal("0.01")
                )
            except InvalidOperation:
                amount = None
        if amount is None:
            return f"A split line has no amount: {written.get('$') or written.get('%') or ''!r}."
        parts.append(RowSplit(amount, category, account, memo))
    if sum(p.amount for p in parts) != total:
        return f"The split lines add up to {sum(p.amount for p in parts)}, not to {total}."
    return tuple(parts)


def record_row(record: Record, day: date, mark: str) -> Row | RowProblem:
    """The record as a row, once its date is read."""
    fields = record.fields
    raw = record.amount_text()
    if not raw:
        return RowProblem(record.line, "The record has no amount.")
    try:
        amount = parse_amount(raw, mark)
    except ValueError:
        amount = None
    if amount is None:
        return RowProblem(record.line, f"The amount {raw!r} is not a number.")
    splits: tuple[RowSplit, ...] | str = ()
    if record.splits:
        try:
            splits = _splits(record, amount, mark)
        except ValueError:
            splits = "A split line's amount is not a number."
        if isinstance(splits, str):
            return RowProblem(record.line, splits)
    memo = fields.get("M", "")
    if memo == "(null)":  # HomeBank 4's way of writing no memo
        memo = ""
    number = fields.get("N", "")
    if re.fullmatch(r"[0-9]+", number):  # a check's number; N also says ATM, DEP, EFT...
        # In the memo, where a search for "check 1042" finds it.
        memo = f"{memo} (check {number})" if memo else f"Check {number}"
    category, transfer, class_name = category_of(fields.get("L", ""))
    return Row(
        record.line,
        day,
        amount,
        fields.get("P", ""),
        memo,
        None,
        None if splits else category,  # a split record's own L is only a summary
        None if splits else transfer,
        class_name,
        _CLEARED.get(fields.get("C", "").lower(), ""),
        splits,
    )
