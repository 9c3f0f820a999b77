"""The import wizard: upload, choose how dates read, preview duplicates, confirm, undo."""

from __future__ import annotations

import datetime as dt

import pytest
from selenium.webdriver.common.by import By

from server.clock import local_today, utcnow
from server.db import Database
from server.domain.accounts import Account, AccountInput, create_account, get_account
from server.domain.books import list_books
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction
from tests.unit.test_ofx_import import CHECKING_AND_SAVINGS

pytestmark = pytest.mark.browser

STATEMENT = (
    "Bank statement for account 12345678\n"
    "Generated 05/04/2025\n"
    "\n"
    "Date,Description,Money out,Money in,Balance\n"
    "03/04/2025,TESCO STORES 2231,12.40,,988.60\n"
    "02/04/2025,SALARY APRIL,,2100.00,1001.00\n"
    "01/04/2025,CAFÉ NERO,4.20,,-1099.00\n"
)


def shown_lines(browser) -> list[str]:
    return [r.get_attribute("data-line") for r in browser.find_all("#preview-table tbody tr")]


def current_account(db: Database, user_id: int) -> tuple[int, Account]:
    """The user's book and a new GBP account "Current" in it."""
    with db.read() as conn:
        book = list_books(conn, user_id)[0].id
    account = create_account(
        db,
        book,
        AccountInput(
            name="Current",
            type="checking",
            currency="GBP",
            opening_balance="0",
            opening_date=dt.date(2025, 1, 1),
        ),
        now=utcnow(),
    )
    return book, account


def test_import_a_statement_then_undo_it(browser, alex_account, server_db: Database, tmp_path):
    book, account = current_account(server_db, alex_account.id)
    create_transaction(
        server_db,
        book,
        TransactionInput(
            account_id=account.id, date=dt.date(2025, 4, 2), amount="2100.00", payee="Salary April"
        ),
        now=utcnow(),
    )
    statement = tmp_path / "april.csv"
    statement.write_bytes(STATEMENT.encode("cp1252"))

    browser.sign_in("alex")
    browser.open(f"/books/{book}/import")
    browser.visible("#import-file").send_keys(str(statement))
    browser.submit("#import-form")
    browser.visible("[data-date-choice]")
    assert browser.find("[data-confirm]").get_attribute("disabled") is not None
    labels = [e.text for e in browser.find_all("[data-date-options] label")]
    assert any("day/month/year" in text for text in labels)

    browser.click('[data-date-options] input[value="%d/%m/%Y"]')
    browser.wait_until(lambda _: shown_lines(browser) == ["5", "6", "7"], "the rows")
    row = browser.find('#preview-table tr[data-line="7"]').text
    assert "CAFÉ NERO" in row and "-£4.20" in row and "Apr 1, 2025" in row
    assert "already there" in browser.find('#preview-table tr[data-line="6"]').text
    assert "2 new, 1 already in the account" in browser.find("[data-summary]").text

    browser.click("[data-confirm]")
    browser.wait_text("[data-done]", "Imported 2, skipped 1.")
    browser.wait_until(lambda _: browser.find_all("#history-table tbody tr"), "the history")
    history = browser.find("#history-table tbody tr").text
    assert "april.csv" in history and "Current" in history
    with server_db.read() as conn:
        assert (
            get_account(conn, book, account.id, today=local_today()).balance == 210000 - 1240 - 420
        )

    browser.find("#history-table tbody tr").find_element(By.TAG_NAME, "button").click()
    browser.dialog().accept()
    browser.wait_until(
        lambda _: "undone" in browser.find("#history-table tbody tr").text, "the import undone"
    )
    with server_db.read() as conn:
        assert get_account(conn, book, account.id, today=local_today()).balance == 210000


def test_a_file_that_is_not_csv_is_refused_at_the_field(browser, alex_account, server_db, tmp_path):
    book, _ = current_account(server_db, alex_account.id)
    picture = tmp_path / "photo.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    browser.sign_in("alex")
    browser.open(f"/books/{book}/import")
    browser.console.expect_http_error(f"/api/v1/books/{book}/imports/preview", 422)
    browser.visible("#import-file").send_keys(str(picture))
    browser.submit("#import-form")
    assert "not a text file" in browser.field_error("#import-form", "content")
    assert not browser.find("#preview").is_displayed()


def test_a_large_file_imports_with_a_progress_bar(browser, alex_account, server_db, tmp_path):
    book, account = current_account(server_db, alex_account.id)
    statement = tmp_path / "year.csv"
    statement.write_text(
        "Date,Description,Amount\n"
        + "".join(
            f"2025-{1 + i % 12:02d}-{1 + i % 28:02d},Shop {i},-{i % 500}.25\n" for i in range(20000)
        ),
        encoding="utf-8",
    )
    browser.sign_in("alex")
    browser.open(f"/books/{book}/import")
    browser.visible("#import-file").send_keys(str(statement))
    browser.submit("#import-form")
    browser.wait_text(
        "[data-summary]",
        "20000 new, 0 already in the account (skipped unless ticked). "
        "The first 500 new rows are shown.",
    )
    assert len(shown_lines(browser)) == 500
    browser.driver.execute_script(
        """window.progressSeen = [];
        const bar = document.querySelector("[data-progress]");
        new MutationObserver(() => window.progressSeen.push(
            [bar.getAttribute("aria-valuenow"), bar.classList.contains("d-none")]
        )).observe(bar, {attributes: true});"""
    )
    browser.click("[data-confirm]")
    browser.wait_text("[data-done]", "Imported 20000, skipped 0.")
    seen = browser.driver.execute_script("return window.progressSeen")
    assert ["100", False] in seen  # shown while it ran, and full at the end
    assert seen[-1][1] is True  # hidden once done
    with server_db.read() as conn:
        assert (
            conn.execute(
                "SELECT count(*) FROM transactions WHERE account_id = ?", [account.id]
            ).fetchone()[0]
            == 20000
        )


def test_an_ofx_file_of_two_statements_asks_which(browser, alex_account, server_db, tmp_path):
    with server_db.read() as conn:
        book = list_books(conn, alex_account.id)[0].id
    savings = create_account(
        server_db,
        book,
        AccountInput(
            name="Savings",
            type="savings",
            currency="USD",
            opening_balance="0",
            opening_date=dt.date(2025, 1, 1),
        ),
        now=utcnow(),
    )
    download = tmp_path / "download.ofx"
    download.write_text(CHECKING_AND_SAVINGS, encoding="ascii")
    browser.sign_in("alex")
    browser.open(f"/books/{book}/import?account={savings.id}")
    browser.visible("#import-file").send_keys(str(download))
    browser.submit("#import-form")
    browser.visible("[data-statement-choice]")
    assert "OFX" in browser.find("[data-format]").text
    labels = [e.text for e in browser.find_all("[data-statement-options] label")]
    assert labels == [
        "Account …2653 (USD, 2 transactions)",
        "Account …8979 (USD, 2 transactions)",
    ]
    browser.click('[data-statement-options] input[value="1"]')
    browser.wait_until(lambda _: shown_lines(browser) == ["3", "4"], "the savings rows")
    assert "INTEREST PAYMENT" in browser.find('#preview-table tr[data-line="4"]').text
    browser.click("[data-confirm]")
    browser.wait_text("[data-done]", "Imported 2, skipped 0.")
    with server_db.read() as conn:
        assert get_account(conn, book, savings.id, today=local_today()).balance == 1241
