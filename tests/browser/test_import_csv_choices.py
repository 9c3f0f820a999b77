"""Issue 18's CSV choices in the import wizard: amounts reversed (ticked for a card's file that
writes charges as positive, and remembered), and importing the good lines while skipping the
unreadable ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from server.clock import local_today, utcnow
from server.db import Database
from server.domain.accounts import Account, AccountInput, create_account, get_account
from server.domain.books import list_books
from tests.api.test_import_csv_choices import BROKEN

pytestmark = pytest.mark.browser
FILES = Path(__file__).parents[1] / "fixtures" / "bankfiles"


def new_account(db: Database, user_id: int, kind: str, currency: str) -> tuple[int, Account]:
    with db.read() as conn:
        book = list_books(conn, user_id)[0].id
    account = AccountInput(
        name=kind.replace("_", " ").title(),
        type=kind,
        currency=currency,
        opening_balance="0",
        opening_date=dt.date(2025, 1, 1),
    )
    return book, create_account(db, book, account, now=utcnow())


def preview_file(browser, book: int, account: Account, file: Path) -> None:
    """Open the import page for the account and preview the file."""
    browser.open(f"/books/{book}/import?account={account.id}")
    browser.visible("#import-file").send_keys(str(file))
    browser.submit("#import-form")


def amounts(browser) -> list[str]:
    return [
        r.find_elements("css selector", "td")[5].text
        for r in browser.find_all("#preview-table tbody tr")
    ]


def test_a_card_file_is_read_reversed_and_the_card_remembers(browser, alex_account, server_db):
    book, card = new_account(server_db, alex_account.id, "credit_card", "USD")
    browser.sign_in("alex")
    preview_file(browser, book, card, FILES / "amex.csv")
    browser.wait_text(
        "[data-reversal-why]",
        "Ticked for you: 2 of the 3 amounts are positive: on a card, charges are money out, "
        "so this file seems to write them the other way round.",
    )
    assert browser.find("#amounts-reversed").is_selected()
    browser.wait_until(lambda _: amounts(browser)[:1] == ["-$84.12"], "charges as money out")

    browser.click("#amounts-reversed")  # the person knows better: as written
    browser.wait_until(lambda _: amounts(browser)[:1] == ["$84.12"], "amounts as written")
    assert not browser.find("[data-reversal-why]").is_displayed()
    browser.click("#amounts-reversed")
    browser.wait_until(lambda _: amounts(browser)[:1] == ["-$84.12"], "reversed again")
    browser.click("[data-confirm]")
    browser.wait_text("[data-done]", "Imported 3, skipped 0.")
    with server_db.read() as conn:
        assert get_account(conn, book, card.id, today=local_today()).balance == 51240 - 8412 - 2399

    # The next file of the card, same columns: ticked from the account's preset, no reason.
    preview_file(browser, book, card, FILES / "amex.csv")
    browser.wait_until(lambda _: amounts(browser)[:1] == ["-$84.12"], "read as the last file")
    assert browser.find("#amounts-reversed").is_selected()
    assert not browser.find("[data-reversal-why]").is_displayed()


def test_import_the_good_lines_and_skip_the_unreadable(browser, alex_account, server_db, tmp_path):
    book, checking = new_account(server_db, alex_account.id, "checking", "EUR")
    statement = tmp_path / "november.csv"
    statement.write_bytes(BROKEN.encode("cp1252"))
    browser.sign_in("alex")
    preview_file(browser, book, checking, statement)
    browser.wait_text(
        "[data-problems-text]",
        "2 lines cannot be read: fix the file or the columns above, or skip them.",
    )
    listed = [li.text for li in browser.find_all("[data-problems-list] li")]
    assert listed == [
        "Line 3: 31.11.2026 is not a date.",
        "Line 5: The amount 'viel' is not a number.",
    ]
    assert browser.find("[data-confirm]").get_attribute("disabled") is not None
    assert not browser.find("#amounts-reversed").is_selected()  # a checking account: no hint

    browser.wait_text("[data-skip]", "Import the 3 good lines and skip 2")
    browser.click("[data-skip]")
    browser.wait_text("[data-done]", "Imported 3, skipped 0. Left out 2 lines that cannot be read.")
    with server_db.read() as conn:
        assert get_account(conn, book, checking.id, today=local_today()).balance == 281870
    browser.wait_until(lambda _: browser.find_all("#history-table tbody tr"), "the history")
    browser.click("#history-table summary")
    browser.wait_text("#history-table summary", "2 lines left out as unreadable")
    history = [li.text for li in browser.find_all("#history-table details li")]
    assert history == listed
