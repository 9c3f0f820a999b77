"""A demo book: two years of a household's money, to explore Tallybook with.

Deterministic for a given seed and end date: salary, rent and bills, groceries and meals out on
a credit card paid off every month, savings transfers, cash, and a split purchase; a budget
for every month, and the rent and the phone bill scheduled from next month on.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from server.db import Database
from server.domain.accounts import AccountInput, create_account
from server.domain.books import Book, create_book, get_book
from server.domain.money import format_amount
from server.domain.schedules import ScheduleInput, create_schedule
from server.domain.transaction_rules import SplitInput, TransactionInput
from server.domain.transactions import create_transaction

MONTHS = 24
# What the demo household plans to spend each month, in cents.
BUDGET = {
    "Rent/Mortgage": 115000,
    "Utilities": 11000,
    "Phone & internet": 4500,
    "Subscriptions": 1300,
    "Groceries": 42000,
    "Restaurants": 12000,
    "Fuel": 11000,
    "Car": 6000,
    "Clothing": 4000,
}
DEMO_BOOK_NAME = "Demo household"


def _months(end: date, count: int) -> list[date]:
    """Return the first days of the `count` months up to and including `end`'s month."""
    first = end.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return months[::-1]


def create_demo_book(
    database: Database, user_id: int, *, now: datetime, currency: str = "EUR", seed: int = 2026
) -> Book:
    """Create a book full of realistic transactions for `user_id`, all in one transaction."""
    rnd = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    today = now.date()
    start = _months(today, MONTHS)[0]
    with database.write() as db:
        book = create_book(database, user_id, name=DEMO_BOOK_NAME, currency=currency, now=now)
        categories = {
            row["name"]: row["id"]
            for row in db.execute("SELECT id, name FROM categories WHERE book_id = ?", [book.id])
        }

        def account(name: str, kind: str, opening: str) -> int:
            return create_account(
                database,
                book.id,
                AccountInput(
                    name=name,
                    type=kind,
                    currency=currency,
                    opening_balance=opening,
                    opening_date=start,
                ),
                now=now,
            ).id

        checking = account("Checking", "checking", "2400.00")
        savings = account("Savings", "savings", "8000.00")
        card = account("Credit card", "credit_card", "0")
        cash = account("Cash", "cash", "60.00")

        def money(cents: int) -> str:
            return format_amount(cents, currency)

        def add(
            day: date,
            account_id: int,
            cents: int,
            payee: str,
            category: str | None = None,
            **extra: object,
        ) -> None:
            if day > today:
                return
            age = (today - day).days
            status = "reconciled" if age > 45 else "cleared" if age > 5 else "uncleared"
            create_transaction(
                database,
                book.id,
                TransactionInput(
                    account_id=account_id,
                    date=day,
                    amount=money(cents),
                    payee=payee,
                    category_id=categories.get(category) if category else None,
                    status=status,
                    **extra,
                ),
                now=now,
            )

        card_spent = 0
        for month in _months(today, MONTHS):

            def on(day: int, month: date = month) -> date:
                return month.replace(day=min(day, 28))

            if card_spent:  # pay off last month's card
                add(on(5), checking, -card_spent, "Card payment", transfer_account_id=card)
            card_spent = 0
            add(on(1), checking, -115000, "City Apartments", "Rent/Mortgage")
            add(on(3), checking, -rnd.randrange(7000, 14000), "Power & Water Co", "Utilities")
            add(on(8), checking, -4500, "Telco", "Phone & internet")
            add(on(12), checking, -1299, "StreamFlix", "Subscriptions", tags=["online"])
            add(on(25), checking, 320000, "Acme Corp", "Salary", memo="Monthly salary")
            add(on(26), checking, -30000, "Savings plan", transfer_account_id=savings)
            add(on(15), checking, -10000, "ATM", transfer_account_id=cash)
            if month.month == 12:
                add(on(20), checking, 150000, "Acme Corp", "Salary", memo="Year-end bonus")
            if month.month in (3, 9):
                add(on(18), checking, -rnd.randrange(20000, 45000), "Car Service", "Car")
            for week in range(4):
                cents = rnd.randrange(4000, 14000)
                card_spent += cents
                shop = rnd.choice(["FreshMart", "Corner Grocer", "Organic Market"])
                add(on(2 + week * 7), card, -cents, shop, "Groceries", tags=["food"])
            for _ in range(3):
                cents = rnd.randrange(1500, 7000)
                card_spent += cents
                place = rnd.choice(["Pizza Place", "Sushi Bar", "Café Central"])
                add(
                    on(rnd.randrange(1, 29)),
                    card,
                    -cents,
                    place,
                    "Restaurants",
                    tags=["food", "eating out"],
                )
            for day in (9, 23):
                cents = rnd.randrange(4000, 7000)
                card_spent += cents
                add(on(day), card, -cents, "Shell", "Fuel")
            groceries, clothes = rnd.randrange(3000, 6000), rnd.randrange(2000, 6000)
            card_spent += groceries + clothes
            add(
                on(17),
                card,
                -(groceries + clothes),
                "Hypermarket",
                memo="Weekly shop and a shirt",
                splits=[
                    SplitInput(money(-groceries), categories["Groceries"]),
                    SplitInput(money(-clothes), categories["Clothing"]),
                ],
            )
            for day in (6, 19):
                add(on(day), cash, -rnd.randrange(300, 1800), "Bakery", "Groceries")
            add(on(28), savings, rnd.randrange(500, 1500), "Savings bank", "Interest")
        # A budget for every month, a little tight for groceries; the car saves up for its
        # service twice a year (rollover).
        db.conn.executemany(
            "INSERT INTO budgets (category_id, month, amount) VALUES (?, ?, ?)",
            [
                (categories[name], f"{month:%Y-%m}", cents)
                for month in _months(today, MONTHS)
                for name, cents in BUDGET.items()
            ],
        )
        db.execute("UPDATE categories SET rollover = 1 WHERE id = ?", [categories["Car"]])
        first_of_next = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        for payee, cents, category in (
            ("City Apartments", -115000, "Rent/Mortgage"),
            ("Telco", -4500, "Phone & internet"),
        ):
            schedule = ScheduleInput(
                account_id=checking,
                amount=money(cents),
                frequency="monthly",
                start_date=first_of_next,
                payee=payee,
                category_id=categories[category],
            )
            create_schedule(database, book.id, schedule, now=now)
        return get_book(db.conn, user_id, book.id)
