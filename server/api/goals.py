"""A category's budget goal: set, read, take away; the budget month shows where it stands."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, String
from apiflask.validators import Length, OneOf

from server.api import goal_examples as gex
from server.api.access import book_access
from server.api.schemas import amount_pattern, errors, whole
from server.auth.web import auth
from server.clock import utcnow
from server.domain import budgets as domain
from server.domain.goals import GOAL_KINDS, KIND_TEXT_MAX, Goal, GoalInput, get_goal
from server.domain.money import AMOUNT_TEXT_MAX, format_amount
from server.domain.reports import MONTH_LENGTH, MONTH_PATTERN
from server.request_db import database, reader

bp = APIBlueprint("goals", __name__, tag="Budgets")

GOAL = "/books/<int:book_id>/categories/<int:category_id>/goal"
KINDS_DOC = (
    "monthly: budget `amount` every month; target: have `amount` available in the category "
    "(by `by_month` when given, spread over the months left; needs rollover); spend_up_to: a "
    "cap on the month's spending."
)


class GoalIn(Schema):
    kind = String(
        required=True,
        validate=[Length(max=KIND_TEXT_MAX), OneOf(GOAL_KINDS)],
        metadata={"description": KINDS_DOC},
    )
    amount = String(
        required=True,
        validate=Length(max=AMOUNT_TEXT_MAX),
        metadata={
            "description": "Above zero, in the book's currency.",
            "example": "1200.00",
            "pattern": amount_pattern(),
        },
    )
    by_month = String(
        allow_none=True,
        load_default=None,
        validate=Length(max=MONTH_LENGTH),
        metadata={
            "description": "A target's month, YYYY-MM (none: the target is wanted now).",
            "pattern": whole(MONTH_PATTERN),
        },
    )


class GoalOut(Schema):
    category_id = Integer()
    kind = String(metadata={"description": KINDS_DOC})
    amount = String(metadata={"example": "1200.00"})
    by_month = String(allow_none=True, metadata={"description": "A target's month, or null."})


class GoalStatusOut(Schema):
    kind = String()
    amount = String()
    by_month = String(allow_none=True)
    needed = String(metadata={"description": "What the goal asks to be budgeted this month."})
    underfunded = String(
        metadata={"description": "What it still needs beyond this month's budget; 0 if funded."}
    )
    spending_left = String(
        allow_none=True,
        metadata={"description": "spend_up_to: the cap less the month's spending (< 0: over)."},
    )


def goal_json(goal: Goal) -> dict[str, Any]:
    """A goal as its route gives it."""
    return {
        "category_id": goal.category_id,
        "kind": goal.kind,
        "amount": format_amount(goal.amount, goal.currency),
        "by_month": goal.by_month,
    }


@bp.get(GOAL)
@bp.auth_required(auth)
@bp.output(GoalOut, example=gex.GOAL)
@bp.doc(
    summary="Read a category's goal",
    description="404 when the category (of this book) has no goal.",
    responses=errors(401, 404),
)
@book_access("read")
def read_goal(book_id: int, category_id: int) -> dict[str, Any]:
    """A category's goal."""
    return goal_json(get_goal(reader(), book_id, category_id))


@bp.put(GOAL)
@bp.auth_required(auth, roles=["write"])
@bp.input(GoalIn, arg_name="body", example=gex.GOAL_IN)
@bp.output(GoalOut, example=gex.GOAL)
@bp.doc(
    summary="Set a category's goal",
    description="Gives an expense category its goal, replacing the one it had. The month's "
    "budget (`GET .../budgets/{month}`) then shows what it needs and `to_fund`; "
    "`POST .../budgets/{month}/copy` with `underfunded` budgets it. A target needs the "
    "category's rollover (what is left carries from month to month).",
    responses=errors(
        401,
        403,
        404,
        why={
            422: (
                "A bad field; an income category; a target on a category without rollover",
                "A target balance builds up from month to month: turn on rollover for this "
                "category first.",
            )
        },
    ),
)
@book_access("write")
def set_goal(book_id: int, category_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Set a category's goal."""
    goal = domain.set_goal(database(), book_id, category_id, GoalInput(**body), now=utcnow())
    return goal_json(goal)


@bp.delete(GOAL)
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Take a category's goal away",
    description="404 when it has none. Its budgets stay as they are.",
    responses=errors(401, 403, 404),
)
@book_access("write")
def delete_goal(book_id: int, category_id: int) -> tuple[str, int]:
    """Take a category's goal away."""
    domain.delete_goal(database(), book_id, category_id, now=utcnow())
    return "", 204
