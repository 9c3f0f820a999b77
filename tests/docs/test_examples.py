"""The example app (examples/last_30_days.py) pointed at a server that is not Tallybook.

Its whole flow against the real server is in tests/browser/test_oauth_app.py; here another
HTTP server on 127.0.0.1 answers instead, and the app must say so and exit 1, not crash.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "last_30_days.py"

ANSWERS = {
    "an HTML page": (200, "text/html", b"<!doctype html><title>Router</title><h1>Hello</h1>"),
    "an HTML error": (404, "text/html", b"<!doctype html><title>404</title><h1>Not found</h1>"),
    "plain bytes": (200, "application/octet-stream", b"\xff\xfe\x00garbage"),
    "other JSON": (200, "application/json", b'{"status": "ok"}'),
}


@pytest.fixture
def other_server(request) -> Iterator[str]:
    """An HTTP server on a free loopback port that answers every GET with one answer."""
    status, content_type, body = ANSWERS[request.param]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize("other_server", list(ANSWERS), indirect=True)
def test_a_server_that_is_not_tallybook_is_named_not_a_traceback(other_server):
    result = subprocess.run(
        [
            sys.executable,
            str(EXAMPLE),
            "--server",
            other_server,
            "--client-id",
            "tb_app_example",
            "--no-browser",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {other_server}/.well-known/"), result.stderr
    assert "--server" in result.stderr
    assert result.stdout == ""
