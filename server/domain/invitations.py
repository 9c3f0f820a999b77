"""Invitations to a book: an owner invites a person by username with a role, and the person
joins the book only by accepting it; nobody is put into a book without saying yes.

Inviting answers the same whether or not the username belongs to anyone, so that it does not
tell which usernames exist. An invitation is bound to the account that has the name when it is
sent; one to a name nobody has is kept and listed like any other (the owner's list looks the
same either way) but can never be accepted, not even by someone who registers the name later,
and it expires like the rest. Answered invitations are deleted, so none is accepted twice;
expired ones are hidden at once and deleted by the next invitation sent.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from server.clock import from_iso, to_iso
from server.db import Database
from server.domain.books import ROLES, Book, get_book
from server.domain.validation import Problems, choice, text
from server.errors import Conflict, NotFound
from server.translatable import _l

log = logging.getLogger("tallybook.auth")

INVITATION_LIFETIME = timedelta(days=14)
MAX_PENDING = 100  # pending invitations of one book
INVITED_NAME_MAX = 100  # a username as typed (the accounts' own are shorter)


@dataclass(frozen=True)
class InvitationInput:
    """Whom to invite (a username, as typed) and the role they get when they accept."""

    username: str
    role: str


@dataclass(frozen=True)
class Invitation:
    """A pending invitation as the book's members see it."""

    id: int
    username: str
    role: str
    invited_by: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class InvitationToMe:
    """A pending invitation as the invited person sees it: which book, from whom, as what."""

    id: int
    book_name: str
    role: str
    invited_by: str
    expires_at: datetime


View = TypeVar("View", Invitation, InvitationToMe)

_SELECT = (
    "SELECT i.id, i.username, i.role, u.username AS invited_by, i.created_at, i.expires_at "
    "FROM book_invitations i JOIN users u ON u.id = i.invited_by "
    "WHERE i.book_id = ? AND i.expires_at > ?"
)
_SELECT_MINE = (
    "SELECT i.id, b.name AS book_name, i.role, u.username AS invited_by, i.expires_at "
    "FROM book_invitations i JOIN books b ON b.id = i.book_id "
    "JOIN users u ON u.id = i.invited_by "
    "WHERE i.user_id = ? AND i.expires_at > ?"
)


def _from_row(kind: type[View], row: sqlite3.Row) -> View:
    """Build an invitation of either view from its row, its times parsed."""
    values = dict(row)
    for key in ("created_at", "expires_at"):
        if key in values:
            values[key] = from_iso(values[key])
    return kind(**values)


def list_invitations(conn: sqlite3.Connection, book_id: int, *, now: datetime) -> list[Invitation]:
    """Return the book's pending invitations, by id."""
    rows = conn.execute(_SELECT + " ORDER BY i.id", [book_id, to_iso(now)]).fetchall()
    return [_from_row(Invitation, row) for row in rows]


def list_my_invitations(
    conn: sqlite3.Connection, user_id: int, *, now: datetime
) -> list[InvitationToMe]:
    """Return the pending invitations sent to a user, by id."""
    rows = conn.execute(_SELECT_MINE + " ORDER BY i.id", [user_id, to_iso(now)]).fetchall()
    return [_from_row(InvitationToMe, row) for row in rows]


