"""`tallybook import A B C`: several bank files at once, each matched to its account, imported
as one change (server/domain/import_batches.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from server.auth.users import User
from server.cli.common import EXIT_REFUSED, fail
from server.clock import utcnow
from server.domain.books import gate, list_books
from server.domain.import_batches import BatchFile, BatchInput, read_batch, run_batch
from server.request_db import database


def _book_of(user: User, book_id: int | None) -> int:
    """The book named, or the user's only one."""
    if book_id is not None:
        return book_id
    with database().read() as conn:
        books = list_books(conn, user.id)
    if len(books) != 1:
        listed = ", ".join(f"{b.id} ({b.name})" for b in books)
        fail(
            f"{user.username} has {len(books)} books: say which with --book ID: {listed}.",
            EXIT_REFUSED,
        )
    return books[0].id


def import_batch(
    user: User, book_id: int | None, files: tuple[Path, ...], choices: dict[str, Any]
) -> None:
    """Import the files into the accounts they match, all or nothing; say what went where.
    `choices` are the command's for every file: date_format, amounts_reversed, skip_unreadable."""
    book = _book_of(user, book_id)
    batch = tuple(BatchFile(f.name, f.read_bytes(), **choices) for f in files)
    with database().read() as conn:
        items = read_batch(conn, book, batch)
        names = dict(conn.execute("SELECT id, name FROM accounts WHERE book_id = ?", [book]))
    unmatched = [item.name for item in items if item.account_id is None and not item.problem]
    if unmatched:
        fail(
            f"No account of book {book} matches {', '.join(unmatched)}: import "
            f"{'it' if len(unmatched) == 1 else 'each'} alone with --account ID once; its "
            "next files are then matched to that account. Nothing was imported.",
            EXIT_REFUSED,
        )
    with gate(database(), user.id, book, "write"):  # the user must be an editor
        made = run_batch(database(), book, BatchInput(batch, user.id), now=utcnow())
    for item in items:
        click.echo(f"{item.name} -> {names.get(item.account_id, '?')}")
    click.echo(
        f"Imported {made.added} transaction{'s' if made.added != 1 else ''} from "
        f"{len(items)} statement{'s' if len(items) != 1 else ''}; skipped {made.skipped} "
        f"already in their accounts (batch {made.id}: one change)."
    )
