"""Work that comes back at an interval while the server runs: daily backups and the automatic
entry of scheduled transactions, each in a thread of its own."""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

from server.clock import local_today, utcnow
from server.db import Database
from server.db.backups import create_backup
from server.domain.occurrences import enter_due

log = logging.getLogger("tallybook.workers")


class Periodic:
    """Work done in a thread of its own `first_delay` after `start()`, then every `interval`,
    until `stop()` (or the database closes under it). A failed round is logged and the next
    one comes as planned: background work never takes the app down."""

    name = "periodic work"

    def __init__(self, interval: timedelta, first_delay: timedelta = timedelta(0)) -> None:
        self._interval = interval
        self._first_delay = first_delay
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def round(self) -> None:
        """One round of the work."""
        raise NotImplementedError

    def _run(self) -> None:
        if self._stop.wait(self._first_delay.total_seconds()):
            return
        while not self._stop.is_set():
            try:
                self.round()
            except sqlite3.ProgrammingError:  # the database was closed: the server stopped
                log.info("%s stopped with the database", self.name)
                return
            except Exception:
                log.exception("%s failed", self.name)
            self._stop.wait(self._interval.total_seconds())


class DailyBackups(Periodic):
    """Back up `first_delay` after starting (not while the window opens), then every
    `interval` while the process runs."""

    name = "automatic backups"

    def __init__(
        self,
        database: Database,
        first_delay: timedelta,
        interval: timedelta = timedelta(days=1),
    ) -> None:
        super().__init__(interval, first_delay)
        self._database = database
        self._reason = "start"

    def round(self) -> None:
        reason, self._reason = self._reason, "daily"
        create_backup(self._database, reason, datetime.now(UTC))


class AutoEntry(Periodic):
    """Enter what auto-enter schedules have due when started, then every `interval`, until
    stopped (or the database is closed)."""

    name = "automatic entry of scheduled transactions"

    def __init__(self, database: Database, interval: timedelta = timedelta(hours=1)) -> None:
        super().__init__(interval)
        self._database = database

    def round(self) -> None:
        enter_due(self._database, today=local_today(), now=utcnow())
