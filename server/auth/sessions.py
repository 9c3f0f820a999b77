"""Server-side sessions: a random id in the cookie, only its hash in the database."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from server.clock import from_iso, to_iso
from server.db import Database

# Touching last_seen_at on every request would turn each read into a write.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class Session:
    """A signed-in browser or window."""

    id: int
    user_id: int
    last_seen_at: datetime
    expires_at: datetime


def hash_secret(raw: str) -> str:
    """Return the stored form of a session id or token (SHA-256, hex).

    The secrets have 256 bits of entropy, so a fast hash is enough: nothing to brute-force.
    """
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def start_session(db: sqlite_utils.Database, user_id: int, now: datetime, lifetime: int) -> str:
    """Create a session inside the caller's write transaction; return its raw id."""
    raw = secrets.token_urlsafe(32)
    db["sessions"].insert(
        {
            "token_hash": hash_secret(raw),
            "user_id": user_id,
            "created_at": to_iso(now),
            "last_seen_at": to_iso(now),
            "expires_at": to_iso(now + timedelta(seconds=lifetime)),
        }
    )
    return raw


def find_session(
    conn: sqlite3.Connection, raw: str, now: datetime, idle_timeout: int
) -> Session | None:
    """Return the live session with raw id `raw`, or None if unknown, idle too long or expired."""
    row = conn.execute(
        "SELECT id, user_id, last_seen_at, expires_at FROM sessions WHERE token_hash = ?",
        [hash_secret(raw)],
    ).fetchone()
    if row is None:
        return None
    session = Session(
        row["id"], row["user_id"], from_iso(row["last_seen_at"]), from_iso(row["expires_at"])
    )
    if now >= session.expires_at or now - session.last_seen_at >= timedelta(seconds=idle_timeout):
        return None
    return session


def touch_session(database: Database, session: Session, now: datetime) -> None:
    """Record activity on a session (at most once a minute)."""
    if now - session.last_seen_at < TOUCH_INTERVAL:
        return
    with database.write() as db:
        db.execute("UPDATE sessions SET last_seen_at = ? WHERE id = ?", [to_iso(now), session.id])


def end_session(db: sqlite_utils.Database, raw: str) -> None:
    """Delete the session with raw id `raw`, if there is one (inside a write transaction)."""
    db.execute("DELETE FROM sessions WHERE token_hash = ?", [hash_secret(raw)])


def end_user_sessions(db: sqlite_utils.Database, user_id: int) -> None:
    """Delete every session of a user (inside a write transaction)."""
    db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id])


def end_automatic_sign_in(db: sqlite_utils.Database, user_id: int) -> None:
    """Revoke a user's automatic sign-in on the desktop (inside a write transaction): the
    secret's file then matches no one, and is deleted when next read."""
    db.execute("DELETE FROM automatic_sign_ins WHERE user_id = ?", [user_id])


def purge_stale_sessions(database: Database, now: datetime, idle_timeout: int) -> int:
    """Delete expired and idle sessions; return how many went."""
    idle_cutoff = to_iso(now - timedelta(seconds=idle_timeout))
    with database.write() as db:
        cursor = db.execute(
            "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?",
            [to_iso(now), idle_cutoff],
        )
        return cursor.rowcount


def csrf_token(secret_key: bytes, raw_session: str) -> str:
    """Return the CSRF token bound to a session (derived, so nothing more is stored)."""
    digest = hmac.new(secret_key, b"csrf:" + raw_session.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()
