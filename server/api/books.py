"""Books: list, create, read, rename, delete."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import DateTime, Integer, Nested, String
from apiflask.validators import Length, OneOf
from flask import request

from server.api import book_examples
from server.api import examples as ex
from server.api.access import book_access
from server.api.backups import BackupOut, backup_json
from server.api.schemas import (
    IF_MATCH_DOC,
    NOT_BLANK,
    PageQuery,
    errors,
    page_schema,
    paginate,
    with_etag,
)
from server.auth.web import auth, current_principal
from server.clock import utcnow
from server.domain.books import (
    DEFAULT_CURRENCY,
    ROLES,
    Book,
    BookChanges,
    create_book,
    delete_book,
    get_book,
    list_books,
)
from server.domain.books import update_book as update_book_in_db
from server.domain.currencies import CURRENCY_TEXT_MAX, currency_codes
from server.domain.validation import NAME_MAX
from server.request_db import database, reader

bp = APIBlueprint("books", __name__, tag="Books")


class BookOut(Schema):
    id = Integer(metadata={"example": 1})
    name = String(metadata={"example": "Household"})
    currency = String(metadata={"example": "EUR", "description": "ISO 4217 code"})
    role = String(validate=OneOf(ROLES), metadata={"description": "Your role in this book."})
    created_at = DateTime()
    updated_at = DateTime()


class BookIn(Schema):
    name = String(
        required=True,
        validate=Length(max=NAME_MAX),
        metadata={"example": "Household", "pattern": NOT_BLANK},
    )
    currency = String(
        load_default=DEFAULT_CURRENCY,
        validate=Length(max=CURRENCY_TEXT_MAX),
        metadata={
            "example": "EUR",
            "description": "ISO 4217 code of the book's main currency.",
            "enum": currency_codes(),
        },
    )


class BookPatch(Schema):
    name = String(validate=Length(max=NAME_MAX), metadata={"pattern": NOT_BLANK})
    currency = String(validate=Length(max=CURRENCY_TEXT_MAX), metadata={"enum": currency_codes()})


class BookDeleteQuery(Schema):
    confirm_name = String(
        required=True,
        validate=Length(max=NAME_MAX),
        metadata={
            "description": "The book's name, typed again: the book is deleted only if it is "
            "exactly its current name.",
            "example": "Household",
        },
    )


class BookDeleted(Schema):
    id = Integer(metadata={"example": 1})
    name = String(metadata={"example": "Household"})
    backup = Nested(
        BackupOut,
        metadata={
            "description": "The backup of the whole database taken just before, which still "
            "holds the book: an administrator restores it in Settings > Backups."
        },
    )


BookPage = page_schema(BookOut, "BookPage")


def _with_etag(book: Book, status: int = 200) -> tuple[Book, int, dict[str, str]]:
    return with_etag(book, book.etag, status)


# The create route comes before the list: APIFlask must meet BookOut on its own before it
# meets it nested in BookPage, or it registers the schema twice (BookOut and BookOut1).
@bp.post("/books")
@bp.auth_required(auth, roles=["write"])
@bp.input(BookIn, arg_name="body", example=ex.BOOK_IN)
@bp.output(BookOut, status_code=201, example=ex.BOOK)
@bp.doc(
    summary="Create a book",
    description="You become its owner.",
    responses=errors(
        401,
        422,
        why={
            403: (
                "A read-only token cannot write",
                "Your credentials do not allow this (a read-scope token cannot write).",
            )
        },
    ),
)
def create_my_book(body: dict[str, str]) -> Any:
    """Create a book owned by the caller."""
    book = create_book(
        database(),
        current_principal().user.id,
        name=body["name"],
        currency=body["currency"],
        now=utcnow(),
    )
    return _with_etag(book, 201)


@bp.get("/books")
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(BookPage, example=ex.BOOK_PAGE)
@bp.doc(
    summary="List my books",
    description="The books you are a member of, oldest first.",
    responses=errors(401, 422),
)
def list_my_books(query: dict[str, Any]) -> dict[str, Any]:
    """List the caller's books, a page at a time."""
    principal = current_principal()
    books = list_books(reader(), principal.user.id)
    if principal.book_id is not None:  # an app sees only the book it was let into
        books = [book for book in books if book.id == principal.book_id]
    return paginate(books, query["limit"], query["cursor"])


@bp.get("/books/<int:book_id>")
@bp.auth_required(auth)
@bp.output(BookOut, example=ex.BOOK)
@bp.doc(
    summary="Read a book",
    description="A book you are not a member of answers 404, as if it did not exist.",
    responses=errors(401, why={404: ("No such book, or not one of yours", "No book with id 7.")}),
)
@book_access("read")
def read_book(book_id: int) -> Any:
    """Return one of the caller's books, with its ETag."""
    return _with_etag(get_book(reader(), current_principal().user.id, book_id))


@bp.patch("/books/<int:book_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(BookPatch, arg_name="body", example=ex.BOOK_PATCH)
@bp.output(BookOut, example=ex.BOOK_RENAMED)
@bp.doc(
    summary="Rename a book or change its currency",
    description=f"Owners only. {IF_MATCH_DOC}",
    responses=errors(
        401,
        404,
        412,
        422,
        why={403: ("Owners only", "You are a editor of this book; this needs an owner.")},
    ),
)
@book_access("manage")
def update_book(book_id: int, body: dict[str, str]) -> Any:
    """Change a book's name or currency."""
    book = update_book_in_db(
        database(),
        book_id,
        BookChanges(**body),
        now=utcnow(),
        if_match=request.headers.get("If-Match"),
        seen_by=current_principal().user.id,
    )
    return _with_etag(book)


@bp.delete("/books/<int:book_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(BookDeleteQuery, location="query", arg_name="query")
@bp.output(BookDeleted, example=book_examples.BOOK_DELETED)
@bp.doc(
    summary="Delete a book",
    description="Owners only, and only with the book's name typed again as `confirm_name`. "
    "The whole database is backed up first (reason `before-book-delete`, labelled with the "
    "book's name); then the book and everything in it (accounts, transactions, budgets, "
    "rules, schedules, imports, invitations, the apps let into it, its change feed) are "
    "deleted at once, for every member. The answer names the backup. "
    f"{IF_MATCH_DOC}",
    responses=errors(
        401,
        404,
        412,
        why={
            403: ("Owners only", "You are a editor of this book; this needs an owner."),
            422: (
                "`confirm_name` is not the book's name",
                "Type the book's name, Household, exactly to delete it.",
            ),
        },
    ),
)
@book_access("manage")
def delete_my_book(book_id: int, query: dict[str, str]) -> dict[str, Any]:
    """Delete a book after a backup, once its name is confirmed."""
    deleted = delete_book(
        database(),
        book_id,
        query["confirm_name"],
        now=utcnow(),
        if_match=request.headers.get("If-Match"),
        by_user=current_principal().user.id,
    )
    return {"id": deleted.id, "name": deleted.name, "backup": backup_json(deleted.backup)}
