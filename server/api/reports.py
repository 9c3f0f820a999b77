"""Reports of a book: spending by category, income and expense, net worth, cash flow.

Each answers JSON, or CSV with `format=csv` (a download, one line per figure).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, List, Nested, String
from apiflask.validators import Length, OneOf
from flask import Response

from server.api import report_examples as rex
from server.api.access import book_access
from server.api.schemas import csv_file, errors, whole
from server.auth.web import auth
from server.clock import local_today
from server.domain import reports as domain
from server.domain.money import format_amount
from server.domain.report_csv import FLOWS, flow_figures, report_csv
from server.request_db import reader

bp = APIBlueprint("reports", __name__, tag="Reports")

REPORTS = "/books/<int:book_id>/reports"
PER_CURRENCY = (
    "Amounts are decimal strings in each part's currency: currencies are never added together."
)


class ReportQuery(Schema):
    start = String(
        validate=Length(max=domain.MONTH_LENGTH),
        metadata={
            "description": "First month, YYYY-MM (default: 11 months before `end`).",
            "pattern": whole(domain.MONTH_PATTERN),
        },
    )
    end = String(
        validate=Length(max=domain.MONTH_LENGTH),
        metadata={
            "description": "Last month, YYYY-MM (default: now).",
            "pattern": whole(domain.MONTH_PATTERN),
        },
    )
    account_id = List(
        Integer(),
        validate=Length(max=domain.MAX_FILTER_IDS),
        metadata={"description": "Only these accounts (repeat the parameter for several)."},
    )
    category_id = List(
        Integer(),
        validate=Length(max=domain.MAX_FILTER_IDS),
        metadata={"description": "Only these categories; 0 is uncategorized."},
    )
    tag_id = Integer(metadata={"description": "Only transactions with this tag."})
    format = String(
        load_default="json",
        validate=OneOf(["json", "csv"]),
        metadata={
            "example": "json",
            "description": "`json` (the default), or `csv` for the report as a CSV download.",
        },
    )


class CategorySpendingOut(Schema):
    category_id = Integer(allow_none=True, metadata={"description": "null: uncategorized"})
    name = String()
    amount = String(metadata={"example": "412.50"})


class GroupSpendingOut(Schema):
    group_id = Integer(allow_none=True)
    name = String()
    amount = String()
    categories = List(Nested(CategorySpendingOut))


class SpendingOut(Schema):
    currency = String(metadata={"example": "EUR"})
    total = String()
    groups = List(Nested(GroupSpendingOut))


class MonthIncomeOut(Schema):
    month = String(metadata={"example": "2025-03"})
    income = String()
    expense = String()
    net = String()


class IncomeExpenseOut(Schema):
    currency = String()
    income = String()
    expense = String()
    net = String()
    months = List(Nested(MonthIncomeOut))


class MonthWorthOut(Schema):
    month = String()
    amount = String()


class NetWorthOut(Schema):
    currency = String()
    months = List(Nested(MonthWorthOut))


class MonthFlowOut(Schema):
    month = String()
    money_in = String()
    money_out = String()
    transfers = String(metadata={"description": "Net money moved in from other accounts."})
    net = String()
    balance = String(
        allow_none=True,
        metadata={"description": "At the month's end; null under a category or tag filter."},
    )


class CashFlowOut(Schema):
    currency = String()
    months = List(Nested(MonthFlowOut))


def _report(name: str, part: type[Schema]) -> type[Schema]:
    return type(
        f"{name}Report",
        (Schema,),
        {
            "start": String(),
            "end": String(),
            "parts": List(Nested(part), metadata={"description": "One per currency."}),
        },
    )


def _in(currency: str) -> Callable[[int], str]:
    """Formats minor units of `currency` as the API's decimal strings."""
    return partial(format_amount, currency=currency)


def _filters(query: dict[str, Any]) -> domain.ReportFilters:
    end = query.get("end") or domain.month_of(local_today())
    start = query.get("start") or (domain.add_months(end, -11) if domain.is_month(end) else end)
    return domain.ReportFilters(
        start=start,
        end=end,
        account_ids=tuple(query["account_id"]) if "account_id" in query else None,
        category_ids=tuple(query["category_id"]) if "category_id" in query else None,
        tag_id=query.get("tag_id"),
    )


def _answer(
    book_id: int,
    query: dict[str, Any],
    name: str,
    make: Callable[..., list],
    as_json: Callable[[Any], dict[str, Any]],
) -> Any:
    """Run a report and shape it as JSON or CSV."""
    filters = _filters(query)
    parts = make(reader(), book_id, filters)
    if query["format"] == "csv":
        return Response(
            report_csv(name, parts),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="book-{book_id}-{name}.csv"'},
        )
    return {"start": filters.start, "end": filters.end, "parts": [as_json(p) for p in parts]}


