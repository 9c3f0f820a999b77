"""Reconciling an account straight through the domain: the figures as of the statement date,
finishing (exactly, or with an adjustment), the kept totals, and the lock on reconciled rows."""

from __future__ import annotations

import datetime as dt

import pytest

from server.auth.users import create_user
from server.clock import utcnow
from server.db import Database, kept_sums
from server.db.migrations import apply_migrations
from server.domain.accounts import AccountInput, create_account, get_account
from server.domain.books import create_personal_book, list_books
from server.domain.reconciled import ReconciledRowLocked
from server.domain.reconciliations import (
    StatementInput,
    cancel_reconciliation,
    finish_reconciliation,
    get_reconciliation,
    list_reconciliations,
    open_reconciliation,
    start_reconciliation,
)
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import (
    BulkChange,
    bulk_update,
    create_transaction,
    delete_transactions,
    get_transaction,
    update_transaction,
)
from server.errors import Conflict, NotFound, ValidationFailed
from tests.conftest import TEST_ROUNDS

NOW = utcnow()
NOV_30 = dt.date(2026, 11, 30)


@pytest.fixture
def ledger(tmp_path):
    """(database, book id, account id): a checking account opened with 100.00 on 1 Nov 2026."""
    database = Database(tmp_path / "book.sqlite3")
    apply_migrations(database)
    user = create_user(
        database, "alex", "long enough passphrase", now=NOW, rounds=TEST_ROUNDS,
        personal_book=create_personal_book,
    )  # fmt: skip
    with database.read() as conn:
        book_id = list_books(conn, user.id)[0].id
    account = create_account(
        database,
        book_id,
        AccountInput(
            name="Checking", type="checking", currency="EUR", opening_balance="100.00",
            opening_date=dt.date(2026, 11, 1),
        ),
        now=NOW,
    )  # fmt: skip
    yield database, book_id, account.id
    database.close()


def add(ledger, day: dt.date, amount: str, status: str = "uncleared") -> int:
    database, book_id, account_id = ledger
    data = TransactionInput(account_id=account_id, date=day, amount=amount, status=status)
    return create_transaction(database, book_id, data, now=NOW).id


def start(ledger, balance: str, day: dt.date = NOV_30):
    database, book_id, account_id = ledger
    statement = StatementInput(statement_date=day, statement_balance=balance)
    return start_reconciliation(database, book_id, account_id, statement, by="alex", now=NOW)


def finish(ledger, reconciliation_id: int, *, adjust: bool = False):
    database, book_id, account_id = ledger
    return finish_reconciliation(
        database, book_id, account_id, reconciliation_id, adjust=adjust, by="alex", now=NOW
    )


def status_of(ledger, transaction_id: int) -> str:
    database, book_id, _ = ledger
    with database.read() as conn:
        return get_transaction(conn, book_id, transaction_id).status


def kept_sums_agree(database: Database) -> None:
    with database.read() as conn:
        assert kept_sums.differences(conn) == []


def test_the_cleared_balance_is_as_of_the_statement_date(ledger):
    add(ledger, dt.date(2026, 11, 5), "-20.00", "cleared")
    add(ledger, dt.date(2026, 11, 6), "-5.00")  # not cleared: not on the statement yet
    add(ledger, dt.date(2026, 12, 2), "-7.00", "cleared")  # after the statement's date
    opened = start(ledger, "70.00")
    assert (opened.cleared_balance, opened.statement_balance, opened.difference) == (
        8000,
        7000,
        -1000,
    )
    cleared_late = add(ledger, dt.date(2026, 11, 20), "-10.00", "cleared")
    database, book_id, account_id = ledger
    with database.read() as conn:
        current = open_reconciliation(conn, book_id, account_id)
    assert (current.cleared_balance, current.difference) == (7000, 0)
    done = finish(ledger, opened.id)
    assert done.state == "finished" and done.finished_by == "alex" and done.adjustment_id is None
    assert status_of(ledger, cleared_late) == "reconciled"
    with database.read() as conn:
        account = get_account(conn, book_id, account_id, today=dt.date(2099, 12, 31))
        assert [t for (t,) in conn.execute("SELECT status FROM transactions ORDER BY id")] == [
            "reconciled",
            "uncleared",
            "cleared",  # December's row waits for the next statement
            "reconciled",
        ]
    assert account.reconciled_balance == 7000
    kept_sums_agree(database)


