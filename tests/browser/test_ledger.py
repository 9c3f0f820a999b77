"""The ledger as a person uses it all day: accounts, the register, splits, transfers, search.

Data is arranged through the domain (the live server's database) and every change is made
in the page, then checked both on screen and in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from server.auth.users import User
from server.clock import local_today, utcnow
from server.db import Database
from server.domain.accounts import (
    Account,
    AccountChanges,
    AccountInput,
    create_account,
    get_account,
    update_account,
)
from server.domain.books import list_books
from server.domain.categories import list_categories
from server.domain.transaction_list import Filters, list_transactions
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import Transaction, create_transaction, get_transaction
from tests.browser.conftest import Browser
from tests.sharing import join

pytestmark = pytest.mark.browser

DAY = dt.date(2026, 3, 14)


@dataclass
class Ledger:
    """Alex's book with a checking and a savings account, for arranging and checking data."""

    db: Database
    user: User
    book_id: int
    checking: Account
    savings: Account

    def account(self, name: str, account_type: str = "checking", **extra: str) -> Account:
        return create_account(
            self.db,
            self.book_id,
            AccountInput(
                name=name,
                type=account_type,
                currency=extra.get("currency", "USD"),
                opening_balance=extra.get("opening_balance", "0"),
                opening_date=DAY - dt.timedelta(days=30),
            ),
            now=utcnow(),
        )

    def add(self, amount: str, payee: str, account: Account | None = None, **extra) -> Transaction:
        data = TransactionInput(
            account_id=(account or self.checking).id,
            date=extra.pop("date", DAY),
            amount=amount,
            payee=payee,
            **extra,
        )
        return create_transaction(self.db, self.book_id, data, now=utcnow())

    def category(self, label: str) -> int:
        group, name = label.split(": ")
        with self.db.read() as conn:
            found = [
                c.id
                for c in list_categories(conn, self.book_id, include_archived=True)
                if c.group == group and c.name == name
            ]
        assert len(found) == 1, label
        return found[0]

    def transactions(self, account: Account | None = None) -> list[Transaction]:
        filters = Filters(account_id=account.id if account else None)
        with self.db.read() as conn:
            return list_transactions(conn, self.book_id, filters, 500, None).items

    def balance(self, account: Account) -> int:
        with self.db.read() as conn:
            return get_account(conn, self.book_id, account.id, today=local_today()).balance

    def read(self, txn_id: int) -> Transaction:
        with self.db.read() as conn:
            return get_transaction(conn, self.book_id, txn_id)


@pytest.fixture
def ledger(server_db: Database, alex_account: User) -> Ledger:
    with server_db.read() as conn:
        book_id = list_books(conn, alex_account.id)[0].id
    partial = Ledger(server_db, alex_account, book_id, None, None)  # type: ignore[arg-type]
    partial.checking = partial.account("Checking", opening_balance="1000.00")
    partial.savings = partial.account("Savings", "savings")
    return partial


def signed_in(browser: Browser, path: str) -> None:
    browser.sign_in("alex")
    browser.open(path)


def register_rows(browser: Browser) -> list[dict[str, str]]:
    """The register's rows as the person reads them."""
    rows = []
    for row in browser.find_all("[data-rows] [data-txn]"):
        cells = {
            cell.get_attribute("data-field"): cell.text.strip()
            for cell in row.find_elements(By.CSS_SELECTOR, "[data-field]")
        }
        rows.append(cells)
    return rows


def wait_rows(browser: Browser, count: int) -> list[dict[str, str]]:
    browser.wait_until(
        lambda _: (
            len(browser.find_all("[data-rows] [data-txn]")) == count
            and not browser.find_all("[data-rows] [data-editor]:not(:first-child)")
        ),
        f"{count} rows in the register",
    )
    return register_rows(browser)


def editor_input(browser: Browser, name: str):
    return browser.visible(f'[data-rows] [data-editor] [name="{name}"]')


def replace_text(field: WebElement, text: str) -> None:
    """Select what the input holds and type `text` over it, as a person does."""
    field.send_keys(Keys.CONTROL, "a")  # separate calls: a modifier stays down within one
    field.send_keys(Keys.DELETE)
    field.send_keys(text)


def type_into(browser: Browser, name: str, text: str) -> None:
    replace_text(editor_input(browser, name), text)


def set_date(browser: Browser, css: str, day: dt.date) -> None:
    """Type a date into a date input the way it accepts keys (the locale's field order)."""
    browser.driver.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))",
        browser.find(css),
        day.isoformat(),
    )


