"""Running a book's rules on the transactions it already holds: a preview, then the change
(in the write transaction of the route's book gate, `server.api.access`, which checks the
caller's role)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from server.db import Database
from server.domain.currencies import minor_digits
from server.domain.rules import RuleSet, Subject, rule_set
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import update_in_write

MAX_RULES_RUN = 1000  # the rules a preview or run names (default: every enabled one)


@dataclass(frozen=True)
class Change:
    """What the rules would make of one transaction."""

    transaction_id: int
    date: date
    account_id: int
    amount: int
    currency: str
    payee_before: str
    payee_after: str
    category_before: int | None
    category_after: int | None
    tags_added: list[str]


def _changes(conn: sqlite3.Connection, book_id: int, rules: RuleSet) -> Iterable[Change]:
    """Every transaction of the book the rules would change, newest first."""
    if not rules:
        return
    payee_ids, blank = None, True
    if rules.payee_bound():  # look only at the transactions of payees some rule matches
        payees = conn.execute("SELECT id, name FROM payees WHERE book_id = ?", [book_id])
        payee_ids = json.dumps([pid for pid, name in payees if rules.any_payee_matches(name)])
        blank = rules.any_payee_matches("")  # a pattern such as `^$` matches no payee at all
    query = (
        "SELECT t.id, t.date, t.account_id, t.amount, a.currency, coalesce(p.name, '') AS payee, "
        "t.category_id, t.transfer_id IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM splits s WHERE s.transaction_id = t.id) AS categorizable, "
        "(SELECT json_group_array(g.name) FROM transaction_tags tt JOIN tags g ON g.id = tt.tag_id "
        " WHERE tt.transaction_id = t.id) AS tags "
        "FROM transactions t JOIN accounts a ON a.id = t.account_id "
        "LEFT JOIN payees p ON p.id = t.payee_id WHERE t.book_id = :book "
        "AND (:payees IS NULL OR t.payee_id IN (SELECT value FROM json_each(:payees)) "
        "     OR (:blank AND t.payee_id IS NULL)) "
        "ORDER BY t.date DESC, t.id DESC"
    )
    for row in conn.execute(query, {"book": book_id, "payees": payee_ids, "blank": blank}):
        tags = tuple(json.loads(row["tags"]))
        before = Subject(
            row["account_id"],
            Decimal(row["amount"]).scaleb(-minor_digits(row["currency"])),
            row["payee"],
            row["category_id"],
            tags,
            bool(row["categorizable"]),
        )
        after = rules.run(before)
        if after != before:
            yield Change(
                transaction_id=row["id"],
                date=date.fromisoformat(row["date"]),
                account_id=row["account_id"],
                amount=row["amount"],
                currency=row["currency"],
                payee_before=before.payee,
                payee_after=after.payee,
                category_before=before.category_id,
                category_after=after.category_id,
                tags_added=list(after.tags[len(tags) :]),
            )


def preview_rules(
    conn: sqlite3.Connection, book_id: int, rule_ids: list[int] | None = None, *, limit: int = 200
) -> tuple[list[Change], int]:
    """The first `limit` changes the rules would make (newest first) and how many in all."""
    shown: list[Change] = []
    total = 0
    for change in _changes(conn, book_id, rule_set(conn, book_id, rule_ids)):
        total += 1
        if len(shown) < limit:
            shown.append(change)
    return shown, total


def apply_rules(
    database: Database, book_id: int, rule_ids: list[int] | None = None, *, now: datetime
) -> int:
    """Make the changes `preview_rules` shows, as one write; return how many changed."""
    with database.write() as db:
        changes = list(_changes(db.conn, book_id, rule_set(db.conn, book_id, rule_ids)))
        for change in changes:
            renamed = change.payee_after != change.payee_before
            update_in_write(
                db,
                book_id,
                change.transaction_id,
                TransactionInput(
                    payee=change.payee_after if renamed else None,
                    category_id=change.category_after,
                ),
                now,
                add_tags=change.tags_added,
            )
        return len(changes)
