"""The row images of a recorded change (m0015's `undo_rows`): what they say about a row, and
how to write them back.

Triggers log each row a person's change makes, changes or deletes, in order, as JSON images of
its columns before and after. Written back in exact reverse order (undo) or in order (redo),
they lead through the very states the change went through, so foreign keys hold at each step
and the kept sums that triggers keep (category sums, search index, change feed) follow. The
accounts' totals are kept in Python (`apply_to_totals`), so they are moved here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from server.clock import to_iso
from server.db.kept_sums import apply_to_totals

# Each tracked table and its key columns, as m0015 made its triggers (tests/unit/test_undo.py
# holds them to the triggers and the triggers to the tables' columns). To track a new table,
# a migration makes its triggers as m0015 did, and it gets a line here and in KINDS.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("id",),
    "category_groups": ("id",),
    "categories": ("id",),
    "budgets": ("category_id", "month"),
    "budget_goals": ("category_id",),
    "payees": ("id",),
    "tags": ("id",),
    "transactions": ("id",),
    "splits": ("id",),
    "transaction_tags": ("transaction_id", "tag_id"),
    "rules": ("id",),
    "schedules": ("id",),
    "schedule_occurrences": ("schedule_id", "date"),
    "reconciliations": ("id",),
    "imports": ("id",),
}

# What a row's table is to a person and to the change feed: (kind, singular, plural). A row of
# a part (split, tag of a transaction, occurrence of a schedule) counts as its whole: (kind,
# the whole's table, the column naming it).
KINDS: dict[str, tuple[str, str, str]] = {
    "accounts": ("account", "account", "accounts"),
    "category_groups": ("category_group", "category group", "category groups"),
    "categories": ("category", "category", "categories"),
    "budgets": ("budget", "budget", "budgets"),
    "budget_goals": ("goal", "budget goal", "budget goals"),
    "payees": ("payee", "payee", "payees"),
    "tags": ("tag", "tag", "tags"),
    "transactions": ("transaction", "transaction", "transactions"),
    "rules": ("rule", "rule", "rules"),
    "schedules": ("schedule", "schedule", "schedules"),
    "reconciliations": ("reconciliation", "reconciliation", "reconciliations"),
    "imports": ("import", "import", "imports"),
}
PARTS: dict[str, tuple[str, str]] = {
    "splits": ("transactions", "transaction_id"),
    "transaction_tags": ("transactions", "transaction_id"),
    "schedule_occurrences": ("schedules", "schedule_id"),
}

# Columns that say when and how often a row changed, not what it holds: a change is compared
# without them, and writing an image back gives the row a new revision (so that an ETag of any
# earlier state never matches again) and stamps it.
BOOKKEEPING = ("revision", "updated_at")


@dataclass(frozen=True)
class RowImage:
    """One logged step of one row: its state before and after (None: no row)."""

    seq: int
    table: str
    key: tuple[Any, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    revision_when_gone: int | None


def content(image: dict[str, Any] | None) -> dict[str, Any] | None:
    """The image without its bookkeeping columns (None stays None)."""
    if image is None:
        return None
    return {c: v for c, v in image.items() if c not in BOOKKEEPING}


def images(db: sqlite_utils.Database, action_id: int) -> list[RowImage]:
    """The logged steps of a change, in the order they happened."""
    return [
        RowImage(
            seq,
            table,
            tuple(json.loads(key)),
            None if before is None else json.loads(before),
            None if after is None else json.loads(after),
            gone,
        )
        for seq, table, key, before, after, gone in db.execute(
            "SELECT id, table_name, row_key, before, after, revision_when_gone FROM undo_rows "
            "WHERE action_id = ? ORDER BY id",
            [action_id],
        )
    ]


def net(steps: Iterable[RowImage]) -> dict[tuple[str, tuple], tuple[dict | None, dict | None]]:
    """Each row the steps touched: its state before the first and after the last."""
    rows: dict[tuple[str, tuple], tuple[dict | None, dict | None]] = {}
    for step in steps:
        place = (step.table, step.key)
        first = rows[place][0] if place in rows else step.before
        rows[place] = (first, step.after)
    return rows


def _where(table: str) -> str:
    return " AND ".join(f"{column} = ?" for column in ROW_KEYS[table])


def current(db: sqlite_utils.Database, table: str, key: tuple, like: dict | None) -> dict | None:
    """The row as it is now, with the columns of `like` (all of them if None; None: the row
    is not there)."""
    if like is None:
        row = db.execute(
            f"SELECT * FROM {table} WHERE {_where(table)}",  # noqa: S608 (our own names)
            list(key),
        ).fetchone()
        return None if row is None else dict(row)
    image = ", ".join(f"'{c}', {c}" for c in like)  # our own trigger's column names
    row = db.execute(
        f"SELECT json_object({image}) FROM {table} WHERE {_where(table)}",  # noqa: S608
        list(key),
    ).fetchone()
    return None if row is None else json.loads(row[0])


def write_back(
    db: sqlite_utils.Database, steps: list[RowImage], *, forward: bool, now: datetime
) -> None:
    """Set each row of the steps to its image after (forward) or before each step, in the
    order given, and move the accounts' kept totals with the transactions."""
    totals: dict[tuple[int, str, str], int] = {}
    stamp = to_iso(now)
    for step in steps:
        source, target = (step.before, step.after) if forward else (step.after, step.before)
        where = _where(step.table)
        if target is None:
            if source and "revision" in source:
                (revision,) = db.execute(
                    f"SELECT revision FROM {step.table} WHERE {where}",  # noqa: S608
                    list(step.key),
                ).fetchone()
                db.execute(
                    "UPDATE undo_rows SET revision_when_gone = ? WHERE id = ?", [revision, step.seq]
                )
            db.execute(f"DELETE FROM {step.table} WHERE {where}", list(step.key))  # noqa: S608
        elif source is None:
            row = dict(target)
            if "revision" in row:
                row["revision"] = max(row["revision"], step.revision_when_gone or 0) + 1
            if "updated_at" in row:
                row["updated_at"] = stamp
            db.execute(
                f"INSERT INTO {step.table} ({', '.join(row)}) "  # noqa: S608
                f"VALUES ({', '.join('?' for _ in row)})",
                list(row.values()),
            )
        else:
            changed = {c: v for c, v in target.items() if c not in BOOKKEEPING and source[c] != v}
            sets = [f"{c} = ?" for c in changed]
            if "revision" in target:
                sets += ["revision = revision + 1", "updated_at = ?"]
                changed["updated_at"] = stamp
            if sets:
                db.execute(
                    f"UPDATE {step.table} SET {', '.join(sets)} WHERE {where}",  # noqa: S608
                    [*changed.values(), *step.key],
                )
        if step.table == "transactions":
            for image, sign in ((source, -1), (target, 1)):
                if image is not None:
                    place = (image["account_id"], image["date"][:7], image["status"])
                    totals[place] = totals.get(place, 0) + sign * image["amount"]
    there = db.execute(
        "SELECT id FROM accounts WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(sorted({place[0] for place in totals}))],
    )
    accounts = {account_id for (account_id,) in there}
    for (account_id, month, status), amount in sorted(totals.items()):
        if amount and account_id in accounts:  # an account deleted with them has no totals
            apply_to_totals(db, account_id, month + "-01", amount, status, 1)
