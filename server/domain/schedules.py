"""Scheduled transactions: templates that recur (see `recurrence`) and produce a real
transaction on each date they fall on (see `occurrences`). Here: what a schedule is, checking
one, and making, changing and deleting it.

The writers join the write transaction of the route's book gate (`server.api.access`), which
checks the caller's role.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from dateutil.rrule import rrule

from server.clock import from_iso, to_iso
from server.db import Database
from server.domain import validation as check
from server.domain.books import check_if_match
from server.domain.labels import PAYEE_MAX
from server.domain.recurrence import FREQUENCIES, MAX_COUNT, MAX_INTERVAL, next_open, recurrence
from server.domain.transaction_rules import ARCHIVED
from server.domain.validation import MEMO_MAX, NAME_MAX, Problems
from server.errors import NotFound
from server.translatable import _l

REFUSED = _l("The schedule cannot be saved as it is.")
# A change to one of these moves the schedule's next date.
RECURRENCE = frozenset({"frequency", "interval", "start_date", "end_date", "count"})


@dataclass(frozen=True)
class ScheduleInput:
    """A new schedule as the client sends it; `amount` a decimal string in the account's
    currency (None in a change: the schedule keeps its amount)."""

    account_id: int
    amount: str | None
    frequency: str
    start_date: dt.date
    name: str | None = None
    payee: str | None = None
    category_id: int | None = None
    memo: str | None = None
    tags: list[str] | None = None
    transfer_account_id: int | None = None
    interval: int = 1
    end_date: dt.date | None = None
    count: int | None = None
    auto_enter: bool = False


@dataclass(frozen=True)
class ScheduleChanges:
    """A change to a schedule as the client sends it: None leaves a field as it is."""

    account_id: int | None = None
    amount: str | None = None
    frequency: str | None = None
    start_date: dt.date | None = None
    name: str | None = None
    payee: str | None = None
    category_id: int | None = None
    memo: str | None = None
    tags: list[str] | None = None
    transfer_account_id: int | None = None
    interval: int | None = None
    end_date: dt.date | None = None
    count: int | None = None
    auto_enter: bool | None = None
    # Fields the client sent as null, to clear them, e.g. {"end_date"}.
    cleared: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Schedule:
    """A recurring transaction of a book; `amount` in minor units of its account's currency."""

    id: int
    book_id: int
    name: str | None
    account_id: int
    currency: str
    amount: int
    payee: str | None
    category_id: int | None
    memo: str
    tags: list[str]
    transfer_account_id: int | None
    frequency: str
    interval: int
    start_date: dt.date
    end_date: dt.date | None
    count: int | None
    next_date: dt.date | None
    auto_enter: bool
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def etag(self) -> str:
        return f'"schedule-{self.id}-{self.revision}"'


# --- storing ------------------------------------------------------------------------------------

SELECT_SCHEDULES = "SELECT s.*, a.currency FROM schedules s JOIN accounts a ON a.id = s.account_id"


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def schedule_from_row(row: sqlite3.Row) -> Schedule:
    """Return the schedule of a row of SELECT_SCHEDULES."""
    return Schedule(
        id=row["id"],
        book_id=row["book_id"],
        name=row["name"],
        account_id=row["account_id"],
        currency=row["currency"],
        amount=row["amount"],
        payee=row["payee"],
        category_id=row["category_id"],
        memo=row["memo"],
        tags=json.loads(row["tags"]),
        transfer_account_id=row["transfer_account_id"],
        frequency=row["frequency"],
        interval=row["interval"],
        start_date=dt.date.fromisoformat(row["start_date"]),
        end_date=_day(row["end_date"]),
        count=row["count"],
        next_date=_day(row["next_date"]),
        auto_enter=bool(row["auto_enter"]),
        revision=row["revision"],
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )


