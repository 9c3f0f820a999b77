"""Run the app under waitress in a background thread, for the window, the CLI and tests."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import waitress.server
from flask import Flask
from waitress import wasyncore

from server.db.request import database

READY_PATH = "/api/v1/health"


@dataclass
class RunningServer:
    """A waitress server answering on `url` until `close()`."""

    app: Flask
    host: str
    port: int
    _server: waitress.server.BaseWSGIServer
    _thread: threading.Thread

    @property
    def url(self) -> str:
        """Return the base URL, e.g. `http://127.0.0.1:8421/`."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def wait_until_ready(self, timeout: float = 15.0) -> None:
        """Block until the health endpoint answers 200 (or raise TimeoutError)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104
        deadline = time.monotonic() + timeout
        while True:
            try:
                conn = http.client.HTTPConnection(host, self.port, timeout=2)
                conn.request("GET", READY_PATH, headers={"Host": f"127.0.0.1:{self.port}"})
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server on port {self.port} did not answer in time")
            time.sleep(0.02)

    def close(self) -> None:
        """Stop accepting requests, end open connections and the thread, close the database."""
        server = self._server

        def close_everything() -> None:  # runs on the server's own loop thread
            wasyncore.close_all(server._map)

        server.trigger.pull_trigger(close_everything)
        self._thread.join(timeout=10)
        server.task_dispatcher.shutdown(timeout=5)
        for worker in ("tallybook.auto_entry", "tallybook.backups"):  # before the database
            if worker in self.app.extensions:
                self.app.extensions[worker].stop()
        with self.app.app_context():
            database().close()


def start_server(
    app: Flask,
    host: str = "127.0.0.1",
    port: int = 0,
    threads: int = 8,
    sock: socket.socket | None = None,
) -> RunningServer:
    """Start waitress in a daemon thread on host:port (0 picks a free port, without a race),
    or on `sock`, a socket that is already bound and listening."""
    options: dict[str, Any] = {"threads": threads, "clear_untrusted_proxy_headers": True}
    if sock is not None:
        server = waitress.server.create_server(app, sockets=[sock], **options)
    else:
        server = waitress.server.create_server(app, host=host, port=port, **options)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    return RunningServer(app, server.effective_host, int(server.effective_port), server, thread)
