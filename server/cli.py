"""The `tallybook` command line (also `python -m server`). Scriptable: it never prompts.

Exit codes: 0 done; 1 the input was refused (the message says why); 2 wrong usage;
3 another Tallybook is using the data folder; 4 `doctor` found kept sums that differ from the
rows (and was not asked to repair them).
"""

from __future__ import annotations

import ipaddress
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial, wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from apiflask import APIFlask

from server import create_app
from server.auth.oauth import delete_client, find_client, list_clients, register_client
from server.auth.tokens import SCOPES, create_token
from server.auth.users import User, create_user, find_user, set_password
from server.bankfiles.files import BankFile, read_bank_file
from server.bankfiles.problems import ImportProblem
from server.clock import utcnow
from server.config import DATA_DIR_ENV, prepare_data_dir
from server.db import kept_sums
from server.db.backups import backup_dir, create_backup, list_backups, restore_backup
from server.db.migrations import apply_migrations
from server.db.request import database
from server.desktop.instance_lock import AlreadyRunning, InstanceLock
from server.desktop.serving import start_server
from server.desktop.tls import (
    TLS_FOLDER,
    TlsError,
    certificate_names,
    ensure_self_signed,
    load_certificate,
)
from server.domain.books import create_personal_book, gate
from server.domain.demo import create_demo_book
from server.domain.imports import ImportInput, apply_preset, run_import
from server.errors import AppError
from server.version import __version__

EXIT_REFUSED = 1
EXIT_IN_USE = 3
EXIT_FOUND_DIFFERENCES = 4
DEFAULT_PORT = 8421

F = TypeVar("F", bound=Callable[..., Any])

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DATA_DIR_ENV,
    show_envvar=True,
    help="The data folder (default: the per-user folder of this platform).",
)


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _refusal(error: AppError) -> str:
    """Say why input was refused: the message, then each field's problem it does not say."""
    lines = [error.detail]
    for problem in error.errors:
        if problem.message in lines[0]:
            continue  # a single field's problem is the message itself
        lines.append(
            f"  {problem.field}: {problem.message}" if problem.field else f"  {problem.message}"
        )
    return "\n".join(lines)


