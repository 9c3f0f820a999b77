"""Rows dated ahead, as a person sees them: one net worth on the Accounts page, the Overview
and the reports (as of today), the register setting what lies ahead apart, and a date more
than a year ahead kept only once confirmed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from selenium.webdriver.common.by import By

from server.auth.users import User
from server.clock import local_today, utcnow
from server.db import Database
from server.domain.accounts import Account, AccountInput, create_account
from server.domain.books import list_books
from server.domain.reports import month_of
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction
from tests.browser.conftest import Browser
from tests.browser.test_ledger import editor_input, register_rows, replace_text, set_date

pytestmark = pytest.mark.browser


@dataclass
class Book:
    id: int
    checking: Account
    savings: Account


def _day(offset: int) -> dt.date:
    return local_today() + dt.timedelta(days=offset)


@pytest.fixture
def book(server_db: Database, alex_account: User) -> Book:
    """Alex's book (dollars): an opening balance dated ahead, rows today, later this month,
    next month and years ahead, and a transfer dated ahead."""
    with server_db.read() as conn:
        book_id = list_books(conn, alex_account.id)[0].id

    def account(name: str, opening: str, opened: dt.date) -> Account:
        data = AccountInput(
            name=name,
            type="checking",
            opening_balance=opening,
            opening_date=opened,
            confirm_far_date=True,
        )
        return create_account(server_db, book_id, data, now=utcnow())

    checking = account("Checking", "1000.00", _day(-60))
    savings = account("Savings", "500.00", _day(10))
    for offset, amount, payee in (
        (-20, "-120.00", "Grocer"),
        (0, "-30.00", "Lunch"),
        (1, "-300.00", "Rent"),
        (40, "-75.00", "Insurance"),
        (600, "-1234.56", "Far away"),
    ):
        data = TransactionInput(
            account_id=checking.id,
            date=_day(offset),
            amount=amount,
            payee=payee,
            confirm_far_date=True,
        )
        create_transaction(server_db, book_id, data, now=utcnow())
    transfer = TransactionInput(
        account_id=checking.id,
        date=_day(5),
        amount="-200.00",
        transfer_account_id=savings.id,
    )
    create_transaction(server_db, book_id, transfer, now=utcnow())
    return Book(book_id, checking, savings)


def _figure(browser: Browser, css: str) -> str:
    browser.wait_until(lambda _: browser.find(css).text.strip(), css)
    return browser.find(css).text.strip()


def test_the_same_net_worth_on_every_page_for_a_book_with_rows_dated_ahead(
    browser: Browser, book: Book
):
    # As of today: 1000.00 - 120.00 - 30.00 in checking; savings not opened yet.
    today_worth, projected = "$850.00", "-$259.56"  # projected: -959.56 + 700.00
    browser.sign_in("alex")
    browser.open(f"/books/{book.id}")
    assert _figure(browser, "[data-net-worth]") == today_worth
    browser.visible("[data-projected-worth]")
    assert browser.find("[data-projected-worth] [data-field=projected]").text == projected

    browser.open("/")
    browser.visible("#dashboard")
    browser.wait_until(lambda _: browser.find_all("#net-worth .fs-4"), "the net worth")
    assert _figure(browser, "#net-worth .fs-4") == today_worth

    browser.open(f"/books/{book.id}/reports?report=net-worth")
    month = month_of(local_today())
    cell = f'#report-parts tr[data-month="{month}"] [data-figure="amount"]'
    assert _figure(browser, cell) == today_worth

    # The register: today's balance, the projected one, and the rows dated ahead set apart.
    browser.open(f"/books/{book.id}/accounts/{book.checking.id}")
    assert _figure(browser, '[data-balance="balance"]') == today_worth
    browser.visible("[data-projected]")
    assert browser.find('[data-balance="balance_projected"]').text == "-$959.56"
    browser.wait_until(lambda _: len(register_rows(browser)) == 6, "the register's rows")
    lines = [line.text for line in browser.find_all("[data-rows] [data-ahead-line]")]
    assert len(lines) == 2 and lines[0].startswith("Upcoming") and lines[1].startswith("Today")
    body = browser.find("[data-rows]").find_elements(By.CSS_SELECTOR, "tr")
    order = [
        "line" if row.get_attribute("data-ahead-line") is not None else row.text.split("\n")[0]
        for row in body
    ]
    assert order[0] == "line" and order.index("line", 1) == 5  # four rows ahead, then today
    today_row = register_rows(browser)[4]
    assert today_row["payee"] == "Lunch" and today_row["balance"] == today_worth
    browser.console.assert_clean()


def test_a_date_more_than_a_year_ahead_is_kept_once_confirmed(browser: Browser, book: Book):
    browser.sign_in("alex")
    browser.open(f"/books/{book.id}/accounts/{book.checking.id}")
    browser.wait_until(lambda _: len(register_rows(browser)) == 6, "the register's rows")
    browser.click("[data-add-row]")
    far = local_today().replace(year=local_today().year + 3, day=1)
    set_date(browser, "[data-rows] [data-editor] [name=date]", far)
    replace_text(editor_input(browser, "payee"), "Typo year")
    replace_text(editor_input(browser, "out"), "12.00")
    browser.console.expect_http_error(f"/api/v1/books/{book.id}/transactions", 422)
    browser.click("[data-rows] [data-editor] [data-save]")
    message = browser.visible('[data-rows] [data-error-for="date"]')
    browser.wait_until(lambda _: "more than a year ahead" in message.text, "the date's message")
    assert len(register_rows(browser)) == 6  # nothing saved yet
    browser.click("[data-rows] [data-confirm-far-date]")
    browser.wait_until(lambda _: len(register_rows(browser)) == 7, "the confirmed row")
    assert register_rows(browser)[0]["payee"] == "Typo year"


def test_an_opening_date_far_ahead_is_kept_once_confirmed(browser: Browser, book: Book):
    browser.sign_in("alex")
    browser.open(f"/books/{book.id}")
    browser.click('[data-bs-target="#new-account"]')
    browser.visible("#account-form")
    browser.fill("#account-name", "Pension")
    browser.fill("#account-opening-balance", "40000")
    set_date(browser, "#account-opening-date", dt.date(2207, 1, 1))
    browser.console.expect_http_error(f"/api/v1/books/{book.id}/accounts", 422)
    browser.submit("#account-form")
    assert "more than a year ahead" in browser.field_error("#account-form", "opening_date")
    browser.click("#account-form [data-confirm-far-date]")
    browser.wait_until(
        lambda _: "Pension" in browser.find("#account-groups").text, "the confirmed account"
    )
    # Opened ahead: not in today's net worth, in the projected one.
    assert _figure(browser, "[data-net-worth]") == "$850.00"
    assert browser.find("[data-projected-worth] [data-field=projected]").text == "$39,740.44"