def test_a_difference_is_refused_unless_an_adjustment_is_asked_for(ledger):
    add(ledger, dt.date(2026, 11, 5), "-20.00", "cleared")
    opened = start(ledger, "79.50")
    with pytest.raises(Conflict, match=r"differs from the statement's by -0\.50 EUR"):
        finish(ledger, opened.id)
    done = finish(ledger, opened.id, adjust=True)
    assert done.difference == 0
    database, book_id, _ = ledger
    with database.read() as conn:
        adjustment = get_transaction(conn, book_id, done.adjustment_id)
    assert (adjustment.payee, adjustment.amount, adjustment.date, adjustment.status) == (
        "Reconciliation adjustment",
        -50,
        NOV_30,
        "reconciled",
    )
    kept_sums_agree(database)


def test_one_open_reconciliation_at_a_time_and_statements_move_forward(ledger):
    database, book_id, account_id = ledger
    opened = start(ledger, "100.00")
    with pytest.raises(Conflict, match="open reconciliation"):
        start(ledger, "100.00")
    finish(ledger, opened.id)
    with pytest.raises(Conflict, match="finished already"):
        finish(ledger, opened.id)
    with pytest.raises(ValidationFailed) as refused:
        start(ledger, "100.00", dt.date(2026, 11, 29))
    assert refused.value.errors[0].message.startswith("The account was reconciled up to 2026-11")
    with pytest.raises(ValidationFailed, match="cannot be started"):
        start(ledger, "100.00", dt.date(2026, 10, 31))  # before the account was opened
    second = start(ledger, "100.00", dt.date(2026, 12, 31))
    cancel_reconciliation(database, book_id, account_id, second.id)
    with database.read() as conn:
        assert [r.id for r in list_reconciliations(conn, book_id, account_id)] == [opened.id]
        with pytest.raises(NotFound):
            open_reconciliation(conn, book_id, account_id)
        with pytest.raises(NotFound):
            get_reconciliation(conn, book_id, opened.id, account_id + 1)


@pytest.fixture
def reconciled(ledger):
    """A reconciled row (-20.00 on 5 Nov, reconciled with the statement of 30 Nov)."""
    row = add(ledger, dt.date(2026, 11, 5), "-20.00", "cleared")
    finish(ledger, start(ledger, "80.00").id)
    return row


@pytest.mark.parametrize(
    "change",
    [
        TransactionInput(amount="-21.00"),
        TransactionInput(date=dt.date(2026, 11, 6)),
        TransactionInput(status="cleared"),
    ],
    ids=["amount", "date", "status"],
)
def test_a_reconciled_row_is_locked_until_unlocked(ledger, reconciled, change):
    database, book_id, _ = ledger
    with pytest.raises(ReconciledRowLocked) as refused:
        update_transaction(database, book_id, reconciled, change, now=NOW)
    assert "statement of 2026-11-30 (ending balance 80.00 EUR)" in refused.value.detail
    assert refused.value.extensions["reconciliation"]["statement_balance"] == "80.00"
    assert status_of(ledger, reconciled) == "reconciled"
    unlocked = TransactionInput(**{**change.__dict__, "unlock_reconciled": True})
    update_transaction(database, book_id, reconciled, unlocked, now=NOW)
    kept_sums_agree(database)


def test_payee_memo_and_tags_stay_free_but_deleting_is_locked(ledger, reconciled):
    database, book_id, _ = ledger
    update_transaction(
        database, book_id, reconciled, TransactionInput(payee="Bakery", tags=["x"]), now=NOW
    )
    with pytest.raises(ReconciledRowLocked):
        delete_transactions(database, book_id, [reconciled])
    with pytest.raises(ReconciledRowLocked):
        bulk_update(database, book_id, BulkChange(ids=[reconciled], status="uncleared"), now=NOW)
    assert delete_transactions(database, book_id, [reconciled], unlock_reconciled=True) == 1


def test_the_other_side_of_a_transfer_is_locked_with_it(ledger):
    database, book_id, account_id = ledger
    savings = create_account(
        database,
        book_id,
        AccountInput(
            name="Savings", type="savings", currency="EUR", opening_date=dt.date(2026, 11, 1)
        ),
        now=NOW,
    ).id
    data = TransactionInput(
        account_id=savings,
        date=dt.date(2026, 11, 3),
        amount="-30.00",
        transfer_account_id=account_id,
        status="cleared",
    )
    sent = create_transaction(database, book_id, data, now=NOW)
    finish(ledger, start(ledger, "130.00").id)  # the checking side is reconciled
    assert status_of(ledger, sent.transfer_id) == "reconciled"
    with pytest.raises(ReconciledRowLocked) as refused:
        update_transaction(database, book_id, sent.id, TransactionInput(amount="-31.00"), now=NOW)
    assert refused.value.extensions["transaction_id"] == sent.transfer_id
    with pytest.raises(ReconciledRowLocked):
        delete_transactions(database, book_id, [sent.id])
    update_transaction(database, book_id, sent.id, TransactionInput(memo="saved"), now=NOW)