# ---- accounts ---------------------------------------------------------------------------------


def test_accounts_are_grouped_by_type_with_balances_and_net_worth(browser, ledger):
    ledger.account("Visa", "credit_card", opening_balance="-250.25")
    ledger.account("Old savings", "savings", opening_balance="5.00")
    ledger.add("-34.50", "Corner Shop")
    signed_in(browser, f"/books/{ledger.book_id}")

    browser.wait_text("[data-net-worth]", "$720.25")
    groups = {
        group.get_attribute("data-type"): group.text
        for group in browser.find_all("[data-account-group]")
    }
    assert list(groups) == ["checking", "savings", "credit_card"]
    assert "Checking\n$965.50" in groups["checking"]
    assert "Savings\n$5.00" in groups["savings"]
    assert "-$250.25" in groups["credit_card"]

    browser.click("[data-account-group] a[data-field=name]")
    browser.wait_for_path(f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    browser.wait_text('[data-balance="balance"]', "$965.50")


def test_add_an_account_with_errors_at_the_fields(browser, ledger):
    signed_in(browser, f"/books/{ledger.book_id}")
    browser.click('[data-bs-target="#new-account"]')
    browser.console.expect_http_error(f"/api/v1/books/{ledger.book_id}/accounts", 422)

    browser.fill("#account-name", "Checking")
    browser.fill("#account-opening-balance", "12.345")
    browser.submit("#account-form")
    assert "already" in browser.field_error("#account-form", "name")
    assert "2 decimals" in browser.field_error("#account-form", "opening_balance")

    browser.fill("#account-name", "Wallet")
    Select(browser.find("#account-type")).select_by_value("cash")
    browser.fill("#account-opening-balance", "1,250.5")
    browser.submit("#account-form")
    browser.wait_until(
        lambda _: "Wallet" in browser.find("#account-groups").text, "the new account"
    )
    assert browser.find('[data-account-group][data-type="cash"]').text.endswith("$1,250.50")
    browser.wait_text("[data-net-worth]", "$2,250.50")


# ---- the register -------------------------------------------------------------------------


def test_add_and_change_transactions_in_place_with_the_keyboard(browser, ledger):
    ledger.add("-20.00", "Corner Shop", category_id=ledger.category("Food: Groceries"))
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 1)

    browser.click("[data-add-row]")
    set_date(browser, "[data-rows] [data-editor] [name=date]", DAY)
    type_into(browser, "payee", "Corner Shop")
    editor_input(browser, "payee").send_keys(Keys.TAB)
    # The payee's last category is filled in; Tab moves on to it.
    browser.wait_until(
        lambda _: editor_input(browser, "category").get_attribute("value") == "Food: Groceries",
        "the payee's category",
    )
    type_into(browser, "memo", "milk and bread")
    type_into(browser, "out", "12.34")
    editor_input(browser, "out").send_keys(Keys.ENTER)

    # Saved; a fresh row waits for the next receipt, Esc puts it away.
    browser.wait_until(lambda _: len(ledger.transactions()) == 2, "the transaction saved")
    editor_input(browser, "payee")
    editor_input(browser, "date").send_keys(Keys.ESCAPE)
    rows = wait_rows(browser, 2)
    newest = rows[0]
    assert newest["payee"] == "Corner Shop"
    assert newest["category"] == "Food: Groceries"
    assert newest["out"] == "$12.34"
    assert newest["balance"] == "$967.66"
    assert rows[1]["balance"] == "$980.00"
    saved = ledger.transactions()[0]
    assert (saved.amount, saved.memo, saved.category_id) == (
        -1234,
        "milk and bread",
        ledger.category("Food: Groceries"),
    )

    # Change it in place: a refund, as money in.
    browser.click(f'[data-txn-id="{saved.id}"]')
    type_into(browser, "in", "15")
    assert editor_input(browser, "out").get_attribute("value") == ""
    type_into(browser, "category", "Income: Other income")
    editor_input(browser, "category").send_keys(Keys.ENTER)
    browser.wait_until(lambda _: ledger.read(saved.id).amount == 1500, "the change saved")
    rows = wait_rows(browser, 2)
    assert rows[0]["in"] == "$15.00" and rows[0]["out"] == ""
    assert rows[0]["balance"] == "$995.00"
    browser.wait_text('[data-balance="balance"]', "$995.00")

    # Esc leaves it as it was.
    browser.click(f'[data-txn-id="{saved.id}"]')
    type_into(browser, "payee", "Someone else")
    editor_input(browser, "payee").send_keys(Keys.ESCAPE)
    rows = wait_rows(browser, 2)
    assert rows[0]["payee"] == "Corner Shop"
    assert ledger.read(saved.id).payee == "Corner Shop"


