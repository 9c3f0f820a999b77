"""Schemas shared by several resources: errors, lists and paging; documented error responses."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from apiflask import APIFlask, Schema
from apiflask.fields import Boolean, Date, Dict, Field, Integer, List, Nested, String
from apiflask.validators import Length, Range

from server.db.kept_sums import SEARCH_ID_BITS
from server.domain.labels import TAG_MAX
from server.domain.money import AMOUNT_PATTERN
from server.errors import ValidationFailed
from server.problems import PROBLEM_JSON
from server.translatable import _l

JSON = "application/json"
# SQLite's largest integer: no id is bigger.
MAX_ID = 2**63 - 1
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def whole(pattern: str) -> str:
    """Return a document's `pattern` that matches only the whole text (JSON Schema searches);
    not `$`, which in Python's `re`, as fuzzers and validators use it, takes a final newline."""
    return rf"^(?:{pattern})(?![\s\S])"


# No text holds a control character (server.characters); a text of lines (a memo) may hold tabs
# and line breaks. The document says so in every text's pattern: the ones below, and ONE_LINE
# where a text has no pattern of its own (`text_characters`). (Nor a lone surrogate, which is
# no Unicode text at all: a pattern cannot name one, validators' regex engines refuse it.)
_ODD = r"\u0000-\u001f\u007f-\u009f"
_ODD_IN_LINES = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
ONE_LINE = whole(rf"[^{_ODD}]*")
LINES = whole(rf"[^{_ODD_IN_LINES}]*")


def not_blank(also_not: str = "") -> str:
    """Return the pattern of a name: one line, with a character that is not white space (a
    name is judged with the white space around it taken off), holding none of `also_not`."""
    allowed = rf"[^{_ODD}{also_not}]"
    return whole(rf"{allowed}*[^\s{_ODD}{also_not}]{allowed}*")


NOT_BLANK = not_blank()
# A tag as the server takes it: not blank, and no comma (tags are written comma-separated).
TAG_PATTERN = not_blank(",")


# A day as the server takes it: from 1900 on (`server.domain.validation.FIRST_DAY`).
DAY_PATTERN = whole(r"(?:19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}")


def day_field(**options: Any) -> Date:
    """Return a request's date field, its form stated as the server holds it."""
    metadata = {**options.pop("metadata", {}), "pattern": DAY_PATTERN}
    return Date(metadata=metadata, **options)


def tag_field() -> String:
    """Return the field of one tag in a request."""
    return String(validate=Length(max=TAG_MAX), metadata={"pattern": TAG_PATTERN})


def stripped(pattern: str) -> str:
    """Return the document's pattern of a text the server reads with the white space around
    it taken off: `pattern`, whole, within any white space."""
    return whole(rf"\s*(?:{pattern})\s*")


def amount_pattern() -> str:
    """Return the document's pattern of an amount as parse_amount reads it."""
    return stripped(AMOUNT_PATTERN)


