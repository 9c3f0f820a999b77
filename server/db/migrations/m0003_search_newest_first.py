"""Released migration 3: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Key the search index by (date, id) and keep it in step with triggers.

    Searching used to gather every match and sort them, which took 170 ms at a million rows for
    a word found nowhere; now the index itself is in the list's order.
    """
    # The rowid orders matches newest first: the day (its Julian day number) in the high bits,
    # the transaction's id in the low 40. A search then reads the index backwards and stops at
    # a page, however many rows match. (Ids stay far below 2**40.)
    execute_all(
        db,
        [
            "DROP TABLE transactions_fts",
            "CREATE VIRTUAL TABLE transactions_fts USING fts5("
            "payee, memo, tokenize = 'unicode61 remove_diacritics 2')",
            "INSERT INTO transactions_fts (rowid, payee, memo) "
            "SELECT ((CAST(julianday(t.date) AS INTEGER) << 40) | t.id), "
            "coalesce((SELECT name FROM payees WHERE id = t.payee_id), ''), t.memo "
            "FROM transactions t",
            # One b-tree instead of the many segments a bulk insert leaves: faster prefixes.
            "INSERT INTO transactions_fts (transactions_fts) VALUES ('optimize')",
            """CREATE TRIGGER transactions_search_insert AFTER INSERT ON transactions BEGIN
                INSERT INTO transactions_fts (rowid, payee, memo)
                VALUES (((CAST(julianday(NEW.date) AS INTEGER) << 40) | NEW.id), coalesce((SELECT name FROM payees WHERE id = NEW.payee_id), ''), NEW.memo);
            END""",
            """CREATE TRIGGER transactions_search_delete AFTER DELETE ON transactions BEGIN
                DELETE FROM transactions_fts WHERE rowid = ((CAST(julianday(OLD.date) AS INTEGER) << 40) | OLD.id);
            END""",
            """CREATE TRIGGER transactions_search_update
                AFTER UPDATE OF date, payee_id, memo ON transactions BEGIN
                DELETE FROM transactions_fts WHERE rowid = ((CAST(julianday(OLD.date) AS INTEGER) << 40) | OLD.id);
                INSERT INTO transactions_fts (rowid, payee, memo)
                VALUES (((CAST(julianday(NEW.date) AS INTEGER) << 40) | NEW.id), coalesce((SELECT name FROM payees WHERE id = NEW.payee_id), ''), NEW.memo);
            END""",
            """CREATE TRIGGER payees_search_rename AFTER UPDATE OF name ON payees BEGIN
                UPDATE transactions_fts SET payee = NEW.name WHERE rowid IN
                    (SELECT ((CAST(julianday(t.date) AS INTEGER) << 40) | t.id) FROM transactions t WHERE t.payee_id = NEW.id);
            END""",
        ],
    )
