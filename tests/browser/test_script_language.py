"""The scripts speak the browser's language: a German session sees the pages the scripts build
(the register's rows, editor and messages, the budget, the import preview and its confirm) in
German, with every {placeholder} filled. One server and one sign-in for the whole module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from server.auth.users import User
from server.clock import utcnow
from server.db import Database
from server.desktop.serving import RunningServer
from server.domain.accounts import Account, AccountInput, create_account
from server.domain.books import list_books
from server.domain.categories import list_categories
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction
from tests.browser.conftest import Browser
from tests.conftest import config_for, serving

pytestmark = pytest.mark.browser

GERMAN = "de-DE,de;q=0.9"
STATEMENT = "Date,Payee,Amount\n2025-03-03,Bakery,-3.80\n2025-03-04,Kiosk,-2.20\n"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One live server for the module (the browser fixture's server is this one)."""
    with serving(config_for(tmp_path_factory.mktemp("data"))) as running:
        yield running


@pytest.fixture
def german(browser: Browser) -> Iterator[Browser]:
    """The browser as a German user's: it asks for German pages and formats in de-DE."""
    driver = browser.driver
    agent = driver.execute_script("return navigator.userAgent")
    driver.execute_cdp_cmd(
        "Emulation.setUserAgentOverride", {"userAgent": agent, "acceptLanguage": GERMAN}
    )
    driver.execute_cdp_cmd("Emulation.setLocaleOverride", {"locale": "de-DE"})
    try:
        yield browser
    finally:
        driver.execute_cdp_cmd(
            "Emulation.setUserAgentOverride", {"userAgent": agent, "acceptLanguage": "en-US,en"}
        )
        driver.execute_cdp_cmd("Emulation.setLocaleOverride", {})


def _arrange(database: Database, user: User) -> tuple[int, Account, dict[str, int]]:
    """Alex's book, with an account "Giro" holding one grocery bill."""
    with database.read() as conn:
        book = list_books(conn, user.id)[0].id
        categories = {c.name: c.id for c in list_categories(conn, book)}
    account = create_account(
        database,
        book,
        AccountInput(name="Giro", type="checking", opening_date=dt.date(2025, 1, 1)),
        now=utcnow(),
    )
    bill = TransactionInput(
        account_id=account.id,
        date=dt.date(2025, 3, 2),
        amount="-12.40",
        payee="Corner Shop",
        category_id=categories["Groceries"],
    )
    create_transaction(database, book, bill, now=utcnow())
    return book, account, categories


def test_a_german_session_reads_the_scripts_in_german(
    german: Browser, alex_account: User, server_db: Database, tmp_path: Path
):
    browser = german
    book, account, categories = _arrange(server_db, alex_account)
    browser.sign_in("alex")

    # The register: its rows, the status button and a message of the editor, placeholders filled.
    browser.open(f"/books/{book}/accounts/{account.id}")
    row = browser.visible("[data-rows] [data-txn]")
    assert row.get_attribute("title") == "Zum Ändern klicken oder Eingabetaste drücken"
    status = row.find_element(By.CSS_SELECTOR, '[data-field="status"] button')
    assert status.get_attribute("aria-label") == "Offen: drücken, um zu bestätigen"
    browser.click("[data-add-row]")
    category = browser.visible('[data-rows] [data-editor] [name="category"]')
    category.send_keys("Food: Nonsense", Keys.ENTER)
    assert browser.field_error("[data-rows]", "category_id") == (
        "Es gibt keine Kategorie „Food: Nonsense“: Wählen Sie eine aus der Liste."
    )
    category.send_keys(Keys.ESCAPE)

    # The budget: the month in German words, the script's labels and its page title.
    browser.open(f"/books/{book}/budget?month=2025-03")
    browser.wait_text("#month-title", "März 2025")
    groceries = f'#budget tr[data-category-id="{categories["Groceries"]}"]'
    budgeted = browser.find(f"{groceries} [data-budgeted]")
    assert budgeted.get_attribute("aria-label") == "Budgetiert für Groceries"
    goal = browser.find(f"{groceries} [data-goal]")
    assert goal.text == "Ziel setzen"
    # The name starts with the visible words.
    assert goal.get_attribute("aria-label") == "Ziel setzen für Groceries"
    assert browser.driver.title.startswith("Budget · März 2025 · ")
    # The shortcuts' help: its sections and what the keys do, in German (the keys as typed).
    ActionChains(browser.driver).send_keys("?").perform()
    listed = browser.visible("#shortcuts-dialog").text
    for line in (
        "Diese Seite",
        "In einem Betrag: ihn speichern und zur nächsten Kategorie gehen",
        "Überall",
        "Ihre letzte Änderung im Buch rückgängig machen",
        "Ctrl+Enter",
    ):
        assert line in listed
    ActionChains(browser.driver).send_keys(Keys.ESCAPE).perform()
    browser.hidden("#shortcuts-dialog")

    # The import preview, its result and the confirm of its undo.
    statement = tmp_path / "maerz.csv"
    statement.write_text(STATEMENT, encoding="utf-8")
    browser.open(f"/books/{book}/import")
    browser.visible("#import-file").send_keys(str(statement))
    browser.submit("#import-form")
    browser.wait_text(
        "[data-summary]", "2 neu, 0 schon im Konto (werden übersprungen, außer angehakt)."
    )
    labels = [
        e.get_attribute("textContent") for e in browser.find_all("[data-column-choices] label")
    ]
    assert labels[:3] == ["Datum", "Betrag", "Ausgang"]
    assert browser.find("[data-format]").text == "Eine CSV-Datei."
    browser.click("[data-confirm]")
    browser.wait_text("[data-done]", "2 importiert, 0 übersprungen.")
    undo = browser.visible("#history-table tbody tr button")
    assert undo.text == "Rückgängig"
    undo.click()
    confirm = browser.dialog()
    assert confirm.text == "Die 2 Buchungen entfernen, die „maerz.csv“ hinzugefügt hat?"
    confirm.dismiss()
