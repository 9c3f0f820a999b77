"""Several files at once on the Import page (issue 18.3): each matched to its account, one
"Import all", one Undo."""

from __future__ import annotations

import datetime as dt

import pytest
from selenium.webdriver.support.ui import Select

from server.bankfiles.files import read_bank_file
from server.clock import local_today, utcnow
from server.db import Database
from server.domain.accounts import AccountInput, create_account, get_account
from server.domain.books import list_books
from server.domain.imports import ImportInput, run_import
from tests.api.test_import_batches import CARD_DECEMBER, CARD_NOVEMBER, CASH, DECEMBER, NOVEMBER

pytestmark = pytest.mark.browser
MESSAGE = "[data-undo-messages] .toast-body"


def household(db: Database, user_id: int) -> tuple[int, dict[str, int]]:
    """Alex's book with four USD accounts, whose November files were imported one by one."""
    with db.read() as conn:
        book = list_books(conn, user_id)[0].id
    ids = {
        name: create_account(
            db,
            book,
            AccountInput(
                name=name,
                type=kind,
                currency="USD",
                opening_balance="0",
                opening_date=dt.date(2025, 1, 1),
            ),
            now=utcnow(),
        ).id
        for name, kind in [
            ("Checking", "checking"),
            ("Savings", "savings"),
            ("Card", "credit_card"),
            ("Cash", "cash"),
        ]
    }
    for account, data, statement in (
        ("Checking", NOVEMBER, 0),
        ("Savings", NOVEMBER, 1),
        ("Card", CARD_NOVEMBER, None),
    ):
        read = read_bank_file(data.encode(), statement=statement)
        order = ImportInput(ids[account], read, "november", user_id)
        run_import(db, book, order, now=utcnow())
    return book, ids


def balance(db: Database, book: int, account_id: int) -> int:
    with db.read() as conn:
        return get_account(conn, book, account_id, today=local_today()).balance


def test_several_files_are_matched_imported_all_at_once_and_undone_at_once(
    browser, alex_account, server_db: Database, tmp_path
):
    book, ids = household(server_db, alex_account.id)
    files = []
    for name, text in (("dec.ofx", DECEMBER), ("card-dec.csv", CARD_DECEMBER), ("cash.csv", CASH)):
        (tmp_path / name).write_text(text)
        files.append(str(tmp_path / name))

    browser.sign_in("alex")
    browser.open(f"/books/{book}/import")
    browser.visible("#import-file").send_keys("\n".join(files))
    browser.submit("#import-form")
    browser.visible("#batch")
    browser.wait_until(lambda _: len(browser.find_all("#batch-table tbody tr")) == 4, "4 items")
    rows = browser.find_all("#batch-table tbody tr")
    chosen = [
        Select(r.find_element("css selector", "select")).first_selected_option.text for r in rows
    ]
    assert chosen == ["Checking", "Savings", "Card", "Choose the account…"]
    assert "dec.ofx (…2653)" in rows[0].text and "by its bank account" in rows[0].text
    assert "by its columns" in rows[2].text
    assert "No account matches this file" in rows[3].text
    assert not browser.find("#preview").is_displayed()
    assert browser.find("[data-import-all]").get_attribute("disabled") is not None

    Select(browser.find('[data-batch-account="3"]')).select_by_visible_text("Cash")
    browser.wait_until(
        lambda _: browser.find("[data-import-all]").get_attribute("disabled") is None,
        "every file has its account",
    )
    assert [
        r.find_element("css selector", "[data-batch-new]").text
        for r in browser.find_all("#batch-table tbody tr")
    ] == ["1", "1", "2", "1"]
    rows = browser.find_all("#batch-table tbody tr")
    assert "by its bank account" in rows[1].text and "chosen" in rows[3].text
    browser.click("[data-import-all]")
    browser.wait_text(MESSAGE, "Imported 3 files · 5 transactions")
    browser.wait_until(
        lambda _: "cash.csv" in browser.find("#history-table tbody tr").text, "the history"
    )
    first = browser.find("#history-table tbody tr").text
    assert "dec.ofx, dec.ofx, card-dec.csv, cash.csv" in first and "Checking, Savings" in first
    assert len(browser.find_all("#history-table tbody tr")) == 4  # the batch is one entry
    assert balance(server_db, book, ids["Card"]) == -2000 - 4650
    assert balance(server_db, book, ids["Cash"]) == -800

    browser.click('[data-undo-messages] [data-undo-action="undo"]')
    # Undoing is a change of its own, said (with its own Undo) as every change is.
    browser.wait_text(MESSAGE, "Changed 4 imports, deleted 5 transactions")
    browser.wait_until(
        lambda _: "undone" in browser.find("#history-table tbody tr").text, "the batch undone"
    )
    assert balance(server_db, book, ids["Card"]) == -2000
    assert balance(server_db, book, ids["Cash"]) == 0
