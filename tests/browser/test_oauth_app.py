"""An app on this computer asks for access, the user allows it, and later takes it back.

The app is examples/last_30_days.py, run as a real process against the live server: it
listens on its own loopback port, prints the consent page's address, and Chromium, signed in
as the user, opens it and clicks Allow.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import Select

from tests.conftest import PASSWORD

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
    browser.open("/settings")
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
        example.kill()
    assert "Household: 1 transactions in the last 30 days" in out
    assert "Corner Grocer" in out and "Old Landlord" not in out

    # Run again: the saved refresh token is used, no consent page.
    again = start_example(browser.url("/"), client_id, token_file)
    assert "Corner Grocer" in finish(again)

    # The user sees the app in Settings and revokes it.
    browser.open("/settings")
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
        asked.kill()
        asked.communicate()


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
        example.kill()
    assert f"{books[0]['name']}: 0 transactions in the last 30 days" in out
