"""Personal access tokens: random, shown once, stored as a hash, scoped, expiring, revocable."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from server.auth.sessions import TOUCH_INTERVAL, hash_secret
from server.characters import refuse_odd_characters
from server.clock import from_iso, to_iso
from server.db import Database
from server.errors import NotFound
from server.translatable import _l

TOKEN_PREFIX = "tb_pat_"  # noqa: S105 - a public prefix, not a secret
SCOPES = ("read", "write")
NAME_MAX = 100  # a token's name, and a registered app's


@dataclass(frozen=True)
class ApiToken:
    """A token as listed (never with its secret)."""

    id: int
    user_id: int
    name: str
    scope: str
    token_hint: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def is_usable(self, now: datetime) -> bool:
        """Return whether the token may authenticate a request at `now`."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


def _optional_time(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def _from_row(row: sqlite3.Row) -> ApiToken:
    return ApiToken(
        id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        scope=row["scope"],
        token_hint=row["token_hint"],
        created_at=from_iso(row["created_at"]),
        expires_at=_optional_time(row["expires_at"]),
        last_used_at=_optional_time(row["last_used_at"]),
        revoked_at=_optional_time(row["revoked_at"]),
    )


def create_token(
    database: Database,
    user_id: int,
    *,
    name: str,
    scope: str,
    now: datetime,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; return it and its secret, which is never available again."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    refuse_odd_characters({"name": name})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with database.write() as db:
        token_id = (
            db["api_tokens"]
            .insert(
                {
                    "user_id": user_id,
                    "name": name,
                    "scope": scope,
                    "token_hash": hash_secret(raw),
                    "token_hint": raw[: len(TOKEN_PREFIX) + 4],
                    "created_at": to_iso(now),
                    "expires_at": to_iso(expires_at) if expires_at else None,
                }
            )
            .last_pk
        )
        row = db.execute("SELECT * FROM api_tokens WHERE id = ?", [token_id]).fetchone()
    return _from_row(row), raw


def list_tokens(conn: sqlite3.Connection, user_id: int) -> list[ApiToken]:
    """Return a user's tokens that are not revoked, oldest first."""
    rows = conn.execute(
        "SELECT * FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY id",
        [user_id],
    ).fetchall()
    return [_from_row(row) for row in rows]


def revoke_token(database: Database, user_id: int, token_id: int, now: datetime) -> None:
    """Revoke one of the user's tokens; someone else's or an unknown one is NotFound."""
    with database.write() as db:
        cursor = db.execute(
            "UPDATE api_tokens SET revoked_at = ? "
            "WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            [to_iso(now), token_id, user_id],
        )
        if cursor.rowcount == 0:
            raise NotFound(_l("No token with id %(token_id)s.", token_id=token_id))


def revoke_user_tokens(db: sqlite_utils.Database, user_id: int, now: datetime) -> None:
    """Revoke every token of the user (inside a write transaction)."""
    db.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        [to_iso(now), user_id],
    )


def find_usable_token(conn: sqlite3.Connection, raw: str, now: datetime) -> ApiToken | None:
    """Return the token whose secret is `raw` if it is neither revoked nor expired."""
    row = conn.execute(
        "SELECT * FROM api_tokens WHERE token_hash = ?", [hash_secret(raw)]
    ).fetchone()
    if row is None:
        return None
    token = _from_row(row)
    return token if token.is_usable(now) else None


def record_token_use(database: Database, token: ApiToken, now: datetime) -> None:
    """Update `last_used_at` (at most once a minute, so reads stay reads)."""
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    with database.write() as db:
        db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [to_iso(now), token.id])
