"""Unexpected errors in the log: briefly, and never so many that they roll the log over.

Each is one line (its kind, its message cut short, the route); the first of each kind at a
route also gets its traceback. Past `per_minute` lines in a minute the rest are only counted,
and the count is said with the next line logged: a flood of errors cannot push the sign-in
trail out of the rotating log file.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from server.clock import utcnow

MESSAGE_MAX = 200  # characters of an error's message in its line
KINDS_REMEMBERED = 100  # (kind, route) pairs whose traceback was logged; past that, none more
WINDOW = timedelta(minutes=1)


class ErrorLog:
    """Log unexpected errors to `logger`, at most `per_minute` lines a minute."""

    def __init__(self, logger: logging.Logger, per_minute: int) -> None:
        self._logger = logger
        self._per_minute = per_minute
        self._lock = threading.Lock()  # waitress answers on several threads
        self._traced: set[tuple[str, str]] = set()
        self._window_start: datetime | None = None
        self._logged = 0
        self._unlogged = 0

    def record(self, error: BaseException, where: str) -> None:
        """Log `error`, which happened at `where` (e.g. `POST /api/v1/books`), if this minute
        has room; else count it."""
        kind = type(error).__qualname__
        with self._lock:
            now = utcnow()
            if self._window_start is None or now - self._window_start >= WINDOW:
                self._window_start, self._logged = now, 0
            if self._logged >= self._per_minute:
                self._unlogged += 1
                return
            self._logged += 1
            unlogged, self._unlogged = self._unlogged, 0
            traced = (kind, where) in self._traced or len(self._traced) >= KINDS_REMEMBERED
            if not traced:
                self._traced.add((kind, where))
        self._logger.error(
            "unexpected %s on %s: %s%s",
            kind,
            where,
            _one_line(str(error)),
            f" ({unlogged} more were not logged: too many a minute)" if unlogged else "",
            exc_info=None if traced else error,
        )


def _one_line(message: str) -> str:
    """Return `message` on one line, cut short, as text a UTF-8 log file can hold."""
    flat = " ".join(message.split())
    if len(flat) > MESSAGE_MAX:
        flat = flat[:MESSAGE_MAX] + "…"
    return flat.encode("utf-8", "backslashreplace").decode("utf-8")
