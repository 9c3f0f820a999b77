"""User accounts: registration, sign-in with back-off, password changes."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlite_utils

from server.auth.passwords import hash_password, password_problems, verify_password
from server.auth.sessions import end_user_sessions
from server.characters import refuse_odd_characters
from server.clock import from_iso, to_iso
from server.db import Database
from server.errors import Conflict, FieldError, TooManyRequests, Unauthorized, ValidationFailed

log = logging.getLogger("tallybook.auth")

# Makes a new user's first book inside the transaction that creates the user.
PersonalBook = Callable[[sqlite_utils.Database, int, str, datetime], object]

USERNAME_MAX = 32
USERNAME_PATTERN = re.compile(rf"[\w.-]{{3,{USERNAME_MAX}}}")
USERNAME_TEXT_MAX = 100  # a bound on a username as sent to look a user up
BAD_CREDENTIALS = "Wrong username or password."


@dataclass(frozen=True)
class User:
    """A person who signs in."""

    id: int
    username: str
    is_admin: bool
    created_at: datetime


@dataclass(frozen=True)
class LoginPolicy:
    """How many wrong passwords are free, and how the wait grows after that."""

    free_attempts: int = 5
    backoff_base: int = 30
    backoff_max: int = 3600

    def lockout_seconds(self, failures: int) -> int:
        """Return how long sign-in stays closed after `failures` wrong passwords in a row."""
        over = failures - self.free_attempts
        if over < 0:
            return 0
        return min(self.backoff_base * 2**over, self.backoff_max)


def _from_row(row: sqlite3.Row) -> User:
    return User(row["id"], row["username"], bool(row["is_admin"]), from_iso(row["created_at"]))


def username_problems(username: str) -> list[FieldError]:
    """Return what is wrong with a new username."""
    if not USERNAME_PATTERN.fullmatch(username):
        return [
            FieldError(
                "username",
                f"Use 3 to {USERNAME_MAX} letters, digits, dots, dashes or underscores.",
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
    username = username.strip()
    problems = username_problems(username) + password_problems(password, username=username)
    if problems:
        raise ValidationFailed("The account cannot be created as given.", errors=problems)
    password_hash = hash_password(password, rounds)  # slow: outside the write lock
    with database.write() as db:
        if only_if_first and count_users(db):
            raise Conflict("Tallybook is already set up; sign in instead.")
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise ValidationFailed.on("username", "This username is taken.")
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
    now: datetime,
    rounds: int,
    policy: LoginPolicy,
) -> User:
    """Check a username and password; count failures per account and back off.

    Raises TooManyRequests while the account is locked (without checking the password), and
    Unauthorized for a wrong username or password (the same message for both).
    """
    refuse_odd_characters({"username": username, "password": password}, secrets={"password"})
    with database.read() as conn:
        row = conn.execute("SELECT * FROM users WHERE username = ?", [username.strip()]).fetchone()
    if row is None:
        verify_password(password, _decoy_hash(rounds))  # same time as for a real account
        log.warning("sign-in failed: unknown username")
        raise Unauthorized(BAD_CREDENTIALS)
    locked_until = from_iso(row["locked_until"]) if row["locked_until"] else None
    if locked_until and now < locked_until:
        wait = int((locked_until - now).total_seconds()) + 1
        log.warning("sign-in refused while locked: %s", row["username"])
        raise TooManyRequests(
            f"Too many wrong passwords. Try again in {wait} seconds.", retry_after=wait
        )
    if not verify_password(password, row["password_hash"]):
        with database.write() as db:
            failures = db.execute(
                "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? "
                "RETURNING failed_logins",
                [row["id"]],
            ).fetchone()[0]
            lockout = policy.lockout_seconds(failures)
            if lockout:
                db.execute(
                    "UPDATE users SET locked_until = ? WHERE id = ?",
                    [to_iso(now + timedelta(seconds=lockout)), row["id"]],
                )
        log.warning("sign-in failed: %s (%d in a row)", row["username"], failures)
        raise Unauthorized(BAD_CREDENTIALS)
    with database.write() as db:
        db.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? "
            "WHERE id = ?",
            [to_iso(now), row["id"]],
        )
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
) -> None:
    """Replace a user's password and end all their sessions."""
    with database.read() as conn:
        row = conn.execute("SELECT username FROM users WHERE id = ?", [user_id]).fetchone()
    problems = password_problems(new_password, username=row["username"], field=field)
    if problems:
        raise ValidationFailed("The new password cannot be used.", errors=problems)
    password_hash = hash_password(new_password, rounds)
    with database.write() as db:
        db.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, "
            "locked_until = NULL WHERE id = ?",
            [password_hash, to_iso(now), user_id],
        )
        end_user_sessions(db, user_id)
    log.info("password changed: %s; all sessions ended", row["username"])


def check_current_password(database: Database, user_id: int, password: str) -> None:
    """Raise a field error unless `password` is the user's current password."""
    refuse_odd_characters({"current_password": password}, secrets={"current_password"})
    with database.read() as conn:
        stored = conn.execute("SELECT password_hash FROM users WHERE id = ?", [user_id]).fetchone()
    if not verify_password(password, stored["password_hash"]):
        raise ValidationFailed.on("current_password", "This is not your current password.")
