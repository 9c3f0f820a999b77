"""Apps that a user lets into one book: OAuth 2.0 for apps on this computer (RFC 8252).

The records behind the protocol, as plain functions over the database: registered apps
(clients) and a user's approvals (grants); the codes and refresh tokens a grant is reached
through are in `server.auth.oauth_tokens`. Secrets are random, stored only as hashes. Each
grant is a family: every refresh token it ever had, and the access tokens they gave, die with
it. A code or a refresh token used twice means one of them leaked, so the second use revokes
the family (RFC 9700 4.14, RFC 6749 4.1.2). The protocol itself (Authlib) is in
`server.auth.oauth_server`.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from server.auth.sessions import TOUCH_INTERVAL, hash_secret
from server.auth.tokens import NAME_MAX
from server.characters import refuse_odd_characters
from server.clock import from_iso, to_iso
from server.db import Database
from server.errors import NotFound, ValidationFailed
from server.translatable import _l

SCOPES = ("read", "write")
# What each scope lets an app do, as the consent page and the API reference tell the user.
SCOPE_DESCRIPTIONS = {
    "read": "See the book's accounts, transactions, budgets and reports",
    "write": "Add, change and delete the book's data",
}
GRANT_TYPES = ("authorization_code", "refresh_token")  # no implicit, password or other grant
AUTH_METHODS = ("none", "client_secret_basic", "client_secret_post")
ACCESS_TOKEN_ALGORITHM = "ES256"  # noqa: S105 - a JWS algorithm, not a secret
CLIENT_ID_PREFIX = "tb_app_"
CLIENT_SECRET_PREFIX = "tb_secret_"  # noqa: S105 - a public prefix, not a secret
REFRESH_TOKEN_PREFIX = "tb_rt_"  # noqa: S105 - a public prefix, not a secret
MAX_REDIRECT_URIS = 10
REDIRECT_URI_TEXT_MAX = 2000  # a bound on a redirect URI as sent
LOOPBACK_HOSTS = ("127.0.0.1", "::1")
# What RFC 3986 allows in a path and a query, unescaped or %-escaped: no spaces, quotes,
# backslashes or other characters that browsers and servers read differently.
_URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*")

log = logging.getLogger("tallybook.auth")


def normalize_scope(scope: str | None) -> str:
    """Return the scope as granted: `read`, or `read write` (writing implies reading).

    No scope asked for means `read`. Raises ValueError for a scope we do not have.
    """
    asked = set((scope or "read").split())
    unknown = asked - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scope {' '.join(sorted(unknown))!r}")
    return "read write" if "write" in asked else "read"


def server_metadata(
    *,
    issuer: str,
    authorization_endpoint: str,
    token_endpoint: str,
    revocation_endpoint: str,
    jwks_uri: str,
    service_documentation: str,
) -> dict[str, str | list[str]]:
    """Return the authorization server's metadata (RFC 8414) for its endpoints' URLs."""
    return {
        "issuer": issuer,
        "authorization_endpoint": authorization_endpoint,
        "token_endpoint": token_endpoint,
        "revocation_endpoint": revocation_endpoint,
        "jwks_uri": jwks_uri,
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "revocation_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "access_token_signing_alg_values_supported": [ACCESS_TOKEN_ALGORITHM],
        "service_documentation": service_documentation,
    }


# ---- loopback redirect URIs (RFC 8252 7.3) ------------------------------------------------


def check_loopback_redirect_uri(uri: str) -> str:
    """Return `uri` as an app registers it (without a port: any port matches), else raise
    ValueError saying why.

    Only `http://127.0.0.1/...` or `http://[::1]/...` (IP literals: a `localhost` name can be
    resolved elsewhere), no fragment, no user info, and only the characters RFC 3986 allows.
    """
    parts = urlsplit(uri)
    if parts.scheme != "http":
        raise ValueError("use http:// with a loopback IP address (RFC 8252 7.3)")
    if parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError("the host must be the loopback IP literal 127.0.0.1 or [::1]")
    if parts.username is not None or parts.password is not None:
        raise ValueError("a redirect URI may not carry a user name or password")
    if parts.fragment or uri.endswith("#"):
        raise ValueError("a redirect URI may not have a fragment")
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        raise ValueError("the port is not a number between 0 and 65535") from None
    if not _URI_CHARACTERS.fullmatch(parts.path + "?" + parts.query):
        raise ValueError("spaces, quotes and non-ASCII characters must be %-escaped")
    host = "[::1]" if parts.hostname == "::1" else parts.hostname
    return parts._replace(netloc=host).geturl()


def _without_port(uri: str) -> tuple[str, str | None, str, str] | None:
    parts = urlsplit(uri)
    try:
        if parts.port == 0:  # not a port anything listens on
            return None
    except ValueError:
        return None
    if parts.username is not None or parts.password is not None or parts.fragment:
        return None
    return parts.scheme, parts.hostname, parts.path or "/", parts.query


def redirect_uri_matches(registered: str, asked: str) -> bool:
    """Whether `asked` is `registered` with any port: scheme, IP literal, path and query exact.

    A native app listens on whatever port the system gives it (RFC 8252 7.3).
    """
    if urlsplit(asked).hostname not in LOOPBACK_HOSTS:
        return False
    mine = _without_port(registered)
    return mine is not None and mine == _without_port(asked)


# ---- clients ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OAuthClient:
    """A registered app. Public apps (the usual kind on a desktop) have no secret."""

    id: int
    client_id: str
    name: str
    redirect_uris: tuple[str, ...]
    created_at: datetime
    secret_hash: str | None = field(default=None, repr=False)

    @property
    def confidential(self) -> bool:
        """Whether the app authenticates with a secret at the token endpoint."""
        return self.secret_hash is not None

    def allows_redirect_uri(self, asked: str) -> bool:
        """Whether `asked` matches one of the registered redirect URIs (any port)."""
        return any(redirect_uri_matches(uri, asked) for uri in self.redirect_uris)

    def secret_is(self, secret: str) -> bool:
        """Whether `secret` is this app's secret (constant time)."""
        return self.secret_hash is not None and secrets.compare_digest(
            self.secret_hash, hash_secret(secret)
        )


