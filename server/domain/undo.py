"""Undo and redo of every change a person makes in a book, for the UI and API clients alike.

Each person's write through the book's gate is recorded as one action: while it runs, the
triggers of m0015 log every row it makes, changes or deletes (`undo_rows`). Undo writes the
images before back in exact reverse order, redo the images after in order, each only if every
row the action touched is still as the action left it (undo) or found it (redo): a change
someone has since built on is refused, naming what changed, and nothing is half written.
Background work (imports, automatic entry of schedules) is not recorded; imports keep their
own undo.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlite_utils

from server.clock import from_iso, to_iso
from server.db import Database
from server.domain.undo_rows import RowImage, content, current, images, net, write_back
from server.domain.undo_text import changed_objects, describe, label
from server.errors import Conflict, NotFound
from server.translatable import _l

# Kept per person and book: at least the last KEEP_ACTIONS and all of the last KEEP_FOR.
KEEP_ACTIONS = 100
KEEP_FOR = timedelta(hours=24)
_NAMED_AT_MOST = 3  # rows a refusal names


@dataclass
class Recording:
    """The action a write is recorded as: its id once the write ends, None if it changed
    nothing undoable."""

    action_id: int | None = None


@dataclass(frozen=True)
class Action:
    """A recorded change of one person in one book."""

    id: int
    label: str
    created_at: datetime


@dataclass(frozen=True)
class Applied:
    """An action undone or redone, and which objects it touched (by change-feed kind)."""

    action: Action
    changed: dict[str, list[str]] = field(default_factory=dict)


@contextmanager
def recording(
    db: sqlite_utils.Database, book_id: int, user_id: int, *, now: datetime
) -> Iterator[Recording]:
    """Record what the block writes, inside the caller's write transaction, as one action of
    `user_id` in the book; an action that wrote no tracked row is dropped. A new action
    discards the person's undone ones in the book (there is nothing to redo any more)."""
    done = Recording()
    action_id = db.execute(
        "INSERT INTO undo_actions (book_id, user_id, created_at, label, state) "
        "VALUES (?, ?, ?, '', 'done') RETURNING id",
        [book_id, user_id, to_iso(now)],
    ).fetchone()[0]
    db.execute("INSERT INTO undo_recording (action_id) VALUES (?)", [action_id])
    try:
        yield done
    finally:
        db.execute("DELETE FROM undo_recording")
    steps = images(db, action_id)
    if not steps:
        db.execute("DELETE FROM undo_actions WHERE id = ?", [action_id])
        return
    db.execute("UPDATE undo_actions SET label = ? WHERE id = ?", [label(db, steps), action_id])
    db.execute(
        "DELETE FROM undo_actions WHERE book_id = ? AND user_id = ? AND state = 'undone'",
        [book_id, user_id],
    )
    db.execute(
        "DELETE FROM undo_actions WHERE book_id = ? AND user_id = ? AND created_at < ? "
        "AND id NOT IN (SELECT id FROM undo_actions WHERE book_id = ? AND user_id = ? "
        "ORDER BY id DESC LIMIT ?)",
        [book_id, user_id, to_iso(now - KEEP_FOR), book_id, user_id, KEEP_ACTIONS],
    )
    done.action_id = action_id


_NEXT = {
    # what: (the state it acts on, which end of them, the state it leaves)
    "undo": ("done", "DESC", "undone"),
    "redo": ("undone", "ASC", "done"),
}


def _next(conn: sqlite3.Connection, book_id: int, user_id: int, what: str) -> Action | None:
    state, end, _ = _NEXT[what]
    row = conn.execute(
        "SELECT id, label, created_at FROM undo_actions "  # noqa: S608 (ASC or DESC)
        f"WHERE book_id = ? AND user_id = ? AND state = ? ORDER BY id {end} LIMIT 1",
        [book_id, user_id, state],
    ).fetchone()
    return None if row is None else Action(row[0], row[1], from_iso(row[2]))


def next_actions(
    conn: sqlite3.Connection, book_id: int, user_id: int
) -> tuple[Action | None, Action | None]:
    """What undo and what redo would act on now, for this person in this book."""
    return _next(conn, book_id, user_id, "undo"), _next(conn, book_id, user_id, "redo")


def _changed_since(
    db: sqlite_utils.Database, action: Action, table: str, key: tuple, was: dict | None
) -> str:
    """Say how a row is no longer as the action needs it, and by whom if a later change of a
    person is recorded."""
    now = current(db, table, key, was)
    name = describe(db, table, was or now or {})
    what = "added" if was is None else "deleted" if now is None else "changed"
    by = db.execute(
        "SELECT u.username, a.created_at FROM undo_rows r JOIN undo_actions a ON a.id = "
        "r.action_id JOIN users u ON u.id = a.user_id WHERE r.table_name = ? AND r.row_key = ? "
        "AND a.id > ? AND a.state = 'done' ORDER BY a.id DESC LIMIT 1",
        [table, _key_text(key), action.id],
    ).fetchone()
    who = f" (by {by[0]} at {from_iso(by[1]):%Y-%m-%d %H:%M} UTC)" if by else ""
    return f"{name[:1].upper()}{name[1:]} was {what} since{who}."


def _key_text(key: tuple) -> str:
    """The key as the triggers wrote it (SQLite's json_array)."""
    return json.dumps(list(key), separators=(",", ":"))


def _check(db: sqlite_utils.Database, action: Action, steps: list[RowImage], what: str) -> None:
    """Refuse (409) unless every row the action touched is as it left it (undo) or found it
    (redo)."""
    problems = []
    for (table, key), (before, after) in net(steps).items():
        expected = after if what == "undo" else before
        if content(current(db, table, key, expected)) != content(expected):
            problems.append(_changed_since(db, action, table, key, expected))
            if len(problems) > _NAMED_AT_MOST:
                break
    if problems:
        more = " And more was changed." if len(problems) > _NAMED_AT_MOST else ""
        raise Conflict(
            f"Cannot {what} “{action.label}”: " + " ".join(problems[:_NAMED_AT_MOST]) + more
        )


def apply_next(
    database: Database, book_id: int, user_id: int, what: str, *, now: datetime
) -> Applied:
    """Undo (`what` "undo") the person's last change in the book, or redo the last one
    undone; 404 when there is none, 409 when the book changed since in the rows it touched."""
    with database.write() as db:
        action = _next(db.conn, book_id, user_id, what)
        if action is None:
            raise NotFound(_l("There is nothing to %(what)s.", what=what))
        steps = images(db, action.id)
        _check(db, action, steps, what)
        forward = what == "redo"
        try:
            write_back(db, steps if forward else steps[::-1], forward=forward, now=now)
        except sqlite3.IntegrityError as error:  # e.g. a row added since uses one it made
            raise Conflict(
                _l(
                    "Cannot %(what)s “%(label)s”: something changed since depends on it.",
                    what=what,
                    label=action.label,
                )
            ) from error
        db.execute("UPDATE undo_actions SET state = ? WHERE id = ?", [_NEXT[what][2], action.id])
        return Applied(action, changed_objects(steps))
