"""Released migration 18: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """The desktop's automatic sign-in: the hash of the secret kept in the data folder, bound
    to the one user it signs in (gone with that user)."""
    execute_all(
        db,
        [
            "CREATE TABLE automatic_sign_ins (user_id INTEGER PRIMARY KEY REFERENCES users(id) "
            "ON DELETE CASCADE, secret_hash TEXT NOT NULL, created_at TEXT NOT NULL)",
        ],
    )
