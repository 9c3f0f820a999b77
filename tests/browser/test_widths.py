"""Every page from a phone's 360 px to a wide screen (issue 19): the page never scrolls
sideways, and each page's primary actions are on screen and can be clicked.

One live server and one demo book for the module; the widths and pages are walked inside the
tests, so the whole file costs one server start.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.auth.users import create_user
from server.clock import local_today, utcnow
from server.desktop.serving import RunningServer
from server.domain.accounts import list_accounts
from server.domain.books import create_personal_book
from server.domain.demo import create_demo_book
from tests.conftest import PASSWORD, TEST_ROUNDS, config_for, db, serving

WIDTHS = (360, 800, 1366)
HEIGHT = 800
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
STATEMENT = Path(__file__).resolve().parents[1] / "fixtures" / "bankfiles" / "amex.csv"

# Whether the page scrolls sideways: wider than its window, less the vertical scroll bar.
PAGE_OVERFLOW = """
const page = document.documentElement;
return page.scrollWidth > page.clientWidth ? `${page.scrollWidth} > ${page.clientWidth}` : null;
"""
# Scroll the page so that the element matching arguments[0] is at the top (for a screenshot).
SCROLL_TO = (
    "window.scrollBy(0, document.querySelector(arguments[0]).getBoundingClientRect().top - 12)"
)
# Why a person could not click the element now: brought to the middle of the window as they
# would scroll to it, it must lie within the width and be what is under its own middle.
NOT_CLICKABLE = """
const element = arguments[0];
element.scrollIntoView({block: "center", inline: "nearest"});
const box = element.getBoundingClientRect();
const width = document.documentElement.clientWidth;
if (box.width === 0 || box.height === 0) return "it takes no room";
if (box.left < 0 || box.right > width) return `it spans ${box.left}-${box.right} of ${width} px`;
const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
return element.contains(hit) ? null : `${hit?.outerHTML.slice(0, 80)} covers it`;
"""


# The fields of the register's row of a payee, read at once (the rows are drawn again often).
ROW_OF_PAYEE = """
for (const row of document.querySelectorAll("[data-rows] [data-txn]")) {
  const field = (name) => row.querySelector(`[data-field="${name}"]`).textContent;
  if (field("payee") === arguments[0]) return {out: field("out"), category: field("category")};
}
return null;
"""


@dataclass(frozen=True)
class Page:
    """A page, what shows it is filled in, and its primary actions."""

    path: str
    filled: str
    actions: tuple[str, ...]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server for the module (instead of one a test), over its own data folder."""
    with serving(config_for(tmp_path_factory.mktemp("widths"))) as running:
        yield running


@pytest.fixture(scope="module")
def pages(live_server: RunningServer) -> dict[str, Page]:
    """Alex with the demo book; the pages to try, by name."""
    database = db(live_server.app)
    alex = create_user(
        database,
        "alex",
        PASSWORD,
        now=utcnow(),
        rounds=TEST_ROUNDS,
        is_admin=True,
        personal_book=create_personal_book,
    )
    demo = create_demo_book(database, alex.id, now=utcnow())
    with database.read() as conn:
        checking = list_accounts(conn, demo.id, today=local_today())[0]
    book = f"/books/{demo.id}"
    return {
        "home": Page("/", "#books [data-book]", ("[data-bs-target='#new-book']",)),
        "accounts": Page(book, "[data-account-group]", ("[data-bs-target='#new-account']",)),
        "register": Page(
            f"{book}/accounts/{checking.id}", "[data-rows] [data-txn]", ("[data-add-row]",)
        ),
        "transactions": Page(
            f"{book}/transactions",
            "[data-rows] [data-txn]",
            ("[data-new-transaction]", "#filter-form [type=submit]"),
        ),
        # A phone still sees what each category spent and has left.
        "budget": Page(
            f"{book}/budget",
            "#budget tr[data-line]",
            (
                "#fill-month",
                "#budget tr[data-line] [data-budgeted]",
                "#budget tr[data-line] [data-activity]",
                "#budget tr[data-line] [data-available]",
            ),
        ),
        "reports": Page(
            f"{book}/reports", "#report-parts [data-part]", ("#report-filters [type=submit]",)
        ),
        "settings": Page(
            "/settings/you",
            "#password-form",
            ("#password-form [type=submit]", "#language-form [type=submit]"),
        ),
        "import": Page(f"{book}/import", "#import-account option", ("#import-form [type=submit]",)),
    }


def assert_fits(browser, where: str) -> None:
    """Fail if the page scrolls sideways."""
    overflow = browser.driver.execute_script(PAGE_OVERFLOW)
    assert overflow is None, f"{where}: the page scrolls sideways ({overflow} px)"


