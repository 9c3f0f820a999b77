"""An app on this computer asks for access, the user allows it, and later takes it back.

The app is examples/last_30_days.py, run as a real process against the live server: it
listens on its own loopback port, prints the consent page's address, and Chromium, signed in
as the user, opens it and clicks Allow.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import consent_path
from tests.conftest import PASSWORD
from tests.sharing import join

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "last_30_days.py"
CONSENT_LINE = "Allow access in Tallybook: "


@pytest.fixture
def window_pages() -> list[str]:
    return []


@pytest.fixture
def app_config(app_config, window_pages):
    """As on the desktop: consent requests from a browser not signed in go to the window (here
    a list the test reads, answering as the window would with a signed-in session)."""
    return {**app_config, "CONSENT_IN_WINDOW": window_pages.append}


def start_example(server_url: str, client_id: str, token_file: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(EXAMPLE),
            "--server",
            server_url.rstrip("/"),
            "--client-id",
            client_id,
            "--token-file",
            str(token_file),
            "--no-browser",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def consent_url(example: subprocess.Popen) -> str:
    line = example.stdout.readline()
    assert line.startswith(CONSENT_LINE), line + example.stderr.read()
    return line.removeprefix(CONSENT_LINE).strip()


def finish(example: subprocess.Popen) -> str:
    out, err = example.communicate(timeout=60)
    assert example.returncode == 0, err
    return out


def stop(example: subprocess.Popen) -> None:
    """Kill the example if it still runs, and close its pipes."""
    example.kill()
    example.communicate()


def test_an_app_gets_one_book_until_the_user_revokes_it(browser, alex_account, tmp_path):
    api = browser.session("alex", PASSWORD)
    book = api.post(browser.url("/api/v1/books"), json={"name": "Household", "currency": "EUR"})
    book_id = book.json()["id"]
    base = browser.url(f"/api/v1/books/{book_id}")
    account = api.post(base + "/accounts", json={"name": "Checking", "type": "checking"}).json()
    recent = (date.today() - timedelta(days=3)).isoformat()
    old = (date.today() - timedelta(days=60)).isoformat()
    for day, payee in ((recent, "Corner Grocer"), (old, "Old Landlord")):
        body = {"account_id": account["id"], "date": day, "amount": "-12.34", "payee": payee}
        assert api.post(base + "/transactions", json=body).status_code == 201

    # The administrator registers the app in Settings.
    browser.sign_in("alex")
    browser.open("/settings/tokens")
    browser.fill("#client-name", "Last 30 days")
    browser.fill("#client-redirect-uris", "http://127.0.0.1/callback")
    browser.submit("#client-form")
    client_id = browser.visible("#new-client-id").text
    assert client_id.startswith("tb_app_")
    browser.visible(f'[data-client="{client_id}"]')
    assert browser.find("#no-authorized-apps").is_displayed()

    # The app asks; the user sees who asks for what, and allows it.
    token_file = tmp_path / "refresh-token"
    example = start_example(browser.url("/"), client_id, token_file)
    try:
        browser.driver.get(consent_url(example))
        browser.wait_text("[data-client-name]", "Last 30 days")
        assert [s.get_attribute("data-scope") for s in browser.find_all("[data-scope]")] == ["read"]
        Select(browser.find("#consent-book")).select_by_value(str(book_id))
        browser.click('[data-decision="allow"]')
        browser.wait_until(lambda driver: driver.title == "Access granted", "the app's page")
        out = finish(example)
    finally:
        stop(example)
    assert "Household: 1 transactions in the last 30 days" in out
    assert "Corner Grocer" in out and "Old Landlord" not in out

    # Run again: the saved refresh token is used, no consent page.
    again = start_example(browser.url("/"), client_id, token_file)
    assert "Corner Grocer" in finish(again)

    # The user sees the app in Settings and revokes it.
    browser.open("/settings/tokens")
    row = browser.visible('[data-authorized-app="Last 30 days"]')
    assert "Household" in row.text and "Read only" in row.text
    browser.click('[data-authorized-app="Last 30 days"] button')
    browser.dialog().accept()
    browser.visible("#no-authorized-apps")

    # The app's saved access no longer works: it has to ask again.
    asked = start_example(browser.url("/"), client_id, token_file)
    try:
        assert consent_url(asked).startswith(browser.url("/oauth/authorize?"))
    finally:
        stop(asked)


def test_a_browser_not_signed_in_waits_for_the_windows_answer(
    browser, alex_account, server_db, window_pages, tmp_path
):
    window = browser.session("alex", PASSWORD)  # the desktop window's own session
    registered = window.post(
        browser.url("/api/v1/oauth/clients"),
        json={"name": "Last 30 days", "redirect_uris": ["http://127.0.0.1/callback"]},
    )
    client_id = registered.json()["client_id"]
    example = start_example(browser.url("/"), client_id, tmp_path / "token")
    try:
        browser.driver.get(consent_url(example))
        browser.wait_text("[data-client-name]", "Last 30 days")
        assert "Tallybook window" in browser.find("[data-handoff-status]").text
        browser.wait_until(lambda _: window_pages, "the window asked")
        [path] = window_pages
        assert "Last 30 days" in window.get(browser.url(path)).text
        books = window.get(browser.url("/api/v1/books")).json()["items"]
        answer = window.post(browser.url(path), json={"allow": True, "book_id": books[0]["id"]})
        assert answer.json() == {"redirect_to": None, "handed_off": True}
        browser.wait_until(lambda driver: driver.title == "Access granted", "the app's page")
        out = finish(example)
    finally:
        stop(example)
    assert f"{books[0]['name']}: 0 transactions in the last 30 days" in out


def test_the_apps_loopback_listener_never_gets_the_session_cookie(browser, alex_account):
    """Browsers send a host's cookies to all its ports: the redirect to the app's port must
    not carry the user's session (the pages live on localhost, apps on 127.0.0.1)."""
    seen: list[dict[str, str]] = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append({"path": self.path, "cookie": self.headers.get("Cookie", "")})
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b'<!doctype html><link rel="icon" href="data:,"><title>got it</title>')

        def log_message(self, *args: object) -> None:
            """Quiet."""

    listener = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    try:
        window = browser.session("alex", PASSWORD)
        client_id = window.post(
            browser.url("/api/v1/oauth/clients"),
            json={"name": "Listener", "redirect_uris": ["http://127.0.0.1/cb"]},
        ).json()["client_id"]
        browser.sign_in("alex")
        # Also visited once on the IP literal, as a user might from an old bookmark.
        browser.driver.get(browser.server.url + "settings")
        browser.wait_for_path("/settings/you")
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": f"http://127.0.0.1:{listener.server_port}/cb",
                "state": "s",
                "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "code_challenge_method": "S256",
            }
        )
        browser.open(f"/oauth/authorize?{query}")
        browser.click('[data-decision="allow"]')
        browser.wait_until(lambda driver: driver.title == "got it", "the app's listener")
    finally:
        listener.shutdown()
        listener.server_close()
    [callback] = seen
    assert callback["path"].startswith("/cb?code=")
    assert "tallybook" not in callback["cookie"]


def test_a_viewer_is_shown_the_app_will_only_read(browser, alex_account, add_user, server_db):
    """Asked for writing in a book the user only views, the page promises reading only."""
    add_user("sam")
    alex = browser.session("alex", PASSWORD)
    shared = alex.post(browser.url("/api/v1/books"), json={"name": "Household", "currency": "EUR"})
    viewed = shared.json()["id"]
    join(server_db, viewed, "sam", "viewer", by_user=alex_account.id)
    browser.sign_in("sam")
    browser.open(consent_path(server_db, name="Sync"))
    browser.wait_text("[data-client-name]", "Sync")
    options = [o.text for o in Select(browser.find("#consent-book")).options]
    assert options == [
        "sam's book (USD) · you are its owner",
        "Household (EUR) · you are its viewer",
    ]
    browser.visible('[data-scope="write"]')
    browser.hidden("[data-viewer-note]")
    Select(browser.find("#consent-book")).select_by_value(str(viewed))
    browser.visible("[data-viewer-note]")
    browser.hidden('[data-scope="write"]')
    browser.visible('[data-scope="read"]')
