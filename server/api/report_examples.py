"""Example responses of the budget, report, dashboard, change feed and book file routes.

The same household as `server.api.examples`, in March 2026.
"""

from __future__ import annotations

from server.api.account_examples import ACCOUNT, ACCOUNT_IN
from server.api.examples import AT, BOOK, PAYEE, TRANSACTION, UPCOMING
from server.api.goal_examples import GROCERIES_GOAL_STATUS
from server.domain.book_file import FORMAT, VERSION


def _line(category_id: int, name: str, budgeted: str, activity: str, available: str) -> dict:
    return {
        "category_id": category_id,
        "name": name,
        "rollover": False,
        "budgeted": budgeted,
        "activity": activity,
        "carried": "0.00",
        "available": available,
        "overspent": available.startswith("-"),
        "goal": None,
    }


BUDGET_MONTH = {
    "month": "2026-03",
    "currency": "EUR",
    "budgeted": "1450.00",
    "activity": "-1072.57",
    "income": "2450.00",
    "uncategorized": "0.00",
    "available_to_budget": "1000.00",
    "available_to_budget_parts": {
        "income_before": "4900.00",
        "budgeted_before": "4900.00",
        "carried_in": "0.00",
        "income": "2450.00",
        "budgeted": "1450.00",
        "budgeted_later": "0.00",
    },
    "to_fund": "0.00",
    "other_currencies": [],
    "groups": [
        {
            "group_id": 2,
            "name": "Housing",
            "budgeted": "950.00",
            "activity": "-950.00",
            "available": "0.00",
            "lines": [_line(4, "Rent/Mortgage", "950.00", "-950.00", "0.00")],
        },
        {
            "group_id": 3,
            "name": "Food",
            "budgeted": "500.00",
            "activity": "-122.57",
            "available": "377.43",
            "lines": [
                {
                    **_line(9, "Groceries", "400.00", "-42.17", "357.83"),
                    "goal": GROCERIES_GOAL_STATUS,
                },
                _line(10, "Restaurants", "100.00", "-80.40", "19.60"),
            ],
        },
    ],
}
BUDGET_AMOUNT = {"amount": "400.00"}
BUDGET_COPY = {"source": "last_month"}
BUDGET_COPIED = {"changed": 14}

SPENDING = {
    "start": "2026-02",
    "end": "2026-03",
    "parts": [
        {
            "currency": "EUR",
            "total": "2287.47",
            "groups": [
                {
                    "group_id": 2,
                    "name": "Housing",
                    "amount": "1900.00",
                    "categories": [
                        {"category_id": 4, "name": "Rent/Mortgage", "amount": "1900.00"}
                    ],
                },
                {
                    "group_id": 3,
                    "name": "Food",
                    "amount": "387.47",
                    "categories": [
                        {"category_id": 9, "name": "Groceries", "amount": "307.07"},
                        {"category_id": 10, "name": "Restaurants", "amount": "80.40"},
                    ],
                },
            ],
        }
    ],
}
SPENDING_CSV = (
    "currency,group,category,amount\r\n"
    "EUR,Housing,Rent/Mortgage,1900.00\r\n"
    "EUR,Food,Groceries,307.07\r\n"
    "EUR,Food,Restaurants,80.40\r\n"
)
INCOME_EXPENSE = {
    "start": "2026-02",
    "end": "2026-03",
    "parts": [
        {
            "currency": "EUR",
            "income": "4900.00",
            "expense": "2287.47",
            "net": "2612.53",
            "months": [
                {"month": "2026-02", "income": "2450.00", "expense": "1214.90", "net": "1235.10"},
                {"month": "2026-03", "income": "2450.00", "expense": "1072.57", "net": "1377.43"},
            ],
        }
    ],
}
INCOME_EXPENSE_CSV = (
    "currency,month,income,expense,net\r\n"
    "EUR,2026-02,2450.00,1214.90,1235.10\r\n"
    "EUR,2026-03,2450.00,1072.57,1377.43\r\n"
)
NET_WORTH = {
    "start": "2026-02",
    "end": "2026-03",
    "parts": [
        {
            "currency": "EUR",
            "months": [
                {"month": "2026-02", "amount": "1145.73"},
                {"month": "2026-03", "amount": "2523.16"},
            ],
        }
    ],
}
NET_WORTH_CSV = "currency,month,net_worth\r\nEUR,2026-02,1145.73\r\nEUR,2026-03,2523.16\r\n"
CASH_FLOW = {
    "start": "2026-02",
    "end": "2026-03",
    "parts": [
        {
            "currency": "EUR",
            "months": [
                {
                    "month": "2026-02",
                    "money_in": "2450.00",
                    "money_out": "-1214.90",
                    "transfers": "0.00",
                    "net": "1235.10",
                    "balance": "1145.73",
                },
                {
                    "month": "2026-03",
                    "money_in": "2450.00",
                    "money_out": "-1072.57",
                    "transfers": "0.00",
                    "net": "1377.43",
                    "balance": "2523.16",
                },
            ],
        }
    ],
}
CASH_FLOW_CSV = (
    "currency,month,money_in,money_out,transfers,net,balance\r\n"
    "EUR,2026-02,2450.00,-1214.90,0.00,1235.10,1145.73\r\n"
    "EUR,2026-03,2450.00,-1072.57,0.00,1377.43,2523.16\r\n"
)

