"""Reconciling an account in its register, from the bank statement to the lock on its rows."""

from __future__ import annotations

import datetime as dt

import pytest
from selenium.webdriver.common.keys import Keys

from tests.browser.test_ledger import (  # noqa: F401 (ledger: a fixture)
    editor_input,
    ledger,
    set_date,
    signed_in,
    type_into,
    wait_rows,
)

pytestmark = pytest.mark.browser


def test_reconcile_a_statement_then_a_locked_row_asks_before_it_changes(browser, ledger):  # noqa: F811
    shop = ledger.add("-20.00", "Corner Shop", date=dt.date(2026, 3, 10))
    bakery = ledger.add("-30.00", "Bakery", date=dt.date(2026, 3, 12))
    later = ledger.add("-5.00", "Kiosk", date=dt.date(2026, 4, 2), status="cleared")
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 3)
    assert browser.find("[data-reconcile-bar]").get_attribute("class").count("d-none")

    browser.click("[data-reconcile]")
    browser.visible("#reconcile-dialog")
    set_date(browser, "#statement_date", dt.date(2026, 3, 31))
    browser.fill("#statement_balance", "950.00")
    browser.submit("#reconcile-form")
    browser.hidden("#reconcile-dialog")
    # The statement covers up to its date: April's cleared row is not in it.
    browser.wait_text('[data-rec="cleared_balance"]', "$1,000.00")
    browser.wait_text('[data-rec="difference"]', "-$50.00")
    assert not browser.find("[data-rec-finish]").is_enabled()
    assert browser.find("[data-rec-adjust]").text == "Finish with adjustment of -$50.00"

    for txn, difference in ((shop, "-$30.00"), (bakery, "$0.00")):
        browser.click(f'[data-txn-id="{txn.id}"] [data-field="status"] i')
        browser.wait_text('[data-rec="difference"]', difference)
    browser.click("[data-rec-finish]")
    browser.hidden("[data-reconcile-bar]")
    browser.wait_until(
        lambda _: len(browser.find_all("[data-rows] .bi-lock-fill")) == 2, "two locked rows"
    )
    assert [ledger.read(t.id).status for t in (shop, bakery, later)] == [
        "reconciled",
        "reconciled",
        "cleared",
    ]
    browser.wait_text('[data-balance="reconciled_balance"]', "$950.00")

    # A locked row: changing its amount asks first, naming the statement.
    path = f"/api/v1/books/{ledger.book_id}/transactions/{shop.id}"
    browser.console.expect_http_error(path, 409)
    browser.click(f'[data-txn-id="{shop.id}"]')
    type_into(browser, "out", "25.00")
    editor_input(browser, "out").send_keys(Keys.ENTER)
    asked = browser.dialog()
    assert "This row was reconciled with the statement of" in asked.text
    assert "($950.00). Change it anyway?" in asked.text
    asked.dismiss()
    assert ledger.read(shop.id).amount == -2000
    editor_input(browser, "out").send_keys(Keys.ENTER)
    browser.dialog().accept()
    browser.wait_until(lambda _: ledger.read(shop.id).amount == -2500, "the change made")

    # The history shows the reconciliation, changed since.
    browser.click("[data-reconcile-history]")
    browser.visible("#reconcile-history")
    browser.wait_text("[data-history-rows] td:nth-child(3)", "Finished, changed since")
    assert "$950.00" in browser.find("[data-history-rows] tr").text
