"""Released migration 19: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """A user may choose the language Tallybook speaks to them (NULL: the computer's or the
    browser's)."""
    execute_all(
        db,
        [
            "ALTER TABLE users ADD COLUMN language TEXT",
        ],
    )
