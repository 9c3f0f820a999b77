"""Run the app in background threads, for the window, the CLI and tests.

Plain HTTP runs under waitress, as it always has. Waitress has no TLS and its asyncore loop
cannot wrap sockets in TLS, so HTTPS runs under cheroot (CherryPy's server, actively kept)
with its adapter for Python's own `ssl` module: no OpenSSL bindings to add, and a TLS setup
we control (TLS 1.2 and newer, Python's secure default ciphers). Either way `start_server`
returns one `RunningServer`, so callers never need to know which server answers.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import cheroot.wsgi
import waitress.server
from cheroot.ssl.builtin import BuiltinSSLAdapter
from flask import Flask
from waitress import wasyncore

from server.desktop.tls import Certificate, fingerprint_of
from server.request_db import database

READY_PATH = "/api/v1/health"

log = logging.getLogger("tallybook.serving")


@dataclass
class RunningServer:
    """A server answering on `url` until `close()`; HTTPS when it has a `certificate`."""

    app: Flask
    host: str
    port: int
    _stop_serving: Callable[[], None]  # stops the HTTP server and its threads
    certificate: Certificate | None = None

    @property
    def url(self) -> str:
        """Return the base URL, e.g. `http://127.0.0.1:8421/`."""
        scheme = "https" if self.certificate else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}/"

    def _connection(self, host: str) -> http.client.HTTPConnection:
        if self.certificate is None:
            return http.client.HTTPConnection(host, self.port, timeout=2)
        # A self-signed certificate has no CA to verify it against: the probe pins the
        # certificate's fingerprint instead (checked in `_answers`).
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(host, self.port, timeout=2, context=context)

    def _answers(self, host: str) -> bool:
        conn = self._connection(host)
        try:
            conn.connect()
            if self.certificate is not None:
                der = conn.sock.getpeercert(binary_form=True)
                if fingerprint_of(der) != self.certificate.fingerprint:
                    raise RuntimeError(f"another certificate answers on port {self.port}")
            conn.request("GET", READY_PATH, headers={"Host": f"127.0.0.1:{self.port}"})
            return conn.getresponse().status == 200
        except OSError:  # not listening yet (ssl.SSLError is an OSError too)
            return False
        finally:
            conn.close()

    def wait_until_ready(self, timeout: float = 15.0) -> None:
        """Block until the health endpoint answers 200 (or raise TimeoutError)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104
        deadline = time.monotonic() + timeout
        while not self._answers(host):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server on port {self.port} did not answer in time")
            time.sleep(0.02)

    def close(self) -> None:
        """Stop accepting requests, end open connections and the threads, close the database."""
        self._stop_serving()
        for worker in ("tallybook.auto_entry", "tallybook.backups"):  # before the database
            if worker in self.app.extensions:
                self.app.extensions[worker].stop()
        with self.app.app_context():
            database().close()


def _stop_waitress(server: waitress.server.BaseWSGIServer, thread: threading.Thread) -> None:
    def close_everything() -> None:  # runs on the server's own loop thread
        wasyncore.close_all(server._map)

    server.trigger.pull_trigger(close_everything)
    thread.join(timeout=10)
    server.task_dispatcher.shutdown(timeout=5)


class _CherootServer(cheroot.wsgi.Server):
    """cheroot's WSGI server, logging to our log file instead of the console: browsers that
    have not yet accepted a self-signed certificate abort handshakes, which it reports."""

    def error_log(self, msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
        log.log(level, "%s", msg, exc_info=traceback)


def _start_cheroot(
    app: Flask, host: str, port: int, threads: int, certificate: Certificate
) -> RunningServer:
    server = _CherootServer((host, port), app, numthreads=threads)
    adapter = BuiltinSSLAdapter(str(certificate.cert_path), str(certificate.key_path))
    adapter.context.minimum_version = ssl.TLSVersion.TLSv1_2
    server.ssl_adapter = adapter
    server.prepare()  # binds (port 0 becomes a free port, without a race) and starts workers
    thread = threading.Thread(target=server.serve, name="cheroot", daemon=True)
    thread.start()

    def stop() -> None:
        server.stop()
        thread.join(timeout=10)

    bound_host, bound_port = server.bind_addr[:2]
    return RunningServer(app, bound_host, int(bound_port), stop, certificate)


def start_server(
    app: Flask,
    host: str = "127.0.0.1",
    port: int = 0,
    threads: int = 8,
    sock: socket.socket | None = None,
    certificate: Certificate | None = None,
) -> RunningServer:
    """Start the server in daemon threads on host:port (0 picks a free port, without a race),
    or on `sock`, a socket that is already bound and listening; over HTTPS with
    `certificate` (which also marks the app as served over TLS)."""
    if certificate is not None:
        if sock is not None:
            raise ValueError("HTTPS listens on a host and port, not on a given socket")
        app.config["TLS"] = True  # Secure, __Host- session cookie and HSTS
        return _start_cheroot(app, host, port, threads, certificate)
    options: dict[str, Any] = {"threads": threads, "clear_untrusted_proxy_headers": True}
    if sock is not None:
        server = waitress.server.create_server(app, sockets=[sock], **options)
    else:
        server = waitress.server.create_server(app, host=host, port=port, **options)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    stop = partial(_stop_waitress, server, thread)
    return RunningServer(app, server.effective_host, int(server.effective_port), stop)
