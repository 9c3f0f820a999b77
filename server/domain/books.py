"""Books (a household's finances) and who may do what in them."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlite_utils

from server.clock import from_iso, to_iso
from server.db import Database
from server.db.backups import Backup, create_backup
from server.domain import validation as check
from server.domain.bulk import delete_book_rows
from server.domain.category_defaults import create_default_categories
from server.domain.currencies import UNKNOWN_CURRENCY, is_currency
from server.domain.validation import Problems
from server.errors import Forbidden, NotFound, PreconditionFailed, ValidationFailed
from server.translatable import _l

log = logging.getLogger("tallybook.books")

ROLES = ("owner", "editor", "viewer")
# What each role may do; a role includes the rights of those after it.
CAN_WRITE = frozenset({"owner", "editor"})
CAN_MANAGE = frozenset({"owner"})
DEFAULT_CURRENCY = "USD"


@dataclass(frozen=True)
class Book:
    """A book as one member sees it (with their role)."""

    id: int
    name: str
    currency: str
    role: str
    revision: int
    created_at: datetime
    updated_at: datetime

    @property
    def etag(self) -> str:
        """Return the entity tag of the book's current state."""
        return f'"book-{self.id}-{self.revision}"'


_SELECT = (
    "SELECT b.id, b.name, b.currency, b.revision, b.created_at, b.updated_at, m.role "
    "FROM books b JOIN book_members m ON m.book_id = b.id AND m.user_id = ?"
)


@dataclass(frozen=True)
class BookChanges:
    """Changes to a book's settings as the client sends them; None leaves one as it is."""

    name: str | None = None
    currency: str | None = None


def _from_row(row: sqlite3.Row) -> Book:
    return Book(
        id=row["id"],
        name=row["name"],
        currency=row["currency"],
        role=row["role"],
        revision=row["revision"],
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )


def member_role(conn: sqlite3.Connection, user_id: int, book_id: int) -> str:
    """Return the user's role in a book; a book they are not a member of is NotFound."""
    row = conn.execute(
        "SELECT role FROM book_members WHERE book_id = ? AND user_id = ?", [book_id, user_id]
    ).fetchone()
    if row is None:
        raise NotFound(_l("No book with id %(book_id)s.", book_id=book_id))
    return row["role"]


def require_role(
    conn: sqlite3.Connection, user_id: int, book_id: int, allowed: frozenset[str]
) -> str:
    """Return the user's role if it is one of `allowed`; NotFound or Forbidden otherwise."""
    role = member_role(conn, user_id, book_id)
    if role not in allowed:
        if allowed == CAN_MANAGE:
            raise Forbidden(_l("You are a %(role)s of this book; this needs an owner.", role=role))
        raise Forbidden(
            _l("You are a %(role)s of this book; this needs an editor or owner.", role=role)
        )
    return role


Level = Literal["read", "write", "manage"]
ALLOWED: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "write": CAN_WRITE,
    "manage": CAN_MANAGE,
}


@contextmanager
def gate(
    database: Database, user_id: int, book_id: int, level: Level
) -> Iterator[sqlite_utils.Database]:
    """Open the write transaction and check that `user_id` holds `level` in the book inside
    it; the block's writes are made in that transaction."""
    with database.write() as db:
        require_role(db.conn, user_id, book_id, ALLOWED[level])
        yield db


def check_if_match(if_match: str | None, etag: str, what: str) -> None:
    """Refuse a write whose If-Match names another version than `etag` (412)."""
    if if_match is None:
        return
    sent = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in sent and etag not in sent:
        raise PreconditionFailed(
            _l(
                "The %(what)s was changed by someone else since you read it; reload it "
                "and try again.",
                what=what,
            )
        )


def check_book_fields(name: str | None, currency: str | None, problems: Problems) -> None:
    """Collect what is wrong with a book's name or currency (None means not given)."""
    if name is not None:
        check.name(name, "name", problems, of="book")
    if currency is not None and not is_currency(currency):
        problems.add("currency", UNKNOWN_CURRENCY)


def _insert_book(
    db: sqlite_utils.Database, owner_id: int, name: str, currency: str, now: datetime
) -> int:
    book_id = (
        db["books"]
        .insert(
            {
                "name": name.strip(),
                "currency": currency,
                "created_at": to_iso(now),
                "updated_at": to_iso(now),
            }
        )
        .last_pk
    )
    db["book_members"].insert(
        {"book_id": book_id, "user_id": owner_id, "role": "owner", "created_at": to_iso(now)}
    )
    create_default_categories(db, book_id, now)
    return book_id


