"""Scheduled transactions of a book: what recurs, what comes up next, entering and skipping."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import DateTime, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from flask import current_app, request

from server.api import examples as ex
from server.api.access import book_access
from server.api.schemas import (
    IF_MATCH_DOC,
    LINES,
    Flag,
    amount_pattern,
    day_field,
    errors,
    tag_field,
    with_etag,
)
from server.api.transactions import TransactionOut, transaction_json
from server.auth.web import auth
from server.clock import local_today, utcnow
from server.domain import occurrences
from server.domain import schedules as domain
from server.domain.labels import PAYEE_MAX
from server.domain.money import AMOUNT_TEXT_MAX, format_amount
from server.domain.occurrences import CATCH_UP_MAX, MAX_DAYS_AHEAD, MAX_UPCOMING, Upcoming
from server.domain.recurrence import FREQUENCIES, MAX_COUNT, MAX_INTERVAL
from server.domain.schedules import Schedule, ScheduleChanges, ScheduleInput
from server.domain.validation import MAX_TAGS, MEMO_MAX, NAME_MAX, changes_of
from server.request_db import database, reader

bp = APIBlueprint("schedules", __name__, tag="Scheduled transactions")

SCHEDULES = "/books/<int:book_id>/schedules"
ONE = SCHEDULES + "/<int:schedule_id>"
TAKEN = {409: "That occurrence was entered or skipped already, or none is left"}
MONEY = "Decimal string in the account's currency; negative is money out."
RECURRENCE_DOC = (
    "`daily`, `weekly` (on the start date's weekday), `monthly` (on the start date's day; "
    "the 29th to 31st become the last day of shorter months) or `yearly` (on the start "
    "date's day and month; Feb 29 becomes Feb 28 outside leap years), every `interval` of them."
)


class SchedulePatch(Schema):
    name = String(
        allow_none=True,
        validate=Length(max=NAME_MAX),
        metadata={"description": "Optional; lists show the payee without one."},
    )
    account_id = Integer(metadata={"description": "The account the transactions go into."})
    amount = String(
        validate=Length(max=AMOUNT_TEXT_MAX),
        metadata={"description": MONEY, "example": "-950.00", "pattern": amount_pattern()},
    )
    payee = String(
        allow_none=True, validate=Length(max=PAYEE_MAX), metadata={"example": "Landlord"}
    )
    category_id = Integer(allow_none=True, metadata={"description": "Not for transfers."})
    memo = String(allow_none=True, validate=Length(max=MEMO_MAX), metadata={"pattern": LINES})
    tags = List(
        tag_field(),
        allow_none=True,
        validate=Length(max=MAX_TAGS),
    )
    transfer_account_id = Integer(
        allow_none=True,
        metadata={"description": "Make each a transfer to this account (same currency)."},
    )
    frequency = String(validate=OneOf(FREQUENCIES), metadata={"description": RECURRENCE_DOC})
    interval = Integer(
        validate=Range(min=1, max=MAX_INTERVAL),
        metadata={"description": "Every how many days, weeks, months or years (default 1)."},
    )
    start_date = day_field(metadata={"description": "The first occurrence."})
    end_date = day_field(
        allow_none=True, metadata={"description": "The last day it may fall on (inclusive)."}
    )
    count = Integer(
        allow_none=True,
        validate=Range(min=1, max=MAX_COUNT),
        metadata={"description": "How many occurrences in all (not with `end_date`)."},
    )
    auto_enter = Flag(
        metadata={"description": "Enter each occurrence by itself once its day has come."}
    )


class ScheduleIn(SchedulePatch):
    account_id = Integer(
        required=True, metadata={"description": "The account the transactions go into."}
    )
    amount = String(
        required=True,
        validate=Length(max=AMOUNT_TEXT_MAX),
        metadata={"description": MONEY, "example": "-950.00"},
    )
    frequency = String(
        required=True, validate=OneOf(FREQUENCIES), metadata={"description": RECURRENCE_DOC}
    )
    start_date = day_field(required=True, metadata={"description": "The first occurrence."})


class ScheduleOut(Schema):
    id = Integer()
    name = String(allow_none=True)
    account_id = Integer()
    currency = String(metadata={"description": "The account's currency."})
    amount = String(metadata={"description": MONEY})
    payee = String(allow_none=True)
    category_id = Integer(allow_none=True)
    memo = String()
    tags = List(String())
    transfer_account_id = Integer(allow_none=True)
    frequency = String()
    interval = Integer()
    start_date = day_field()
    end_date = day_field(allow_none=True)
    count = Integer(allow_none=True)
    next_date = day_field(
        allow_none=True,
        metadata={
            "description": "The first occurrence neither entered nor skipped; null when "
            "none is left."
        },
    )
    auto_enter = Flag()
    overdue = Integer(
        metadata={
            "description": "How many occurrences up to today are neither entered nor skipped "
            "(as of today: it grows by itself, without a change in the feed)."
        }
    )
    auto_enter_held = Flag(
        metadata={
            "description": f"True when `auto_enter` is on but more than {CATCH_UP_MAX} "
            "occurrences are overdue: Tallybook enters none of them by itself, they wait for "
            "you to enter or skip them (`.../enter` or `.../skip` with `until`)."
        }
    )
    etag = String(metadata={"description": "Send as `If-Match` to change or delete it."})
    created_at = DateTime()
    updated_at = DateTime()


class ScheduleList(Schema):
    items = List(Nested(ScheduleOut))


class UpcomingQuery(Schema):
    days = Integer(
        load_default=30,
        validate=Range(min=1, max=MAX_DAYS_AHEAD),
        metadata={"description": f"How many days ahead of today (1 to {MAX_DAYS_AHEAD})."},
    )


class UpcomingOut(Schema):
    schedule_id = Integer()
    name = String(allow_none=True)
    date = day_field()
    account_id = Integer()
    amount = String(metadata={"description": MONEY})
    currency = String()
    payee = String(allow_none=True)
    category_id = Integer(allow_none=True)
    transfer_account_id = Integer(allow_none=True)
    auto_enter = Flag()


class UpcomingList(Schema):
    items = List(Nested(UpcomingOut))


class OccurrenceIn(Schema):
    date = day_field(
        load_default=None,
        allow_none=True,
        metadata={"description": "Which occurrence (default: the next one)."},
    )
    until = day_field(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Every occurrence neither entered nor skipped up to this day "
            f"(inclusive, at most {MAX_DAYS_AHEAD} days ahead), in one go; not with `date`."
        },
    )


def schedule_json(schedule: Schedule, conn: sqlite3.Connection) -> dict[str, Any]:
    """The schedule as the API shows it, with its backlog as `conn` sees it (the writer's,
    where the request changed the schedule)."""
    amount = format_amount(schedule.amount, schedule.currency)
    late = occurrences.backlog(conn, schedule, local_today())
    return {
        **schedule.__dict__,
        "amount": amount,
        "overdue": late.overdue,
        "auto_enter_held": late.held,
        "etag": schedule.etag,
    }


def _upcoming_json(item: Upcoming) -> dict[str, Any]:
    return {**item.__dict__, "amount": format_amount(item.amount, item.currency)}


def _with_etag(schedule: Schedule) -> tuple[Any, int, dict[str, str]]:
    return with_etag(schedule_json(schedule, reader()), schedule.etag, 200)


def _written(schedule: Schedule, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    """Answer with a schedule the request changed, as its write sees it (the request's
    reader does not see that write yet)."""
    with database().write() as db:  # joins the route's write
        return with_etag(schedule_json(schedule, db.conn), schedule.etag, status)


@bp.post(SCHEDULES)
@bp.auth_required(auth, roles=["write"])
@bp.input(ScheduleIn, arg_name="body", example=ex.SCHEDULE_IN)
@bp.output(ScheduleOut, status_code=201, example=ex.SCHEDULE_NEW)
@bp.doc(
    summary="Create a scheduled transaction",
    description="A transaction that recurs: " + RECURRENCE_DOC + " It ends on `end_date`, "
    "after `count` occurrences, or never. Nothing is entered until it is due: with "
    "`auto_enter` Tallybook enters it by itself (at start and every hour), else enter or skip "
    "it. Editors and owners.",
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def create_schedule(book_id: int, body: dict[str, Any]) -> Any:
    """Create a schedule."""
    schedule = domain.create_schedule(database(), book_id, ScheduleInput(**body), now=utcnow())
    return _written(schedule, 201)


@bp.get(SCHEDULES)
@bp.auth_required(auth)
@bp.output(ScheduleList, example=ex.SCHEDULE_LIST)
@bp.doc(
    summary="List the scheduled transactions",
    description="The next due first; finished ones (no `next_date`) last.",
    responses=errors(401, 404),
)
@book_access("read")
def list_schedules(book_id: int) -> dict[str, Any]:
    """The book's schedules."""
    conn = reader()
    return {"items": [schedule_json(s, conn) for s in domain.list_schedules(conn, book_id)]}


