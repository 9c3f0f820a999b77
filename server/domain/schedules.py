"""Scheduled transactions: templates that recur (see `recurrence`) and produce a real
transaction on each date they fall on (see `occurrences`). Here: what a schedule is, checking
one, and making, changing and deleting it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dateutil.rrule import rrule

from server.clock import from_iso, to_iso
from server.db import Database
from server.domain.books import check_if_match
from server.domain.labels import PAYEE_MAX, clean_tag_name
from server.domain.money import AmountError, parse_amount
from server.domain.recurrence import FREQUENCIES, MAX_COUNT, MAX_INTERVAL, next_open, recurrence
from server.domain.transactions import ARCHIVED
from server.errors import FieldError, NotFound, ValidationFailed

NAME_MAX = 100
MEMO_MAX = 1000
MAX_TAGS = 50
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9999, 12, 31)
# What a schedule is made of, as the API sends it.
FIELDS = (
    "name",
    "account_id",
    "amount",
    "payee",
    "category_id",
    "memo",
    "tags",
    "transfer_account_id",
    "frequency",
    "interval",
    "start_date",
    "end_date",
    "count",
    "auto_enter",
)
# A change to one of these moves the schedule's next date.
RECURRENCE = frozenset({"frequency", "interval", "start_date", "end_date", "count"})


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
        raise NotFound(f"This book has no schedule {schedule_id}.")
    return schedule_from_row(row)


def taken_dates(conn: sqlite3.Connection, schedule_id: int) -> set[dt.date]:
    """Return the dates of the schedule's occurrences entered or skipped."""
    rows = conn.execute(
        "SELECT date FROM schedule_occurrences WHERE schedule_id = ?", [schedule_id]
    ).fetchall()
    return {dt.date.fromisoformat(r[0]) for r in rows}


# --- checking -----------------------------------------------------------------------------------


def _account(conn: sqlite3.Connection, book_id: int, account_id: object) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT id, currency, archived FROM accounts WHERE id = ? AND book_id = ?",
        [account_id, book_id],
    ).fetchone()


