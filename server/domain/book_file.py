"""A whole book as one JSON document, to keep or to move: see `book_load` for the way back.

The file names its objects by `ref`s, numbered in the order they were made, instead of the
database's ids; a book loaded from a file and exported again gives the same file (apart from
`exported_at`). Members are not in it: whoever loads a file owns the book it makes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from server.clock import to_iso
from server.db import Database
from server.domain.money import format_amount

FORMAT = "tallybook-book"
VERSION = 1
_BATCH = 2000


def _refs(conn: sqlite3.Connection, table: str, book_id: int) -> dict[int, int]:
    ids = conn.execute(f"SELECT id FROM {table} WHERE book_id = ? ORDER BY id", [book_id])  # noqa: S608
    return {row[0]: ref for ref, row in enumerate(ids, 1)}


def _stamps(row: sqlite3.Row) -> dict[str, str]:
    return {"created_at": row["created_at"], "updated_at": row["updated_at"]}


def book_json(database: Database, book_id: int, now: datetime) -> Iterator[str]:
    """Yield the book as JSON text, in chunks, read in one snapshot."""
    with database.snapshot() as conn:
        book = conn.execute("SELECT name, currency FROM books WHERE id = ?", [book_id]).fetchone()
        head = {"format": FORMAT, "version": VERSION, "exported_at": to_iso(now)}
        head["book"] = {"name": book["name"], "currency": book["currency"]}
        head.update(_labels_json(conn, book_id, book["currency"]))
        text = json.dumps(head, ensure_ascii=False, indent=1)
        yield text[: text.rindex("}")].rstrip() + ',\n "transactions": ['
        first = True
        for chunk in _transactions_json(conn, book_id):
            yield ("\n  " if first else ",\n  ") + chunk
            first = False
        yield "\n ]\n}\n"


def _labels_json(conn: sqlite3.Connection, book_id: int, currency: str) -> dict[str, Any]:
    accounts = _refs(conn, "accounts", book_id)
    groups = _refs(conn, "category_groups", book_id)
    categories = _refs(conn, "categories", book_id)

    def rows(table: str) -> list[sqlite3.Row]:
        return conn.execute(
            f"SELECT * FROM {table} WHERE book_id = ? ORDER BY id",  # noqa: S608
            [book_id],
        ).fetchall()

    return {
        "accounts": [
            {
                "ref": accounts[a["id"]],
                "name": a["name"],
                "type": a["type"],
                "currency": a["currency"],
                "opening_balance": format_amount(a["opening_balance"], a["currency"]),
                "opening_date": a["opening_date"],
                "archived": bool(a["archived"]),
                **_stamps(a),
            }
            for a in rows("accounts")
        ],
        "category_groups": [
            {
                "ref": groups[g["id"]],
                "name": g["name"],
                "position": g["position"],
                "archived": bool(g["archived"]),
                **_stamps(g),
            }
            for g in rows("category_groups")
        ],
        "categories": [
            {
                "ref": categories[c["id"]],
                "group": groups[c["group_id"]],
                "name": c["name"],
                "kind": c["kind"],
                "archived": bool(c["archived"]),
                "rollover": bool(c["rollover"]),
                **_stamps(c),
            }
            for c in rows("categories")
        ],
        "budgets": [
            {
                "category": categories[b["category_id"]],
                "month": b["month"],
                "amount": format_amount(b["amount"], currency),
            }
            for b in conn.execute(
                "SELECT b.* FROM budgets b JOIN categories c ON c.id = b.category_id "
                "WHERE c.book_id = ? ORDER BY b.category_id, b.month",
                [book_id],
            )
        ],
        "goals": [
            {
                "category": categories[g["category_id"]],
                "kind": g["kind"],
                "amount": format_amount(g["amount"], currency),
                "by_month": g["by_month"],
            }
            for g in conn.execute(
                "SELECT * FROM budget_goals WHERE book_id = ? ORDER BY category_id", [book_id]
            )
        ],
        "schedules": _schedules_json(conn, book_id, accounts, categories, rows("schedules")),
        "reconciliations": _reconciliations_json(conn, book_id, accounts, rows("reconciliations")),
        "payees": [p["name"] for p in rows("payees")],
        "tags": [t["name"] for t in rows("tags")],
        "rules": [
            {
                "name": r["name"],
                "position": r["position"],
                "enabled": bool(r["enabled"]),
                "payee_match": r["payee_match"],
                "payee_text": r["payee_text"],
                "amount_min": r["amount_min"],
                "amount_max": r["amount_max"],
                "account": accounts.get(r["account_id"]),
                "set_category": categories.get(r["set_category_id"]),
                "set_payee": r["set_payee"],
                "add_tags": json.loads(r["add_tags"]),
                **_stamps(r),
            }
            for r in rows("rules")
        ],
    }


def _schedules_json(
    conn: sqlite3.Connection,
    book_id: int,
    accounts: dict[int, int],
    categories: dict[int, int],
    schedules: list[sqlite3.Row],
) -> list[dict[str, Any]]:
    """Scheduled transactions with the occurrences entered (naming their transactions' refs)
    or skipped, so that none is entered again after a load."""
    occurrences: dict[int, list[sqlite3.Row]] = {}
    for o in conn.execute(
        "SELECT o.* FROM schedule_occurrences o JOIN schedules s ON s.id = o.schedule_id "
        "WHERE s.book_id = ? ORDER BY o.schedule_id, o.date",
        [book_id],
    ):
        occurrences.setdefault(o["schedule_id"], []).append(o)
    entered = {o["transaction_id"] for group in occurrences.values() for o in group}
    transaction_refs = _transaction_refs(conn, book_id, entered)
    currencies = dict(
        conn.execute("SELECT id, currency FROM accounts WHERE book_id = ?", [book_id])
    )
    return [
        {
            "name": s["name"],
            "account": accounts[s["account_id"]],
            "amount": format_amount(s["amount"], currencies[s["account_id"]]),
            "payee": s["payee"],
            "category": categories.get(s["category_id"]),
            "memo": s["memo"],
            "tags": json.loads(s["tags"]),
            "transfer_account": accounts.get(s["transfer_account_id"]),
            "frequency": s["frequency"],
            "interval": s["interval"],
            "start_date": s["start_date"],
            "end_date": s["end_date"],
            "count": s["count"],
            "next_date": s["next_date"],
            "auto_enter": bool(s["auto_enter"]),
            "occurrences": [
                {
                    "date": o["date"],
                    "skipped": bool(o["skipped"]),
                    "transaction": transaction_refs.get(o["transaction_id"]),
                }
                for o in occurrences.get(s["id"], [])
            ],
            **_stamps(s),
        }
        for s in schedules
    ]


def _transaction_refs(
    conn: sqlite3.Connection, book_id: int, ids: set[int | None]
) -> dict[int, int]:
    """The refs the file gives these transactions (None stands for none)."""
    if not ids - {None}:
        return {}
    return dict(
        conn.execute(
            "SELECT id, ref FROM (SELECT id, row_number() OVER (ORDER BY id) AS ref "
            "FROM transactions WHERE book_id = ?) "
            "WHERE id IN (SELECT value FROM json_each(?))",
            [book_id, json.dumps(sorted(i for i in ids if i is not None))],
        ).fetchall()
    )


def _reconciliations_json(
    conn: sqlite3.Connection,
    book_id: int,
    accounts: dict[int, int],
    reconciliations: list[sqlite3.Row],
) -> list[dict[str, Any]]:
    """Each account's reconciliations: the statements, who reconciled them and when, and the
    adjustment a finish added (by its transaction's ref). The rows' statuses say the rest."""
    adjustments = _transaction_refs(conn, book_id, {r["adjustment_id"] for r in reconciliations})
    currencies = dict(
        conn.execute("SELECT id, currency FROM accounts WHERE book_id = ?", [book_id])
    )
    return [
        {
            "account": accounts[r["account_id"]],
            "statement_date": r["statement_date"],
            "statement_balance": format_amount(r["statement_balance"], currencies[r["account_id"]]),
            "state": r["state"],
            "started_by": r["started_by"],
            "started_at": r["started_at"],
            "finished_by": r["finished_by"],
            "finished_at": r["finished_at"],
            "adjustment": adjustments.get(r["adjustment_id"]),
        }
        for r in reconciliations
    ]


def tags_of(conn: sqlite3.Connection, ids: str) -> dict[int, list[str]]:
    """Return the tag names of the transactions `ids` (a JSON list), by transaction."""
    tags: dict[int, list[str]] = {}
    for transaction_id, name in conn.execute(
        "SELECT tt.transaction_id, g.name FROM transaction_tags tt JOIN tags g "
        "ON g.id = tt.tag_id WHERE tt.transaction_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY tt.transaction_id, g.id",
        [ids],
    ):
        tags.setdefault(transaction_id, []).append(name)
    return tags


def _transactions_json(conn: sqlite3.Connection, book_id: int) -> Iterator[str]:
    """One JSON object per transaction, oldest made first, a batch of lines per chunk."""
    accounts = _refs(conn, "accounts", book_id)
    categories = _refs(conn, "categories", book_id)
    currencies = dict(
        conn.execute("SELECT id, currency FROM accounts WHERE book_id = ?", [book_id])
    )
    # The refs of transfers' sides, known before their partners are reached.
    transfer_refs = {}
    for ref, (transaction_id, is_transfer) in enumerate(
        conn.execute(
            "SELECT id, transfer_id IS NOT NULL FROM transactions WHERE book_id = ? ORDER BY id",
            [book_id],
        ),
        1,
    ):
        if is_transfer:
            transfer_refs[transaction_id] = ref
    ref = 0
    cursor = conn.execute(
        "SELECT t.*, p.name AS payee FROM transactions t LEFT JOIN payees p ON p.id = t.payee_id "
        "WHERE t.book_id = ? ORDER BY t.id",
        [book_id],
    )
    while batch := cursor.fetchmany(_BATCH):
        ids = json.dumps([t["id"] for t in batch])
        splits: dict[int, list[dict]] = {}
        for s in conn.execute(
            "SELECT s.*, a.currency FROM splits s JOIN transactions t ON t.id = s.transaction_id "
            "JOIN accounts a ON a.id = t.account_id "
            "WHERE s.transaction_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY s.transaction_id, s.position",
            [ids],
        ):
            splits.setdefault(s["transaction_id"], []).append(
                {
                    "amount": format_amount(s["amount"], s["currency"]),
                    "category": categories.get(s["category_id"]),
                    "memo": s["memo"],
                }
            )
        tags = tags_of(conn, ids)
        lines = []
        for t in batch:
            ref += 1
            lines.append(
                json.dumps(
                    {
                        "ref": ref,
                        "account": accounts[t["account_id"]],
                        "date": t["date"],
                        "amount": format_amount(t["amount"], currencies[t["account_id"]]),
                        "payee": t["payee"],
                        "category": categories.get(t["category_id"]),
                        "memo": t["memo"],
                        "status": t["status"],
                        "tags": tags.get(t["id"], []),
                        "splits": splits.get(t["id"], []),
                        "transfer": transfer_refs.get(t["transfer_id"]),
                        "bank_id": t["bank_id"],
                        **_stamps(t),
                    },
                    ensure_ascii=False,
                )
            )
        yield ",\n  ".join(lines)
