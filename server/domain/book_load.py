"""Making a new book from a book file: checked whole first (`book_check`), then written at
once, in one transaction, the kept sums made from the rows as the doctor makes them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import BinaryIO

import sqlite_utils

from server.clock import to_iso
from server.db import Database
from server.db.kept_sums import rebuild_account_totals
from server.domain.book_check import REFUSED, BookPlan, check_book_file
from server.domain.book_read import BookFileReader
from server.domain.books import Book, get_book
from server.domain.bulk import kept_in_bulk
from server.domain.schedules import ScheduleInput, checked_schedule
from server.domain.validation import Problems, from_mapping
from server.errors import FieldError, ValidationFailed
from server.translatable import _l

# A scheduled transaction's own fields in a book file (its refs and occurrences apart).
SCHEDULE_FIELDS = (
    "name",
    "amount",
    "payee",
    "memo",
    "tags",
    "frequency",
    "interval",
    "start_date",
    "end_date",
    "count",
    "auto_enter",
)


def load_book(database: Database, owner_id: int, file: BinaryIO, *, now: datetime) -> Book:
    """Make a new book, owned by `owner_id`, holding what the book file `file` holds; all or
    nothing.

    Everything is checked first (refs, amounts in their accounts' currencies, splits adding
    up, transfers in pairs), as the file is read (`book_read`); a file with any problem is
    refused whole, each problem named.
    """
    document = BookFileReader(file)
    plan, own = check_book_file(document, now=now)
    document.finish()
    with database.write() as db:
        book_id = write_book(
            plan, db, owner_id, own["name"], own["currency"], own["payees"], own["tags"]
        )
    with database.read() as conn:
        return get_book(conn, owner_id, book_id)


def write_book(
    plan: BookPlan,
    db: sqlite_utils.Database,
    owner_id: int,
    name: str,
    currency: str,
    payees: list[str],
    tags: list[str],
) -> int:
    """Insert everything into a new book inside the caller's write transaction."""
    stamp = to_iso(plan.now)
    book_id = (
        db["books"]
        .insert(
            {
                "name": name.strip(),
                "currency": currency,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        .last_pk
    )
    db["book_members"].insert(
        {"book_id": book_id, "user_id": owner_id, "role": "owner", "created_at": stamp}
    )
    try:
        return _write_contents(plan, db, book_id, payees, tags)
    except sqlite3.IntegrityError as error:  # a name too long, a duplicate name, ...
        raise ValidationFailed.on(
            "file", _l("The book file breaks a rule of the book: %(error)s.", error=error)
        ) from None


def _write_contents(
    plan: BookPlan, db: sqlite_utils.Database, book_id: int, payees: list[str], tags: list[str]
) -> int:
    def insert(table: str, rows: list[dict]) -> list[int]:
        return [db[table].insert({**row, "book_id": book_id}).last_pk for row in rows]

    account_ids = insert("accounts", [{**a, "archived": 0} for a in plan.account_rows])
    group_ids = insert("category_groups", plan.group_rows)
    category_ids = insert(
        "categories",
        [
            {**row, "group_id": group_ids[group]}
            for row, group in zip(plan.category_rows, plan.category_groups, strict=True)
        ],
    )
    # Names are one in any case, as in the book (the file's first spelling is kept).
    named: dict[tuple[str, str], int] = {}

    def label_id(table: str, name: str) -> int:
        key = (table, name.casefold())
        if key not in named:
            named[key] = db[table].insert({"book_id": book_id, "name": name}).last_pk
        return named[key]

    for payee in payees:
        label_id("payees", payee)
    for tag in tags:
        label_id("tags", tag)

    def payee_id(name: str | None) -> int | None:
        return label_id("payees", name) if name else None

    def tag_id(name: str) -> int:
        return label_id("tags", name)

    def category_id(index: int | None) -> int | None:
        return None if index is None else category_ids[index]

    rows = plan.transaction_rows
    with kept_in_bulk(db):
        db.conn.executemany(
            "INSERT INTO transactions (book_id, account_id, date, amount, payee_id, "
            "category_id, memo, status, bank_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    book_id,
                    account_ids[r.account],
                    r.date,
                    r.amount,
                    payee_id(r.payee),
                    category_id(r.category),
                    r.memo,
                    r.status,
                    r.bank_id,
                    r.created_at,
                    r.updated_at,
                )
                for r in rows
            ),
        )
    ids = [
        i
        for (i,) in db.execute(
            "SELECT id FROM transactions WHERE book_id = ? ORDER BY id", [book_id]
        ).fetchall()
    ]
    db.conn.executemany(
        "UPDATE transactions SET transfer_id = ? WHERE id = ?",
        ((ids[r.transfer], i) for i, r in zip(ids, rows, strict=True) if r.transfer is not None),
    )
    db.conn.executemany(
        "INSERT INTO splits (transaction_id, category_id, amount, memo, position) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            (i, category_id(s["category"]), s["amount"], s["memo"], s["position"])
            for i, r in zip(ids, rows, strict=True)
            for s in r.splits
        ),
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO transaction_tags (transaction_id, tag_id) VALUES (?, ?)",
        ((i, tag_id(t)) for i, r in zip(ids, rows, strict=True) for t in r.tags),
    )
    rebuild_account_totals(db, book_id)
    db.conn.executemany(
        "INSERT INTO budgets (category_id, month, amount) VALUES (?, ?, ?)",
        [(category_id(b["category"]), b["month"], b["amount"]) for b in plan.budget_rows],
    )
    db.conn.executemany(
        "INSERT INTO budget_goals (category_id, book_id, kind, amount, by_month) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (category_id(g["category"]), book_id, g["kind"], g["amount"], g["by_month"])
            for g in plan.goal_rows
        ],
    )
    _write_schedules(plan, db, book_id, account_ids, category_id, ids)
    db["reconciliations"].insert_all(
        {
            **{key: value for key, value in row.items() if key not in ("account", "adjustment")},
            "book_id": book_id,
            "account_id": account_ids[row["account"]],
            "adjustment_id": None if row["adjustment"] is None else ids[row["adjustment"]],
        }
        for row in plan.reconciliation_rows
    )
    archived = [account_ids[i] for i, row in enumerate(plan.account_rows) if row["archived"]]
    db.conn.executemany(  # only now: a schedule may belong to an archived account
        "UPDATE accounts SET archived = 1 WHERE id = ?", [(i,) for i in archived]
    )
    for rule in plan.rule_rows:
        account, category = rule.pop("account"), rule.pop("set_category")
        db["rules"].insert(
            {
                **rule,
                "book_id": book_id,
                "account_id": None if account is None else account_ids[account],
                "set_category_id": category_id(category),
            }
        )
    return book_id


