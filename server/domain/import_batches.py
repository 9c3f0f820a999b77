"""Several bank files at once: each statement matched to its account, all previewed, then
imported in one write transaction and undone as one.

A file's statement is matched to an account by what the account's earlier imports left: the
digest of an OFX statement's bank and account number (`statement_keys`), a CSV's header row
(the account's import preset), or a QIF account's name equal to the account's. A person may
choose any file's account instead; a file nobody matches waits for that choice.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Literal

from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.files import BankFile, read_bank_file
from server.clock import from_iso, to_iso
from server.db import Database
from server.domain.import_links import LinkMapping
from server.domain.import_texts import long_texts_as_problems
from server.domain.imports import (
    ImportInput,
    PlannedRow,
    add_import,
    apply_preset,
    plan_file,
    undo_imports,
)
from server.errors import Conflict, FieldError, NotFound, ValidationFailed
from server.translatable import _l

MAX_BATCH_FILES = 20  # files in one batch (each as large as one import may be)
MAX_BATCH_STATEMENTS = 100  # statements in one batch, once files holding several are opened

MatchedBy = Literal["chosen", "statement", "preset", "name"]


@dataclass(frozen=True)
class BatchFile:
    """One file of a batch, with the person's choices for it (each optional)."""

    file_name: str
    data: bytes
    account_id: int | None = None
    statement: int | None = None  # one statement of a file holding several; None: each
    date_format: str | None = None
    columns: dict[str, int] | None = None
    keep_duplicates: frozenset[int] = frozenset()
    mapping: LinkMapping = field(default_factory=LinkMapping)  # the file's names -> the book's
    amounts_reversed: bool | None = None  # CSV: flip every sign; None: as the preset says
    skip_unreadable: bool = False  # import the lines that read, and keep a list of the others


@dataclass(frozen=True)
class BatchInput:
    """The files to import together, and who brings them in."""

    files: tuple[BatchFile, ...]
    user_id: int


@dataclass(frozen=True)
class BatchItem:
    """One statement of one file of the batch: read, matched to an account, planned."""

    file: int  # the file's place in the batch
    file_name: str
    statement: int | None
    account_id: int | None
    matched_by: MatchedBy | None
    bank_file: BankFile | None  # None: the file cannot be read (see `problem`)
    problem: str | None = None  # why it cannot be read or go into the account
    problem_on: str = "content"  # the field of the file the problem is about
    planned: list[PlannedRow] = field(default_factory=list)
    skip_unreadable: bool = False  # its unreadable lines are skipped, as the person chose

    @property
    def name(self) -> str:
        """The file, and its statement where it holds several, as a person reads it."""
        if self.bank_file is None or self.statement is None or len(self.bank_file.statements) < 2:
            return self.file_name
        return f"{self.file_name} ({self.bank_file.statements[self.statement].account})"

    def refusals(self) -> list[FieldError]:
        """What stops this item from being imported as it is (empty: nothing)."""
        at = f"files.{self.file}"
        if self.problem is not None:
            return [
                FieldError(
                    f"{at}.{self.problem_on}",
                    _l("%(name)s: %(problem)s", name=self.name, problem=self.problem),
                )
            ]
        if self.account_id is None:
            return [
                FieldError(f"{at}.account_id", _l("%(name)s: choose its account.", name=self.name))
            ]
        assert self.bank_file is not None  # an item without a file has a problem
        if len(self.bank_file.date_formats) > 1:
            choices = " or ".join(self.bank_file.date_formats)
            return [
                FieldError(
                    f"{at}.date_format",
                    _l("%(name)s: the dates read as %(choices)s.", name=self.name, choices=choices),
                )
            ]
        if self.skip_unreadable and self.bank_file.rows:
            return []
        if self.skip_unreadable:
            return [
                FieldError(
                    f"{at}.content", _l("%(name)s: no line of it can be read.", name=self.name)
                )
            ]
        return [
            FieldError(
                f"{at}.content",
                _l(
                    "%(name)s: %(place)s %(line)s: %(message)s",
                    name=self.name,
                    place=self.bank_file.place,
                    line=p.line,
                    message=p.message,
                ),
            )
            for p in self.bank_file.problems[:10]
        ]


