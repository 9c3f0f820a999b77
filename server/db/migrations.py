"""Ordered, named schema migrations, applied at start, each in its own transaction.

A migration is recorded in the `migrations` table and `PRAGMA user_version` counts them, so a
data folder made by any earlier version is brought up to date step by step. Never edit or
reorder a released migration: add a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from server.clock import to_iso, utcnow
from server.db import Database

log = logging.getLogger("tallybook.db")


@dataclass(frozen=True)
class Migration:
    """One schema step."""

    name: str
    apply: Callable[[sqlite_utils.Database], None]


MIGRATIONS: list[Migration] = []


def migration(
    fn: Callable[[sqlite_utils.Database], None],
) -> Callable[[sqlite_utils.Database], None]:
    """Register `fn` as the next migration, named after the function."""
    MIGRATIONS.append(Migration(fn.__name__, fn))
    return fn


def _execute_all(db: sqlite_utils.Database, statements: list[str]) -> None:
    # One statement at a time: executescript() would COMMIT our transaction first.
    for statement in statements:
        db.execute(statement)


@migration
def m0001_people_sessions_books_tokens(db: sqlite_utils.Database) -> None:
    """Users, server-side sessions, books with their members, API tokens, instance settings."""
    _execute_all(
        db,
        [
            """CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL UNIQUE COLLATE NOCASE
                    CHECK (length(username) BETWEEN 3 AND 32),
                password_hash TEXT NOT NULL,
                is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
                failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
                locked_until TEXT,
                created_at TEXT NOT NULL,
                password_changed_at TEXT NOT NULL,
                last_login_at TEXT
            )""",
            """CREATE TABLE sessions (
                id INTEGER PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            )""",
            "CREATE INDEX sessions_user ON sessions(user_id)",
            """CREATE TABLE books (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
                revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE book_members (
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
                created_at TEXT NOT NULL,
                PRIMARY KEY (book_id, user_id)
            )""",
            "CREATE INDEX book_members_user ON book_members(user_id)",
            """CREATE TABLE api_tokens (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
                token_hash TEXT NOT NULL UNIQUE,
                token_hint TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT,
                last_used_at TEXT,
                revoked_at TEXT
            )""",
            "CREATE INDEX api_tokens_user ON api_tokens(user_id)",
            """CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
        ],
    )


