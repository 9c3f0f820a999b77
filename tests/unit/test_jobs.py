"""Background jobs: their progress, their result, and why they failed."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from server.error_log import ErrorLog
from server.errors import NotFound, ValidationFailed
from server.workers.jobs import Job, JobFailed, Jobs


def finished(job: Job) -> Job:
    for _ in range(400):
        if job.state in ("done", "failed"):
            return job
        time.sleep(0.01)
    raise AssertionError("the job did not end")


def test_a_job_reports_progress_then_its_result():
    jobs = Jobs(ErrorLog(logging.getLogger("tallybook.test"), per_minute=20))
    go = threading.Event()

    def work(progress):
        progress(5, 10)
        go.wait(5)
        progress(10, 10)
        return "made"

    job = jobs.submit(1, work)
    for _ in range(400):
        if job.done == 5:
            break
        time.sleep(0.01)
    assert (job.state, job.done, job.total) == ("running", 5, 10)
    go.set()
    assert finished(job).result == "made"
    assert (job.state, job.done, job.problem) == ("done", 10, None)
    assert job.finished_at is not None


def test_a_refused_job_keeps_the_refusal_and_a_bug_becomes_a_500():
    jobs = Jobs(ErrorLog(logging.getLogger("tallybook.test"), per_minute=20))

    def refused(progress):
        raise ValidationFailed.on("account_id", "No such account.")

    def broken(progress):
        raise KeyError("a bug")

    first = finished(jobs.submit(1, refused))
    assert (first.state, first.problem.status, first.problem.errors[0].field) == (
        "failed",
        422,
        "account_id",
    )
    second = finished(jobs.submit(1, broken))
    assert second.state == "failed" and isinstance(second.problem, JobFailed)
    assert second.problem.status == 500 and "a bug" not in second.problem.detail


def test_a_job_is_found_only_in_its_book():
    jobs = Jobs(ErrorLog(logging.getLogger("tallybook.test"), per_minute=20))
    job = finished(jobs.submit(1, lambda progress: None))
    assert jobs.get(1, job.id) is job
    with pytest.raises(NotFound):
        jobs.get(2, job.id)


def test_a_jobs_bugs_are_logged_briefly_and_rate_limited(caplog):
    """A bug in a job is logged like one in a request: a line each, a traceback for the first
    of its kind, no more lines a minute than the error log allows."""
    jobs = Jobs(ErrorLog(logging.getLogger("tallybook.test"), per_minute=3))

    def broken(progress):
        raise KeyError("a bug")

    with caplog.at_level(logging.ERROR, logger="tallybook.test"):
        for _ in range(10):
            finished(jobs.submit(1, broken))
    lines = [r for r in caplog.records if r.name == "tallybook.test"]
    assert [r.getMessage() for r in lines] == [
        "unexpected KeyError on a background job: 'a bug'"
    ] * 3
    assert [r.exc_info is not None for r in lines] == [True, False, False]