def assert_clickable(browser, css: str, where: str) -> None:
    """Fail unless the first element matching `css` is shown, within the width, on top."""
    element = browser.visible(css)
    problem = browser.driver.execute_script(NOT_CLICKABLE, element)
    assert problem is None, f"{where}: {css} cannot be clicked: {problem}"


def open_editor(browser) -> None:
    """Press Add transaction until the register's editor opens (once its rows show: a press
    while the register still loads is let go, as a person would press again)."""

    def opened(_):
        if not browser.find_all("[data-editor]"):
            browser.click("[data-add-row]")
        return browser.find_all("[data-editor] [name=payee]")

    browser.wait_until(opened, "the register's editor")


def test_every_page_fits_every_width_with_its_actions_at_hand(browser, pages):
    browser.sign_in("alex")
    try:
        for width in WIDTHS:
            browser.set_viewport(width, HEIGHT)
            for name, page in pages.items():
                where = f"{name} at {width} px"
                browser.open(page.path)
                browser.wait_until(lambda _, p=page: browser.find_all(p.filled), where)
                assert_fits(browser, where)
                for action in page.actions:
                    assert_clickable(browser, action, where)
            # The register's editor too: its fields stack where its row would not fit.
            browser.open(pages["register"].path)
            browser.visible(pages["register"].filled)
            open_editor(browser)
            for action in ("[data-editor] [name=payee]", "[data-editor] [data-save]"):
                assert_clickable(browser, action, f"the register's editor at {width} px")
            assert_fits(browser, f"the register's editor at {width} px")
            # The navbar folds behind its toggler below md and opens on a tap.
            browser.open("/settings")
            toggler = browser.find(".navbar-toggler")
            if width < 768:
                assert not browser.find("#main-nav [data-sign-out]").is_displayed()
                browser.click(".navbar-toggler")
                assert_clickable(browser, "#main-nav [data-sign-out]", f"the menu at {width}")
            else:
                assert not toggler.is_displayed()
                assert_clickable(browser, "#main-nav [data-sign-out]", f"the navbar at {width}")
    finally:
        browser.reset_viewport()


def test_a_phone_adds_a_transaction_and_previews_an_import(browser, pages):
    browser.sign_in("alex")
    browser.set_viewport(360, HEIGHT)
    try:
        browser.open(pages["register"].path)
        browser.visible("[data-rows] [data-txn]")
        open_editor(browser)
        browser.fill("[data-editor] [name=payee]", "Corner bakery")
        browser.fill("[data-editor] [name=category]", "Food: Groceries")
        browser.fill("[data-editor] [name=out]", "4.20")
        browser.click("[data-editor] [data-save]")
        # Saved, it is drawn among the rows (and a fresh editor waits for the next receipt).
        saved = browser.wait_until(
            lambda _: browser.driver.execute_script(ROW_OF_PAYEE, "Corner bakery"), "the new row"
        )
        assert "4.20" in saved["out"] and saved["category"] == "Food: Groceries"
        assert_clickable(browser, "[data-rows] [data-txn] [data-field=status] button", "a row")
        assert_fits(browser, "the register after saving at 360 px")

        # An import's preview: its table scrolls in its own box, Import stays at hand.
        browser.open(pages["import"].path)
        browser.visible("#import-file").send_keys(str(STATEMENT))
        browser.submit("#import-form")
        browser.wait_until(lambda _: browser.find_all("#preview-table tbody tr"), "the preview")
        assert_clickable(browser, "#preview [data-confirm]", "the import preview at 360 px")
        assert_fits(browser, "the import preview at 360 px")
    finally:
        browser.reset_viewport()


@pytest.mark.skipif(
    os.environ.get("TALLYBOOK_SCREENSHOTS") != "1",
    reason="set TALLYBOOK_SCREENSHOTS=1 to refresh docs/screenshots/",
)
def test_phone_screenshots(browser, pages):
    browser.sign_in("alex")
    browser.set_viewport(360, 740)
    try:
        browser.open(pages["register"].path)
        browser.visible("[data-rows] [data-txn]")
        open_editor(browser)
        browser.fill("[data-editor] [name=payee]", "Corner bakery")
        browser.driver.execute_script(SCROLL_TO, "h1")
        browser.driver.save_screenshot(str(SCREENSHOTS / "phone-register.png"))
        browser.open(pages["budget"].path)
        browser.visible("#budget tr[data-line]")
        browser.driver.execute_script(SCROLL_TO, "#fill-month")
        browser.driver.save_screenshot(str(SCREENSHOTS / "phone-budget.png"))
    finally:
        browser.reset_viewport()
