"""The undo mechanism itself: which tables and columns it records, when it records, and row
images written back in order through the domain's own writers (the API tests go through every
kind of change a person makes)."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from server.auth.users import create_user
from server.clock import utcnow
from server.db import Database, kept_sums
from server.db.migrations import apply_migrations
from server.domain.accounts import AccountInput, create_account
from server.domain.books import create_personal_book, list_books
from server.domain.bulk import NewRow, add_in_bulk, delete_in_bulk
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction, delete_transactions
from server.domain.undo import apply_next, next_actions, recording
from server.domain.undo_rows import BOOKKEEPING, KINDS, PARTS, ROW_KEYS
from server.errors import Conflict, NotFound
from tests.conftest import TEST_ROUNDS

# The columns a row image leaves out: an account's kept totals follow its transactions.
NOT_IN_IMAGES = {"accounts": {"total", "cleared_total", "reconciled_total"}}
# Tables that undo leaves alone, and why: a new table is either tracked or named here.
NOT_TRACKED = {
    "users": "people, not a book's data",
    "sessions": "signing in",
    "automatic_sign_ins": "signing in (the desktop window's), not a book's data",
    "api_tokens": "access, not data",
    "sign_in_failures": "signing in",
    "books": "the book itself (renamed or deleted by its owners) is not undone",
    "book_members": "who shares a book is not undone",
    "book_invitations": "who shares a book is not undone",
    "oauth_clients": "access, not data",
    "oauth_codes": "access, not data",
    "oauth_grants": "access, not data",
    "oauth_refresh_tokens": "access, not data",
    "idempotency_keys": "answers kept for retries",
    "import_presets": "written by imports, which have their own undo",
    "import_batches": "written by imports, which have their own undo",
    "import_batch_files": "written by imports, which have their own undo",
    "statement_keys": "written by imports, which have their own undo",
    "settings": "the instance's settings",
    "migrations": "the schema's history",
    "account_months": "kept sums: follow the transactions",
    "category_months": "kept sums: kept by triggers",
    "changes": "the change feed: kept by triggers",
    "undo_actions": "undo's own history",
    "undo_rows": "undo's own history",
    "undo_recording": "undo's own state",
}


@pytest.fixture
def world(tmp_path: Path):
    database = Database(tmp_path / "undo.sqlite3")
    apply_migrations(database)
    user = create_user(
        database,
        "alex",
        "long enough passphrase",
        now=utcnow(),
        rounds=TEST_ROUNDS,
        personal_book=create_personal_book,
    )
    with database.read() as conn:
        book_id = list_books(conn, user.id)[0].id
    account = create_account(
        database,
        book_id,
        AccountInput(name="Checking", type="checking", currency="EUR", opening_balance="0"),
        now=utcnow(),
    )
    yield database, user.id, book_id, account.id
    database.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'transactions_fts%'"
        )
    }


def test_every_table_is_tracked_or_said_why_not(world):
    database, *_ = world
    with database.read() as conn:
        assert _tables(conn) == set(ROW_KEYS) | set(NOT_TRACKED)
    assert set(ROW_KEYS) == set(KINDS) | set(PARTS)


def test_the_row_images_hold_every_column_of_their_table(world):
    """A column added later must be added to the triggers too, or undo would miss it."""
    database, *_ = world
    with database.read() as conn:
        for table, keys in ROW_KEYS.items():
            columns = {r["name"] for r in conn.execute(f"PRAGMA table_info({table})")}
            for event in ("insert", "update", "delete"):
                (sql,) = conn.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                    [f"undo_{table}_{event}"],
                ).fetchone()
                row = "old" if event == "delete" else "new"
                imaged = set(re.findall(rf"'(\w+)', {row}\.(\w+)", sql))
                assert {a for a, b in imaged} == {b for a, b in imaged}
                assert {a for a, _ in imaged} == columns - NOT_IN_IMAGES.get(table, set()), table
                key = re.search(r"json_array\(([^)]*)\)", sql).group(1)
                assert key == ", ".join(f"{row}.{c}" for c in keys), table
            assert set(BOOKKEEPING) <= columns or not set(BOOKKEEPING) & columns, table


def _add(database: Database, book_id: int, account_id: int, amount: str = "-5.00") -> int:
    made = TransactionInput(account_id=account_id, date=date(2026, 11, 2), amount=amount)
    return create_transaction(database, book_id, made, now=utcnow()).id


def test_only_a_recorded_write_is_logged_and_an_empty_one_is_dropped(world):
    database, user_id, book_id, account_id = world
    _add(database, book_id, account_id)  # not through the gate: e.g. a background job
    with database.read() as conn:
        assert conn.execute("SELECT count(*) FROM undo_rows").fetchone()[0] == 0
    with database.write() as db, recording(db, book_id, user_id, now=utcnow()) as nothing:
        pass
    assert nothing.action_id is None
    with database.write() as db, recording(db, book_id, user_id, now=utcnow()) as change:
        _add(database, book_id, account_id)
    assert change.action_id is not None
    with database.read() as conn:
        assert next_actions(conn, book_id, user_id)[0].label == "Added transaction of 2026-11-02"
        assert conn.execute("SELECT count(*) FROM undo_recording").fetchone()[0] == 0


def test_a_failed_write_leaves_no_action(world):
    database, user_id, book_id, account_id = world
    with (
        pytest.raises(RuntimeError),
        database.write() as db,
        recording(db, book_id, user_id, now=utcnow()),
    ):
        _add(database, book_id, account_id)
        raise RuntimeError("refused")
    with database.read() as conn:
        assert conn.execute("SELECT count(*) FROM undo_actions").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 0


def test_a_book_deleted_while_recording_takes_its_history_along(world):
    database, user_id, book_id, account_id = world
    with database.write() as db, recording(db, book_id, user_id, now=utcnow()):
        _add(database, book_id, account_id)
    with database.write() as db, recording(db, book_id, user_id, now=utcnow()) as change:
        db.execute("DELETE FROM transactions WHERE book_id = ?", [book_id])
        db.execute("DELETE FROM books WHERE id = ?", [book_id])
    assert change.action_id is None
    with database.read() as conn:
        assert conn.execute("SELECT count(*) FROM undo_rows").fetchone()[0] == 0


def test_nothing_to_undo_and_a_conflict_write_nothing(world):
    database, user_id, book_id, account_id = world
    with pytest.raises(NotFound):
        apply_next(database, book_id, user_id, "undo", now=utcnow())
    with database.write() as db, recording(db, book_id, user_id, now=utcnow()):
        made = _add(database, book_id, account_id)
    delete_transactions(database, book_id, [made])  # someone else, some other way
    with pytest.raises(Conflict, match="was deleted since"):
        apply_next(database, book_id, user_id, "undo", now=utcnow())
    with database.read() as conn:
        assert next_actions(conn, book_id, user_id)[0] is not None  # still there to undo


def _kept_sums_exact(database: Database) -> None:
    with database.read() as conn:
        assert kept_sums.differences(conn) == []


def test_a_bulk_delete_with_triggers_set_aside_is_still_recorded(world):
    database, user_id, book_id, account_id = world
    rows = [
        NewRow(date(2026, 1, 1) + timedelta(days=i % 300), -100 - i, f"P{i % 7}", "", None)
        for i in range(300)
    ]
    with database.write() as db:
        add_in_bulk(db, book_id, account_id, rows, import_id=0, now=utcnow())
    with database.read() as conn:
        ids = [i for (i,) in conn.execute("SELECT id FROM transactions")]
    with database.write() as db, recording(db, book_id, user_id, now=utcnow()):
        delete_in_bulk(db, ids)  # as an import's undo does, its triggers set aside
    apply_next(database, book_id, user_id, "undo", now=utcnow())
    _kept_sums_exact(database)
    with database.read() as conn:
        assert conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 300
    apply_next(database, book_id, user_id, "redo", now=utcnow())
    _kept_sums_exact(database)
    with database.read() as conn:
        assert conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 0
