"""Amounts and dates as a budgeting app writes them in its CSV exports: in the budget's own
format ("€1.234,56", "-$12.99", "1'234.50 CHF"; "31.10.2026", "10/31/2026", "2026-10-31"),
which the export does not name. The format is worked out from all of a file's values at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies

from server.otherapps.foreign_book import ForeignBookProblem

# Currency signs as exports write them, longest first, and the currency each stands for.
_SIGNS = {
    "CA$": "CAD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "R$": "BRL",
    "C$": "CAD",
    "A$": "AUD",
    "zł": "PLN",
    "Kč": "CZK",
    "Ft": "HUF",
    "kr": "SEK",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₪": "ILS",
    "₺": "TRY",
    "$": "USD",
}
_NUMBER = re.compile(r"[0-9.,'\u00a0\u202f ]+")
_DATE = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})")


def currency_of(amounts: Iterable[str]) -> str | None:
    """Return the currency the amounts are written in (by sign or ISO code), if they say."""
    for amount in amounts:
        sign = _NUMBER.sub("", amount).replace("-", "").replace("(", "").replace(")", "")
        if not sign:
            continue
        if sign.upper() in list_currencies():
            return sign.upper()
        for written, code in _SIGNS.items():
            if written in sign:
                return code
    return None


def decimal_mark(amounts: Iterable[str]) -> str | None:
    """Return the decimal mark of the amounts: the last mark of an amount that has both, or
    one followed by other than three digits (a grouping mark always has three)."""
    for amount in amounts:
        digits = re.sub(r"[^0-9.,]", "", amount)
        marks = [c for c in digits if c in ".,"]
        if not marks:
            continue
        last = marks[-1]
        if len(set(marks)) == 2 or len(digits) - digits.rindex(last) - 1 != 3:
            return last
    return None


def money_reader(mark: str | None) -> Callable[[str], Decimal]:
    """Return a reader of amounts written with the decimal mark `mark` (None: whole numbers)."""

    def read(text: str) -> Decimal:
        written = text.strip()
        negative = written.startswith(("-", "(")) or "-" in written
        digits = re.sub(r"[^0-9.,]", "", written)
        if mark is None:
            digits = digits.replace(",", "").replace(".", "")
        else:
            digits = digits.replace("." if mark == "," else ",", "").replace(mark, ".")
        try:
            value = Decimal(digits or "0")
        except InvalidOperation:
            raise ValueError(f"{text!r} is not an amount") from None
        if not digits and written:
            raise ValueError(f"{text!r} is not an amount")
        return -value if negative else value

    return read


def date_reader(texts: Iterable[str], *, month_first: bool) -> Callable[[str], date]:
    """Return a reader of the dates as written: year first, or day and month in the order
    the dates show (`month_first` decides when no date does, e.g. all before the 13th)."""
    order = None
    for text in texts:
        found = _DATE.fullmatch(text.strip())
        if found is None:
            continue
        first, second, _ = (int(part) for part in found.groups())
        if len(found.group(1)) == 4:
            order = "ymd"
        elif first > 12:
            order = "dmy"
        elif second > 12:
            order = "mdy"
        if order:
            break
    order = order or ("mdy" if month_first else "dmy")

    def read(text: str) -> date:
        found = _DATE.fullmatch(text.strip())
        if found is None:
            raise ValueError(f"{text!r} is not a date")
        parts = dict(zip(order, (int(part) for part in found.groups()), strict=True))
        try:
            return date(parts["y"], parts["m"], parts["d"])
        except ValueError:
            raise ValueError(f"{text!r} is not a date") from None

    return read


def problem_at(line: int, error: ValueError) -> ForeignBookProblem:
    """A value that cannot be read, named with its line."""
    return ForeignBookProblem(f"Line {line}: {error}.")
