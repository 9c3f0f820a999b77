"""Importing a QIF file of several accounts in the browser: choose the account, map the file's
category and transfer account to the book's own, confirm (issue 18)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import Select

from server.clock import local_today, utcnow
from server.domain.accounts import AccountInput, create_account, get_account
from server.domain.books import list_books
from server.domain.categories import list_categories

pytestmark = pytest.mark.browser

QUICKEN = Path(__file__).parent.parent / "fixtures" / "qif" / "quicken_all_accounts.qif"


def new_account(db, book: int, name: str, kind: str) -> int:
    made = AccountInput(
        name=name,
        type=kind,
        currency="USD",
        opening_balance="0",
        opening_date=dt.date(2025, 1, 1),
    )
    return create_account(db, book, made, now=utcnow()).id


def chosen_for(browser, row: str) -> None:
    """Wait until the preview, run again, says the name of `row` is mapped as chosen."""
    browser.wait_until(
        lambda _: "your choice" in browser.find(row + " td:last-child").text,
        f"{row} to say it is mapped",
    )


def test_the_mapping_step_links_the_files_names_to_the_books(browser, alex_account, server_db):
    with server_db.read() as conn:
        book = list_books(conn, alex_account.id)[0].id
        rent = next(c for c in list_categories(conn, book) if c.name == "Rent/Mortgage")
    checking = new_account(server_db, book, "Checking", "checking")
    rainy_day = new_account(server_db, book, "Rainy day", "savings")
    browser.sign_in("alex")
    browser.open(f"/books/{book}/import?account={checking}")
    browser.visible("#import-file").send_keys(str(QUICKEN))
    browser.submit("#import-form")
    browser.visible("[data-statement-choice]")
    labels = [e.text for e in browser.find_all("[data-statement-options] label")]
    assert labels == [
        "Account “Checking” (bank, 5 transactions)",
        "Account “Savings” (bank, 4 transactions)",
        "Account “Brokerage” (investment: not imported, 1 transaction)",
    ]
    browser.click('[data-statement-options] input[value="0"]')
    browser.visible("[data-import-mapping]")
    row = '[data-import-mapping] tr[data-link="{}"]'
    assert "no such account" in browser.find(row.format("account:Savings")).text
    assert "new: created on import" in browser.find(row.format("category:Housing:Rent")).text
    assert "split: Income:Salary 3000.00" in browser.find('#preview-table tr[data-line="34"]').text

    Select(browser.find(row.format("account:Savings") + " select")).select_by_visible_text(
        "Rainy day"
    )
    chosen_for(browser, row.format("account:Savings"))
    Select(browser.find(row.format("category:Housing:Rent") + " select")).select_by_visible_text(
        "Rent/Mortgage"
    )
    chosen_for(browser, row.format("category:Housing:Rent"))
    assert "your choice" in browser.find(row.format("account:Savings")).text  # both kept
    browser.click("[data-confirm]")
    browser.wait_text("[data-done]", "Imported 5, skipped 0.")
    with server_db.read() as conn:
        assert get_account(conn, book, rainy_day, today=local_today()).balance == 50000
        (category,) = conn.execute(
            "SELECT category_id FROM transactions WHERE account_id = ? AND amount = -90000",
            [checking],
        ).fetchone()
        assert category == rent.id
        assert not [c for c in list_categories(conn, book) if c.name == "Rent"]
