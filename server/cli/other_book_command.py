"""`tallybook import-book`: a whole book from another finance app, as a new book."""

from __future__ import annotations

from pathlib import Path

import click

from server.cli.common import (
    EXIT_REFUSED,
    data_dir_option,
    fail,
    open_app,
    reports_errors,
    user_named,
)
from server.clock import utcnow
from server.domain.other_books import MAX_OTHER_BOOK_BYTES, OtherAppFile, bring_book
from server.otherapps.registry import APPS
from server.request_db import database


@click.command("import-book")
@click.option(
    "--from",
    "app",
    type=click.Choice(list(APPS)),
    required=True,
    help="The app the file comes from.",
)
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--username", required=True, help="Who will own the new book.")
@click.option("--name", help="The new book's name (default: the source's).")
@data_dir_option
@reports_errors
def import_book(
    app: str, file: Path, username: str, name: str | None, data_dir: Path | None
) -> None:
    """Make a new book from another app's book (a Beancount ledger, a GnuCash book) and
    compare each account's balance with the source's; all or nothing."""
    if file.stat().st_size > MAX_OTHER_BOOK_BYTES:
        fail(f"{file} is larger than {MAX_OTHER_BOOK_BYTES // 2**20} MB.", EXIT_REFUSED)
    with open_app(data_dir):
        owner = user_named(username)
        brought = OtherAppFile(app=app, file_name=file.name, content=file.read_bytes(), name=name)
        result = bring_book(database(), owner.id, brought, now=utcnow())
    click.echo(f"Made the book {result.book.name!r} (id {result.book.id}) from {APPS[app].name}.")
    for check in result.accounts:
        mark = "=" if check.equal else "DIFFERS"
        click.echo(
            f"  {check.account}: {check.balance} {check.currency} "
            f"(source {check.source_balance}) {mark}"
        )
    if result.mismatches:
        click.echo(f"{result.mismatches} account(s) differ from the source.")
    for note in result.notes:
        click.echo(f"Note: {note}")
