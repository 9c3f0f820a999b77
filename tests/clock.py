"""A clock the tests move by hand, put in place of the time where the app reads it."""

from __future__ import annotations

from datetime import datetime, timedelta

from server.clock import utcnow


class Clock:
    """A moment that stands still until a test moves it on: `utcnow()` stands in for
    `server.clock.utcnow`, `time()` for `time.time` (read by libraries)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or utcnow()

    def utcnow(self) -> datetime:
        """Return the clock's moment as `server.clock.utcnow` would: UTC, to the second."""
        return self.now.replace(microsecond=0)

    def time(self) -> float:
        """Return the clock's moment in seconds since the epoch, as `time.time` would."""
        return self.now.timestamp()

    def advance(self, seconds: float) -> None:
        """Move the clock on by `seconds`."""
        self.now += timedelta(seconds=seconds)
