"""The categories every new book starts with, the ones a household expects.

Kept apart from `server.domain.categories` so that `server.domain.books` can use it without an
import cycle (categories needs books' If-Match check).
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from server.clock import to_iso

# (group, kind of its categories, categories), in the order they are shown.
DEFAULT_CATEGORIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Income", "income", ("Salary", "Interest", "Other income")),
    (
        "Housing",
        "expense",
        ("Rent/Mortgage", "Utilities", "Phone & internet", "Insurance", "Maintenance"),
    ),
    ("Food", "expense", ("Groceries", "Restaurants")),
    ("Transport", "expense", ("Fuel", "Public transport", "Car")),
    (
        "Personal",
        "expense",
        ("Health", "Clothing", "Entertainment", "Subscriptions", "Gifts"),
    ),
    ("Savings goals", "expense", ("Emergency fund", "Vacation")),
)


def create_default_categories(db: sqlite_utils.Database, book_id: int, now: datetime) -> None:
    """Give a new book the default groups and categories, inside the caller's transaction."""
    stamp = to_iso(now)
    for position, (group, kind, names) in enumerate(DEFAULT_CATEGORIES):
        group_id = (
            db["category_groups"]
            .insert(
                {
                    "book_id": book_id,
                    "name": group,
                    "position": position,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            .last_pk
        )
        db["categories"].insert_all(
            {
                "book_id": book_id,
                "group_id": group_id,
                "name": name,
                "kind": kind,
                "created_at": stamp,
                "updated_at": stamp,
            }
            for name in names
        )
