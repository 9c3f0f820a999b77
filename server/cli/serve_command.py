"""`tallybook serve`: the server without a window."""

from __future__ import annotations

import ipaddress
import signal
import threading
from pathlib import Path

import click

from server import create_app
from server.cli.common import EXIT_REFUSED, data_dir_option, fail, reports_errors
from server.clock import utcnow
from server.config import prepare_data_dir
from server.desktop.instance_lock import InstanceLock
from server.desktop.serving import start_server
from server.desktop.tls import (
    TLS_FOLDER,
    TlsError,
    certificate_names,
    ensure_self_signed,
    load_certificate,
)
from server.version import __version__

DEFAULT_PORT = 8421


@click.command()
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
        fail(
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
            fail(str(error), EXIT_REFUSED)
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
