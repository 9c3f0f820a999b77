"""The codes and refresh tokens an app trades for access to one book (RFC 6749 4.1, 6).

Both are kept as hashes of random secrets and both work once: a code or a refresh token used
twice means one of them leaked, so the second use revokes the whole grant it came from
(`server.auth.oauth.revoke_family`).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.auth.oauth import (
    CODE_REUSED,
    REFRESH_REPLAYED,
    Grant,
    OAuthClient,
    find_live_grant,
    get_grant,
    revoke_family,
)
from server.auth.sessions import hash_secret
from server.clock import from_iso, to_iso
from server.db import Database

CODES_REMEMBERED = timedelta(days=1)

log = logging.getLogger("tallybook.auth")


# ---- authorization codes -----------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationCode:
    """An unused, unexpired code, bound to its app, user, book, redirect URI and challenge."""

    code_hash: str
    client_pk: int
    user_id: int
    book_id: int
    scope: str
    redirect_uri: str
    code_challenge: str


def save_code(
    database: Database,
    code: str,
    *,
    client: OAuthClient,
    user_id: int,
    book_id: int,
    scope: str,
    redirect_uri: str,
    code_challenge: str,
    now: datetime,
    lifetime: timedelta,
) -> None:
    """Keep a new code (and forget the codes that expired a day ago: until then a second use
    of a spent one still revokes what it gave)."""
    with database.write() as db:
        db.execute("DELETE FROM oauth_codes WHERE expires_at < ?", [to_iso(now - CODES_REMEMBERED)])
        db["oauth_codes"].insert(
            {
                "code_hash": hash_secret(code),
                "client_id": client.id,
                "user_id": user_id,
                "book_id": book_id,
                "scope": scope,
                "redirect_uri": redirect_uri,
                "code_challenge": code_challenge,
                "expires_at": to_iso(now + lifetime),
            }
        )


def look_up_code(
    database: Database, code: str, client: OAuthClient, now: datetime
) -> AuthorizationCode | None:
    """Return the code if `client` may exchange it now. A code used before revokes the grant
    its first use made: the code leaked."""
    with database.write() as db:
        row = db.execute(
            "SELECT * FROM oauth_codes WHERE code_hash = ?", [hash_secret(code)]
        ).fetchone()
        if row is None or row["client_id"] != client.id:
            return None
        if row["used_at"] is not None:
            if row["grant_id"] is not None:
                revoke_family(db, row["grant_id"], now, CODE_REUSED)
            return None
        if from_iso(row["expires_at"]) <= now:
            return None
    return AuthorizationCode(
        code_hash=row["code_hash"],
        client_pk=row["client_id"],
        user_id=row["user_id"],
        book_id=row["book_id"],
        scope=row["scope"],
        redirect_uri=row["redirect_uri"],
        code_challenge=row["code_challenge"],
    )


def redeem_code(database: Database, code: AuthorizationCode, now: datetime) -> Grant | None:
    """Spend the code and make its grant; None if it was spent meanwhile (its grant, if any,
    is then revoked: one of the two uses was not the app)."""
    with database.write() as db:
        spent = db.execute(
            "UPDATE oauth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
            [to_iso(now), code.code_hash],
        )
        if spent.rowcount == 0:
            earlier = db.execute(
                "SELECT grant_id FROM oauth_codes WHERE code_hash = ?", [code.code_hash]
            ).fetchone()
            if earlier is not None and earlier["grant_id"] is not None:
                revoke_family(db, earlier["grant_id"], now, CODE_REUSED)
            return None
        grant_id = (
            db["oauth_grants"]
            .insert(
                {
                    "client_id": code.client_pk,
                    "user_id": code.user_id,
                    "book_id": code.book_id,
                    "scope": code.scope,
                    "created_at": to_iso(now),
                }
            )
            .last_pk
        )
        db.execute(
            "UPDATE oauth_codes SET grant_id = ? WHERE code_hash = ?", [grant_id, code.code_hash]
        )
        # The user's newest answer for this app and book stands: one row in Settings.
        earlier = db.execute(
            "SELECT id FROM oauth_grants WHERE client_id = ? AND user_id = ? AND book_id = ? "
            "AND id != ? AND revoked_at IS NULL",
            [code.client_pk, code.user_id, code.book_id, grant_id],
        ).fetchall()
        for replaced in earlier:
            revoke_family(db.conn, replaced["id"], now, "replaced by a new approval")
        grant = get_grant(db.conn, grant_id)
    log.info(
        "app allowed: %r (%s) into book %s by user %s with scope %r (grant %s)",
        grant.client_name,
        grant.client_id,
        grant.book_id,
        grant.user_id,
        grant.scope,
        grant.id,
    )
    return grant


# ---- refresh tokens ------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshToken:
    """An unspent, unexpired refresh token of a live grant (whose scope it carries)."""

    token_hash: str
    grant: Grant


def store_refresh_token(
    database: Database, raw: str, grant: Grant, now: datetime, lifetime: timedelta
) -> None:
    """Keep a new refresh token of the grant, as a hash."""
    with database.write() as db:
        db["oauth_refresh_tokens"].insert(
            {
                "token_hash": hash_secret(raw),
                "grant_id": grant.id,
                "issued_at": to_iso(now),
                "expires_at": to_iso(now + lifetime),
            }
        )


def look_up_refresh_token(database: Database, raw: str, now: datetime) -> RefreshToken | None:
    """Return the token if it may be used now. A spent token presented again means it leaked:
    the whole family is revoked."""
    with database.write() as db:
        row = db.execute(
            "SELECT * FROM oauth_refresh_tokens WHERE token_hash = ?", [hash_secret(raw)]
        ).fetchone()
        if row is None:
            return None
        if row["rotated_at"] is not None:
            revoke_family(db, row["grant_id"], now, REFRESH_REPLAYED)
            return None
        grant = find_live_grant(db.conn, row["grant_id"])
    if grant is None or from_iso(row["expires_at"]) <= now:
        return None
    return RefreshToken(token_hash=row["token_hash"], grant=grant)


def spend_refresh_token(database: Database, token: RefreshToken, now: datetime) -> bool:
    """Mark the token used (it is replaced by a new one); False, and the family revoked, if it
    was spent meanwhile by a concurrent request."""
    with database.write() as db:
        spent = db.execute(
            "UPDATE oauth_refresh_tokens SET rotated_at = ? "
            "WHERE token_hash = ? AND rotated_at IS NULL",
            [to_iso(now), token.token_hash],
        )
        if spent.rowcount == 0:
            revoke_family(db, token.grant.id, now, REFRESH_REPLAYED)
            return False
        db.execute(
            "UPDATE oauth_grants SET last_used_at = ? WHERE id = ?", [to_iso(now), token.grant.id]
        )
    return True


def find_refresh_token_grant(conn: sqlite3.Connection, raw: str) -> Grant | None:
    """Return the live grant a refresh token (spent or not) belongs to, for revocation."""
    row = conn.execute(
        "SELECT grant_id FROM oauth_refresh_tokens WHERE token_hash = ?", [hash_secret(raw)]
    ).fetchone()
    return find_live_grant(conn, row["grant_id"]) if row else None