def _write_schedules(
    plan: BookPlan,
    db: sqlite_utils.Database,
    book_id: int,
    account_ids: list[int],
    category_id: Callable[[int | None], int | None],
    transaction_ids: list[int],
) -> None:
    """Insert the scheduled transactions, checked as the app checks a new one (a refusal
    undoes the whole load, as the caller's write transaction ends)."""
    file_names = {
        "account_id": "account",
        "transfer_account_id": "transfer_account",
        "category_id": "category",
    }
    for scheduled in plan.schedule_plans:
        item = scheduled["item"]
        other = scheduled["transfer_account"]
        values = {
            **{name: item.get(name) for name in SCHEDULE_FIELDS},
            "account_id": account_ids[scheduled["account"]],
            "transfer_account_id": None if other is None else account_ids[other],
            "category_id": category_id(scheduled["category"]),
        }
        problems = Problems()
        row = checked_schedule(db.conn, book_id, from_mapping(ScheduleInput, values), problems)
        if problems:  # each at its place in the file, under the file's names
            where = scheduled["where"]
            raise ValidationFailed(
                REFUSED,
                errors=[
                    FieldError(f"{where}.{file_names.get(e.field, e.field)}", e.message)
                    for e in problems.errors
                ],
            )
        schedule_id = (
            db["schedules"]
            .insert(
                row
                | {
                    "book_id": book_id,
                    "next_date": scheduled["next_date"],
                    "created_at": scheduled["created_at"],
                    "updated_at": scheduled["updated_at"],
                }
            )
            .last_pk
        )
        db.conn.executemany(
            "INSERT INTO schedule_occurrences (schedule_id, date, transaction_id, skipped) "
            "VALUES (?, ?, ?, ?)",
            [
                (schedule_id, day, None if ref is None else transaction_ids[ref], skipped)
                for day, (skipped, ref) in scheduled["occurrences"].items()
            ],
        )
