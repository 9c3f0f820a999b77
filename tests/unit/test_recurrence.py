"""When scheduled transactions fall: every N days, weeks, months or years, and the ends of
months."""

from __future__ import annotations

import datetime as dt
from itertools import islice

import pytest

from server.clock import utcnow
from server.domain.recurrence import occurrences, recurrence
from server.domain.schedules import Schedule

D = dt.date


def days(frequency, start, *, interval=1, end=None, count=None, take=None) -> list[str]:
    """The first `take` dates of a recurrence (all of them when it ends)."""
    rule = recurrence(frequency, interval, start, end, count)
    return [moment.date().isoformat() for moment in islice(rule, take)]


@pytest.mark.parametrize(
    ("frequency", "start", "options", "expected"),
    [
        # every 3 days, over the end of a leap February
        (
            "daily",
            D(2024, 2, 26),
            {"interval": 3, "count": 4},
            ["02-26", "02-29", "03-03", "03-06"],
        ),
        # every other week, on the start's weekday (a Wednesday); the end day counts
        (
            "weekly",
            D(2025, 1, 1),
            {"interval": 2, "end": D(2025, 1, 29)},
            ["01-01", "01-15", "01-29"],
        ),
        # the 31st becomes the last day of shorter months (a leap February: the 29th)
        (
            "monthly",
            D(2024, 1, 31),
            {"count": 6},
            ["01-31", "02-29", "03-31", "04-30", "05-31", "06-30"],
        ),
        ("monthly", D(2023, 1, 30), {"count": 3}, ["01-30", "02-28", "03-30"]),
        ("monthly", D(2023, 1, 29), {"count": 3}, ["01-29", "02-28", "03-29"]),
        ("monthly", D(2024, 1, 29), {"count": 3}, ["01-29", "02-29", "03-29"]),
        # every 3 months on the 31st: April has 30 days
        (
            "monthly",
            D(2025, 1, 31),
            {"interval": 3, "count": 4},
            ["01-31", "04-30", "07-31", "10-31"],
        ),
        (
            "monthly",
            D(2025, 1, 15),
            {"interval": 3, "end": D(2025, 12, 31)},
            ["01-15", "04-15", "07-15", "10-15"],
        ),
        ("monthly", D(2025, 1, 15), {"end": D(2025, 3, 14)}, ["01-15", "02-15"]),
        ("monthly", D(2025, 1, 15), {"count": 1}, ["01-15"]),
    ],
)
def test_recurrence_within_a_year(frequency, start, options, expected):
    assert days(frequency, start, **options) == [f"{start.year}-{d}" for d in expected]


def test_yearly_on_feb_29_falls_on_feb_28_outside_leap_years():
    assert days("yearly", D(2024, 2, 29), count=5) == [
        "2024-02-29",
        "2025-02-28",
        "2026-02-28",
        "2027-02-28",
        "2028-02-29",
    ]
    assert days("yearly", D(2025, 3, 31), interval=2, count=3) == [
        "2025-03-31",
        "2027-03-31",
        "2029-03-31",
    ]


def test_a_schedule_without_an_end_goes_on():
    assert len(days("daily", D(2025, 1, 1), take=1000)) == 1000
    assert days("monthly", D(2025, 1, 31), take=14)[-1] == "2026-02-28"


def _schedule(**fields) -> Schedule:
    values = {
        "id": 1,
        "book_id": 1,
        "name": None,
        "account_id": 1,
        "currency": "EUR",
        "amount": -100,
        "payee": "Gym",
        "category_id": None,
        "memo": "",
        "tags": [],
        "transfer_account_id": None,
        "frequency": "monthly",
        "interval": 1,
        "start_date": D(2020, 1, 31),
        "end_date": None,
        "count": None,
        "next_date": D(2020, 1, 31),
        "auto_enter": False,
        "revision": 1,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    return Schedule(**(values | fields))


def test_occurrences_of_a_schedule_that_started_in_the_past():
    started = _schedule()
    assert occurrences(started, D(2025, 1, 31), D(2025, 4, 30)) == [
        D(2025, 2, 28),
        D(2025, 3, 31),
        D(2025, 4, 30),
    ]
    assert occurrences(started, None, D(2020, 3, 1)) == [D(2020, 1, 31), D(2020, 2, 29)]
    assert occurrences(_schedule(count=2), D(2020, 1, 1), D(2030, 1, 1)) == [
        D(2020, 1, 31),
        D(2020, 2, 29),
    ]
    assert occurrences(_schedule(end_date=D(2020, 2, 28)), None, D(2030, 1, 1)) == [D(2020, 1, 31)]
