"""Released migration 10: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Wrong passwords counted per attempted name (whether or not it exists), per known device
    and per client address, instead of per existing account."""
    execute_all(
        db,
        [
            """CREATE TABLE sign_in_failures (
                key TEXT PRIMARY KEY,
                failures INTEGER NOT NULL CHECK (failures >= 0),
                locked_until TEXT,
                last_attempt_at TEXT NOT NULL
            ) WITHOUT ROWID""",
            "CREATE INDEX sign_in_failures_age ON sign_in_failures(last_attempt_at)",
            "ALTER TABLE users DROP COLUMN failed_logins",
            "ALTER TABLE users DROP COLUMN locked_until",
        ],
    )
