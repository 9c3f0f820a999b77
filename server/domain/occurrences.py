"""Occurrences of scheduled transactions: entering and skipping them, entering what is due,
and listing what comes up.

Entering an occurrence makes its transaction, records the occurrence in
`schedule_occurrences` and moves the schedule's `next_date` on, all in one write transaction.
That table's primary key (schedule, date) is what keeps an occurrence from being entered
twice, by two clicks, two threads or two processes, or again after a crash. `enter_due` enters
what auto-enter schedules have due (`server.workers.periodic.AutoEntry` calls it every hour).
`enter` and `skip` join the write transaction of the route's book gate (`server.api.access`),
which checks the caller's role.
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

log = logging.getLogger("tallybook.schedules")

# Occurrences listed per schedule: a daily one left alone for years lists a month's worth.
MAX_UPCOMING = 31
MAX_DAYS_AHEAD = 366  # how far ahead upcoming occurrences are listed, at most


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


def _to_take(conn: sqlite3.Connection, schedule: Schedule, day: dt.date | None) -> dt.date:
    """The occurrence to enter or skip: `day`, or the next one."""
    if day is None:
        if schedule.next_date is None:
            raise Conflict("This schedule has no occurrences left.")
        return schedule.next_date
    if next(dates(recurrence_of(schedule), day, inclusive=True), None) != day:
        raise ValidationFailed.on("date", f"The schedule has no occurrence on {day}.")
    taken = conn.execute(
        "SELECT skipped FROM schedule_occurrences WHERE schedule_id = ? AND date = ?",
        [schedule.id, day.isoformat()],
    ).fetchone()
    if taken is not None:
        done = "skipped" if taken["skipped"] else "entered"
        raise Conflict(f"The occurrence of {day} was {done} already.")
    return day


def _take(
    db: sqlite_utils.Database,
    schedule: Schedule,
    day: dt.date,
    now: dt.datetime,
    transaction_id: int | None = None,
) -> None:
    """Record the occurrence (the primary key refuses it a second time, rolling back the
    whole write) and move the schedule's next date past it."""
    db.execute(
        "INSERT INTO schedule_occurrences (schedule_id, date, transaction_id, skipped) "
        "VALUES (?, ?, ?, ?)",
        [schedule.id, day.isoformat(), transaction_id, int(transaction_id is None)],
    )
    following = schedule.next_date
    if day == schedule.next_date:
        following = next_open(recurrence_of(schedule), taken_dates(db.conn, schedule.id), day)
    db.execute(
        "UPDATE schedules SET next_date = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
        [following.isoformat() if following else None, to_iso(now), schedule.id],
    )


def _enter_in_write(
    db: sqlite_utils.Database, schedule: Schedule, day: dt.date, now: dt.datetime
) -> Transaction:
    data = TransactionInput(
        account_id=schedule.account_id,
        date=day,
        amount=format_amount(schedule.amount, schedule.currency),
        payee=schedule.payee,
        category_id=schedule.category_id,
        memo=schedule.memo,
        tags=schedule.tags,
        transfer_account_id=schedule.transfer_account_id,
    )
    transaction = create_in_write(db, schedule.book_id, data, now)
    _take(db, schedule, day, now, transaction.id)
    return transaction


@contextlib.contextmanager
def _occurrence(
    database: Database, book_id: int, schedule_id: int, day: dt.date | None
) -> Iterator[tuple[sqlite_utils.Database, Schedule, dt.date]]:
    """The write that enters or skips an occurrence, with the schedule and the occurrence
    (`day`, or the next one)."""
    with database.write() as db:
        schedule = get_schedule(db.conn, book_id, schedule_id)
        yield db, schedule, _to_take(db.conn, schedule, day)


def enter(
    database: Database,
    book_id: int,
    schedule_id: int,
    *,
    date: dt.date | None = None,
    now: dt.datetime,
) -> Transaction:
    """Enter the schedule's next occurrence (or the one on `date`) as a transaction, checked
    and run through the book's rules as any new one; an occurrence is entered once only."""
    with _occurrence(database, book_id, schedule_id, date) as (db, schedule, day):
        return _enter_in_write(db, schedule, day, now)


def skip(
    database: Database,
    book_id: int,
    schedule_id: int,
    *,
    date: dt.date | None = None,
    now: dt.datetime,
) -> Schedule:
    """Skip the schedule's next occurrence (or the one on `date`): nothing is entered for it."""
    with _occurrence(database, book_id, schedule_id, date) as (db, schedule, day):
        _take(db, schedule, day, now)
        return get_schedule(db.conn, book_id, schedule_id)


def enter_due(database: Database, *, today: dt.date, now: dt.datetime) -> list[Transaction]:
    """Enter every occurrence up to `today` of the auto-enter schedules of all books, each in
    its own write; what is entered already stays as it is. Returns what was entered."""
    with database.read() as conn:
        due = conn.execute(
            "SELECT id FROM schedules WHERE auto_enter = 1 AND next_date <= ? "
            "ORDER BY next_date, id",
            [today.isoformat()],
        ).fetchall()
    entered = []
    for (schedule_id,) in due:
        while True:
            try:
                with database.write() as db:
                    row = db.execute(SELECT_SCHEDULES + " WHERE s.id = ?", [schedule_id]).fetchone()
                    schedule = schedule_from_row(row) if row else None
                    if not (schedule and schedule.auto_enter and schedule.next_date):
                        break
                    if schedule.next_date > today:
                        break
                    transaction = _enter_in_write(db, schedule, schedule.next_date, now)
            except AppError as refusal:  # e.g. its account was archived: the others go on
                log.warning("schedule %d not entered: %s", schedule_id, refusal.detail)
                break
            entered.append(transaction)
            log.info(
                "schedule %d entered for %s: transaction %d in book %d",
                schedule_id,
                transaction.date,
                transaction.id,
                transaction.book_id,
            )
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
    taken = {
        (r[0], dt.date.fromisoformat(r[1]))
        for r in conn.execute(
            "SELECT o.schedule_id, o.date FROM schedule_occurrences o "
            "JOIN schedules s ON s.id = o.schedule_id "
            "WHERE s.book_id = ? AND o.date >= s.next_date",
            [book_id],
        )
    }
    found = []
    for s in schedules:
        listed = 0
        for day in dates(recurrence_of(s), s.next_date, inclusive=True):
            if day > until or listed == MAX_UPCOMING:
                break
            if (s.id, day) not in taken:
                listed += 1
                found.append(
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
                )
    return sorted(found, key=lambda u: (u.date, u.schedule_id))
