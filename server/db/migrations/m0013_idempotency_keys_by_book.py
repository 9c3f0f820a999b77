"""Released migration 13: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """The book an idempotency key's request was made in, so that deleting a book deletes the
    answers stored for it too."""
    execute_all(
        db,
        [
            # No foreign key: a key is claimed before the book's gate runs, for any book id
            # the path names (a refused request frees its key at once).
            "ALTER TABLE idempotency_keys ADD COLUMN book_id INTEGER",
        ],
    )