def _spending_json(part: domain.Spending) -> dict[str, Any]:
    money = _in(part.currency)
    return {
        "currency": part.currency,
        "total": money(part.total),
        "groups": [
            {
                "group_id": g.group_id,
                "name": g.name,
                "amount": money(g.amount),
                "categories": [
                    {"category_id": c.category_id, "name": c.name, "amount": money(c.amount)}
                    for c in g.categories
                ],
            }
            for g in part.groups
        ],
    }


@bp.get(REPORTS + "/spending")
@bp.auth_required(auth)
@bp.input(ReportQuery, location="query", arg_name="query")
@bp.output(_report("Spending", SpendingOut), example=rex.SPENDING)
@bp.doc(
    summary="Spending by category",
    description="What went out per category and group over the months, largest first: the "
    "net of each expense category (refunds lower it) and the money out without a category; "
    "transfers never count. " + PER_CURRENCY,
    responses=errors(401, 404, 422) | csv_file(rex.SPENDING_CSV),
)
@book_access("read")
def spending(book_id: int, query: dict[str, Any]) -> Any:
    """Spending by category and group."""
    return _answer(
        book_id,
        query,
        "spending",
        domain.spending,
        _spending_json,
    )


@bp.get(REPORTS + "/income-expense")
@bp.auth_required(auth)
@bp.input(ReportQuery, location="query", arg_name="query")
@bp.output(_report("IncomeExpense", IncomeExpenseOut), example=rex.INCOME_EXPENSE)
@bp.doc(
    summary="Income and expense by month",
    description="Each month's income (income categories, and money in without a category) "
    "against its spending (as in the spending report), and the difference. " + PER_CURRENCY,
    responses=errors(401, 404, 422) | csv_file(rex.INCOME_EXPENSE_CSV),
)
@book_access("read")
def income_expense(book_id: int, query: dict[str, Any]) -> Any:
    """Income against expense, month by month."""

    def as_json(part: domain.IncomeExpense) -> dict[str, Any]:
        money = _in(part.currency)
        return {
            "currency": part.currency,
            "income": money(part.income),
            "expense": money(part.expense),
            "net": money(part.net),
            "months": [
                {
                    "month": m.month,
                    "income": money(m.income),
                    "expense": money(m.expense),
                    "net": money(m.net),
                }
                for m in part.months
            ],
        }

    return _answer(
        book_id,
        query,
        "income-expense",
        domain.income_expense,
        as_json,
    )


@bp.get(REPORTS + "/net-worth")
@bp.auth_required(auth)
@bp.input(ReportQuery, location="query", arg_name="query")
@bp.output(_report("NetWorth", NetWorthOut), example=rex.NET_WORTH)
@bp.doc(
    summary="Net worth by month",
    description="What the accounts (all, or those of `account_id`) hold together at each "
    "month's end: opening balances and every transaction so far. The current month's is as "
    "of today, as the accounts' `balance` is; a month still to come holds what is dated in "
    "it. Category and tag filters do not apply. " + PER_CURRENCY,
    responses=errors(401, 404, 422) | csv_file(rex.NET_WORTH_CSV),
)
@book_access("read")
def net_worth(book_id: int, query: dict[str, Any]) -> Any:
    """Net worth at each month's end."""
    return _answer(
        book_id,
        query,
        "net-worth",
        partial(domain.net_worth, today=local_today()),
        lambda p: {
            "currency": p.currency,
            "months": [
                {"month": m.month, "amount": format_amount(m.amount, p.currency)} for m in p.months
            ],
        },
    )


@bp.get(REPORTS + "/cash-flow")
@bp.auth_required(auth)
@bp.input(ReportQuery, location="query", arg_name="query")
@bp.output(_report("CashFlow", CashFlowOut), example=rex.CASH_FLOW)
@bp.doc(
    summary="Cash flow by month",
    description="Money in and money out of the accounts each month (by sign; transfers "
    "apart, as the net moved in from other accounts), the net, and the balance at the "
    "month's end (the current month's as of today, as the accounts' `balance`). " + PER_CURRENCY,
    responses=errors(401, 404, 422) | csv_file(rex.CASH_FLOW_CSV),
)
@book_access("read")
def cash_flow(book_id: int, query: dict[str, Any]) -> Any:
    """Money in and out, month by month."""
    return _answer(
        book_id,
        query,
        "cash-flow",
        partial(domain.cash_flow, today=local_today()),
        lambda p: {
            "currency": p.currency,
            "months": [
                {"month": m.month, **dict(zip(FLOWS, flow_figures(p, m), strict=True))}
                for m in p.months
            ],
        },
    )
