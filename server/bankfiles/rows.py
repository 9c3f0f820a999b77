"""What every import parser hands on: the file's transactions, and the lines it cannot read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple


class RowSplit(NamedTuple):
    """One line of a split transaction: part of its amount, in a category or to an account."""

    amount: Decimal
    category: str | None  # as the file names it: "Group:Category" or "Category"
    transfer: str | None  # the account the part goes to (QIF's `[Savings]`)
    memo: str = ""


class Row(NamedTuple):
    """One transaction as the file states it (a tuple: files hold 100k of them).

    The fields after `bank_id` are what a QIF file says beyond the bank's own lines; CSV and
    OFX leave them at their defaults.
    """

    line: int
    date: date
    amount: Decimal
    payee: str
    memo: str
    bank_id: str | None
    category: str | None = None  # as the file names it: "Group:Category" or "Category"
    transfer: str | None = None  # the other account of a transfer, by its name
    tag: str | None = None  # QIF's class (`LRent/Business`)
    cleared: str = ""  # "", "cleared" or "reconciled", as the file marks it
    splits: tuple[RowSplit, ...] = ()


@dataclass(frozen=True)
class RowProblem:
    """A line (or record) of the file that cannot be read, and why."""

    line: int
    message: str
