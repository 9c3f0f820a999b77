"""`tallybook backup`, `restore` and `doctor`: the database file itself."""

from __future__ import annotations

from pathlib import Path

import click

from server.cli.common import (
    EXIT_FOUND_DIFFERENCES,
    EXIT_REFUSED,
    data_dir_option,
    fail,
    open_app,
    reports_errors,
)
from server.clock import utcnow
from server.db import kept_sums
from server.db.backups import backup_dir, create_backup, list_backups, restore_backup
from server.db.migrations import apply_migrations
from server.request_db import database


@click.command()
@click.option("--list", "list_them", is_flag=True, help="List the backups instead of making one.")
@data_dir_option
@reports_errors
def backup(list_them: bool, data_dir: Path | None) -> None:
    """Back the database up now (into the data folder's backups/), or list the backups."""
    with open_app(data_dir):
        if list_them:
            found = list_backups(database())
            if not found:
                click.echo(f"No backups yet in {backup_dir(database())}.", err=True)
            for item in found:
                label = f"\t{item.label}" if item.label else ""
                click.echo(f"{item.path}\t{item.reason}\t{item.size} bytes{label}")
            return
        made = create_backup(database(), "manual", utcnow())
        click.echo(f"Backed up to {made.path}")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@data_dir_option
@reports_errors
def restore(file: Path, data_dir: Path | None) -> None:
    """Replace the database with a backup FILE, once it is checked; the current state is
    backed up first."""
    with open_app(data_dir):
        saved = restore_backup(database(), file, utcnow())
        apply_migrations(database())
        click.echo(f"Restored {file}. The state before is kept in {saved.path}")


@click.command()
@click.option(
    "--repair", is_flag=True, help="Make what differs again from the rows (after a backup)."
)
@data_dir_option
@reports_errors
def doctor(repair: bool, data_dir: Path | None) -> None:
    """Check the database: its integrity, and that the sums kept for balances, budgets and
    reports (and the search index) agree with the transactions."""
    with open_app(data_dir):
        with database().read() as conn:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            found = kept_sums.differences(conn)
        if problems != ["ok"]:
            fail("The database is damaged: " + "; ".join(problems[:5]), EXIT_REFUSED)
        if not found:
            click.echo("The database is intact, and every kept sum agrees with the rows.")
            return
        for difference in found[:20]:
            click.echo(str(difference))
        if len(found) > 20:
            click.echo(f"... and {len(found) - 20} more")
        if not repair:
            fail(
                f"{len(found)} kept sums differ from the rows; `tallybook doctor --repair` "
                "makes them again.",
                EXIT_FOUND_DIFFERENCES,
            )
        saved = create_backup(database(), "before-repair", utcnow())
        with database().write() as db:
            kept_sums.rebuild(db)
        with database().read() as conn:
            left = kept_sums.differences(conn)
        if left:  # a rebuild from the rows agrees with the rows, unless something is very wrong
            fail(f"{len(left)} kept sums still differ after the repair.", EXIT_FOUND_DIFFERENCES)
        click.echo(f"Repaired {len(found)} kept sums; the state before is kept in {saved.path}")
