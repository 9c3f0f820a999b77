"""Scheduled transactions: when they fall, and that each occurrence is entered once only."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time

import pytest

from server.auth.users import User
from server.clock import utcnow
from server.db import Database
from server.domain import occurrences
from server.domain.accounts import AccountChanges, AccountInput, create_account, update_account
from server.domain.books import list_books
from server.domain.categories import list_categories
from server.domain.occurrences import MAX_UPCOMING, Upcoming, enter, enter_due, skip, upcoming
from server.domain.rules import RuleInput, create_rule
from server.domain.schedules import (
    Schedule,
    ScheduleChanges,
    ScheduleInput,
    create_schedule,
    get_schedule,
    update_schedule,
)
from server.domain.transactions import delete_transactions
from server.errors import Conflict, ValidationFailed
from server.workers.periodic import AutoEntry

D = dt.date


@pytest.fixture
def user(make_user) -> User:
    return make_user("alex")


@pytest.fixture
def book(database: Database, user: User) -> dict:
    """Alex's book with a euro checking account and a savings account."""
    with database.read() as conn:
        book_id = list_books(conn, user.id)[0].id
        category = list_categories(conn, book_id)[0].id

    def account(name: str, currency: str = "EUR") -> int:
        made = create_account(
            database,
            book_id,
            AccountInput(
                name=name,
                type="checking",
                currency=currency,
                opening_balance="0",
                opening_date=D(2020, 1, 1),
            ),
            now=utcnow(),
        )
        return made.id

    return {
        "id": book_id,
        "checking": account("Checking"),
        "savings": account("Savings"),
        "category": category,
    }


def make(database: Database, book: dict, **fields) -> Schedule:
    values = {
        "account_id": book["checking"],
        "amount": "-950.00",
        "payee": "Landlord",
        "frequency": "monthly",
        "start_date": D(2025, 1, 31),
    }
    return create_schedule(database, book["id"], ScheduleInput(**values | fields), now=utcnow())


def count_rows(database: Database, table: str) -> int:
    with database.read() as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def test_entering_makes_the_transaction_and_moves_the_schedule_on(database, book):
    create_rule(
        database,
        book["id"],
        RuleInput(name="Rent", payee_match="equals", payee_text="landlord", add_tags=["home"]),
        now=utcnow(),
    )
    schedule = make(database, book, category_id=book["category"], memo="flat", tags=["fixed"])
    assert schedule.next_date == D(2025, 1, 31)

    first = enter(database, book["id"], schedule.id, now=utcnow())
    assert (first.date, first.amount, first.payee, first.memo) == (
        D(2025, 1, 31),
        -95000,
        "Landlord",
        "flat",
    )
    assert first.category_id == book["category"]
    assert first.tags == ["fixed", "home"]  # the book's rules ran on it
    with database.read() as conn:
        assert get_schedule(conn, book["id"], schedule.id).next_date == D(2025, 2, 28)

    second = enter(database, book["id"], schedule.id, now=utcnow())
    assert second.date == D(2025, 2, 28)


def test_the_same_occurrence_is_entered_once(database, book):
    schedule = make(database, book)
    enter(database, book["id"], schedule.id, date=D(2025, 3, 31), now=utcnow())
    with pytest.raises(Conflict, match="entered already"):
        enter(database, book["id"], schedule.id, date=D(2025, 3, 31), now=utcnow())
    assert count_rows(database, "transactions") == 1
    with database.read() as conn:  # an occurrence ahead leaves the next one where it was
        assert get_schedule(conn, book["id"], schedule.id).next_date == D(2025, 1, 31)
    # The next ones go past it.
    for expected in (D(2025, 1, 31), D(2025, 2, 28), D(2025, 4, 30)):
        assert enter(database, book["id"], schedule.id, now=utcnow()).date == expected


