"""A date more than a year ahead: refused at its field (and at `confirm_far_date`) unless
confirmed; a year to the day is still within."""

from __future__ import annotations

import datetime as dt

import pytest

from server.clock import local_date
from server.domain import validation as check
from server.domain.validation import Problems


@pytest.mark.parametrize(
    ("today", "year_later"),
    [
        (dt.date(2026, 12, 7), dt.date(2027, 12, 7)),
        (dt.date(2028, 2, 29), dt.date(2029, 2, 28)),  # no Feb 29 in 2029
        (dt.date(9999, 6, 1), dt.date(9999, 12, 31)),  # never past the last day kept
    ],
)
def test_one_year_after(today, year_later):
    assert check.one_year_after(today) == year_later


@pytest.mark.parametrize(
    ("day", "confirmed", "refused"),
    [
        (dt.date(2027, 12, 7), False, False),  # a year to the day: within
        (dt.date(2027, 12, 8), False, True),
        (dt.date(2207, 1, 1), False, True),  # the slip it is for: 2207 for 2027
        (dt.date(2207, 1, 1), True, False),
        (dt.date(1999, 1, 1), False, False),  # the past is never "ahead"
        (None, False, False),  # no date: other checks speak
    ],
)
def test_a_date_far_ahead_is_refused_unless_confirmed(day, confirmed, refused):
    problems = Problems()
    check.far_ahead(day, "date", problems, today=dt.date(2026, 12, 7), confirmed=confirmed)
    fields = [e.field for e in problems.errors]
    assert fields == (["date", check.CONFIRM_FAR_DATE] if refused else [])
    if refused:
        assert "after 2027-12-07" in problems.errors[0].message


def test_the_field_is_named_as_given():
    problems = Problems()
    check.far_ahead(
        dt.date(2100, 1, 1),
        "opening_date",
        problems.within("accounts[2]"),
        today=dt.date(2026, 1, 1),
        confirmed=False,
    )
    fields = [e.field for e in problems.errors]
    assert fields == ["accounts[2].opening_date", "accounts[2].confirm_far_date"]


def test_today_is_the_local_date_of_a_moment():
    moment = dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)
    assert local_date(moment) == moment.astimezone().date()
