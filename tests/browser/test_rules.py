"""Rules in the browser: make one, see a mistake at its field, order them, run them."""

from __future__ import annotations

import datetime as dt

import pytest
from selenium.webdriver.support.ui import Select

from server.clock import utcnow
from server.db import Database
from server.domain.categories import list_categories
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction, get_transaction
from tests.browser.test_import import current_account

pytestmark = pytest.mark.browser


def rule_names(browser) -> list[str]:
    return [e.text for e in browser.find_all("#rules [data-name]")]


def test_make_order_and_run_rules(browser, alex_account, server_db: Database):
    book, account = current_account(server_db, alex_account.id)
    now = utcnow()
    for day, payee, amount in ((3, "CORNER GROCER #114", "-23.10"), (4, "Gym", "-30.00")):
        create_transaction(
            server_db,
            book,
            TransactionInput(
                account_id=account.id, date=dt.date(2025, 4, day), amount=amount, payee=payee
            ),
            now=now,
        )
    with server_db.read() as conn:
        groceries = next(c for c in list_categories(conn, book) if c.name == "Groceries")

    browser.sign_in("alex")
    browser.open(f"/books/{book}/rules")
    browser.visible("#no-rules")
    browser.click("#new-rule")
    browser.fill("#rule-name", "Groceries")
    Select(browser.find("#rule-payee-match")).select_by_value("regex")
    browser.fill("#rule-payee-text", "grocer (")
    Select(browser.find("#rule-category")).select_by_value(str(groceries.id))
    browser.console.expect_http_error(f"/api/v1/books/{book}/rules", 422)
    browser.submit("#rule-form")
    assert "regular expression" in browser.field_error("#rule-form", "payee_text")

    browser.fill("#rule-payee-text", "grocer")
    Select(browser.find("#rule-payee-match")).select_by_value("contains")
    browser.fill("#rule-add-tags", "food, weekly")
    browser.submit("#rule-form")
    browser.wait_until(lambda _: rule_names(browser) == ["Groceries"], "the new rule")
    row = browser.find("#rules tr").text
    assert "payee contains “grocer”" in row and "Food: Groceries" in row and "food, weekly" in row

    browser.click("#new-rule")
    browser.fill("#rule-name", "Gym")
    Select(browser.find("#rule-payee-match")).select_by_value("equals")
    browser.fill("#rule-payee-text", "gym")
    browser.fill("#rule-set-payee", "City Gym")
    browser.submit("#rule-form")
    browser.wait_until(lambda _: rule_names(browser) == ["Groceries", "Gym"], "the second rule")
    browser.click('#rules tr:last-child [data-action="up"]')
    browser.wait_until(lambda _: rule_names(browser) == ["Gym", "Groceries"], "the new order")

    browser.click("#run-rules")
    browser.wait_text("#rule-run [data-summary]", "2 transactions would change.")
    changes = browser.find("#rule-run [data-changes]").text
    assert "Gym → City Gym" in changes and "none → Food: Groceries" in changes
    with server_db.read() as conn:  # a preview writes nothing
        assert (
            conn.execute("SELECT count(*) FROM transactions WHERE category_id").fetchone()[0] == 0
        )
    browser.click('#rule-run [data-action="apply"]')
    browser.wait_text("#rule-run [data-summary]", "Done: 2 transactions changed.")
    with server_db.read() as conn:
        grocer = conn.execute("SELECT id FROM transactions WHERE amount = -2310").fetchone()[0]
        stored = get_transaction(conn, book, grocer)
    assert (stored.category_id, stored.tags) == (groceries.id, ["food", "weekly"])

    browser.click('#rules tr:first-child [data-action="delete"]')
    browser.dialog().accept()
    browser.wait_until(lambda _: rule_names(browser) == ["Groceries"], "the rule gone")
