"""Released migration 16: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Import several files as one change, and know an account's statements by their bank."""
    execute_all(
        db,
        [
            # Files imported together, undone together (each file's import is undone with
            # the others: the batch is undone when its imports are).
            """CREATE TABLE import_batches (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE import_batch_files (
                import_id INTEGER PRIMARY KEY REFERENCES imports(id) ON DELETE CASCADE,
                batch_id INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE
            )""",
            "CREATE INDEX import_batch_files_batch ON import_batch_files(batch_id)",
            # What identifies the statements imported into an account (a digest of the bank's
            # id and the account number, never the number), to match the next file to it.
            """CREATE TABLE statement_keys (
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                key TEXT NOT NULL CHECK (length(key) <= 128),
                updated_at TEXT NOT NULL,
                PRIMARY KEY (account_id, key)
            )""",
            "CREATE INDEX statement_keys_key ON statement_keys(key)",
        ],
    )