@bp.get(SCHEDULES + "/upcoming")
@bp.auth_required(auth)
@bp.input(UpcomingQuery, location="query", arg_name="query")
@bp.output(UpcomingList, example=ex.UPCOMING)
@bp.doc(
    summary="List the upcoming occurrences",
    description="Every occurrence still to enter from now to `days` ahead, the overdue ones "
    "(not entered nor skipped) too, by date, then schedule; at most "
    f"{MAX_UPCOMING} of each schedule.",
    responses=errors(401, 404, 422),
)
@book_access("read")
def upcoming(book_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """What the book's schedules have coming up."""
    until = local_today() + timedelta(days=query["days"])
    items = occurrences.upcoming(reader(), book_id, until=until)
    return {"items": [_upcoming_json(u) for u in items]}


@bp.get(ONE)
@bp.auth_required(auth)
@bp.output(ScheduleOut, example=ex.SCHEDULE)
@bp.doc(
    summary="Get a scheduled transaction",
    description="With its `ETag`.",
    responses=errors(401, 404),
)
@book_access("read")
def get_schedule(book_id: int, schedule_id: int) -> Any:
    """One schedule."""
    return _with_etag(domain.get_schedule(reader(), book_id, schedule_id))


@bp.patch(ONE)
@bp.auth_required(auth, roles=["write"])
@bp.input(SchedulePatch, arg_name="body", example=ex.SCHEDULE_PATCH)
@bp.output(ScheduleOut, example=ex.SCHEDULE_CHANGED)
@bp.doc(
    summary="Change a scheduled transaction",
    description="Only the fields sent change; null clears an optional one. A new recurrence "
    "goes on after the last occurrence entered or skipped. What was entered stays as it is. "
    + IF_MATCH_DOC,
    responses=errors(401, 403, 404, 412, 422),
)
@book_access("write")
def update_schedule(book_id: int, schedule_id: int, body: dict[str, Any]) -> Any:
    """Change a schedule."""
    schedule = domain.update_schedule(
        database(),
        book_id,
        schedule_id,
        changes_of(ScheduleChanges, body),
        now=utcnow(),
        if_match=request.headers.get("If-Match"),
    )
    return _written(schedule)


@bp.delete(ONE)
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a scheduled transaction",
    description="The transactions it entered stay. " + IF_MATCH_DOC,
    responses=errors(401, 403, 404, 412),
)
@book_access("write")
def delete_schedule(book_id: int, schedule_id: int) -> tuple[str, int]:
    """Delete a schedule (what it entered stays)."""
    domain.delete_schedule(
        database(), book_id, schedule_id, if_match=request.headers.get("If-Match")
    )
    return "", 204