def list_schedules(conn: sqlite3.Connection, book_id: int) -> list[Schedule]:
    """The book's schedules, the next due first (finished ones last)."""
    rows = conn.execute(
        SELECT_SCHEDULES + " WHERE s.book_id = ? ORDER BY s.next_date IS NULL, s.next_date, s.id",
        [book_id],
    ).fetchall()
    return [schedule_from_row(r) for r in rows]


def get_schedule(conn: sqlite3.Connection, book_id: int, schedule_id: int) -> Schedule:
    """Return one schedule of the book, or NotFound."""
    row = conn.execute(
        SELECT_SCHEDULES + " WHERE s.id = ? AND s.book_id = ?", [schedule_id, book_id]
    ).fetchone()
    if row is None:
        raise NotFound(_l("This book has no schedule %(schedule_id)s.", schedule_id=schedule_id))
    return schedule_from_row(row)


def taken_dates(conn: sqlite3.Connection, schedule_id: int) -> set[dt.date]:
    """Return the dates of the schedule's occurrences entered or skipped."""
    rows = conn.execute(
        "SELECT date FROM schedule_occurrences WHERE schedule_id = ?", [schedule_id]
    ).fetchall()
    return {dt.date.fromisoformat(r[0]) for r in rows}


# --- checking -----------------------------------------------------------------------------------


def _accounts(
    conn: sqlite3.Connection,
    book_id: int,
    data: ScheduleInput,
    current: Schedule | None,
    problems: Problems,
) -> str | None:
    """Check the account and the transfer's other account; return the account's currency."""
    account = check.account(conn, book_id, data.account_id, "account_id", problems, required=True)
    if account is not None and account["archived"]:
        kept = current is not None and current.account_id == account["id"]
        problems.check(kept, "account_id", ARCHIVED)
    other_id = data.transfer_account_id
    currency = account["currency"] if account else None
    if other_id is None:
        return currency
    other = check.account(conn, book_id, other_id, "transfer_account_id", problems)
    if other is None:
        return currency
    if other_id == data.account_id:
        problems.add("transfer_account_id", _l("Transfer to another account."))
    elif account is not None and other["currency"] != account["currency"]:
        problems.add(
            "transfer_account_id",
            _l(
                "A scheduled transfer needs two accounts of the same currency "
                "(%(currency)s and %(currency2)s differ).",
                currency=account["currency"],
                currency2=other["currency"],
            ),
        )
    elif other["archived"]:
        kept = current is not None and current.transfer_account_id == other_id
        problems.check(kept, "transfer_account_id", ARCHIVED)
    return currency


def checked_schedule(
    conn: sqlite3.Connection,
    book_id: int,
    data: ScheduleInput,
    problems: Problems,
    current: Schedule | None = None,
) -> dict[str, Any]:
    """Check a schedule's fields together (those of `current` when it is a change), each
    problem collected at its field; return the row to store (of use only without problems)."""
    currency = _accounts(conn, book_id, data, current, problems)
    if data.amount is None and current is not None:  # kept: minor units already
        amount = current.amount
        if currency not in (None, current.currency):
            problems.add(
                "amount",
                _l("Give the amount in %(currency)s: that account's currency.", currency=currency),
            )
    else:
        amount = check.money(data.amount, "amount", problems, currency=currency)
    if data.category_id is not None and data.transfer_account_id is not None:
        problems.add("category_id", _l("A transfer has no category."))
    else:
        check.category(conn, book_id, data.category_id, "category_id", problems)
    frequency = check.choice(data.frequency, "frequency", problems, options=FREQUENCIES)
    interval = 1 if data.interval is None else data.interval
    interval = check.whole(interval, "interval", problems, most=MAX_INTERVAL)
    start_date = check.day(data.start_date, "start_date", problems)
    if data.start_date is None:
        problems.add("start_date", _l("Give the date of the first occurrence."))
    end_date = check.day(data.end_date, "end_date", problems)
    if end_date and start_date and end_date < start_date:
        problems.add("end_date", _l("The schedule cannot end before it starts."))
    count = check.whole(data.count, "count", problems, most=MAX_COUNT)
    if count is not None and end_date is not None:
        problems.add("count", _l("End on a date or after a number of occurrences, not both."))
    return {
        "name": check.text(data.name, "name", problems, most=NAME_MAX),
        "payee": check.text(data.payee, "payee", problems, most=PAYEE_MAX),
        "memo": check.text(data.memo, "memo", problems, most=MEMO_MAX, lines=True) or "",
        "tags": json.dumps(check.tags(data.tags, "tags", problems), ensure_ascii=False),
        "account_id": data.account_id,
        "amount": amount,
        "category_id": data.category_id,
        "transfer_account_id": data.transfer_account_id,
        "frequency": frequency,
        "interval": interval,
        "start_date": start_date.isoformat() if start_date else None,
        "end_date": end_date.isoformat() if end_date else None,
        "count": count,
        "auto_enter": int(bool(data.auto_enter)),
    }


