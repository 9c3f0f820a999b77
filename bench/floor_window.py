"""The floor for Tallybook's start-up: a bare pywebview Qt window on an empty local page.

It does what `main.py` does minus Tallybook itself: serve a page from a local HTTP server
thread (the standard library's, not Flask), open one pywebview window on it with the same size,
minimum size, `gui="qt"`, icon, `private_mode=False` and `storage_path`, print the same
`TALLYBOOK_WINDOW {...}` JSON line on the window's `loaded` event, keep the window open HOLD
seconds and close it. `bench/startup.py` compares our start-up with this one.

    python bench/floor_window.py 2 --storage-path /tmp/floor-webview
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

PROCESS_START = time.time()  # as in main.py: right after the standard-library imports

# Keep these equal to main.py's.
WINDOW_SIZE = (1200, 800)
WINDOW_MIN_SIZE = (820, 560)
TITLE = "Floor"
ICON = Path(__file__).resolve().parent.parent / "ui" / "static" / "img" / "tallybook.png"

PAGE = (
    b"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    b"<title>Floor</title></head><body></body></html>"
)


class PageHandler(http.server.BaseHTTPRequestHandler):
    """Answer every GET with the empty page (and a 404 for the favicon)."""

    def do_GET(self) -> None:
        """Send the page."""
        if self.path == "/favicon.ico":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: stdout carries the protocol line only."""


def start_page_server() -> http.server.ThreadingHTTPServer:
    """Serve the page on 127.0.0.1 (a free port) from a daemon thread."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="page-server", daemon=True).start()
    return server


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "hold", type=float, help="seconds to keep the window open after the page has loaded"
    )
    parser.add_argument(
        "--storage-path",
        type=Path,
        default=None,
        help="pywebview's storage folder (default: a new temporary folder, deleted at exit)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Open the bare window, report `loaded`, close after the hold; return the exit code."""
    args = parse_args(argv)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # as main.py does

    server = start_page_server()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    import webview  # after the sandbox switch, as in main.py

    with tempfile.TemporaryDirectory(prefix="floor-webview-") as scratch:
        storage = args.storage_path or Path(scratch)
        window = webview.create_window(
            TITLE,
            url,
            width=WINDOW_SIZE[0],
            height=WINDOW_SIZE[1],
            min_size=WINDOW_MIN_SIZE,
            text_select=True,
        )
        reported = threading.Event()

        def report_loaded() -> None:
            if reported.is_set():
                return
            reported.set()
            line = {
                "event": "loaded",
                "seconds_since_start": round(time.time() - PROCESS_START, 3),
                "title": window.run_js("document.title"),
                "url": window.get_current_url(),
                "pid": os.getpid(),
            }
            print("TALLYBOOK_WINDOW " + json.dumps(line), flush=True)
            threading.Timer(args.hold, window.destroy).start()

        window.events.loaded += report_loaded
        try:
            webview.start(
                gui="qt" if sys.platform.startswith("linux") else None,
                icon=str(ICON) if ICON.is_file() else None,
                private_mode=False,
                storage_path=str(storage),
            )
        finally:
            server.shutdown()
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
