"""Payees and tags: the free-form labels of transactions, created as they are first used.

`payee_id_for` and `tag_ids_for` run inside the caller's write transaction (the transactions
code calls them); the rest manages payees and tags on their own. Names are matched without
regard to case, also beyond ASCII (SQLite's NOCASE folds ASCII letters only).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from server.characters import refuse_odd_characters
from server.clock import to_iso
from server.db import Database
from server.domain.field_rules import length_rule
from server.errors import Conflict, NotFound, ValidationFailed
from server.translatable import _l, _nl

PAYEE_MAX = 200
TAG_MAX = 50


@dataclass(frozen=True)
class Payee:
    """A payee of a book and how many transactions name it."""

    id: int
    name: str
    uses: int


@dataclass(frozen=True)
class Tag:
    """A tag of a book and how many transactions carry it."""

    id: int
    name: str
    uses: int


@dataclass(frozen=True)
class PayeeInput:
    """A payee as the client names it."""

    name: str


@dataclass(frozen=True)
class TagInput:
    """A tag as the client names it."""

    name: str


def find_named(
    db: sqlite_utils.Database | sqlite3.Connection,
    table: str,
    book_id: int,
    name: str,
    *,
    exclude: int | None = None,
) -> tuple[int, str] | None:
    """Return (id, name) of the book's row named `name` in any case, any script, or None.

    SQLite's NOCASE folds ASCII only; past that, names are compared with casefold().
    """
    row = db.execute(
        f"SELECT id, name FROM {table} WHERE book_id = ? AND name = ? AND id IS NOT ? "  # noqa: S608
        "ORDER BY id LIMIT 1",
        [book_id, name, exclude],
    ).fetchone()
    if row is not None:
        return row[0], row[1]
    if name.isascii():
        return None
    wanted = name.casefold()
    for candidate in db.execute(
        f"SELECT id, name FROM {table} WHERE book_id = ? AND id IS NOT ? ORDER BY id",  # noqa: S608
        [book_id, exclude],
    ):
        if candidate[1].casefold() == wanted:
            return candidate[0], candidate[1]
    return None


def clean_payee_name(name: str, field: str = "payee") -> str:
    """Return a payee name stripped; ValidationFailed on `field` if blank or too long."""
    cleaned = name.strip()
    if not cleaned:
        raise ValidationFailed.on(field, _l("Give the payee a name."))
    if len(cleaned) > PAYEE_MAX:
        raise ValidationFailed.on(
            field, length_rule(most=PAYEE_MAX, has=len(cleaned), unit="characters")
        )
    refuse_odd_characters({field: cleaned})
    return cleaned


def clean_tag_name(name: object, field: str = "tags") -> str:
    """Return a tag name stripped; ValidationFailed on `field` unless 1-50 chars, no commas."""
    if not isinstance(name, str):
        raise ValidationFailed.on(field, _l("A tag is a string."))
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= TAG_MAX:
        rule = length_rule(least=1, most=TAG_MAX, has=len(cleaned), unit="characters in a tag")
        raise ValidationFailed.on(field, rule)
    if "," in cleaned:
        raise ValidationFailed.on(
            field, _l("A tag cannot contain a comma: %(cleaned)s.", cleaned=repr(cleaned))
        )
    refuse_odd_characters({field: cleaned})
    return cleaned


def payee_id_for(db: sqlite_utils.Database, book_id: int, name: str | None) -> int | None:
    """Return the id of the book's payee named `name` (any case), creating it if new."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise ValidationFailed.on("payee", _l("A payee is a string."))
    if not name.strip():
        return None
    cleaned = clean_payee_name(name, "payee")
    found = find_named(db, "payees", book_id, cleaned)
    if found is not None:
        return found[0]
    return db["payees"].insert({"book_id": book_id, "name": cleaned}).last_pk


