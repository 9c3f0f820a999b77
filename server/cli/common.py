"""What every command shares: the data folder option, opening it, and failing with an exit
code (see `server.cli`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from apiflask import APIFlask

from server import create_app
from server.auth.users import User, find_user
from server.config import DATA_DIR_ENV, DataDirNotPrivate, prepare_data_dir
from server.desktop.instance_lock import AlreadyRunning, InstanceLock
from server.errors import AppError
from server.request_db import database

EXIT_REFUSED = 1
EXIT_IN_USE = 3
EXIT_FOUND_DIFFERENCES = 4

F = TypeVar("F", bound=Callable[..., Any])

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DATA_DIR_ENV,
    show_envvar=True,
    help="The data folder (default: the per-user folder of this platform).",
)


def fail(message: str, code: int) -> None:
    """Say what is wrong on standard error and exit with `code`."""
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
    """Turn refused input, a busy data folder or one that cannot be made private into a
    message and an exit code."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AlreadyRunning as error:
            fail(str(error), EXIT_IN_USE)
        except DataDirNotPrivate as error:
            fail(str(error), EXIT_REFUSED)
        except AppError as error:
            fail(_refusal(error), EXIT_REFUSED)

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
        fail(f"There is no user {username!r}.", EXIT_REFUSED)
    return found


def read_password() -> str:
    """Read one line from standard input as the password."""
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.UsageError("--password-stdin: standard input held no password.")
    return password