def reports_errors(command: F) -> F:
    """Turn refused input and a busy data folder into a message and an exit code."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AlreadyRunning as error:
            _fail(str(error), EXIT_IN_USE)
        except AppError as error:
            _fail(_refusal(error), EXIT_REFUSED)

    return wrapper  # type: ignore[return-value]


@contextmanager
def open_app(data_dir: Path | None) -> Iterator[APIFlask]:
    """Open the data folder for a one-off command, holding its lock throughout."""
    folder = prepare_data_dir(data_dir)
    with InstanceLock(folder):
        app = create_app({"DATA_DIR": folder, "AUTOMATIC_BACKUPS": False})
        try:
            with app.app_context():
                yield app
        finally:
            with app.app_context():
                database().close()


def user_named(username: str) -> User:
    """Return the user called `username`, or stop with a message (exit 1)."""
    with database().read() as conn:
        found = find_user(conn, username)
    if found is None:
        _fail(f"There is no user {username!r}.", EXIT_REFUSED)
    return found


def read_password() -> str:
    """Read one line from standard input as the password."""
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.UsageError("--password-stdin: standard input held no password.")
    return password


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tallybook")
def cli() -> None:
    """Tallybook: private, offline personal finance. Run a command with --help for more."""


def commands_help() -> str:
    """Return the list of commands with their one-line help, for the desktop program's --help."""
    context = click.Context(cli, info_name="tallybook")
    formatter = context.make_formatter()
    cli.format_commands(context, formatter)
    formatter.write_paragraph()
    formatter.write_text("Run `tallybook COMMAND --help` for a command's options.")
    return formatter.getvalue()


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0 picks a free one).",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Another host name clients use to reach this server (repeatable).",
)
@click.option(
    "--tls",
    type=click.Choice(["self-signed"]),
    help="Serve HTTPS with a certificate made for this server and kept in the data folder.",
)
@click.option(
    "--tls-cert",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Serve HTTPS with this PEM certificate (its chain may follow it in the file).",
)
@click.option(
    "--tls-key",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The unencrypted PEM private key of --tls-cert.",
)
@click.option(
    "--insecure-http",
    is_flag=True,
    help="Allow plain HTTP on a non-loopback address (passwords cross the network unencrypted).",
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Requests served at once (waitress's worker threads).",
)
@data_dir_option
@reports_errors
def serve(
    host: str,
    port: int,
    allowed_hosts: tuple[str, ...],
    tls: str | None,
    tls_cert: Path | None,
    tls_key: Path | None,
    insecure_http: bool,
    threads: int,
    data_dir: Path | None,
) -> None:
    """Serve Tallybook headless (no window) and print its address; Ctrl+C stops it."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise click.BadParameter(
            "give an IP address, e.g. 127.0.0.1", param_hint="--host"
        ) from None
    if tls and (tls_cert or tls_key):
        raise click.UsageError("Give either --tls self-signed or --tls-cert and --tls-key.")
    if (tls_cert is None) != (tls_key is None):
        raise click.UsageError("--tls-cert and --tls-key go together: give both.")
    use_tls = bool(tls or tls_cert)
    if insecure_http and use_tls:
        raise click.UsageError("--insecure-http is for plain HTTP; it cannot go with TLS.")
    if not address.is_loopback and not insecure_http and not use_tls:
        _fail(
            f"Serving plain HTTP on {host} would send passwords and data unencrypted over the "
            "network. Use --tls self-signed (or --tls-cert and --tls-key), --host 127.0.0.1, "
            "or pass --insecure-http to do it anyway.",
            EXIT_REFUSED,
        )
    names = list(allowed_hosts)
    if not address.is_unspecified and not address.is_loopback:
        names.append(f"[{host}]" if address.version == 6 else host)
    folder = prepare_data_dir(data_dir)
    with InstanceLock(folder):
        try:
            if tls_cert and tls_key:
                certificate = load_certificate(tls_cert, tls_key)
            elif tls:
                wanted = certificate_names(host, allowed_hosts)
                certificate = ensure_self_signed(folder / TLS_FOLDER, wanted, utcnow())
            else:
                certificate = None
        except TlsError as error:
            _fail(str(error), EXIT_REFUSED)
        app = create_app({"ALLOWED_HOSTS": names, "DATA_DIR": folder})
        running = start_server(app, host, port, threads, certificate=certificate)
        try:  # the HTTPS server's threads are not daemons: they would keep the process alive
            running.wait_until_ready()
            stop = threading.Event()
            # Before the address is printed: whoever reads it may stop the server at once.
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            click.echo(f"Tallybook {__version__} is serving {running.url}")
            if certificate is not None:
                # Checked by eye against what the browser shows, before trusting it.
                click.echo(f"Certificate SHA-256 fingerprint: {certificate.fingerprint}")
            click.echo(f"Data folder: {folder}")
            if address.is_unspecified and not allowed_hosts:
                click.echo("Note: pass --allowed-host NAME for each name or address clients use.")
            click.echo("Press Ctrl+C to stop.")
            stop.wait()
        finally:
            running.close()
        click.echo("Stopped.")


@cli.group()
def user() -> None:
    """Create users and reset passwords."""


@user.command("create")
@click.option(
    "--username", required=True, help="3 to 32 letters, digits, dots, dashes, underscores."
)
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the password from the first line of standard input (required).",
)
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@data_dir_option
@reports_errors
def user_create(username: str, password_stdin: bool, admin: bool, data_dir: Path | None) -> None:
    """Create a user (with a personal book)."""
    password = read_password()
    with open_app(data_dir) as app:
        created = create_user(
            database(),
            username,
            password,
            now=utcnow(),
            rounds=app.config["BCRYPT_ROUNDS"],
            is_admin=admin,
            personal_book=create_personal_book,
        )
    role = "administrator" if created.is_admin else "user"
    click.echo(f"Created {role} {created.username} (id {created.id}).")


@user.command("reset-password")
@click.option("--username", required=True, help="Whose password it is.")
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the new password from the first line of standard input (required).",
)
@data_dir_option
@reports_errors
def user_reset_password(username: str, password_stdin: bool, data_dir: Path | None) -> None:
    """Set a user's password and sign them out everywhere."""
    password = read_password()
    with open_app(data_dir) as app:
        found = user_named(username)
        set_password(
            database(),
            found.id,
            password,
            now=utcnow(),
            rounds=app.config["BCRYPT_ROUNDS"],
            field="password",
        )
    click.echo(f"Password of {found.username} changed; their sessions have ended.")


@cli.group()
def token() -> None:
    """Personal access tokens for the API."""


@token.command("create")
@click.option("--username", required=True, help="Whose token it is.")
@click.option("--scope", type=click.Choice(SCOPES), required=True, help="read, or write too.")
@click.option("--name", default="command line", show_default=True, help="A label for it.")
@click.option(
    "--expires-in-days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Days until it stops working (default: never).",
)
@data_dir_option
@reports_errors
def token_create(
    username: str, scope: str, name: str, expires_in_days: int | None, data_dir: Path | None
) -> None:
    """Create a token and print only the token (so `$(tallybook token create ...)` works)."""
    now = utcnow()
    expires_at = now + timedelta(days=expires_in_days) if expires_in_days else None
    with open_app(data_dir):
        found = user_named(username)
        _, secret = create_token(
            database(), found.id, name=name, scope=scope, now=now, expires_at=expires_at
        )
    click.echo(secret)


@cli.group("app")
def apps() -> None:
    """Register the apps that may ask users for access to a book (OAuth 2.0)."""


@apps.command("register")
@click.option("--name", required=True, help="The app's name, shown on the consent page.")
@click.option(
    "--redirect-uri",
    "redirect_uris",
    multiple=True,
    required=True,
    metavar="URI",
    help="A loopback URI it listens on, e.g. http://127.0.0.1/callback (repeatable).",
)
@click.option("--confidential", is_flag=True, help="Give it a client secret too (printed once).")
@data_dir_option
@reports_errors
def app_register(
    name: str, redirect_uris: tuple[str, ...], confidential: bool, data_dir: Path | None
) -> None:
    """Register an app; print its client id (and, with --confidential, its secret below)."""
    with open_app(data_dir):
        client, secret = register_client(
            database(),
            name=name,
            redirect_uris=list(redirect_uris),
            confidential=confidential,
            now=utcnow(),
        )
    click.echo(client.client_id)
    if secret is not None:
        click.echo(secret)


@apps.command("list")
@data_dir_option
@reports_errors
def app_list(data_dir: Path | None) -> None:
    """List the registered apps: client id, name, redirect URIs."""
    with open_app(data_dir), database().read() as conn:
        for client in list_clients(conn):
            kind = "confidential" if client.confidential else "public"
            click.echo(
                f"{client.client_id}\t{client.name}\t{kind}\t{' '.join(client.redirect_uris)}"
            )


@apps.command("remove")
@click.argument("client_id")
@data_dir_option
@reports_errors
def app_remove(client_id: str, data_dir: Path | None) -> None:
    """Remove the app CLIENT_ID: every user's access through it ends."""
    with open_app(data_dir):
        with database().read() as conn:
            client = find_client(conn, client_id)
        if client is None:
            _fail(f"There is no app {client_id!r}.", EXIT_REFUSED)
        delete_client(database(), client.id)
    click.echo(f"Removed {client.name}.")


@cli.command()
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
                click.echo(f"{item.path}\t{item.reason}\t{item.size} bytes")
            return
        made = create_backup(database(), "manual", utcnow())
        click.echo(f"Backed up to {made.path}")


@cli.command()
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


@cli.command()
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
            _fail("The database is damaged: " + "; ".join(problems[:5]), EXIT_REFUSED)
        if not found:
            click.echo("The database is intact, and every kept sum agrees with the rows.")
            return
        for difference in found[:20]:
            click.echo(str(difference))
        if len(found) > 20:
            click.echo(f"... and {len(found) - 20} more")
        if not repair:
            _fail(
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
            _fail(f"{len(left)} kept sums still differ after the repair.", EXIT_FOUND_DIFFERENCES)
        click.echo(f"Repaired {len(found)} kept sums; the state before is kept in {saved.path}")


MAX_IMPORT_BYTES = 20 * 1024 * 1024
DATE_FORMAT_NAMES = {
    "%d/%m/%Y": "day/month/year",
    "%m/%d/%Y": "month/day/year",
    "%d-%m-%Y": "day-month-year",
    "%m-%d-%Y": "month-day-year",
    "%d/%m/%y": "day/month/year",
    "%m/%d/%y": "month/day/year",
}


def _read_statement(
    conn: sqlite3.Connection,
    file: Path,
    account_id: int,
    date_format: str | None,
    statement: int | None,
) -> BankFile:
    """Read a bank file as the account's preset (or the options) say; stop on any doubt."""
    try:
        bank_file = read_bank_file(
            file.read_bytes(),
            date_format=date_format,
            statement=statement,
            preset=partial(apply_preset, conn, account_id),
        )
    except ImportProblem as problem:
        _fail(f"{file.name}: {problem}", EXIT_REFUSED)
    if len(bank_file.date_formats) > 1:
        choices = " or ".join(
            f"{DATE_FORMAT_NAMES.get(f, f)} (--date-format {f})" for f in bank_file.date_formats
        )
        _fail(f"{file.name}: the dates can be read as {choices}. Say which.", EXIT_REFUSED)
    if bank_file.needs_choice:
        _fail(
            f"{file.name} holds {len(bank_file.statements)} statements; say which with "
            f"--statement N: {bank_file.statement_choices()}.",
            EXIT_REFUSED,
        )
    if bank_file.problems:
        place = bank_file.place.lower()
        listed = "\n".join(f"  {place} {p.line}: {p.message}" for p in bank_file.problems[:10])
        extra = len(bank_file.problems) - 10
        more = f"\n  ... and {extra} more" if extra > 0 else ""
        _fail(
            f"{file.name}: {place}s that cannot be read (nothing imported):\n{listed}{more}",
            EXIT_REFUSED,
        )
    return bank_file


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--account", "account_id", type=int, required=True, help="The account's id.")
@click.option("--username", required=True, help="Who imports (an editor or owner of the book).")
@click.option(
    "--date-format",
    help="How the file writes dates, e.g. %d/%m/%Y, when its dates could be read two ways.",
)
@click.option(
    "--statement",
    type=click.IntRange(min=0),
    help="Which statement of an OFX file that holds several (from 0).",
)
@data_dir_option
@reports_errors
def import_file(
    file: Path,
    account_id: int,
    username: str,
    date_format: str | None,
    statement: int | None,
    data_dir: Path | None,
) -> None:
    """Import a bank file (OFX/QFX, QIF or CSV) into an account: the format and layout are
    detected, rows already in the account are skipped, and the whole import is one change
    that can be undone."""
    if file.stat().st_size > MAX_IMPORT_BYTES:
        _fail(f"{file} is larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB.", EXIT_REFUSED)
    with open_app(data_dir):
        user = user_named(username)
        with database().read() as conn:
            found = conn.execute(
                "SELECT book_id FROM accounts WHERE id = ?", [account_id]
            ).fetchone()
            if found is None:
                _fail(f"There is no account {account_id}.", EXIT_REFUSED)
            bank_file = _read_statement(conn, file, account_id, date_format, statement)
        rows = len(bank_file.rows)
        with click.progressbar(length=rows, label="Importing", file=sys.stderr) as bar:
            done = [0]

            def advance(count: int, total: int) -> None:
                bar.length = total  # the rows to add: those already there are skipped
                bar.update(count - done[0])
                done[0] = count

            order = ImportInput(
                account_id=account_id, bank_file=bank_file, file_name=file.name, user_id=user.id
            )
            with gate(database(), user.id, found[0], "write"):  # the user must be an editor
                result = run_import(database(), found[0], order, now=utcnow(), progress=advance)
        click.echo(
            f"Imported {result.added} transaction{'s' if result.added != 1 else ''}; "
            f"skipped {result.skipped} already in the account (import {result.id})."
        )


@cli.command()
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
