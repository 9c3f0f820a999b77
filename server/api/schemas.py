"""Schemas shared by several resources: errors, lists and paging."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from typing import Any

from apiflask import Schema
from apiflask.fields import Integer, List, Nested, String
from apiflask.validators import Range

from server.db.migrations import SEARCH_ID_BITS
from server.errors import ValidationFailed

# SQLite's largest integer: no id is bigger.
MAX_ID = 2**63 - 1
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class FieldProblem(Schema):
    field = String(allow_none=True, metadata={"description": "The input field, dotted."})
    message = String()


class Problem(Schema):
    """RFC 9457 problem details, as every error is answered."""

    type = String(metadata={"example": "about:blank"})
    title = String(metadata={"example": "Not found"})
    status = Integer(metadata={"example": 404})
    detail = String(metadata={"example": "No book with id 7."})
    instance = String(metadata={"example": "/api/v1/books/7"})
    code = String(metadata={"description": "A stable machine-readable error code."})


class ValidationProblem(Problem):
    errors = List(Nested(FieldProblem), metadata={"description": "One entry per invalid field."})


class PageQuery(Schema):
    limit = Integer(
        load_default=DEFAULT_LIMIT,
        validate=Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Items per page (1 to {MAX_LIMIT})."},
    )
    cursor = String(
        load_default=None,
        metadata={"description": "The `next_cursor` of the previous page; omit for the first."},
    )


IF_MATCH_DOC = (
    "Send the `ETag` you read as `If-Match` to refuse the change if it changed meanwhile."
)


def with_etag(body: Any, etag: str, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    """Return a single resource's response with its `ETag` header."""
    return body, status, {"ETag": etag}


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """Return the list envelope `{"items": [...], "next_cursor": ...}` for `item`."""
    return Schema.from_dict(
        {
            "items": List(Nested(item)),
            "next_cursor": String(
                allow_none=True,
                metadata={"description": "Pass as `cursor` for the next page; null at the end."},
            ),
        },
        name=name,
    )


def encode_cursor(after: Any) -> str:
    """Return an opaque cursor for a page that continues after the key `after`."""
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def _decode(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded))["after"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed.on("cursor", "This cursor is not one this API gave out.")


def decode_cursor(cursor: str | None) -> int:
    """Return the id a cursor continues after (0 for the first page)."""
    if not cursor:
        return 0
    after = _decode(cursor)
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= MAX_ID:
        raise _bad_cursor()
    return after


def decode_date_cursor(cursor: str | None) -> tuple[str, int] | None:
    """Return the (ISO date, id) a cursor continues after (None for the first page)."""
    if not cursor:
        return None
    after = _decode(cursor)
    if (
        not isinstance(after, list)
        or len(after) != 2
        or not isinstance(after[0], str)
        or not isinstance(after[1], int)
        or not 0 <= after[1] <= MAX_ID
    ):
        raise _bad_cursor()
    try:
        day = date.fromisoformat(after[0])
    except ValueError:
        raise _bad_cursor() from None
    # Only the form this API writes ("2026-01-31", not "20260131" or "2026-W05-6"): SQL
    # compares dates as text, and the search index keys on the date and an id < 2**40.
    if day.isoformat() != after[0] or after[1] >= 1 << SEARCH_ID_BITS:
        raise _bad_cursor()
    return after[0], after[1]


def paginate(items: list[Any], limit: int, cursor: str | None) -> dict[str, Any]:
    """Cut a list of objects with increasing `id` into the page after `cursor`."""
    after = decode_cursor(cursor)
    rest = [item for item in items if item.id > after]
    page = rest[:limit]
    next_cursor = encode_cursor(page[-1].id) if len(rest) > limit else None
    return {"items": page, "next_cursor": next_cursor}
