"""`tallybook app`: the apps registered to ask users for access (OAuth 2.0)."""

from __future__ import annotations

from pathlib import Path

import click

from server.auth.oauth import delete_client, find_client, list_clients, register_client
from server.cli.common import EXIT_REFUSED, data_dir_option, fail, open_app, reports_errors
from server.clock import utcnow
from server.request_db import database


@click.group("app")
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
            fail(f"There is no app {client_id!r}.", EXIT_REFUSED)
        delete_client(database(), client.id)
    click.echo(f"Removed {client.name}.")
