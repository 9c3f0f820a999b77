"""The budget in the browser: budget a month inline, see it add up, copy it to the next."""

from __future__ import annotations

import datetime as dt

import pytest
from selenium.webdriver.common.keys import Keys

from server.clock import utcnow
from server.db import Database
from server.domain.accounts import AccountInput, create_account
from server.domain.books import list_books
from server.domain.categories import list_categories
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction

pytestmark = pytest.mark.browser


def line(browser, category_id: int, part: str) -> str:
    return browser.find(f'#budget tr[data-category-id="{category_id}"] [data-{part}]').text


def type_into(browser, css: str, text: str) -> None:
    """Replace what a field holds, as a person does (select all, type), and press Enter."""
    browser.find(css).send_keys(Keys.CONTROL, "a")
    browser.find(css).send_keys(text, Keys.ENTER)


def test_budget_a_month_inline_and_copy_it(browser, alex_account, server_db: Database):
    with server_db.read() as conn:
        (book,) = [b.id for b in list_books(conn, alex_account.id)]
    account = create_account(
        server_db,
        book,
        AccountInput(name="Checking", type="checking", opening_date=dt.date(2025, 1, 1)),
        now=utcnow(),
    )
    with server_db.read() as conn:
        categories = {c.name: c.id for c in list_categories(conn, book)}
    for day, amount, category in ((2, "2000.00", "Salary"), (5, "-120.40", "Groceries")):
        create_transaction(
            server_db,
            book,
            TransactionInput(
                account_id=account.id,
                date=dt.date(2025, 3, day),
                amount=amount,
                category_id=categories[category],
            ),
            now=utcnow(),
        )
    groceries = categories["Groceries"]

    browser.sign_in("alex")
    browser.open(f"/books/{book}/budget?month=2025-03")
    browser.wait_text("#month-title", "March 2025")
    assert line(browser, groceries, "activity") == "-$120.40"
    assert browser.find("#available-to-budget").text == "$2,000.00"

    cell = f'#budget tr[data-category-id="{groceries}"] [data-budgeted]'
    type_into(browser, cell, "100")
    browser.wait_until(lambda _: line(browser, groceries, "available") == "-$20.40", "overspent")
    row = browser.find(f'#budget tr[data-category-id="{groceries}"]')
    assert "table-danger" in row.get_attribute("class")
    assert browser.find("#available-to-budget").text == "$1,900.00"
    assert browser.find("#total-budgeted").text == "$100.00"

    # A mistake stays at the field, with the server's message; nothing changes.
    browser.console.expect_http_error(
        f"/api/v1/books/{book}/budgets/2025-03/categories/{groceries}", 422
    )
    type_into(browser, cell, "-5")
    browser.wait_until(
        lambda _: "zero or more" in browser.find(f"{cell} + [data-error]").text, "the message"
    )
    assert browser.find("#total-budgeted").text == "$100.00"

    # The next month, filled from this one.
    browser.click("#next-month")
    browser.wait_text("#month-title", "April 2025")
    assert browser.find(cell).get_attribute("value") == "0.00"
    browser.click("#fill-month")
    browser.click('[data-copy="last_month"]')
    browser.wait_until(
        lambda _: browser.find(cell).get_attribute("value") == "100.00", "the copied budget"
    )
    assert line(browser, groceries, "available") == "$100.00"

    # The category's name opens its transactions of the month.
    browser.click("#previous-month")
    browser.wait_text("#month-title", "March 2025")
    browser.click(f'#budget tr[data-category-id="{groceries}"] a[data-name]')
    browser.wait_for_path(f"/books/{book}/transactions")
    assert browser.query["category"] == [str(groceries)]
    assert browser.query["date_from"] == ["2025-03-01"]
    assert browser.query["date_to"] == ["2025-03-31"]
    browser.console.assert_clean()
