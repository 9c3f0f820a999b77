"""Payees and tags of a book: autocomplete, rename (merging), delete."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, String
from apiflask.validators import Length

from server.api import examples as ex
from server.api.access import book_access
from server.api.categories import paginate_offset
from server.api.schemas import (
    NOT_BLANK,
    TAG_PATTERN,
    PageQuery,
    decode_cursor,
    encode_cursor,
    errors,
    page_schema,
)
from server.auth.web import auth
from server.clock import utcnow
from server.domain import labels as domain
from server.domain.labels import PAYEE_MAX, TAG_MAX, PayeeInput, TagInput
from server.request_db import database, reader

bp = APIBlueprint("labels", __name__, tag="Payees and tags")

PAYEES = "/books/<int:book_id>/payees"
TAGS = "/books/<int:book_id>/tags"


class PayeeOut(Schema):
    id = Integer()
    name = String(metadata={"example": "Corner Shop"})
    uses = Integer(metadata={"description": "How many transactions name this payee."})


class PayeeQuery(PageQuery):
    q = String(
        load_default=None,
        validate=Length(max=PAYEE_MAX),
        metadata={"description": "Only payees whose name starts with this (any case)."},
    )


class LabelName(Schema):
    name = String(required=True, validate=Length(max=PAYEE_MAX), metadata={"pattern": NOT_BLANK})


class TagOut(Schema):
    id = Integer()
    name = String(metadata={"example": "vacation"})
    uses = Integer(metadata={"description": "How many transactions carry this tag."})


class TagIn(Schema):
    name = String(
        required=True,
        validate=Length(max=TAG_MAX),
        metadata={"example": "vacation", "pattern": TAG_PATTERN},
    )


PayeePage = page_schema(PayeeOut, "PayeePage")
TagPage = page_schema(TagOut, "TagPage")
MERGE_DOC = (
    "If another {0} of the book has that name (any case), this one is merged into it: its "
    "transactions move there and the answer is that {0}."
)


# Routes that output an item come before its list: APIFlask must meet the item schema on its
# own before it meets it nested in the page schema, or it registers it twice.


@bp.post(PAYEES)
@bp.auth_required(auth, roles=["write"])
@bp.input(LabelName, arg_name="body", example=ex.PAYEE_IN)
@bp.output(PayeeOut, status_code=201, example=ex.PAYEE)
@bp.doc(
    summary="Create a payee",
    description="Up to 200 characters, unique in the book (any case). Transactions also make "
    "their payees as they name them.",
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def create_payee(book_id: int, body: dict[str, Any]) -> Any:
    """Create a payee in the book."""
    return domain.create_payee(database(), book_id, PayeeInput(**body)), 201


@bp.patch(PAYEES + "/<int:payee_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(LabelName, arg_name="body", example=ex.PAYEE_PATCH)
@bp.output(PayeeOut, example=ex.PAYEE_RENAMED)
@bp.doc(
    summary="Rename a payee",
    description=MERGE_DOC.format("payee"),
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def rename_payee(book_id: int, payee_id: int, body: dict[str, Any]) -> Any:
    """Rename (or merge) a payee."""
    return domain.rename_payee(database(), book_id, payee_id, PayeeInput(**body), now=utcnow())


@bp.delete(PAYEES + "/<int:payee_id>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a payee",
    description="Only a payee no transaction names; otherwise 409 (rename it to merge instead).",
    responses=errors(
        401,
        403,
        404,
        why={
            409: (
                "Transactions name this payee",
                "The payee 'Corner Shop' is used by 37 transactions; rename it to another "
                "payee's name to merge them.",
            )
        },
    ),
)
@book_access("write")
def delete_payee(book_id: int, payee_id: int) -> tuple[str, int]:
    """Delete an unused payee."""
    domain.delete_payee(database(), book_id, payee_id)
    return "", 204


@bp.get(PAYEES)
@bp.auth_required(auth)
@bp.input(PayeeQuery, location="query", arg_name="query")
@bp.output(PayeePage, example=ex.PAYEE_PAGE)
@bp.doc(
    summary="List payees",
    description="Most used first, then by name; `q` keeps those whose name starts with it "
    "(for autocomplete). Payees are made as transactions name them.",
    responses=errors(401, 404, 422),
)
@book_access("read")
def list_payees(book_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """List the book's payees, a page at a time."""
    offset, limit = decode_cursor(query["cursor"]), query["limit"]
    found = domain.list_payees(reader(), book_id, q=query["q"], limit=limit + 1, offset=offset)
    more = len(found) > limit
    return {"items": found[:limit], "next_cursor": encode_cursor(offset + limit) if more else None}


@bp.post(TAGS)
@bp.auth_required(auth, roles=["write"])
@bp.input(TagIn, arg_name="body", example=ex.TAG_IN)
@bp.output(TagOut, status_code=201, example=ex.TAG)
@bp.doc(
    summary="Create a tag",
    description="1 to 50 characters, no commas, unique in the book (any case).",
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def create_tag(book_id: int, body: dict[str, Any]) -> Any:
    """Create a tag in the book."""
    return domain.create_tag(database(), book_id, TagInput(**body)), 201


@bp.patch(TAGS + "/<int:tag_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(TagIn, arg_name="body", example=ex.TAG_PATCH)
@bp.output(TagOut, example=ex.TAG_RENAMED)
@bp.doc(
    summary="Rename a tag",
    description=MERGE_DOC.format("tag"),
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def rename_tag(book_id: int, tag_id: int, body: dict[str, Any]) -> Any:
    """Rename (or merge) a tag."""
    return domain.rename_tag(database(), book_id, tag_id, TagInput(**body), now=utcnow())


@bp.delete(TAGS + "/<int:tag_id>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a tag",
    description="It is taken off every transaction that carries it.",
    responses=errors(401, 403, 404),
)
@book_access("write")
def delete_tag(book_id: int, tag_id: int) -> tuple[str, int]:
    """Delete a tag."""
    domain.delete_tag(database(), book_id, tag_id, now=utcnow())
    return "", 204


@bp.get(TAGS)
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(TagPage, example=ex.TAG_PAGE)
@bp.doc(
    summary="List tags",
    description="By name, each with how many transactions carry it.",
    responses=errors(401, 404, 422),
)
@book_access("read")
def list_tags(book_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """List the book's tags, a page at a time."""
    return paginate_offset(domain.list_tags(reader(), book_id), query["limit"], query["cursor"])