def test_the_primary_key_refuses_a_second_entry_even_past_the_check(database, book, monkeypatch):
    schedule = make(database, book)
    enter(database, book["id"], schedule.id, now=utcnow())
    # As if two writers had both found the occurrence open: the insert of the occurrence
    # fails, and the transaction made with it is rolled back.
    monkeypatch.setattr(occurrences, "_to_take", lambda *_: [D(2025, 1, 31)])
    with pytest.raises(sqlite3.IntegrityError):
        enter(database, book["id"], schedule.id, now=utcnow())
    assert count_rows(database, "transactions") == 1
    assert count_rows(database, "schedule_occurrences") == 1


def test_skipping_and_what_cannot_be_entered(database, book):
    schedule = make(database, book, count=3)
    skipped = skip(database, book["id"], schedule.id, now=utcnow())
    assert skipped.next_date == D(2025, 2, 28)
    with pytest.raises(Conflict, match="skipped already"):
        enter(database, book["id"], schedule.id, date=D(2025, 1, 31), now=utcnow())
    with pytest.raises(ValidationFailed) as refused:
        enter(database, book["id"], schedule.id, date=D(2025, 2, 27), now=utcnow())
    assert refused.value.errors[0].field == "date"
    enter(database, book["id"], schedule.id, now=utcnow())
    finished = skip(database, book["id"], schedule.id, now=utcnow())
    assert finished.next_date is None
    with pytest.raises(Conflict, match="no occurrences left"):
        enter(database, book["id"], schedule.id, now=utcnow())
    with pytest.raises(ValidationFailed):  # past its count
        enter(database, book["id"], schedule.id, date=D(2025, 4, 30), now=utcnow())
    assert count_rows(database, "transactions") == 1


def test_a_transfer_schedule_enters_both_sides(database, book):
    schedule = make(database, book, transfer_account_id=book["savings"], amount="-100")
    made = enter(database, book["id"], schedule.id, now=utcnow())
    assert made.transfer_account_id == book["savings"]
    assert count_rows(database, "transactions") == 2


def test_enter_due_enters_what_auto_schedules_have_due_once(database, user, book):
    auto = make(database, book, auto_enter=True)
    manual = make(database, book, payee="Gym", start_date=D(2025, 1, 1))
    later = make(database, book, payee="Later", auto_enter=True, start_date=D(2025, 5, 1))
    today = D(2025, 4, 30)

    entered = enter_due(database, today=today, now=utcnow())
    assert [t.date for t in entered] == [D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31), today]
    assert enter_due(database, today=today, now=utcnow()) == []
    assert count_rows(database, "transactions") == 4
    with database.read() as conn:
        assert get_schedule(conn, book["id"], auto.id).next_date == D(2025, 5, 31)
        assert get_schedule(conn, book["id"], manual.id).next_date == D(2025, 1, 1)
        assert get_schedule(conn, book["id"], later.id).next_date == D(2025, 5, 1)

    # A transaction deleted afterwards is not entered again: its occurrence was entered.
    delete_transactions(database, book["id"], [entered[0].id])
    assert enter_due(database, today=today, now=utcnow()) == []
    with database.read() as conn:
        row = conn.execute("SELECT * FROM schedule_occurrences WHERE date = '2025-01-31'")
        assert row.fetchone()["transaction_id"] is None


