"""Ordered, named schema migrations, applied at start, each in its own transaction.

A migration is recorded in the `migrations` table and `PRAGMA user_version` counts them, so a
data file made by any earlier version is brought up to date step by step. Never edit or
reorder a released migration: add a new one.

Each migration is a module of this package named as it is recorded (`m0001_...`), whose
`apply(db)` runs inside the write transaction opened here. A released migration is frozen: its
SQL is literal text, exactly what it ran when it was released (indentation too, since
`sqlite_master` keeps it), and it imports nothing but the standard library, `sqlite_utils` and
`_frozen`, never code that the running app uses and may change (tests/unit/test_migrations.py
holds both rules). What the app needs of the schema at runtime (the search key, the triggers a
bulk write sets aside) has its own copy in `server.db.kept_sums`, tested against these.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from server.clock import to_iso, utcnow
from server.db import Database
from server.db.migrations import (
    m0001_people_sessions_books_tokens,
    m0002_ledger,
    m0003_search_newest_first,
    m0004_imports,
    m0005_rules_and_file_formats,
    m0006_budgets_and_category_months,
    m0007_schedules,
    m0008_change_feed,
    m0009_oauth,
    m0010_sign_in_failures,
    m0011_member_invitations,
    m0012_budget_goals,
    m0013_idempotency_keys_by_book,
    m0014_reconciliations,
    m0015_undo_history,
    m0016_import_batches,
    m0017_import_reversal_and_unreadable_lines,
    m0018_automatic_sign_in,
    m0019_user_language,
)

log = logging.getLogger("tallybook.db")


@dataclass(frozen=True)
class Migration:
    """One schema step."""

    name: str
    apply: Callable[[sqlite_utils.Database], None]


MIGRATIONS: list[Migration] = [
    Migration(module.__name__.rpartition(".")[2], module.apply)
    for module in (
        m0001_people_sessions_books_tokens,
        m0002_ledger,
        m0003_search_newest_first,
        m0004_imports,
        m0005_rules_and_file_formats,
        m0006_budgets_and_category_months,
        m0007_schedules,
        m0008_change_feed,
        m0009_oauth,
        m0010_sign_in_failures,
        m0011_member_invitations,
        m0012_budget_goals,
        m0013_idempotency_keys_by_book,
        m0014_reconciliations,
        m0015_undo_history,
        m0016_import_batches,
        m0017_import_reversal_and_unreadable_lines,
        m0018_automatic_sign_in,
        m0019_user_language,
    )
]


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
