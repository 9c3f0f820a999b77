"""List the last 30 days' transactions of a Tallybook book, as an app that asks for access.

An example of an app on the same computer using Tallybook's OAuth 2.0 (RFC 8252): it listens
on a loopback port, sends you to Tallybook's consent page, gets a code back, exchanges it
(with its PKCE verifier) for tokens, then calls the API. Python's standard library only.

First an administrator registers the app in Tallybook (Settings > Authorized apps >
Registered apps, or `tallybook app register --name "Last 30 days" --redirect-uri
http://127.0.0.1/callback`), which gives its client id. Then:

    python examples/last_30_days.py --client-id tb_app_... [--server http://127.0.0.1:8421]

With `--token-file FILE` it keeps the refresh token and, next time, refreshes instead of
asking again (each refresh token works once; the new one replaces it in the file).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import webbrowser
from datetime import date, timedelta
from pathlib import Path
from typing import Any

CALLBACK_PATH = "/callback"
WAIT_SECONDS = 300


class AppError(Exception):
    """Something the user should read, ending the program."""


def request_json(url: str, *, form: dict[str, str] | None = None, token: str | None = None) -> Any:
    """GET (or POST a form to) `url` and return its JSON; OAuth and API errors become AppError."""
    headers = {"Accept": "application/json"}
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - our server
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return _json(url, response.read())
    except urllib.error.HTTPError as error:
        body = _json(url, error.read() or b"{}", status=error.code)
        reason = body.get("error_description") or body.get("detail") or body.get("error")
        raise AppError(f"{url} answered {error.code}: {reason}") from None


def _json(url: str, content: bytes, status: int | None = None) -> Any:
    """Return the JSON of an answer; one that is not JSON (not Tallybook?) is an AppError."""
    try:
        body = json.loads(content)
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        answered = f"answered {status} and" if status else "answered, but"
        raise AppError(
            f"{url} {answered} not with JSON: is this Tallybook's address (--server)?"
        ) from None
    if status is not None and not isinstance(body, dict):
        raise AppError(f"{url} answered {status}.")
    return body


def wait_for_code(authorize: Any, state: str) -> tuple[str, str]:
    """Listen on a free loopback port; return (the code sent there, the redirect URI used).

    `authorize(redirect_uri)` sends the user to the consent page.
    """
    received: dict[str, str] = {}
    done = threading.Event()

    class Callback(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path != CALLBACK_PATH:
                self.send_error(404)
                return
            received.update(urllib.parse.parse_qsl(url.query))
            ok = "code" in received and received.get("state") == state
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            message = "Access granted" if ok else "Access not granted"
            page = (
                f'<!doctype html><link rel="icon" href="data:,"><title>{message}</title>'
                f"<h1>{message}</h1><p>You can close this tab and go back to the terminal.</p>"
            )
            self.wfile.write(page.encode())
            done.set()

        def log_message(self, *args: Any) -> None:
            """Keep the terminal for the program's own output."""

    # Threads: a browser may open a spare connection and leave it idle, which would hold a
    # one-request-at-a-time server (and its shutdown) for good.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    redirect_uri = f"http://127.0.0.1:{server.server_port}{CALLBACK_PATH}"
    try:
        authorize(redirect_uri)
        if not done.wait(WAIT_SECONDS):
            raise AppError("No answer came from Tallybook in time.")
    finally:
        server.shutdown()
        server.server_close()
    if received.get("state") != state:
        raise AppError("The answer does not belong to this request (state mismatch).")
    if "error" in received:
        raise AppError(
            f"Tallybook said {received['error']}: {received.get('error_description', '')}"
        )
    return received["code"], redirect_uri


def authorize(meta: dict[str, Any], client_id: str, args: argparse.Namespace) -> dict:
    """Run the authorization code flow with PKCE; return the token response."""
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    state = secrets.token_urlsafe(16)

    def send_user(redirect_uri: str) -> None:
        params = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "read",
            "state": state,
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
        if args.book_id is not None:
            params["book_id"] = str(args.book_id)
        url = f"{meta['authorization_endpoint']}?{urllib.parse.urlencode(params)}"
        print(f"Allow access in Tallybook: {url}", flush=True)
        if not args.no_browser:
            webbrowser.open(url)

    code, redirect_uri = wait_for_code(send_user, state)
    return request_json(
        meta["token_endpoint"],
        form={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": client_id,
        },
    )


def get_tokens(server: str, client_id: str, args: argparse.Namespace) -> dict:
    """Refresh with the saved token if there is one that still works, else ask the user."""
    metadata_url = f"{server}/.well-known/oauth-authorization-server"
    meta = request_json(metadata_url)
    if not isinstance(meta, dict) or not {"authorization_endpoint", "token_endpoint"} <= set(meta):
        raise AppError(f"{metadata_url} is not Tallybook's: is --server its address?")
    saved = args.token_file and args.token_file.is_file() and args.token_file.read_text().strip()
    tokens = None
    if saved:
        try:
            tokens = request_json(
                meta["token_endpoint"],
                form={
                    "grant_type": "refresh_token",
                    "refresh_token": saved,
                    "client_id": client_id,
                },
            )
        except AppError as error:
            print(f"The saved access no longer works ({error}); asking again.", file=sys.stderr)
    if tokens is None:
        tokens = authorize(meta, client_id, args)
    if args.token_file:
        args.token_file.touch(mode=0o600)
        args.token_file.write_text(tokens["refresh_token"] + "\n")
    return tokens


def last_days(server: str, access_token: str, days: int) -> tuple[dict, list[dict]]:
    """Return the book the app may see and its transactions of the last `days` days."""
    books = request_json(f"{server}/api/v1/books", token=access_token)["items"]
    if not books:
        raise AppError("The access covers no book.")
    book = books[0]  # an app's access covers exactly one book
    since = (date.today() - timedelta(days=days)).isoformat()
    rows: list[dict] = []
    cursor = None
    while True:
        query = {"date_from": since, "limit": "200"} | ({"cursor": cursor} if cursor else {})
        page = request_json(
            f"{server}/api/v1/books/{book['id']}/transactions?{urllib.parse.urlencode(query)}",
            token=access_token,
        )
        rows.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return book, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("TALLYBOOK_URL", "http://127.0.0.1:8421"),
        help="Tallybook's address (default: $TALLYBOOK_URL or http://127.0.0.1:8421)",
    )
    parser.add_argument(
        "--client-id",
        default=os.environ.get("TALLYBOOK_CLIENT_ID"),
        help="the app's client id from Tallybook (default: $TALLYBOOK_CLIENT_ID)",
    )
    parser.add_argument("--book-id", type=int, help="ask for this book (else you choose)")
    parser.add_argument("--days", type=int, default=30, help="how far back to list (30)")
    parser.add_argument("--token-file", type=Path, help="keep the refresh token in this file")
    parser.add_argument(
        "--no-browser", action="store_true", help="print the consent page's address only"
    )
    args = parser.parse_args(argv)
    if not args.client_id:
        parser.error("give --client-id (or set TALLYBOOK_CLIENT_ID)")
    server = args.server.rstrip("/")
    try:
        tokens = get_tokens(server, args.client_id, args)
        book, rows = last_days(server, tokens["access_token"], args.days)
    except (AppError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{book['name']}: {len(rows)} transactions in the last {args.days} days")
    for row in rows:
        print(f"{row['date']}  {row['amount']:>12} {row['currency']}  {row['payee'] or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
