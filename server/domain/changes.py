"""The change feed: what changed in a book since a cursor, each object once, in commit order.

Every write notes which object it made, changed or deleted (triggers of migration m0008, and
bulk writes in one statement); the single writer numbers the notes in commit order. The feed
reads the notes after the cursor, keeps each object's last one, and the caller reads each
object as it is now (or finds it gone: a tombstone). A script that applies the pages in order
and keeps the last cursor mirrors the book, however the writes interleave with its reads.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from server.errors import ValidationFailed

MAX_LIMIT = 1000


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


def read_cursor(text: str | None) -> int:
    """A cursor as the feed gave it ("" or none: from the start)."""
    if not text:
        return 0
    if not text.isdigit() or len(text) > 18:
        raise ValidationFailed.on("since", "Not a cursor this feed gave: start again without one.")
    return int(text)


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