def invite_member(
    database: Database, book_id: int, new: InvitationInput, *, now: datetime, by_user: int
) -> Invitation:
    """Invite a username into a book with a role, or renew the pending invitation of that
    name (new role and expiry); the same answer whether or not anyone has the name."""
    problems = Problems()
    username = text(new.username, "username", problems, most=INVITED_NAME_MAX)
    if username is None and not problems:
        problems.add("username", _l("Name the person to invite by their username."))
    choice(new.role, "role", problems, options=ROLES)
    problems.raise_if_any(_l("The invitation cannot be sent."))
    with database.write() as db:
        db.execute("DELETE FROM book_invitations WHERE expires_at <= ?", [to_iso(now)])
        user = db.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()
        user_id = user["id"] if user else None
        if (
            user_id is not None
            and db.execute(
                "SELECT 1 FROM book_members WHERE book_id = ? AND user_id = ?", [book_id, user_id]
            ).fetchone()
        ):
            # Only members are told apart: the book's owners see who they are anyway.
            raise Conflict(_l("%(username)s is already a member of this book.", username=username))
        pending = db.execute(
            "SELECT count(*) FROM book_invitations WHERE book_id = ? AND username != ?",
            [book_id, username],
        ).fetchone()[0]
        if pending >= MAX_PENDING:
            raise Conflict(
                _l(
                    "This book has %(max_pending)s pending invitations: withdraw some, or "
                    "wait until they are answered or expire.",
                    max_pending=MAX_PENDING,
                )
            )
        row = {
            "book_id": book_id,
            "username": username,
            "user_id": user_id,
            "role": new.role,
            "invited_by": by_user,
            "created_at": to_iso(now),
            "expires_at": to_iso(now + INVITATION_LIFETIME),
        }
        invitation_id = db.execute(
            "INSERT INTO book_invitations "
            "(book_id, username, user_id, role, invited_by, created_at, expires_at) "
            "VALUES (:book_id, :username, :user_id, :role, :invited_by, :created_at, "
            ":expires_at) ON CONFLICT (book_id, username) DO UPDATE SET "
            "user_id = excluded.user_id, role = excluded.role, "
            "invited_by = excluded.invited_by, created_at = excluded.created_at, "
            "expires_at = excluded.expires_at RETURNING id",
            row,
        ).fetchone()[0]
        found = db.execute(_SELECT + " AND i.id = ?", [book_id, to_iso(now), invitation_id])
        invitation = _from_row(Invitation, found.fetchone())
    log.info(
        "book invitation sent: %r as %s of book %s by user %s",
        username,
        new.role,
        book_id,
        by_user,
    )
    return invitation


def withdraw_invitation(
    database: Database, book_id: int, invitation_id: int, *, by_user: int
) -> None:
    """Take back a pending invitation of the book; `by_user` is logged."""
    with database.write() as db:
        gone = db.execute(
            "DELETE FROM book_invitations WHERE id = ? AND book_id = ? RETURNING username",
            [invitation_id, book_id],
        ).fetchone()
        if gone is None:
            raise NotFound(
                _l(
                    "No invitation with id %(invitation_id)s in this book.",
                    invitation_id=invitation_id,
                )
            )
    log.info("book invitation withdrawn: %r from book %s by user %s", gone[0], book_id, by_user)


def _take_mine(database: Database, user_id: int, invitation_id: int, now: datetime) -> sqlite3.Row:
    """Delete one of the user's pending invitations inside the caller's write; return it."""
    with database.write() as db:
        row = db.execute(
            "DELETE FROM book_invitations WHERE id = ? AND user_id = ? AND expires_at > ? "
            "RETURNING book_id, role, invited_by",
            [invitation_id, user_id, to_iso(now)],
        ).fetchone()
    if row is None:
        # Someone else's, answered, withdrawn or expired: all the same to the asker.
        raise NotFound(
            _l(
                "No pending invitation with id %(invitation_id)s for you.",
                invitation_id=invitation_id,
            )
        )
    return row


def accept_invitation(
    database: Database, user_id: int, invitation_id: int, *, now: datetime
) -> Book:
    """Make the user a member of the book with the invited role (the invitation is spent);
    return the book as they now see it."""
    with database.write() as db:
        taken = _take_mine(database, user_id, invitation_id, now)
        book_id = taken["book_id"]
        db["book_members"].insert(
            {
                "book_id": book_id,
                "user_id": user_id,
                "role": taken["role"],
                "created_at": to_iso(now),
            },
            ignore=True,  # someone already a member keeps the role they have
        )
        book = get_book(db.conn, user_id, book_id)
        username = db.execute("SELECT username FROM users WHERE id = ?", [user_id]).fetchone()[0]
    log.info(
        "book member added: %s (user %s) as %s of book %s, invited by user %s",
        username,
        user_id,
        book.role,
        book_id,
        taken["invited_by"],
    )
    return book


def decline_invitation(
    database: Database, user_id: int, invitation_id: int, *, now: datetime
) -> None:
    """Refuse an invitation: it is deleted and the book stays closed to the user."""
    taken = _take_mine(database, user_id, invitation_id, now)
    log.info("book invitation declined by user %s for book %s", user_id, taken["book_id"])