def tag_ids_for(db: sqlite_utils.Database, book_id: int, names: list[str]) -> list[int]:
    """Return the ids of the book's tags named `names` (any case, deduped), creating new ones."""
    cleaned: dict[str, str] = {}
    for name in names:
        tag = clean_tag_name(name, "tags")
        cleaned.setdefault(tag.casefold(), tag)
    ids: list[int] = []
    for tag in cleaned.values():
        found = find_named(db, "tags", book_id, tag)
        tag_id = found[0] if found else db["tags"].insert({"book_id": book_id, "name": tag}).last_pk
        if tag_id not in ids:
            ids.append(tag_id)
    return ids


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


_PAYEE_SELECT = (
    "SELECT p.id, p.name, (SELECT count(*) FROM transactions t WHERE t.payee_id = p.id) AS uses "
    "FROM payees p"
)


def list_payees(
    conn: sqlite3.Connection, book_id: int, *, q: str | None = None, limit: int, offset: int = 0
) -> list[Payee]:
    """Return the book's payees starting with `q` (any case), most used first, then by name."""
    prefix = (q or "").strip()
    sql = _PAYEE_SELECT + " WHERE p.book_id = ?"
    params: list[object] = [book_id]
    if prefix and prefix.isascii():
        sql += " AND p.name LIKE ? ESCAPE '\\'"
        params.append(_like_prefix(prefix))
    sql += " ORDER BY uses DESC, p.name COLLATE NOCASE, p.id"
    if prefix and not prefix.isascii():
        wanted = prefix.casefold()
        rows = [r for r in conn.execute(sql, params) if r[1].casefold().startswith(wanted)]
        rows = rows[offset : offset + limit]
    else:
        rows = conn.execute(sql + " LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return [Payee(r[0], r[1], r[2]) for r in rows]


def _payee(db: sqlite_utils.Database | sqlite3.Connection, book_id: int, payee_id: int) -> Payee:
    row = db.execute(
        _PAYEE_SELECT + " WHERE p.id = ? AND p.book_id = ?",
        [payee_id, book_id],
    ).fetchone()
    if row is None:
        raise NotFound(_l("No payee with id %(payee_id)s in this book.", payee_id=payee_id))
    return Payee(row[0], row[1], row[2])


def get_payee(conn: sqlite3.Connection, book_id: int, payee_id: int) -> Payee:
    """Return one payee of the book; NotFound if it has none with that id."""
    return _payee(conn, book_id, payee_id)


def _touch_transactions(
    db: sqlite_utils.Database, where: str, params: list[object], now: str
) -> None:
    """Give the transactions matching `where` a new revision (their JSON changes)."""
    db.execute(
        f"UPDATE transactions SET revision = revision + 1, updated_at = ? WHERE {where}",  # noqa: S608
        [now, *params],
    )


def rename_payee(
    database: Database, book_id: int, payee_id: int, payee: PayeeInput, *, now: datetime
) -> Payee:
    """Rename a payee; a name another payee has merges this one into that one."""
    cleaned = clean_payee_name(payee.name, "name")
    stamp = to_iso(now)
    with database.write() as db:
        _payee(db, book_id, payee_id)  # NotFound unless it is the book's
        other = find_named(db, "payees", book_id, cleaned, exclude=payee_id)
        _touch_transactions(db, "payee_id = ?", [payee_id], stamp)
        target_id = other[0] if other else payee_id
        if other:
            db.execute(
                "UPDATE transactions SET payee_id = ? WHERE payee_id = ?", [target_id, payee_id]
            )
            db.execute("DELETE FROM payees WHERE id = ?", [payee_id])
        else:
            db.execute("UPDATE payees SET name = ? WHERE id = ?", [cleaned, payee_id])
        return _payee(db, book_id, target_id)


def create_payee(database: Database, book_id: int, payee: PayeeInput) -> Payee:
    """Create a payee; ValidationFailed on `name` if the book has one of that name already."""
    cleaned = clean_payee_name(payee.name, "name")
    with database.write() as db:
        if find_named(db, "payees", book_id, cleaned):
            raise ValidationFailed.on(
                "name", _l("There is a payee named %(cleaned)s already.", cleaned=repr(cleaned))
            )
        payee_id = db["payees"].insert({"book_id": book_id, "name": cleaned}).last_pk
        return _payee(db, book_id, payee_id)


def delete_payee(database: Database, book_id: int, payee_id: int) -> None:
    """Delete a payee no transaction names; Conflict if one does."""
    with database.write() as db:
        payee = _payee(db, book_id, payee_id)
        if payee.uses:
            raise Conflict(
                _nl(
                    "The payee %(name)s is used by %(n)s transaction; rename it to another "
                    "payee's name to merge the two instead.",
                    "The payee %(name)s is used by %(n)s transactions; rename it to another "
                    "payee's name to merge the two instead.",
                    payee.uses,
                    name=repr(payee.name),
                )
            )
        db.execute("DELETE FROM payees WHERE id = ?", [payee_id])


_TAG_SELECT = (
    "SELECT g.id, g.name, (SELECT count(*) FROM transaction_tags x WHERE x.tag_id = g.id) "
    "FROM tags g"
)
_TAGGED = "id IN (SELECT transaction_id FROM transaction_tags WHERE tag_id = ?)"


def list_tags(conn: sqlite3.Connection, book_id: int) -> list[Tag]:
    """Return the book's tags by name, with how many transactions carry each."""
    rows = conn.execute(
        _TAG_SELECT + " WHERE g.book_id = ? ORDER BY g.name COLLATE NOCASE, g.id",
        [book_id],
    ).fetchall()
    return [Tag(r[0], r[1], r[2]) for r in rows]


def _tag(db: sqlite_utils.Database | sqlite3.Connection, book_id: int, tag_id: int) -> Tag:
    row = db.execute(
        _TAG_SELECT + " WHERE g.id = ? AND g.book_id = ?",
        [tag_id, book_id],
    ).fetchone()
    if row is None:
        raise NotFound(_l("No tag with id %(tag_id)s in this book.", tag_id=tag_id))
    return Tag(row[0], row[1], row[2])


def get_tag(conn: sqlite3.Connection, book_id: int, tag_id: int) -> Tag:
    """Return one tag of the book; NotFound if it has none with that id."""
    return _tag(conn, book_id, tag_id)


def create_tag(database: Database, book_id: int, tag: TagInput) -> Tag:
    """Create a tag; ValidationFailed on `name` if the book has one of that name already."""
    cleaned = clean_tag_name(tag.name, "name")
    with database.write() as db:
        if find_named(db, "tags", book_id, cleaned):
            raise ValidationFailed.on(
                "name", _l("There is a tag named %(cleaned)s already.", cleaned=repr(cleaned))
            )
        tag_id = db["tags"].insert({"book_id": book_id, "name": cleaned}).last_pk
        return _tag(db, book_id, tag_id)


def rename_tag(
    database: Database, book_id: int, tag_id: int, tag: TagInput, *, now: datetime
) -> Tag:
    """Rename a tag; a name another tag has merges this one into that one."""
    cleaned = clean_tag_name(tag.name, "name")
    stamp = to_iso(now)
    with database.write() as db:
        _tag(db, book_id, tag_id)
        other = find_named(db, "tags", book_id, cleaned, exclude=tag_id)
        _touch_transactions(db, _TAGGED, [tag_id], stamp)
        if other is None:
            db.execute("UPDATE tags SET name = ? WHERE id = ?", [cleaned, tag_id])
            return _tag(db, book_id, tag_id)
        db.execute(
            "INSERT OR IGNORE INTO transaction_tags (transaction_id, tag_id) "
            "SELECT transaction_id, ? FROM transaction_tags WHERE tag_id = ?",
            [other[0], tag_id],
        )
        db.execute("DELETE FROM transaction_tags WHERE tag_id = ?", [tag_id])
        db.execute("DELETE FROM tags WHERE id = ?", [tag_id])
        return _tag(db, book_id, other[0])


def delete_tag(database: Database, book_id: int, tag_id: int, *, now: datetime) -> None:
    """Delete a tag and take it off every transaction that carries it."""
    with database.write() as db:
        _tag(db, book_id, tag_id)
        _touch_transactions(db, _TAGGED, [tag_id], to_iso(now))
        db.execute("DELETE FROM transaction_tags WHERE tag_id = ?", [tag_id])
        db.execute("DELETE FROM tags WHERE id = ?", [tag_id])