def test_click_the_status_mark_to_clear_a_transaction(browser, ledger):
    txn = ledger.add("-20.00", "Corner Shop")
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 1)
    browser.wait_text('[data-balance="cleared_balance"]', "$1,000.00")
    browser.click(f'[data-txn-id="{txn.id}"] [data-field="status"] i')
    browser.wait_text('[data-balance="cleared_balance"]', "$980.00")
    assert ledger.read(txn.id).status == "cleared"
    assert not browser.find_all("[data-rows] [data-editor]")
    # From the keyboard too: the mark is a button.
    toggle = browser.find(f'[data-txn-id="{txn.id}"] [data-field="status"] button')
    assert "press to unclear" in toggle.get_attribute("aria-label")
    toggle.send_keys(Keys.ENTER)
    browser.wait_text('[data-balance="cleared_balance"]', "$1,000.00")
    assert ledger.read(txn.id).status == "uncleared"


def test_the_register_shows_the_servers_messages_at_the_fields(browser, ledger):
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 0)
    browser.console.expect_http_error(f"/api/v1/books/{ledger.book_id}/transactions", 422)

    browser.click("[data-add-row]")
    type_into(browser, "payee", "Corner Shop")
    type_into(browser, "category", "Food: Nonsense")
    editor_input(browser, "category").send_keys(Keys.ENTER)
    assert "no category" in browser.field_error("[data-rows]", "category_id").lower()

    type_into(browser, "category", "groceries")
    type_into(browser, "out", "1.999")
    editor_input(browser, "out").send_keys(Keys.ENTER)
    message = browser.wait_until(
        lambda _: browser._visible_text('[data-rows] [data-error-for="amount"]'), "the message"
    )
    assert "at most 2 decimals" in message
    assert ledger.transactions() == []

    type_into(browser, "out", "1.99")
    editor_input(browser, "out").send_keys(Keys.ENTER)
    browser.wait_until(lambda _: len(ledger.transactions()) == 1, "the transaction saved")
    assert ledger.transactions()[0].category_id == ledger.category("Food: Groceries")


def test_a_stale_change_is_refused_and_the_register_shows_what_is_there(browser, ledger):
    txn = ledger.add("-20.00", "Corner Shop")
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 1)
    browser.click(f'[data-txn-id="{txn.id}"]')
    type_into(browser, "memo", "mine")

    # Meanwhile, someone else changes it.
    other = browser.session("alex")
    response = other.patch(
        browser.url(f"/api/v1/books/{ledger.book_id}/transactions/{txn.id}"),
        json={"payee": "Theirs"},
        timeout=10,
    )
    assert response.status_code == 200, response.text

    browser.console.expect_http_error(f"/api/v1/books/{ledger.book_id}/transactions/{txn.id}", 412)
    editor_input(browser, "memo").send_keys(Keys.ENTER)
    assert "changed by someone else" in browser.form_error("[data-rows]")
    assert ledger.read(txn.id).memo == ""

    editor_input(browser, "memo").send_keys(Keys.ESCAPE)
    rows = wait_rows(browser, 1)
    assert rows[0]["payee"] == "Theirs"


def test_a_transfer_typed_in_the_category_moves_money_between_accounts(browser, ledger):
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 0)
    browser.click("[data-add-row]")
    type_into(browser, "category", "Transfer: Savings")
    type_into(browser, "out", "300")
    editor_input(browser, "out").send_keys(Keys.ENTER)
    browser.wait_until(lambda _: ledger.balance(ledger.savings) == 30000, "the transfer saved")
    # The register draws its rows again and opens the next row's editor, its date focused: Esc
    # goes to that field, whichever element it is by then.
    browser.wait_until(
        lambda d: d.switch_to.active_element.get_attribute("name") == "date", "the next row"
    )
    browser.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    rows = wait_rows(browser, 1)
    assert rows[0]["category"] == "Transfer: Savings"
    assert ledger.balance(ledger.checking) == 70000

    browser.open(f"/books/{ledger.book_id}/accounts/{ledger.savings.id}")
    rows = wait_rows(browser, 1)
    assert rows[0]["category"] == "Transfer: Checking"
    assert rows[0]["in"] == "$300.00"
    assert rows[0]["balance"] == "$300.00"


