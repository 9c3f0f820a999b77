"""`tallybook import` and `tallybook demo`: filling a book from the command line."""

from __future__ import annotations

import sqlite3
import sys
from functools import partial
from pathlib import Path

import click

from server.bankfiles.dates import format_words
from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.files import BankFile, read_bank_file
from server.cli.common import (
    EXIT_REFUSED,
    data_dir_option,
    fail,
    open_app,
    reports_errors,
    user_named,
)
from server.cli.import_batch import import_batch
from server.clock import utcnow
from server.domain.books import gate
from server.domain.demo import create_demo_book
from server.domain.import_texts import long_texts_as_problems
from server.domain.imports import ImportInput, apply_preset, run_import
from server.request_db import database

MAX_IMPORT_BYTES = 20 * 1024 * 1024
SHOWN_PROBLEMS = 10


def _read_statement(
    conn: sqlite3.Connection,
    file: Path,
    account_id: int,
    date_format: str | None,
    statement: int | None,
    amounts_reversed: bool | None,
    skip_unreadable: bool,
) -> BankFile:
    """Read a bank file as the account's preset (or the options) say; stop on any doubt."""
    try:
        bank_file = read_bank_file(
            file.read_bytes(),
            date_format=date_format,
            statement=statement,
            amounts_reversed=amounts_reversed,
            preset=partial(apply_preset, conn, account_id),
        )
    except ImportProblem as problem:
        fail(f"{file.name}: {problem}", EXIT_REFUSED)
    bank_file = long_texts_as_problems(bank_file)
    if len(bank_file.date_formats) > 1:
        choices = " or ".join(
            f"{format_words(f)} (--date-format {f})" for f in bank_file.date_formats
        )
        fail(f"{file.name}: the dates can be read as {choices}. Say which.", EXIT_REFUSED)
    if bank_file.needs_choice:
        fail(
            f"{file.name} holds {len(bank_file.statements)} statements; say which with "
            f"--statement N: {bank_file.statement_choices()}.",
            EXIT_REFUSED,
        )
    if bank_file.problems and not skip_unreadable:
        fail(
            f"{file.name}: {bank_file.place.lower()}s that cannot be read (nothing imported; "
            f"--skip-unreadable imports the others):\n{_listed(bank_file)}",
            EXIT_REFUSED,
        )
    return bank_file


def _listed(bank_file: BankFile) -> str:
    """The lines that cannot be read, the first few of them, one a line."""
    place = bank_file.place.lower()
    problems = bank_file.problems
    listed = "\n".join(f"  {place} {p.line}: {p.message}" for p in problems[:SHOWN_PROBLEMS])
    extra = len(problems) - SHOWN_PROBLEMS
    return listed + (f"\n  ... and {extra} more" if extra > 0 else "")


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option(
    "--account",
    "account_id",
    type=int,
    help="The account's id, for one file; default: each file's account, matched by the OFX "
    "account id or the CSV header row of its earlier imports, or a QIF account's name.",
)
@click.option(
    "--book",
    "book_id",
    type=int,
    help="The book whose accounts the files are matched to (default: the user's only book).",
)
@click.option("--username", required=True, help="Who imports (an editor or owner of the book).")
@click.option(
    "--date-format",
    help="How the files write dates, e.g. %d/%m/%Y, when their dates could be read two ways.",
)
@click.option(
    "--statement",
    type=click.IntRange(min=0),
    help="Which statement of an OFX file, or account of a QIF file, that holds several "
    "(from 0), with --account.",
)
@click.option(
    "--amounts-reversed/--amounts-as-written",
    default=None,
    help="CSV: the file writes money out as positive (card charges): flip every sign. "
    "Default: as the account's last import of this layout.",
)
@click.option(
    "--skip-unreadable",
    is_flag=True,
    help="Import the lines that can be read and skip the others (listed, kept with the import).",
)
@data_dir_option
@reports_errors
def import_file(
    files: tuple[Path, ...],
    account_id: int | None,
    book_id: int | None,
    username: str,
    date_format: str | None,
    statement: int | None,
    amounts_reversed: bool | None,
    skip_unreadable: bool,
    data_dir: Path | None,
) -> None:
    """Import bank files (OFX/QFX, QIF or CSV): the format and layout are detected, rows
    already in an account are skipped, and the whole import is one change that can be undone.
    Several files go each into the account it matches, all or nothing."""
    for file in files:
        if file.stat().st_size > MAX_IMPORT_BYTES:
            fail(f"{file} is larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB.", EXIT_REFUSED)
    if account_id is None:
        if statement is not None:
            raise click.UsageError("--statement goes with --account (one file, one account).")
        with open_app(data_dir):
            import_batch(
                user_named(username),
                book_id,
                files,
                {
                    "date_format": date_format,
                    "amounts_reversed": amounts_reversed,
                    "skip_unreadable": skip_unreadable,
                },
            )
        return
    if len(files) > 1:
        raise click.UsageError("--account takes one file; without it each file is matched.")
    file = files[0]
    with open_app(data_dir):
        user = user_named(username)
        with database().read() as conn:
            found = conn.execute(
                "SELECT book_id FROM accounts WHERE id = ?", [account_id]
            ).fetchone()
            if found is None:
                fail(f"There is no account {account_id}.", EXIT_REFUSED)
            bank_file = _read_statement(
                conn, file, account_id, date_format, statement, amounts_reversed, skip_unreadable
            )
        rows = len(bank_file.rows)
        with click.progressbar(length=rows, label="Importing", file=sys.stderr) as bar:
            done = [0]

            def advance(count: int, total: int) -> None:
                bar.length = total  # the rows to add: those already there are skipped
                bar.update(count - done[0])
                done[0] = count

            order = ImportInput(
                account_id=account_id,
                bank_file=bank_file,
                file_name=file.name,
                user_id=user.id,
                skip_unreadable=skip_unreadable,
            )
            with gate(database(), user.id, found[0], "write"):  # the user must be an editor
                result = run_import(database(), found[0], order, now=utcnow(), progress=advance)
        click.echo(
            f"Imported {result.added} transaction{'s' if result.added != 1 else ''}; "
            f"skipped {result.skipped} already in the account (import {result.id})."
        )
        if result.unreadable:
            count, place = len(result.unreadable), bank_file.place.lower()
            plural = "s" if count != 1 else ""
            listed = _listed(bank_file)
            click.echo(f"Skipped {count} {place}{plural} that cannot be read:\n{listed}")


@click.command()
@click.option("--username", required=True, help="Who owns the demo book.")
@click.option("--currency", default="EUR", show_default=True, help="ISO 4217 code.")
@data_dir_option
@reports_errors
def demo(username: str, currency: str, data_dir: Path | None) -> None:
    """Create a demo book: two years of a household's finances to explore."""
    with open_app(data_dir):
        found = user_named(username)
        book = create_demo_book(database(), found.id, now=utcnow(), currency=currency.upper())
    click.echo(f"Created the book {book.name!r} (id {book.id}) for {found.username}.")
