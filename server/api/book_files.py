"""A whole book as a JSON file: download it, or make a new book from one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, List, Nested, Raw, String
from apiflask.validators import Length
from flask import Response, request, stream_with_context

from server.api import report_examples as rex
from server.api.access import book_access
from server.api.books import BookIn, BookOut
from server.api.schemas import body_read_by_the_route, errors
from server.auth.web import auth, current_principal
from server.clock import utcnow
from server.domain import book_read as limits
from server.domain.book_file import FORMAT, VERSION, book_json
from server.domain.book_load import load_book
from server.domain.books import get_book
from server.domain.currencies import currency_codes
from server.domain.validation import MAX_PROBLEMS
from server.request_db import database, reader

bp = APIBlueprint("book_files", __name__, tag="Books")


def book_download(book_id: int, chunks: Iterator[str], mimetype: str, extension: str) -> Response:
    """Stream a whole book's file (`chunks`) as a download named after the book."""
    name = get_book(reader(), current_principal().user.id, book_id).name
    safe = re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII).strip("-") or "book"
    first = next(chunks)
    return Response(
        stream_with_context(chain([first], chunks)),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{safe}{extension}"'},
    )


def item(kind: str = "object") -> Raw:
    """An item of a book file's list, never null: an object (a name for payees and tags)."""
    return Raw(metadata={"type": kind})


class BookFileBook(BookIn):
    currency = String(
        required=True,
        metadata={
            "description": "ISO 4217 code of the book's main currency.",
            "enum": currency_codes(),
        },
    )


class BookFile(Schema):
    format = String(required=True, metadata={"example": FORMAT, "enum": [FORMAT]})
    version = Integer(required=True, metadata={"example": VERSION, "enum": [VERSION]})
    exported_at = String(metadata={"description": "When the file was made (not loaded)."})
    book = Nested(BookFileBook, required=True)
    accounts = List(item(), validate=Length(max=limits.MAX_BOOK_ACCOUNTS))
    category_groups = List(item(), validate=Length(max=limits.MAX_BOOK_CATEGORY_GROUPS))
    categories = List(item(), validate=Length(max=limits.MAX_BOOK_CATEGORIES))
    payees = List(item("string"), validate=Length(max=limits.MAX_BOOK_PAYEES))
    tags = List(item("string"), validate=Length(max=limits.MAX_BOOK_TAGS))
    rules = List(item(), validate=Length(max=limits.MAX_BOOK_RULES))
    budgets = List(item(), validate=Length(max=limits.MAX_BOOK_BUDGETS))
    goals = List(item(), validate=Length(max=limits.MAX_BOOK_GOALS))
    schedules = List(item(), validate=Length(max=limits.MAX_BOOK_SCHEDULES))
    reconciliations = List(item(), validate=Length(max=limits.MAX_BOOK_RECONCILIATIONS))
    transactions = List(item(), validate=Length(max=limits.MAX_BOOK_TRANSACTIONS))


@bp.get("/books/<int:book_id>/export.json")
@bp.auth_required(auth)
@bp.doc(
    summary="Export a whole book as JSON",
    description="Accounts, category groups, categories, payees, tags, rules, budgets, goals, "
    "scheduled transactions (with the occurrences entered or skipped), reconciliations and every "
    "transaction (with splits, tags and transfers), read in one snapshot. Objects refer to each "
    "other by `ref`. `POST /books/import` makes a new book from the file.",
    responses=errors(401, 404)
    | {
        200: {
            "description": "The book file, as `POST /books/import` takes it",
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/BookFile"},
                    "example": rex.BOOK_FILE,
                }
            },
        }
    },
)
@book_access("read")
def export(book_id: int) -> Response:
    """Stream the book as JSON."""
    chunks = book_json(database(), book_id, utcnow())
    return book_download(book_id, chunks, "application/json", ".tallybook.json")


@bp.post("/books/import")
@bp.auth_required(auth, roles=["write"])
@body_read_by_the_route(BookFile, example=rex.BOOK_FILE)
@bp.output(BookOut, status_code=201, example=rex.BOOK_LOADED)
@bp.doc(
    summary="Make a book from an exported file",
    description="A new book, owned by you, holding exactly what the file holds; all or nothing. "
    "Every problem of the file is named at its place (`transactions[12].amount`), up to the "
    f"first {MAX_PROBLEMS} (the file is not checked further). Up to 512 MB, read a piece at a "
    f"time: each item (a transaction, say) of at most {limits.MAX_ITEM_CHARS:,} characters, "
    f"everything but the transactions of at most {limits.MAX_HEAD_VALUES:,} values; the book, "
    "accounts, category groups and categories come before the transactions.",
    responses=errors(400, 401, 403, 422, why={413: "The file is over 512 MB"}),
)
def load() -> Any:
    """Load a book file as a new book."""
    book = load_book(database(), current_principal().user.id, request.stream, now=utcnow())
    return book, 201
