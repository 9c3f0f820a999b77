"""Example requests and responses of the budget goal routes.

The same household as `server.api.examples`, in March 2026: Groceries (category 9) gets
400.00 every month; Holidays (category 14, with rollover) saves 1200.00 by December.
"""

from __future__ import annotations

GOAL_IN = {"kind": "target", "amount": "1200.00", "by_month": "2026-12"}
GOAL = {"category_id": 14, **GOAL_IN}
MONTHLY_GOAL = {"category_id": 9, "kind": "monthly", "amount": "400.00", "by_month": None}
# Where the monthly goal stands in March, with 400.00 budgeted.
GROCERIES_GOAL_STATUS = {
    "kind": "monthly",
    "amount": "400.00",
    "by_month": None,
    "needed": "400.00",
    "underfunded": "0.00",
    "spending_left": None,
}
