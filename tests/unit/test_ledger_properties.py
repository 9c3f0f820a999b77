"""The ledger's invariants under random sequences of writes, straight through the domain.

A hypothesis state machine creates, changes and deletes transactions (plain, split, transfers
within and across currencies, with a 0-decimal currency among them) and tries writes that
must be refused. After every step it checks, against sums it computes itself from the raw
rows: splits add up, transfers are two rows pointing at each other, nothing is orphaned, every
account's kept balances are exact, and the register's running balances match a cumulative sum.
Each write is recorded as a person's change; undo and redo steps take the last back (or make it
again) and must give the very rows, splits and balances there were before (or after) it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from server.auth.users import create_user
from server.clock import local_today, utcnow
from server.db import Database, kept_sums
from server.domain.accounts import AccountInput, create_account, list_accounts
from server.domain.books import create_personal_book, list_books
from server.domain.categories import list_categories
from server.domain.money import format_amount
from server.domain.reconciled import ReconciledRowLocked
from server.domain.transaction_list import Filters, list_transactions
from server.domain.transaction_rules import STATUSES, SplitInput, TransactionInput
from server.domain.transactions import create_transaction, delete_transactions, update_transaction
from server.domain.undo import apply_next, recording
from server.errors import NotFound, ValidationFailed
from tests.conftest import TEST_ROUNDS

# (name, currency, opening balance in minor units)
ACCOUNTS = (("Checking", "USD", 10_000), ("Savings", "USD", 0), ("Yen", "JPY", 5_000))
DAYS = st.dates(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
MINOR = st.integers(-(10**6), 10**6).filter(bool)
PAGE = 7  # small, so the running balances are checked across page boundaries


def rows(conn: sqlite3.Connection) -> dict[int, sqlite3.Row]:
    return {
        r["id"]: r
        for r in conn.execute(
            "SELECT t.id, t.account_id, t.date, t.amount, t.status, t.category_id, "
            "t.transfer_id FROM transactions t ORDER BY t.id"
        )
    }


class Ledger(RuleBasedStateMachine):
    migrated: Path  # the session's migrated data file (tests/conftest.py), each run's start

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="tallybook-ledger-"))
        path = self.folder / "ledger.sqlite3"
        shutil.copyfile(self.migrated, path)  # as apply_migrations would write it, but once
        self.db = Database(path)
        user = create_user(
            self.db,
            "alex",
            "long enough passphrase",
            now=utcnow(),
            rounds=TEST_ROUNDS,
            personal_book=create_personal_book,
        )
        self.user_id = user.id
        with self.db.read() as conn:
            self.book_id = list_books(conn, user.id)[0].id
            self.categories = [c.id for c in list_categories(conn, self.book_id)][:4]
        self.accounts = {}
        for name, currency, opening in ACCOUNTS:
            account = create_account(
                self.db,
                self.book_id,
                AccountInput(
                    name=name,
                    type="checking",
                    currency=currency,
                    opening_balance=format_amount(opening, currency),
                    opening_date=dt.date(2025, 1, 1),
                ),
                now=utcnow(),
            )
            self.accounts[account.id] = (currency, opening)
        # The state before each change that undo can take back, and before each one undone.
        self.undoable: list[list[tuple]] = []
        self.redoable: list[list[tuple]] = []

    def teardown(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # ---- helpers ------------------------------------------------------------------------

    def currency(self, account_id: int) -> str:
        return self.accounts[account_id][0]

    def money(self, minor: int, account_id: int) -> str:
        return format_amount(minor, self.currency(account_id))

    def snapshot(self) -> list[tuple]:
        with self.db.read() as conn:
            splits = conn.execute("SELECT * FROM splits ORDER BY transaction_id, rowid").fetchall()
            totals = conn.execute(
                "SELECT id, total, cleared_total, reconciled_total FROM accounts ORDER BY id"
            ).fetchall()
            return [tuple(r) for r in rows(conn).values()] + [tuple(r) for r in [*splits, *totals]]

    def ids(self) -> list[int]:
        with self.db.read() as conn:
            return sorted(rows(conn))

    @contextmanager
    def recorded(self) -> Iterator[None]:
        """Make the block's writes one change of the person's, as a route's gate does."""
        before = self.snapshot()
        with self.db.write() as db, recording(db, self.book_id, self.user_id, now=utcnow()) as rec:
            yield
        if rec.action_id is not None:
            self.undoable.append(before)
            self.redoable.clear()

    def create(self, data: TransactionInput) -> None:
        with self.recorded():
            create_transaction(self.db, self.book_id, data, now=utcnow())

    # ---- writes -------------------------------------------------------------------------

    @rule(
        account=st.sampled_from([0, 1, 2]),
        amount=MINOR,
        day=DAYS,
        status=st.sampled_from(STATUSES),
        category=st.integers(0, 4),
    )
    def add_plain(self, account, amount, day, status, category) -> None:
        account_id = sorted(self.accounts)[account]
        self.create(
            TransactionInput(
                account_id=account_id,
                date=day,
                amount=self.money(amount, account_id),
                status=status,
                category_id=self.categories[category] if category < 4 else None,
            )
        )

    @rule(
        account=st.sampled_from([0, 1, 2]),
        parts=st.lists(MINOR, min_size=2, max_size=5),
        day=DAYS,
        status=st.sampled_from(STATUSES),
    )
    def add_split(self, account, parts, day, status) -> None:
        account_id = sorted(self.accounts)[account]
        self.create(
            TransactionInput(
                account_id=account_id,
                date=day,
                amount=self.money(sum(parts), account_id),
                status=status,
                splits=[
                    SplitInput(self.money(p, account_id), self.categories[i % 4])
                    for i, p in enumerate(parts)
                ],
            )
        )

    @rule(
        pair=st.permutations([0, 1, 2]).map(lambda p: p[:2]),
        amount=MINOR,
        other_amount=st.integers(1, 10**6),
        day=DAYS,
    )
    def add_transfer(self, pair, amount, other_amount, day) -> None:
        source, target = (sorted(self.accounts)[i] for i in pair)
        across = self.currency(source) != self.currency(target)
        self.create(
            TransactionInput(
                account_id=source,
                date=day,
                amount=self.money(amount, source),
                transfer_account_id=target,
                transfer_amount=(
                    self.money(-other_amount if amount > 0 else other_amount, target)
                    if across
                    else None
                ),
            )
        )

    @precondition(lambda self: self.ids())
    @rule(
        pick=st.integers(0, 10**6),
        amount=st.one_of(st.none(), MINOR),
        other_amount=st.integers(1, 10**6),
        day=st.one_of(st.none(), DAYS),
        status=st.one_of(st.none(), st.sampled_from(STATUSES)),
    )
    def change(self, pick, amount, other_amount, day, status) -> None:
        txn_id = self.ids()[pick % len(self.ids())]
        with self.db.read() as conn:
            row = rows(conn)[txn_id]
            has_splits = conn.execute(
                "SELECT 1 FROM splits WHERE transaction_id = ?", [txn_id]
            ).fetchone()
            other = rows(conn).get(row["transfer_id"]) if row["transfer_id"] else None
        if has_splits:
            amount = None  # a new amount needs new splits: see refused_split
        transfer_amount = None
        across = other is not None and (
            self.currency(other["account_id"]) != self.currency(row["account_id"])
        )
        if amount is not None and across:
            target = other["account_id"]
            transfer_amount = self.money(-other_amount if amount > 0 else other_amount, target)
        self.unlocked_if_need_be(
            lambda unlock: update_transaction(
                self.db,
                self.book_id,
                txn_id,
                TransactionInput(
                    date=day,
                    status=status,
                    amount=None if amount is None else self.money(amount, row["account_id"]),
                    transfer_amount=transfer_amount,
                    unlock_reconciled=unlock,
                ),
                now=utcnow(),
            )
        )

    def unlocked_if_need_be(self, write: Callable[[bool], object]) -> None:
        """Run `write(unlock)` locked first, as one change of the person's: refused (it moves
        a reconciled row), it changes nothing, and then goes through unlocked."""
        before = self.snapshot()
        try:
            with self.recorded():
                write(False)
        except ReconciledRowLocked as refused:
            assert self.snapshot() == before
            with self.db.read() as conn:
                locked = rows(conn)[refused.extensions["transaction_id"]]
            assert locked["status"] == "reconciled"
            with self.recorded():
                write(True)

    @precondition(lambda self: self.ids())
    @rule(pick=st.integers(0, 10**6))
    def undo_transfer_or_category(self, pick) -> None:
        """Turn a transfer back into an ordinary transaction (its other side goes)."""
        txn_id = self.ids()[pick % len(self.ids())]
        self.unlocked_if_need_be(
            lambda unlock: update_transaction(
                self.db,
                self.book_id,
                txn_id,
                TransactionInput(
                    cleared=frozenset({"transfer_account_id", "category_id"}),
                    unlock_reconciled=unlock,
                ),
                now=utcnow(),
            )
        )

    @precondition(lambda self: self.ids())
    @rule(pick=st.integers(0, 10**6))
    def delete(self, pick) -> None:
        txn_id = self.ids()[pick % len(self.ids())]
        self.unlocked_if_need_be(
            lambda unlock: delete_transactions(
                self.db, self.book_id, [txn_id], unlock_reconciled=unlock
            )
        )

    def step(self, direction: str, stack: list, other: list) -> None:
        """Undo or redo the last change: the rows are exactly as `stack` says they were."""
        current = self.snapshot()
        if not stack:
            with pytest.raises(NotFound):
                apply_next(self.db, self.book_id, self.user_id, direction, now=utcnow())
            return
        apply_next(self.db, self.book_id, self.user_id, direction, now=utcnow())
        assert self.snapshot() == stack.pop()
        other.append(current)

    @rule()
    def undo(self) -> None:
        """Take the last change back: the rows are as they were before it, exactly."""
        self.step("undo", self.undoable, self.redoable)

    @rule()
    def redo(self) -> None:
        """Make the last change undone again: the rows are as it left them."""
        self.step("redo", self.redoable, self.undoable)

    @rule(
        account=st.sampled_from([0, 1, 2]),
        parts=st.lists(MINOR, min_size=2, max_size=4),
        off_by=MINOR,
    )
    def refused_split(self, account, parts, off_by) -> None:
        """Splits that do not add up are refused, and nothing changes."""
        account_id = sorted(self.accounts)[account]
        before = self.snapshot()
        with pytest.raises(ValidationFailed) as refused:
            self.create(
                TransactionInput(
                    account_id=account_id,
                    date=dt.date(2025, 2, 1),
                    amount=self.money(sum(parts) + off_by, account_id),
                    splits=[SplitInput(self.money(p, account_id)) for p in parts],
                )
            )
        assert "splits" in {e.field for e in refused.value.errors}
        assert self.snapshot() == before

    @rule(account=st.sampled_from([0, 1, 2]), amount=MINOR)
    def refused_transfer_to_itself(self, account, amount) -> None:
        account_id = sorted(self.accounts)[account]
        before = self.snapshot()
        with pytest.raises(ValidationFailed):
            self.create(
                TransactionInput(
                    account_id=account_id,
                    date=dt.date(2025, 2, 1),
                    amount=self.money(amount, account_id),
                    transfer_account_id=account_id,
                )
            )
        assert self.snapshot() == before

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def splits_add_up(self) -> None:
        with self.db.read() as conn:
            for txn_id, row in rows(conn).items():
                parts = [
                    r[0]
                    for r in conn.execute(
                        "SELECT amount FROM splits WHERE transaction_id = ?", [txn_id]
                    )
                ]
                if parts:
                    assert len(parts) >= 2
                    assert sum(parts) == row["amount"]
                    assert row["category_id"] is None

    @invariant()
    def transfers_are_pairs(self) -> None:
        with self.db.read() as conn:
            everything = rows(conn)
        for txn_id, row in everything.items():
            if row["transfer_id"] is None:
                continue
            other = everything.get(row["transfer_id"])
            assert other is not None, f"transaction {txn_id} points at a missing other side"
            assert other["transfer_id"] == txn_id
            assert other["account_id"] != row["account_id"]
            assert row["category_id"] is None
            if self.currency(other["account_id"]) == self.currency(row["account_id"]):
                assert other["amount"] == -row["amount"]
            else:
                assert (other["amount"] > 0) != (row["amount"] > 0)

    @invariant()
    def balances_are_exact(self) -> None:
        with self.db.read() as conn:
            everything = list(rows(conn).values())
            accounts = {a.id: a for a in list_accounts(conn, self.book_id, today=local_today())}
        for account_id, (_, opening) in self.accounts.items():
            mine = [r for r in everything if r["account_id"] == account_id]
            cleared = [r for r in mine if r["status"] in ("cleared", "reconciled")]
            reconciled = [r for r in mine if r["status"] == "reconciled"]
            account = accounts[account_id]
            assert account.balance == opening + sum(r["amount"] for r in mine)
            assert account.cleared_balance == opening + sum(r["amount"] for r in cleared)
            assert account.reconciled_balance == opening + sum(r["amount"] for r in reconciled)

    @invariant()
    def running_balances_are_a_cumulative_sum(self) -> None:
        with self.db.read() as conn:
            everything = list(rows(conn).values())
            for account_id, (_, opening) in self.accounts.items():
                mine = sorted(
                    (r for r in everything if r["account_id"] == account_id),
                    key=lambda r: (r["date"], r["id"]),
                )
                expected, running = {}, opening
                for r in mine:
                    running += r["amount"]
                    expected[r["id"]] = running
                shown, after = {}, None
                while True:
                    page = list_transactions(
                        conn, self.book_id, Filters(account_id=account_id), PAGE, after
                    )
                    shown.update(
                        zip((t.id for t in page.items), page.running_balances or [], strict=True)
                    )
                    if page.after is None:
                        break
                    after = page.after
                assert shown == expected

    @invariant()
    def category_months_are_exact(self) -> None:
        """The sums kept per account, month and category, against a sum over the rows: a
        transaction counts in its category (or none, or as a transfer), a split one's parts
        in theirs, each as money in or out by its sign."""
        expected: dict[tuple, list[int]] = {}

        def add(key: tuple, amount: int) -> None:
            sums = expected.setdefault(key, [0, 0])
            sums[0 if amount > 0 else 1] += amount

        with self.db.read() as conn:
            for txn_id, row in rows(conn).items():
                place = (row["account_id"], row["date"][:7])
                transfer = int(row["transfer_id"] is not None)
                parts = conn.execute(
                    "SELECT category_id, amount FROM splits WHERE transaction_id = ?", [txn_id]
                ).fetchall()
                for category_id, amount in parts or [(row["category_id"], row["amount"])]:
                    add((*place, category_id or 0, transfer), amount)
            kept = {
                tuple(r[:4]): [r[4], r[5]]
                for r in conn.execute("SELECT * FROM category_months")
                if r[4] or r[5]
            }
            assert kept == {k: v for k, v in expected.items() if any(v)}
            assert kept_sums.differences(conn) == []


@pytest.fixture(autouse=True)
def _start_from_the_migrated_file(migrated_data_file: Path) -> None:
    Ledger.migrated = migrated_data_file


Ledger.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_ledger_invariants = Ledger.TestCase
