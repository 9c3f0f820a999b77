"""Idempotency keys: a retried request with the same key gets the first answer, not a twin.

A key is claimed in its own short write transaction before the request's work runs (a row with
status 0, "in progress"), then completed with the response once the work succeeded, or released
when it failed so that a corrected request may use the key again. Keys belong to one user and
live for `KEY_LIFETIME`; a claim left in progress longer than `ABANDONED_AFTER` (the process
died) may be taken over.

Known limit: the claim, the request's own writes and the stored response are three
transactions. Should the process die after the request's writes committed but before its
response was stored, a retry made more than `ABANDONED_AFTER` later runs the request again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.clock import to_iso
from server.db import Database
from server.errors import AppError, Conflict
from server.translatable import _l

IN_PROGRESS = 0
KEY_LIFETIME = timedelta(hours=24)
ABANDONED_AFTER = timedelta(seconds=60)
KEY_MAX_LENGTH = 255
# What a replay needs besides status and body; cookies and the like are never stored.
STORED_HEADERS = ("Content-Type", "ETag", "Location")


class KeyReused(AppError):
    status, title, code = 422, "Idempotency key reused", "idempotency_key_reused"


class KeyInProgress(Conflict):
    code = "idempotency_key_in_progress"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": "1"})


@dataclass(frozen=True)
class Claim:
    """A key reserved for a request that is running now."""

    user_id: int
    key: str
    created_at: str


@dataclass(frozen=True)
class StoredResponse:
    """The answer given to the first request with a key, to be given again."""

    status: int
    body: bytes
    headers: list[tuple[str, str]]


def key_problem(key: str) -> str | None:
    """Return why `key` cannot be an idempotency key, or None if it can."""
    if not 1 <= len(key) <= KEY_MAX_LENGTH:
        return f"Use 1 to {KEY_MAX_LENGTH} characters (this one has {len(key)})."
    if not all(" " <= ch <= "~" for ch in key) or not key.strip():
        return "Use printable ASCII characters only (a UUID is a good choice)."
    return None


def request_fingerprint(method: str, target: str, body: bytes) -> str:
    """Return what identifies a request for a key: SHA-256 of method, path and query, body."""
    digest = hashlib.sha256()
    for part in (method.upper().encode("ascii"), target.encode("utf-8"), body):
        digest.update(len(part).to_bytes(8, "big"))  # length-prefixed: no ambiguous joins
        digest.update(part)
    return digest.hexdigest()


def claim_key(
    database: Database,
    user_id: int,
    key: str,
    fingerprint: str,
    now: datetime,
    *,
    book_id: int | None = None,
) -> Claim | StoredResponse:
    """Reserve `key` for a request (in the book `book_id`, if its path names one: deleting
    the book deletes the key), or return the response stored for it earlier.

    Raises KeyReused if the key was used for a different request, KeyInProgress while the
    first request with the key still runs. Also forgets the user's expired keys.
    """
    created_at = to_iso(now)
    with database.write() as db:
        db.execute(
            "DELETE FROM idempotency_keys WHERE user_id = ? AND created_at < ?",
            [user_id, to_iso(now - KEY_LIFETIME)],
        )
        row = db.execute(
            "SELECT request_hash, status, body, headers, created_at FROM idempotency_keys "
            "WHERE user_id = ? AND key = ?",
            [user_id, key],
        ).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO idempotency_keys "
                "(user_id, key, request_hash, status, body, headers, created_at, book_id) "
                "VALUES (?, ?, ?, ?, '', '[]', ?, ?)",
                [user_id, key, fingerprint, IN_PROGRESS, created_at, book_id],
            )
            return Claim(user_id, key, created_at)
        request_hash, status, body, headers, claimed_at = row
        if status == IN_PROGRESS and claimed_at < to_iso(now - ABANDONED_AFTER):
            # Its request died without an answer: nothing of it was stored as done.
            db.execute(
                "UPDATE idempotency_keys SET request_hash = ?, created_at = ?, book_id = ? "
                "WHERE user_id = ? AND key = ?",
                [fingerprint, created_at, book_id, user_id, key],
            )
            return Claim(user_id, key, created_at)
    if request_hash != fingerprint:
        raise KeyReused(
            _l(
                "This Idempotency-Key was already used for a different request; use a "
                "new key for a new request."
            )
        )
    if status == IN_PROGRESS:
        raise KeyInProgress(
            _l("A request with this Idempotency-Key is still running; retry in a moment.")
        )
    body_bytes = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    return StoredResponse(status, body_bytes, [tuple(pair) for pair in json.loads(headers)])


def complete_claim(
    database: Database, claim: Claim, status: int, body: bytes, headers: list[tuple[str, str]]
) -> bool:
    """Store the response of a claimed key's request; False if the claim was lost meanwhile."""
    try:
        stored_body: str | bytes = body.decode("utf-8")
    except UnicodeDecodeError:
        stored_body = body  # kept as a BLOB, replayed byte for byte
    with database.write() as db:
        cursor = db.execute(
            "UPDATE idempotency_keys SET status = ?, body = ?, headers = ? "
            "WHERE user_id = ? AND key = ? AND status = ? AND created_at = ?",
            [
                status,
                stored_body,
                json.dumps([list(pair) for pair in headers]),
                claim.user_id,
                claim.key,
                IN_PROGRESS,
                claim.created_at,
            ],
        )
        return cursor.rowcount == 1


def release_claim(database: Database, claim: Claim) -> None:
    """Forget a claimed key whose request failed, so the key may be used again."""
    with database.write() as db:
        db.execute(
            "DELETE FROM idempotency_keys "
            "WHERE user_id = ? AND key = ? AND status = ? AND created_at = ?",
            [claim.user_id, claim.key, IN_PROGRESS, claim.created_at],
        )


def purge_expired_keys(database: Database, now: datetime) -> int:
    """Delete every key older than `KEY_LIFETIME`; return how many went."""
    with database.write() as db:
        cursor = db.execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?", [to_iso(now - KEY_LIFETIME)]
        )
        return cursor.rowcount
