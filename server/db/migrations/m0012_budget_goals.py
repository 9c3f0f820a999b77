"""Released migration 12: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Budget goals: at most one per category, what the budget works out its needs from."""
    execute_all(
        db,
        [
            # `amount` in minor units of the book's currency; `by_month` only for a target.
            # The book is kept beside the category so that the change feed can name it while
            # the category is being deleted (the goal goes with it).
            """CREATE TABLE budget_goals (
                category_id INTEGER PRIMARY KEY REFERENCES categories(id) ON DELETE CASCADE,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('monthly', 'target', 'spend_up_to')),
                amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 1000000000000000),
                by_month TEXT CHECK (by_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
                CHECK (by_month IS NULL OR kind = 'target')
            )""",
            "CREATE INDEX budget_goals_book ON budget_goals(book_id)",
            "CREATE TRIGGER changes_budget_goals_insert AFTER INSERT ON budget_goals BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'goal', new.category_id "
            "FROM books b WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_budget_goals_update AFTER UPDATE ON budget_goals BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'goal', new.category_id "
            "FROM books b WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_budget_goals_delete AFTER DELETE ON budget_goals BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'goal', old.category_id "
            "FROM books b WHERE b.id = old.book_id; END",
        ],
    )
