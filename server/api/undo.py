"""Undo and redo of the caller's own changes in a book (what Ctrl+Z and Ctrl+Shift+Z do)."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import DateTime, Dict, Integer, List, Nested, String

from server.api.access import CHANGE_HEADER, book_access
from server.api.schemas import errors
from server.auth.web import auth, current_principal
from server.clock import utcnow
from server.domain import undo as domain
from server.request_db import database, reader

bp = APIBlueprint("undo", __name__, tag="Undo")

UNDO = "/books/<int:book_id>/undo"
REDO = "/books/<int:book_id>/redo"

ACTION = {"id": 42, "label": "Deleted 3 transactions", "created_at": "2026-03-02T18:02:11+00:00"}
EXAMPLE_NEXT = {"undo": ACTION, "redo": None}
EXAMPLE_APPLIED = {"action": ACTION, "changed": {"transaction": ["311", "312", "313"]}}
WHAT_IS_KEPT = (
    f"Kept are at least each person's last {domain.KEEP_ACTIONS} changes in a book and all of "
    f"the last {int(domain.KEEP_FOR.total_seconds() // 3600)} hours."
)
REFUSED = (
    "A row the change touched was changed since (by anyone, in any way): nothing is written",
    "Cannot undo “Deleted 3 transactions”: Transaction 'Rent' of 2026-11-01 was added since "
    "(by sam at 2026-11-02 18:02 UTC).",
)


class ActionOut(Schema):
    id = Integer(metadata={"description": f"As a write's `{CHANGE_HEADER}` header names it."})
    label = String(metadata={"example": ACTION["label"]})
    created_at = DateTime(metadata={"description": "When the change was made."})


class NextOut(Schema):
    undo = Nested(ActionOut, allow_none=True, metadata={"description": "What undo would undo."})
    redo = Nested(ActionOut, allow_none=True, metadata={"description": "What redo would redo."})


class AppliedOut(Schema):
    action = Nested(ActionOut)
    changed = Dict(
        keys=String(),
        values=List(String()),
        metadata={
            "description": "The objects it touched, by kind (as the change feed names kinds "
            "and ids; a budget's id is `category_id/month`): read them again."
        },
    )


def _action(action: domain.Action | None) -> dict[str, Any] | None:
    if action is None:
        return None
    return {"id": action.id, "label": action.label, "created_at": action.created_at}


@bp.get(UNDO)
@bp.auth_required(auth)
@bp.output(NextOut, example=EXAMPLE_NEXT)
@bp.doc(
    summary="What undo and redo would do",
    description="The caller's last change in the book that undo would take back, and the "
    "last one undone that redo would make again (null: none). Every change a person makes "
    "through the API or the UI counts, one request one change; imports and automatic entry "
    f"of schedules do not (an import has its own undo). {WHAT_IS_KEPT}",
    responses=errors(401, 404),
)
@book_access("read")
def next_actions(book_id: int) -> dict[str, Any]:
    """What undo and redo would act on."""
    undo, redo = domain.next_actions(reader(), book_id, current_principal().user.id)
    return {"undo": _action(undo), "redo": _action(redo)}


def _apply(book_id: int, what: str) -> dict[str, Any]:
    user_id = current_principal().user.id
    applied = domain.apply_next(database(), book_id, user_id, what, now=utcnow())
    return {"action": _action(applied.action), "changed": applied.changed}


@bp.post(UNDO)
@bp.auth_required(auth, roles=["write"])
@bp.output(AppliedOut, example=EXAMPLE_APPLIED)
@bp.doc(
    summary="Undo my last change",
    description="Takes back the caller's last change in the book (only their own), if no row "
    "it touched was changed since; it can then be redone, until the caller makes a new "
    "change in the book. Balances, budgets and the change feed follow. Editors and owners. "
    + WHAT_IS_KEPT,
    responses=errors(401, 403, why={404: "No such book, or nothing to undo", 409: REFUSED}),
)
@book_access("write", recorded=False)
def undo(book_id: int) -> dict[str, Any]:
    """Undo the caller's last change in the book."""
    return _apply(book_id, "undo")


@bp.post(REDO)
@bp.auth_required(auth, roles=["write"])
@bp.output(AppliedOut, example=EXAMPLE_APPLIED)
@bp.doc(
    summary="Redo my last undone change",
    description="Makes the caller's last undone change again, if no row it touched was "
    "changed since it was undone. Editors and owners.",
    responses=errors(
        401,
        403,
        why={
            404: "No such book, or nothing to redo",
            409: (
                "A row the change touched was changed since it was undone: nothing is written",
                "Cannot redo “Deleted 3 transactions”: Transaction 'Rent' of 2026-11-01 was "
                "changed since (by sam at 2026-11-02 18:02 UTC).",
            ),
        },
    ),
)
@book_access("write", recorded=False)
def redo(book_id: int) -> dict[str, Any]:
    """Redo the caller's last undone change in the book."""
    return _apply(book_id, "redo")
