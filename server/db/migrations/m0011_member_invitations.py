"""Released migration 11: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Invitations to a book: a person joins a book only by accepting one."""
    execute_all(
        db,
        [
            # `username` as the owner typed it; `user_id` the account that had that name when
            # the invitation was sent (NULL if none: it can never be accepted, not even by
            # someone who takes the name later). Answered invitations are deleted.
            """CREATE TABLE book_invitations (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                username TEXT NOT NULL COLLATE NOCASE CHECK (length(username) BETWEEN 1 AND 100),
                user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
                invited_by INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                UNIQUE (book_id, username)
            )""",
            "CREATE INDEX book_invitations_user ON book_invitations(user_id)",
            "CREATE INDEX book_invitations_invited_by ON book_invitations(invited_by)",
            "CREATE INDEX book_invitations_expiry ON book_invitations(expires_at)",
        ],
    )
