"""Released migration 17: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """An account's import preset remembers that its bank writes amounts the other way round;
    an import keeps the lines of its file it skipped as unreadable (a JSON list), by choice."""
    execute_all(
        db,
        [
            "ALTER TABLE import_presets ADD COLUMN amounts_reversed INTEGER NOT NULL DEFAULT 0 "
            "CHECK (amounts_reversed IN (0, 1))",
            "ALTER TABLE imports ADD COLUMN unreadable TEXT NOT NULL DEFAULT '[]' "
            "CHECK (json_valid(unreadable) AND json_type(unreadable) = 'array')",
            # The undo history's row images of an import (m0015) take in the new column.
            "DROP TRIGGER undo_imports_insert",
            "DROP TRIGGER undo_imports_update",
            "DROP TRIGGER undo_imports_delete",
            (
                "CREATE TRIGGER undo_imports_insert AFTER INSERT ON imports WHEN EXISTS (SELECT 1 "
                "FROM undo_recording) BEGIN INSERT INTO undo_rows (action_id, table_name, row_key, "
                "before, after) SELECT action_id, 'imports', json_array(new.id), NULL, "
                "json_object('id', new.id, 'book_id', new.book_id, 'account_id', new.account_id, "
                "'user_id', new.user_id, 'file_name', new.file_name, 'format', new.format, 'layout', "
                "new.layout, 'added', new.added, 'skipped', new.skipped, 'created_at', "
                "new.created_at, 'undone_at', new.undone_at, 'unreadable', new.unreadable) FROM "
                "undo_recording; END"
            ),
            (
                "CREATE TRIGGER undo_imports_update AFTER UPDATE OF id, book_id, account_id, user_id,"
                " file_name, format, layout, added, skipped, created_at, undone_at, unreadable ON "
                "imports WHEN EXISTS (SELECT 1 FROM undo_recording) BEGIN INSERT INTO undo_rows "
                "(action_id, table_name, row_key, before, after) SELECT action_id, 'imports', "
                "json_array(new.id), json_object('id', old.id, 'book_id', old.book_id, 'account_id', "
                "old.account_id, 'user_id', old.user_id, 'file_name', old.file_name, 'format', "
                "old.format, 'layout', old.layout, 'added', old.added, 'skipped', old.skipped, "
                "'created_at', old.created_at, 'undone_at', old.undone_at, 'unreadable', "
                "old.unreadable), json_object('id', new.id, 'book_id', new.book_id, 'account_id', "
                "new.account_id, 'user_id', new.user_id, 'file_name', new.file_name, 'format', "
                "new.format, 'layout', new.layout, 'added', new.added, 'skipped', new.skipped, "
                "'created_at', new.created_at, 'undone_at', new.undone_at, 'unreadable', "
                "new.unreadable) FROM undo_recording WHERE old.id IS new.id AND (old.book_id IS NOT "
                "new.book_id OR old.account_id IS NOT new.account_id OR old.user_id IS NOT "
                "new.user_id OR old.file_name IS NOT new.file_name OR old.format IS NOT new.format OR"
                " old.layout IS NOT new.layout OR old.added IS NOT new.added OR old.skipped IS NOT "
                "new.skipped OR old.created_at IS NOT new.created_at OR old.undone_at IS NOT "
                "new.undone_at OR old.unreadable IS NOT new.unreadable); INSERT INTO undo_rows "
                "(action_id, table_name, row_key, before, after) SELECT action_id, 'imports', "
                "json_array(old.id), json_object('id', old.id, 'book_id', old.book_id, 'account_id', "
                "old.account_id, 'user_id', old.user_id, 'file_name', old.file_name, 'format', "
                "old.format, 'layout', old.layout, 'added', old.added, 'skipped', old.skipped, "
                "'created_at', old.created_at, 'undone_at', old.undone_at, 'unreadable', "
                "old.unreadable), NULL FROM undo_recording WHERE NOT (old.id IS new.id); INSERT INTO "
                "undo_rows (action_id, table_name, row_key, before, after) SELECT action_id, "
                "'imports', json_array(new.id), NULL, json_object('id', new.id, 'book_id', "
                "new.book_id, 'account_id', new.account_id, 'user_id', new.user_id, 'file_name', "
                "new.file_name, 'format', new.format, 'layout', new.layout, 'added', new.added, "
                "'skipped', new.skipped, 'created_at', new.created_at, 'undone_at', new.undone_at, "
                "'unreadable', new.unreadable) FROM undo_recording WHERE NOT (old.id IS new.id); END"
            ),
            (
                "CREATE TRIGGER undo_imports_delete AFTER DELETE ON imports WHEN EXISTS (SELECT 1 "
                "FROM undo_recording) BEGIN INSERT INTO undo_rows (action_id, table_name, row_key, "
                "before, after) SELECT action_id, 'imports', json_array(old.id), json_object('id', "
                "old.id, 'book_id', old.book_id, 'account_id', old.account_id, 'user_id', "
                "old.user_id, 'file_name', old.file_name, 'format', old.format, 'layout', old.layout,"
                " 'added', old.added, 'skipped', old.skipped, 'created_at', old.created_at, "
                "'undone_at', old.undone_at, 'unreadable', old.unreadable), NULL FROM undo_recording;"
                " END"
            ),
        ],
    )
