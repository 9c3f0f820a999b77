"""Released migration 5: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Rules that categorize, rename and tag transactions; imports of OFX and QIF files."""
    execute_all(
        db,
        [
            """CREATE TABLE rules (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                position INTEGER NOT NULL,
                enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
                payee_match TEXT CHECK (payee_match IN ('contains', 'equals', 'regex')),
                payee_text TEXT NOT NULL DEFAULT '' CHECK (length(payee_text) <= 200),
                -- Decimal strings: a rule spans accounts of different currencies.
                amount_min TEXT,
                amount_max TEXT,
                account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
                set_category_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
                set_payee TEXT CHECK (length(set_payee) BETWEEN 1 AND 200),
                add_tags TEXT NOT NULL DEFAULT '[]',
                revision INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX rules_book ON rules(book_id, position, id)",
            # The format's CHECK grows: SQLite changes a CHECK only by rebuilding the table.
            """CREATE TABLE imports_new (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                file_name TEXT NOT NULL CHECK (length(file_name) <= 255),
                format TEXT NOT NULL CHECK (format IN ('csv', 'ofx', 'qif')),
                layout TEXT NOT NULL,
                added INTEGER NOT NULL CHECK (added >= 0),
                skipped INTEGER NOT NULL CHECK (skipped >= 0),
                created_at TEXT NOT NULL,
                undone_at TEXT
            )""",
            "INSERT INTO imports_new SELECT * FROM imports",
            "DROP TABLE imports",
            "ALTER TABLE imports_new RENAME TO imports",
            "CREATE INDEX imports_book ON imports(book_id, id DESC)",
        ],
    )
