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


def schema_version(database: Database) -> int:
    """Return how many migrations the data file has."""
    with database.write() as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


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