def _client(row: sqlite3.Row) -> OAuthClient:
    return OAuthClient(
        id=row["id"],
        client_id=row["client_id"],
        name=row["name"],
        redirect_uris=tuple(json.loads(row["redirect_uris"])),
        created_at=from_iso(row["created_at"]),
        secret_hash=row["secret_hash"],
    )


def register_client(
    database: Database,
    *,
    name: str,
    redirect_uris: list[str],
    confidential: bool,
    now: datetime,
) -> tuple[OAuthClient, str | None]:
    """Register an app; return it and its secret (None for a public app), shown this once."""
    name = name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise ValidationFailed.on(
            "name", _l("Give the app a name of 1 to %(name_max)s characters.", name_max=NAME_MAX)
        )
    refuse_odd_characters({"name": name})
    if not 1 <= len(redirect_uris) <= MAX_REDIRECT_URIS:
        raise ValidationFailed.on(
            "redirect_uris",
            _l(
                "Give 1 to %(max_redirect_uris)s redirect URIs.",
                max_redirect_uris=MAX_REDIRECT_URIS,
            ),
        )
    uris = []
    for given in redirect_uris:
        try:
            uris.append(check_loopback_redirect_uri(given.strip()))
        except ValueError as error:
            raise ValidationFailed.on(
                "redirect_uris", _l("%(strip)s: %(error)s.", strip=given.strip(), error=error)
            ) from None
    uris = list(dict.fromkeys(uris))
    secret = CLIENT_SECRET_PREFIX + secrets.token_urlsafe(32) if confidential else None
    with database.write() as db:
        client_pk = (
            db["oauth_clients"]
            .insert(
                {
                    "client_id": CLIENT_ID_PREFIX + secrets.token_urlsafe(16),
                    "name": name,
                    "redirect_uris": json.dumps(uris),
                    "secret_hash": hash_secret(secret) if secret else None,
                    "created_at": to_iso(now),
                }
            )
            .last_pk
        )
        row = db.execute("SELECT * FROM oauth_clients WHERE id = ?", [client_pk]).fetchone()
    client = _client(row)
    log.info(
        "app registered: %r (%s, %s), redirect URIs %s",
        client.name,
        client.client_id,
        "confidential" if secret else "public",
        ", ".join(uris),
    )
    return client, secret


