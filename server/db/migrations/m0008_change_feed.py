"""Released migration 8: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """A note of every object made, changed or deleted in a book, in commit order: what the
    change feed reads, so that a script can mirror a book incrementally."""
    execute_all(
        db,
        [
            # The single writer numbers the notes in commit order. Only which object changed
            # is noted: the feed reads its state (or its absence) when asked.
            """CREATE TABLE changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                book_id INTEGER NOT NULL,
                kind TEXT NOT NULL,
                key TEXT NOT NULL
            )""",
            "CREATE INDEX changes_book ON changes(book_id, seq)",
            # Is a note the last of its object? (A feed gives each object once, at its last.)
            "CREATE INDEX changes_object ON changes(book_id, kind, key, seq)",
            # The setting that names the change feed's current history: a restore starts a new
            # one, and cursors of the old one are refused (their numbers may be given again).
            "INSERT INTO settings (key, value) VALUES "
            "('change_feed_epoch', json_quote(lower(hex(randomblob(8)))))",
            "CREATE TRIGGER changes_book_delete AFTER DELETE ON books "
            "BEGIN DELETE FROM changes WHERE book_id = old.id; END",
            # A note of each row made, changed or deleted, in the book of the row (none while
            # the book is being deleted); a transaction's splits and tags are part of it.
            "CREATE TRIGGER changes_accounts_insert AFTER INSERT ON accounts BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'account', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_accounts_update AFTER UPDATE ON accounts BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'account', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_accounts_delete AFTER DELETE ON accounts BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'account', old.id FROM books b "
            "WHERE b.id = old.book_id; END",
            "CREATE TRIGGER changes_category_groups_insert AFTER INSERT ON category_groups BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'category_group', new.id "
            "FROM books b WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_category_groups_update AFTER UPDATE ON category_groups BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'category_group', new.id "
            "FROM books b WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_category_groups_delete AFTER DELETE ON category_groups BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'category_group', old.id "
            "FROM books b WHERE b.id = old.book_id; END",
            "CREATE TRIGGER changes_categories_insert AFTER INSERT ON categories BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'category', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_categories_update AFTER UPDATE ON categories BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'category', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_categories_delete AFTER DELETE ON categories BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'category', old.id FROM books b "
            "WHERE b.id = old.book_id; END",
            "CREATE TRIGGER changes_payees_insert AFTER INSERT ON payees BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'payee', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_payees_update AFTER UPDATE ON payees BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'payee', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_payees_delete AFTER DELETE ON payees BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'payee', old.id FROM books b "
            "WHERE b.id = old.book_id; END",
            "CREATE TRIGGER changes_tags_insert AFTER INSERT ON tags BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'tag', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_tags_update AFTER UPDATE ON tags BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'tag', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_tags_delete AFTER DELETE ON tags BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'tag', old.id FROM books b "
            "WHERE b.id = old.book_id; END",
            "CREATE TRIGGER changes_transactions_insert AFTER INSERT ON transactions BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'transaction', new.id "
            "FROM books b WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_transactions_update AFTER UPDATE ON transactions BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'transaction', new.id "
            "FROM books b WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_transactions_delete AFTER DELETE ON transactions BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'transaction', old.id "
            "FROM books b WHERE b.id = old.book_id; END",
            "CREATE TRIGGER changes_rules_insert AFTER INSERT ON rules BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'rule', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_rules_update AFTER UPDATE ON rules BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'rule', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_rules_delete AFTER DELETE ON rules BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'rule', old.id FROM books b "
            "WHERE b.id = old.book_id; END",
            "CREATE TRIGGER changes_schedules_insert AFTER INSERT ON schedules BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'schedule', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_schedules_update AFTER UPDATE ON schedules BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'schedule', new.id FROM books b "
            "WHERE b.id = new.book_id; END",
            "CREATE TRIGGER changes_schedules_delete AFTER DELETE ON schedules BEGIN "
            "INSERT INTO changes (book_id, kind, key) SELECT b.id, 'schedule', old.id FROM books b "
            "WHERE b.id = old.book_id; END",
            "CREATE TRIGGER changes_splits_insert AFTER INSERT ON splits BEGIN "
            "INSERT INTO changes (book_id, kind, key) "
            "SELECT b.id, 'transaction', new.transaction_id FROM books b "
            "WHERE b.id = (SELECT book_id FROM transactions WHERE id = new.transaction_id); END",
            "CREATE TRIGGER changes_splits_update AFTER UPDATE ON splits BEGIN "
            "INSERT INTO changes (book_id, kind, key) "
            "SELECT b.id, 'transaction', new.transaction_id FROM books b "
            "WHERE b.id = (SELECT book_id FROM transactions WHERE id = new.transaction_id); END",
            "CREATE TRIGGER changes_splits_delete AFTER DELETE ON splits BEGIN "
            "INSERT INTO changes (book_id, kind, key) "
            "SELECT b.id, 'transaction', old.transaction_id FROM books b "
            "WHERE b.id = (SELECT book_id FROM transactions WHERE id = old.transaction_id); END",
            "CREATE TRIGGER changes_transaction_tags_insert AFTER INSERT ON transaction_tags BEGIN "
            "INSERT INTO changes (book_id, kind, key) "
            "SELECT b.id, 'transaction', new.transaction_id FROM books b "
            "WHERE b.id = (SELECT book_id FROM transactions WHERE id = new.transaction_id); END",
            "CREATE TRIGGER changes_transaction_tags_update AFTER UPDATE ON transaction_tags BEGIN "
            "INSERT INTO changes (book_id, kind, key) "
            "SELECT b.id, 'transaction', new.transaction_id FROM books b "
            "WHERE b.id = (SELECT book_id FROM transactions WHERE id = new.transaction_id); END",
            "CREATE TRIGGER changes_transaction_tags_delete AFTER DELETE ON transaction_tags BEGIN "
            "INSERT INTO changes (book_id, kind, key) "
            "SELECT b.id, 'transaction', old.transaction_id FROM books b "
            "WHERE b.id = (SELECT book_id FROM transactions WHERE id = old.transaction_id); END",
            "CREATE TRIGGER changes_budgets_insert AFTER INSERT ON budgets BEGIN "
            "INSERT INTO changes (book_id, kind, key) "
            "SELECT b.id, 'budget', new.category_id || '/' || new.month FROM books b "
            "WHERE b.id = (SELECT book_id FROM categories WHERE id = new.category_id); END",
            "CREATE TRIGGER changes_budgets_update AFTER UPDATE ON budgets BEGIN "
            "INSERT INTO changes (book_id, kind, key) "
            "SELECT b.id, 'budget', new.category_id || '/' || new.month FROM books b "
            "WHERE b.id = (SELECT book_id FROM categories WHERE id = new.category_id); END",
            "CREATE TRIGGER changes_budgets_delete AFTER DELETE ON budgets BEGIN "
            "INSERT INTO changes (book_id, kind, key) "
            "SELECT b.id, 'budget', old.category_id || '/' || old.month FROM books b "
            "WHERE b.id = (SELECT book_id FROM categories WHERE id = old.category_id); END",
            # What is there already counts as made: a feed read from the start gives it all.
            "INSERT INTO changes (book_id, kind, key) SELECT r.book_id, 'account', r.id "
            "FROM accounts r WHERE r.book_id IS NOT NULL",
            "INSERT INTO changes (book_id, kind, key) SELECT r.book_id, 'category_group', r.id "
            "FROM category_groups r WHERE r.book_id IS NOT NULL",
            "INSERT INTO changes (book_id, kind, key) SELECT r.book_id, 'category', r.id "
            "FROM categories r WHERE r.book_id IS NOT NULL",
            "INSERT INTO changes (book_id, kind, key) SELECT r.book_id, 'payee', r.id "
            "FROM payees r WHERE r.book_id IS NOT NULL",
            "INSERT INTO changes (book_id, kind, key) SELECT r.book_id, 'tag', r.id FROM tags r "
            "WHERE r.book_id IS NOT NULL",
            "INSERT INTO changes (book_id, kind, key) SELECT r.book_id, 'transaction', r.id "
            "FROM transactions r WHERE r.book_id IS NOT NULL",
            "INSERT INTO changes (book_id, kind, key) SELECT r.book_id, 'rule', r.id FROM rules r "
            "WHERE r.book_id IS NOT NULL",
            "INSERT INTO changes (book_id, kind, key) SELECT r.book_id, 'schedule', r.id "
            "FROM schedules r WHERE r.book_id IS NOT NULL",
            "INSERT INTO changes (book_id, kind, key) "
            "SELECT (SELECT book_id FROM categories WHERE id = r.category_id), 'budget', "
            "r.category_id || '/' || r.month FROM budgets r "
            "WHERE (SELECT book_id FROM categories WHERE id = r.category_id) IS NOT NULL",
        ],
    )
