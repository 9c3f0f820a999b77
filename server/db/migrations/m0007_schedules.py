"""Released migration 7: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Scheduled transactions, and the occurrences of each already entered or skipped."""
    execute_all(
        db,
        [
            """CREATE TABLE schedules (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                name TEXT CHECK (length(name) BETWEEN 1 AND 100),
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                -- Minor units of the account's currency, as a transaction's amount.
                amount INTEGER NOT NULL CHECK (amount BETWEEN -1000000000000000 AND 1000000000000000),
                payee TEXT CHECK (length(payee) BETWEEN 1 AND 200),
                category_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
                memo TEXT NOT NULL DEFAULT '' CHECK (length(memo) <= 1000),
                tags TEXT NOT NULL DEFAULT '[]',
                transfer_account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
                frequency TEXT NOT NULL
                    CHECK (frequency IN ('daily', 'weekly', 'monthly', 'yearly')),
                interval INTEGER NOT NULL DEFAULT 1 CHECK (interval >= 1),
                start_date TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(start_date) = start_date),
                end_date TEXT CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(end_date) = end_date AND end_date >= start_date),
                count INTEGER CHECK (count >= 1),
                -- The first occurrence neither entered nor skipped; NULL once there is none.
                next_date TEXT CHECK (next_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(next_date) = next_date),
                auto_enter INTEGER NOT NULL DEFAULT 0 CHECK (auto_enter IN (0, 1)),
                revision INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX schedules_book ON schedules(book_id, id)",
            "CREATE INDEX schedules_account ON schedules(account_id)",
            "CREATE INDEX schedules_transfer_account ON schedules(transfer_account_id)",
            "CREATE INDEX schedules_due ON schedules(next_date) WHERE auto_enter = 1",
            # Its primary key is what enters an occurrence once only: the row goes in with
            # the transaction, in the same write transaction.
            """CREATE TABLE schedule_occurrences (
                schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
                date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(date) = date),
                transaction_id INTEGER REFERENCES transactions(id) ON DELETE SET NULL,
                skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
                PRIMARY KEY (schedule_id, date)
            ) WITHOUT ROWID""",
            "CREATE INDEX schedule_occurrences_transaction ON schedule_occurrences(transaction_id)",
        ],
    )