def list_clients(conn: sqlite3.Connection) -> list[OAuthClient]:
    """Return every registered app, oldest first."""
    return [_client(row) for row in conn.execute("SELECT * FROM oauth_clients ORDER BY id")]


def find_client(conn: sqlite3.Connection, client_id: str) -> OAuthClient | None:
    """Return the app whose public `client_id` this is, if any."""
    row = conn.execute("SELECT * FROM oauth_clients WHERE client_id = ?", [client_id]).fetchone()
    return _client(row) if row else None


def delete_client(database: Database, client_pk: int) -> None:
    """Remove an app, and with it every approval, code and token it had."""
    with database.write() as db:
        row = db.execute(
            "DELETE FROM oauth_clients WHERE id = ? RETURNING client_id, name", [client_pk]
        ).fetchone()
        if row is None:
            raise NotFound(_l("No app with id %(client_pk)s.", client_pk=client_pk))
    log.info("app removed: %r (%s), with every access it had", row["name"], row["client_id"])


# ---- grants: one approval, one family of tokens ----------------------------------------------


@dataclass(frozen=True)
class Grant:
    """A user's approval of an app for one book, and what the user sees of it in Settings."""

    id: int
    client_pk: int
    client_id: str
    client_name: str
    user_id: int
    book_id: int
    book_name: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


_GRANT_SELECT = """
    SELECT g.*, c.client_id AS public_client_id, c.name AS client_name, b.name AS book_name
    FROM oauth_grants g JOIN oauth_clients c ON c.id = g.client_id JOIN books b ON b.id = g.book_id
"""


def _grant(row: sqlite3.Row) -> Grant:
    return Grant(
        id=row["id"],
        client_pk=row["client_id"],
        client_id=row["public_client_id"],
        client_name=row["client_name"],
        user_id=row["user_id"],
        book_id=row["book_id"],
        book_name=row["book_name"],
        scope=row["scope"],
        created_at=from_iso(row["created_at"]),
        last_used_at=from_iso(row["last_used_at"]) if row["last_used_at"] else None,
        revoked_at=from_iso(row["revoked_at"]) if row["revoked_at"] else None,
    )


def find_live_grant(conn: sqlite3.Connection, grant_id: int) -> Grant | None:
    """Return the grant if it is not revoked."""
    row = conn.execute(
        _GRANT_SELECT + " WHERE g.id = ? AND g.revoked_at IS NULL", [grant_id]
    ).fetchone()
    return _grant(row) if row else None


def get_grant(conn: sqlite3.Connection, grant_id: int) -> Grant:
    """Return the grant, revoked or not."""
    return _grant(conn.execute(_GRANT_SELECT + " WHERE g.id = ?", [grant_id]).fetchone())


def list_grants(conn: sqlite3.Connection, user_id: int) -> list[Grant]:
    """Return the apps a user has let in and not revoked, oldest first."""
    rows = conn.execute(
        _GRANT_SELECT + " WHERE g.user_id = ? AND g.revoked_at IS NULL ORDER BY g.id",
        [user_id],
    )
    return [_grant(row) for row in rows]


