"""Places in the browser: every page names itself the same way in the navigation, its <h1>
and the document title; Settings has a page per section, with back and deep links working at
any width; and automatic sign-in, offered to the desktop window only, turned on from it.

One live server and one browser session for the whole module's walk. The server is started
as the desktop launcher starts it for a window (with a one-time handoff), so the browser is
first a tab and then, after redeeming the handoff, the window."""

from __future__ import annotations

from typing import Any

import pytest

from server.auth.window import ONLY_IN_THE_WINDOW
from server.clock import local_today, utcnow
from server.config import AUTOMATIC_SIGN_IN_FILENAME
from server.domain.accounts import list_accounts
from server.domain.demo import create_demo_book

HANDOFF = "this-launchs-handoff"
SECTIONS = {  # label: address
    "You": "you",
    "This computer": "computer",
    "Backups": "backups",
    "Tokens & apps": "tokens",
    "Households": "households",
}
NAMES_ITSELF = """
const text = (el) => (el ? el.innerText.replace(/\\s+/g, " ").trim() : null);
const active = document.querySelector(
  "#main-nav .nav-link.active, .nav-underline .nav-link.active");
return {
  h1: [...document.querySelectorAll("h1")].map(text),
  title: document.title,
  active: text(active),
};
"""


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The server the launcher starts for its window."""
    return {**app_config, "WINDOW_HANDOFF": HANDOFF}


def names(browser) -> dict[str, Any]:
    return browser.driver.execute_script(NAMES_ITSELF)


def assert_named(browser, path: str, name: str, *, nav: str | None = None) -> None:
    """The page at `path` is called `name` in its only <h1> and first in its title, and its
    navigation entry (`nav` where the page belongs to a list's entry) is active."""
    browser.open(path)
    seen = names(browser)
    assert seen["h1"] == [name], path
    assert seen["title"].startswith(f"{name} · "), (path, seen["title"])
    assert seen["title"].endswith(" · Tallybook"), (path, seen["title"])
    assert seen["active"] == (nav or name), (path, seen["active"])


def test_pages_name_themselves_and_settings_has_a_place_for_each_section(
    browser, add_user, server_db
):
    # Before anyone has an account, and for a visitor.
    browser.open("/setup")
    assert names(browser) == {"h1": ["Welcome"], "title": "Welcome · Tallybook", "active": None}
    alex = add_user("alex", admin=True)
    for path, name in (("/login", "Sign in"), ("/register", "Create an account")):
        browser.open(path)
        assert names(browser)["h1"] == [name]
        assert names(browser)["title"] == f"{name} · Tallybook"

    demo = create_demo_book(server_db, alex.id, now=utcnow())
    with server_db.read() as conn:
        account = list_accounts(conn, demo.id, today=local_today())[0]
    browser.sign_in("alex")
    assert_named(browser, "/", "Books")
    assert_named(browser, "/api/docs", "API reference")
    book = f"/books/{demo.id}"
    for path, name in (
        (book, "Accounts"),
        (f"{book}/transactions", "Transactions"),
        (f"{book}/budget", "Budget"),
        (f"{book}/reports", "Reports"),
        (f"{book}/categories", "Categories"),
        (f"{book}/rules", "Rules"),
        (f"{book}/schedules", "Schedules"),
        (f"{book}/import", "Import"),
    ):
        assert_named(browser, path, name)
    # An account's register names the account, under its list's entry.
    assert_named(browser, f"{book}/accounts/{account.id}", account.name, nav="Accounts")
    browser.console.expect_http_error("/no-such-page", 404)
    browser.open("/no-such-page")
    assert names(browser) == {"h1": ["Error 404"], "title": "Error 404 · Tallybook", "active": None}

    # Settings: a page per section, each with its own heading and title.
    browser.open("/settings")
    assert browser.path == "/settings/you"
    sections = [a.text for a in browser.find_all("#settings-sections a")]
    assert sections == list(SECTIONS)
    for label, slug in SECTIONS.items():
        browser.find(f'#settings-sections a[data-settings-section="{slug}"]').click()
        browser.wait_for_path(f"/settings/{slug}")
        assert browser.find("#section-heading").text == label
        assert browser.driver.title == f"Settings · {label} · Tallybook"
        seen = names(browser)
        assert (seen["h1"], seen["active"]) == (["Settings"], "Settings")
        assert browser.find("#settings-sections .active").text == label
    browser.driver.back()
    browser.wait_for_path("/settings/tokens")
    browser.visible("#token-form")
    browser.open("/settings/backups")  # a deep link
    browser.visible("#backups [data-backup-now]")

    # On a phone the sections stack above the one shown.
    browser.set_viewport(360, 740)
    try:
        browser.open("/settings/households")
        nav = browser.find("#settings-sections").rect
        section = browser.find("#settings-households").rect
        assert nav["y"] + nav["height"] <= section["y"]
        assert browser.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
    finally:
        browser.reset_viewport()

    # Automatic sign-in: a browser tab is told why not; the window (it redeemed this launch's
    # handoff) turns it on.
    browser.open("/settings/computer")
    toggle = "#automatic-sign-in-on"
    browser.wait_text("[data-automatic-sign-in-why]", ONLY_IN_THE_WINDOW)
    assert not browser.find(toggle).is_enabled()
    browser.open(f"/window?handoff={HANDOFF}")
    assert browser.path == "/"
    browser.open("/settings/computer")
    browser.wait_until(lambda _: browser.find(toggle).is_enabled(), "the switch offered")
    assert not browser.find(toggle).is_selected()
    browser.find(toggle).click()
    browser.wait_until(lambda _: browser.find(toggle).is_selected(), "the switch on")
    browser.reload()
    browser.wait_until(lambda _: browser.find(toggle).is_selected(), "still on")
    with server_db.read() as conn:
        rows = conn.execute("SELECT user_id FROM automatic_sign_ins").fetchall()
    assert [row["user_id"] for row in rows] == [alex.id]
    assert (server_db.path.parent / AUTOMATIC_SIGN_IN_FILENAME).exists()
    browser.find(toggle).click()
    browser.wait_until(
        lambda _: browser.find_all(f"{toggle}:enabled:not(:checked)"), "off, and offered again"
    )
    assert not (server_db.path.parent / AUTOMATIC_SIGN_IN_FILENAME).exists()
