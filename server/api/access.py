"""The one gate of a book: a route decorator that checks the caller's role in the book of the
route's `book_id` and, for a change, opens the write transaction the change is made in.

Checking inside the writer's transaction means a role taken away meanwhile cannot slip by;
domain writers join that transaction and never check roles themselves. Work a route leaves to
a background job passes through the same gate when it runs (`server.domain.books.gate`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, after_this_request

from server.auth.web import current_principal
from server.clock import utcnow
from server.domain.books import ALLOWED, Level, gate, require_role
from server.domain.undo import recording
from server.request_db import database, reader

View = TypeVar("View", bound=Callable[..., Any])

# The header of a write's answer that names the undoable action it was recorded as (absent
# when it changed nothing undoable): GET .../undo tells its label.
CHANGE_HEADER = "Tallybook-Change"


def book_access(
    level: Level, *, writes: bool = True, or_self: str | None = None, recorded: bool = True
) -> Callable[[View], View]:
    """Let a route of one book through for callers with `level` in it (read: any member;
    write: editors and owners; manage: owners), else 404 (not a member) or 403.

    A `read` route reads through the request's reader. Other levels run the route inside the
    write transaction, unless `writes` is False (a preview: it needs the right to write but
    writes nothing, so it holds no lock). `or_self` names a path parameter: a member may act
    on their own user id with any role (leaving a book).

    What a write changes in the book is recorded as one action the caller can undo (unless
    `recorded` is False: undo and redo themselves); the answer names it in `CHANGE_HEADER`.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def gated(*args: Any, **kwargs: Any) -> Any:
            user_id = current_principal().user.id
            book_id = kwargs["book_id"]
            needed: Level = "read" if or_self and kwargs[or_self] == user_id else level
            if level == "read" or not writes:
                require_role(reader(), user_id, book_id, ALLOWED[needed])
                return view(*args, **kwargs)
            with gate(database(), user_id, book_id, needed) as db:
                if not recorded:
                    return view(*args, **kwargs)
                with recording(db, book_id, user_id, now=utcnow()) as change:
                    answer = view(*args, **kwargs)
            if change.action_id is not None:
                _name_change(change.action_id)
            return answer

        gated.book_access = level  # type: ignore[attr-defined]  # read by the route tests
        return gated  # type: ignore[return-value]

    return decorate


def _name_change(action_id: int) -> None:
    """Give the answer the id of the action the write was recorded as."""

    @after_this_request
    def named(response: Response) -> Response:
        response.headers[CHANGE_HEADER] = str(action_id)
        return response