def open_dialog_for(browser: Browser, txn_id: int | None = None) -> None:
    if txn_id is None:
        browser.click("[data-open-dialog]")
    else:
        browser.click(f'[data-txn-id="{txn_id}"]')
        browser.click("[data-rows] [data-more-options]")
    browser.visible("#transaction-dialog #txn-amount")


def test_split_a_transaction_in_the_dialog(browser, ledger):
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 0)
    open_dialog_for(browser)
    browser.fill("#txn-payee", "Hypermarket")
    browser.fill("#txn-amount", "-100")
    browser.click('label[for="txn-kind-split"]')
    parts = browser.find_all("[data-splits] [data-split]")
    assert len(parts) == 2
    first, second = parts
    first.find_element(By.CSS_SELECTOR, "[data-split-field=category]").send_keys("Food: Groceries")
    replace_text(first.find_element(By.CSS_SELECTOR, "[data-split-field=amount]"), "-70")
    browser.wait_text("[data-split-left]", "Left to assign: -$30.00")
    second.find_element(By.CSS_SELECTOR, "[data-split-field=category]").send_keys(
        "Personal: Clothing"
    )
    second.find_element(By.CSS_SELECTOR, "[data-split-field=amount]").send_keys("-20")
    browser.wait_text("[data-split-left]", "Left to assign: -$10.00")

    browser.console.expect_http_error(f"/api/v1/books/{ledger.book_id}/transactions", 422)
    browser.submit("#transaction-form")
    message = browser.wait_until(
        lambda _: browser._visible_text('#transaction-form [data-error-for="splits"]'),
        "the message about the splits",
    )
    assert "add up exactly" in message

    replace_text(second.find_element(By.CSS_SELECTOR, "[data-split-field=amount]"), "-30")
    browser.wait_text("[data-split-left]", "All assigned")
    browser.submit("#transaction-form")
    browser.hidden("#transaction-dialog")
    rows = wait_rows(browser, 1)
    assert rows[0]["category"] == "Split (2)"
    assert rows[0]["out"] == "$100.00"
    [saved] = ledger.transactions()
    assert [(s.category_id, s.amount) for s in saved.splits] == [
        (ledger.category("Food: Groceries"), -7000),
        (ledger.category("Personal: Clothing"), -3000),
    ]


def test_a_transfer_across_currencies_in_the_dialog(browser, ledger):
    euros = ledger.account("Euro account", currency="EUR")
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 0)
    open_dialog_for(browser)
    browser.fill("#txn-amount", "-110")
    browser.click('label[for="txn-kind-transfer"]')
    Select(browser.find("#txn-transfer-account")).select_by_visible_text("Euro account (EUR)")
    browser.fill("#txn-transfer-amount", "100")
    browser.submit("#transaction-form")
    browser.hidden("#transaction-dialog")
    rows = wait_rows(browser, 1)
    assert rows[0]["category"] == "Transfer: Euro account"
    assert ledger.balance(euros) == 10000
    assert ledger.balance(ledger.checking) == 100000 - 11000

    # Opened again, the dialog shows both amounts; a changed rate is kept on both sides.
    txn = ledger.transactions(ledger.checking)[0]
    open_dialog_for(browser, txn.id)
    browser.wait_until(
        lambda _: browser.find("#txn-transfer-amount").get_attribute("value") == "100.00",
        "the other side's amount",
    )
    browser.fill("#txn-transfer-amount", "101")
    browser.submit("#transaction-form")
    browser.hidden("#transaction-dialog")
    browser.wait_until(lambda _: ledger.balance(euros) == 10100, "the other side changed")


def test_a_transfer_needs_the_other_account(browser, ledger):
    update_account(
        ledger.db, ledger.book_id, ledger.savings.id, AccountChanges(archived=True), now=utcnow()
    )
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 0)
    open_dialog_for(browser)
    browser.fill("#txn-amount", "-10")
    browser.click('label[for="txn-kind-transfer"]')
    assert Select(browser.find("#txn-transfer-account")).options == []
    browser.submit("#transaction-form")
    assert "Choose the account" in browser.field_error("#transaction-form", "transfer_account_id")
    assert ledger.transactions() == []


