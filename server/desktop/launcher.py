"""Run the server beside the desktop window without delaying it.

The launcher binds the listening socket itself, so the window's address is known at once,
and hands the socket to a child process that imports Flask and the app meanwhile (on POSIX;
Windows gets a thread). The window may ask for its page before the server is up: the
connection waits in the kernel's queue until the server accepts it. Only the child opens the
database, so it is still the one process that writes.

This module is imported before Qt starts: it imports nothing heavy at the top.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("tallybook.desktop")

READY_LINE = "TALLYBOOK_SERVER_READY"
# The server asks the window to show an app's consent page (a browser not signed in waits).
SHOW_LINE = "TALLYBOOK_SHOW_CONSENT "
CONSENT_PATH = "/oauth/authorize?"
# The window's one-time handoff (see server.auth.window), for the child in its environment:
# never on its command line, which other users of the computer can read.
HANDOFF_ENV = "TALLYBOOK_WINDOW_HANDOFF"
LISTEN_BACKLOG = 128


class StartupFailed(RuntimeError):
    """The server could not start (its own message went to standard error)."""


def bind_listening_socket(port: int, fallback_to_any: bool) -> socket.socket:
    """Listen on 127.0.0.1:`port`, or on any free port if it is taken and that is allowed."""
    try:
        return socket.create_server(("127.0.0.1", port), backlog=LISTEN_BACKLOG)
    except OSError:
        if not fallback_to_any:
            raise
        log.info("port %d is taken; using any free port", port)
        return socket.create_server(("127.0.0.1", 0), backlog=LISTEN_BACKLOG)


def new_window_handoff() -> str:
    """Return a one-time handoff for this launch's window (it marks the window and, when that
    is on, signs it in automatically)."""
    return secrets.token_urlsafe(32)


def window_start_url(url: str, handoff: str) -> str:
    """Return the window's first address: the server redeems the handoff there, once."""
    return f"{url}window?handoff={handoff}"


def pages_url(port: int) -> str:
    """Return the address of the pages: under `localhost`, where the server keeps them (see
    `server.security.send_pages_to_localhost`); the socket itself is on 127.0.0.1."""
    return f"http://localhost:{port}/"


class ServerProcess:
    """The server in a child process (`<command> --serve-fd FD --data-dir D`)."""

    def __init__(
        self, command: list[str], sock: socket.socket, data_dir: Path, *, handoff: str | None
    ) -> None:
        self.url = pages_url(sock.getsockname()[1])
        fd = sock.fileno()
        self._on_show: Callable[[str], None] | None = None
        self._process = subprocess.Popen(
            [
                *command,
                "--serve-fd",
                str(fd),
                "--data-dir",
                str(data_dir),
                *(["--consent-in-window"] if handoff else []),
            ],
            env={**os.environ, HANDOFF_ENV: handoff} if handoff else None,
            pass_fds=(fd,),
            stdin=subprocess.PIPE,  # the child serves until this closes, even if we crash
            stdout=subprocess.PIPE,
            text=True,
        )
        sock.close()  # the child holds it now
        self._ready = threading.Event()
        self._exited = threading.Event()
        self._stopping = False
        threading.Thread(target=self._watch, name="server-watch", daemon=True).start()

    def _watch(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if line.strip() == READY_LINE:
                self._ready.set()
            elif line.startswith(SHOW_LINE) and self._on_show is not None:
                self._on_show(line.removeprefix(SHOW_LINE).strip())
        self._process.wait()
        self._exited.set()

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        """Block until the server answers, or raise StartupFailed."""
        for _ in range(int(timeout * 10)):
            if self._ready.wait(0.1):
                return
            if self._exited.is_set():
                break
        raise StartupFailed("the server did not start")

    def on_exit(self, callback: Callable[[], None]) -> None:
        """Call `callback` (from another thread) if the server ends by itself."""

        def wait() -> None:
            self._exited.wait()
            if not self._stopping:
                callback()

        threading.Thread(target=wait, name="server-exit", daemon=True).start()

    def on_show(self, callback: Callable[[str], None]) -> None:
        """Call `callback(path)` (from another thread) when the server asks the window to show
        an app's consent page."""
        self._on_show = callback

    @property
    def failed(self) -> bool:
        """Return whether the server ended by itself with an error."""
        return self._exited.is_set() and self._process.returncode not in (0, None)

    def stop(self) -> None:
        """Ask the server to stop (it finishes requests and closes the database), then wait."""
        self._stopping = True
        assert self._process.stdin is not None
        with contextlib.suppress(OSError):  # it may have gone already
            self._process.stdin.close()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            log.error("the server did not stop in time; killing it")
            self._process.kill()
            self._process.wait()


class ServerThread:
    """The server in a thread of this process (where a socket cannot be passed to a child)."""

    def __init__(self, sock: socket.socket, data_dir: Path, *, handoff: str | None) -> None:
        from server import create_app
        from server.desktop.serving import start_server

        self._on_show: Callable[[str], None] | None = None
        config: dict[str, object] = {"DATA_DIR": data_dir, "DESKTOP": True}
        if handoff:
            config["CONSENT_IN_WINDOW"] = self._show
            config["WINDOW_HANDOFF"] = handoff
        try:
            self._running = start_server(create_app(config), sock=sock)
        except Exception as error:  # a migration, the database: told in a box, not a traceback
            log.exception("the server could not start")
            raise StartupFailed(str(error)) from error
        self.url = pages_url(self._running.port)

    def _show(self, path: str) -> None:
        if self._on_show is not None:
            self._on_show(path)

    def on_show(self, callback: Callable[[str], None]) -> None:
        """Call `callback(path)` when the server asks the window to show a consent page."""
        self._on_show = callback

    failed = False  # a failure to start raises in __init__ instead

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        """Block until the server answers."""
        self._running.wait_until_ready(timeout)

    def on_exit(self, callback: Callable[[], None]) -> None:
        """A thread only ends with the process: nothing to watch."""

    def stop(self) -> None:
        """Stop the server and close the database."""
        self._running.close()


Server = ServerProcess | ServerThread


def start_beside_window(
    command: list[str],
    data_dir: Path,
    port: int,
    fallback_to_any: bool,
    *,
    window_handoff: str | None,
) -> Server:
    """Start the server for the window that will redeem `window_handoff` (or, None, for the
    browser), without waiting for it."""
    sock = bind_listening_socket(port, fallback_to_any)
    if os.name == "posix":
        return ServerProcess(command, sock, data_dir, handoff=window_handoff)
    return ServerThread(sock, data_dir, handoff=window_handoff)


def _ask_parent_to_show(path: str) -> None:
    print(SHOW_LINE + path, flush=True)


def serve_child(fd: int, data_dir: Path, *, consent_in_window: bool = False) -> int:
    """The child's side: serve on the inherited socket until standard input closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    from server import create_app
    from server.desktop.serving import start_server

    config: dict[str, object] = {"DATA_DIR": data_dir, "DESKTOP": True}
    handoff = os.environ.pop(HANDOFF_ENV, None)
    if consent_in_window:
        config["CONSENT_IN_WINDOW"] = _ask_parent_to_show
        config["WINDOW_HANDOFF"] = handoff
    try:
        running = start_server(create_app(config), sock=socket.socket(fileno=fd))
        running.wait_until_ready()
    except Exception as error:
        log.exception("the server could not start")
        print(f"Tallybook could not start: {error}", file=sys.stderr, flush=True)
        return 1
    print(READY_LINE, flush=True)
    sys.stdin.read()  # returns when the parent closes it or ends
    running.close()
    return 0