class Flag(Boolean):
    """A boolean in a JSON body: `true` or `false` only (Boolean also takes 1, 0 and "yes").

    Query parameters, which arrive as text, keep Boolean's "true"/"false".
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class FieldProblem(Schema):
    field = String(allow_none=True, metadata={"description": "The input field, dotted."})
    message = String()


class Problem(Schema):
    """RFC 9457 problem details, as every error is answered."""

    type = String(required=True, metadata={"example": "about:blank"})
    title = String(required=True, metadata={"example": "Not found"})
    status = Integer(required=True, metadata={"example": 404})
    detail = String(required=True, metadata={"example": "No book with id 7."})
    instance = String(required=True, metadata={"example": "/api/v1/books/7"})
    code = String(required=True, metadata={"description": "A stable machine-readable error code."})
    errors = List(
        Nested(FieldProblem),
        metadata={
            "description": "One entry per invalid field: always in a 422, in other answers "
            "when one field (a header, say) is what is wrong."
        },
    )


class ValidationProblem(Problem):
    """A problem with the fields of a request: `errors` names each."""

    errors = List(
        Nested(FieldProblem),
        required=True,
        metadata={"description": "One entry per invalid field."},
    )


# Each error status a route may document: what it means, and an example body as it is sent.
# (title, code, detail, instance, description)
_PROBLEMS: dict[int, tuple[str, str, str, str, str]] = {
    400: (
        "Bad Request",
        "bad_request",
        "The request body is not valid JSON.",
        "/api/v1/books/1/transactions",
        "The request is malformed (not JSON, a bad header, a number too large)",
    ),
    401: (
        "Unauthorized",
        "unauthorized",
        "Sign in, or send a valid token in the Authorization header.",
        "/api/v1/books/1/accounts",
        "Not signed in, or the token is missing, wrong, expired or revoked",
    ),
    403: (
        "Forbidden",
        "forbidden",
        "You are a viewer of this book; this needs an editor or owner.",
        "/api/v1/books/1/transactions",
        "Not allowed: you are a viewer of the book (editors and owners may write), the token is "
        "read-only, or the `X-CSRF-Token` header is missing",
    ),
    404: (
        "Not found",
        "not_found",
        "No account with id 99 in this book.",
        "/api/v1/books/1/accounts/99",
        "No such object, or one in a book you are not a member of",
    ),
    409: (
        "Conflict",
        "conflict",
        "The account has 12 transactions, so it cannot be deleted; archive it instead (it keeps "
        "its history and leaves the lists).",
        "/api/v1/books/1/accounts/3",
        "The current state of the data refuses it",
    ),
    412: (
        "Precondition failed",
        "precondition_failed",
        "The transaction was changed by someone else since you read it; reload it and try again.",
        "/api/v1/books/1/transactions/42",
        "Changed since you read it: the `If-Match` ETag is stale",
    ),
    413: (
        "Request Entity Too Large",
        "payload_too_large",
        "The request body is too large.",
        "/api/v1/books/1/imports",
        "The request body is larger than this route accepts",
    ),
    422: (
        "Validation failed",
        "validation_failed",
        "The request has invalid fields.",
        "/api/v1/books/1/transactions",
        "Invalid input: `errors` names each field and what is wrong with it",
    ),
    429: (
        "Too many requests",
        "too_many_requests",
        "Too many wrong passwords. Try again in 30 seconds.",
        "/api/v1/session",
        "Too many attempts: wait for the `Retry-After` seconds",
    ),
}
_FIELD_ERRORS = [
    {"field": "date", "message": "Use a date as YYYY-MM-DD."},
    {"field": "amount", "message": "This is required: give a value."},
]


def problem_example(status: int, detail: str | None = None) -> dict[str, Any]:
    """Return an example problem+json body for `status` (with `errors` for a 422)."""
    title, code, default_detail, instance, _ = _PROBLEMS[status]
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or default_detail,
        "instance": instance,
        "code": code,
    }
    if status == 422:
        body["errors"] = _FIELD_ERRORS
    return body


def problem_response(
    status: int, description: str | None = None, detail: str | None = None
) -> dict[str, Any]:
    """Return the OpenAPI response object of one documented error."""
    schema = "ValidationProblem" if status == 422 else "Problem"
    response: dict[str, Any] = {
        "description": description or _PROBLEMS[status][4],
        "content": {
            PROBLEM_JSON: {
                "schema": {"$ref": f"#/components/schemas/{schema}"},
                "example": problem_example(status, detail),
            }
        },
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        }
    return response


def body_read_by_the_route(schema: type[Schema], example: Any) -> Callable[[Any], Any]:
    """Document a JSON request body as `@bp.input` does, for a route that reads the body
    itself, a piece at a time (`@bp.input` parses it whole first): the schema only documents
    it, and the route checks what it reads."""

    def document(view: Any) -> Any:
        spec = view.__dict__.setdefault("_spec", {})  # where APIFlask's decorators note theirs
        spec.update(body=schema(), body_example=example, content_type="application/json")
        return view

    return document


def extend_spec(app: APIFlask, process: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Have `process` add to the OpenAPI document after the processors installed before it."""
    previous = app.spec_callback

    def chained(spec: dict[str, Any]) -> dict[str, Any]:
        return process(previous(spec) if previous else spec)

    app.spec_processor(chained)


def strict_whole_numbers(app: APIFlask) -> None:
    """Make every whole number of every JSON body strict: 1.5, "1" and true are refused, where
    marshmallow would read 1.5 as 1 (a query string's numbers are text and stay lenient)."""
    for view in app.view_functions.values():
        declared = getattr(view, "_spec", {})  # set by APIFlask's decorators
        if declared.get("body") is not None and declared.get("content_type") == JSON:
            for field in declared["body"].fields.values():
                _make_strict(field)


