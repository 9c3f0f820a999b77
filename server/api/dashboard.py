"""A book at a glance: what the home page shows, in one request."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Date, Integer, List, Nested, Raw, String

from server.api import report_examples as rex
from server.api.access import book_access
from server.api.accounts import AccountOut, account_json
from server.api.schedules import UpcomingOut
from server.api.schemas import errors
from server.api.transactions import transaction_json
from server.auth.web import auth
from server.clock import local_today
from server.domain.dashboard import dashboard
from server.domain.money import format_amount
from server.request_db import reader

bp = APIBlueprint("dashboard", __name__, tag="Reports")


class TrendPoint(Schema):
    month = String(metadata={"example": "2025-03"})
    amount = String()


class NetWorthNowOut(Schema):
    currency = String(metadata={"example": "EUR"})
    amount = String(
        metadata={
            "description": "As of today: the open and archived accounts' `balance` together "
            "(rows dated ahead wait apart, in their `balance_projected`)."
        }
    )
    change = String(metadata={"description": "Since the end of last month."})
    trend = List(
        Nested(TrendPoint),
        metadata={"description": "The last 12 month ends (this month's: today)."},
    )


class OverspentOut(Schema):
    category_id = Integer()
    name = String()
    available = String()


class BudgetSummaryOut(Schema):
    month = String()
    currency = String()
    budgeted = String()
    spent = String(metadata={"description": "Net money out of the budgeted categories."})
    available_to_budget = String()
    overspent = List(Nested(OverspentOut))


class DashboardOut(Schema):
    month = String()
    net_worth = List(Nested(NetWorthNowOut), metadata={"description": "One per currency."})
    budget = Nested(BudgetSummaryOut)
    accounts = List(Nested(AccountOut), metadata={"description": "The open accounts."})
    upcoming = List(Nested(UpcomingOut))
    upcoming_until = Date()
    # Raw: transaction_json() gives them ready for JSON, exactly as TransactionOut reads.
    recent = List(
        Raw(),
        metadata={"description": "The latest transactions, as `GET .../transactions` gives them."},
    )


@bp.get("/books/<int:book_id>/dashboard")
@bp.auth_required(auth)
@bp.output(DashboardOut, example=rex.DASHBOARD)
@bp.doc(
    summary="The book at a glance",
    description="Net worth and its trend (per currency), this month's budget, the open "
    "accounts' balances, the scheduled transactions of the next two weeks and the latest "
    "transactions: the figures the home page shows, each as its own route gives it.",
    responses=errors(401, 404),
)
@book_access("read")
def get_dashboard(book_id: int) -> dict[str, Any]:
    """The book at a glance."""
    board = dashboard(reader(), book_id, local_today())
    budget = board.budget

    def money(minor: int, currency: str = budget.currency) -> str:
        return format_amount(minor, currency)

    return {
        "month": board.month,
        "net_worth": [
            {
                "currency": part.currency,
                "amount": money(part.months[-1].amount, part.currency),
                "change": money(part.months[-1].amount - part.months[-2].amount, part.currency),
                "trend": [
                    {"month": m.month, "amount": money(m.amount, part.currency)}
                    for m in part.months
                ],
            }
            for part in board.net_worth
        ],
        "budget": {
            "month": budget.month,
            "currency": budget.currency,
            "budgeted": money(budget.budgeted),
            "spent": money(-budget.activity),
            "available_to_budget": money(budget.available_to_budget),
            "overspent": [
                {
                    "category_id": line.category_id,
                    "name": line.name,
                    "available": money(line.available),
                }
                for group in budget.groups
                for line in group.lines
                if line.available < 0
            ],
        },
        "accounts": [account_json(a) for a in board.accounts],
        "upcoming": [
            {**item.__dict__, "amount": money(item.amount, item.currency)}
            for item in board.upcoming
        ],
        "upcoming_until": board.upcoming_until,
        "recent": [transaction_json(t) for t in board.recent],
    }
