"""The change feed: what changed in a book since a cursor, each object once, in commit order.

Every write notes which object it made, changed or deleted (triggers of migration m0008, and
bulk writes in one statement); the single writer numbers the notes in commit order. The feed
reads the notes after the cursor, keeps each object's last one, and the caller reads each
object as it is now (or finds it gone: a tombstone). A script that applies the pages in order
and keeps the last cursor mirrors the book, however the writes interleave with its reads.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass

from server.db.kept_sums import FEED_EPOCH
from server.errors import ValidationFailed

MAX_LIMIT = 1000
# A cursor as `write_cursor` makes it: the history's epoch (16 hex digits), a dot, a number.
_CURSOR = re.compile(r"([0-9a-f]{16})\.([0-9]{1,18})")


@dataclass(frozen=True)
class Noted:
    """An object that changed: its kind ("transaction", "account", ...), its key (an id, or
    "category_id/month" for a budget) and the number of its last change."""

    seq: int
    kind: str
    key: str


@dataclass(frozen=True)
class ChangesPage:
    changed: list[Noted]
    cursor: int  # give it back as `since` for what changes next
    more: bool  # more changes are there already: ask again at once


def _epoch(conn: sqlite3.Connection) -> str:
    (value,) = conn.execute("SELECT value FROM settings WHERE key = ?", [FEED_EPOCH]).fetchone()
    return json.loads(value)


def read_cursor(conn: sqlite3.Connection, text: str | None) -> int:
    """The change number a cursor given by this feed stands for ("" or none: the start).

    Text that is not a cursor of this feed's form is refused as such. A well-formed cursor of
    another history (the database was restored from a backup since) is refused too: its
    numbers may have been given again, so the copy must start over."""
    if not text:
        return 0
    match = _CURSOR.fullmatch(text)
    if match is None:
        raise ValidationFailed.on(
            "since", "This is not a cursor this feed gave out: start again without `since`."
        )
    epoch, seq = match.groups()
    if epoch != _epoch(conn):
        raise ValidationFailed.on(
            "since",
            "This cursor is of an earlier history of the book (the database was restored from "
            "a backup since): start again without `since`.",
        )
    return int(seq)


def write_cursor(conn: sqlite3.Connection, seq: int) -> str:
    return f"{_epoch(conn)}.{seq}"


def changes_since(conn: sqlite3.Connection, book_id: int, since: int, limit: int) -> ChangesPage:
    """The objects of the book that changed after `since`, each at its last change, oldest
    first; at most `limit`. Read in the caller's snapshot."""
    rows = conn.execute(
        "SELECT c.seq, c.kind, c.key FROM changes c WHERE c.book_id = :book AND c.seq > :since "
        "AND NOT EXISTS (SELECT 1 FROM changes later WHERE later.book_id = :book "
        "AND later.kind = c.kind AND later.key = c.key AND later.seq > c.seq) "
        "ORDER BY c.seq LIMIT :limit",
        {"book": book_id, "since": since, "limit": limit + 1},
    ).fetchall()
    changed = [Noted(seq, kind, str(key)) for seq, kind, key in rows[:limit]]
    if len(rows) > limit:
        return ChangesPage(changed, changed[-1].seq, True)
    (last,) = conn.execute(
        "SELECT coalesce(max(seq), :since) FROM changes WHERE book_id = :book",
        {"book": book_id, "since": since},
    ).fetchone()
    return ChangesPage(changed, max(last, since), False)
