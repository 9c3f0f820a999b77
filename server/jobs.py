"""Work in the background: long work (a large import) with its progress to poll, and work that
comes back at an interval (backups, scheduled transactions).

Jobs live in the server's memory: the work itself is one database transaction, so a job lost
to a restart has either happened whole or not at all, and the import history says which.
One worker runs them in turn, as the database has one writer anyway.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from server.clock import utcnow
from server.errors import AppError, NotFound

log = logging.getLogger("tallybook.jobs")

KEEP_FINISHED = timedelta(hours=1)
STATES = ("queued", "running", "done", "failed")
# What a job's work is given to say how far it got: (done, total).
Progress = Callable[[int, int], None]


class JobFailed(AppError):
    """A job that broke on a bug of ours (logged), as its problem says."""

    status, title, code = 500, "Internal server error", "internal_error"


@dataclass
class Job:
    """One piece of background work in a book."""

    id: str
    book_id: int
    state: str = "queued"
    done: int = 0
    total: int = 0
    result: Any = None  # what the work returned, once done
    problem: AppError | None = None  # why it failed, once failed
    created_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None


class Jobs:
    """The server's background jobs (one worker, started on first use)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, book_id: int, work: Callable[[Progress], Any]) -> Job:
        """Queue `work(progress)`; its result or its AppError is kept on the job."""
        job = Job(secrets.token_urlsafe(12), book_id)
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job")
            self._executor.submit(self._run, job, work)
        return job

    def get(self, book_id: int, job_id: str) -> Job:
        """A job in this book (its id is hard to guess); any other is NotFound."""
        job = self._jobs.get(job_id)
        if job is None or job.book_id != book_id:
            raise NotFound(f"No job {job_id} (finished jobs are kept for an hour).")
        return job

    def _run(self, job: Job, work: Callable[[Progress], Any]) -> None:
        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        job.state = "running"
        try:
            job.result = work(progress)
            job.state = "done"
        except AppError as error:
            job.problem, job.state = error, "failed"
        except Exception:
            log.exception("job %s failed", job.id)
            job.problem = JobFailed("Something went wrong on our side; it has been logged.")
            job.state = "failed"
        job.finished_at = utcnow()

    def _forget_old(self) -> None:
        cutoff = utcnow() - KEEP_FINISHED
        for job_id in [
            j.id for j in self._jobs.values() if j.finished_at and j.finished_at < cutoff
        ]:
            del self._jobs[job_id]


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
