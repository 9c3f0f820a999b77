"""Occurrences of scheduled transactions: entering and skipping them, entering what is due,
and listing what comes up.

Entering occurrences makes their transactions, records the occurrences in
`schedule_occurrences` and moves the schedule's `next_date` on, all in one write transaction.
That table's primary key (schedule, date) is what keeps an occurrence from being entered
twice, by two clicks, two threads or two processes, or again after a crash. `enter_due` enters
what auto-enter schedules have due (`server.workers.periodic.AutoEntry` calls it every hour),
up to CATCH_UP_MAX of them at once. `enter` and `skip` take one occurrence, or every one up to
a day; they join the write transaction of the route's book gate (`server.api.access`), which
checks the caller's role.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import sqlite_utils

from server.clock import to_iso
from server.db import Database
from server.domain.money import format_amount
from server.domain.recurrence import dates, next_open, recurrence_of
from server.domain.schedules import (
    SELECT_SCHEDULES,
    Schedule,
    get_schedule,
    schedule_from_row,
    taken_dates,
)
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import Transaction, create_in_write
from server.errors import AppError, Conflict, ValidationFailed
from server.translatable import _l

log = logging.getLogger("tallybook.schedules")

# Occurrences listed per schedule: a daily one left alone for years lists a month's worth.
MAX_UPCOMING = 31
MAX_DAYS_AHEAD = 366  # how far ahead upcoming occurrences are listed (or taken at once), at most
# An auto-enter schedule catches up by itself on at most this many overdue occurrences (in one
# write). With more, say a daily one whose start is years back, it enters none of them and
# waits for the user to enter or skip them (`enter` and `skip` with `until`).
CATCH_UP_MAX = 31


@dataclass(frozen=True)
class Backlog:
    """A schedule's occurrences due up to today that are neither entered nor skipped."""

    overdue: int
    held: bool  # an auto-enter schedule with more than CATCH_UP_MAX: the user decides


@dataclass(frozen=True)
class Upcoming:
    """One occurrence of a schedule still to enter (overdue ones too)."""

    schedule_id: int
    name: str | None
    date: dt.date
    account_id: int
    amount: int
    currency: str
    payee: str | None
    category_id: int | None
    transfer_account_id: int | None
    auto_enter: bool


def open_dates(
    conn: sqlite3.Connection, schedule: Schedule, until: dt.date, *, most: int | None = None
) -> list[dt.date]:
    """Return the schedule's occurrences up to `until` (inclusive) neither entered nor
    skipped, oldest first (the first `most` of them)."""
    if schedule.next_date is None or schedule.next_date > until:
        return []
    taken = {
        dt.date.fromisoformat(r[0])
        for r in conn.execute(
            "SELECT date FROM schedule_occurrences WHERE schedule_id = ? AND date BETWEEN ? AND ?",
            [schedule.id, schedule.next_date.isoformat(), until.isoformat()],
        )
    }
    found: list[dt.date] = []
    for day in dates(recurrence_of(schedule), schedule.next_date, inclusive=True):
        if day > until or len(found) == most:
            break
        if day not in taken:
            found.append(day)
    return found


def backlog(conn: sqlite3.Connection, schedule: Schedule, today: dt.date) -> Backlog:
    """Return how many of the schedule's occurrences are overdue, and whether they wait for
    the user (an auto-enter schedule with more than CATCH_UP_MAX)."""
    overdue = len(open_dates(conn, schedule, today))
    return Backlog(overdue, schedule.auto_enter and overdue > CATCH_UP_MAX)


def _to_take(
    conn: sqlite3.Connection,
    schedule: Schedule,
    day: dt.date | None,
    until: dt.date | None,
    now: dt.datetime,
) -> list[dt.date]:
    """The occurrences to enter or skip: every open one up to `until`, else `day`, else the
    next one."""
    if until is not None:
        if day is not None:
            raise ValidationFailed.on("until", _l("Give either `date` or `until`, not both."))
        last = now.astimezone().date() + dt.timedelta(days=MAX_DAYS_AHEAD)
        if until > last:
            raise ValidationFailed.on(
                "until",
                _l(
                    "Take occurrences up to %(max_days_ahead)s days ahead (%(last)s) at most.",
                    max_days_ahead=MAX_DAYS_AHEAD,
                    last=last,
                ),
            )
        days = open_dates(conn, schedule, until)
        if not days:
            raise Conflict(
                _l("No occurrence up to %(until)s is left to enter or skip.", until=until)
            )
        return days
    if day is None:
        if schedule.next_date is None:
            raise Conflict(_l("This schedule has no occurrences left."))
        return [schedule.next_date]
    if next(dates(recurrence_of(schedule), day, inclusive=True), None) != day:
        raise ValidationFailed.on("date", _l("The schedule has no occurrence on %(day)s.", day=day))
    taken = conn.execute(
        "SELECT skipped FROM schedule_occurrences WHERE schedule_id = ? AND date = ?",
        [schedule.id, day.isoformat()],
    ).fetchone()
    if taken is not None:
        done = "skipped" if taken["skipped"] else "entered"
        raise Conflict(_l("The occurrence of %(day)s was %(done)s already.", day=day, done=done))
    return [day]


