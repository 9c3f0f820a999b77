"""A German session end to end: the browser's language chooses German for every page's
headings and buttons, and the choice in Settings wins over the browser's (one server, one
session: every page in one test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# A heading and a button each page draws on the server (some hidden until used), in German.
BOOK_PAGES = {
    "": ("Konten", "Neues Konto"),
    "/transactions": ("Buchungen", "Filter zurücksetzen"),
    "/budget": ("= Verfügbar zum Budgetieren", "Diesen Monat füllen"),
    "/reports": ("Ausgaben nach Kategorie", "Drucken"),
    "/categories": ("Kategorien", "Gruppe hinzufügen"),
    "/rules": ("Regeln", "Neue Regel"),
    "/schedules": ("Planungen", "Neue Planung"),
    "/import": ("Import", "Alle importieren"),
}
BOOK_TABS = [
    "Konten",
    "Buchungen",
    "Budget",
    "Berichte",
    "Kategorien",
    "Regeln",
    "Planungen",
    "Import",
]


@pytest.fixture
def german_browser(browser) -> Iterator:
    """The browser asking for German pages (its Accept-Language), as a German Chromium does."""
    agent = browser.driver.execute_script("return navigator.userAgent")
    browser.driver.execute_cdp_cmd(
        "Emulation.setUserAgentOverride", {"userAgent": agent, "acceptLanguage": "de-DE,de"}
    )
    yield browser
    browser.driver.execute_cdp_cmd(
        "Emulation.setUserAgentOverride", {"userAgent": agent, "acceptLanguage": "en-US,en"}
    )


def words(browser, css: str) -> list[str]:
    """Return the text of each element matching `css` as the server wrote it (hidden or not)."""
    texts = (element.get_attribute("textContent") for element in browser.find_all(css))
    return [" ".join(text.split()) for text in texts if text.strip()]


def test_a_german_session_from_the_browser_s_language_and_from_settings(german_browser, add_user):
    browser = german_browser
    add_user("alex", admin=True)
    browser.open("/login")
    assert browser.find("html").get_attribute("lang") == "de"
    assert browser.find("h1").text == "Anmelden"
    assert browser.find("label[for=username]").text == "Benutzername"
    browser.sign_in("alex")
    book = browser.session("alex").get(browser.url("/api/v1/books")).json()["items"][0]["id"]

    for path, (heading, button) in BOOK_PAGES.items():
        browser.open(f"/books/{book}{path}")
        assert browser.find("html").get_attribute("lang") == "de", path
        assert heading in words(browser, "h1, h2, th, .nav-pills .nav-link"), path
        assert button in words(browser, "button, a.btn, label"), path
        assert words(browser, ".nav-underline .nav-link") == BOOK_TABS, path
        assert "Abmelden" in words(browser, "[data-sign-out]"), path

    browser.open("/settings")
    assert browser.find("h1").text == "Einstellungen"
    assert "Ihr Profil" in words(browser, "h2")
    assert {"Passwort", "Sprache"} <= set(words(browser, "h3"))
    sections = set(words(browser, "#settings-sections a"))
    assert {"Ihr Profil", "Tokens & Apps", "Haushalte"} <= sections
    assert words(browser, "#language-form [type=submit]") == ["Sprache speichern"]
    automatic = browser.find("#language-choice option[value='']").text
    assert automatic == "Wie dieser Computer oder Browser eingestellt ist (jetzt: Deutsch)"

    # The choice in Settings wins over the browser's language, on every page, until cleared.
    browser.find("#language-choice option[value=fr]").click()
    browser.submit("#language-form")
    browser.wait_until(lambda d: d.find_element("css selector", "h1").text == "Réglages", "French")
    assert browser.find("html").get_attribute("lang") == "fr"
    browser.open(f"/books/{book}/rules")
    assert "Nouvelle règle" in words(browser, "button")
    browser.open("/settings")
    browser.find("#language-choice option[value='']").click()
    browser.submit("#language-form")
    browser.wait_until(lambda d: d.find_element("css selector", "h1").text == "Einstellungen", "de")
    assert browser.session("alex").get(browser.url("/api/v1/me")).json()["language"] is None


@pytest.mark.skipif(
    os.environ.get("TALLYBOOK_SCREENSHOTS") != "1",
    reason="set TALLYBOOK_SCREENSHOTS=1 to refresh docs/screenshots/",
)
def test_screenshot_of_the_register_in_german(german_browser, add_user):
    browser = german_browser
    add_user("alex")
    browser.sign_in("alex")
    session = browser.session("alex")
    demo = session.post(browser.url("/api/v1/demo-books"), json={}).json()["id"]
    accounts = session.get(browser.url(f"/api/v1/books/{demo}/accounts")).json()["items"]
    browser.set_viewport(1280, 800)
    # Amounts and dates as a German computer writes them, too (Intl's locale).
    browser.driver.execute_cdp_cmd("Emulation.setLocaleOverride", {"locale": "de-DE"})
    try:
        browser.open(f"/books/{demo}/accounts/{accounts[0]['id']}")
        browser.visible("[data-rows] [data-txn]")
        assert browser.find("html").get_attribute("lang") == "de"
        browser.driver.save_screenshot(str(SCREENSHOTS / "register-german.png"))
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setLocaleOverride", {})
        browser.reset_viewport()
    assert (SCREENSHOTS / "register-german.png").stat().st_size > 10_000
