"""The dashboard: a book at a glance, each figure from the place that owns it (reports,
budgets, accounts, schedules, the transaction list), so it agrees with the pages it links to.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from server.domain.accounts import Account, list_accounts
from server.domain.budgets import BudgetMonth, budget_month
from server.domain.occurrences import Upcoming, upcoming
from server.domain.reports import NetWorth, ReportFilters, add_months, month_of, net_worth
from server.domain.transaction_list import Filters, list_transactions
from server.domain.transactions import Transaction

TREND_MONTHS = 12
UPCOMING_DAYS = 14
RECENT = 8


@dataclass(frozen=True)
class Dashboard:
    month: str
    net_worth: list[NetWorth]  # per currency, the last TREND_MONTHS month ends
    budget: BudgetMonth
    accounts: list[Account]  # open ones
    upcoming: list[Upcoming]
    upcoming_until: date
    recent: list[Transaction]


def dashboard(conn: sqlite3.Connection, book_id: int, today: date) -> Dashboard:
    """The book today: net worth and its trend, this month's budget, balances, what is
    coming up and what happened last."""
    month = month_of(today)
    until = today + timedelta(days=UPCOMING_DAYS)
    return Dashboard(
        month=month,
        net_worth=net_worth(
            conn, book_id, ReportFilters(add_months(month, 1 - TREND_MONTHS), month), today=today
        ),
        budget=budget_month(conn, book_id, month),
        accounts=list_accounts(conn, book_id, today=today, include_archived=False),
        upcoming=upcoming(conn, book_id, until=until),
        upcoming_until=until,
        recent=list_transactions(conn, book_id, Filters(), RECENT).items,
    )
