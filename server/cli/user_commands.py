"""`tallybook user` and `tallybook token`: users, their passwords and their API tokens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from server.auth.tokens import SCOPES, create_token
from server.auth.users import create_user, set_password
from server.cli.common import data_dir_option, open_app, read_password, reports_errors, user_named
from server.clock import utcnow
from server.domain.books import create_personal_book
from server.request_db import database


@click.group()
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
@click.option(
    "--keep-tokens",
    is_flag=True,
    help="Keep the user's API tokens and apps' access (by default they are revoked too).",
)
@data_dir_option
@reports_errors
def user_reset_password(
    username: str, password_stdin: bool, keep_tokens: bool, data_dir: Path | None
) -> None:
    """Set a user's password and sign them out everywhere; revoke their tokens and apps too,
    unless told to keep them (a password is reset most often because it is known to others)."""
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
            revoke_tokens=not keep_tokens,
        )
    revoked = "" if keep_tokens else "; their API tokens and apps' access are revoked"
    click.echo(f"Password of {found.username} changed; their sessions have ended{revoked}.")


@click.group()
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
