"""What every import parser hands on: the file's transactions, and the lines it cannot read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple


class Row(NamedTuple):
    """One transaction as the file states it (a tuple: files hold 100k of them)."""

    line: int
    date: date
    amount: Decimal
    payee: str
    memo: str
    bank_id: str | None


@dataclass(frozen=True)
class RowProblem:
    """A line (or record) of the file that cannot be read, and why."""

    line: int
    message: str
