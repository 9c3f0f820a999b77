"""The change feed of a book, for scripts that keep a copy of it in step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Dict, Integer, List, Nested, String
from apiflask.validators import Length, Range

from server.api import report_examples as rex
from server.api.access import can_read
from server.api.accounts import AccountOut, account_json
from server.api.categories import CategoryGroupOut, CategoryOut
from server.api.labels import PayeeOut, TagOut
from server.api.rules import RuleOut, rule_json
from server.api.schedules import ScheduleOut, schedule_json
from server.api.schemas import errors
from server.api.transactions import transaction_json
from server.auth.web import auth
from server.db.request import reader
from server.domain import changes as domain
from server.domain.accounts import get_account
from server.domain.categories import get_category, get_group
from server.domain.labels import get_payee, get_tag
from server.domain.money import format_amount
from server.domain.rules import get_rule
from server.domain.schedules import get_schedule
from server.domain.transactions import get_transaction
from server.errors import NotFound

bp = APIBlueprint("changes", __name__, tag="Changes")

Reader = Callable[[Any, int, str], dict[str, Any]]
DEFAULT_LIMIT = 500


def _budget(conn: Any, book_id: int, key: str) -> dict[str, Any]:
    category_id, month = key.split("/", 1)
    row = conn.execute(
        "SELECT b.amount, k.currency FROM budgets b JOIN categories c ON c.id = b.category_id "
        "JOIN books k ON k.id = c.book_id WHERE b.category_id = ? AND b.month = ? "
        "AND c.book_id = ?",
        [int(category_id), month, book_id],
    ).fetchone()
    if row is None:
        raise NotFound("gone")
    amount = format_amount(row["amount"], row["currency"])
    return {"category_id": int(category_id), "month": month, "amount": amount}


def _without_uses(label: dict[str, Any]) -> dict[str, Any]:
    """A payee or tag without its count of uses: that moves with transactions, which the feed
    gives themselves, not with the label."""
    return {name: value for name, value in label.items() if name != "uses"}


# Each kind as its own route gives it (GET .../{kind}s/{id}).
OBJECTS: dict[str, Reader] = {
    "account": lambda c, b, k: AccountOut().dump(account_json(get_account(c, b, int(k)))),
    "category_group": lambda c, b, k: CategoryGroupOut().dump(get_group(c, b, int(k))),
    "category": lambda c, b, k: CategoryOut().dump(get_category(c, b, int(k))),
    "payee": lambda c, b, k: _without_uses(PayeeOut().dump(get_payee(c, b, int(k)))),
    "tag": lambda c, b, k: _without_uses(TagOut().dump(get_tag(c, b, int(k)))),
    "transaction": lambda c, b, k: transaction_json(get_transaction(c, b, int(k))),
    "rule": lambda c, b, k: RuleOut().dump(rule_json(get_rule(c, b, int(k)))),
    "schedule": lambda c, b, k: ScheduleOut().dump(schedule_json(get_schedule(c, b, int(k)))),
    "budget": _budget,
}


class ChangesQuery(Schema):
    since = String(
        load_default="",
        validate=Length(max=40),
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
            "schedule or budget"
        }
    )
    id = String(metadata={"description": "Its id; a budget's is `category_id/month`."})
    deleted = Boolean(metadata={"description": "It is gone: remove your copy."})
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
    has_more = Boolean(metadata={"description": "More changes wait: ask again at once."})


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
def changes(book_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """The book's changes since a cursor."""
    can_read(book_id)
    conn = reader()
    conn.execute("BEGIN")  # the notes and the objects from one snapshot
    try:
        since = domain.read_cursor(conn, query["since"])
        page = domain.changes_since(conn, book_id, since, query["limit"])
        items = []
        for noted in page.changed:
            try:
                found = OBJECTS[noted.kind](conn, book_id, noted.key)
            except NotFound:
                found = None
            items.append(
                {"kind": noted.kind, "id": noted.key, "deleted": found is None, "object": found}
            )
        cursor = domain.write_cursor(conn, page.cursor)
    finally:
        conn.execute("COMMIT")
    return {"changes": items, "next_cursor": cursor, "has_more": page.more}