def create_personal_book(
    db: sqlite_utils.Database, user_id: int, username: str, now: datetime
) -> int:
    """Create a new user's personal book inside the caller's transaction."""
    return _insert_book(db, user_id, f"{username}'s book", DEFAULT_CURRENCY, now)


def create_book(
    database: Database, owner_id: int, *, name: str, currency: str, now: datetime
) -> Book:
    """Create a book owned by `owner_id`."""
    problems = Problems()
    check_book_fields(name, currency, problems)
    problems.raise_if_any(_l("The book cannot be created as given."))
    with database.write() as db:
        book_id = _insert_book(db, owner_id, name, currency, now)
        row = db.execute(_SELECT + " WHERE b.id = ?", [owner_id, book_id]).fetchone()
    return _from_row(row)


def list_books(conn: sqlite3.Connection, user_id: int) -> list[Book]:
    """Return the books `user_id` is a member of, oldest first."""
    rows = conn.execute(_SELECT + " ORDER BY b.id", [user_id]).fetchall()
    return [_from_row(row) for row in rows]


def get_book(conn: sqlite3.Connection, user_id: int, book_id: int) -> Book:
    """Return a book the user is a member of; any other book is NotFound."""
    row = conn.execute(_SELECT + " WHERE b.id = ?", [user_id, book_id]).fetchone()
    if row is None:
        raise NotFound(_l("No book with id %(book_id)s.", book_id=book_id))
    return _from_row(row)


def update_book(
    database: Database,
    book_id: int,
    changes: BookChanges,
    *,
    now: datetime,
    if_match: str | None = None,
    seen_by: int,
) -> Book:
    """Rename a book or change its currency, honouring an If-Match ETag; return the book as
    the member `seen_by` sees it (with their role: not checked here, the route's gate is)."""
    problems = Problems()
    check_book_fields(changes.name, changes.currency, problems)
    problems.raise_if_any(_l("The book cannot be changed that way."))
    with database.write() as db:
        book = get_book(db.conn, seen_by, book_id)
        check_if_match(if_match, book.etag, "book")
        row = {"updated_at": to_iso(now), "revision": book.revision + 1}
        if changes.name is not None:
            row["name"] = changes.name.strip()
        currency = changes.currency
        if currency is not None and currency != book.currency:
            budgeted = db.execute(
                "SELECT count(*) FROM budgets b JOIN categories c ON c.id = b.category_id "
                "WHERE c.book_id = ?",
                [book_id],
            ).fetchone()[0]
            if budgeted:  # its amounts are in the book's currency, which this would change
                raise ValidationFailed.on(
                    "currency",
                    _l(
                        "The budget is kept in %(currency)s (%(budgeted)s amounts): set them "
                        "to 0 before the book changes currency.",
                        currency=book.currency,
                        budgeted=budgeted,
                    ),
                )
        if currency is not None:
            row["currency"] = currency
        db["books"].update(book_id, row)
        return get_book(db.conn, seen_by, book_id)


@dataclass(frozen=True)
class DeletedBook:
    """A book that is gone, and the backup that still holds it."""

    id: int
    name: str
    backup: Backup


def delete_book(
    database: Database,
    book_id: int,
    confirm_name: str,
    *,
    now: datetime,
    if_match: str | None = None,
    by_user: int,
) -> DeletedBook:
    """Delete a book and everything of it for all its members, once `confirm_name` is its
    name; the whole database is backed up first. `by_user` is logged."""
    with database.write() as db:
        book = get_book(db.conn, by_user, book_id)
        check_if_match(if_match, book.etag, "book")
        if confirm_name.strip() != book.name:
            raise ValidationFailed.on(
                "confirm_name",
                _l("Type the book's name, %(name)s, exactly to delete it.", name=book.name),
            )
        # Inside the write transaction: nothing is written between the backup and the delete,
        # so the backup holds the book exactly as it was.
        backup = create_backup(
            database, "before-book-delete", now, label=f"Before deleting the book {book.name}"
        )
        delete_book_rows(db, book_id)
    log.warning(
        "book deleted: %r (book %s) by user %s; backed up before in %s",
        book.name,
        book_id,
        by_user,
        backup.name,
    )
    return DeletedBook(book.id, book.name, backup)
