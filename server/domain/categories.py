"""Categories of a book, in groups ("Housing > Rent"), each for expenses or for income.

The groups themselves are in `category_groups`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.clock import from_iso, to_iso
from server.db import Database
from server.domain.books import check_if_match
from server.domain.category_defaults import DEFAULT_CATEGORIES, create_default_categories
from server.domain.category_groups import Conn, clean_name, group_row, name_taken
from server.domain.money import MAX_MINOR_UNITS
from server.errors import Conflict, NotFound, ValidationFailed
from server.translatable import _l, _nl

__all__ = [
    "DEFAULT_CATEGORIES",
    "KINDS",
    "Category",
    "CategoryChanges",
    "CategoryInput",
    "create_category",
    "create_default_categories",
    "delete_category",
    "get_category",
    "list_categories",
    "update_category",
]

KINDS = ("expense", "income")


@dataclass(frozen=True)
class Category:
    """A category with the name of its group."""

    id: int
    name: str
    group_id: int
    group: str
    kind: str
    archived: bool
    revision: int
    rollover: bool  # the budget carries what is left (or overspent) into the next month
    created_at: datetime
    updated_at: datetime

    @property
    def etag(self) -> str:
        """Return the entity tag of the category's current state."""
        return f'"category-{self.id}-{self.revision}"'


@dataclass(frozen=True)
class CategoryInput:
    """A category as the client creates it, in one of the book's groups."""

    name: str
    group_id: int
    kind: str = "expense"


@dataclass(frozen=True)
class CategoryChanges:
    """Changes to a category as the client sends them; None leaves a field as it is."""

    name: str | None = None
    group_id: int | None = None
    kind: str | None = None
    archived: bool | None = None
    rollover: bool | None = None


_CATEGORY_SELECT = (
    "SELECT c.id, c.name, c.group_id, g.name AS group_name, c.kind, c.archived, c.revision, "
    "c.rollover, c.created_at, c.updated_at "
    "FROM categories c JOIN category_groups g ON g.id = c.group_id"
)
_CATEGORY_ORDER = " ORDER BY g.position, g.name COLLATE NOCASE, g.id, c.name COLLATE NOCASE, c.id"


