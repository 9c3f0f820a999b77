"""Bringing a bank file's rows into an account: duplicates skipped, all or nothing, undoable.

`plan_import` says what would happen (which rows are new, which are already there); the
import itself is one write transaction that records itself in `imports`, so that
`undo_import` can take it out again as a whole.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

import sqlite_utils

from server.bankfiles.csv_file import Layout
from server.bankfiles.dates import read_two_ways
from server.bankfiles.files import BankFile
from server.bankfiles.rows import Row, RowProblem
from server.clock import from_iso, to_iso
from server.db import Database
from server.domain.bulk import NewRow, add_in_bulk, delete_in_bulk, with_transfer_partners
from server.domain.currencies import minor_digits
from server.domain.import_links import (
    Link,
    LinkMapping,
    add_linked,
    carries_links,
    create_categories,
    known_transfers,
    plan_links,
)
from server.domain.money import MAX_MINOR_UNITS
from server.domain.reconciled import refuse_if_reconciled
from server.domain.rules import Subject, rule_set
from server.errors import Conflict, FieldError, NotFound, ValidationFailed
from server.translatable import _l

# A bank may date a transaction a few days apart from how it was entered by hand.
DUPLICATE_WINDOW = timedelta(days=3)
BANK_ID_MAX = 255  # what the column holds; longer ids are kept by their start
FILE_NAME_MAX = 255  # an import's file name as kept; a longer one is kept by its start


class PlannedRow(NamedTuple):
    """One row of the file, in minor units, and whether it is already in the account."""

    row: Row
    amount: int
    duplicate_of: int | None  # the transaction it matches, if any
    payee: str  # as the book's rules leave them
    category_id: int | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Import:
    """A recorded import."""

    id: int
    account_id: int
    file_name: str
    format: str
    added: int
    skipped: int
    created_at: datetime
    undone_at: datetime | None
    batch_id: int | None = None  # imported with other files, as one change
    unreadable: tuple[RowProblem, ...] = ()  # lines skipped by choice, as they could not be read


def _account_currency(conn: sqlite3.Connection, book_id: int, account_id: int) -> str:
    row = conn.execute(
        "SELECT currency FROM accounts WHERE id = ? AND book_id = ?", [account_id, book_id]
    ).fetchone()
    if row is None:
        raise ValidationFailed.on(
            "account_id",
            _l("This book has no account with id %(account_id)s.", account_id=account_id),
        )
    return row[0]


def _minor(amount: Decimal, digits: int, line: int) -> int:
    scaled = amount.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise ValidationFailed.on(
            "file",
            _l(
                "Line %(line)s: %(amount)s has more decimals than the account's currency.",
                line=line,
                amount=amount,
            ),
        )
    if abs(scaled) > MAX_MINOR_UNITS:
        raise ValidationFailed.on(
            "file",
            _l("Line %(line)s: %(amount)s is too large an amount.", line=line, amount=amount),
        )
    return int(scaled)


def import_amounts(
    conn: sqlite3.Connection,
    book_id: int,
    account_id: int,
    rows: list[Row],
    file_currency: str | None = None,
) -> list[int]:
    """The rows' amounts in the account's minor units, once it is sure they can go there:
    the account is the book's, in the statement's currency, and each amount fits it."""
    currency = _account_currency(conn, book_id, account_id)
    if file_currency and file_currency != currency:
        raise ValidationFailed.on(
            "account_id",
            _l(
                "The statement is in %(file_currency)s and the account in "
                "%(currency)s: choose the account it belongs to.",
                file_currency=file_currency,
                currency=currency,
            ),
        )
    digits = minor_digits(currency)
    return [_minor(row.amount, digits, row.line) for row in rows]


def plan_import(
    conn: sqlite3.Connection,
    book_id: int,
    account_id: int,
    rows: list[Row],
    file_currency: str | None = None,
) -> list[PlannedRow]:
    """Match the rows against the account: by the bank's id where the file has one, else by
    amount and payee within a few days. Each existing transaction matches one row at most.
    The book's rules say each row's payee, category and tags."""
    amounts = import_amounts(conn, book_id, account_id, rows, file_currency)
    if not rows:
        return []
    first = min(r.date for r in rows) - DUPLICATE_WINDOW
    last = max(r.date for r in rows) + DUPLICATE_WINDOW
    # Two lookups, each along its own index: the account's transactions of the file's period
    # (for matching by amount and payee), and those of any date that carry the file's ids.
    existing = conn.execute(
        "SELECT t.id, t.date, t.amount, t.bank_id, lower(coalesce(p.name, '')) AS payee "
        "FROM transactions t LEFT JOIN payees p ON p.id = t.payee_id "
        "WHERE t.account_id = ? AND t.date BETWEEN ? AND ?",
        [account_id, first.isoformat(), last.isoformat()],
    ).fetchall()
    by_bank_id = dict(
        conn.execute(
            "SELECT bank_id, id FROM transactions WHERE account_id = ? "
            "AND bank_id IN (SELECT value FROM json_each(?))",
            [account_id, json.dumps([r.bank_id[:BANK_ID_MAX] for r in rows if r.bank_id])],
        ).fetchall()
    )
    by_amount: dict[int, list[sqlite3.Row]] = {}
    for candidate in existing:
        by_amount.setdefault(candidate["amount"], []).append(candidate)
    taken: set[int] = set()
    rules = rule_set(conn, book_id)
    planned = []
    for row, amount in zip(rows, amounts, strict=True):
        match = by_bank_id.get(row.bank_id[:BANK_ID_MAX]) if row.bank_id else None
        if match is None:
            match = _similar(by_amount.get(amount, []), taken, row)
        if match is not None:
            taken.add(match)
        payee, category_id, tags = row.payee, None, ()
        if rules:
            after = rules.run(Subject(account_id, row.amount, row.payee, None, ()))
            payee, category_id, tags = after.payee, after.category_id, after.tags
        planned.append(PlannedRow(row, amount, match, payee, category_id, tags))
    return planned


def plan_file(
    conn: sqlite3.Connection,
    book_id: int,
    account_id: int,
    bank_file: BankFile,
    mapping: LinkMapping,
) -> tuple[list[PlannedRow], list[Link]]:
    """`plan_import` of a whole file: its categories and accounts linked to the book's (QIF),
    and a transfer whose other side is already in the account counted as already there."""
    planned = plan_import(conn, book_id, account_id, bank_file.rows, bank_file.currency)
    links = plan_links(conn, book_id, account_id, bank_file.rows, mapping)
    return known_transfers(conn, account_id, planned, links), links


def _similar(same_amount: list[sqlite3.Row], taken: set[int], row: Row) -> int | None:
    """The closest in date of the untaken transactions of the same amount and payee."""
    payee = row.payee.strip().lower()
    best = None
    for candidate in same_amount:
        if candidate["id"] in taken:
            continue
        if candidate["bank_id"] and row.bank_id:
            continue  # both have the bank's id, and they differ
        gap = abs((date.fromisoformat(candidate["date"]) - row.date).days)
        if gap > DUPLICATE_WINDOW.days or (payee and candidate["payee"] != payee):
            continue
        if best is None or gap < best[0]:
            best = (gap, candidate["id"])
    return best[1] if best else None


@dataclass(frozen=True)
class ImportInput:
    """A bank file read for an account, and who brings it in (recorded in the history)."""

    account_id: int
    bank_file: BankFile
    file_name: str
    user_id: int
    keep_duplicates: frozenset[int] = frozenset()  # lines to add although already there
    mapping: LinkMapping = field(default_factory=LinkMapping)  # the file's names -> the book's
    skip_unreadable: bool = False  # import the lines that read, and keep a list of the others


def check_importable(bank_file: BankFile, *, skip_unreadable: bool = False) -> None:
    """Refuse a file the import cannot take as read (422): dates that read two ways, several
    statements to choose from, lines that cannot be read (unless told to skip them)."""
    if len(bank_file.date_formats) > 1:
        raise ValidationFailed.on(
            "date_format", read_two_ways(bank_file.date_formats) + ": choose."
        )
    if bank_file.needs_choice:
        raise ValidationFailed.on(
            "statement",
            _l(
                "The file holds %(len)s statements: choose one (%(statement_choices)s).",
                len=len(bank_file.statements),
                statement_choices=bank_file.statement_choices(),
            ),
        )
    if bank_file.problems and skip_unreadable and not bank_file.rows:
        raise ValidationFailed.on(
            "content", _l("No line of the file can be read: nothing to import.")
        )
    if bank_file.problems and not skip_unreadable:
        raise ValidationFailed(
            _l("Some lines of the file cannot be read; nothing was imported."),
            errors=[
                FieldError(
                    "content",
                    _l(
                        "%(place)s %(line)s: %(message)s",
                        place=bank_file.place,
                        line=p.line,
                        message=p.message,
                    ),
                )
                for p in bank_file.problems[:50]
            ],
        )


def run_import(
    database: Database,
    book_id: int,
    order: ImportInput,
    *,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> Import:
    """Add the file's rows that are not already there (or whose line is in `keep_duplicates`),
    as one transaction recorded in `imports`. Nothing is written if any row is refused; lines
    that cannot be read refuse the file too, unless `skip_unreadable` (then they are recorded).
    `progress` hears how many of the rows to add are in so far, and how many there are."""
    check_importable(order.bank_file, skip_unreadable=order.skip_unreadable)
    with database.write() as db:
        return _get(
            db.conn, book_id, add_import(database, book_id, order, now=now, progress=progress)
        )


def add_import(
    database: Database,
    book_id: int,
    order: ImportInput,
    *,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Import a checked file in the caller's write transaction (or its own); return the
    import's id."""
    account_id, bank_file = order.account_id, order.bank_file
    with database.write() as db:
        planned, links = plan_file(db.conn, book_id, account_id, bank_file, order.mapping)
        import_id = (
            db["imports"]
            .insert(
                {
                    "book_id": book_id,
                    "account_id": account_id,
                    "user_id": order.user_id,
                    "file_name": order.file_name[:FILE_NAME_MAX],
                    "format": bank_file.format,
                    "layout": json.dumps(bank_file.summary()),
                    "added": 0,
                    "skipped": 0,
                    "created_at": to_iso(now),
                    "unreadable": json.dumps([p.__dict__ for p in bank_file.problems]),
                }
            )
            .last_pk
        )
        kept = [p for p in planned if p.duplicate_of is None or p.row.line in order.keep_duplicates]
        new_rows = [
            NewRow(
                p.row.date,
                p.amount,
                p.payee.strip() or None,  # its length checked as the file was read
                p.row.memo,
                p.row.bank_id[:BANK_ID_MAX] if p.row.bank_id else None,
                p.category_id,
                p.tags,
            )
            for p in kept
            if not carries_links(p.row)
        ]
        add_in_bulk(db, book_id, account_id, new_rows, import_id, now, progress)
        linked = [p for p in kept if carries_links(p.row)]
        if linked:  # QIF's categories, splits and transfers: written as the app writes them
            categories = create_categories(
                database, book_id, links, [p.row for p in linked], now=now
            )
            add_linked(
                db, book_id, account_id, linked, links, categories, import_id=import_id, now=now
            )
        added, skipped = len(kept), len(planned) - len(kept)
        db.execute(
            "UPDATE imports SET added = ?, skipped = ? WHERE id = ?", [added, skipped, import_id]
        )
        if bank_file.layout is not None:
            _save_preset(db, account_id, bank_file.layout, now)
        if bank_file.statement is not None and bank_file.statements[bank_file.statement].key:
            # The next statement of this account is matched to it by this (see import_batches).
            db["statement_keys"].upsert(
                {
                    "account_id": account_id,
                    "key": bank_file.statements[bank_file.statement].key,
                    "updated_at": to_iso(now),
                },
                pk=("account_id", "key"),
            )
        return import_id