def _text(value: object, field: str, most: int, problems: list[FieldError]) -> str | None:
    """Optional text: stripped, None when blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(FieldError(field, "Expected text."))
        return None
    text = value.strip()
    if len(text) > most:
        problems.append(FieldError(field, f"At most {most} characters."))
    return text or None


def _whole(value: object, field: str, most: int, problems: list[FieldError]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        problems.append(FieldError(field, f"Give a whole number from 1 to {most}."))
        return None
    return value


def _date_field(value: object, field: str, problems: list[FieldError]) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date) or not FIRST_DAY <= value <= LAST_DAY:
        problems.append(FieldError(field, "Give a date from 1900 on, as YYYY-MM-DD."))
        return None
    return value


def _tags(value: object, problems: list[FieldError]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(FieldError("tags", "Expected a list of tags."))
        return []
    tags: dict[str, str] = {}
    for tag in value:
        try:
            cleaned = clean_tag_name(tag, "tags")
        except ValidationFailed as refusal:
            problems.extend(refusal.errors)
            continue
        tags.setdefault(cleaned.casefold(), cleaned)
    if len(tags) > MAX_TAGS:
        problems.append(FieldError("tags", f"At most {MAX_TAGS} tags."))
    return list(tags.values())


def _accounts(
    conn: sqlite3.Connection,
    book_id: int,
    values: Mapping[str, Any],
    current: Schedule | None,
    problems: list[FieldError],
) -> tuple[str | None, int | None]:
    """Check the account and the transfer's other account; return the currency and the
    transfer account."""
    account_id = values.get("account_id")
    account = _account(conn, book_id, account_id) if account_id is not None else None
    if account is None:
        message = "Choose the account." if account_id is None else "This book has no such account."
        problems.append(FieldError("account_id", message))
    elif account["archived"] and (current is None or current.account_id != account_id):
        problems.append(FieldError("account_id", ARCHIVED))
    other_id = values.get("transfer_account_id")
    if other_id is None:
        return (account["currency"] if account else None), None
    other = _account(conn, book_id, other_id)
    if other is None:
        problems.append(FieldError("transfer_account_id", "This book has no such account."))
    elif other_id == account_id:
        problems.append(FieldError("transfer_account_id", "Transfer to another account."))
    elif account is not None and other["currency"] != account["currency"]:
        problems.append(
            FieldError(
                "transfer_account_id",
                "A scheduled transfer needs two accounts of the same currency "
                f"({account['currency']} and {other['currency']} differ).",
            )
        )
    elif other["archived"] and (current is None or current.transfer_account_id != other_id):
        problems.append(FieldError("transfer_account_id", ARCHIVED))
    return (account["currency"] if account else None), other_id


def validated_schedule(
    conn: sqlite3.Connection,
    book_id: int,
    values: Mapping[str, Any],
    current: Schedule | None = None,
) -> dict[str, Any]:
    """A schedule's fields checked together (the amount a decimal string in the account's
    currency); every problem is reported at its field. Returns the row to store."""
    problems: list[FieldError] = []
    currency, transfer_account_id = _accounts(conn, book_id, values, current, problems)
    amount = values.get("amount")
    if current is not None and amount == current.amount:  # kept: minor units already
        if currency not in (None, current.currency):
            problems.append(
                FieldError("amount", f"Give the amount in {currency}: that account's currency.")
            )
    elif not isinstance(amount, str) or not amount.strip():
        problems.append(FieldError("amount", "Give the amount, e.g. -12.34."))
    elif currency is not None:
        try:
            amount = parse_amount(amount, currency)
        except AmountError as error:
            problems.append(FieldError("amount", str(error)))
    category_id = values.get("category_id")
    if category_id is not None:
        if transfer_account_id is not None:
            problems.append(FieldError("category_id", "A transfer has no category."))
        elif not conn.execute(
            "SELECT 1 FROM categories WHERE id = ? AND book_id = ?", [category_id, book_id]
        ).fetchone():
            problems.append(FieldError("category_id", "This book has no such category."))
    frequency = values.get("frequency")
    if frequency not in FREQUENCIES:
        problems.append(FieldError("frequency", "Choose daily, weekly, monthly or yearly."))
    interval = values.get("interval")
    interval = _whole(1 if interval is None else interval, "interval", MAX_INTERVAL, problems)
    start_date = _date_field(values.get("start_date"), "start_date", problems)
    if start_date is None and values.get("start_date") is None:
        problems.append(FieldError("start_date", "Give the date of the first occurrence."))
    end_date = _date_field(values.get("end_date"), "end_date", problems)
    if end_date and start_date and end_date < start_date:
        problems.append(FieldError("end_date", "The schedule cannot end before it starts."))
    count = _whole(values.get("count"), "count", MAX_COUNT, problems)
    if count is not None and end_date is not None:
        problems.append(
            FieldError("count", "End on a date or after a number of occurrences, not both.")
        )
    row = {
        "name": _text(values.get("name"), "name", NAME_MAX, problems),
        "payee": _text(values.get("payee"), "payee", PAYEE_MAX, problems),
        "memo": _text(values.get("memo"), "memo", MEMO_MAX, problems) or "",
        "tags": json.dumps(_tags(values.get("tags"), problems), ensure_ascii=False),
    }
    if problems:
        raise ValidationFailed("The schedule cannot be saved as it is.", errors=problems)
    return row | {
        "account_id": values["account_id"],
        "amount": amount,
        "category_id": category_id,
        "transfer_account_id": transfer_account_id,
        "frequency": frequency,
        "interval": interval,
        "start_date": start_date.isoformat(),
        "end_date": end_date.isoformat() if end_date else None,
        "count": count,
        "auto_enter": int(bool(values.get("auto_enter", False))),
    }


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
    database: Database, book_id: int, values: Mapping[str, Any], *, now: dt.datetime
) -> Schedule:
    """Add a schedule; its first occurrence is its start date."""
    with database.write() as db:
        row = validated_schedule(db.conn, book_id, values)
        stamp = to_iso(now)
        first = next_open(_row_rule(row), (), None)
        row |= {"book_id": book_id, "next_date": first.isoformat() if first else None}
        table = db["schedules"].insert(row | {"created_at": stamp, "updated_at": stamp})
        return get_schedule(db.conn, book_id, table.last_pk)


def update_schedule(
    database: Database,
    book_id: int,
    schedule_id: int,
    changes: Mapping[str, Any],
    *,
    now: dt.datetime,
    if_match: str | None = None,
) -> Schedule:
    """Change some of a schedule's fields (None clears an optional one). A new recurrence
    goes on after the last occurrence entered or skipped (from its start if none was)."""
    with database.write() as db:
        current = get_schedule(db.conn, book_id, schedule_id)
        check_if_match(if_match, current.etag, "schedule")
        merged = {name: getattr(current, name) for name in FIELDS}
        row = validated_schedule(db.conn, book_id, merged | dict(changes), current)
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
