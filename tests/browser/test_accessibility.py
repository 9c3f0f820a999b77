"""axe-core on every page and dialog, in the light and the dark theme: no WCAG 2.1 A or AA
violation.

The vendored axe-core (ui/static/vendor/axe-core, loaded by no page) is injected into each page
state from its file. One live server and one browser serve the whole module: the demo book
with an overspent category and income rows, a rule, a token and an invitation to look at.
Native `confirm()` boxes are the browser's own and are not checked here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from server.auth.tokens import create_token
from server.auth.users import create_user
from server.clock import local_today, utcnow
from server.desktop.serving import RunningServer
from server.domain.accounts import list_accounts
from server.domain.books import create_personal_book, list_books
from server.domain.categories import list_categories
from server.domain.demo import create_demo_book
from server.domain.instance import set_registration_open
from server.domain.invitations import InvitationInput, invite_member
from server.domain.rules import RuleInput, create_rule
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction
from tests.browser.conftest import WAIT_SECONDS, Browser, consent_path
from tests.conftest import PASSWORD, TEST_ROUNDS, config_for, db, serving

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
QUICKEN = ROOT / "tests" / "fixtures" / "qif" / "quicken_all_accounts.qif"
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE = ROOT / "ui" / "static" / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what the issue holds every page to.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# A theme changes colours only: in the other theme, the rules that read colours are enough.
COLOUR_RULES = {
    "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
    "resultTypes": ["violations"],
}
THEMES = ("light", "dark")
ROWS = "[data-rows] [data-txn]"  # a register's or the transactions' rows
# axe reads every node of a long page (the API reference has thousands): give it time.
AXE_SECONDS = 60
SHOWN_NODES = 3  # of each rule on each page state
RUN_AXE = """
const [context, options, done] = arguments;
axe.run(context || document, options).then(
  (result) => done(result.violations),
  (error) => done([{id: "axe-error", help: String(error), nodes: []}]),
);
"""


@dataclass
class Site:
    """The module's live server and browser, the demo book, and what the first run showed."""

    browser: Browser
    server: RunningServer
    book: int
    account: int
    first_run: list[str]


def describe(violations: list[dict[str, Any]], where: str) -> list[str]:
    """One readable line per failing node (the first few of a rule): the rule, the node's
    selector, and the colours and contrast for a contrast failure."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        for node in nodes[:SHOWN_NODES]:
            line = f"{where}: {violation['id']} at {' '.join(map(str, node['target']))}"
            data = next((c["data"] for c in node["any"] if isinstance(c.get("data"), dict)), {})
            if "contrastRatio" in data:
                line += (
                    f" ({data['fgColor']} on {data['bgColor']}: {data['contrastRatio']}:1,"
                    f" needs {data['expectedContrastRatio']})"
                )
            else:
                line += f" ({violation['help']})"
            lines.append(line)
        if len(nodes) > SHOWN_NODES:
            lines.append(f"{where}: {violation['id']} at {len(nodes) - SHOWN_NODES} more nodes")
        if not nodes:
            lines.append(f"{where}: {violation['id']} ({violation['help']})")
    return lines


def audit(browser: Browser, where: str, within: str | None = None) -> list[str]:
    """Run axe on the page as it stands (or on the part `within` selects), in the light theme
    and then in the dark one; return the violations found."""
    driver = browser.driver
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = []
    driver.set_script_timeout(AXE_SECONDS)
    try:
        for theme, options in zip(THEMES, (AXE_OPTIONS, COLOUR_RULES), strict=True):
            driver.execute_script(
                "document.documentElement.setAttribute('data-bs-theme', arguments[0])", theme
            )
            violations = driver.execute_async_script(RUN_AXE, within, options)
            found += describe(violations, f"{where} [{theme}]")
    finally:
        driver.set_script_timeout(WAIT_SECONDS)
        driver.execute_script("document.documentElement.setAttribute('data-bs-theme', 'light')")
    return found


def settled(browser: Browser, ready: str | None = None, timeout: float = 10) -> None:
    """Wait until the page is loaded, its lists drawn, and `ready` shows."""
    browser.wait_ready()
    browser.wait_until(lambda _: not browser.find_all("[aria-busy=true]"), "the lists drawn")
    if ready:
        browser.visible(ready, timeout=timeout)


def sign_out(driver: WebDriver) -> None:
    """Forget the session: the next page is a stranger's."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})