def _checked(
    conn: sqlite3.Connection, book_id: int, data: ScheduleInput, current: Schedule | None = None
) -> dict[str, Any]:
    problems = Problems()
    row = checked_schedule(conn, book_id, data, problems, current)
    problems.raise_if_any(REFUSED)
    return row


def _stored(schedule: Schedule, name: str) -> object:
    """A field of the schedule as its row holds it."""
    value = getattr(schedule, name)
    return value.isoformat() if isinstance(value, dt.date) else value


def _row_rule(row: Mapping[str, Any]) -> rrule:
    return recurrence(
        row["frequency"],
        row["interval"],
        dt.date.fromisoformat(row["start_date"]),
        _day(row["end_date"]),
        row["count"],
    )


# --- changing -----------------------------------------------------------------------------------


def create_schedule(
    database: Database, book_id: int, data: ScheduleInput, *, now: dt.datetime
) -> Schedule:
    """Add a schedule; its first occurrence is its start date."""
    with database.write() as db:
        row = _checked(db.conn, book_id, data)
        stamp = to_iso(now)
        first = next_open(_row_rule(row), (), None)
        row |= {"book_id": book_id, "next_date": first.isoformat() if first else None}
        table = db["schedules"].insert(row | {"created_at": stamp, "updated_at": stamp})
        return get_schedule(db.conn, book_id, table.last_pk)


def _as_input(schedule: Schedule) -> ScheduleInput:
    """The schedule as an input that keeps its amount (see `ScheduleInput`)."""
    kept = {f.name: getattr(schedule, f.name) for f in fields(ScheduleInput)}
    return ScheduleInput(**kept | {"amount": None})


def update_schedule(
    database: Database,
    book_id: int,
    schedule_id: int,
    changes: ScheduleChanges,
    *,
    now: dt.datetime,
    if_match: str | None = None,
) -> Schedule:
    """Change some of a schedule's fields (None clears an optional one). A new recurrence
    goes on after the last occurrence entered or skipped (from its start if none was)."""
    with database.write() as db:
        current = get_schedule(db.conn, book_id, schedule_id)
        check_if_match(if_match, current.etag, "schedule")
        row = _checked(db.conn, book_id, check.changed(_as_input(current), changes), current)
        if any(row[name] != _stored(current, name) for name in RECURRENCE):
            taken = taken_dates(db.conn, schedule_id)
            following = next_open(_row_rule(row), taken, max(taken, default=None))
            row["next_date"] = following.isoformat() if following else None
        row |= {"revision": current.revision + 1, "updated_at": to_iso(now)}
        db["schedules"].update(schedule_id, row)
        return get_schedule(db.conn, book_id, schedule_id)


def delete_schedule(
    database: Database, book_id: int, schedule_id: int, *, if_match: str | None = None
) -> None:
    """Delete a schedule; the transactions it entered stay."""
    with database.write() as db:
        current = get_schedule(db.conn, book_id, schedule_id)
        check_if_match(if_match, current.etag, "schedule")
        db.execute("DELETE FROM schedules WHERE id = ?", [schedule_id])
