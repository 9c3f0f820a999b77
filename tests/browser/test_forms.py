"""Forms that speak plainly (issue 19): every bad field's message at once, a text's limit shown
instead of cut, the rule form that reads typed payee text as "contains", and bulk changes that
say what they did and show their tags. One live server, one walk through the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from server.clock import utcnow
from server.db import Database
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction
from tests.browser.test_import import current_account

pytestmark = pytest.mark.browser


def test_forms_answer_every_field_infer_contains_and_show_bulk_tags(
    browser, alex_account, server_db: Database
):
    book, account = current_account(server_db, alex_account.id)
    for day, payee in ((3, "CORNER GROCER"), (4, "Gym")):
        create_transaction(
            server_db,
            book,
            TransactionInput(
                account_id=account.id, date=dt.date(2025, 4, day), amount="-9.50", payee=payee
            ),
            now=utcnow(),
        )
    browser.sign_in("alex")

    # A form with two bad fields: a name past its limit (typed whole, its counter says so) and
    # a balance with too many decimals for GBP both answer at once.
    browser.open(f"/books/{book}")
    browser.click('[aria-controls="new-account"]')
    browser.fill("#account-name", "x" * 101)
    assert browser.find("#account-name").get_attribute("value") == "x" * 101
    browser.wait_text(
        "#account-form [data-length-counter]", "101 / 100: use at most 100 characters."
    )
    browser.fill("#account-currency", "GBP")
    browser.fill("#account-opening-balance", "1.234")
    browser.console.expect_http_error(f"/api/v1/books/{book}/accounts", 422)
    browser.submit("#account-form")
    assert (
        browser.field_error("#account-form", "name") == "Use at most 100 characters (this has 101)."
    )
    assert "2 decimals" in browser.field_error("#account-form", "opening_balance")

    # The rule form: payee text typed with no condition chosen makes it "contains".
    browser.open(f"/books/{book}/rules")
    browser.click("#new-rule")
    browser.fill("#rule-name", "Groceries")
    browser.fill("#rule-payee-text", "grocer")
    assert browser.find("#rule-payee-match").get_attribute("value") == "contains"
    browser.fill("#rule-add-tags", "food")
    browser.submit("#rule-form")
    browser.wait_text("#rules [data-when]", "payee contains “grocer”")

    # Tagging many: a message says what was done (with its Undo), and the rows show the tags.
    browser.open(f"/books/{book}/transactions")
    browser.wait_until(lambda _: len(browser.find_all("[data-rows] [data-txn]")) == 2, "the rows")
    browser.click("[data-select-all]")
    browser.fill("#bulk-tags", "holiday")
    browser.click('[data-bulk="tag"]')
    browser.wait_text("[data-undo-messages] .toast-body", "Tagged 2 transactions with holiday.")
    browser.visible('[data-undo-messages] [data-undo-action="undo"]')
    browser.wait_until(
        lambda _: len(browser.find_all('[data-rows] [data-tag="holiday"]')) == 2, "the tag chips"
    )
    browser.open(f"/books/{book}/accounts/{account.id}")
    browser.wait_until(
        lambda _: len(browser.find_all('[data-rows] [data-tag="holiday"]')) == 2,
        "the tag chips in the register",
    )
