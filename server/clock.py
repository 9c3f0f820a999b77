"""Timestamps as stored and served: timezone-aware UTC, ISO 8601 with a trailing Z; and the
one "today" of the app (schedules fall due, balances are as of it): the server's local date."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Return the current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def to_iso(moment: datetime) -> str:
    """Format an aware datetime as `2026-11-24T21:40:00Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str) -> datetime:
    """Parse a timestamp written by `to_iso`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_date(moment: datetime) -> date:
    """Return the calendar day an aware moment falls on where the server runs."""
    return moment.astimezone().date()


def local_today() -> date:
    """Return today where the server runs: the day schedules fall due and balances are as of."""
    return local_date(utcnow())
