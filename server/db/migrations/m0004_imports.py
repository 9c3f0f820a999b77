"""Released migration 4: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Imports of bank files, recorded so one can be undone whole; the bank's own ids; each
    account's preset for reading its bank's files."""
    execute_all(
        db,
        [
            """CREATE TABLE imports (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                file_name TEXT NOT NULL CHECK (length(file_name) <= 255),
                format TEXT NOT NULL CHECK (format IN ('csv')),
                layout TEXT NOT NULL,
                added INTEGER NOT NULL CHECK (added >= 0),
                skipped INTEGER NOT NULL CHECK (skipped >= 0),
                created_at TEXT NOT NULL,
                undone_at TEXT
            )""",
            "CREATE INDEX imports_book ON imports(book_id, id DESC)",
            # How the last file imported into an account was read, to read the next the same.
            """CREATE TABLE import_presets (
                account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                headers TEXT NOT NULL,
                columns TEXT NOT NULL,
                date_format TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            # The bank's id of a transaction (OFX FITID, a CSV's id column): finds duplicates.
            "ALTER TABLE transactions ADD COLUMN bank_id TEXT CHECK (length(bank_id) <= 255)",
            "CREATE INDEX transactions_bank_id ON transactions(account_id, bank_id) "
            "WHERE bank_id IS NOT NULL",
        ],
    )
