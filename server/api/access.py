"""Which book a request works in, and whether the caller's role allows it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from server.auth.web import current_principal
from server.db.request import database, reader
from server.domain.books import CAN_WRITE, ROLES, require_role

ANY_ROLE = frozenset(ROLES)


def can_read(book_id: int) -> str:
    """Return the caller's role in the book (any member may read); else 404."""
    return require_role(reader(), current_principal().user.id, book_id, ANY_ROLE)


@contextmanager
def writing(book_id: int) -> Iterator[None]:
    """Check that the caller may change the book's data inside the write transaction that then
    makes the change (domain writes join it), so a role taken away meanwhile cannot slip by."""
    with database().write() as db:
        require_role(db.conn, current_principal().user.id, book_id, CAN_WRITE)
        yield