def apply_preset(conn: sqlite3.Connection, account_id: int, layout: Layout) -> Layout:
    """Read a file as the account's last import was read, when it has the same header row:
    its columns, which way its amounts go, and its date format where the file alone leaves a
    choice."""
    row = conn.execute(
        "SELECT headers, columns, date_format, amounts_reversed FROM import_presets "
        "WHERE account_id = ?",
        [account_id],
    ).fetchone()
    if row is None or json.loads(row["headers"]) != list(layout.headers):
        return layout
    preset = replace(
        layout, columns=json.loads(row["columns"]), amounts_reversed=bool(row["amounts_reversed"])
    )
    if row["date_format"] in layout.date_formats:
        preset = replace(preset, date_formats=(row["date_format"],))
    return preset


def _save_preset(db: sqlite_utils.Database, account_id: int, layout: Layout, now: datetime) -> None:
    db["import_presets"].upsert(
        {
            "account_id": account_id,
            "headers": json.dumps(list(layout.headers)),
            "columns": json.dumps(layout.columns),
            "date_format": layout.date_formats[0],
            "amounts_reversed": int(layout.amounts_reversed),
            "updated_at": to_iso(now),
        },
        pk="account_id",
    )


def _get(conn: sqlite3.Connection, book_id: int, import_id: int) -> Import:
    row = conn.execute(
        "SELECT i.*, b.batch_id FROM imports i "
        "LEFT JOIN import_batch_files b ON b.import_id = i.id WHERE i.id = ? AND i.book_id = ?",
        [import_id, book_id],
    ).fetchone()
    if row is None:
        raise NotFound(_l("This book has no import %(import_id)s.", import_id=import_id))
    return Import(
        row["id"],
        row["account_id"],
        row["file_name"],
        row["format"],
        row["added"],
        row["skipped"],
        from_iso(row["created_at"]),
        from_iso(row["undone_at"]) if row["undone_at"] else None,
        row["batch_id"],
        tuple(RowProblem(**p) for p in json.loads(row["unreadable"])),
    )


