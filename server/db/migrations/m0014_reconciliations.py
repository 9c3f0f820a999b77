"""Released migration 14: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Reconciliations of an account against its bank's statements: the open one (at most one
    per account) and the history of those finished."""
    execute_all(
        db,
        [
            # Who started and finished it are kept by name, as they were then: a record of the
            # past, which a book file carries and a person leaving the book does not change.
            # The adjustment is the transaction a finish added for a difference, if any.
            """CREATE TABLE reconciliations (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                statement_date TEXT NOT NULL CHECK (statement_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(statement_date) = statement_date),
                statement_balance INTEGER NOT NULL CHECK (statement_balance BETWEEN -1000000000000000000 AND 1000000000000000000),
                state TEXT NOT NULL CHECK (state IN ('open', 'finished')),
                started_by TEXT NOT NULL CHECK (length(started_by) BETWEEN 1 AND 100),
                started_at TEXT NOT NULL,
                finished_by TEXT CHECK (length(finished_by) BETWEEN 1 AND 100),
                finished_at TEXT,
                adjustment_id INTEGER REFERENCES transactions(id) ON DELETE SET NULL,
                CHECK ((state = 'finished') = (finished_at IS NOT NULL AND finished_by IS NOT NULL))
            )""",
            "CREATE UNIQUE INDEX reconciliations_open ON reconciliations(account_id) "
            "WHERE state = 'open'",
            "CREATE INDEX reconciliations_account "
            "ON reconciliations(account_id, statement_date, id)",
            "CREATE INDEX reconciliations_book ON reconciliations(book_id)",
            "CREATE INDEX reconciliations_adjustment ON reconciliations(adjustment_id)",
            # The change feed's notes, as migration 8 writes them for the other objects.
            "CREATE TRIGGER changes_reconciliations_insert AFTER INSERT ON reconciliations "
            "BEGIN INSERT INTO changes (book_id, kind, key) SELECT b.id, 'reconciliation', "
            "new.id FROM books b WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_reconciliations_update AFTER UPDATE ON reconciliations "
            "BEGIN INSERT INTO changes (book_id, kind, key) SELECT b.id, 'reconciliation', "
            "new.id FROM books b WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_reconciliations_delete AFTER DELETE ON reconciliations "
            "BEGIN INSERT INTO changes (book_id, kind, key) SELECT b.id, 'reconciliation', "
            "old.id FROM books b WHERE b.id = old.book_id; END",
        ],
    )
