"""Released migration 9: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Apps on this computer that a user lets into one book (OAuth 2.0, RFC 8252)."""
    execute_all(
        db,
        [
            # An app registered by an administrator: public (PKCE only) or with a secret.
            """CREATE TABLE oauth_clients (
                id INTEGER PRIMARY KEY,
                client_id TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                redirect_uris TEXT NOT NULL CHECK (json_valid(redirect_uris)),
                secret_hash TEXT,
                created_at TEXT NOT NULL
            )""",
            # One approval by a user: its refresh tokens are one family, revoked together.
            """CREATE TABLE oauth_grants (
                id INTEGER PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                scope TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_used_at TEXT,
                revoked_at TEXT,
                revoked_because TEXT
            )""",
            "CREATE INDEX oauth_grants_user ON oauth_grants(user_id)",
            "CREATE INDEX oauth_grants_client ON oauth_grants(client_id)",
            "CREATE INDEX oauth_grants_book ON oauth_grants(book_id)",
            # An authorization code, kept after use so that a second use revokes its grant.
            """CREATE TABLE oauth_codes (
                code_hash TEXT PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                scope TEXT NOT NULL,
                redirect_uri TEXT NOT NULL,
                code_challenge TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                used_at TEXT,
                grant_id INTEGER REFERENCES oauth_grants(id) ON DELETE CASCADE
            )""",
            "CREATE INDEX oauth_codes_client ON oauth_codes(client_id)",
            "CREATE INDEX oauth_codes_grant ON oauth_codes(grant_id)",
            "CREATE INDEX oauth_codes_expiry ON oauth_codes(expires_at)",
            # A refresh token is used once (`rotated_at` marks it spent); its scope is its grant's.
            """CREATE TABLE oauth_refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                grant_id INTEGER NOT NULL REFERENCES oauth_grants(id) ON DELETE CASCADE,
                issued_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                rotated_at TEXT
            )""",
            "CREATE INDEX oauth_refresh_tokens_grant ON oauth_refresh_tokens(grant_id)",
        ],
    )