def _take(
    db: sqlite_utils.Database,
    schedule: Schedule,
    days: list[dt.date],
    now: dt.datetime,
    transactions: list[Transaction] | None = None,
) -> None:
    """Record the occurrences, entered as `transactions` or else skipped (the primary key
    refuses one a second time, rolling back the whole write), and move the schedule's next
    date past them."""
    ids = [t.id for t in transactions] if transactions else [None] * len(days)
    db.conn.executemany(
        "INSERT INTO schedule_occurrences (schedule_id, date, transaction_id, skipped) "
        "VALUES (?, ?, ?, ?)",
        [(schedule.id, d.isoformat(), t, int(t is None)) for d, t in zip(days, ids, strict=True)],
    )
    following = schedule.next_date
    if following in days:
        taken = taken_dates(db.conn, schedule.id)
        following = next_open(recurrence_of(schedule), taken, following)
    db.execute(
        "UPDATE schedules SET next_date = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
        [following.isoformat() if following else None, to_iso(now), schedule.id],
    )


def _enter_in_write(
    db: sqlite_utils.Database, schedule: Schedule, days: list[dt.date], now: dt.datetime
) -> list[Transaction]:
    """Enter the occurrences on `days` as transactions, as any new one is made, in the write
    the caller holds; one line in the log says what was entered."""
    made = []
    for day in days:
        data = TransactionInput(
            account_id=schedule.account_id,
            date=day,
            amount=format_amount(schedule.amount, schedule.currency),
            payee=schedule.payee,
            category_id=schedule.category_id,
            memo=schedule.memo,
            tags=schedule.tags,
            transfer_account_id=schedule.transfer_account_id,
            confirm_far_date=True,  # the schedule's own date: a plan, not a slip of the year
        )
        made.append(create_in_write(db, schedule.book_id, data, now))
    _take(db, schedule, days, now, made)
    log.info(
        "schedule %d entered for %s: %d transaction(s) in book %d",
        schedule.id,
        days[0] if len(days) == 1 else f"{days[0]} to {days[-1]}",
        len(made),
        schedule.book_id,
    )
    return made


@contextlib.contextmanager
def _occurrences(
    database: Database,
    book_id: int,
    schedule_id: int,
    day: dt.date | None,
    until: dt.date | None,
    now: dt.datetime,
) -> Iterator[tuple[sqlite_utils.Database, Schedule, list[dt.date]]]:
    """The write that enters or skips occurrences, with the schedule and the occurrences
    (see `_to_take`)."""
    with database.write() as db:
        schedule = get_schedule(db.conn, book_id, schedule_id)
        yield db, schedule, _to_take(db.conn, schedule, day, until, now)


def enter(
    database: Database,
    book_id: int,
    schedule_id: int,
    *,
    date: dt.date | None = None,
    until: dt.date | None = None,
    now: dt.datetime,
) -> Transaction:
    """Enter the schedule's next occurrence (or the one on `date`, or every one still open up
    to `until`, in one write) as transactions, checked and run through the book's rules as any
    new one; an occurrence is entered once only. Returns the last transaction entered."""
    with _occurrences(database, book_id, schedule_id, date, until, now) as (db, schedule, days):
        return _enter_in_write(db, schedule, days, now)[-1]


def skip(
    database: Database,
    book_id: int,
    schedule_id: int,
    *,
    date: dt.date | None = None,
    until: dt.date | None = None,
    now: dt.datetime,
) -> Schedule:
    """Skip the schedule's next occurrence (or the one on `date`, or every one still open up
    to `until`): nothing is entered for them."""
    with _occurrences(database, book_id, schedule_id, date, until, now) as (db, schedule, days):
        _take(db, schedule, days, now)
        return get_schedule(db.conn, book_id, schedule_id)


def enter_due(database: Database, *, today: dt.date, now: dt.datetime) -> list[Transaction]:
    """Enter what the auto-enter schedules of all books have due up to `today`, each
    schedule's in one write; what is entered already stays as it is. A schedule with more
    than CATCH_UP_MAX overdue enters none: they wait for the user. Returns what was entered."""
    with database.read() as conn:
        due = conn.execute(
            "SELECT id FROM schedules WHERE auto_enter = 1 AND next_date <= ? "
            "ORDER BY next_date, id",
            [today.isoformat()],
        ).fetchall()
    entered = []
    for (schedule_id,) in due:
        try:
            with database.write() as db:
                row = db.execute(SELECT_SCHEDULES + " WHERE s.id = ?", [schedule_id]).fetchone()
                schedule = schedule_from_row(row) if row else None
                if schedule is None or not schedule.auto_enter:
                    continue
                days = open_dates(db.conn, schedule, today, most=CATCH_UP_MAX + 1)
                if len(days) > CATCH_UP_MAX:
                    log.warning(
                        "schedule %d not entered: more than %d occurrences are overdue, "
                        "so they wait for the user to enter or skip them",
                        schedule_id,
                        CATCH_UP_MAX,
                    )
                    continue
                if days:
                    entered += _enter_in_write(db, schedule, days, now)
        except AppError as refusal:  # e.g. its account was archived: the others go on
            log.warning("schedule %d not entered: %s", schedule_id, refusal.detail)
    return entered


def upcoming(conn: sqlite3.Connection, book_id: int, *, until: dt.date) -> list[Upcoming]:
    """Return the occurrences of the book's schedules still to enter up to `until`
    (inclusive; the overdue ones too, the first MAX_UPCOMING of each schedule), by date, then
    schedule."""
    schedules = [
        schedule_from_row(row)
        for row in conn.execute(
            SELECT_SCHEDULES + " WHERE s.book_id = ? AND s.next_date <= ?",
            [book_id, until.isoformat()],
        )
    ]
    found = [
        Upcoming(
            s.id,
            s.name,
            day,
            s.account_id,
            s.amount,
            s.currency,
            s.payee,
            s.category_id,
            s.transfer_account_id,
            s.auto_enter,
        )
        for s in schedules
        for day in open_dates(conn, s, until, most=MAX_UPCOMING)
    ]
    return sorted(found, key=lambda u: (u.date, u.schedule_id))