def test_enter_due_from_two_threads_and_two_connections_enters_each_occurrence_once(database, book):
    for payee in ("Rent", "Gym", "Club"):
        make(database, book, payee=payee, auto_enter=True, frequency="weekly")
    other = Database(database.path)  # as another process would: its own writer
    start = threading.Barrier(3)
    results: list[list] = []

    def run(db: Database) -> None:
        start.wait()
        results.append(enter_due(db, today=D(2025, 6, 30), now=utcnow()))

    try:
        threads = [threading.Thread(target=run, args=(db,)) for db in (database, database, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.close()
    weeks = 22  # Fridays from Jan 31 to Jun 27
    assert sum(len(r) for r in results) == 3 * weeks
    assert count_rows(database, "transactions") == 3 * weeks
    assert count_rows(database, "schedule_occurrences") == 3 * weeks
    with database.read() as conn:
        assert (
            conn.execute(
                "SELECT count(DISTINCT account_id || date || payee_id) FROM transactions"
            ).fetchone()[0]
            == 3 * weeks
        )


def test_enter_due_goes_on_past_a_schedule_it_cannot_enter(database, user, book, caplog):
    blocked = make(database, book, auto_enter=True, account_id=book["savings"])
    make(database, book, payee="Gym", auto_enter=True)
    caplog.set_level(logging.WARNING, logger="tallybook.schedules")
    update_account(
        database, book["id"], book["savings"], AccountChanges(archived=True), now=utcnow()
    )
    entered = enter_due(database, today=D(2025, 2, 1), now=utcnow())
    assert [t.payee for t in entered] == ["Gym"]
    assert f"schedule {blocked.id} not entered" in caplog.text


def test_a_new_recurrence_goes_on_after_the_last_occurrence_taken(database, book):
    schedule = make(database, book)
    enter(database, book["id"], schedule.id, now=utcnow())
    skip(database, book["id"], schedule.id, now=utcnow())
    unchanged = update_schedule(
        database, book["id"], schedule.id, ScheduleChanges(memo="x"), now=utcnow()
    )
    assert unchanged.next_date == D(2025, 3, 31)
    weekly = update_schedule(
        database, book["id"], schedule.id, ScheduleChanges(frequency="weekly"), now=utcnow()
    )
    assert weekly.next_date == D(2025, 3, 7)  # the Friday after Feb 28
    assert weekly.revision == unchanged.revision + 1
    ended = update_schedule(
        database, book["id"], schedule.id, ScheduleChanges(end_date=D(2025, 3, 1)), now=utcnow()
    )
    assert ended.next_date is None


def test_upcoming_lists_what_is_still_to_enter_by_date(database, book):
    rent = make(database, book)
    gym = make(database, book, payee="Gym", frequency="weekly", start_date=D(2025, 1, 27))
    make(database, book, payee="Far", start_date=D(2025, 3, 1))
    skip(database, book["id"], gym.id, date=D(2025, 2, 3), now=utcnow())
    with database.read() as conn:
        found = upcoming(conn, book["id"], until=D(2025, 2, 17))
    assert [(u.date, u.payee) for u in found] == [
        (D(2025, 1, 27), "Gym"),
        (D(2025, 1, 31), "Landlord"),
        (D(2025, 2, 10), "Gym"),
        (D(2025, 2, 17), "Gym"),
    ]
    assert found[1] == Upcoming(
        schedule_id=rent.id,
        name=None,
        date=D(2025, 1, 31),
        account_id=book["checking"],
        amount=-95000,
        currency="EUR",
        payee="Landlord",
        category_id=None,
        transfer_account_id=None,
        auto_enter=False,
    )


def test_a_schedule_left_alone_for_years_lists_a_month_of_what_it_missed(database, book):
    make(database, book, payee="Daily", frequency="daily", start_date=D(2015, 1, 1))
    with database.read() as conn:
        found = upcoming(conn, book["id"], until=D(2025, 1, 1))
    assert len(found) == MAX_UPCOMING
    assert (found[0].date, found[-1].date) == (D(2015, 1, 1), D(2015, 1, 31))


def test_the_worker_enters_what_is_due_and_stops(database, book):
    today = dt.date.today()
    make(database, book, auto_enter=True, frequency="weekly", start_date=today - dt.timedelta(14))
    worker = AutoEntry(database, interval=dt.timedelta(seconds=0.05))
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while count_rows(database, "transactions") < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
    assert not worker._thread.is_alive()
    assert count_rows(database, "transactions") == 3


def test_the_worker_ends_quietly_when_the_database_closes(database, book, caplog):
    caplog.set_level(logging.INFO, logger="tallybook.workers")
    make(database, book, auto_enter=True)
    other = Database(database.path)
    worker = AutoEntry(other, interval=dt.timedelta(seconds=0.01))
    other.close()
    worker.start()
    worker._thread.join(timeout=10)
    assert not worker._thread.is_alive()
    assert "automatic entry of scheduled transactions stopped" in caplog.text
