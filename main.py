"""Tallybook for the desktop: start the local server, then open the window on it.

With no display (or --browser) it serves the same UI to the browser and prints the address.
Exit codes: 0 closed normally; 1 failed to start; 3 Tallybook already runs on this data folder.
A first argument that is not an option runs that command of the command line instead
(`tallybook serve ...`, see server/cli/), with the command line's own exit codes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from server.desktop.launcher import Server

PROCESS_START = time.time()

# Scripts find the API at a stable address when this port is free; else any free port is used.
PREFERRED_PORT = 8421
WINDOW_SIZE = (1200, 800)
WINDOW_MIN_SIZE = (820, 560)
EXIT_FAILED = 1
EXIT_IN_USE = 3


class LauncherParser(argparse.ArgumentParser):
    """The launcher's options; its help ends with the command line's commands."""

    def format_help(self) -> str:
        """Return the help of the options, then the commands `tallybook COMMAND` runs."""
        from server.cli import commands_help  # only here: the window never loads the CLI

        return f"{super().format_help()}\n{commands_help()}"


class VersionAction(argparse.Action):
    """`--version`: print the version and exit (read from the metadata only when asked)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> NoReturn:
        from server.version import __version__

        print(f"tallybook, version {__version__}", flush=True)  # as click says it
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """Describe the launcher's options."""
    parser = LauncherParser(prog="tallybook", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="data folder (default: $TALLYBOOK_DATA_DIR, else the per-user folder)",
    )
    parser.add_argument(
        "--browser", action="store_true", help="serve to the browser instead of opening a window"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=PREFERRED_PORT,
        help=f"port on 127.0.0.1 (default {PREFERRED_PORT} if free, else any; 0 for any)",
    )
    parser.add_argument(
        "--smoke-test",
        type=float,
        metavar="SECONDS",
        default=None,
        help="open the window, print a JSON line per page loaded, close SECONDS after the first",
    )
    parser.add_argument("--version", action=VersionAction)
    # The server's own process, started by the launcher on the socket it bound.
    parser.add_argument("--serve-fd", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--consent-in-window", action="store_true", help=argparse.SUPPRESS)
    return parser


def run_command(argv: list[str]) -> NoReturn:
    """Run a command of the command line (`tallybook serve ...`) and exit with its code."""
    from server.cli import cli  # only here: the window's start-up never imports the CLI

    cli.main(argv, prog_name="tallybook")


def own_command() -> list[str]:
    """Return the command that starts this program again (the bundle, or Python and main.py)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, str(Path(__file__).resolve())]


def display_available() -> bool:
    """Return whether a window can be shown (Linux needs an X11 or Wayland display)."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def window_support_installed() -> bool:
    """Return whether pywebview (the `desktop` extra) can be imported."""
    try:
        import webview  # noqa: F401
    except ImportError:
        return False
    return True


def serve_in_browser(url: str, reason: str) -> None:
    """Keep serving until Ctrl+C, telling the user where."""
    # flush=True rather than sys.stdout.flush(): windowed builds have no sys.stdout at all.
    print(
        f"{reason}\nTallybook is running at {url}\nOpen it in your browser; Ctrl+C stops it.",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("Stopped.", flush=True)


def open_window(
    url: str, handoff: str, data_dir: Path, smoke_test: float | None, server: Server
) -> None:
    """Show the window on `url` (first redeeming the launch's one-time `handoff`) and return
    when the user closes it (or the server fails)."""
    import webview

    from server.config import WEBVIEW_FOLDER
    from server.desktop.launcher import CONSENT_PATH, window_start_url
    from server.paths import resource_root

    window = webview.create_window(
        "Tallybook",
        window_start_url(url, handoff),
        width=WINDOW_SIZE[0],
        height=WINDOW_SIZE[1],
        min_size=WINDOW_MIN_SIZE,
        text_select=True,  # people copy amounts; also avoids an inline style our CSP refuses
    )
    server.on_exit(window.destroy)  # a server that fails to start closes the window

    def show_consent(path: str) -> None:
        # An app asks for access and the user's browser is not signed in: ask here.
        if path.startswith(CONSENT_PATH):
            window.load_url(url.rstrip("/") + path)
            window.restore()
            window.show()

    server.on_show(show_consent)
    if smoke_test is not None:
        closing = threading.Event()

        def report_loaded() -> None:
            try:
                line = {
                    "event": "loaded",
                    "seconds_since_start": round(time.time() - PROCESS_START, 3),
                    # run_js, not evaluate_js: that wraps the code in eval(), which CSP forbids
                    "title": window.run_js("document.title"),
                    "url": window.get_current_url(),
                    "pid": os.getpid(),
                }
                print("TALLYBOOK_WINDOW " + json.dumps(line), flush=True)
            finally:
                if not closing.is_set():  # SECONDS after the first page, whatever loads next
                    closing.set()
                    threading.Timer(smoke_test, window.destroy).start()

        window.events.loaded += report_loaded
    webview.start(
        gui="qt" if sys.platform.startswith("linux") else None,
        icon=str(resource_root() / "ui" / "static" / "img" / "tallybook.png"),
        private_mode=False,  # keep the theme and the session between launches
        storage_path=str(data_dir / WEBVIEW_FOLDER),
    )


def main(argv: list[str] | None = None) -> int:
    """Run Tallybook; return the process exit code."""
    from server.config import DataDirNotPrivate, keep_new_files_private, prepare_data_dir

    keep_new_files_private()
    argv = sys.argv[1:] if argv is None else argv
    if argv and not argv[0].startswith("-"):  # the launcher's own options all start with "-"
        run_command(argv)
    args = build_parser().parse_args(argv)
    from server.desktop.messages import tell_user
    from server.translatable import _l

    # No box where no one is there to close it: a smoke test, the server's own process.
    unattended = args.smoke_test is not None or args.serve_fd is not None
    try:
        data_dir = prepare_data_dir(args.data_dir)
    except (DataDirNotPrivate, OSError) as error:
        tell_user(
            _l("Tallybook could not start: %(error)s", error=str(error)), unattended=unattended
        )
        return EXIT_FAILED
    if args.serve_fd is not None:
        from server.desktop.launcher import serve_child

        return serve_child(args.serve_fd, data_dir, consent_in_window=args.consent_in_window)

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium's sandbox refuses to run as root; only then is it switched off.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    from server.desktop.instance_lock import AlreadyRunning, InstanceLock
    from server.desktop.launcher import StartupFailed, new_window_handoff, start_beside_window

    lock = InstanceLock(data_dir)
    try:
        lock.acquire()
    except AlreadyRunning as error:
        tell_user(error.message, data_dir=data_dir, unattended=unattended)
        return EXIT_IN_USE
    server = None
    use_window = not args.browser and display_available() and window_support_installed()
    handoff = new_window_handoff() if use_window else None
    try:
        server = start_beside_window(
            own_command(),
            data_dir,
            args.port,
            fallback_to_any=args.port == PREFERRED_PORT,
            window_handoff=handoff,
        )
        if handoff is None:
            server.wait_until_ready()
            if args.browser:
                reason = "Browser mode (--browser)."
            elif not display_available():
                reason = "No display found, so no window."
            else:
                reason = "The window needs the desktop extra: pip install 'tallybook[desktop]'."
            serve_in_browser(server.url, reason)
        else:
            open_window(server.url, handoff, data_dir, args.smoke_test, server)
        if server.failed:
            tell_user(
                _l(
                    "Tallybook stopped: its server ended with an error (the log in %(folder)s "
                    "tells why).",
                    folder=str(data_dir),
                ),
                data_dir=data_dir,
                unattended=unattended,
            )
            return EXIT_FAILED
        return 0
    except (OSError, StartupFailed) as error:
        stopped = _l("Tallybook could not start: %(error)s", error=str(error))
        tell_user(stopped, data_dir=data_dir, unattended=unattended)
        return EXIT_FAILED
    finally:
        if server is not None:
            server.stop()
        lock.release()


if __name__ == "__main__":
    sys.exit(main())