def list_imports(conn: sqlite3.Connection, book_id: int) -> list[Import]:
    """The book's imports, newest first."""
    ids = conn.execute(
        "SELECT id FROM imports WHERE book_id = ? ORDER BY id DESC", [book_id]
    ).fetchall()
    return [_get(conn, book_id, r[0]) for r in ids]


def undo_import(database: Database, book_id: int, import_id: int, *, now: datetime) -> int:
    """Delete what an import added (with the other sides of transfers made since), and with it
    the other files of its batch; return how many transactions went."""
    with database.write() as db:
        recorded = _get(db.conn, book_id, import_id)
        if recorded.undone_at is not None:
            raise Conflict(_l("This import was undone already."))
        together = [import_id]
        if recorded.batch_id is not None:
            together = [
                r[0]
                for r in db.execute(
                    "SELECT import_id FROM import_batch_files WHERE batch_id = ?",
                    [recorded.batch_id],
                )
            ]
        return undo_imports(db, together, now=now)


def undo_imports(db: sqlite_utils.Database, import_ids: list[int], *, now: datetime) -> int:
    """Inside the caller's write transaction, delete what the imports added; return how many
    transactions went. Refused (nothing done) while any of them is reconciled."""
    ids = [
        r[0]
        for r in db.execute(
            "SELECT id FROM transactions WHERE import_id IN (SELECT value FROM json_each(?))",
            [json.dumps(import_ids)],
        )
    ]
    refuse_if_reconciled(
        db.conn,
        with_transfer_partners(db, ids),
        "the import cannot be undone while it holds reconciled rows",
    )
    removed = delete_in_bulk(db, ids) if ids else 0
    db.execute(
        "UPDATE imports SET undone_at = ? WHERE id IN (SELECT value FROM json_each(?))",
        [to_iso(now), json.dumps(import_ids)],
    )
    return removed
