"""Importing rows into an account: duplicates skipped, one change, undone whole."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from server.clock import utcnow
from server.domain.accounts import create_account, get_account
from server.domain.books import list_books
from server.domain.imports import list_imports, plan_import, run_import, undo_import
from server.domain.transactions import TransactionInput, create_transaction
from server.errors import Conflict, NotFound, ValidationFailed
from server.imports.csv_file import Layout, Row

LAYOUT = Layout(",", 1, {"date": 0, "amount": 1, "payee": 2}, ("%Y-%m-%d",), ".")


def row(line: int, day: str, amount: str, payee: str = "Shop", bank_id: str | None = None):
    return Row(line, date.fromisoformat(day), Decimal(amount), payee, "", bank_id)


@pytest.fixture
def account(database, make_user):
    alex = make_user("alex", admin=True)
    with database.read() as conn:
        book = list_books(conn, alex.id)[0].id
    checking = create_account(
        database,
        alex.id,
        book,
        name="Checking",
        account_type="checking",
        currency="EUR",
        opening_balance="100.00",
        opening_date=date(2025, 1, 1),
        now=utcnow(),
    )
    return alex, book, checking


def balance(database, book, account_id) -> int:
    with database.read() as conn:
        return get_account(conn, book, account_id).balance


def test_an_import_adds_what_is_new_once_and_is_undone_whole(database, account):
    alex, book, checking = account
    by_hand = create_transaction(
        database,
        alex.id,
        book,
        TransactionInput(
            account_id=checking.id, date=date(2025, 3, 3), amount="-4.50", payee="Bakery"
        ),
        utcnow(),
    )
    rows = [
        row(2, "2025-03-01", "-12.00", "Shop", "A1"),
        row(3, "2025-03-05", "-4.50", "bakery"),  # entered by hand two days apart
        row(4, "2025-03-06", "2000.00", "Employer", "A3"),
        row(5, "2025-03-06", "2000.00", "Employer", "A4"),  # the same again, its own id
    ]
    with database.read() as conn:
        planned = plan_import(conn, book, checking.id, rows)
    assert [p.duplicate_of for p in planned] == [None, by_hand.id, None, None]

    first = run_import(
        database,
        alex.id,
        book,
        checking.id,
        rows,
        layout=LAYOUT,
        file_name="march.csv",
        now=utcnow(),
    )
    assert (first.added, first.skipped) == (3, 1)
    assert balance(database, book, checking.id) == 10000 - 450 - 1200 + 400000

    again = run_import(
        database,
        alex.id,
        book,
        checking.id,
        rows,
        layout=LAYOUT,
        file_name="march.csv",
        now=utcnow(),
    )
    assert (again.added, again.skipped) == (0, 4)

    kept = run_import(
        database,
        alex.id,
        book,
        checking.id,
        rows[1:2],
        layout=LAYOUT,
        file_name="keep.csv",
        now=utcnow(),
        keep_duplicates=frozenset({3}),
    )
    assert (kept.added, kept.skipped) == (1, 0)

    with database.read() as conn:
        assert [i.file_name for i in list_imports(conn, book)] == [
            "keep.csv",
            "march.csv",
            "march.csv",
        ]
    assert undo_import(database, alex.id, book, first.id, utcnow()) == 3
    assert balance(database, book, checking.id) == 10000 - 450 - 450
    with pytest.raises(Conflict):
        undo_import(database, alex.id, book, first.id, utcnow())


def test_a_refused_row_leaves_nothing_behind(database, account):
    alex, book, checking = account
    rows = [row(2, "2025-03-01", "-12.00"), row(3, "2025-03-02", "-1.001")]
    with pytest.raises(ValidationFailed, match="Line 3"):
        run_import(
            database,
            alex.id,
            book,
            checking.id,
            rows,
            layout=LAYOUT,
            file_name="bad.csv",
            now=utcnow(),
        )
    assert balance(database, book, checking.id) == 10000
    with database.read() as conn:
        assert list_imports(conn, book) == []
        assert conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 0


def test_only_writers_import(database, account, make_user):
    _, book, checking = account
    sam = make_user("sam")  # not a member: the book is not found for them
    with pytest.raises(NotFound):
        run_import(
            database,
            sam.id,
            book,
            checking.id,
            [row(2, "2025-03-01", "-1")],
            layout=LAYOUT,
            file_name="x.csv",
            now=utcnow(),
        )
