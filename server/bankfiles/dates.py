"""Working out how a file writes its dates, and saying so when the file cannot settle it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

DATE_FORMAT_TEXT_MAX = 20  # a bound on a chosen format as sent (one of those a file offers)
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%d.%m.%y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%Y%m%d",
    "%d %b %Y",
    "%b %d, %Y",
    "%d-%b-%Y",
)
# How a person reads each format (API values stay the codes; people never see them).
_FORMAT_WORDS = {
    "%Y-%m-%d": "year-month-day",
    "%d.%m.%Y": "day.month.year",
    "%d/%m/%Y": "day/month/year",
    "%m/%d/%Y": "month/day/year",
    "%d-%m-%Y": "day-month-year",
    "%m-%d-%Y": "month-day-year",
    "%Y/%m/%d": "year/month/day",
    "%d.%m.%y": "day.month.two-digit year",
    "%d/%m/%y": "day/month/two-digit year",
    "%m/%d/%y": "month/day/two-digit year",
    "%Y%m%d": "year, month and day run together",
    "%d %b %Y": "day, month's name, year",
    "%b %d, %Y": "month's name, day, year",
    "%d-%b-%Y": "day-month's name-year",
}
_EXAMPLE_DAY = date(2026, 12, 31)  # day and month can't be mistaken for each other


@lru_cache(maxsize=8192)
def read_date(value: str, date_format: str) -> date:
    """The date `value` writes in `date_format`; ValueError if it does not.

    Remembered: a statement repeats a few hundred dates over and over, and strptime is slow.
    """
    return datetime.strptime(value, date_format).date()


def format_words(date_format: str) -> str:
    """Say how `date_format` writes a date, with an example: "day.month.year (like 31.12.2026)"."""
    words = _FORMAT_WORDS.get(date_format, "this layout")
    return f"{words} (like {_EXAMPLE_DAY.strftime(date_format)})"


def _shape(text: str) -> str:
    return re.sub(r"[^\W\d_]", "a", re.sub(r"\d", "9", text))


def not_a_date(written: str, date_format: str) -> str:
    """Why `written` is no date in `date_format`, in words a person reads (never the codes)."""
    if not written.strip():
        return "The line has no date."
    if _shape(written) == _shape(_EXAMPLE_DAY.strftime(date_format)):
        return f"{written} is not a date."  # the right layout, an impossible day (31.11.)
    return f"{written} is not a date written {format_words(date_format)}."


def cannot_read_as(date_format: str) -> str:
    """The refusal of a chosen format that the file's dates do not fit."""
    return f"The dates of this file are not written {format_words(date_format)}."


def read_two_ways(date_formats: Sequence[str]) -> str:
    """The choice a file's dates leave, in words: "... can be read as A or B: choose one"."""
    return "The dates can be read as " + " or ".join(map(format_words, date_formats))


def parses(value: str, date_format: str) -> bool:
    try:
        read_date(value, date_format)
    except ValueError:
        return False
    return True


def date_formats(values: list[str], formats: Sequence[str] = DATE_FORMATS) -> tuple[str, ...]:
    """The formats that read the most of `values` (a broken line does not decide).

    Formats that read those dates alike are one answer; formats that disagree (day and month
    both 12 or less everywhere) are a choice for the person. Empty when none reads half.
    """
    seen = Counter(values)  # each distinct date once (failures are not remembered)
    counts = {f: sum(n for v, n in seen.items() if parses(v, f)) for f in formats}
    best = max(counts.values(), default=0)
    if best == 0 or best * 2 < len(values):
        return ()
    fitting = [f for f in formats if counts[f] == best]
    common = [v for v in seen if all(parses(v, f) for f in fitting)]
    distinct: dict[tuple[date, ...], str] = {}
    for date_format in fitting:
        key = tuple(read_date(v, date_format) for v in common)
        distinct.setdefault(key, date_format)
    return tuple(distinct.values())
