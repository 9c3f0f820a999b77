"""The catch-up of auto-enter schedules is bounded (issue 16, finding 6): a schedule whose
start lies far back enters nothing by itself beyond CATCH_UP_MAX overdue occurrences, says so,
and waits for the user, who enters or skips them all at once, in one write."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterator

import pytest

from server.clock import utcnow
from server.db import Database
from server.domain.occurrences import CATCH_UP_MAX, MAX_DAYS_AHEAD, enter_due

BOOKS = "/api/v1/books"
TODAY = dt.date.today()


@pytest.fixture
def book(alex) -> dict:
    """Alex's book with a euro account holding 100.00."""
    book_id = alex.get(BOOKS).json["items"][0]["id"]
    base = f"{BOOKS}/{book_id}"
    account = alex.post(
        base + "/accounts",
        json={"name": "Checking", "type": "checking", "currency": "EUR", "opening_balance": "100"},
    )
    return {"base": base, "account": account.json["id"]}


def daily(alex, book: dict, start: dt.date, payee: str = "Coffee") -> dict:
    """A daily auto-enter schedule of -1.00 from `start` (as an app may make one)."""
    body = {
        "account_id": book["account"],
        "amount": "-1.00",
        "payee": payee,
        "frequency": "daily",
        "start_date": start.isoformat(),
        "auto_enter": True,
    }
    made = alex.post(book["base"] + "/schedules", json=body)
    assert made.status_code == 201, made.json
    return made.json


@pytest.fixture
def writes(database: Database) -> Iterator[list[str]]:
    """The write transactions the database begins (its writer's own statements)."""
    begun: list[str] = []
    database._writer.set_trace_callback(
        lambda sql: begun.append(sql) if sql.startswith("BEGIN") else None
    )
    yield begun
    database._writer.set_trace_callback(None)


def counts(alex, book: dict) -> tuple[int, str]:
    """The book's transactions and the account's balance."""
    account = alex.get(f"{book['base']}/accounts/{book['account']}").json
    listed = alex.get(f"{book['base']}/transactions?limit=500").json
    return len(listed["items"]), account["balance"]


def test_a_schedule_from_1900_enters_nothing_by_itself_and_says_why(alex, book, database, caplog):
    schedule = daily(alex, book, dt.date(1900, 1, 1))
    overdue = (TODAY - dt.date(1900, 1, 1)).days + 1
    shown = alex.get(f"{book['base']}/schedules/{schedule['id']}").json
    assert (shown["overdue"], shown["auto_enter_held"]) == (overdue, True)
    assert alex.get(f"{book['base']}/schedules").json["items"][0]["overdue"] == overdue

    caplog.set_level(logging.INFO, logger="tallybook.schedules")
    assert enter_due(database, today=TODAY, now=utcnow()) == []
    assert counts(alex, book) == (0, "100.00")
    assert caplog.messages == [
        f"schedule {schedule['id']} not entered: more than {CATCH_UP_MAX} occurrences are "
        "overdue, so they wait for the user to enter or skip them"
    ]


def test_up_to_the_bound_is_entered_by_itself_in_one_write(alex, book, database, writes, caplog):
    held = daily(alex, book, TODAY - dt.timedelta(days=CATCH_UP_MAX), "Held")  # one too many
    caught_up = daily(alex, book, TODAY - dt.timedelta(days=CATCH_UP_MAX - 1), "Caught up")
    caplog.set_level(logging.INFO, logger="tallybook.schedules")
    writes.clear()

    entered = enter_due(database, today=TODAY, now=utcnow())
    assert [t.payee for t in entered] == ["Caught up"] * CATCH_UP_MAX
    assert len(writes) == 2  # one write per schedule: the held one's enters nothing
    assert counts(alex, book) == (CATCH_UP_MAX, f"{100 - CATCH_UP_MAX}.00")
    assert len(caplog.messages) == 2
    assert caplog.messages[1] == (
        f"schedule {caught_up['id']} entered for {TODAY - dt.timedelta(days=CATCH_UP_MAX - 1)} "
        f"to {TODAY}: {CATCH_UP_MAX} transaction(s) in book {entered[0].book_id}"
    )
    listed = {s["id"]: s for s in alex.get(f"{book['base']}/schedules").json["items"]}
    assert (listed[held["id"]]["overdue"], listed[held["id"]]["auto_enter_held"]) == (
        CATCH_UP_MAX + 1,
        True,
    )
    assert (listed[caught_up["id"]]["overdue"], listed[caught_up["id"]]["auto_enter_held"]) == (
        0,
        False,
    )


def test_enter_all_enters_the_backlog_in_one_write(alex, book, database, writes, caplog):
    schedule = daily(alex, book, TODAY - dt.timedelta(days=99))
    url = f"{book['base']}/schedules/{schedule['id']}"
    feed = alex.get(f"{book['base']}/changes").json["next_cursor"]
    caplog.set_level(logging.INFO, logger="tallybook.schedules")
    writes.clear()

    answer = alex.post(url + "/enter", json={"until": TODAY.isoformat()})
    assert answer.status_code == 201, answer.json
    assert answer.json["date"] == TODAY.isoformat()  # the last one entered
    assert len(writes) == 1
    assert len(caplog.messages) == 1 and ": 100 transaction(s) in book" in caplog.messages[0]
    assert counts(alex, book) == (100, "0.00")
    changed = alex.get(f"{book['base']}/changes?since={feed}").json["changes"]
    kinds = Counter(c["kind"] for c in changed)
    assert (kinds["transaction"], kinds["schedule"], kinds["account"]) == (100, 1, 1)
    shown = alex.get(url).json
    assert (shown["next_date"], shown["overdue"], shown["auto_enter_held"]) == (
        (TODAY + dt.timedelta(days=1)).isoformat(),
        0,
        False,
    )
    again = alex.post(url + "/enter", json={"until": TODAY.isoformat()})
    assert again.status_code == 409
    assert enter_due(database, today=TODAY, now=utcnow()) == []


def test_skip_them_skips_the_backlog_and_the_answer_shows_it(alex, book):
    schedule = daily(alex, book, dt.date(1990, 1, 1))
    url = f"{book['base']}/schedules/{schedule['id']}"
    skipped = alex.post(url + "/skip", json={"until": TODAY.isoformat()})
    assert skipped.status_code == 200, skipped.json
    assert (skipped.json["overdue"], skipped.json["auto_enter_held"]) == (0, False)
    assert skipped.json["next_date"] == (TODAY + dt.timedelta(days=1)).isoformat()
    assert counts(alex, book) == (0, "100.00")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"until": TODAY.isoformat(), "date": TODAY.isoformat()}, 422, "until"),
        ({"until": (TODAY + dt.timedelta(days=MAX_DAYS_AHEAD + 1)).isoformat()}, 422, "until"),
        ({"until": "2000-01-01"}, 409, None),  # before its start: nothing to take
    ],
)
def test_until_that_cannot_be_taken_is_refused(alex, book, body, status, field):
    schedule = daily(alex, book, TODAY - dt.timedelta(days=3))
    for action in ("enter", "skip"):
        answer = alex.post(f"{book['base']}/schedules/{schedule['id']}/{action}", json=body)
        assert answer.status_code == status, answer.json
        if field:
            assert [e["field"] for e in answer.json["errors"]] == [field]
    assert counts(alex, book) == (0, "100.00")
