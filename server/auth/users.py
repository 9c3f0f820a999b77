"""User accounts: registration, sign-in, password changes."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlite_utils

from server.auth.oauth import revoke_user_apps
from server.auth.passwords import hash_password, password_problems, verify_password
from server.auth.sessions import end_automatic_sign_in, end_user_sessions
from server.auth.sign_in_failures import (
    Guesser,
    LoginPolicy,
    budgets,
    count_guess,
    forget_name,
    take_back_guess,
)
from server.auth.tokens import revoke_user_tokens
from server.characters import refuse_odd_characters
from server.clock import from_iso, to_iso
from server.db import Database
from server.errors import Conflict, FieldError, Unauthorized, ValidationFailed
from server.translatable import _l

log = logging.getLogger("tallybook.auth")

# Makes a new user's first book inside the transaction that creates the user.
PersonalBook = Callable[[sqlite_utils.Database, int, str, datetime], object]

USERNAME_MAX = 32
USERNAME_PATTERN = re.compile(rf"[\w.-]{{3,{USERNAME_MAX}}}")
USERNAME_RULE = _l(
    "Use 3 to %(most)s characters: letters, digits, dot, dash or underscore.", most=USERNAME_MAX
)
USERNAME_TEXT_MAX = 100  # a bound on a username as sent to look a user up
BAD_CREDENTIALS = _l("Wrong username or password.")


@dataclass(frozen=True)
class User:
    """A person who signs in."""

    id: int
    username: str
    is_admin: bool
    created_at: datetime
    language: str | None = None  # chosen in Settings; None: the computer's or the browser's


def _from_row(row: sqlite3.Row) -> User:
    return User(
        row["id"],
        row["username"],
        bool(row["is_admin"]),
        from_iso(row["created_at"]),
        row["language"],
    )


def username_problems(username: str) -> list[FieldError]:
    """Return what is wrong with a new username."""
    if not USERNAME_PATTERN.fullmatch(username):
        return [
            FieldError(
                "username",
                USERNAME_RULE,
            )
        ]
    return []


def count_users(conn: sqlite3.Connection | sqlite_utils.Database) -> int:
    """Return how many users exist."""
    return conn.execute("SELECT count(*) FROM users").fetchone()[0]


def get_user(conn: sqlite3.Connection, user_id: int) -> User | None:
    """Return the user with this id, or None."""
    row = conn.execute("SELECT * FROM users WHERE id = ?", [user_id]).fetchone()
    return _from_row(row) if row else None


def find_user(conn: sqlite3.Connection, username: str) -> User | None:
    """Return the user with this username (case-insensitive), or None."""
    row = conn.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
    return _from_row(row) if row else None


def create_user(
    database: Database,
    username: str,
    password: str,
    *,
    now: datetime,
    rounds: int,
    personal_book: PersonalBook,
    is_admin: bool = False,
    only_if_first: bool = False,
) -> User:
    """Create a user, and with `personal_book` their first book in the same transaction (auth
    knows nothing of books: the caller passes `server.domain.books.create_personal_book`).

    With `only_if_first`, succeed only while there are no users yet (first-run setup), decided
    inside the same transaction that inserts, so two setup requests cannot both win.
    """
    # None: refused before it got here (an API request's other fields are still checked).
    username = (username or "").strip()
    problems = username_problems(username) + password_problems(password or "", username=username)
    if problems:
        raise ValidationFailed(_l("The account cannot be created as given."), errors=problems)
    password_hash = hash_password(password, rounds)  # slow: outside the write lock
    with database.write() as db:
        if only_if_first and count_users(db):
            raise Conflict(_l("Tallybook is already set up; sign in instead."))
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise ValidationFailed.on("username", _l("This username is taken."))
        user_id = (
            db["users"]
            .insert(
                {
                    "username": username,
                    "password_hash": password_hash,
                    "is_admin": int(is_admin),
                    "created_at": to_iso(now),
                    "password_changed_at": to_iso(now),
                }
            )
            .last_pk
        )
        personal_book(db, user_id, username, now)
        row = db.execute("SELECT * FROM users WHERE id = ?", [user_id]).fetchone()
    log.info("user created: %s (id %s, admin=%s)", username, user_id, is_admin)
    return _from_row(row)


@cache
def _decoy_hash(rounds: int) -> str:
    return hash_password("decoy password, never matches", rounds)


def authenticate(
    database: Database,
    username: str,
    password: str,
    *,
    guesser: Guesser,
    now: datetime,
    rounds: int,
    policy: LoginPolicy,
) -> User:
    """Check a username and password, counting the guess first (see `sign_in_failures`).

    Raises TooManyRequests while a budget of the guesser is spent (without checking the
    password), and Unauthorized for a wrong username or password: an unknown name is answered
    exactly like a known one, in about the same time.
    """
    refuse_odd_characters({"username": username, "password": password}, secrets={"password"})
    keys = budgets(username, guesser)
    count_guess(database, keys, now=now, policy=policy)
    with database.read() as conn:
        row = conn.execute("SELECT * FROM users WHERE username = ?", [username.strip()]).fetchone()
    if row is None:
        verify_password(password, _decoy_hash(rounds))  # same time as for a real account
        log.warning("sign-in failed: unknown username")
        raise Unauthorized(BAD_CREDENTIALS)
    if not verify_password(password, row["password_hash"]):
        log.warning("sign-in failed: %s", row["username"])
        raise Unauthorized(BAD_CREDENTIALS)
    with database.write() as db:
        take_back_guess(db, keys, policy)
        db.execute("UPDATE users SET last_login_at = ? WHERE id = ?", [to_iso(now), row["id"]])
    log.info("signed in: %s", row["username"])
    return _from_row(row)


def set_password(
    database: Database,
    user_id: int,
    new_password: str,
    *,
    now: datetime,
    rounds: int,
    field: str = "new_password",
    revoke_tokens: bool = False,
) -> None:
    """Replace a user's password and end all their sessions and their automatic sign-in; with
    `revoke_tokens`, also their personal access tokens and every app's access. The name's
    sign-in budget opens again."""
    with database.read() as conn:
        row = conn.execute("SELECT username FROM users WHERE id = ?", [user_id]).fetchone()
    problems = password_problems(new_password, username=row["username"], field=field)
    if problems:
        raise ValidationFailed(_l("The new password cannot be used."), errors=problems)
    password_hash = hash_password(new_password, rounds)
    with database.write() as db:
        db.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
            [password_hash, to_iso(now), user_id],
        )
        forget_name(db, row["username"])
        end_user_sessions(db, user_id)
        end_automatic_sign_in(db, user_id)
        if revoke_tokens:
            revoke_user_tokens(db, user_id, now)
            revoke_user_apps(db.conn, user_id, now)
    log.info(
        "password changed: %s; all sessions ended%s",
        row["username"],
        "; tokens and apps revoked" if revoke_tokens else "",
    )


def set_language(database: Database, user_id: int, language: str | None) -> User:
    """Keep the language the user chose (one of `server.i18n.LANGUAGES`, checked by the
    caller; None: the computer's or the browser's) and return the user."""
    with database.write() as db:
        db.execute("UPDATE users SET language = ? WHERE id = ?", [language, user_id])
        row = db.execute("SELECT * FROM users WHERE id = ?", [user_id]).fetchone()
    return _from_row(row)


def check_current_password(
    database: Database,
    user_id: int,
    password: str,
    *,
    guesser: Guesser,
    now: datetime,
    policy: LoginPolicy,
) -> None:
    """Raise a field error unless `password` is the user's current password; the guess is
    counted as at sign-in, so a session left open cannot be used to try passwords freely."""
    refuse_odd_characters({"current_password": password}, secrets={"current_password"})
    with database.read() as conn:
        row = conn.execute(
            "SELECT username, password_hash FROM users WHERE id = ?", [user_id]
        ).fetchone()
    keys = budgets(row["username"], guesser)
    count_guess(database, keys, now=now, policy=policy)
    if not verify_password(password, row["password_hash"]):
        log.warning("password change refused: wrong current password for %s", row["username"])
        raise ValidationFailed.on("current_password", _l("This is not your current password."))
    with database.write() as db:
        take_back_guess(db, keys, policy)
