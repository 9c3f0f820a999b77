"""Members of a book: who may read, write or manage it; a book never loses its last owner.
People join a book by accepting an invitation (`server.domain.invitations`).

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

from server.clock import from_iso
from server.db import Database
from server.domain.books import ROLES
from server.domain.field_rules import choice_rule
from server.errors import Conflict, NotFound, ValidationFailed
from server.translatable import _l

log = logging.getLogger("tallybook.auth")

LAST_OWNER = _l(
    "A book must keep at least one owner: make another member an owner first, "
    "then change or remove this one."
)
LAST_OWNER_LEAVING = _l(
    "You are the last owner of this book: make another member an owner before you leave it, "
    "or delete the book."
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
        raise ValidationFailed.on("role", choice_rule(ROLES))


def _get(conn: sqlite3.Connection, book_id: int, user_id: int) -> Member:
    row = conn.execute(_SELECT + " AND m.user_id = ?", [book_id, user_id]).fetchone()
    if row is None:
        raise NotFound(
            _l(
                "User %(user_id)s is not a member of book %(book_id)s.",
                user_id=user_id,
                book_id=book_id,
            )
        )
    return _from_row(row)


def _owner_count(db: sqlite_utils.Database, book_id: int) -> int:
    return db.execute(
        "SELECT count(*) FROM book_members WHERE book_id = ? AND role = 'owner'", [book_id]
    ).fetchone()[0]


def list_members(conn: sqlite3.Connection, book_id: int) -> list[Member]:
    """Return the members of a book, by user id."""
    rows = conn.execute(_SELECT + " ORDER BY m.user_id", [book_id]).fetchall()
    return [_from_row(row) for row in rows]


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
            raise Conflict(
                _l(
                    "%(username)s is the last owner of this book. %(last_owner)s",
                    username=member.username,
                    last_owner=LAST_OWNER,
                )
            )
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
            if leaving:
                raise Conflict(LAST_OWNER_LEAVING)
            raise Conflict(
                _l(
                    "%(username)s is the last owner of this book. %(last_owner)s",
                    username=member.username,
                    last_owner=LAST_OWNER,
                )
            )
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
