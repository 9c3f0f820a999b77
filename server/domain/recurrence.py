"""When a scheduled transaction falls: its recurrence as a dateutil rrule from its start, and
the dates that gives (every N days, weeks, months or years, ending on a date, after a count,
or never)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule

FREQUENCIES = ("daily", "weekly", "monthly", "yearly")
_RRULE_FREQ = {"daily": DAILY, "weekly": WEEKLY, "monthly": MONTHLY, "yearly": YEARLY}
MAX_INTERVAL = 1000
MAX_COUNT = 10_000


class Recurring(Protocol):
    """What a recurrence is made of (a schedule has it)."""

    @property
    def frequency(self) -> str: ...

    @property
    def interval(self) -> int: ...

    @property
    def start_date(self) -> dt.date: ...

    @property
    def end_date(self) -> dt.date | None: ...

    @property
    def count(self) -> int | None: ...


def _at_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def recurrence(
    frequency: str,
    interval: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
    count: int | None = None,
) -> rrule:
    """Return the dates a schedule falls on, as an rrule from its start.

    Weekly falls on the start's weekday; monthly on the start's day of the month, yearly on
    its day and month. A day a month lacks (the 31st, Feb 29) becomes that month's last day:
    of the days 28 up to the wanted one, the last that the month has (`bysetpos=-1`).
    """
    options: dict[str, Any] = {
        "dtstart": _at_midnight(start_date),
        "interval": interval,
        "count": count,
        "until": _at_midnight(end_date) if end_date else None,
    }
    if frequency in ("monthly", "yearly"):
        day = start_date.day
        options["bymonthday"] = tuple(range(28, day + 1)) if day > 28 else day
        options["bysetpos"] = -1 if day > 28 else None
        if frequency == "yearly":
            options["bymonth"] = start_date.month
    return rrule(_RRULE_FREQ[frequency], **options)


def recurrence_of(item: Recurring) -> rrule:
    """Return the recurrence of a schedule (or anything with its five fields)."""
    return recurrence(item.frequency, item.interval, item.start_date, item.end_date, item.count)


def dates(rule: rrule, after: dt.date | None, *, inclusive: bool = False) -> Iterator[dt.date]:
    """Return the rule's dates after `after` (on it too if `inclusive`; None: from its start)."""
    moments = rule if after is None else rule.xafter(_at_midnight(after), inc=inclusive)
    return (moment.date() for moment in moments)


def occurrences(item: Recurring, after: dt.date | None, until: dt.date) -> list[dt.date]:
    """Return the dates a schedule falls on after `after` (None: from its start) up to
    `until` (inclusive), whether entered, skipped or not."""
    found = []
    for day in dates(recurrence_of(item), after):
        if day > until:
            break
        found.append(day)
    return found


def next_open(rule: rrule, taken: Iterable[dt.date], after: dt.date | None) -> dt.date | None:
    """Return the first date of the rule after `after` that is not `taken` (neither entered
    nor skipped); None when none is left."""
    done = set(taken)
    return next((day for day in dates(rule, after) if day not in done), None)
