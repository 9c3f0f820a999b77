"""The change feed of a book, for scripts that keep a copy of it in step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Dict, Integer, List, Nested, String
from apiflask.validators import Length, Range

from server.api import report_examples as rex
from server.api.access import book_access
from server.api.accounts import AccountOut, account_json
from server.api.categories import CategoryGroupOut, CategoryOut
from server.api.goals import goal_json
from server.api.labels import PayeeOut, TagOut
from server.api.reconciliation_schemas import reconciliation_json
from server.api.rules import RuleOut, rule_json
from server.api.schedules import ScheduleOut, schedule_json
from server.api.schemas import Flag, errors
from server.api.transactions import transaction_json
from server.auth.web import auth
from server.domain import changes as domain
from server.domain.money import format_amount
from server.request_db import database, reader

bp = APIBlueprint("changes", __name__, tag="Changes")

DEFAULT_LIMIT = 500


def _budget(entry: domain.BudgetEntry) -> dict[str, Any]:
    amount = format_amount(entry.amount, entry.currency)
    return {"category_id": entry.category_id, "month": entry.month, "amount": amount}


def _without_uses(label: dict[str, Any]) -> dict[str, Any]:
    """A payee or tag without its count of uses: that moves with transactions, which the feed
    gives themselves, not with the label."""
    return {name: value for name, value in label.items() if name != "uses"}


# Each kind as its own route gives it (GET .../{kind}s/{id}).
JSON: dict[str, Callable[[Any], dict[str, Any]]] = {
    "account": lambda account: AccountOut().dump(account_json(account)),
    "category_group": lambda group: CategoryGroupOut().dump(group),
    "category": lambda category: CategoryOut().dump(category),
    "payee": lambda payee: _without_uses(PayeeOut().dump(payee)),
    "tag": lambda tag: _without_uses(TagOut().dump(tag)),
    "transaction": transaction_json,
    "rule": lambda rule: RuleOut().dump(rule_json(rule)),
    "schedule": lambda schedule: ScheduleOut().dump(schedule_json(schedule, reader())),
    "budget": _budget,
    "goal": goal_json,
    "reconciliation": reconciliation_json,
}


class ChangesQuery(Schema):
    since = String(
        load_default="",
        validate=Length(max=domain.CURSOR_TEXT_MAX),
        metadata={"description": "The `next_cursor` of the last page read; none: from the start."},
    )
    limit = Integer(
        load_default=DEFAULT_LIMIT,
        validate=Range(min=1, max=domain.MAX_LIMIT),
        metadata={
            "description": f"Changes per page: 1 to {domain.MAX_LIMIT} (default {DEFAULT_LIMIT})."
        },
    )


class FeedChangeOut(Schema):
    kind = String(
        metadata={
            "description": "account, category_group, category, payee, tag, transaction, rule, "
            "schedule, budget, goal or reconciliation"
        }
    )
    id = String(
        metadata={
            "description": "Its id; a budget's is `category_id/month`, a goal's its category's."
        }
    )
    deleted = Flag(metadata={"description": "It is gone: remove your copy."})
    object = Dict(
        allow_none=True,
        metadata={
            "description": "As its own route gives it now (payees and tags without `uses`); "
            "null when deleted."
        },
    )


class FeedPageOut(Schema):
    changes = List(Nested(FeedChangeOut))
    next_cursor = String(metadata={"description": "Send as `since` next time."})
    has_more = Flag(metadata={"description": "More changes wait: ask again at once."})


@bp.get("/books/<int:book_id>/changes")
@bp.auth_required(auth)
@bp.input(ChangesQuery, location="query", arg_name="query")
@bp.output(FeedPageOut, example=rex.CHANGES)
@bp.doc(
    summary="What changed since a cursor",
    description="Every object of the book made, changed or deleted since `since`, each once "
    "and as it is now (deleted ones as tombstones), oldest change first. Start without "
    "`since` to get the whole book; keep `next_cursor` and ask again (at once while "
    "`has_more`) to stay in step. Transactions carry their splits and tags.",
    responses=errors(
        401,
        404,
        why={
            422: (
                "A bad `limit`; a `since` that is not a cursor of this feed; or a cursor of an "
                "earlier history (the database was restored from a backup since): start over",
                "This is not a cursor this feed gave out: start again without `since`.",
            )
        },
    ),
)
@book_access("read")
def changes(book_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """The book's changes since a cursor."""
    feed = domain.read_changes(database(), book_id, query["since"], query["limit"])
    items = [
        {
            "kind": c.kind,
            "id": c.key,
            "deleted": c.current is None,
            "object": None if c.current is None else JSON[c.kind](c.current),
        }
        for c in feed.changes
    ]
    return {"changes": items, "next_cursor": feed.cursor, "has_more": feed.more}
