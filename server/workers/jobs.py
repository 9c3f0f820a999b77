"""Long work in the background (a large import), with its progress to poll.

Jobs live in the server's memory: the work itself is one database transaction, so a job lost
to a restart has either happened whole or not at all, and the import history says which.
One worker runs them in turn, as the database has one writer anyway.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from server.clock import utcnow
from server.error_log import ErrorLog
from server.errors import AppError, NotFound
from server.translatable import _l

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

    def __init__(self, errors: ErrorLog) -> None:
        self._errors = errors  # where a job's bug is logged, briefly and rate-limited
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
            raise NotFound(
                _l("No job %(job_id)s (finished jobs are kept for an hour).", job_id=job_id)
            )
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
        except Exception as error:
            self._errors.record(error, "a background job")
            job.problem = JobFailed(_l("Something went wrong on our side; it has been logged."))
            job.state = "failed"
        job.finished_at = utcnow()

    def _forget_old(self) -> None:
        cutoff = utcnow() - KEEP_FINISHED
        for job_id in [
            j.id for j in self._jobs.values() if j.finished_at and j.finished_at < cutoff
        ]:
            del self._jobs[job_id]
