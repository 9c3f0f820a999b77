"""Members of a book: who may read, write or manage it; a book never loses its last owner.

Every change decides inside its own write transaction (`BEGIN IMMEDIATE`, one writer), so the
role checks and the last-owner rule see the state they change: two owners demoting each other
at once cannot both succeed and leave the book without an owner.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from server.characters import refuse_odd_characters
from server.clock import from_iso, to_iso
from server.db import Database
from server.domain.books import ROLES
from server.errors import Conflict, NotFound, ValidationFailed

log = logging.getLogger("tallybook.auth")

LAST_OWNER = (
    "A book must keep at least one owner: make another member an owner first, "
    "then change or remove this one."
)


@dataclass(frozen=True)
class Member:
    """A user's membership of a book."""

    user_id: int
    username: str
    role: str
    since: datetime

    @property
    def id(self) -> int:
        """Return the key members are listed and paged by (the user id)."""
        return self.user_id


_SELECT = (
    "SELECT m.user_id, u.username, m.role, m.created_at "
    "FROM book_members m JOIN users u ON u.id = m.user_id WHERE m.book_id = ?"
)


def _from_row(row: sqlite3.Row) -> Member:
    return Member(
        user_id=row["user_id"],
        username=row["username"],
        role=row["role"],
        since=from_iso(row["created_at"]),
    )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationFailed.on("role", f"Use one of: {', '.join(ROLES)}.")


def _get(conn: sqlite3.Connection, book_id: int, user_id: int) -> Member:
    row = conn.execute(_SELECT + " AND m.user_id = ?", [book_id, user_id]).fetchone()
    if row is None:
        raise NotFound(f"User {user_id} is not a member of book {book_id}.")
    return _from_row(row)


def _owner_count(db: sqlite_utils.Database, book_id: int) -> int:
    return db.execute(
        "SELECT count(*) FROM book_members WHERE book_id = ? AND role = 'owner'", [book_id]
    ).fetchone()[0]


@dataclass(frozen=True)
class MemberInput:
    """An existing user, by username, and the role they get in the book."""

    username: str
    role: str


def list_members(conn: sqlite3.Connection, book_id: int) -> list[Member]:
    """Return the members of a book, by user id."""
    rows = conn.execute(_SELECT + " ORDER BY m.user_id", [book_id]).fetchall()
    return [_from_row(row) for row in rows]


def add_member(
    database: Database, book_id: int, new: MemberInput, *, now: datetime, by_user: int
) -> Member:
    """Add an existing user to a book by username with a role; `by_user` is logged."""
    role = new.role
    _check_role(role)
    refuse_odd_characters({"username": new.username})
    with database.write() as db:
        user = db.execute(
            "SELECT id, username FROM users WHERE username = ?", [new.username.strip()]
        ).fetchone()
        if user is None:
            raise ValidationFailed.on("username", "There is no user with this username.")
        if db.execute(
            "SELECT 1 FROM book_members WHERE book_id = ? AND user_id = ?", [book_id, user["id"]]
        ).fetchone():
            raise Conflict(f"{user['username']} is already a member of this book.")
        db["book_members"].insert(
            {"book_id": book_id, "user_id": user["id"], "role": role, "created_at": to_iso(now)}
        )
        member = _get(db.conn, book_id, user["id"])
    log.info(
        "book member added: %s (user %s) as %s of book %s by user %s",
        member.username,
        member.user_id,
        role,
        book_id,
        by_user,
    )
    return member


def change_role(
    database: Database, book_id: int, user_id: int, role: str, *, by_user: int
) -> Member:
    """Give a member another role; the last owner keeps theirs. `by_user` is logged."""
    _check_role(role)
    with database.write() as db:
        member = _get(db.conn, book_id, user_id)
        if member.role == role:
            return member
        if member.role == "owner" and _owner_count(db, book_id) == 1:
            raise Conflict(f"{member.username} is the last owner of this book. {LAST_OWNER}")
        db.execute(
            "UPDATE book_members SET role = ? WHERE book_id = ? AND user_id = ?",
            [role, book_id, user_id],
        )
        changed = _get(db.conn, book_id, user_id)
    log.info(
        "book member role changed: %s (user %s) from %s to %s in book %s by user %s",
        member.username,
        user_id,
        member.role,
        role,
        book_id,
        by_user,
    )
    return changed


def remove_member(database: Database, book_id: int, user_id: int, *, by_user: int) -> None:
    """Take a member out of a book (`by_user` themselves: they leave it); the last owner
    stays."""
    with database.write() as db:
        leaving = by_user == user_id
        member = _get(db.conn, book_id, user_id)
        if member.role == "owner" and _owner_count(db, book_id) == 1:
            raise Conflict(f"{member.username} is the last owner of this book. {LAST_OWNER}")
        db.execute("DELETE FROM book_members WHERE book_id = ? AND user_id = ?", [book_id, user_id])
    if leaving:
        log.info(
            "book member left: %s (user %s, %s) left book %s",
            member.username,
            user_id,
            member.role,
            book_id,
        )
    else:
        log.info(
            "book member removed: %s (user %s, %s) from book %s by user %s",
            member.username,
            user_id,
            member.role,
            book_id,
            by_user,
        )
