"""Tallybook for the desktop: start the local server, then open the window on it.

With no display (or --browser) it serves the same UI to the browser and prints the address.
Exit codes: 0 closed normally; 1 failed to start; 3 Tallybook already runs on this data folder.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path

PROCESS_START = time.time()

# Scripts find the API at a stable address when this port is free; else any free port is used.
PREFERRED_PORT = 8421
WINDOW_SIZE = (1200, 800)
WINDOW_MIN_SIZE = (820, 560)
EXIT_FAILED = 1
EXIT_IN_USE = 3

log = logging.getLogger("tallybook.desktop")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the launcher's options."""
    parser = argparse.ArgumentParser(prog="tallybook-desktop", description=__doc__.splitlines()[0])
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
        help="open the window, print one JSON line once the page has loaded, close after SECONDS",
    )
    return parser.parse_args(argv)


def display_available() -> bool:
    """Return whether a window can be shown (Linux needs an X11 or Wayland display)."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
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
        print("Stopped.")


def open_window(url: str, data_dir: Path, smoke_test: float | None) -> None:
    """Show the window on `url` and return when the user closes it."""
    import webview

    from server.paths import resource_root

    window = webview.create_window(
        "Tallybook",
        url,
        width=WINDOW_SIZE[0],
        height=WINDOW_SIZE[1],
        min_size=WINDOW_MIN_SIZE,
        text_select=True,  # people copy amounts; also avoids an inline style our CSP refuses
    )
    if smoke_test is not None:
        reported = threading.Event()

        def report_loaded() -> None:
            if reported.is_set():
                return
            reported.set()
            line = {
                "event": "loaded",
                "seconds_since_start": round(time.time() - PROCESS_START, 3),
                "title": window.run_js("document.title"),  # evaluate_js needs unsafe-eval
                "url": window.get_current_url(),
                "pid": os.getpid(),
            }
            print("TALLYBOOK_WINDOW " + json.dumps(line), flush=True)
            threading.Timer(smoke_test, window.destroy).start()

        window.events.loaded += report_loaded
    webview.start(
        gui="qt" if sys.platform.startswith("linux") else None,
        icon=str(resource_root() / "ui" / "static" / "img" / "tallybook.png"),
        private_mode=False,  # keep the theme and the session between launches
        storage_path=str(data_dir / "webview"),
    )


def main(argv: list[str] | None = None) -> int:
    """Run Tallybook; return the process exit code."""
    args = parse_args(argv)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium's sandbox refuses to run as root; only then is it switched off.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

    from server import create_app
    from server.config import prepare_data_dir
    from server.instance import AlreadyRunning, InstanceLock
    from server.serving import start_server

    data_dir = prepare_data_dir(args.data_dir)
    lock = InstanceLock(data_dir)
    try:
        lock.acquire()
    except AlreadyRunning as error:
        print(error, file=sys.stderr)
        return EXIT_IN_USE
    try:
        app = create_app({"DATA_DIR": data_dir})
        try:
            server = start_server(app, port=args.port)
        except OSError:
            if args.port != PREFERRED_PORT:
                raise
            log.info("port %d is taken; using any free port", PREFERRED_PORT)
            server = start_server(app, port=0)
        server.wait_until_ready()
    except Exception as error:
        log.exception("start-up failed")
        print(f"Tallybook could not start: {error}", file=sys.stderr)
        lock.release()
        return EXIT_FAILED
    try:
        if args.browser:
            serve_in_browser(server.url, "Browser mode (--browser).")
        elif not display_available():
            serve_in_browser(server.url, "No display found, so no window.")
        else:
            try:
                import webview  # noqa: F401 - only to learn whether the window can be shown
            except ImportError:
                serve_in_browser(
                    server.url,
                    "The window needs the desktop extra: pip install 'tallybook[desktop]'.",
                )
            else:
                log.info("opening the window on %s", server.url)
                open_window(server.url, data_dir, args.smoke_test)
                log.info("window closed")
    finally:
        server.close()
        lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
