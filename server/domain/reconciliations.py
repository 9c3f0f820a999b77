"""Reconciling an account against its bank's statement: start one with the statement's date
and ending balance, clear rows until the cleared balance on that date agrees, finish (with a
labelled adjustment for what is left, if asked); the rows it covered become reconciled and
locked (see `reconciled`), and the reconciliation stays in the account's history.

A bank statement covers everything up to its date, so the cleared balance it is compared with
is the opening balance plus every cleared or reconciled row dated on or before that day,
whatever today is.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from server.clock import from_iso, to_iso
from server.db import Database
from server.db.kept_sums import apply_to_totals
from server.domain import validation as check
from server.domain.books import check_if_match
from server.domain.money import format_amount
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_in_write
from server.domain.validation import Problems
from server.errors import Conflict, NotFound
from server.translatable import _l

STATES = ("open", "finished")
ADJUSTMENT_PAYEE = "Reconciliation adjustment"


@dataclass(frozen=True)
class Reconciliation:
    """A reconciliation with its figures as the rows are now, in minor units of `currency`."""

    id: int
    account_id: int
    currency: str
    statement_date: date
    statement_balance: int
    cleared_balance: int  # opening + cleared and reconciled rows up to the statement date
    state: str
    started_by: str
    started_at: datetime
    finished_by: str | None
    finished_at: datetime | None
    adjustment_id: int | None

    @property
    def difference(self) -> int:
        """What the statement says more than the cleared rows (zero: they agree)."""
        return self.statement_balance - self.cleared_balance

    @property
    def etag(self) -> str:
        """Return the entity tag of the reconciliation and its figures as they are."""
        return f'"rec-{self.id}-{self.state}-{self.cleared_balance}"'


@dataclass(frozen=True)
class StatementInput:
    """A statement as the client gives it (the balance as a decimal string)."""

    statement_date: date | None = None
    statement_balance: str | None = None


# The opening balance counts from its date on; the rows, when cleared, up to the statement's.
_SELECT = """
SELECT r.*, a.currency,
       CASE WHEN a.opening_date <= r.statement_date THEN a.opening_balance ELSE 0 END
       + coalesce((SELECT sum(t.amount) FROM transactions t WHERE t.account_id = r.account_id
                   AND t.status IN ('cleared', 'reconciled') AND t.date <= r.statement_date), 0)
       AS cleared_balance
FROM reconciliations r JOIN accounts a ON a.id = r.account_id
"""


def _from_row(row: sqlite3.Row) -> Reconciliation:
    return Reconciliation(
        id=row["id"],
        account_id=row["account_id"],
        currency=row["currency"],
        statement_date=date.fromisoformat(row["statement_date"]),
        statement_balance=row["statement_balance"],
        cleared_balance=row["cleared_balance"],
        state=row["state"],
        started_by=row["started_by"],
        started_at=from_iso(row["started_at"]),
        finished_by=row["finished_by"],
        finished_at=from_iso(row["finished_at"]) if row["finished_at"] else None,
        adjustment_id=row["adjustment_id"],
    )


def get_reconciliation(
    conn: sqlite3.Connection, book_id: int, reconciliation_id: int, account_id: int | None = None
) -> Reconciliation:
    """Return one reconciliation of the book (of `account_id`, when given), or NotFound."""
    row = conn.execute(
        _SELECT + " WHERE r.id = ? AND r.book_id = ? AND r.account_id = coalesce(?, r.account_id)",
        [reconciliation_id, book_id, account_id],
    ).fetchone()
    if row is None:
        raise NotFound(
            _l(
                "No reconciliation with id %(reconciliation_id)s here.",
                reconciliation_id=reconciliation_id,
            )
        )
    return _from_row(row)


def _account(conn: sqlite3.Connection, book_id: int, account_id: int) -> sqlite3.Row:
    row = conn.execute(
        "SELECT id, currency, opening_date FROM accounts WHERE id = ? AND book_id = ?",
        [account_id, book_id],
    ).fetchone()
    if row is None:
        raise NotFound(_l("No account with id %(account_id)s in this book.", account_id=account_id))
    return row


def list_reconciliations(
    conn: sqlite3.Connection, book_id: int, account_id: int, state: str | None = None
) -> list[Reconciliation]:
    """The account's reconciliations (of `state`, if given), the finished ones and the open
    one, in the order they were started."""
    _account(conn, book_id, account_id)
    rows = conn.execute(
        _SELECT + " WHERE r.account_id = ? AND r.state = coalesce(?, r.state) ORDER BY r.id",
        [account_id, state],
    )
    return [_from_row(row) for row in rows]


def _open_id(conn: sqlite3.Connection, account_id: int) -> int | None:
    row = conn.execute(
        "SELECT id FROM reconciliations WHERE account_id = ? AND state = 'open'", [account_id]
    ).fetchone()
    return None if row is None else row[0]


def open_reconciliation(conn: sqlite3.Connection, book_id: int, account_id: int) -> Reconciliation:
    """Return the account's open reconciliation, or NotFound."""
    _account(conn, book_id, account_id)
    found = _open_id(conn, account_id)
    if found is None:
        raise NotFound(_l("This account has no open reconciliation: start one with a statement."))
    return get_reconciliation(conn, book_id, found)


def _last_statement(conn: sqlite3.Connection, account_id: int) -> str | None:
    (last,) = conn.execute(
        "SELECT max(statement_date) FROM reconciliations WHERE account_id = ? "
        "AND state = 'finished'",
        [account_id],
    ).fetchone()
    return last