# Why a grant ended; the first two mean a secret leaked (logged as warnings).
CODE_REUSED = "authorization code reused"
REFRESH_REPLAYED = "refresh token replayed"
_LEAKS = (CODE_REUSED, REFRESH_REPLAYED)


def revoke_family(db: sqlite3.Connection, grant_id: int, now: datetime, because: str) -> None:
    """End a grant and with it every token of its family, in the caller's transaction."""
    revoked = db.execute(
        "UPDATE oauth_grants SET revoked_at = ?, revoked_because = ? "
        "WHERE id = ? AND revoked_at IS NULL RETURNING user_id, book_id, client_id",
        [to_iso(now), because, grant_id],
    ).fetchone()
    if revoked is not None:
        log.log(
            logging.WARNING if because in _LEAKS else logging.INFO,
            "app access revoked (%s): grant %s of user %s to book %s (app id %s)",
            because,
            grant_id,
            revoked["user_id"],
            revoked["book_id"],
            revoked["client_id"],
        )


def revoke_grant(
    database: Database,
    grant_id: int,
    now: datetime,
    *,
    user_id: int | None = None,
    because: str = "revoked by the app",
) -> None:
    """Revoke an approval: its refresh and access tokens stop working at once.

    With `user_id`, only that user's own approval (another's is NotFound).
    """
    with database.write() as db:
        grant = db.execute(
            "SELECT user_id FROM oauth_grants WHERE id = ? AND revoked_at IS NULL", [grant_id]
        ).fetchone()
        if grant is None or (user_id is not None and grant["user_id"] != user_id):
            raise NotFound(_l("No authorized app with id %(grant_id)s.", grant_id=grant_id))
        revoke_family(db, grant_id, now, because)


def revoke_user_apps(db: sqlite3.Connection, user_id: int, now: datetime) -> None:
    """End every app's access of the user, in the caller's transaction: each grant with its
    tokens, and the codes not yet exchanged for a grant."""
    live = db.execute(
        "SELECT id FROM oauth_grants WHERE user_id = ? AND revoked_at IS NULL", [user_id]
    ).fetchall()
    for grant in live:
        revoke_family(db, grant["id"], now, "the user changed their password")
    db.execute("DELETE FROM oauth_codes WHERE user_id = ? AND used_at IS NULL", [user_id])


def fit_grants_to_role(
    database: Database, user_id: int, book_id: int, now: datetime, *, may_write: bool | None
) -> None:
    """Keep a member's apps within what the member may still do in the book (in the caller's
    transaction, when there is one): nothing once they left it (`may_write` None), reading
    only for a viewer."""
    with database.write() as utils:
        _fit_grants(utils.conn, user_id, book_id, now, may_write)


def _fit_grants(
    db: sqlite3.Connection, user_id: int, book_id: int, now: datetime, may_write: bool | None
) -> None:
    live = db.execute(
        "SELECT id, scope FROM oauth_grants "
        "WHERE user_id = ? AND book_id = ? AND revoked_at IS NULL",
        [user_id, book_id],
    ).fetchall()
    for grant in live:
        if may_write is None:
            revoke_family(db, grant["id"], now, "the user left the book")
        elif not may_write and grant["scope"] != "read":
            db.execute("UPDATE oauth_grants SET scope = 'read' WHERE id = ?", [grant["id"]])
            log.info("app access narrowed to reading: grant %s (its user views only)", grant["id"])


def record_grant_use(database: Database, grant: Grant, now: datetime) -> None:
    """Update `last_used_at` (at most once a minute, so reads stay reads)."""
    if grant.last_used_at is not None and now - grant.last_used_at < TOUCH_INTERVAL:
        return
    with database.write() as db:
        db.execute("UPDATE oauth_grants SET last_used_at = ? WHERE id = ?", [to_iso(now), grant.id])


@dataclass(frozen=True)
class Consent:
    """What the user allowed on the consent page: this book, with this scope."""

    user_id: int
    book_id: int
    scope: str