@migration
def m0002_ledger(db: sqlite_utils.Database) -> None:
    """Accounts, categories, payees, tags, transactions with splits and transfers, search."""
    _execute_all(
        db,
        [
            f"""CREATE TABLE accounts (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                name TEXT NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 100),
                type TEXT NOT NULL CHECK (type IN ('checking', 'savings', 'credit_card', 'cash',
                    'investment', 'loan', 'other')),
                currency TEXT NOT NULL CHECK (length(currency) = 3),
                opening_balance INTEGER NOT NULL DEFAULT 0 CHECK ({_money("opening_balance")}),
                opening_date TEXT NOT NULL CHECK ({_date("opening_date")}),
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
            f"""CREATE TABLE transactions (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                account_id INTEGER NOT NULL REFERENCES accounts(id),
                date TEXT NOT NULL CHECK ({_date("date")}),
                amount INTEGER NOT NULL CHECK ({_money("amount")}),
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
            f"""CREATE TABLE splits (
                id INTEGER PRIMARY KEY,
                transaction_id INTEGER NOT NULL REFERENCES transactions(id) ON DELETE CASCADE,
                category_id INTEGER REFERENCES categories(id),
                amount INTEGER NOT NULL CHECK ({_money("amount")}),
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


# The search index's rowid orders matches newest first: the day (its Julian day number) in the
# high bits, the transaction's id in the low SEARCH_ID_BITS. A search then reads the index
# backwards and stops at a page, however many rows match. (Ids stay far below 2**40.)
SEARCH_ID_BITS = 40


def search_key(row: str) -> str:
    """SQL for the search index's rowid of the transaction `row` (e.g. NEW, OLD, t)."""
    return f"((CAST(julianday({row}.date) AS INTEGER) << {SEARCH_ID_BITS}) | {row}.id)"


def _indexed_text(row: str) -> str:
    return f"coalesce((SELECT name FROM payees WHERE id = {row}.payee_id), ''), {row}.memo"


@migration
def m0003_search_newest_first(db: sqlite_utils.Database) -> None:
    """Key the search index by (date, id) and keep it in step with triggers.

    Searching used to gather every match and sort them, which took 170 ms at a million rows for
    a word found nowhere; now the index itself is in the list's order.
    """
    _execute_all(
        db,
        [
            "DROP TABLE transactions_fts",
            "CREATE VIRTUAL TABLE transactions_fts USING fts5("
            "payee, memo, tokenize = 'unicode61 remove_diacritics 2')",
            "INSERT INTO transactions_fts (rowid, payee, memo) "
            f"SELECT {search_key('t')}, {_indexed_text('t')} FROM transactions t",
            # One b-tree instead of the many segments a bulk insert leaves: faster prefixes.
            "INSERT INTO transactions_fts (transactions_fts) VALUES ('optimize')",
            f"""CREATE TRIGGER transactions_search_insert AFTER INSERT ON transactions BEGIN
                INSERT INTO transactions_fts (rowid, payee, memo)
                VALUES ({search_key("NEW")}, {_indexed_text("NEW")});
            END""",
            f"""CREATE TRIGGER transactions_search_delete AFTER DELETE ON transactions BEGIN
                DELETE FROM transactions_fts WHERE rowid = {search_key("OLD")};
            END""",
            f"""CREATE TRIGGER transactions_search_update
                AFTER UPDATE OF date, payee_id, memo ON transactions BEGIN
                DELETE FROM transactions_fts WHERE rowid = {search_key("OLD")};
                INSERT INTO transactions_fts (rowid, payee, memo)
                VALUES ({search_key("NEW")}, {_indexed_text("NEW")});
            END""",
            f"""CREATE TRIGGER payees_search_rename AFTER UPDATE OF name ON payees BEGIN
                UPDATE transactions_fts SET payee = NEW.name WHERE rowid IN
                    (SELECT {search_key("t")} FROM transactions t WHERE t.payee_id = NEW.id);
            END""",
        ],
    )


@migration
def m0004_imports(db: sqlite_utils.Database) -> None:
    """Imports of bank files, recorded so one can be undone whole; the bank's own ids; each
    account's preset for reading its bank's files."""
    _execute_all(
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


@migration
def m0005_rules_and_file_formats(db: sqlite_utils.Database) -> None:
    """Rules that categorize, rename and tag transactions; imports of OFX and QIF files."""
    _execute_all(
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


def _category_months_change(select: str) -> str:
    """Add the (account, month, category, transfer, inflow, outflow) rows of `select` to the
    kept sums. `select` needs a WHERE clause (SQLite's upsert after a SELECT wants one)."""
    return (
        "INSERT INTO category_months "
        "(account_id, month, category_id, transfer, inflow, outflow) "
        f"{select} ON CONFLICT DO UPDATE SET "
        "inflow = inflow + excluded.inflow, outflow = outflow + excluded.outflow;"
    )


def _own_share(row: str, sign: str, where: str) -> str:
    """A transaction's own amount, in its category (or none) of its account and month."""
    return _category_months_change(
        f"SELECT {row}.account_id, substr({row}.date, 1, 7), coalesce({row}.category_id, 0), "
        f"{row}.transfer_id IS NOT NULL, {sign} max({row}.amount, 0), "
        f"{sign} min({row}.amount, 0) WHERE {where}"
    )


def _split_shares(parent: str, parts: str, sign: str, where: str) -> str:
    """Split parts move their amounts from the parent's own place to their categories."""
    place = (
        f"{parent}.account_id, substr({parent}.date, 1, 7), {{category}}, "
        f"{parent}.transfer_id IS NOT NULL"
    )
    moved_in = _category_months_change(
        f"SELECT {place.format(category=f'coalesce({parts}.category_id, 0)')}, "
        f"{sign} max({parts}.amount, 0), {sign} min({parts}.amount, 0) {where}"
    )
    # Out of the column the parent's amount is in, so that the parts (adding up to it) leave
    # nothing behind there, whatever their signs.
    moved_out = _category_months_change(
        f"SELECT {place.format(category=f'coalesce({parent}.category_id, 0)')}, "
        f"{sign} (CASE WHEN {parent}.amount > 0 THEN -{parts}.amount ELSE 0 END), "
        f"{sign} (CASE WHEN {parent}.amount > 0 THEN 0 ELSE -{parts}.amount END) {where}"
    )
    return moved_in + "\n" + moved_out


def category_months_from_rows(which: str = "true") -> str:
    """SQL for what `category_months` holds, worked out from the rows of the transactions `t`
    for which `which` holds (the migration's first fill, the doctor's check, bulk writes)."""
    return f"""
        WITH chosen AS (
            SELECT t.id, t.account_id, substr(t.date, 1, 7) AS month,
                   coalesce(t.category_id, 0) AS category_id,
                   t.transfer_id IS NOT NULL AS transfer, t.amount
            FROM transactions t WHERE {which}
        ), shares (account_id, month, category_id, transfer, inflow, outflow) AS (
            SELECT account_id, month, category_id, transfer, max(amount, 0), min(amount, 0)
            FROM chosen
            UNION ALL
            SELECT c.account_id, c.month, coalesce(s.category_id, 0), c.transfer,
                   max(s.amount, 0), min(s.amount, 0)
            FROM splits s JOIN chosen c ON c.id = s.transaction_id
            UNION ALL
            SELECT c.account_id, c.month, c.category_id, c.transfer,
                   CASE WHEN c.amount > 0 THEN -s.amount ELSE 0 END,
                   CASE WHEN c.amount > 0 THEN 0 ELSE -s.amount END
            FROM splits s JOIN chosen c ON c.id = s.transaction_id
        )
        SELECT account_id, month, category_id, transfer, sum(inflow) AS inflow,
               sum(outflow) AS outflow
        FROM shares
        GROUP BY account_id, month, category_id, transfer
        HAVING sum(inflow) != 0 OR sum(outflow) != 0
    """


@migration
def m0006_budgets_and_category_months(db: sqlite_utils.Database) -> None:
    """Budgets per category and month, and sums per account, category and month kept by
    triggers for the reports, the budget and the dashboard."""
    _execute_all(
        db,
        [
            # Money in and out per account, month and category (0: none), transfers apart.
            # Split parts count in their own categories. Kept by the triggers below in the
            # same transaction as every write to transactions or splits, whatever makes it.
            """CREATE TABLE category_months (
                account_id INTEGER NOT NULL,
                month TEXT NOT NULL,
                category_id INTEGER NOT NULL,
                transfer INTEGER NOT NULL,
                inflow INTEGER NOT NULL,
                outflow INTEGER NOT NULL,
                PRIMARY KEY (account_id, month, category_id, transfer)
            ) WITHOUT ROWID""",
            "INSERT INTO category_months " + category_months_from_rows(),
            "CREATE TRIGGER category_months_transaction_insert AFTER INSERT ON transactions "
            f"BEGIN {_own_share('new', '', 'true')} END",
            # Parts go before their transaction, while it is there to say where they were.
            "CREATE TRIGGER category_months_transaction_parts BEFORE DELETE ON transactions "
            "BEGIN DELETE FROM splits WHERE transaction_id = old.id; END",
            # A whole book going: its accounts may be gone first, and their sums with them.
            "CREATE TRIGGER category_months_transaction_delete AFTER DELETE ON transactions "
            "BEGIN "
            + _own_share("old", "-", "EXISTS (SELECT 1 FROM accounts WHERE id = old.account_id)")
            + " END",
            "CREATE TRIGGER category_months_transaction_update "
            "AFTER UPDATE OF account_id, date, amount, category_id, transfer_id ON transactions "
            "WHEN old.account_id IS NOT new.account_id OR old.date IS NOT new.date "
            "OR old.amount IS NOT new.amount OR old.category_id IS NOT new.category_id "
            "OR (old.transfer_id IS NULL) IS NOT (new.transfer_id IS NULL) "
            "BEGIN "
            + _own_share("old", "-", "true")
            + _own_share("new", "", "true")
            + _split_shares("old", "s", "-", "FROM splits s WHERE s.transaction_id = old.id")
            + _split_shares("new", "s", "", "FROM splits s WHERE s.transaction_id = new.id")
            + " END",
            "CREATE TRIGGER category_months_split_insert AFTER INSERT ON splits BEGIN "
            + _split_shares("t", "new", "", "FROM transactions t WHERE t.id = new.transaction_id")
            + " END",
            "CREATE TRIGGER category_months_split_delete AFTER DELETE ON splits BEGIN "
            + _split_shares("t", "old", "-", "FROM transactions t WHERE t.id = old.transaction_id")
            + " END",
            "CREATE TRIGGER category_months_split_update "
            "AFTER UPDATE OF transaction_id, category_id, amount ON splits BEGIN "
            + _split_shares("t", "old", "-", "FROM transactions t WHERE t.id = old.transaction_id")
            + _split_shares("t", "new", "", "FROM transactions t WHERE t.id = new.transaction_id")
            + " END",
            "CREATE TRIGGER category_months_account_delete AFTER DELETE ON accounts "
            "BEGIN DELETE FROM category_months WHERE account_id = old.id; END",
            # What is planned per category and month, in the book's currency; with rollover
            # a category's unspent (or overspent) money carries into the next month.
            f"""CREATE TABLE budgets (
                category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
                month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
                amount INTEGER NOT NULL CHECK ({_money("amount")}),
                PRIMARY KEY (category_id, month)
            ) WITHOUT ROWID""",
            "ALTER TABLE categories ADD COLUMN rollover INTEGER NOT NULL DEFAULT 0 "
            "CHECK (rollover IN (0, 1))",
        ],
    )


@migration
def m0007_schedules(db: sqlite_utils.Database) -> None:
    """Scheduled transactions, and the occurrences of each already entered or skipped."""
    _execute_all(
        db,
        [
            f"""CREATE TABLE schedules (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                name TEXT CHECK (length(name) BETWEEN 1 AND 100),
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                -- Minor units of the account's currency, as a transaction's amount.
                amount INTEGER NOT NULL CHECK ({_money("amount")}),
                payee TEXT CHECK (length(payee) BETWEEN 1 AND 200),
                category_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
                memo TEXT NOT NULL DEFAULT '' CHECK (length(memo) <= 1000),
                tags TEXT NOT NULL DEFAULT '[]',
                transfer_account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
                frequency TEXT NOT NULL
                    CHECK (frequency IN ('daily', 'weekly', 'monthly', 'yearly')),
                interval INTEGER NOT NULL DEFAULT 1 CHECK (interval >= 1),
                start_date TEXT NOT NULL CHECK ({_date("start_date")}),
                end_date TEXT CHECK ({_date("end_date")} AND end_date >= start_date),
                count INTEGER CHECK (count >= 1),
                -- The first occurrence neither entered nor skipped; NULL once there is none.
                next_date TEXT CHECK ({_date("next_date")}),
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
            f"""CREATE TABLE schedule_occurrences (
                schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
                date TEXT NOT NULL CHECK ({_date("date")}),
                transaction_id INTEGER REFERENCES transactions(id) ON DELETE SET NULL,
                skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
                PRIMARY KEY (schedule_id, date)
            ) WITHOUT ROWID""",
            "CREATE INDEX schedule_occurrences_transaction ON schedule_occurrences(transaction_id)",
        ],
    )


# The setting that names the change feed's current history: a restore starts a new one, and
# cursors of the old one are refused (their numbers may be given again).
FEED_EPOCH = "change_feed_epoch"
# What the change feed follows: (table, kind, the book of a row `r`, the key of `r`).
CHANGE_SOURCES = (
    ("accounts", "account", "r.book_id", "r.id"),
    ("category_groups", "category_group", "r.book_id", "r.id"),
    ("categories", "category", "r.book_id", "r.id"),
    ("payees", "payee", "r.book_id", "r.id"),
    ("tags", "tag", "r.book_id", "r.id"),
    ("transactions", "transaction", "r.book_id", "r.id"),
    ("rules", "rule", "r.book_id", "r.id"),
    ("schedules", "schedule", "r.book_id", "r.id"),
    # A transaction's splits and tags are part of it.
    (
        "splits",
        "transaction",
        "(SELECT book_id FROM transactions WHERE id = r.transaction_id)",
        "r.transaction_id",
    ),
    (
        "transaction_tags",
        "transaction",
        "(SELECT book_id FROM transactions WHERE id = r.transaction_id)",
        "r.transaction_id",
    ),
    (
        "budgets",
        "budget",
        "(SELECT book_id FROM categories WHERE id = r.category_id)",
        "r.category_id || '/' || r.month",
    ),
)


def change_trigger(table: str, kind: str, book: str, key: str, event: str) -> str:
    """A trigger that notes in `changes` that a row of `table` was made, changed or deleted
    (`event`); a row of a book being deleted leaves no note."""
    row = "old" if event == "DELETE" else "new"
    book, key = book.replace("r.", f"{row}."), key.replace("r.", f"{row}.")
    return (
        f"CREATE TRIGGER changes_{table}_{event.lower()} AFTER {event} ON {table} BEGIN "
        f"INSERT INTO changes (book_id, kind, key) SELECT b.id, '{kind}', {key} "
        f"FROM books b WHERE b.id = {book}; END"
    )


@migration
def m0008_change_feed(db: sqlite_utils.Database) -> None:
    """A note of every object made, changed or deleted in a book, in commit order: what the
    change feed reads, so that a script can mirror a book incrementally."""
    _execute_all(
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
            "INSERT INTO settings (key, value) VALUES "
            f"('{FEED_EPOCH}', json_quote(lower(hex(randomblob(8)))))",
            "CREATE TRIGGER changes_book_delete AFTER DELETE ON books "
            "BEGIN DELETE FROM changes WHERE book_id = old.id; END",
            *(
                change_trigger(table, kind, book, key, event)
                for table, kind, book, key in CHANGE_SOURCES
                for event in ("INSERT", "UPDATE", "DELETE")
            ),
            # What is there already counts as made: a feed read from the start gives it all.
            *(
                f"INSERT INTO changes (book_id, kind, key) SELECT {book}, '{kind}', {key} "
                f"FROM {table} r WHERE {book} IS NOT NULL"
                for table, kind, book, key in CHANGE_SOURCES
                if table not in ("splits", "transaction_tags")
            ),
        ],
    )


@migration
def m0009_oauth(db: sqlite_utils.Database) -> None:
    """Apps on this computer that a user lets into one book (OAuth 2.0, RFC 8252)."""
    _execute_all(
        db,
        [
            # An app registered by an administrator: public (PKCE only) or with a secret.
            """CREATE TABLE oauth_clients (
                id INTEGER PRIMARY KEY,
                client_id TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                redirect_uris TEXT NOT NULL CHECK (json_valid(redirect_uris)),
                secret_hash TEXT,
                created_at TEXT NOT NULL
            )""",
            # One approval by a user: its refresh tokens are one family, revoked together.
            """CREATE TABLE oauth_grants (
                id INTEGER PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                scope TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_used_at TEXT,
                revoked_at TEXT,
                revoked_because TEXT
            )""",
            "CREATE INDEX oauth_grants_user ON oauth_grants(user_id)",
            "CREATE INDEX oauth_grants_client ON oauth_grants(client_id)",
            "CREATE INDEX oauth_grants_book ON oauth_grants(book_id)",
            # An authorization code, kept after use so that a second use revokes its grant.
            """CREATE TABLE oauth_codes (
                code_hash TEXT PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
                scope TEXT NOT NULL,
                redirect_uri TEXT NOT NULL,
                code_challenge TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                used_at TEXT,
                grant_id INTEGER REFERENCES oauth_grants(id) ON DELETE CASCADE
            )""",
            "CREATE INDEX oauth_codes_client ON oauth_codes(client_id)",
            "CREATE INDEX oauth_codes_grant ON oauth_codes(grant_id)",
            "CREATE INDEX oauth_codes_expiry ON oauth_codes(expires_at)",
            # A refresh token is used once (`rotated_at` marks it spent); its scope is its grant's.
            """CREATE TABLE oauth_refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                grant_id INTEGER NOT NULL REFERENCES oauth_grants(id) ON DELETE CASCADE,
                issued_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                rotated_at TEXT
            )""",
            "CREATE INDEX oauth_refresh_tokens_grant ON oauth_refresh_tokens(grant_id)",
        ],
    )


def _money(column: str) -> str:
    """CHECK that a money column stays where sums of millions are exact everywhere."""
    return f"{column} BETWEEN -1000000000000000 AND 1000000000000000"


def _date(column: str) -> str:
    """CHECK that a column holds a date shaped YYYY-MM-DD (the domain checks the calendar)."""
    pattern = "[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]"
    return f"{column} GLOB '{pattern}' AND date({column}) = {column}"


def schema_version(database: Database) -> int:
    """Return how many migrations the data file has."""
    with database.read() as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def apply_migrations(database: Database) -> list[str]:
    """Bring the data file up to date; return the names of the migrations applied now."""
    version = schema_version(database)
    if version > len(MIGRATIONS):
        raise RuntimeError(
            f"{database.path} was written by a newer Tallybook (schema {version}, this one knows "
            f"{len(MIGRATIONS)}): update Tallybook to open it"
        )
    with database.write() as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS migrations "
            "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
    applied: list[str] = []
    for index, step in enumerate(MIGRATIONS, start=1):
        with database.write() as db:
            if db.execute("SELECT 1 FROM migrations WHERE name = ?", [step.name]).fetchone():
                continue
            step.apply(db)
            db["migrations"].insert({"name": step.name, "applied_at": to_iso(utcnow())})
            db.execute(f"PRAGMA user_version = {index}")
        log.info("applied migration %s", step.name)
        applied.append(step.name)
    return applied
