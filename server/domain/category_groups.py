"""Category groups of a book ("Housing"): named, ordered, each holding categories."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from server.clock import from_iso, to_iso
from server.db import Database
from server.domain import validation as check
from server.domain.books import check_if_match
from server.domain.validation import Problems
from server.errors import Conflict, NotFound, ValidationFailed
from server.translatable import _l, _nl

Conn = sqlite_utils.Database | sqlite3.Connection


@dataclass(frozen=True)
class CategoryGroup:
    """A named, ordered group of categories."""

    id: int
    name: str
    position: int
    archived: bool
    revision: int
    created_at: datetime
    updated_at: datetime

    @property
    def etag(self) -> str:
        """Return the entity tag of the group's current state."""
        return f'"category-group-{self.id}-{self.revision}"'


@dataclass(frozen=True)
class GroupInput:
    """A category group as the client creates it."""

    name: str
    position: int | None = None  # default: after the last group


@dataclass(frozen=True)
class GroupChanges:
    """Changes to a category group as the client sends them; None leaves a field as it is."""

    name: str | None = None
    position: int | None = None
    archived: bool | None = None


_GROUP_SELECT = (
    "SELECT id, name, position, archived, revision, created_at, updated_at FROM category_groups"
)
_GROUP_ORDER = " ORDER BY position, name COLLATE NOCASE, id"


def _group(row: sqlite3.Row) -> CategoryGroup:
    return CategoryGroup(
        id=row["id"],
        name=row["name"],
        position=row["position"],
        archived=bool(row["archived"]),
        revision=row["revision"],
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )


def clean_name(name: Any, what: str, field: str = "name") -> str:
    """Return a name stripped; ValidationFailed on `field` unless 1 to NAME_MAX characters a
    name may hold."""
    problems = Problems()
    cleaned = check.name(name, field, problems, of=what)
    if problems:
        raise ValidationFailed(problems.errors[0].message, errors=problems.errors)
    return cleaned


def name_taken(db: Conn, sql: str, params: list[Any], name: str) -> bool:
    """Return whether a row that `sql` selects (id, name) is named `name` in any case."""
    wanted = name.casefold()
    return any(row[1].casefold() == wanted for row in db.execute(sql, params))


def group_row(db: Conn, book_id: int, group_id: int) -> CategoryGroup | None:
    """Return the book's category group of that id, or None."""
    row = db.execute(_GROUP_SELECT + " WHERE id = ? AND book_id = ?", [group_id, book_id])
    found = row.fetchone()
    return _group(found) if found else None


def list_groups(
    conn: sqlite3.Connection, book_id: int, *, include_archived: bool = False
) -> list[CategoryGroup]:
    """Return the book's category groups by position, then name."""
    where = " WHERE book_id = ?" + ("" if include_archived else " AND archived = 0")
    return [_group(row) for row in conn.execute(_GROUP_SELECT + where + _GROUP_ORDER, [book_id])]


def get_group(conn: Conn, book_id: int, group_id: int) -> CategoryGroup:
    """Return one category group of the book; NotFound if it has none with that id."""
    group = group_row(conn, book_id, group_id)
    if group is None:
        raise NotFound(
            _l("No category group with id %(group_id)s in this book.", group_id=group_id)
        )
    return group


def _check_group_name(db: Conn, book_id: int, name: str, exclude: int | None = None) -> None:
    sql = "SELECT id, name FROM category_groups WHERE book_id = ? AND id IS NOT ?"
    if name_taken(db, sql, [book_id, exclude], name):
        raise ValidationFailed.on(
            "name", _l("There is a category group named %(name)s already.", name=repr(name))
        )


def create_group(
    database: Database, book_id: int, group: GroupInput, *, now: datetime
) -> CategoryGroup:
    """Create a category group, last unless a position is given."""
    cleaned = clean_name(group.name, "group")
    position = group.position
    with database.write() as db:
        _check_group_name(db, book_id, cleaned)
        if position is None:
            position = db.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM category_groups WHERE book_id = ?",
                [book_id],
            ).fetchone()[0]
        group_id = (
            db["category_groups"]
            .insert(
                {
                    "book_id": book_id,
                    "name": cleaned,
                    "position": position,
                    "created_at": to_iso(now),
                    "updated_at": to_iso(now),
                }
            )
            .last_pk
        )
        return get_group(db, book_id, group_id)


def update_group(
    database: Database,
    book_id: int,
    group_id: int,
    changes: GroupChanges,
    *,
    now: datetime,
    if_match: str | None = None,
) -> CategoryGroup:
    """Rename, move or (un)archive a category group, honouring an If-Match ETag."""
    cleaned = None if changes.name is None else clean_name(changes.name, "group")
    with database.write() as db:
        group = get_group(db, book_id, group_id)
        check_if_match(if_match, group.etag, "category group")
        row: dict[str, Any] = {"revision": group.revision + 1, "updated_at": to_iso(now)}
        if cleaned is not None and cleaned != group.name:
            _check_group_name(db, book_id, cleaned, exclude=group_id)
            row["name"] = cleaned
            # Each category's JSON names its group: their ETags must change too.
            db.execute(
                "UPDATE categories SET revision = revision + 1, updated_at = ? WHERE group_id = ?",
                [to_iso(now), group_id],
            )
        if changes.position is not None:
            row["position"] = changes.position
        if changes.archived is not None:
            row["archived"] = int(changes.archived)
        db["category_groups"].update(group_id, row)
        return get_group(db, book_id, group_id)


def delete_group(
    database: Database, book_id: int, group_id: int, *, if_match: str | None = None
) -> None:
    """Delete a category group that has no categories (archived ones count); Conflict if not."""
    with database.write() as db:
        group = get_group(db, book_id, group_id)
        check_if_match(if_match, group.etag, "category group")
        count = db.execute(
            "SELECT count(*) FROM categories WHERE group_id = ?", [group_id]
        ).fetchone()[0]
        if count:
            raise Conflict(
                _nl(
                    "The group %(name)s still has %(n)s category (archived ones included); "
                    "delete or move it to another group first, or archive the group instead.",
                    "The group %(name)s still has %(n)s categories (archived ones included); "
                    "delete or move them to another group first, or archive the group instead.",
                    count,
                    name=repr(group.name),
                )
            )
        db.execute("DELETE FROM category_groups WHERE id = ?", [group_id])