@bp.post(ONE + "/enter")
@bp.auth_required(auth, roles=["write"])
@bp.input(OccurrenceIn, arg_name="body", example=ex.OCCURRENCE)
@bp.output(TransactionOut, status_code=201, example=ex.ENTERED)
@bp.doc(
    summary="Enter an occurrence now",
    description="Records the next occurrence (or the one on `date`) as a transaction on its "
    "date, through the book's rules like any new one, and moves the schedule on. With `until`, "
    "every occurrence neither entered nor skipped up to that day, all or none (e.g. what "
    "waits for you, `auto_enter_held`), and answers the last one. Each occurrence is entered "
    "once: asking again for the same one answers 409. Editors and owners.",
    responses=errors(401, 403, 404, 422, why=TAKEN),
)
@book_access("write")
def enter(book_id: int, schedule_id: int, body: dict[str, Any]) -> Any:
    """Enter an occurrence (or all up to a day)."""
    transaction = occurrences.enter(
        database(), book_id, schedule_id, date=body["date"], until=body["until"], now=utcnow()
    )
    # As the transactions' routes answer: built by hand, passed through as it is.
    response = current_app.json.response(transaction_json(transaction))
    response.status_code = 201
    response.headers["ETag"] = transaction.etag
    return response


@bp.post(ONE + "/skip")
@bp.auth_required(auth, roles=["write"])
@bp.input(OccurrenceIn, arg_name="body", example=ex.OCCURRENCE)
@bp.output(ScheduleOut, example=ex.SKIPPED)
@bp.doc(
    summary="Skip an occurrence",
    description="Nothing is entered for the next occurrence (or the one on `date`, or with "
    "`until` every one neither entered nor skipped up to that day), and the schedule moves "
    "on. Editors and owners.",
    responses=errors(401, 403, 404, 422, why=TAKEN),
)
@book_access("write")
def skip(book_id: int, schedule_id: int, body: dict[str, Any]) -> Any:
    """Skip an occurrence (or all up to a day)."""
    schedule = occurrences.skip(
        database(), book_id, schedule_id, date=body["date"], until=body["until"], now=utcnow()
    )
    return _written(schedule)
