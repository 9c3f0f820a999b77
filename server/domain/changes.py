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
from collections.abc import Callable
from dataclasses import dataclass

from server.clock import local_today
from server.db import Database
from server.db.kept_sums import FEED_EPOCH
from server.domain.accounts import get_account
from server.domain.categories import get_category
from server.domain.category_groups import get_group
from server.domain.goals import get_goal
from server.domain.labels import get_payee, get_tag
from server.domain.reconciliations import get_reconciliation
from server.domain.rules import get_rule
from server.domain.schedules import get_schedule
from server.domain.transactions import get_transaction
from server.errors import NotFound, ValidationFailed
from server.translatable import _l

MAX_LIMIT = 1000
CURSOR_TEXT_MAX = 40  # a bound on `since` as sent (a cursor of this feed has at most 35)
# A cursor as `write_cursor` makes it: the history's epoch (16 hex digits), a dot, a number.
_CURSOR = re.compile(r"([0-9a-f]{16})\.([0-9]{1,18})")


@dataclass(frozen=True)
class Noted:
    """An object that changed: its kind ("transaction", "account", ...), its key (an id, or
    "category_id/month" for a budget, the category's id for a goal) and the number of its
    last change."""

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
            "since", _l("This is not a cursor this feed gave out: start again without `since`.")
        )
    epoch, seq = match.groups()
    if epoch != _epoch(conn):
        raise ValidationFailed.on(
            "since",
            _l(
                "This cursor is of an earlier history of the book (the database was "
                "restored from a backup since): start again without `since`."
            ),
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


@dataclass(frozen=True)
class BudgetEntry:
    """What a category has budgeted in a month (the feed's `budget` object)."""

    category_id: int
    month: str
    amount: int  # minor units of `currency`
    currency: str


def budget_entry(conn: sqlite3.Connection, book_id: int, key: str) -> BudgetEntry:
    """The budget a feed key ("category_id/month") names; NotFound once it is gone."""
    category_id, month = key.split("/", 1)
    row = conn.execute(
        "SELECT b.amount, k.currency FROM budgets b JOIN categories c ON c.id = b.category_id "
        "JOIN books k ON k.id = c.book_id WHERE b.category_id = ? AND b.month = ? "
        "AND c.book_id = ?",
        [int(category_id), month, book_id],
    ).fetchone()
    if row is None:
        raise NotFound(_l("No budget %(key)s in this book.", key=key))
    return BudgetEntry(int(category_id), month, row["amount"], row["currency"])


# Each kind of object the feed names, read as it is now.
_CURRENT: dict[str, Callable[[sqlite3.Connection, int, str], object]] = {
    "account": lambda c, b, k: get_account(c, b, int(k), today=local_today()),
    "category_group": lambda c, b, k: get_group(c, b, int(k)),
    "category": lambda c, b, k: get_category(c, b, int(k)),
    "payee": lambda c, b, k: get_payee(c, b, int(k)),
    "tag": lambda c, b, k: get_tag(c, b, int(k)),
    "transaction": lambda c, b, k: get_transaction(c, b, int(k)),
    "rule": lambda c, b, k: get_rule(c, b, int(k)),
    "schedule": lambda c, b, k: get_schedule(c, b, int(k)),
    "budget": budget_entry,
    "goal": lambda c, b, k: get_goal(c, b, int(k)),
    "reconciliation": lambda c, b, k: get_reconciliation(c, b, int(k)),
}
KINDS = tuple(_CURRENT)


@dataclass(frozen=True)
class Changed:
    """An object that changed, as it is now; `current` is None when it was deleted."""

    kind: str
    key: str
    current: object | None


@dataclass(frozen=True)
class Feed:
    changes: list[Changed]
    cursor: str  # give it back as `since` for what changes next
    more: bool  # more changes are there already: ask again at once


def read_changes(database: Database, book_id: int, since: str | None, limit: int) -> Feed:
    """The book's objects that changed after the cursor `since`, each as it is now, the notes
    and the objects read in one snapshot."""
    with database.snapshot() as conn:
        page = changes_since(conn, book_id, read_cursor(conn, since), limit)
        changed = []
        for noted in page.changed:
            try:
                current = _CURRENT[noted.kind](conn, book_id, noted.key)
            except NotFound:
                current = None
            changed.append(Changed(noted.kind, noted.key, current))
        return Feed(changed, write_cursor(conn, page.cursor), page.more)
