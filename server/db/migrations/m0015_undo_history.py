"""Released migration 15: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all

# Each table a person's change in a book writes: its key columns, then the other columns its
# row images hold (an account's kept totals are not part of it: they follow its transactions).
TRACKED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "accounts": (
        ("id",),
        (
            "book_id",
            "name",
            "type",
            "currency",
            "opening_balance",
            "opening_date",
            "archived",
            "revision",
            "created_at",
            "updated_at",
        ),
    ),
    "category_groups": (
        ("id",),
        ("book_id", "name", "position", "archived", "revision", "created_at", "updated_at"),
    ),
    "categories": (
        ("id",),
        (
            "book_id",
            "group_id",
            "name",
            "kind",
            "archived",
            "revision",
            "created_at",
            "updated_at",
            "rollover",
        ),
    ),
    "budgets": (("category_id", "month"), ("amount",)),
    "budget_goals": (("category_id",), ("book_id", "kind", "amount", "by_month")),
    "payees": (("id",), ("book_id", "name")),
    "tags": (("id",), ("book_id", "name")),
    "transactions": (
        ("id",),
        (
            "book_id",
            "account_id",
            "date",
            "amount",
            "payee_id",
            "category_id",
            "memo",
            "status",
            "transfer_id",
            "import_id",
            "revision",
            "created_at",
            "updated_at",
            "bank_id",
        ),
    ),
    "splits": (("id",), ("transaction_id", "category_id", "amount", "memo", "position")),
    "transaction_tags": (("transaction_id", "tag_id"), ()),
    "rules": (
        ("id",),
        (
            "book_id",
            "name",
            "position",
            "enabled",
            "payee_match",
            "payee_text",
            "amount_min",
            "amount_max",
            "account_id",
            "set_category_id",
            "set_payee",
            "add_tags",
            "revision",
            "created_at",
            "updated_at",
        ),
    ),
    "schedules": (
        ("id",),
        (
            "book_id",
            "name",
            "account_id",
            "amount",
            "payee",
            "category_id",
            "memo",
            "tags",
            "transfer_account_id",
            "frequency",
            "interval",
            "start_date",
            "end_date",
            "count",
            "next_date",
            "auto_enter",
            "revision",
            "created_at",
            "updated_at",
        ),
    ),
    "schedule_occurrences": (("schedule_id", "date"), ("transaction_id", "skipped")),
    "reconciliations": (
        ("id",),
        (
            "book_id",
            "account_id",
            "statement_date",
            "statement_balance",
            "state",
            "started_by",
            "started_at",
            "finished_by",
            "finished_at",
            "adjustment_id",
        ),
    ),
    "imports": (
        ("id",),
        (
            "book_id",
            "account_id",
            "user_id",
            "file_name",
            "format",
            "layout",
            "added",
            "skipped",
            "created_at",
            "undone_at",
        ),
    ),
}


def _image(row: str, columns: tuple[str, ...]) -> str:
    return "json_object(" + ", ".join(f"'{c}', {row}.{c}" for c in columns) + ")"


def _key(row: str, keys: tuple[str, ...]) -> str:
    return "json_array(" + ", ".join(f"{row}.{c}" for c in keys) + ")"


def _log(table: str, key: str, before: str, after: str, where: str = "") -> str:
    return (
        "INSERT INTO undo_rows (action_id, table_name, row_key, before, after) "  # noqa: S608
        f"SELECT action_id, '{table}', {key}, {before}, {after} FROM undo_recording{where};"
    )


def _triggers(table: str, keys: tuple[str, ...], others: tuple[str, ...]) -> list[str]:
    """AFTER INSERT, UPDATE and DELETE triggers that log the row's images while recording."""
    columns = keys + others
    when = "WHEN EXISTS (SELECT 1 FROM undo_recording)"
    old, new = _image("old", columns), _image("new", columns)
    same_key = " AND ".join(f"old.{c} IS new.{c}" for c in keys)
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in others) or "false"
    # Only an update of an imaged column fires it (not an account's kept totals moving); a
    # changed key is the old row deleted and a new one made; an unchanged row, nothing.
    return [
        f"CREATE TRIGGER undo_{table}_insert AFTER INSERT ON {table} {when} BEGIN "
        + _log(table, _key("new", keys), "NULL", new)
        + " END",
        f"CREATE TRIGGER undo_{table}_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
        f"{when} BEGIN "
        + _log(table, _key("new", keys), old, new, f" WHERE {same_key} AND ({changed})")
        + " "
        + _log(table, _key("old", keys), old, "NULL", f" WHERE NOT ({same_key})")
        + " "
        + _log(table, _key("new", keys), "NULL", new, f" WHERE NOT ({same_key})")
        + " END",
        f"CREATE TRIGGER undo_{table}_delete AFTER DELETE ON {table} {when} BEGIN "
        + _log(table, _key("old", keys), old, "NULL")
        + " END",
    ]


def apply(db: sqlite_utils.Database) -> None:
    """Undo and redo: what each person's change in a book did to its rows, to take it back."""
    execute_all(
        db,
        [
            # One person's change request in one book. 'undone' ones can be redone until the
            # person makes a new change in the book.
            """CREATE TABLE undo_actions (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at TEXT NOT NULL,
                label TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('done', 'undone'))
            )""",
            "CREATE INDEX undo_actions_person ON undo_actions(book_id, user_id, state, id)",
            "CREATE INDEX undo_actions_user ON undo_actions(user_id)",
            # Each row the change made, changed or deleted, in the order it did: its image
            # (JSON of its columns) before and after; NULL where there was no row.
            """CREATE TABLE undo_rows (
                id INTEGER PRIMARY KEY,
                action_id INTEGER NOT NULL REFERENCES undo_actions(id) ON DELETE CASCADE,
                table_name TEXT NOT NULL,
                row_key TEXT NOT NULL,
                before TEXT,
                after TEXT,
                revision_when_gone INTEGER
            )""",
            "CREATE INDEX undo_rows_action ON undo_rows(action_id, id)",
            "CREATE INDEX undo_rows_row ON undo_rows(table_name, row_key)",
            # The change being recorded now: one row, for the span of a person's write
            # transaction (a main table: the triggers cannot see TEMP ones).
            """CREATE TABLE undo_recording (
                action_id INTEGER PRIMARY KEY REFERENCES undo_actions(id) ON DELETE CASCADE
            )""",
            *(
                trigger
                for table, (keys, others) in TRACKED.items()
                for trigger in _triggers(table, keys, others)
            ),
        ],
    )
