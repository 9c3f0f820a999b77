"""Released migration 2: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Accounts, categories, payees, tags, transactions with splits and transfers, search."""
    execute_all(
        db,
        [
            """CREATE TABLE accounts (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                name TEXT NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 100),
                type TEXT NOT NULL CHECK (type IN ('checking', 'savings', 'credit_card', 'cash',
                    'investment', 'loan', 'other')),
                currency TEXT NOT NULL CHECK (length(currency) = 3),
                opening_balance INTEGER NOT NULL DEFAULT 0 CHECK (opening_balance BETWEEN -1000000000000000 AND 1000000000000000),
                opening_date TEXT NOT NULL CHECK (opening_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(opening_date) = opening_date),
                archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
                -- Kept by the same transaction as every write to the account's transactions:
                -- all of them, the cleared and reconciled ones, and the reconciled ones alone.
                total INTEGER NOT NULL DEFAULT 0,
                cleared_total INTEGER NOT NULL DEFAULT 0,
                reconciled_total INTEGER NOT NULL DEFAULT 0,
                revision INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (book_id, name)
            )""",
            """CREATE TABLE category_groups (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                name TEXT NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 100),
                position INTEGER NOT NULL DEFAULT 0,
                archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
                revision INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (book_id, name)
            )""",
            """CREATE TABLE categories (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                group_id INTEGER NOT NULL REFERENCES category_groups(id),
                name TEXT NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 100),
                kind TEXT NOT NULL CHECK (kind IN ('expense', 'income')),
                archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
                revision INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (group_id, name)
            )""",
            "CREATE INDEX categories_book ON categories(book_id)",
            """CREATE TABLE payees (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                name TEXT NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 200),
                UNIQUE (book_id, name)
            )""",
            """CREATE TABLE tags (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                name TEXT NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 50),
                UNIQUE (book_id, name)
            )""",
            """CREATE TABLE transactions (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                account_id INTEGER NOT NULL REFERENCES accounts(id),
                date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(date) = date),
                amount INTEGER NOT NULL CHECK (amount BETWEEN -1000000000000000 AND 1000000000000000),
                payee_id INTEGER REFERENCES payees(id),
                -- NULL for an uncategorized transaction, a split one and a transfer.
                category_id INTEGER REFERENCES categories(id),
                memo TEXT NOT NULL DEFAULT '' CHECK (length(memo) <= 1000),
                status TEXT NOT NULL DEFAULT 'uncleared'
                    CHECK (status IN ('uncleared', 'cleared', 'reconciled')),
                -- The other half of a transfer; the pair points at each other.
                transfer_id INTEGER REFERENCES transactions(id) DEFERRABLE INITIALLY DEFERRED,
                import_id INTEGER,
                revision INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX transactions_register ON transactions(account_id, date DESC, id DESC)",
            "CREATE INDEX transactions_book ON transactions(book_id, date DESC, id DESC)",
            "CREATE INDEX transactions_category ON transactions(category_id, date DESC, id DESC)",
            "CREATE INDEX transactions_payee ON transactions(payee_id, date DESC, id DESC)",
            "CREATE INDEX transactions_transfer ON transactions(transfer_id) "
            "WHERE transfer_id IS NOT NULL",
            "CREATE INDEX transactions_import ON transactions(import_id) "
            "WHERE import_id IS NOT NULL",
            """CREATE TABLE splits (
                id INTEGER PRIMARY KEY,
                transaction_id INTEGER NOT NULL REFERENCES transactions(id) ON DELETE CASCADE,
                category_id INTEGER REFERENCES categories(id),
                amount INTEGER NOT NULL CHECK (amount BETWEEN -1000000000000000 AND 1000000000000000),
                memo TEXT NOT NULL DEFAULT '' CHECK (length(memo) <= 1000),
                position INTEGER NOT NULL
            )""",
            "CREATE INDEX splits_transaction ON splits(transaction_id, position)",
            "CREATE INDEX splits_category ON splits(category_id)",
            """CREATE TABLE transaction_tags (
                transaction_id INTEGER NOT NULL REFERENCES transactions(id) ON DELETE CASCADE,
                tag_id INTEGER NOT NULL REFERENCES tags(id),
                PRIMARY KEY (transaction_id, tag_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX transaction_tags_tag ON transaction_tags(tag_id, transaction_id)",
            # Per account and month: what running balances and reports add up, kept with totals.
            """CREATE TABLE account_months (
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                month TEXT NOT NULL,
                total INTEGER NOT NULL,
                PRIMARY KEY (account_id, month)
            ) WITHOUT ROWID""",
            # Full-text search over payee and memo; rowid is the transaction's id.
            "CREATE VIRTUAL TABLE transactions_fts USING fts5("
            "payee, memo, tokenize = 'unicode61 remove_diacritics 2')",
            """CREATE TABLE idempotency_keys (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                status INTEGER NOT NULL,
                body TEXT NOT NULL,
                headers TEXT NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY (user_id, key)
            )""",
        ],
    )