@dataclass(frozen=True)
class Batch:
    """A recorded batch: its imports, one per statement."""

    id: int
    import_ids: tuple[int, ...]
    added: int
    skipped: int
    created_at: datetime
    undone_at: datetime | None


def read_batch(
    conn: sqlite3.Connection, book_id: int, files: tuple[BatchFile, ...]
) -> list[BatchItem]:
    """Read every file (one item per statement), match each to its account, plan each."""
    if len(files) > MAX_BATCH_FILES:
        raise ValidationFailed.on(
            "files",
            _l("A batch holds at most %(max_batch_files)s files.", max_batch_files=MAX_BATCH_FILES),
        )
    items = [
        item for index, file in enumerate(files) for item in _items(conn, book_id, index, file)
    ]
    if len(items) > MAX_BATCH_STATEMENTS:
        raise ValidationFailed.on(
            "files",
            _l(
                "A batch holds at most %(max_batch_statements)s statements.",
                max_batch_statements=MAX_BATCH_STATEMENTS,
            ),
        )
    return items


def _read(
    conn: sqlite3.Connection, file: BatchFile, account_id: int | None, statement: int | None
) -> BankFile:
    """Read the file as the person chose, and as the account's preset says when it has one."""
    return long_texts_as_problems(
        read_bank_file(
            file.data,
            date_format=file.date_format,
            columns=file.columns,
            statement=statement,
            amounts_reversed=file.amounts_reversed,
            **({} if account_id is None else {"preset": partial(apply_preset, conn, account_id)}),
        )
    )


def _items(conn: sqlite3.Connection, book_id: int, index: int, file: BatchFile) -> list[BatchItem]:
    try:
        first = _read(conn, file, file.account_id, file.statement)
    except ImportProblem as problem:
        chosen = "chosen" if file.account_id is not None else None
        return [
            BatchItem(
                index, file.file_name, file.statement, file.account_id, chosen, None, str(problem)
            )
        ]
    if first.statement is None and len(first.statements) > 1:
        # A QIF file's investment accounts are left out (its `statements` still list them).
        return [
            _item(conn, book_id, index, file, number, None)
            for number, info in enumerate(first.statements)
            if info.kind != "investment"
        ]
    return [_item(conn, book_id, index, file, first.statement, first)]


def _item(
    conn: sqlite3.Connection,
    book_id: int,
    index: int,
    file: BatchFile,
    statement: int | None,
    read: BankFile | None,
) -> BatchItem:
    account_id: int | None = file.account_id
    matched_by: MatchedBy | None = "chosen" if account_id is not None else None
    try:
        bank_file = read or _read(conn, file, account_id, statement)
    except ImportProblem as problem:  # this statement of the file cannot be read
        return BatchItem(
            index, file.file_name, statement, account_id, matched_by, None, str(problem)
        )
    if account_id is None:
        found = match_account(conn, book_id, bank_file)
        if found is not None:
            account_id, matched_by = found
            if bank_file.layout is not None:  # read as that account's preset says
                bank_file = _read(conn, file, account_id, statement)
    item = BatchItem(
        index,
        file.file_name,
        statement,
        account_id,
        matched_by,
        bank_file,
        skip_unreadable=file.skip_unreadable,
    )
    if account_id is None or bank_file.needs_choice:
        return item
    try:
        planned, _ = plan_file(conn, book_id, account_id, bank_file, file.mapping)
    except ValidationFailed as refused:  # not the book's account, or not its currency
        on = refused.errors[0].field if refused.errors else None
        return replace(item, problem=refused.detail, problem_on=on or "content")
    return replace(item, planned=planned)


