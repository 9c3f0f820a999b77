"""Undo and redo in the page: a message after each change with its Undo, and Ctrl+Z /
Ctrl+Shift+Z on every page of a book, which then shows the book as it is again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.test_ledger import ledger, signed_in, wait_listed

pytestmark = pytest.mark.browser
__all__ = ["ledger"]  # the fixture, shared with the ledger's tests

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MESSAGES = "[data-undo-messages]"
MESSAGE = MESSAGES + " .toast-body"


def wait_message(browser, text: str) -> None:
    """Wait for the message (read in one go: the page may be loading again meanwhile)."""
    browser.wait_until(
        lambda driver: (
            driver.execute_script(
                "const m = document.querySelector(arguments[0]); return m && m.textContent", MESSAGE
            )
            == text
        ),
        f"the message {text!r}",
    )


def press(browser, *keys: str) -> None:
    """Press a key combination on the page (focus outside any text field)."""
    chain = ActionChains(browser.driver)
    for key in keys[:-1]:
        chain.key_down(key)
    chain.send_keys(keys[-1])
    for key in reversed(keys[:-1]):
        chain.key_up(key)
    chain.perform()


def test_a_bulk_delete_is_undone_with_ctrl_z_and_redone_with_ctrl_shift_z(browser, ledger):
    for payee in ("Corner Shop", "Bakery", "Fuel Station"):
        ledger.add("-5.00", payee)
    signed_in(browser, f"/books/{ledger.book_id}/transactions")
    wait_listed(browser, ["Fuel Station", "Bakery", "Corner Shop"])

    browser.click("[data-select-all]")
    browser.wait_text("[data-selected-count]", "3 selected")
    browser.click('[data-bulk="delete"]')
    browser.dialog().accept()
    wait_listed(browser, [])
    wait_message(browser, "Deleted 3 transactions.")  # the page's words for a bulk change
    assert browser.find(MESSAGES).get_attribute("aria-live") == "polite"
    assert browser.find(MESSAGES + " [data-undo-action]").text == "Undo"

    browser.find("main h1").click()  # focus on the page, not in a field
    press(browser, Keys.CONTROL, "z")
    wait_listed(browser, ["Fuel Station", "Bakery", "Corner Shop"])
    wait_message(browser, "Undone: Deleted 3 transactions")
    assert len(ledger.transactions()) == 3
    assert ledger.balance(ledger.checking) == 100_000 - 1_500

    browser.find("main h1").click()
    press(browser, Keys.CONTROL, Keys.SHIFT, "z")
    wait_listed(browser, [])
    wait_message(browser, "Redone: Deleted 3 transactions")
    assert ledger.transactions() == []
    assert ledger.balance(ledger.checking) == 100_000


def test_the_messages_undo_button_and_typing_keep_their_own_ctrl_z(browser, ledger):
    shop = ledger.add("-5.00", "Corner Shop")
    signed_in(browser, f"/books/{ledger.book_id}/transactions")
    wait_listed(browser, ["Corner Shop"])
    browser.click("[data-select-all]")
    browser.wait_text("[data-selected-count]", "1 selected")
    browser.fill("#bulk-tags", "receipts")
    browser.click('[data-bulk="tag"]')
    wait_message(browser, "Tagged 1 transaction with receipts.")
    assert ledger.read(shop.id).tags == ["receipts"]

    browser.fill("#filter-q", "shop")
    press(browser, Keys.CONTROL, "z")  # in a text field: the field's own undo, not the book's
    assert ledger.read(shop.id).tags == ["receipts"]

    browser.click(MESSAGES + " [data-undo-action]")
    wait_message(browser, "Undone: Changed transaction 'Corner Shop' of 2026-03-14")
    assert ledger.read(shop.id).tags == []
    browser.click(MESSAGES + " [data-undo-action='redo']")
    wait_message(browser, "Redone: Changed transaction 'Corner Shop' of 2026-03-14")
    assert ledger.read(shop.id).tags == ["receipts"]


@pytest.mark.skipif(
    os.environ.get("TALLYBOOK_SCREENSHOTS") != "1",
    reason="set TALLYBOOK_SCREENSHOTS=1 to refresh docs/screenshots/",
)
def test_screenshot(browser, ledger):
    for payee, amount in (
        ("Corner Shop", "-23.40"),
        ("Bakery", "-4.80"),
        ("Fuel Station", "-61.25"),
        ("Employer", "2450.00"),
        ("Landlord", "-950.00"),
    ):
        ledger.add(amount, payee)
    browser.set_viewport(1280, 800)
    try:
        signed_in(browser, f"/books/{ledger.book_id}/transactions")
        wait_listed(browser, ["Landlord", "Employer", "Fuel Station", "Bakery", "Corner Shop"])
        for row in browser.find_all("[data-rows] [data-txn]")[2:]:
            row.find_element(By.CSS_SELECTOR, "[data-select]").click()
        browser.wait_text("[data-selected-count]", "3 selected")
        browser.click('[data-bulk="delete"]')
        browser.dialog().accept()
        wait_listed(browser, ["Landlord", "Employer"])
        wait_message(browser, "Deleted 3 transactions.")
        browser.driver.save_screenshot(str(SCREENSHOTS / "undo.png"))
    finally:
        browser.reset_viewport()
