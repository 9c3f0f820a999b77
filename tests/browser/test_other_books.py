"""Bringing a whole book from another app in the browser: choose the app (its hint says how to
export), choose the file, read each account's balance against the source's, open the book."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import Select

from tests.api.test_other_books import BEANCOUNT, GNUCASH
from tests.browser.test_books import overview_book

pytestmark = pytest.mark.browser
FORM = "#other-book-form"


def test_bring_a_beancount_ledger_from_the_first_steps(browser, alex_account):
    browser.sign_in("alex")
    browser.visible("#first-steps")
    browser.click('#first-steps [data-bs-target="#other-book-dialog"]')
    browser.visible(FORM)
    app = Select(browser.find("#other-app"))
    app.select_by_value("gnucash")
    assert "saved as SQLite or as compressed XML" in browser.find("#other-app-hint").text
    browser.submit(FORM)
    assert browser.field_error(FORM, "content") == "Choose the file to bring over."

    # A ledger offered as a GnuCash book: refused at the file, saying why; nothing made.
    browser.console.expect_http_error("/api/v1/books/import/gnucash", 422)
    browser.find("#other-book-file").send_keys(str(BEANCOUNT / "household.beancount"))
    browser.submit(FORM)
    browser.wait_until(
        lambda _: "not a GnuCash book" in browser.field_error(FORM, "content"), "the refusal"
    )

    app.select_by_value("beancount")
    assert "Fava reads the same file" in browser.find("#other-app-hint").text
    browser.find("#other-book-file").send_keys(str(BEANCOUNT / "household.beancount"))
    browser.fill("#other-book-name", "From Fava")
    browser.submit(FORM)
    summary = browser.visible("#other-book-summary")
    assert "Every account holds what the other app says" in summary.text
    rows = {
        row.get_attribute("data-account"): row.find_element(
            "css selector", '[data-field="equal"]'
        ).text
        for row in summary.find_elements("css selector", "tbody tr")
    }
    assert rows == dict.fromkeys(["Checking", "Savings", "Cash", "Visa", "Old-Account"], "Same")
    assert (
        "Balance assertion failed" in browser.find('#other-book-summary [data-field="notes"]').text
    )
    browser.click('#other-book-summary [data-field="open"]')
    browser.wait_until(lambda _: overview_book(browser) == "From Fava", "the new book shown")


def test_bring_a_gnucash_book_from_the_books_page(browser, alex_account):
    browser.sign_in("alex")
    browser.click('[data-bs-target="#other-book-dialog"]')
    Select(browser.visible("#other-app")).select_by_value("gnucash")
    browser.find("#other-book-file").send_keys(str(GNUCASH / "household-xml.gnucash"))
    browser.submit(FORM)
    summary = browser.visible("#other-book-summary")
    assert "The book household-xml is made." in summary.text
    assert "Acme Shares" in browser.find('#other-book-summary [data-field="notes"]').text
    browser.wait_until(
        lambda _: (
            "household-xml" in [e.text for e in browser.find_all('#books [data-field="name"]')]
        ),
        "the new book listed",
    )
