"""The data file: PRAGMAs, the single writer, read-only readers, migrations."""

from __future__ import annotations

import sqlite3

import pytest

from server.db import Database, migrations
from server.db.migrations import MIGRATIONS, apply_migrations, schema_version


@pytest.fixture
def fresh(tmp_path):
    database = Database(tmp_path / "t.sqlite3")
    yield database
    database.close()


def test_writer_pragmas(fresh):
    with fresh.write() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_readers_cannot_write(fresh):
    apply_migrations(fresh)
    with fresh.read() as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
            conn.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")


def test_write_is_one_immediate_transaction_rolled_back_on_error(fresh):
    apply_migrations(fresh)
    with pytest.raises(RuntimeError), fresh.write() as db:
        # sqlite-utils wraps insert_all in `with conn:`; that must not commit early.
        db["settings"].insert_all([{"key": f"k{i}", "value": "1"} for i in range(500)])
        db.execute("INSERT INTO settings (key, value) VALUES ('last', '1')")
        raise RuntimeError("crash in the middle of a multi-row change")
    with fresh.read() as conn:
        assert conn.execute("SELECT count(*) FROM settings WHERE key LIKE 'k%'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM settings WHERE key = 'last'").fetchone()[0] == 0


def test_write_commits_and_readers_see_it(fresh):
    apply_migrations(fresh)
    with fresh.write() as db:
        db["settings"].insert({"key": "a", "value": "1"})
        with fresh.write() as nested:  # joins the outer transaction
            nested["settings"].insert({"key": "b", "value": "2"})
    with fresh.read() as conn:
        found = conn.execute("SELECT key FROM settings WHERE key IN ('a', 'b') ORDER BY key")
        assert [r[0] for r in found] == ["a", "b"]


def test_write_takes_the_write_lock_at_begin(fresh):
    apply_migrations(fresh)
    other = sqlite3.connect(fresh.path, timeout=0)
    try:
        # BEGIN IMMEDIATE holds the RESERVED lock from the start, even before any write.
        with fresh.write(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_migrate_empty_database_to_latest(fresh):
    applied = apply_migrations(fresh)
    assert applied == [m.name for m in MIGRATIONS]
    assert schema_version(fresh) == len(MIGRATIONS)
    with fresh.read() as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        recorded = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY rowid")]
    assert {"users", "sessions", "books", "book_members", "api_tokens", "settings"} <= tables
    assert recorded == applied


def test_rerunning_migrations_is_a_no_op(fresh):
    apply_migrations(fresh)
    with fresh.read() as conn:
        before = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    assert apply_migrations(fresh) == []
    with fresh.read() as conn:
        after = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    assert [tuple(r) for r in before] == [tuple(r) for r in after]
    assert schema_version(fresh) == len(MIGRATIONS)


def test_database_from_a_newer_version_is_refused(fresh):
    apply_migrations(fresh)
    with fresh.write() as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(RuntimeError, match="newer Tallybook"):
        apply_migrations(fresh)


def test_money_and_enum_columns_are_checked(fresh):
    apply_migrations(fresh)
    with pytest.raises(sqlite3.IntegrityError), fresh.write() as db:
        db.execute(
            "INSERT INTO books (name, currency, created_at, updated_at) "
            "VALUES ('x', 'eur', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
        )


def test_m0003_rekeys_the_search_index_of_an_existing_ledger(fresh, monkeypatch):
    stamp = "2026-01-01T00:00:00Z"
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:2])
    apply_migrations(fresh)
    with fresh.write() as db:
        book = (
            db["books"]
            .insert({"name": "b", "currency": "EUR", "created_at": stamp, "updated_at": stamp})
            .last_pk
        )
        account = (
            db["accounts"]
            .insert(
                {
                    "book_id": book,
                    "name": "a",
                    "type": "cash",
                    "currency": "EUR",
                    "opening_date": "2026-01-01",
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            .last_pk
        )
        payee = db["payees"].insert({"book_id": book, "name": "Corner Shop"}).last_pk
        ids = []
        for day, memo in (("2026-02-01", "bread"), ("2025-12-31", "milk")):
            ids.append(
                db["transactions"]
                .insert(
                    {
                        "book_id": book,
                        "account_id": account,
                        "date": day,
                        "amount": -100,
                        "payee_id": payee,
                        "memo": memo,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
                .last_pk
            )
            db.execute(
                "INSERT INTO transactions_fts (rowid, payee, memo) VALUES (?, ?, ?)",
                [ids[-1], "Corner Shop", memo],
            )
    monkeypatch.undo()

    assert apply_migrations(fresh)[0] == "m0003_search_newest_first"
    with fresh.read() as conn:
        found = conn.execute(
            "SELECT rowid & ((1 << 40) - 1) FROM transactions_fts "
            "WHERE transactions_fts MATCH 'corner' ORDER BY rowid DESC"
        ).fetchall()
        assert [r[0] for r in found] == ids  # newest first, by date not id
    # From now on the triggers keep it in step.
    with fresh.write() as db:
        db.execute(
            "UPDATE transactions SET memo = 'butter', date = '2024-01-01' WHERE id = ?", [ids[0]]
        )
        db.execute("UPDATE payees SET name = 'Bakery' WHERE id = ?", [payee])
        db.execute("DELETE FROM transactions WHERE id = ?", [ids[1]])
    with fresh.read() as conn:
        rows = conn.execute(
            "SELECT rowid & ((1 << 40) - 1), payee, memo FROM transactions_fts"
        ).fetchall()
    assert [tuple(r) for r in rows] == [(ids[0], "Bakery", "butter")]