def test_turning_a_transfer_into_a_plain_transaction_asks_first(browser, ledger):
    txn = ledger.add("-50", "", transfer_account_id=ledger.savings.id)
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 1)
    browser.click(f'[data-txn-id="{txn.id}"]')
    type_into(browser, "category", "Food: Groceries")
    editor_input(browser, "category").send_keys(Keys.ENTER)
    browser.dialog().dismiss()
    assert ledger.balance(ledger.savings) == 5000  # nothing changed
    editor_input(browser, "category").send_keys(Keys.ENTER)
    browser.dialog().accept()
    browser.wait_until(lambda _: ledger.balance(ledger.savings) == 0, "the other side gone")
    assert ledger.read(txn.id).category_id == ledger.category("Food: Groceries")


def test_delete_a_transfer_from_the_dialog_takes_both_sides(browser, ledger):
    txn = ledger.add("-50", "", transfer_account_id=ledger.savings.id)
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 1)
    open_dialog_for(browser, txn.id)
    browser.click("#transaction-form [data-delete]")
    browser.dialog().accept()
    browser.hidden("#transaction-dialog")
    wait_rows(browser, 0)
    assert ledger.transactions() == []


def test_rename_archive_and_delete_an_account_from_its_register(browser, ledger):
    ledger.add("-20.00", "Corner Shop", account=ledger.savings)
    signed_in(browser, f"/books/{ledger.book_id}/accounts/{ledger.savings.id}")
    wait_rows(browser, 1)
    browser.click("[data-account-settings]")
    browser.fill("#account-settings-form #name", "Rainy day")
    browser.click("#account-settings-form #archived")
    browser.submit("#account-settings-form")
    browser.hidden("#account-dialog")
    browser.wait_text("[data-account-name]", "Rainy day")
    assert browser.find("[data-archived-badge]").is_displayed()
    with ledger.db.read() as conn:
        saved = get_account(conn, ledger.book_id, ledger.savings.id, today=local_today())
    assert (saved.name, saved.archived) == ("Rainy day", True)

    # In use: the server refuses and says why; the account stays.
    browser.console.expect_http_error(
        f"/api/v1/books/{ledger.book_id}/accounts/{ledger.savings.id}", 409
    )
    browser.click("[data-account-settings]")
    browser.click("#account-settings-form [data-delete-account]")
    browser.dialog().accept()
    assert "transactions" in browser.form_error("#account-settings-form")

    # Unused: it goes, and so does the page.
    browser.open(f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    wait_rows(browser, 0)
    browser.click("[data-account-settings]")
    browser.click("#account-settings-form [data-delete-account]")
    browser.dialog().accept()
    browser.wait_for_path(f"/books/{ledger.book_id}")
    browser.click("#show-archived")
    browser.wait_until(lambda _: "Rainy day" in browser.find("#account-groups").text, "archived")
    assert "Checking" not in browser.find("#account-groups").text


def test_a_viewer_reads_the_register_without_write_controls(browser, ledger, add_user):
    ledger.add("-20.00", "Corner Shop")
    viewer = add_user("sam")
    join(ledger.db, ledger.book_id, "sam", "viewer", by_user=ledger.user.id)
    browser.sign_in("sam")
    browser.open(f"/books/{ledger.book_id}/accounts/{ledger.checking.id}")
    rows = wait_rows(browser, 1)
    assert rows[0]["payee"] == "Corner Shop"
    assert not browser.find("[data-add-row]").is_displayed()
    browser.click(f'[data-txn-id="{ledger.transactions()[0].id}"]')
    assert not browser.find_all("[data-rows] [data-editor]")
    assert viewer.username == "sam"


def test_a_book_of_someone_else_is_not_found(browser, ledger, add_user):
    add_user("sam")
    browser.sign_in("sam")
    browser.console.expect_http_error(f"/books/{ledger.book_id}", 404)
    browser.open(f"/books/{ledger.book_id}")
    assert "404" in browser.find("main h1").text


def money_helpers(browser: Browser, script: str) -> object:
    """Run `script` (an async function body given `money`, the page's money module)."""
    return browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import('/static/js/money.js').then(async (money) => done(await (async () => {"
        + script
        + "})())).catch((e) => done('error: ' + e));"
    )


@pytest.mark.parametrize(
    ("locale", "typed", "meant", "shown"),
    [
        ("en-US", "1,234.5", "1234.5", "$1,234.50"),
        ("en-US", "(12.50)", "-12.50", "-$12.50"),
        ("en-US", "12,50", "12.50", "$12.50"),
        ("de-DE", "1.234,5", "1234.5", "1.234,50\u00a0$"),
        ("de-DE", "-12,50 €", "-12.50", "-12,50\u00a0$"),
        ("de-DE", "12.50", "12.50", "12,50\u00a0$"),
        ("fr-CH", "1\u2019234.50", "1234.50", "1\u202f234.50\u00a0$US"),
        ("he", "\u200e-1234.50", "-1234.50", None),  # bidi marks around the sign and symbol
        (
            "ar-EG",
            "\u0661\u0662\u0663\u0664\u066b\u0665\u0660",
            "1234.50",
            "\u200f\u0661\u066c\u0662\u0663\u0664\u066b\u0665\u0660\u00a0US$",
        ),  # Arabic-Indic digits
    ],
)
def test_money_reads_and_writes_the_users_locale(browser, ledger, locale, typed, meant, shown):
    browser.driver.execute_cdp_cmd("Emulation.setLocaleOverride", {"locale": locale})
    try:
        signed_in(browser, f"/books/{ledger.book_id}")
        assert money_helpers(browser, f"return money.parseMoneyInput({typed!r});") == meant
        formatted = money_helpers(
            browser,
            # As the server sends it back: padded to the currency's decimals.
            f"const cents = money.toMinor(money.parseMoneyInput({typed!r}), 2);"
            "return money.formatMoney(money.fromMinor(cents, 2), 'USD');",
        )
        if shown is not None:
            assert formatted == shown
        assert money_helpers(browser, "return money.parseMoneyInput('12abc');") == "12abc"
        tripled = "return money.fromMinor(money.toMinor('-0.05', 2) * 3n, 2);"
        assert money_helpers(browser, tripled) == "-0.15"
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setLocaleOverride", {})


# ---- all transactions -------------------------------------------------------------------------


def listed(browser: Browser, field: str = "payee") -> list[str]:
    """One column of the list, read at one moment (the list may be redrawn meanwhile)."""
    return browser.driver.execute_script(
        "return [...document.querySelectorAll('[data-rows] [data-txn] [data-field=' + "
        "arguments[0] + ']')].map((cell) => cell.textContent.trim())",
        field,
    )


def wait_listed(browser: Browser, payees: list[str]) -> None:
    browser.wait_until(lambda _: listed(browser) == payees, f"the list to show {payees}")


def test_search_and_filter_all_transactions(browser, ledger):
    groceries = ledger.category("Food: Groceries")
    ledger.add("-20.00", "Corner Shop", memo="weekly basket", category_id=groceries)
    ledger.add("-45.10", "Fuel Station", date=DAY + dt.timedelta(days=1))
    ledger.add("2500.00", "Employer", account=ledger.savings, date=DAY + dt.timedelta(days=2))
    ledger.add("-7.25", "Bakery", memo="basket of rolls", status="cleared")
    signed_in(browser, f"/books/{ledger.book_id}/transactions")
    wait_listed(browser, ["Employer", "Fuel Station", "Bakery", "Corner Shop"])

    browser.fill("#filter-q", "bask")
    browser.find("#filter-q").send_keys(Keys.ENTER)
    wait_listed(browser, ["Bakery", "Corner Shop"])
    assert browser.query == {"q": ["bask"]}

    Select(browser.find("#filter-status")).select_by_value("cleared")
    wait_listed(browser, ["Bakery"])

    # Export takes the same filters.
    link = browser.find("[data-export]").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    exported = requests.get(link, cookies=cookies, timeout=10)
    assert exported.status_code == 200
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "Bakery" in lines[1] and "basket of rolls" in lines[1]
    # And for a spreadsheet in the browser's language (issue 18).
    local = browser.find("[data-export-local]")
    language = browser.driver.execute_script("return navigator.language")
    assert "q=bask" in local.get_attribute("href") and language in local.text
    assert f"locale={language}" in local.get_attribute("href")
    in_language = requests.get(local.get_attribute("href"), cookies=cookies, timeout=10)
    assert in_language.status_code == 200 and "Bakery" in in_language.text

    # The filters live in the address: a reload shows the same list.
    browser.reload()
    wait_listed(browser, ["Bakery"])
    assert browser.find("#filter-q").get_attribute("value") == "bask"

    browser.click("[data-clear-filters]")
    wait_listed(browser, ["Employer", "Fuel Station", "Bakery", "Corner Shop"])
    Select(browser.find("#filter-category")).select_by_value("uncategorized")
    wait_listed(browser, ["Employer", "Fuel Station", "Bakery"])
    Select(browser.find("#filter-account_id")).select_by_visible_text("Savings")
    wait_listed(browser, ["Employer"])
    assert "$2,500.00" in browser.find("[data-rows] [data-field=amount]").text

    browser.click("[data-clear-filters]")
    browser.fill("#filter-amount_max", "-10")
    browser.fill("#filter-amount_min", "-50")
    browser.find("#filter-amount_min").send_keys(Keys.ENTER)
    wait_listed(browser, ["Fuel Station", "Corner Shop"])

    browser.console.expect_http_error(f"/api/v1/books/{ledger.book_id}/transactions", 422)
    browser.fill("#filter-amount_min", "lots")
    browser.find("#filter-amount_min").send_keys(Keys.ENTER)
    assert "as a number" in browser.field_error("#filter-form", "amount_min")


def test_select_many_and_categorize_them_at_once(browser, ledger):
    for payee in ("Corner Shop", "Bakery", "Fuel Station"):
        ledger.add("-5.00", payee)
    signed_in(browser, f"/books/{ledger.book_id}/transactions")
    wait_listed(browser, ["Fuel Station", "Bakery", "Corner Shop"])
    assert not browser.find("#bulk-form").is_displayed()

    rows = browser.find_all("[data-rows] [data-txn]")
    rows[1].find_element(By.CSS_SELECTOR, "[data-select]").click()
    rows[2].find_element(By.CSS_SELECTOR, "[data-select]").click()
    browser.wait_text("[data-selected-count]", "2 selected")
    browser.click('[data-bulk="categorize"]')
    assert browser.field_error("#bulk-form", "category_id") == "Choose the category."

    Select(browser.find("#bulk-category")).select_by_visible_text("Groceries")
    browser.click('[data-bulk="categorize"]')
    browser.hidden("#bulk-form")
    groceries = ledger.category("Food: Groceries")
    by_payee = {t.payee: t.category_id for t in ledger.transactions()}
    assert by_payee == {"Corner Shop": groceries, "Bakery": groceries, "Fuel Station": None}
    assert listed(browser, "category") == ["", "Food: Groceries", "Food: Groceries"]

    # One of them back to no category.
    browser.find_all("[data-rows] [data-txn]")[1].find_element(
        By.CSS_SELECTOR, "[data-select]"
    ).click()
    browser.wait_text("[data-selected-count]", "1 selected")
    Select(browser.find("#bulk-category")).select_by_value("none")
    browser.click('[data-bulk="categorize"]')
    browser.hidden("#bulk-form")
    by_payee = {t.payee: t.category_id for t in ledger.transactions()}
    assert by_payee == {"Corner Shop": groceries, "Bakery": None, "Fuel Station": None}

    # Select all, tag them, then delete them.
    browser.click("[data-select-all]")
    browser.wait_text("[data-selected-count]", "3 selected")
    browser.fill("#bulk-tags", "receipts, 2026")
    browser.click('[data-bulk="tag"]')
    browser.hidden("#bulk-form")
    assert all(sorted(t.tags) == ["2026", "receipts"] for t in ledger.transactions())
    browser.click("[data-select-all]")
    browser.click('[data-bulk="delete"]')
    browser.dialog().accept()
    wait_listed(browser, [])
    assert ledger.transactions() == []


def test_open_a_transaction_from_the_list_and_change_it(browser, ledger):
    txn = ledger.add("-5.00", "Corner Shop")
    signed_in(browser, f"/books/{ledger.book_id}/transactions")
    wait_listed(browser, ["Corner Shop"])
    browser.click(f'[data-txn-id="{txn.id}"] [data-field=payee]')
    browser.visible("#txn-payee")
    assert browser.find("#txn-amount").get_attribute("value") == "-5.00"
    browser.fill("#txn-payee", "Corner Shop Ltd")
    browser.fill("#txn-tags", "food")
    browser.submit("#transaction-form")
    browser.hidden("#transaction-dialog")
    wait_listed(browser, ["Corner Shop Ltd"])
    saved = ledger.read(txn.id)
    assert (saved.payee, saved.tags) == ("Corner Shop Ltd", ["food"])


# ---- categories -------------------------------------------------------------------------------


def group_card(browser: Browser, name: str):
    cards = [
        card
        for card in browser.find_all("[data-group]")
        if card.find_element(By.CSS_SELECTOR, "[data-name]").text == name
    ]
    assert len(cards) == 1, name
    return cards[0]


def category_item(browser: Browser, category_id: int):
    return browser.visible(f'[data-category-id="{category_id}"]')


def test_manage_categories_and_merge_one_into_another(browser, ledger):
    groceries = ledger.category("Food: Groceries")
    restaurants = ledger.category("Food: Restaurants")
    txn = ledger.add("-12.00", "Pizzeria", category_id=restaurants)
    signed_in(browser, f"/books/{ledger.book_id}/categories")
    browser.wait_until(lambda _: len(browser.find_all("[data-group]")) == 6, "the groups")

    browser.fill("#group-name", "Children")
    browser.submit("#group-form")
    browser.wait_until(lambda _: len(browser.find_all("[data-group]")) == 7, "the new group")
    card = group_card(browser, "Children")
    card.find_element(By.CSS_SELECTOR, "[data-new-category] [name=name]").send_keys(
        "School", Keys.ENTER
    )
    browser.wait_until(lambda _: "School" in group_card(browser, "Children").text, "School")

    # A taken name is refused at the field.
    browser.console.expect_http_error(f"/api/v1/books/{ledger.book_id}/categories", 422)
    card = group_card(browser, "Children")
    card.find_element(By.CSS_SELECTOR, "[data-new-category] [name=name]").send_keys(
        "school", Keys.ENTER
    )
    message = browser.wait_until(
        lambda _: (
            group_card(browser, "Children")
            .find_element(By.CSS_SELECTOR, '[data-new-category] [data-error-for="name"]')
            .text
        ),
        "the message at the new category's name",
    )
    assert "already" in message

    # A second click on a group's Rename keeps the one form, on the group's own name.
    children = group_card(browser, "Children").get_attribute("data-group-id")
    browser.click(f'[data-group-id="{children}"] .card-header [data-action="rename"]')
    browser.click(f'[data-group-id="{children}"] .card-header [data-action="rename"]')
    forms = browser.find_all(f'[data-group-id="{children}"] [data-rename]')
    assert len(forms) == 1
    field = forms[0].find_element(By.CSS_SELECTOR, "[name=name]")
    assert field.get_attribute("value") == "Children"
    replace_text(field, "Kids")
    field.send_keys(Keys.ENTER)
    browser.wait_until(lambda _: "School" in group_card(browser, "Kids").text, "the new name")

    # Rename in place: Enter saves.
    browser.click(f'[data-category-id="{groceries}"] [data-action="rename"]')
    field = browser.visible(f'[data-category-id="{groceries}"] [data-rename] [name=name]')
    replace_text(field, "Supermarket")
    field.send_keys(Keys.ENTER)
    browser.wait_until(
        lambda _: "Supermarket" in category_item(browser, groceries).text, "the new name"
    )

    # In use: deleting asks where its transactions go, then merges them there.
    browser.console.expect_http_error(
        f"/api/v1/books/{ledger.book_id}/categories/{restaurants}", 409
    )
    browser.click(f'[data-category-id="{restaurants}"] [data-action="delete"]')
    browser.dialog().accept()
    target = browser.visible(f'[data-category-id="{restaurants}"] [data-reassign] select')
    Select(target).select_by_visible_text("Food: Supermarket")
    browser.click(f'[data-category-id="{restaurants}"] [data-reassign] [type=submit]')
    browser.wait_until(
        lambda _: not browser.find_all(f'[data-category-id="{restaurants}"]'), "it to go"
    )
    assert ledger.read(txn.id).category_id == groceries

    # Archived ones leave the list until asked for.
    browser.click(f'[data-category-id="{groceries}"] [data-action="archive"]')
    browser.wait_until(
        lambda _: not browser.find_all(f'[data-category-id="{groceries}"]'), "it to hide"
    )
    browser.click("#show-archived")
    assert "archived" in category_item(browser, groceries).text


def test_money_keeps_the_servers_decimals_for_every_currency(browser, ledger):
    # Babel gives HUF 2 decimals where the browser's ICU data says 0: the server's count wins.
    signed_in(browser, f"/books/{ledger.book_id}")
    script = (
        "const sums = money.totals([{amount: '150000.50', currency: 'HUF'},"
        " {amount: '0.25', currency: 'HUF'}, {amount: '7', currency: 'JPY'}]);"
        "return [money.formatMoney('150000.50', 'HUF'), money.formatTotals(sums)];"
    )
    shown, total = money_helpers(browser, script)
    assert shown.replace("\u00a0", " ") == "HUF 150,000.50"
    assert total.replace("\u00a0", " ") == "HUF 150,000.75 · ¥7"