@pytest.fixture(scope="module")
def site(chromium: WebDriver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One server for the module; the first-run page audited before its administrator exists."""
    with serving(config_for(tmp_path_factory.mktemp("axe"))) as server:
        browser = Browser(chromium, server)
        sign_out(chromium)
        browser.open("/setup")
        settled(browser, "#setup-form")
        first_run = audit(browser, "/setup")
        yield arrange(browser, server, first_run)


def arrange(browser: Browser, server: RunningServer, first_run: list[str]) -> Site:
    """Alex with the demo book (an overspent category this month), a rule, a token and
    invitations."""
    database = db(server.app)
    now = utcnow()
    alex = create_user(
        database,
        "alex",
        PASSWORD,
        now=now,
        rounds=TEST_ROUNDS,
        is_admin=True,
        personal_book=create_personal_book,
    )
    set_registration_open(database, True)
    book = create_demo_book(database, alex.id, now=now).id
    with database.read() as conn:
        account = list_accounts(conn, book, today=local_today())[0].id
        categories = {c.name: c.id for c in list_categories(conn, book)}
    create_transaction(
        database,
        book,
        TransactionInput(
            account_id=account,
            date=local_today(),
            amount="-900.00",
            payee="Anniversary dinner",
            category_id=categories["Restaurants"],
        ),
        now=now,
    )
    create_rule(
        database,
        book,
        RuleInput(
            name="Groceries",
            payee_match="contains",
            payee_text="market",
            set_category_id=categories["Groceries"],
        ),
        now=now,
    )
    create_token(database, alex.id, name="budget spreadsheet", scope="read", now=now)
    # Invitations both ways: Alex invites Sam to the demo, Sam invites Alex to Sam's book.
    sam = create_user(
        database, "sam", PASSWORD, now=now, rounds=TEST_ROUNDS, personal_book=create_personal_book
    )
    invite_member(database, book, InvitationInput("sam", "viewer"), now=now, by_user=alex.id)
    with database.read() as conn:
        sams_book = list_books(conn, sam.id)[0].id
    invite_member(database, sams_book, InvitationInput("alex", "editor"), now=now, by_user=sam.id)
    return Site(browser, server, book, account, first_run)


def signed_in(site: Site) -> Browser:
    """Alex's browser, signed in afresh."""
    browser = site.browser
    sign_out(browser.driver)
    browser.sign_in("alex")
    return browser


def assert_none(found: list[str]) -> None:
    """Fail listing every violation found."""
    assert not found, "axe found:\n" + "\n".join(found)


def in_dialog(browser: Browser, opener: str, dialog: str, where: str) -> list[str]:
    """Open a dialog with a click, audit it, close it with its close button."""
    browser.click(opener)
    browser.visible(f"{dialog} .modal-footer")
    found = audit(browser, f"{where} {dialog}")
    browser.click(f"{dialog} .btn-close")
    browser.hidden(dialog)
    return found


def shown_by(browser: Browser, path: str, ready: str, opener: str, part: str) -> list[str]:
    """Open a page, press what shows a part of it (an editor, a form), and audit that state."""
    browser.open(path)
    settled(browser, ready)
    browser.click(opener)
    browser.visible(part)
    return audit(browser, f"{path} {part}")


def test_first_run_sign_in_registration_and_error_pages(site: Site):
    browser = site.browser
    found = list(site.first_run)
    sign_out(browser.driver)
    for path, ready in (("/login", "#login-form"), ("/register", "#register-form")):
        browser.open(path)
        settled(browser, ready)
        found += audit(browser, path)
    # A refused sign-in: the message beside the form.
    browser.console.expect_http_error("/api/v1/session", 401)
    browser.open("/login")
    browser.fill("#username", "alex")
    browser.fill("#password", "not the password")
    browser.submit("#login-form")
    browser.form_error("#login-form")
    found += audit(browser, "/login refused")
    browser.console.expect_http_error("/no-such-page", 404)
    browser.open("/no-such-page")
    settled(browser, "h1")
    found += audit(browser, "/no-such-page")
    assert_none(found)
    browser.console.assert_clean()


def test_every_page_of_a_book(site: Site):
    browser = signed_in(site)
    book = f"/books/{site.book}"
    browser.driver.execute_script(
        "localStorage.setItem('tallybook.dashboard-book', arguments[0])", str(site.book)
    )
    pages = {
        "/": "#recent li a",
        book: "[data-account-group]",
        f"{book}/accounts/{site.account}": ROWS,
        f"{book}/transactions": ROWS,
        f"{book}/budget": "#budget tr.table-danger",
        f"{book}/reports?report=spending": "canvas",
        f"{book}/reports?report=income-expense": "canvas",
        f"{book}/reports?report=net-worth": "canvas",
        f"{book}/reports?report=cash-flow": "canvas",
        f"{book}/categories": "#groups .card",
        f"{book}/rules": "#rules tr",
        f"{book}/schedules": "#upcoming tr, #upcoming li",
        f"{book}/import": "#history-table",
        "/settings/you": "#language-form",
        "/settings/tokens": "#tokens-table tbody tr",
    }
    found = []
    for path, ready in pages.items():
        browser.open(path)
        settled(browser, ready)
        found += audit(browser, path)
    assert_none(found)
    browser.console.assert_clean()


def test_api_reference_collapsed_and_open(site: Site):
    browser = signed_in(site)
    browser.open("/api/docs")
    login = "#operations-Sign-in-post_session_login"
    settled(browser, f"{login} .opblock-summary-control", timeout=20)
    found = audit(browser, "/api/docs")
    browser.click(f"{login} .opblock-summary-control")
    browser.click(f"{login} .try-out__btn")
    browser.visible(f"{login} .responses-table")
    found += audit(browser, "/api/docs (an operation open)", within=login)
    assert_none(found)
    browser.console.assert_clean()


def test_every_dialog_and_editor(site: Site):
    browser = signed_in(site)
    book = f"/books/{site.book}"
    found = []

    register = f"{book}/accounts/{site.account}"
    editor = "[data-rows] [data-editor] [name=payee]"
    found += shown_by(browser, register, ROWS, f"{ROWS}:nth-child(2)", editor)
    browser.reload()
    settled(browser, ROWS)
    found += in_dialog(browser, "[data-open-dialog]", "#transaction-dialog", register)
    found += in_dialog(browser, "[data-reconcile]", "#reconcile-dialog", register)
    found += in_dialog(browser, "[data-account-settings]", "#account-dialog", register)
    browser.click("[data-reconcile-history]")
    browser.visible("#reconcile-history .modal-body")
    found += audit(browser, f"{register} #reconcile-history")
    browser.click("#reconcile-history .btn-close")
    browser.hidden("#reconcile-history")

    transactions = f"{book}/transactions"
    dialog = "#transaction-dialog .modal-footer"
    found += shown_by(browser, transactions, ROWS, f"{ROWS} [data-field=payee]", dialog)
    browser.click("#transaction-dialog .btn-close")
    browser.hidden("#transaction-dialog")
    for box in browser.find_all("[data-rows] [data-select]")[:2]:
        box.click()
    browser.visible("#bulk-form")
    found += audit(browser, f"{transactions} bulk changes")

    budget = f"{book}/budget"
    browser.open(budget)
    settled(browser, "#budget tr.table-danger")
    found += in_dialog(browser, "#budget tr.table-danger [data-goal]", "#goal-dialog", budget)

    browser.open("/")
    settled(browser, "#recent li a")
    found += in_dialog(
        browser,
        'button.btn-outline-secondary[data-bs-target="#other-book-dialog"]',
        "#other-book-dialog",
        "/",
    )
    for action in ("rename", "delete"):
        browser.click("#books [data-book-menu]")
        browser.visible(f'#books [data-book-action="{action}"]')
        if action == "rename":
            found += audit(browser, "/ book menu")
        found += in_dialog(
            browser, f'#books [data-book-action="{action}"]', f"#{action}-book-dialog", "/"
        )
    browser.click('[data-bs-target="#new-book"]')
    browser.visible("#book-form")
    found += audit(browser, "/ new book")

    found += shown_by(
        browser,
        book,
        "[data-account-group]",
        '[data-bs-target="#new-account"]',
        "#new-account form",
    )
    rules = f"{book}/rules"
    found += shown_by(browser, rules, "#rules tr", "#new-rule", "#rule-form")
    browser.console.expect_http_error(f"/api/v1/books/{site.book}/rules", 422)
    browser.submit("#rule-form")
    browser.field_error("#rule-form", "name")
    found += audit(browser, f"{rules} rule editor, refused")
    browser.click('#rule-form [data-action="cancel"]')
    browser.click("#run-rules")
    browser.visible("#rule-run [data-summary]")
    settled(browser)
    found += audit(browser, f"{rules} run preview")

    upcoming = "#upcoming tr, #upcoming li"
    found += shown_by(browser, f"{book}/schedules", upcoming, "#new-schedule", "#schedule-form")

    imports = f"{book}/import"
    browser.open(f"{imports}?account={site.account}")
    settled(browser, "#import-form")
    browser.visible("#import-file").send_keys(str(QUICKEN))
    browser.submit("#import-form")
    browser.visible("[data-statement-choice]")
    found += audit(browser, f"{imports} statement choice")
    browser.click('[data-statement-options] input[value="0"]')
    browser.visible("[data-import-mapping]")
    found += audit(browser, f"{imports} mapping")
    assert_none(found)
    browser.console.assert_clean()


def test_consent_page(site: Site):
    browser = signed_in(site)
    browser.open(consent_path(db(site.server.app)))
    settled(browser, "#consent-form")
    assert_none(audit(browser, "/oauth/authorize"))
    browser.console.assert_clean()


@pytest.mark.skipif(
    os.environ.get("TALLYBOOK_SCREENSHOTS") != "1",
    reason="set TALLYBOOK_SCREENSHOTS=1 to refresh docs/screenshots/",
)
def test_screenshot_of_the_dark_theme(site: Site):
    browser = signed_in(site)
    # Saved the way the theme button saves it, so the button is not caught mid-hover.
    browser.driver.execute_script("localStorage.setItem('tallybook-theme', 'dark')")
    browser.set_viewport(1280, 960)  # down to the overspent row
    try:
        browser.open(f"/books/{site.book}/budget")
        settled(browser, "#budget tr.table-danger")
        assert browser.find("html").get_attribute("data-bs-theme") == "dark"
        browser.driver.save_screenshot(str(SCREENSHOTS / "budget-dark.png"))
    finally:
        browser.reset_viewport()
        browser.driver.execute_script("localStorage.removeItem('tallybook-theme')")
    assert (SCREENSHOTS / "budget-dark.png").stat().st_size > 10_000
