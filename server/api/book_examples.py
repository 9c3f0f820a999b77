"""Example requests and responses of deleting a book (the household of `server.api.examples`)."""

from __future__ import annotations

from server.api.examples import AT, BOOK

BOOK_DELETED = {
    "id": BOOK["id"],
    "name": BOOK["name"],
    "backup": {
        "name": "tallybook-20260302T182405000000Z-before-book-delete.sqlite3",
        "created_at": AT,
        "reason": "before-book-delete",
        "size": 692224,
        "label": f"Before deleting the book {BOOK['name']}",
    },
}
