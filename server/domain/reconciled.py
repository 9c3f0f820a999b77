"""Reconciled rows are locked: what would change a statement already agreed with the bank (a
reconciled row's amount, date, account or status, its deletion, or its transfer's other side
moving with it) is refused, naming the reconciliation it breaks, unless the caller unlocks.

Every writer of transactions asks here before such a change (`transactions`, `imports`), so
there is one rule and one message, however the change arrives.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from server.domain.money import format_amount
from server.errors import Conflict
from server.translatable import _l

if TYPE_CHECKING:
    from server.domain.transaction_rules import Resolved
    from server.domain.transactions import Transaction

RECONCILED = "reconciled"


class ReconciledRowLocked(Conflict):
    """A change to a reconciled row, refused; `extensions["reconciliation"]` names the
    statement it was reconciled with (None: the row was marked reconciled by hand)."""

    code = "reconciled"


def statement_of(conn: sqlite3.Connection, account_id: int, day: str) -> sqlite3.Row | None:
    """The finished reconciliation a reconciled row of the account dated `day` was agreed in:
    the first statement on or after its day (the last one, for a row dated after them all)."""
    found = conn.execute(
        "SELECT r.id, r.statement_date, r.statement_balance, a.currency FROM reconciliations r "
        "JOIN accounts a ON a.id = r.account_id WHERE r.account_id = :account "
        "AND r.state = 'finished' "
        "ORDER BY r.statement_date < :day, "  # the statements covering the day first
        "CASE WHEN r.statement_date >= :day THEN r.statement_date END, "
        "r.statement_date DESC, r.id LIMIT 1",
        {"account": account_id, "day": day},
    ).fetchone()
    return found


def _locked(conn: sqlite3.Connection, row: sqlite3.Row, doing: str) -> ReconciledRowLocked:
    statement = statement_of(conn, row["account_id"], row["date"])
    if statement is None:
        which, named = "is reconciled", None
    else:
        balance = format_amount(statement["statement_balance"], statement["currency"])
        which = (
            f"was reconciled with the statement of {statement['statement_date']} "
            f"(ending balance {balance} {statement['currency']})"
        )
        named = {
            "id": statement["id"],
            "account_id": row["account_id"],
            "statement_date": statement["statement_date"],
            "statement_balance": balance,
            "currency": statement["currency"],
        }
    error = ReconciledRowLocked(
        _l("Transaction %(id)s %(which)s: %(doing)s.", id=row["id"], which=which, doing=doing)
    )
    error.extensions["reconciliation"] = named
    error.extensions["transaction_id"] = row["id"]
    return error


def unlock_to(doing: str) -> str:
    """What a refusal tells a caller who may unlock."""
    return f"unlock it (`unlock_reconciled`) to {doing} anyway, breaking that reconciliation"


def refuse_if_reconciled(
    conn: sqlite3.Connection, transaction_ids: Iterable[int], doing: str
) -> None:
    """Refuse (409) if any of these transactions is reconciled, naming the first; `doing`
    ends the message (what the caller may do instead, see `unlock_to`)."""
    row = conn.execute(
        "SELECT id, account_id, date FROM transactions "
        "WHERE id IN (SELECT value FROM json_each(?)) AND status = ? ORDER BY date, id LIMIT 1",
        [json.dumps(sorted(set(transaction_ids))), RECONCILED],
    ).fetchone()
    if row is not None:
        raise _locked(conn, row, doing)


def refuse_locked_change(
    conn: sqlite3.Connection, current: Transaction, new: Resolved, other: sqlite3.Row | None
) -> None:
    """Refuse (409) a change of `current` to `new` that moves a reconciled row: its own
    amount, date, account or status, or its transfer's other side (`other`, as stored)."""
    if current.status == RECONCILED and (
        new.amount != current.amount
        or new.date != current.date.isoformat()
        or new.account_id != current.account_id
        or new.status != RECONCILED
    ):
        refuse_if_reconciled(
            conn, [current.id], unlock_to("change its amount, date, account or status")
        )
    if other is not None and other["status"] == RECONCILED:
        moved = (
            new.transfer_account_id != other["account_id"]
            or new.date != other["date"]
            or (new.transfer_amount is not None and new.transfer_amount != other["amount"])
        )
        if moved:
            refuse_if_reconciled(
                conn, [other["id"]], unlock_to("change it with the other side of its transfer")
            )