def start_reconciliation(
    database: Database,
    book_id: int,
    account_id: int,
    statement: StatementInput,
    *,
    by: str,
    now: datetime,
) -> Reconciliation:
    """Open a reconciliation of the account against a statement (`by`: who, as recorded)."""
    with database.write() as db:
        account = _account(db.conn, book_id, account_id)
        problems = Problems()
        balance = check.money(
            statement.statement_balance,
            "statement_balance",
            problems,
            currency=account["currency"],
        )
        day = statement.statement_date
        if problems.check(day is not None, "statement_date", _l("Give the statement's date.")):
            problems.check(
                day.isoformat() >= account["opening_date"],
                "statement_date",
                _l(
                    "The statement is dated before the account's opening (%(opening_date)s).",
                    opening_date=account["opening_date"],
                ),
            )
            last = _last_statement(db.conn, account_id)
            problems.check(
                last is None or day.isoformat() >= last,
                "statement_date",
                _l(
                    "The account was reconciled up to %(last)s already: give a later statement.",
                    last=last,
                ),
            )
        problems.raise_if_any(_l("The reconciliation cannot be started that way."))
        if _open_id(db.conn, account_id) is not None:
            raise Conflict(
                _l(
                    "This account has an open reconciliation: finish or cancel it before "
                    "starting another."
                )
            )
        new_id = (
            db["reconciliations"]
            .insert(
                {
                    "book_id": book_id,
                    "account_id": account_id,
                    "statement_date": day.isoformat(),
                    "statement_balance": balance,
                    "state": "open",
                    "started_by": by,
                    "started_at": to_iso(now),
                }
            )
            .last_pk
        )
        return get_reconciliation(db.conn, book_id, new_id)


def _open_one(
    db: sqlite_utils.Database,
    book_id: int,
    account_id: int,
    reconciliation_id: int,
    if_match: str | None,
) -> Reconciliation:
    current = get_reconciliation(db.conn, book_id, reconciliation_id, account_id)
    check_if_match(if_match, current.etag, "reconciliation")
    if current.state != "open":
        raise Conflict(_l("This reconciliation is finished already."))
    return current


def _mark_reconciled(
    db: sqlite_utils.Database, account_id: int, statement_date: str, now: datetime
) -> None:
    """Make the account's cleared rows up to the statement date reconciled, its kept
    reconciled total with them (a month's sum at a time)."""
    cleared = "account_id = ? AND status = 'cleared' AND date <= ?"
    months = db.execute(
        f"SELECT substr(date, 1, 7) || '-01', sum(amount) FROM transactions WHERE {cleared} "  # noqa: S608
        "GROUP BY 1",
        [account_id, statement_date],
    ).fetchall()
    for day, total in months:
        apply_to_totals(db, account_id, day, total, "cleared", -1)
        apply_to_totals(db, account_id, day, total, "reconciled", 1)
    db.execute(
        "UPDATE transactions SET status = 'reconciled', revision = revision + 1, "  # noqa: S608
        f"updated_at = ? WHERE {cleared}",
        [to_iso(now), account_id, statement_date],
    )


def finish_reconciliation(
    database: Database,
    book_id: int,
    account_id: int,
    reconciliation_id: int,
    *,
    adjust: bool,
    by: str,
    now: datetime,
    if_match: str | None = None,
) -> Reconciliation:
    """Finish an open reconciliation whose cleared balance agrees with the statement, or (with
    `adjust`) add a cleared "Reconciliation adjustment" for the difference first; the cleared
    rows up to the statement date become reconciled."""
    with database.write() as db:
        current = _open_one(db, book_id, account_id, reconciliation_id, if_match)
        difference = format_amount(current.difference, current.currency)
        adjustment_id = None
        if current.difference and not adjust:
            raise Conflict(
                _l(
                    "The cleared balance differs from the statement's by %(difference)s "
                    "%(currency)s: clear the rows the statement shows, or finish with "
                    "`adjust` to add an adjustment for the difference.",
                    difference=difference,
                    currency=current.currency,
                )
            )
        if current.difference:
            adjustment_id = create_in_write(
                db,
                book_id,
                TransactionInput(
                    account_id=account_id,
                    date=current.statement_date,
                    amount=difference,
                    payee=ADJUSTMENT_PAYEE,
                    memo=f"Statement of {current.statement_date.isoformat()}",
                    status="cleared",
                    # The statement's own date, given when the reconciliation began.
                    confirm_far_date=True,
                ),
                now,
            ).id
        _mark_reconciled(db, account_id, current.statement_date.isoformat(), now)
        db["reconciliations"].update(
            reconciliation_id,
            {
                "state": "finished",
                "finished_by": by,
                "finished_at": to_iso(now),
                "adjustment_id": adjustment_id,
            },
        )
        return get_reconciliation(db.conn, book_id, reconciliation_id)


def cancel_reconciliation(
    database: Database,
    book_id: int,
    account_id: int,
    reconciliation_id: int,
    *,
    if_match: str | None = None,
) -> None:
    """Drop an open reconciliation; the rows keep the statuses they were given meanwhile."""
    with database.write() as db:
        _open_one(db, book_id, account_id, reconciliation_id, if_match)
        db.execute("DELETE FROM reconciliations WHERE id = ?", [reconciliation_id])
