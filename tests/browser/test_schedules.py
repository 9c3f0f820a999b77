"""Scheduled transactions in the browser: make one, enter it, and what enters by itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from server.clock import utcnow
from server.db import Database
from server.desktop.serving import RunningServer
from server.domain.schedules import ScheduleInput, create_schedule
from server.workers.periodic import AutoEntry
from tests.browser.test_import import current_account
from tests.browser.test_ledger import wait_rows

pytestmark = pytest.mark.browser


def entered(db: Database) -> int:
    with db.read() as conn:
        return conn.execute("SELECT count(*) FROM transactions").fetchone()[0]


def schedule_names(browser) -> list[str]:
    return [e.text for e in browser.find_all("#schedules [data-name]")]


def test_make_a_schedule_due_today_and_enter_it(browser, alex_account, server_db: Database):
    book, account = current_account(server_db, alex_account.id)
    today = dt.date.today()
    browser.sign_in("alex")
    browser.open(f"/books/{book}/schedules")
    browser.visible("#no-schedules")
    browser.visible("#no-upcoming")

    browser.click("#new-schedule")
    browser.fill("#schedule-name", "Rent <b>now</b>")
    browser.fill("#schedule-amount", "-950.123")
    browser.fill("#schedule-payee", "Landlord")
    browser.console.expect_http_error(f"/api/v1/books/{book}/schedules", 422)
    browser.submit("#schedule-form")
    assert "at most 2 decimals" in browser.field_error("#schedule-form", "amount")

    browser.fill("#schedule-amount", "-950.00")
    browser.submit("#schedule-form")
    browser.wait_until(lambda _: schedule_names(browser) == ["Rent <b>now</b>"], "the schedule")
    row = browser.find("#schedules tr").text
    assert f"Every month on day {today.day}" in row and "Current" in row

    due = f'#upcoming tr[data-date="{today.isoformat()}"]'
    assert "Rent <b>now</b>" in browser.visible(due).text  # shown as text, never as markup
    browser.click(f'{due} [data-action="enter"]')
    browser.wait_until(
        lambda _: browser.find("[data-page-status]").text.startswith("Entered Rent <b>now</b>"),
        "the entry to be confirmed",
    )
    browser.hidden(due)
    with server_db.read() as conn:
        stored = conn.execute("SELECT date, amount FROM transactions").fetchall()
    assert [tuple(r) for r in stored] == [(today.isoformat(), -95000)]

    browser.open(f"/books/{book}/accounts/{account.id}")
    [entered] = wait_rows(browser, 1)
    assert entered["payee"] == "Landlord"


@pytest.fixture
def fast_auto_entry(app_config: dict[str, Any]) -> None:
    """Run the auto-entry worker in the live server, every tenth of a second."""
    app_config.update(SCHEDULES_AUTO_ENTRY=True, SCHEDULES_AUTO_ENTRY_INTERVAL=0.1)


@pytest.fixture
def worker(fast_auto_entry: None, live_server: RunningServer) -> Iterator[AutoEntry]:
    """The live server's auto-entry worker, stopped before the server closes."""
    running = live_server.app.extensions["tallybook.auto_entry"]
    yield running
    running.stop()


def test_an_auto_enter_schedule_due_in_the_past_is_entered_by_itself(
    worker, browser, alex_account, server_db: Database
):
    book, account = current_account(server_db, alex_account.id)
    today = dt.date.today()
    create_schedule(
        server_db,
        book,
        ScheduleInput(
            account_id=account.id,
            amount="-30.00",
            payee="City Gym",
            frequency="weekly",
            start_date=today - dt.timedelta(weeks=2),
            auto_enter=True,
        ),
        now=utcnow(),
    )
    browser.wait_until(lambda _: entered(server_db) == 3, "the worker to enter the schedule")
    browser.sign_in("alex")
    browser.open(f"/books/{book}/accounts/{account.id}")
    rows = wait_rows(browser, 3)  # two weeks ago, a week ago and today
    assert {r["payee"] for r in rows} == {"City Gym"}

    browser.open(f"/books/{book}/schedules")
    browser.wait_until(lambda _: schedule_names(browser) == ["City Gym"], "the schedule")
    row = browser.find("#schedules tr")
    assert row.find_element("css selector", "[data-auto]").is_displayed()
    next_week = (today + dt.timedelta(weeks=1)).isoformat()
    browser.visible(f'#upcoming tr[data-date="{next_week}"]')
    assert not browser.find_all(f'#upcoming tr[data-date="{today.isoformat()}"]')


def test_a_backlog_waits_for_the_user_who_enters_or_skips_it(
    worker, browser, alex_account, server_db: Database
):
    """Auto-enter schedules with more overdue than they enter by itself (issue 16, finding 6)
    enter none: the page says so, and enters them all, or skips them, in one go."""
    book, account = current_account(server_db, alex_account.id)
    today = dt.date.today()
    for payee, days in (("Coffee", 40), ("Paper", 59)):
        create_schedule(
            server_db,
            book,
            ScheduleInput(
                account_id=account.id,
                amount="-1.00",
                payee=payee,
                frequency="daily",
                start_date=today - dt.timedelta(days=days),
                auto_enter=True,
            ),
            now=utcnow(),
        )
    browser.sign_in("alex")
    browser.open(f"/books/{book}/schedules")
    notices = "#held-schedules [data-held]"
    browser.wait_until(lambda _: len(browser.find_all(notices)) == 2, "two notices")
    paper, coffee = browser.find_all(notices)  # the longest overdue first
    assert "Coffee: 41 occurrences are overdue" in coffee.text
    assert "Paper: 60 occurrences are overdue" in paper.text
    assert entered(server_db) == 0  # the worker ran meanwhile, and left them alone

    coffee.find_element("css selector", '[data-action="enter-all"]').click()
    assert browser.dialog().text.startswith("Enter 41 transactions of “Coffee”")
    browser.dialog().accept()
    browser.wait_text("[data-page-status]", "Entered 41 transactions of Coffee.")
    browser.wait_until(lambda _: len(browser.find_all(notices)) == 1, "one notice left")
    assert entered(server_db) == 41

    browser.find(f'{notices} [data-action="skip-all"]').click()
    browser.wait_until(lambda _: not browser.find_all(notices), "no notice left")
    assert entered(server_db) == 41
    with server_db.read() as conn:
        skipped = conn.execute("SELECT count(*) FROM schedule_occurrences WHERE skipped = 1")
        assert skipped.fetchone()[0] == 60