def _category(row: sqlite3.Row) -> Category:
    return Category(
        id=row["id"],
        name=row["name"],
        group_id=row["group_id"],
        group=row["group_name"],
        kind=row["kind"],
        archived=bool(row["archived"]),
        revision=row["revision"],
        rollover=bool(row["rollover"]),
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationFailed.on("kind", _l("Use expense or income."))


def _category_row(db: Conn, book_id: int, category_id: int) -> Category | None:
    row = db.execute(
        _CATEGORY_SELECT + " WHERE c.id = ? AND c.book_id = ?", [category_id, book_id]
    ).fetchone()
    return _category(row) if row else None


# Categories --------------------------------------------------------------------------------


def list_categories(
    conn: sqlite3.Connection,
    book_id: int,
    *,
    include_archived: bool = False,
    kind: str | None = None,
) -> list[Category]:
    """Return the book's categories by group, then name; archived ones (or groups) only if asked."""
    sql = _CATEGORY_SELECT + " WHERE c.book_id = ?"
    params: list[Any] = [book_id]
    if not include_archived:
        sql += " AND c.archived = 0 AND g.archived = 0"
    if kind is not None:
        _check_kind(kind)
        sql += " AND c.kind = ?"
        params.append(kind)
    return [_category(row) for row in conn.execute(sql + _CATEGORY_ORDER, params)]


def get_category(conn: Conn, book_id: int, category_id: int) -> Category:
    """Return one category of the book; NotFound if it has none with that id."""
    category = _category_row(conn, book_id, category_id)
    if category is None:
        raise NotFound(
            _l("No category with id %(category_id)s in this book.", category_id=category_id)
        )
    return category


def _check_group_of_book(db: Conn, book_id: int, group_id: int) -> None:
    if group_row(db, book_id, group_id) is None:
        raise ValidationFailed.on(
            "group_id",
            _l("No category group with id %(group_id)s in this book.", group_id=group_id),
        )


def _check_category_name(db: Conn, group_id: int, name: str, exclude: int | None = None) -> None:
    sql = "SELECT id, name FROM categories WHERE group_id = ? AND id IS NOT ?"
    if name_taken(db, sql, [group_id, exclude], name):
        raise ValidationFailed.on(
            "name", _l("This group has a category named %(name)s already.", name=repr(name))
        )


def create_category(
    database: Database, book_id: int, category: CategoryInput, *, now: datetime
) -> Category:
    """Create a category in one of the book's groups; its name is unique in the group."""
    cleaned = clean_name(category.name, "category")
    _check_kind(category.kind)
    with database.write() as db:
        _check_group_of_book(db, book_id, category.group_id)
        _check_category_name(db, category.group_id, cleaned)
        category_id = (
            db["categories"]
            .insert(
                {
                    "book_id": book_id,
                    "group_id": category.group_id,
                    "name": cleaned,
                    "kind": category.kind,
                    "created_at": to_iso(now),
                    "updated_at": to_iso(now),
                }
            )
            .last_pk
        )
        return get_category(db, book_id, category_id)


def update_category(
    database: Database,
    book_id: int,
    category_id: int,
    changes: CategoryChanges,
    *,
    now: datetime,
    if_match: str | None = None,
) -> Category:
    """Rename, move, change the kind of, (un)archive or set the budget rollover of a
    category, honouring If-Match."""
    cleaned = None if changes.name is None else clean_name(changes.name, "category")
    kind = changes.kind
    if kind is not None:
        _check_kind(kind)
    with database.write() as db:
        category = get_category(db, book_id, category_id)
        check_if_match(if_match, category.etag, "category")
        target_group = category.group_id if changes.group_id is None else changes.group_id
        if target_group != category.group_id:
            _check_group_of_book(db, book_id, target_group)
        target_name = category.name if cleaned is None else cleaned
        _check_category_name(db, target_group, target_name, exclude=category_id)
        row: dict[str, Any] = {
            "name": target_name,
            "group_id": target_group,
            "revision": category.revision + 1,
            "updated_at": to_iso(now),
        }
        if kind is not None:
            budgeted = db.execute(
                "SELECT count(*) FROM budgets WHERE category_id = ?", [category_id]
            ).fetchone()[0]
            if kind != "expense" and budgeted:
                raise ValidationFailed.on(
                    "kind",
                    _nl(
                        "The category is budgeted in %(n)s month; only expense categories are "
                        "budgeted. Set that budget to 0 first.",
                        "The category is budgeted in %(n)s months; only expense categories are "
                        "budgeted. Set those budgets to 0 first.",
                        budgeted,
                    ),
                )
            goal = db.execute(
                "SELECT 1 FROM budget_goals WHERE category_id = ?", [category_id]
            ).fetchone()
            if kind != "expense" and goal:
                raise ValidationFailed.on(
                    "kind",
                    _l(
                        "The category has a budget goal; only expense categories have one. "
                        "Remove the goal first."
                    ),
                )
            row["kind"] = kind
        if changes.archived is not None:
            row["archived"] = int(changes.archived)
        if changes.rollover is not None:
            row["rollover"] = int(changes.rollover)
        db["categories"].update(category_id, row)
        return get_category(db, book_id, category_id)


def _hand_on_budgets(db: Conn, book_id: int, category_id: int, reassign_to: int | None) -> None:
    """Add a category's budgets to those of the one its money moves to (when that is an
    expense category too: income is not budgeted), then take them away, while the category
    is still there for the change feed to name their book."""
    target = None if reassign_to is None else _category_row(db, book_id, reassign_to)
    if target is not None and target.kind == "expense":
        (largest,) = db.execute(
            "SELECT max(abs(b.amount + coalesce(t.amount, 0))) FROM budgets b "
            "LEFT JOIN budgets t ON t.category_id = ? AND t.month = b.month "
            "WHERE b.category_id = ?",
            [reassign_to, category_id],
        ).fetchone()
        if largest is not None and largest > MAX_MINOR_UNITS:
            raise ValidationFailed.on(
                "reassign_to",
                _l(
                    "The two categories' budgets of a month would add up to more than "
                    "Tallybook can hold; lower one of them first."
                ),
            )
        db.execute(
            "INSERT INTO budgets (category_id, month, amount) "
            "SELECT ?, month, amount FROM budgets WHERE category_id = ? AND true "
            "ON CONFLICT DO UPDATE SET amount = amount + excluded.amount",
            [reassign_to, category_id],
        )
    db.execute("DELETE FROM budgets WHERE category_id = ?", [category_id])


def category_usage(db: Conn, category_id: int) -> tuple[int, int]:
    """Return how many transactions and how many splits use a category."""
    transactions = db.execute(
        "SELECT count(*) FROM transactions WHERE category_id = ?", [category_id]
    ).fetchone()[0]
    splits = db.execute(
        "SELECT count(*) FROM splits WHERE category_id = ?", [category_id]
    ).fetchone()[0]
    return transactions, splits


def delete_category(
    database: Database,
    book_id: int,
    category_id: int,
    *,
    now: datetime,
    reassign_to: int | None = None,
    if_match: str | None = None,
) -> int:
    """Delete a category, first moving what uses it to `reassign_to`; return how many moved.

    A category in use and no `reassign_to` is a Conflict: archive it, or name where its
    transactions and splits go. Everything happens in one write transaction.
    """
    with database.write() as db:
        category = get_category(db, book_id, category_id)
        check_if_match(if_match, category.etag, "category")
        if reassign_to is not None:
            if reassign_to == category_id:
                raise ValidationFailed.on(
                    "reassign_to", _l("Move its transactions to another category than itself.")
                )
            if _category_row(db, book_id, reassign_to) is None:
                raise ValidationFailed.on(
                    "reassign_to",
                    _l(
                        "No category with id %(reassign_to)s in this book.", reassign_to=reassign_to
                    ),
                )
        transactions, splits = category_usage(db, category_id)
        if (transactions or splits) and reassign_to is None:
            raise Conflict(
                _l(
                    "The category %(name)s is used by %(transactions)s and %(splits)s; archive "
                    "it instead, or pass reassign_to=<id of another category> to move them "
                    "there and then delete it.",
                    name=repr(category.name),
                    transactions=_nl("%(n)s transaction", "%(n)s transactions", transactions),
                    splits=_nl("%(n)s split", "%(n)s splits", splits),
                )
            )
        stamp = to_iso(now)
        if transactions or splits:
            db.execute(
                "UPDATE transactions SET category_id = ?, revision = revision + 1, updated_at = ? "
                "WHERE category_id = ?",
                [reassign_to, stamp, category_id],
            )
            # A split belongs to its transaction: the transaction's JSON (and ETag) changes.
            db.execute(
                "UPDATE transactions SET revision = revision + 1, updated_at = ? "
                "WHERE id IN (SELECT transaction_id FROM splits WHERE category_id = ?)",
                [stamp, category_id],
            )
            db.execute(
                "UPDATE splits SET category_id = ? WHERE category_id = ?",
                [reassign_to, category_id],
            )
        # Scheduled transactions follow to the new home (without one, the key empties it).
        db.execute(
            "UPDATE schedules SET category_id = ?, revision = revision + 1, updated_at = ? "
            "WHERE category_id = ?",
            [reassign_to, stamp, category_id],
        )
        _hand_on_budgets(db, book_id, category_id, reassign_to)
        # Rules follow to the new home; without one they lose the action, and a rule left
        # with no action at all is switched off (the list says why).
        db.execute(
            "UPDATE rules SET set_category_id = ?, revision = revision + 1, updated_at = ?, "
            "enabled = CASE WHEN ? IS NULL AND set_payee IS NULL AND add_tags = '[]' "
            "THEN 0 ELSE enabled END "
            "WHERE set_category_id = ?",
            [reassign_to, stamp, reassign_to, category_id],
        )
        db.execute("DELETE FROM categories WHERE id = ?", [category_id])
        return transactions + splits
