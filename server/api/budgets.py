"""A book's budget, month by month: planned, spent, left; set inline, or copied."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, List, Nested, String
from apiflask.validators import Length, OneOf

from server.api import report_examples as rex
from server.api.access import book_access
from server.api.goals import GoalStatusOut
from server.api.schemas import Flag, errors
from server.auth.web import auth
from server.clock import utcnow
from server.domain import budgets as domain
from server.domain.budgets import BudgetCopyInput, BudgetInput
from server.domain.money import AMOUNT_TEXT_MAX, format_amount
from server.request_db import database, reader

bp = APIBlueprint("budgets", __name__, tag="Budgets")

MONTH = "/books/<int:book_id>/budgets/<month>"


class LineOut(Schema):
    category_id = Integer()
    name = String()
    rollover = Flag(metadata={"description": "What is left (or overspent) carries onwards."})
    budgeted = String(metadata={"example": "400.00"})
    activity = String(metadata={"description": "Net money of the month: spending is negative."})
    carried = String(metadata={"description": "Brought from earlier months (with rollover)."})
    available = String(metadata={"description": "carried + budgeted + activity"})
    overspent = Flag()
    goal = Nested(
        GoalStatusOut,
        allow_none=True,
        metadata={"description": "The category's goal and where it stands; null: none."},
    )


class GroupOut(Schema):
    group_id = Integer()
    name = String()
    budgeted = String()
    activity = String()
    available = String()
    lines = List(Nested(LineOut))


class ToBudgetPartsOut(Schema):
    income_before = String(metadata={"description": "Income received before the month."})
    budgeted_before = String(metadata={"description": "Budgeted in the months before."})
    carried_in = String(
        metadata={"description": "income_before - budgeted_before: left from earlier months."}
    )
    income = String(metadata={"description": "Received in the month."})
    budgeted = String(metadata={"description": "Budgeted in the month."})
    budgeted_later = String(
        metadata={"description": "Budgeted in later months: taken out when they come."}
    )


class MonthOut(Schema):
    month = String(metadata={"example": "2025-03"})
    currency = String(metadata={"description": "The book's; other currencies stay out."})
    budgeted = String()
    activity = String()
    income = String(metadata={"description": "Received in the month."})
    uncategorized = String(metadata={"description": "Spent in the month without a category."})
    available_to_budget = String(
        metadata={
            "description": "Income up to the month's end less all budgeted up to then: "
            "`carried_in + income - budgeted` of `available_to_budget_parts`."
        }
    )
    available_to_budget_parts = Nested(ToBudgetPartsOut)
    to_fund = String(metadata={"description": "What all goals still need budgeted this month."})
    other_currencies = List(String(), metadata={"description": "Of accounts left out."})
    groups = List(Nested(GroupOut))


class AmountIn(Schema):
    amount = String(
        required=True,
        validate=Length(max=AMOUNT_TEXT_MAX),
        metadata={"example": "400.00", "description": "In the book's currency; 0 removes it."},
    )


class CopyIn(Schema):
    source = String(
        required=True,
        validate=OneOf(domain.COPY_SOURCES),
        metadata={
            "description": "last_month: last month's budget; average_budgeted / "
            "average_spent: the average of the last three months' budgets / spending; "
            "underfunded: each category with a goal gets what the goal needs this month "
            "(the others stay as they are)."
        },
    )


class Copied(Schema):
    changed = Integer(metadata={"description": "How many categories got a new amount."})


def _goal_json(line: domain.BudgetLine, money: Callable[[int], str]) -> dict[str, Any] | None:
    goal, progress = line.goal, line.progress
    if goal is None or progress is None:
        return None
    return {
        "kind": goal.kind,
        "amount": money(goal.amount),
        "by_month": goal.by_month,
        "needed": money(progress.needed),
        "underfunded": money(progress.underfunded),
        "spending_left": None if progress.spending_left is None else money(progress.spending_left),
    }


def _month_json(month: domain.BudgetMonth) -> dict[str, Any]:
    def money(minor: int) -> str:
        return format_amount(minor, month.currency)

    return {
        "month": month.month,
        "currency": month.currency,
        "budgeted": money(month.budgeted),
        "activity": money(month.activity),
        "income": money(month.income),
        "uncategorized": money(month.uncategorized),
        "available_to_budget": money(month.available_to_budget),
        "available_to_budget_parts": {
            "income_before": money(month.income_before),
            "budgeted_before": money(month.budgeted_before),
            "carried_in": money(month.carried_in),
            "income": money(month.income),
            "budgeted": money(month.budgeted),
            "budgeted_later": money(month.budgeted_later),
        },
        "to_fund": money(month.to_fund),
        "other_currencies": month.other_currencies,
        "groups": [
            {
                "group_id": g.group_id,
                "name": g.name,
                "budgeted": money(g.budgeted),
                "activity": money(g.activity),
                "available": money(g.available),
                "lines": [
                    {
                        "category_id": line.category_id,
                        "name": line.name,
                        "rollover": line.rollover,
                        "budgeted": money(line.budgeted),
                        "activity": money(line.activity),
                        "carried": money(line.carried),
                        "available": money(line.available),
                        "overspent": line.available < 0,
                        "goal": _goal_json(line, money),
                    }
                    for line in g.lines
                ],
            }
            for g in month.groups
        ],
    }


@bp.get(MONTH)
@bp.auth_required(auth)
@bp.output(MonthOut, example=rex.BUDGET_MONTH)
@bp.doc(
    summary="A month's budget",
    description="Every expense category by group: budgeted, spent (activity), carried from "
    "earlier months with rollover, and available, with its goal and what the goal still "
    "needs (`underfunded`; `to_fund` adds them up); and what is left to budget, with the "
    "parts it is made of. `month` is YYYY-MM.",
    responses=errors(401, 404, why={422: "`month` is not YYYY-MM"}),
)
@book_access("read")
def get_month(book_id: int, month: str) -> dict[str, Any]:
    """The budget of a month."""
    return _month_json(domain.budget_month(reader(), book_id, month))


@bp.put(MONTH + "/categories/<int:category_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(AmountIn, arg_name="body", example=rex.BUDGET_AMOUNT)
@bp.output(MonthOut, example=rex.BUDGET_MONTH)
@bp.doc(
    summary="Budget a category for a month",
    description="Sets the amount planned (replacing what was there); answers the whole "
    "month, as every figure of it may move. Set the rollover on the category itself "
    "(`PATCH .../categories/{id}` with `rollover`).",
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def set_amount(book_id: int, month: str, category_id: int, body: dict[str, Any]) -> Any:
    """Budget an amount."""
    budget = BudgetInput(month=month, category_id=category_id, amount=body["amount"])
    return _month_json(domain.set_budget(database(), book_id, budget, now=utcnow()))


@bp.post(MONTH + "/copy")
@bp.auth_required(auth, roles=["write"])
@bp.input(CopyIn, arg_name="body", example=rex.BUDGET_COPY)
@bp.output(Copied, example=rex.BUDGET_COPIED)
@bp.doc(
    summary="Fill a month's budget",
    description="Every expense category gets last month's amount, or the average of the "
    "last three months' budgets or spending (categories without one get none); or, with "
    "`underfunded`, each category whose goal is not funded gets what it needs this month.",
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def copy(book_id: int, month: str, body: dict[str, Any]) -> dict[str, int]:
    """Fill the month from earlier ones."""
    changed = domain.copy_budget(
        database(), book_id, BudgetCopyInput(month=month, source=body["source"]), now=utcnow()
    )
    return {"changed": changed}