DASHBOARD = {
    "month": "2026-03",
    "net_worth": [
        {
            "currency": "EUR",
            "amount": "2523.16",
            "change": "1377.43",
            "trend": [
                {"month": "2026-01", "amount": "-89.37"},
                {"month": "2026-02", "amount": "1145.73"},
                {"month": "2026-03", "amount": "2523.16"},
            ],
        }
    ],
    "budget": {
        "month": "2026-03",
        "currency": "EUR",
        "budgeted": "1450.00",
        "spent": "1072.57",
        "available_to_budget": "1000.00",
        "overspent": [{"category_id": 10, "name": "Restaurants", "available": "-12.40"}],
    },
    "accounts": [ACCOUNT],
    "upcoming": UPCOMING["items"],
    "upcoming_until": "2026-03-16",
    "recent": [TRANSACTION],
}

CHANGES = {
    "changes": [
        {"kind": "transaction", "id": "42", "deleted": False, "object": TRANSACTION},
        {
            "kind": "payee",
            "id": "12",
            "deleted": False,
            "object": {"id": PAYEE["id"], "name": PAYEE["name"]},
        },
        {
            "kind": "budget",
            "id": "9/2026-03",
            "deleted": False,
            "object": {"category_id": 9, "month": "2026-03", "amount": "400.00"},
        },
        {"kind": "transaction", "id": "39", "deleted": True, "object": None},
    ],
    "next_cursor": "794d78173aa0aac3.1289",
    "has_more": False,
}

BOOK_FILE = {
    "format": FORMAT,
    "version": VERSION,
    "exported_at": "2026-03-02T18:24:05Z",
    "book": {"name": "Household", "currency": "EUR"},
    "accounts": [
        {
            "ref": 1,
            **ACCOUNT_IN,
            "archived": False,
            "created_at": "2026-01-04T09:12:40Z",
            "updated_at": "2026-01-04T09:12:40Z",
        }
    ],
    "category_groups": [
        {
            "ref": 1,
            "name": "Food",
            "position": 2,
            "archived": False,
            "created_at": "2026-01-04T09:12:40Z",
            "updated_at": "2026-01-04T09:12:40Z",
        }
    ],
    "categories": [
        {
            "ref": 1,
            "group": 1,
            "name": "Groceries",
            "kind": "expense",
            "archived": False,
            "rollover": False,
            "created_at": "2026-01-04T09:12:40Z",
            "updated_at": "2026-01-04T09:12:40Z",
        }
    ],
    "payees": ["Corner Shop"],
    "tags": ["vacation"],
    "rules": [],
    "budgets": [],
    "goals": [{"category": 1, "kind": "monthly", "amount": "400.00", "by_month": None}],
    "schedules": [],
    "reconciliations": [
        {
            "account": 1,
            "statement_date": "2026-02-28",
            "statement_balance": "1500.00",
            "state": "finished",
            "started_by": "alex",
            "started_at": "2026-03-01T09:30:00+00:00",
            "finished_by": "alex",
            "finished_at": "2026-03-01T09:41:12+00:00",
            "adjustment": None,
        }
    ],
    "transactions": [
        {
            "ref": 1,
            "account": 1,
            "date": "2026-03-02",
            "amount": "-42.17",
            "payee": "Corner Shop",
            "category": 1,
            "memo": "Weekly shop",
            "status": "cleared",
            "tags": ["vacation"],
            "splits": [],
            "transfer": None,
            "bank_id": None,
            "created_at": "2026-03-02T18:24:05Z",
            "updated_at": "2026-03-02T18:24:05Z",
        }
    ],
}
BOOK_LOADED = {**BOOK, "id": 2, "created_at": AT, "updated_at": AT}
