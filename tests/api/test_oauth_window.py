"""The desktop: a browser that is not signed in waits while the signed-in window asks the user."""

from __future__ import annotations

import re

import pytest

from tests.api.oauth_app import (
    query_of,
)

# What a browser sends when an app opened it on a page (not a web page navigating there).
OPENED_BY_AN_APP = {
    "Sec-Fetch-Site": "none",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Dest": "document",
}


@pytest.fixture
def window_pages(app) -> list[str]:
    """What the server asks the desktop window to show (as the launcher's hook would)."""
    shown: list[str] = []
    app.config["CONSENT_IN_WINDOW"] = shown.append
    return shown


def test_a_browser_not_signed_in_waits_while_the_window_asks(
    app, alex, app_client, book, window_pages
):
    browser = app.test_client()
    page = browser.get(f"/oauth/authorize?{app_client.authorize_query()}", headers=OPENED_BY_AN_APP)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tallybook window" in html
    match_code = re.search(r"data-match-code>(\d{4})<", html)[1]
    [path] = window_pages
    assert path.startswith("/oauth/authorize?")
    handle = query_of(path)["handoff"]
    assert browser.get(f"/oauth/handoff/{handle}").json == {"answered": False, "redirect_to": None}
    # The window, signed in, shows the consent page with the same code; the user allows there.
    in_window = alex.get(path).get_data(as_text=True)
    assert "Household (EUR)" in in_window
    assert f"data-match-code>{match_code}<" in in_window
    answer = alex.post(path, json={"allow": True, "book_id": book})
    assert answer.json == {"redirect_to": None, "handed_off": True}
    state = browser.get(f"/oauth/handoff/{handle}").json
    assert state["answered"] is True
    assert state["redirect_to"].startswith(app_client.redirect_uri + "?")
    assert app_client.exchange(query_of(state["redirect_to"])["code"]).status_code == 200
    # The answer is collected once, and the window's own request did not hand off again.
    assert browser.get(f"/oauth/handoff/{handle}").status_code == 404
    assert window_pages == [path]


def test_the_window_hands_nothing_off_that_it_should_not(app, alex, app_client, book, window_pages):
    browser = app.test_client()
    bad = browser.get(
        f"/oauth/authorize?{app_client.authorize_query(redirect_uri='http://evil.example/cb')}",
        headers=OPENED_BY_AN_APP,
    )
    assert bad.status_code == 400 and window_pages == []
    # A signed-in browser answers itself.
    assert "Household (EUR)" in alex.get(
        f"/oauth/authorize?{app_client.authorize_query()}"
    ).get_data(as_text=True)
    assert window_pages == []
    # A window that is not signed in is sent to sign in, never asked again (no loop).
    query = app_client.authorize_query() + "&handoff=abc"
    assert browser.get(f"/oauth/authorize?{query}").status_code == 302
    assert window_pages == []
    # Unknown handoffs: nothing to collect, nothing to show, nothing to answer.
    assert browser.get("/oauth/handoff/nope").status_code == 404
    assert alex.get(f"/oauth/authorize?{query}").status_code == 410
    answer = alex.post(f"/oauth/authorize?{query}", json={"allow": True, "book_id": book})
    assert answer.status_code == 400
    assert alex.get("/api/v1/authorized-apps").json["items"] == []


def test_denying_in_the_window_tells_the_waiting_browser(app, alex, app_client, window_pages):
    browser = app.test_client()
    browser.get(f"/oauth/authorize?{app_client.authorize_query()}", headers=OPENED_BY_AN_APP)
    [path] = window_pages
    assert alex.post(path, json={"allow": False}).json["handed_off"] is True
    state = browser.get(f"/oauth/handoff/{query_of(path)['handoff']}").json
    assert query_of(state["redirect_to"])["error"] == "access_denied"


@pytest.mark.parametrize(
    "fetch",
    [
        {},  # no fetch metadata at all
        {**OPENED_BY_AN_APP, "Sec-Fetch-Site": "cross-site"},  # a web page navigating here
        {**OPENED_BY_AN_APP, "Sec-Fetch-Dest": "image"},  # an <img> on a web page
        {**OPENED_BY_AN_APP, "Sec-Fetch-Mode": "no-cors"},
    ],
)
def test_only_a_browser_an_app_opened_can_ask_the_window(app, app_client, window_pages, fetch):
    page = app.test_client().get(f"/oauth/authorize?{app_client.authorize_query()}", headers=fetch)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")
    assert window_pages == []


def test_the_window_asks_about_one_request_at_a_time(app, app_client, window_pages):
    query = app_client.authorize_query()
    first = app.test_client().get(f"/oauth/authorize?{query}", headers=OPENED_BY_AN_APP)
    assert first.status_code == 200
    second = app.test_client().get(f"/oauth/authorize?{query}", headers=OPENED_BY_AN_APP)
    assert second.status_code == 302 and second.headers["Location"].startswith("/login?next=")
    assert len(window_pages) == 1
