"""What a person does in Tallybook, in a real (headless) Chromium against a live server.

Every test also holds the page to a clean console: no JavaScript error, no CSP violation
(see `browser` in conftest.py).
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from server.auth.passwords import password_problems
from server.auth.tokens import TOKEN_PREFIX, create_token
from server.auth.users import BAD_CREDENTIALS
from server.clock import local_today, utcnow
from server.domain.accounts import list_accounts
from server.domain.books import check_book_fields, create_book
from server.domain.budgets import set_goal
from server.domain.categories import list_categories
from server.domain.demo import create_demo_book
from server.domain.goals import GoalInput
from server.domain.validation import Problems
from server.errors import FieldError
from tests.browser.conftest import consent_path
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
# Passwords people choose here (`add_user` gives tests.conftest.PASSWORD).
PASSWORD_FOR_SETUP = "quiet river under stone"
NEW_PASSWORD = "a much better passphrase"


def server_message(problems: list[FieldError]) -> str:
    """Return the single message a domain check gives."""
    assert len(problems) == 1, problems
    return problems[0].message


# ---- first run ----------------------------------------------------------------------------


def test_first_run_setup(browser):
    browser.open("/")
    assert browser.path == "/setup"
    assert browser.driver.title == "Welcome · Tallybook"
    browser.console.expect_http_error("/api/v1/setup", 422)

    browser.fill("#username", "alex")
    browser.fill("#password", "short")
    browser.fill("#password_confirm", "short")
    browser.submit("#setup-form")
    assert browser.field_error("#setup-form", "password") == server_message(
        password_problems("short")
    )

    browser.fill("#password", "password1")
    browser.fill("#password_confirm", "password1")
    browser.submit("#setup-form")
    common = server_message(password_problems("password1"))
    browser.wait_until(
        lambda _: browser.find("#password-feedback").text == common,
        "the common-password message",
    )
    assert browser.field_error("#setup-form", "password") == common

    browser.fill("#password", PASSWORD_FOR_SETUP)
    browser.fill("#password_confirm", PASSWORD_FOR_SETUP + "!")
    browser.submit("#setup-form")
    assert browser.field_error("#setup-form", "password_confirm") == "The passwords do not match."
    # The earlier message at the password field is gone.
    assert not browser.find("#password-feedback").is_displayed()
    assert "is-invalid" not in browser.find("#password").get_attribute("class")

    browser.fill("#password_confirm", PASSWORD_FOR_SETUP)
    browser.submit("#setup-form")
    browser.wait_for_path("/")
    browser.wait_text("[data-book] [data-field=name]", "alex's book")
    assert browser.find("[data-current-user]").text == "alex"
    assert browser.driver.title == "Books · Tallybook"

    # Setup is over: the setup page now sends people to sign in (here: straight home).
    browser.open("/setup")
    assert browser.path == "/"


def test_first_run_with_a_demo_book(browser):
    browser.open("/setup")
    browser.fill("#username", "alex")
    browser.fill("#password", PASSWORD_FOR_SETUP)
    browser.fill("#password_confirm", PASSWORD_FOR_SETUP)
    browser.find("#demo").click()
    browser.submit("#setup-form")
    browser.wait_for_path("/")
    browser.wait_until(
        lambda _: len(browser.driver.find_elements("css selector", "[data-book]")) == 2,
        "two book cards",
    )
    names = {e.text for e in browser.driver.find_elements("css selector", "[data-field=name]")}
    assert names == {"alex's book", "Demo household"}
    # The overview opens on the demo book, with its figures.
    browser.wait_until(
        lambda _: (
            Select(browser.find("#dashboard-book")).first_selected_option.text == "Demo household"
        ),
        "the demo book in the overview",
    )
    browser.wait_until(lambda _: len(browser.find_all("#recent li a")) == 8, "its transactions")


# ---- signing out and in -------------------------------------------------------------------


def test_sign_out_and_sign_in_returns_to_the_page_asked_for(browser, alex_account):
    browser.sign_in("alex")
    browser.sign_out()

    browser.open("/")
    assert browser.path == "/login"
    assert browser.query == {"next": ["/"]}

    browser.open("/settings")
    assert browser.path == "/login"
    assert browser.query == {"next": ["/settings"]}
    browser.console.expect_http_error("/api/v1/session", 401)
    browser.fill("#username", "alex")
    browser.fill("#password", "not the password")
    browser.submit("#login-form")
    assert browser.form_error("#login-form") == BAD_CREDENTIALS
    assert browser.path == "/login"

    browser.fill("#password", PASSWORD)
    browser.submit("#login-form")
    browser.wait_for_path("/settings/you")
    browser.visible("#password-form")


@pytest.mark.parametrize(
    "next_path",
    [
        "//example.com/",
        "/%09/example.com/",
        "/%0A/example.com/",
        "/%5Cexample.com/",
        "https://x.test/",
    ],
)
def test_sign_in_ignores_a_next_that_leaves_the_server(browser, alex_account, next_path):
    browser.open(f"/login?next={next_path}")
    browser.sign_in("alex", lands_on="/")
    assert browser.driver.current_url == browser.url("/")


# ---- API tokens ---------------------------------------------------------------------------


def test_create_use_and_revoke_an_api_token(browser, alex_account):
    me = browser.url("/api/v1/me")
    browser.sign_in("alex")
    browser.open("/settings/tokens")
    browser.visible("#no-tokens")

    browser.fill("#token-name", "budget spreadsheet")
    Select(browser.find("#token-scope")).select_by_value("read")
    browser.submit("#token-form")
    browser.visible("#new-token")
    secret = browser.find("#new-token-value").get_attribute("value")
    assert secret.startswith(TOKEN_PREFIX)

    row = "#tokens-table tbody tr"
    browser.wait_until(lambda _: len(browser.find_all(row)) == 1, "the token's row")
    cells = [td.text for td in browser.find_all(f"{row} td")]
    assert cells[0] == "budget spreadsheet"
    assert cells[1] == "Read only"
    hint = cells[2].removesuffix("…")
    assert hint.startswith(TOKEN_PREFIX)
    assert secret.startswith(hint)
    assert len(hint) < len(secret)
    assert cells[4] == "never"  # not used yet
    assert not browser.find("#no-tokens").is_displayed()

    answer = requests.get(me, headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["username"] == "alex"

    # Shown once: after a reload the secret is nowhere on the page; the use is recorded.
    browser.reload()
    browser.wait_until(lambda _: len(browser.find_all(row)) == 1, "the token's row")
    assert not browser.find("#new-token").is_displayed()
    assert secret not in browser.driver.page_source
    assert browser.find_all(f"{row} td")[4].text != "never"

    browser.click(f"{row} button.btn-outline-danger")
    alert = browser.dialog()
    assert "budget spreadsheet" in alert.text
    alert.accept()
    browser.wait_until(lambda _: not browser.find_all(row), "the row to go")
    browser.visible("#no-tokens")

    answer = requests.get(me, headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert answer.status_code == 401
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["status"] == 401


def test_dismissing_the_revoke_dialog_keeps_the_token(browser, alex_account, server_db):
    _, secret = create_token(
        server_db, alex_account.id, name="backup script", scope="write", now=utcnow()
    )
    browser.sign_in("alex")
    browser.open("/settings/tokens")
    row = "#tokens-table tbody tr"
    browser.wait_until(lambda _: len(browser.find_all(row)) == 1, "the token's row")
    assert browser.find_all(f"{row} td")[1].text == "Read and write"

    browser.click(f"{row} button.btn-outline-danger")
    browser.dialog().dismiss()
    browser.reload()
    browser.wait_until(lambda _: len(browser.find_all(row)) == 1, "the token's row")
    answer = requests.get(
        browser.url("/api/v1/me"), headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert answer.status_code == 200


# ---- password -----------------------------------------------------------------------------


def test_change_password_signs_out_other_sessions(browser, alex_account, server_db):
    elsewhere = browser.session("alex")
    me = browser.url("/api/v1/me")
    assert elsewhere.get(me, timeout=10).status_code == 200
    _, secret = create_token(server_db, alex_account.id, name="script", scope="read", now=utcnow())
    by_token = {"Authorization": f"Bearer {secret}"}

    browser.sign_in("alex")
    browser.open("/settings/you")
    browser.console.expect_http_error("/api/v1/me/password", 422)
    form = "#password-form"
    browser.fill("#current_password", "not my password")
    browser.fill("#new_password", NEW_PASSWORD)
    browser.fill("#new_password_confirm", NEW_PASSWORD)
    browser.submit(form)
    assert browser.field_error(form, "current_password") == "This is not your current password."
    assert not browser.find(f"{form} [data-form-success]").is_displayed()

    browser.fill("#current_password", PASSWORD)
    browser.fill("#new_password", "alex")
    browser.fill("#new_password_confirm", "alex")
    browser.submit(form)
    assert browser.field_error(form, "new_password") == server_message(
        password_problems("alex", username="alex", field="new_password")
    )

    browser.fill("#new_password", NEW_PASSWORD)
    browser.fill("#new_password_confirm", NEW_PASSWORD)
    assert browser.find("#revoke_tokens").is_selected()  # tokens and apps go by default
    browser.submit(form)
    success = browser.visible(f"{form} [data-form-success]")
    assert success.text.startswith("Password changed.")
    assert "API tokens and apps have been revoked" in success.text
    assert requests.get(me, headers=by_token, timeout=10).status_code == 401
    assert not browser.find_all(f"{form} .is-invalid")
    assert browser.find("#current_password").get_attribute("value") == ""

    # A later attempt does not leave the old success message standing beside its error.
    browser.fill("#current_password", "not my password")
    browser.fill("#new_password", "yet another passphrase")
    browser.fill("#new_password_confirm", "yet another passphrase")
    browser.submit(form)
    assert browser.field_error(form, "current_password") == "This is not your current password."
    assert not browser.find(f"{form} [data-form-success]").is_displayed()

    # The other session is over; this one continues on a new session.
    gone = elsewhere.get(me, timeout=10)
    assert gone.status_code == 401
    assert gone.headers["Content-Type"] == "application/problem+json"
    browser.reload()
    assert browser.path == "/settings/you"
    browser.open("/settings/tokens")
    browser.visible("#no-tokens")  # the token went with the old password

    browser.sign_out()
    browser.console.expect_http_error("/api/v1/session", 401)
    browser.fill("#username", "alex")
    browser.fill("#password", PASSWORD)
    browser.submit("#login-form")
    assert browser.form_error("#login-form") == BAD_CREDENTIALS
    browser.fill("#password", NEW_PASSWORD)
    browser.submit("#login-form")
    browser.wait_for_path("/")
    assert browser.session("alex", NEW_PASSWORD).get(me, timeout=10).status_code == 200


def test_change_password_may_keep_tokens_and_apps(browser, alex_account, server_db):
    _, secret = create_token(server_db, alex_account.id, name="script", scope="read", now=utcnow())
    browser.sign_in("alex")
    browser.open("/settings/you")
    form = "#password-form"
    browser.fill("#current_password", PASSWORD)
    browser.fill("#new_password", NEW_PASSWORD)
    browser.fill("#new_password_confirm", NEW_PASSWORD)
    browser.click("#revoke_tokens")
    browser.submit(form)
    success = browser.visible(f"{form} [data-form-success]")
    assert "revoked" not in success.text
    assert browser.find("#revoke_tokens").is_selected()  # checked again for the next change
    answer = requests.get(
        browser.url("/api/v1/me"), headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert answer.status_code == 200
    browser.open("/settings/tokens")
    rows = "#tokens-table tbody tr"
    browser.wait_until(lambda _: len(browser.find_all(rows)) == 1, "the token kept")


# ---- books --------------------------------------------------------------------------------


def test_create_a_book_from_the_home_page(browser, alex_account):
    browser.sign_in("alex")
    browser.wait_text("[data-book] [data-field=name]", "alex's book")
    browser.click('[data-bs-target="#new-book"]')
    browser.visible("#book-form #name")
    browser.console.expect_http_error("/api/v1/books", 422)

    browser.fill("#name", "Household")
    browser.fill("#currency", "euro")
    browser.submit("#book-form")
    refused = Problems()
    check_book_fields(None, "EURO", refused)
    message = server_message(refused.errors)
    assert browser.field_error("#book-form", "currency") == message
    assert len(browser.find_all("[data-book]")) == 1

    browser.fill("#currency", "eur")
    browser.submit("#book-form")
    browser.wait_until(lambda _: len(browser.find_all("[data-book]")) == 2, "the new card")
    cards = {
        card.find_element("css selector", "[data-field=name]").text: card.text
        for card in browser.find_all("[data-book]")
    }
    assert "EUR · Owner" in cards["Household"]
    assert "USD · Owner" in cards["alex's book"]
    # The form is ready for the next book, without the old message.
    assert browser.find("#name").get_attribute("value") == ""
    assert not browser.find_all("#book-form .is-invalid")


# ---- chrome ---------------------------------------------------------------------------------


def test_theme_switch_persists_across_reloads(browser, alex_account):
    browser.sign_in("alex")
    html = browser.find("html")
    assert html.get_attribute("data-bs-theme") == "light"
    assert "bi-moon-stars" in browser.find("[data-theme-toggle] i").get_attribute("class")

    browser.click("[data-theme-toggle]")
    assert browser.find("html").get_attribute("data-bs-theme") == "dark"
    assert "bi-sun" in browser.find("[data-theme-toggle] i").get_attribute("class")
    browser.reload()
    assert browser.find("html").get_attribute("data-bs-theme") == "dark"
    browser.open("/settings")
    assert browser.find("html").get_attribute("data-bs-theme") == "dark"
    assert "bi-sun" in browser.find("[data-theme-toggle] i").get_attribute("class")

    browser.click("[data-theme-toggle]")
    assert browser.find("html").get_attribute("data-bs-theme") == "light"
    browser.reload()
    assert browser.find("html").get_attribute("data-bs-theme") == "light"


def test_api_docs_render_swagger_ui_under_the_csp(browser):
    browser.open("/api/docs")
    browser.visible('.opblock-summary-path[data-path="/api/v1/health"]', timeout=20)
    browser.visible('.opblock-summary-path[data-path="/api/v1/tokens"]')
    browser.visible('.opblock-summary-path[data-path="/oauth/token"]')  # apps' endpoints too
    assert browser.find(".swagger-ui .info .title").text.startswith("Tallybook API")
    browser.console.assert_clean()


def test_no_page_logs_an_error(browser, alex_account, server_db):
    # A clean console means something only while the pages carry the policy.
    for path in ("/login", "/api/docs"):
        policy = requests.get(browser.url(path), timeout=10).headers.get(
            "Content-Security-Policy", ""
        )
        assert "script-src 'self'" in policy, f"{path} is served without our CSP"
    create_token(server_db, alex_account.id, name="budget spreadsheet", scope="read", now=utcnow())
    for path in ("/login", "/register", "/api/docs"):
        browser.open(path)
        browser.console.assert_clean()
    browser.sign_in("alex")
    for path in ("/", "/settings/tokens", "/api/docs"):
        browser.open(path)
        if path == "/":
            browser.wait_text("[data-book] [data-field=name]", "alex's book")
        elif path == "/settings/tokens":
            browser.wait_until(
                lambda _: browser.find_all("#tokens-table tbody tr"), "the token's row"
            )
        else:
            browser.visible('.opblock-summary-path[data-path="/api/v1/health"]', timeout=20)
        browser.console.assert_clean()
    demo = create_demo_book(server_db, alex_account.id, now=utcnow())
    with server_db.read() as conn:
        account = list_accounts(conn, demo.id, today=local_today())[0]
    ledger_pages = {
        f"/books/{demo.id}": "[data-account-group]",
        f"/books/{demo.id}/accounts/{account.id}": "[data-rows] [data-txn]",
        f"/books/{demo.id}/transactions": "[data-rows] [data-txn]",
    }
    for path, filled in ledger_pages.items():
        browser.open(path)
        browser.visible(filled)
        browser.console.assert_clean()
    browser.console.expect_http_error("/no-such-page", 404)
    browser.open("/no-such-page")
    assert browser.find("h1").text == "Error 404"
    browser.console.assert_clean()


# ---- screenshots for the README -----------------------------------------------------------


@pytest.mark.skipif(
    os.environ.get("TALLYBOOK_SCREENSHOTS") != "1",
    reason="set TALLYBOOK_SCREENSHOTS=1 to refresh docs/screenshots/",
)
def test_screenshots(browser, server_db):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_viewport(1280, 800)
    try:
        browser.open("/setup")
        browser.driver.save_screenshot(str(SCREENSHOTS / "setup.png"))

        browser.fill("#username", "alex")
        browser.fill("#password", PASSWORD_FOR_SETUP)
        browser.fill("#password_confirm", PASSWORD_FOR_SETUP)
        browser.submit("#setup-form")
        browser.wait_for_path("/")
        user_id = (
            browser.session("alex", PASSWORD_FOR_SETUP)
            .get(browser.url("/api/v1/me"), timeout=10)
            .json()["id"]
        )
        for name, currency in (("Household", "EUR"), ("Holiday fund", "EUR"), ("Side job", "USD")):
            create_book(server_db, user_id, name=name, currency=currency, now=utcnow())
        for name, scope in (("budget spreadsheet", "read"), ("bank import script", "write")):
            create_token(server_db, user_id, name=name, scope=scope, now=utcnow())

        browser.open("/settings/tokens")
        rows = "#tokens-table tbody tr"
        browser.wait_until(lambda _: len(browser.find_all(rows)) == 2, "the token rows")
        browser.driver.save_screenshot(str(SCREENSHOTS / "settings.png"))
        # Saved the way the theme button saves it, so the button is not caught mid-hover.
        browser.driver.execute_script("localStorage.setItem('tallybook-theme', 'dark')")
        browser.reload()
        browser.wait_until(lambda _: len(browser.find_all(rows)) == 2, "the token rows")
        assert browser.find("html").get_attribute("data-bs-theme") == "dark"
        browser.driver.save_screenshot(str(SCREENSHOTS / "settings-dark.png"))
        browser.driver.execute_script("localStorage.removeItem('tallybook-theme')")

        browser.open(consent_path(server_db))
        browser.visible("#consent-form")
        browser.driver.save_screenshot(str(SCREENSHOTS / "consent.png"))

        demo = create_demo_book(server_db, user_id, now=utcnow())
        with server_db.read() as conn:
            checking = list_accounts(conn, demo.id, today=local_today())[0]
        browser.driver.execute_script(
            "localStorage.setItem('tallybook.dashboard-book', arguments[0])", str(demo.id)
        )
        browser.open("/")
        browser.wait_until(lambda _: len(browser.find_all("[data-book]")) == 5, "the cards")
        browser.wait_until(lambda _: browser.find_all("#recent li a"), "the overview")
        browser.driver.save_screenshot(str(SCREENSHOTS / "home.png"))
        browser.open(f"/books/{demo.id}/budget")
        browser.wait_until(lambda _: browser.find_all("#budget tr[data-category-id]"), "budget")
        browser.driver.save_screenshot(str(SCREENSHOTS / "budget.png"))
        with server_db.read() as conn:
            categories = {c.name: c.id for c in list_categories(conn, demo.id)}
        for name, goal in (
            ("Groceries", GoalInput(kind="monthly", amount="450")),
            ("Restaurants", GoalInput(kind="spend_up_to", amount="120")),
            ("Phone & internet", GoalInput(kind="monthly", amount="60")),
        ):
            set_goal(server_db, demo.id, categories[name], goal, now=utcnow())
        browser.reload()
        browser.wait_until(lambda _: browser.find_all("[data-goal-status]"), "the goals")
        browser.driver.save_screenshot(str(SCREENSHOTS / "budget-goals.png"))
        browser.open(f"/books/{demo.id}/schedules")
        browser.wait_until(lambda _: browser.find_all("#upcoming li, #upcoming tr"), "upcoming")
        browser.driver.save_screenshot(str(SCREENSHOTS / "schedules.png"))
        browser.open(f"/books/{demo.id}/reports?report=income-expense")
        browser.wait_until(lambda _: browser.find_all("canvas"), "the chart")
        browser.driver.save_screenshot(str(SCREENSHOTS / "reports.png"))
        browser.open(f"/books/{demo.id}")
        browser.visible("[data-account-group]")
        browser.driver.save_screenshot(str(SCREENSHOTS / "accounts.png"))
        browser.open(f"/books/{demo.id}/accounts/{checking.id}")
        browser.visible("[data-rows] [data-txn]")
        browser.click("[data-rows] [data-txn]:nth-child(2)")
        browser.visible("[data-rows] [data-editor] [name=payee]")
        browser.driver.save_screenshot(str(SCREENSHOTS / "register.png"))
        browser.find("[data-rows] [data-editor] [name=payee]").send_keys(Keys.ESCAPE)
        browser.click("[data-reconcile]")
        # The statement shows one more payment than the rows cleared so far.
        cleared = browser.find('[data-balance="cleared_balance"]').text
        with server_db.read() as conn:
            payment = conn.execute(
                "SELECT amount FROM transactions WHERE account_id = ? AND status = 'uncleared' "
                "ORDER BY date LIMIT 1",
                [checking.id],
            ).fetchone()[0]
        statement = Decimal(re.sub(r"[^\d.-]", "", cleared)) + Decimal(payment) / 100
        browser.fill("#statement_balance", str(statement))
        browser.submit("#reconcile-form")
        browser.hidden("#reconcile-dialog")
        browser.visible("[data-reconcile-bar] [data-rec-adjust]")
        browser.click("[data-undo-messages] .btn-close")  # the bar is the subject here
        browser.driver.save_screenshot(str(SCREENSHOTS / "reconcile.png"))
        browser.open(f"/books/{demo.id}/transactions?q=market")
        browser.visible("[data-rows] [data-txn]")
        for box in browser.find_all("[data-rows] [data-select]")[:3]:
            box.click()
        browser.visible("#bulk-form")
        browser.driver.save_screenshot(str(SCREENSHOTS / "transactions.png"))
    finally:
        browser.reset_viewport()
    for name in (
        "setup",
        "home",
        "settings",
        "consent",
        "settings-dark",
        "accounts",
        "register",
        "reconcile",
        "transactions",
        "budget",
        "reports",
        "schedules",
    ):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000