def _make_strict(field: Field) -> None:
    if isinstance(field, Integer):
        field.strict = True
    elif isinstance(field, Nested):
        for inner in field.schema.fields.values():
            _make_strict(inner)
    elif isinstance(field, List):
        _make_strict(field.inner)
    elif isinstance(field, Dict) and field.value_field is not None:
        _make_strict(field.value_field)


def declare_malformed_requests(spec: dict[str, Any]) -> dict[str, Any]:
    """Declare the 400 of each operation that reads a JSON body (not a JSON object: see
    `server.request_input`) or an `Idempotency-Key` header, where its route does not."""
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            body = JSON in operation.get("requestBody", {}).get("content", {})
            keyed = {"$ref": "#/components/parameters/IdempotencyKey"} in operation.get(
                "parameters", []
            )
            responses = operation.setdefault("responses", {})
            if "400" not in responses and (body or keyed):
                responses["400"] = problem_response(400)
            elif body and "JSON" not in responses["400"]["description"]:
                responses["400"]["description"] += "; or the body is not a JSON object"
    return spec


def unique_tags(spec: dict[str, Any]) -> dict[str, Any]:
    """Name each tag once (OpenAPI asks it): blueprints that share one each add it."""
    seen: dict[str, dict[str, Any]] = {}
    for tag in spec.get("tags", []):
        seen.setdefault(tag["name"], tag)
    spec["tags"] = list(seen.values())
    return spec


def text_characters(spec: dict[str, Any]) -> dict[str, Any]:
    """Give every text a request sends (body and parameters) that has no pattern of its own
    ONE_LINE, the characters the server takes."""
    schemas = spec.get("components", {}).get("schemas", {})
    for item in spec.get("paths", {}).values():
        for parameter in item.get("parameters", []):
            _state_characters(parameter.get("schema", {}), schemas, set())
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                _state_characters(parameter.get("schema", {}), schemas, set())
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _state_characters(media.get("schema", {}), schemas, set())
    return spec


def _state_characters(schema: dict[str, Any], schemas: dict[str, Any], seen: set[str]) -> None:
    name = schema.get("$ref", "").rpartition("/")[2]
    if name:
        if name not in seen:
            seen.add(name)
            _state_characters(schemas.get(name, {}), schemas, seen)
        return
    kinds = schema.get("type")  # "string", or ["string", "null"] for a text that may be null
    texts = kinds == "string" or (isinstance(kinds, list) and "string" in kinds)
    if texts and not {"pattern", "enum", "format"} & schema.keys():
        schema["pattern"] = ONE_LINE
    for inner in (
        *schema.get("properties", {}).values(),
        *([schema["items"]] if isinstance(schema.get("items"), dict) else []),
        *schema.get("allOf", []),
        *schema.get("anyOf", []),
        *schema.get("oneOf", []),
    ):
        _state_characters(inner, schemas, seen)


def required_bodies(spec: dict[str, Any]) -> dict[str, Any]:
    """Say a JSON body is required where its schema requires a field: the server refuses a
    request without one (APIFlask leaves every body optional)."""
    schemas = spec.get("components", {}).get("schemas", {})
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            media = (body or {}).get("content", {}).get("application/json", {})
            ref = media.get("schema", {}).get("$ref", "")
            if schemas.get(ref.rpartition("/")[2], {}).get("required"):
                body["required"] = True  # type: ignore[index]  # media came from it
    return spec


Why = str | tuple[str, str]


def errors(*statuses: int, why: dict[int, Why] | None = None) -> dict[int, Any]:
    """Return `@bp.doc(responses=...)` for the errors a route can answer, as problem+json.

    `why` tells a status's meaning for this route: a description, or (description, the
    example's `detail`).
    """
    why = why or {}
    responses: dict[int, Any] = {}
    for status in sorted({*statuses, *why}):
        reason = why.get(status)
        if isinstance(reason, str):
            responses[status] = problem_response(status, reason)
        else:
            responses[status] = problem_response(status, *(reason or ()))
    return responses


def csv_file(example: str, description: str | None = None) -> dict[int, Any]:
    """Return `@bp.doc(responses=...)` for a 200 that is (or may be) a CSV file."""
    response: dict[str, Any] = {
        "content": {"text/csv": {"schema": {"type": "string"}, "example": example}}
    }
    if description is not None:
        response["description"] = description
    return {200: response}


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
    return ValidationFailed.on("cursor", _l("This cursor is not one this API gave out."))


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
