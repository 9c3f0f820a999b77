"""Working out how a file writes its dates, and saying so when the file cannot settle it."""

from __future__ import annotations

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


@lru_cache(maxsize=8192)
def read_date(value: str, date_format: str) -> date:
    """The date `value` writes in `date_format`; ValueError if it does not.

    Remembered: a statement repeats a few hundred dates over and over, and strptime is slow.
    """
    return datetime.strptime(value, date_format).date()


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