def match_account(
    conn: sqlite3.Connection, book_id: int, bank_file: BankFile
) -> tuple[int, MatchedBy] | None:
    """The book's open account a statement belongs to, and how it was known; None if none or
    several could be it."""
    info = bank_file.statements[bank_file.statement] if bank_file.statement is not None else None
    if bank_file.format == "ofx" and info is not None and info.key:
        how: MatchedBy = "statement"
        found = conn.execute(
            "SELECT DISTINCT k.account_id FROM statement_keys k "
            "JOIN accounts a ON a.id = k.account_id "
            "WHERE a.book_id = ? AND NOT a.archived AND k.key = ?",
            [book_id, info.key],
        ).fetchall()
    elif bank_file.layout is not None:
        how = "preset"
        found = conn.execute(
            "SELECT p.account_id FROM import_presets p JOIN accounts a ON a.id = p.account_id "
            "WHERE a.book_id = ? AND NOT a.archived AND p.headers = ?",
            [book_id, json.dumps(list(bank_file.layout.headers))],
        ).fetchall()
    elif bank_file.format == "qif" and info is not None and info.account:
        how = "name"
        found = conn.execute(
            "SELECT id FROM accounts WHERE book_id = ? AND NOT archived AND lower(name) = lower(?)",
            [book_id, info.account.strip()],
        ).fetchall()
    else:
        return None
    return (found[0][0], how) if len(found) == 1 else None


def run_batch(database: Database, book_id: int, order: BatchInput, *, now: datetime) -> Batch:
    """Import every statement of every file into its account in one write transaction,
    recorded as one batch: nothing is written if any of them is refused (each named)."""
    with database.write() as db:
        items = read_batch(db.conn, book_id, order.files)
        refused = [problem for item in items for problem in item.refusals()]
        if refused:
            raise ValidationFailed(
                _l("Some files cannot be imported as they are; nothing was imported."),
                errors=refused[:50],
            )
        if not items:
            raise ValidationFailed.on("files", _l("Send at least one file."))
        batch_id = (
            db["import_batches"]
            .insert({"book_id": book_id, "user_id": order.user_id, "created_at": to_iso(now)})
            .last_pk
        )
        for item in items:
            assert item.account_id is not None and item.bank_file is not None  # not refused
            chosen = order.files[item.file]
            import_id = add_import(
                database,
                book_id,
                ImportInput(
                    account_id=item.account_id,
                    bank_file=item.bank_file,
                    file_name=item.file_name,
                    user_id=order.user_id,
                    keep_duplicates=chosen.keep_duplicates,
                    mapping=chosen.mapping,
                    skip_unreadable=chosen.skip_unreadable,
                ),
                now=now,
            )
            db["import_batch_files"].insert({"import_id": import_id, "batch_id": batch_id})
        return get_batch(db.conn, book_id, batch_id)


def get_batch(conn: sqlite3.Connection, book_id: int, batch_id: int) -> Batch:
    """A batch of the book, with its imports' totals (404 if the book has no such batch)."""
    made = conn.execute(
        "SELECT created_at FROM import_batches WHERE id = ? AND book_id = ?", [batch_id, book_id]
    ).fetchone()
    if made is None:
        raise NotFound(_l("This book has no import batch %(batch_id)s.", batch_id=batch_id))
    imports = conn.execute(
        "SELECT i.id, i.added, i.skipped, i.undone_at FROM imports i "
        "JOIN import_batch_files b ON b.import_id = i.id WHERE b.batch_id = ? ORDER BY i.id",
        [batch_id],
    ).fetchall()
    undone = [r["undone_at"] for r in imports if r["undone_at"]]
    return Batch(
        batch_id,
        tuple(r["id"] for r in imports),
        sum(r["added"] for r in imports),
        sum(r["skipped"] for r in imports),
        from_iso(made["created_at"]),
        from_iso(undone[0]) if len(undone) == len(imports) and imports else None,
    )


def undo_batch(database: Database, book_id: int, batch_id: int, *, now: datetime) -> int:
    """Take out everything the batch's files added, as one; return how many transactions went."""
    with database.write() as db:
        batch = get_batch(db.conn, book_id, batch_id)
        if batch.undone_at is not None:
            raise Conflict(_l("This batch of imports was undone already."))
        return undo_imports(db, list(batch.import_ids), now=now)
