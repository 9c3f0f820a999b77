"""Budget goals in the browser: set one, see what it needs, fill it; and "available to
budget" explained by parts that add up to it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from selenium.webdriver.support.ui import Select

from server.clock import utcnow
from server.db import Database
from server.domain.accounts import AccountInput, create_account
from server.domain.books import list_books
from server.domain.categories import list_categories
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction

pytestmark = pytest.mark.browser


def dollars(text: str) -> Decimal:
    """ "-$1,234.50" as a number."""
    return Decimal(text.replace("$", "").replace(",", ""))


def test_set_a_goal_fill_what_it_needs_and_read_available_to_budget(
    browser, alex_account, server_db: Database
):
    with server_db.read() as conn:
        (book,) = [b.id for b in list_books(conn, alex_account.id)]
        categories = {c.name: c.id for c in list_categories(conn, book)}
    account = create_account(
        server_db,
        book,
        AccountInput(name="Checking", type="checking", opening_date=dt.date(2025, 1, 1)),
        now=utcnow(),
    )
    # Paid in February: March has no income of its own, and still money to budget.
    create_transaction(
        server_db,
        book,
        TransactionInput(
            account_id=account.id,
            date=dt.date(2025, 2, 27),
            amount="2000.00",
            category_id=categories["Salary"],
        ),
        now=utcnow(),
    )
    groceries = categories["Groceries"]
    row = f'#budget tr[data-category-id="{groceries}"]'

    browser.sign_in("alex")
    browser.open(f"/books/{book}/budget?month=2025-03")
    browser.wait_text("#month-title", "March 2025")
    browser.wait_text("#available-to-budget", "$2,000.00")

    def parts() -> dict[str, str]:
        cells = browser.find_all("#to-budget-parts [data-part]")
        return {c.get_attribute("data-part"): c.text for c in cells}

    assert parts() == {
        "income_before": "$2,000.00",
        "budgeted_before": "$0.00",
        "income": "$0.00",
        "budgeted": "$0.00",
        "available": "$2,000.00",
    }
    assert browser.find('#to-budget-parts [data-label="income"]').text == "+ income in March 2025"

    # A goal: 250 every month.
    assert browser.find(f"{row} [data-goal]").text == "Set goal"
    browser.click(f"{row} [data-goal]")
    browser.visible("#goal-dialog")
    browser.wait_text("#goal-dialog-title", "Goal for Groceries")
    Select(browser.find("#goal-kind")).select_by_value("monthly")
    assert not browser.find("#goal-by-month").is_displayed()  # a target's only
    # A mistake stays at its field, with the server's message.
    browser.console.expect_http_error(f"/api/v1/books/{book}/categories/{groceries}/goal", 422)
    browser.fill("#goal-amount", "0")
    browser.submit("#goal-form")
    assert "above zero" in browser.field_error("#goal-form", "amount")
    browser.fill("#goal-amount", "250")
    browser.submit("#goal-form")
    browser.hidden("#goal-dialog")
    browser.wait_text(f"{row} [data-goal-status]", "Needs $250.00")
    assert browser.find(f"{row} [data-goal]").text == "$250.00 a month"
    browser.wait_text("#to-fund", "$250.00 to fund all goals")

    # Fill: underfunded budgets what the goal needs, and nothing is left to fund.
    browser.click("#fill-month")
    assert "($250.00)" in browser.find('[data-copy="underfunded"]').text
    browser.click('[data-copy="underfunded"]')
    browser.wait_text(f"{row} [data-goal-status]", "Funded")
    assert browser.find(f"{row} [data-budgeted]").get_attribute("value") == "250.00"
    assert browser.find("#to-fund").text == ""
    browser.wait_text("#available-to-budget", "$1,750.00")
    shown = parts()
    assert shown["budgeted"] == "$250.00"
    assert dollars(shown["income_before"]) - dollars(shown["budgeted_before"]) + dollars(
        shown["income"]
    ) - dollars(shown["budgeted"]) == dollars(shown["available"])
    assert shown["available"] == browser.find("#available-to-budget").text

    # The goal changes to a cap on spending, then goes.
    browser.click(f"{row} [data-goal]")
    browser.visible("#goal-dialog")
    Select(browser.find("#goal-kind")).select_by_value("spend_up_to")
    browser.fill("#goal-amount", "300")
    browser.submit("#goal-form")
    browser.hidden("#goal-dialog")
    browser.wait_text(f"{row} [data-goal-status]", "$300.00 left")
    browser.click(f"{row} [data-goal]")
    browser.visible("#goal-dialog")
    browser.click("#goal-form [data-remove-goal]")
    browser.hidden("#goal-dialog")
    browser.wait_text(f"{row} [data-goal]", "Set goal")
    browser.console.assert_clean()
