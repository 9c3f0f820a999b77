"""The keyboard alone, in a German browser: the date field, Tab through the register's editor,
shortcuts and their help, rows by j/k, focus kept after a re-draw and given back by a dialog.

One live server and one Chromium (in German) for the module; the test walks the flows in turn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from server.clock import local_today, utcnow
from server.db import Database
from server.desktop.serving import RunningServer
from server.domain.accounts import AccountInput, create_account
from server.domain.books import list_books
from server.domain.categories import list_categories
from server.domain.rules import RuleInput, create_rule
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction
from tests.browser.conftest import Browser, chromium_session
from tests.conftest import config_for, db, serving, user_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One live server for the module's flows."""
    with serving(config_for(tmp_path_factory.mktemp("keyboard-data"))) as running:
        yield running


@pytest.fixture(scope="module")
def german(server: RunningServer) -> Iterator[Browser]:
    """A Chromium whose language is German, on the module's server; its console stays clean."""
    with chromium_session(language="de") as driver:
        browser = Browser(driver, server)
        yield browser
        browser.console.assert_clean()


def keys(browser: Browser, *typed: str) -> None:
    """Press keys where the focus is, as a person at the keyboard does."""
    ActionChains(browser.driver).send_keys(*typed).perform()


def with_control(browser: Browser, key: str) -> None:
    """Press Ctrl and `key` together (Ctrl+A, Ctrl+Enter)."""
    chain = ActionChains(browser.driver).key_down(Keys.CONTROL).send_keys(key)
    chain.key_up(Keys.CONTROL).perform()


def shift_tab(browser: Browser) -> None:
    ActionChains(browser.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(
        Keys.SHIFT
    ).perform()


def focused_is(browser: Browser, css: str) -> bool:
    return browser.driver.execute_script("return document.activeElement.matches(arguments[0])", css)


def wait_focus(browser: Browser, css: str) -> None:
    browser.wait_until(lambda _: focused_is(browser, css), f"the focus on {css}")


def german_date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def date_module(browser: Browser, name: str, *args: object) -> object:
    """Call a function of dates.js (the page's own copy): `date_module(b, "addDays", day, 1)`."""
    return browser.driver.execute_async_script(
        """const [name, args, done] = arguments;
        const app = document.querySelector('script[src*="js/app.js"]').src;
        import(app.replace("app.js", "dates.js")).then((dates) => done(dates[name](...args)));""",
        name,
        list(args),
    )


def test_the_keyboard_alone(german: Browser, server: RunningServer) -> None:
    browser = german
    database: Database = db(server.app)
    user = user_in(database, "alex", admin=True)
    with database.read() as conn:
        (book,) = [b.id for b in list_books(conn, user.id)]
        categories = {c.name: c.id for c in list_categories(conn, book)}
    account = create_account(
        database,
        book,
        AccountInput(name="Checking", type="checking", opening_date=dt.date(2025, 1, 1)),
        now=utcnow(),
    )
    today = local_today()
    for day, payee in ((today - dt.timedelta(days=2), "Older"), (today, "Newer")):
        create_transaction(
            database,
            book,
            TransactionInput(account_id=account.id, date=day, amount="-1.00", payee=payee),
            now=utcnow(),
        )
    http = browser.session("alex")
    browser.sign_in("alex")
    assert browser.driver.execute_script("return navigator.language").startswith("de")

    # ---- reading typed dates: the locale's order, ISO everywhere, short forms -----------
    this_year = today.year
    de, us = {"locale": "de"}, {"locale": "en-US"}
    readings = [
        (("parseDate", "31.12.2026", de), "2026-12-31"),
        (("parseDate", "31.12.26", de), "2026-12-31"),
        (("parseDate", "3.1.", de), f"{this_year}-01-03"),
        (("parseDate", "5", {**de, "todayIso": f"{this_year}-07-20"}), f"{this_year}-07-05"),
        (("parseDate", "2026-12-31", de), "2026-12-31"),
        (("parseDate", "12/31/2026", us), "2026-12-31"),
        (("parseDate", "12/31", us), f"{this_year}-12-31"),
        (("parseDate", "2026-12-31", us), "2026-12-31"),
        (("parseDate", "31.02.2026", de), None),
        (("parseDate", "12/31/2026", de), None),
        (("parseDate", "32", de), None),
        (("parseDate", "soon", de), None),
        (("parseDate", "2026-12", de), None),
        (("dateText", "2026-03-05", "de"), "05.03.2026"),
        (("dateText", "2026-03-05", "en-US"), "03/05/2026"),
        (("dateText", "2026-03-05", "ko"), "2026.03.05"),
        (("parseDate", "2026.03.05", {"locale": "ko"}), "2026-03-05"),
        (("addDays", "2026-02-28", 1), "2026-03-01"),
        (("addDays", "2026-01-01", -1), "2025-12-31"),
    ]
    assert [(call, date_module(browser, *call)) for call, _ in readings] == readings

    # ---- the register: n, the date field's keys, Tab through the listed fields ------------
    browser.open(f"/books/{book}/accounts/{account.id}")
    browser.wait_until(lambda _: len(browser.find_all("[data-rows] [data-txn]")) == 2, "rows")
    # The rows show before the page is done loading (n waits till then): press until it opens.
    browser.wait_until(
        lambda _: browser.find_all("[data-editor]") or keys(browser, "n"), "n to open a row"
    )
    date = '[data-editor] [name="date"]'
    wait_focus(browser, date)
    field = browser.find(date)
    assert field.get_attribute("value") == german_date(today)
    keys(browser, "+")
    assert field.get_attribute("value") == german_date(today + dt.timedelta(days=1))
    keys(browser, "-", "-", Keys.ARROW_DOWN)
    assert field.get_attribute("value") == german_date(today - dt.timedelta(days=2))
    keys(browser, Keys.ARROW_UP, "t")
    assert field.get_attribute("value") == german_date(today)
    with_control(browser, "a")
    day = dt.date(this_year, 3, 15)
    keys(browser, "15.3.")  # this year's 15 March, written out once the field is left
    steps = [
        ('[data-editor] [name="payee"]', "Bakery"),
        ('[data-editor] [name="category"]', "Food: Groceries"),
        ('[data-editor] [name="memo"]', "rolls"),
        ('[data-editor] [name="out"]', "3,50"),
        ('[data-editor] [name="in"]', ""),
        ("[data-editor] [data-save]", ""),
    ]
    for css, text in steps:
        keys(browser, Keys.TAB)
        wait_focus(browser, css)
        if text:
            keys(browser, text)
    assert field.get_attribute("value") == german_date(day)
    for css in ('[data-editor] [name="in"]', '[data-editor] [name="out"]'):
        shift_tab(browser)
        wait_focus(browser, css)
    with_control(browser, Keys.ENTER)

    def payees() -> list[dict]:
        answer = http.get(
            browser.url(f"/api/v1/books/{book}/transactions"),
            params={"account_id": account.id},
            timeout=10,
        )
        return answer.json()["items"]

    browser.wait_until(lambda _: len(payees()) == 3, "the transaction saved")
    (saved,) = [t for t in payees() if t["payee"] == "Bakery"]
    assert (saved["date"], saved["amount"], saved["memo"]) == (day.isoformat(), "-3.50", "rolls")
    assert saved["category_id"] == categories["Groceries"]
    # The next receipt waits on the same date; Esc puts it away, the focus at "Add transaction".
    wait_focus(browser, date)
    assert browser.find(date).get_attribute("value") == german_date(day)

    # A date that is no day is said at the field; nothing is sent.
    with_control(browser, "a")
    keys(browser, "31.02.", Keys.TAB)
    message = browser.visible('[data-editor] [data-error-for="date"]').text
    assert message.startswith("Geben Sie ein Datum wie ")  # the scripts speak German here
    assert "is-invalid" in browser.find(date).get_attribute("class")
    keys(browser, "Nobody", Keys.TAB, Keys.TAB, Keys.TAB, "1")
    with_control(browser, Keys.ENTER)
    browser.visible('[data-editor] [data-error-for="date"]')
    assert len(payees()) == 3
    keys(browser, Keys.ESCAPE)
    wait_focus(browser, "[data-add-row]")

    # ---- rows: j/k and the arrows move, Enter opens, Esc comes back to the row ------------
    browser.wait_until(lambda _: len(browser.find_all("[data-rows] [data-txn]")) == 3, "rows")
    first, second, third = (t["id"] for t in payees())
    keys(browser, "j")
    wait_focus(browser, f'[data-txn-id="{first}"]')
    keys(browser, "j", Keys.ARROW_DOWN)
    wait_focus(browser, f'[data-txn-id="{third}"]')
    keys(browser, "k")
    wait_focus(browser, f'[data-txn-id="{second}"]')
    keys(browser, Keys.ENTER)
    wait_focus(browser, date)
    keys(browser, Keys.ESCAPE)
    wait_focus(browser, f'[data-txn-id="{second}"]')

    # ---- ? lists the page's shortcuts; a dialog gives the focus back to its opener -------
    keys(browser, "?")
    listed = browser.visible("#shortcuts-dialog").text
    for line in ("Neue Buchung", "Nächste Zeile", "Heute", "Im Kalender wählen", "Ctrl+Enter"):
        assert line in listed
    keys(browser, Keys.ESCAPE)
    browser.hidden("#shortcuts-dialog")
    wait_focus(browser, f'[data-txn-id="{second}"]')

    opener = browser.find("[data-open-dialog]")
    browser.driver.execute_script("arguments[0].focus()", opener)
    keys(browser, Keys.ENTER)
    browser.visible("#transaction-dialog")
    assert browser.find("#txn-date").get_attribute("value") == german_date(today)
    # A day picked on the calendar (the browser's own, here set as it would) lands in the field.
    browser.driver.execute_script(
        """const calendar = document.querySelector("#transaction-dialog [data-date-calendar]");
        calendar.value = "2026-01-02";
        calendar.dispatchEvent(new Event("change"));"""
    )
    assert browser.find("#txn-date").get_attribute("value") == "02.01.2026"
    wait_focus(browser, "#txn-date")
    keys(browser, Keys.ESCAPE)
    browser.hidden("#transaction-dialog")
    wait_focus(browser, "[data-open-dialog]")

    # ---- all transactions: / goes to the search, n opens a new one in the dialog ----------
    browser.open(f"/books/{book}/transactions")
    browser.wait_until(lambda _: len(browser.find_all("[data-rows] [data-txn]")) == 3, "rows")
    keys(browser, "/")
    wait_focus(browser, "#filter-q")
    keys(browser, Keys.TAB)  # out of the search, where letters are typed
    keys(browser, "n")
    browser.visible("#transaction-dialog")
    wait_focus(browser, "#txn-payee")
    keys(browser, Keys.ESCAPE)
    browser.hidden("#transaction-dialog")
    keys(browser, "k")
    wait_focus(browser, f'[data-txn-id="{third}"]')
    keys(browser, Keys.ENTER)
    browser.visible("#transaction-dialog")
    assert browser.find("#txn-payee").get_attribute("value") == "Bakery"
    keys(browser, Keys.ESCAPE)
    browser.hidden("#transaction-dialog")
    wait_focus(browser, f'[data-txn-id="{third}"]')

    # ---- a list drawn again after a change keeps the focus: a rule moved down ------------
    rules = [
        create_rule(
            database,
            book,
            RuleInput(name=name, payee_match="contains", payee_text=name, set_payee=name),
            now=utcnow(),
        ).id
        for name in ("First", "Second", "Third")
    ]
    browser.open(f"/books/{book}/rules")
    down = f'[data-rule-id="{rules[0]}"] [data-action="down"]'
    browser.visible(down)
    browser.driver.execute_script("arguments[0].focus()", browser.find(down))
    keys(browser, Keys.ENTER)
    browser.wait_until(
        lambda _: (
            browser.find("#rules tr:nth-child(2)").get_attribute("data-rule-id") == str(rules[0])
        ),
        "the rule one down",
    )
    wait_focus(browser, down)

    # ---- the budget: Tab saves and the focus stays in the table; Enter goes down ----------
    browser.open(f"/books/{book}/budget?month={this_year}-03")
    groceries = f'#budget tr[data-category-id="{categories["Groceries"]}"]'
    amount = browser.visible(f"{groceries} [data-budgeted]")
    amount.send_keys(Keys.CONTROL, "a")
    amount.send_keys("100", Keys.TAB)
    browser.wait_text("#total-budgeted", "$100.00")
    wait_focus(browser, f"{groceries} [data-goal]")
    column = browser.find_all("#budget [data-budgeted]")
    at = [c.get_attribute("aria-label") for c in column].index("Budgetiert für Groceries")
    below = column[at + 1].get_attribute("aria-label")
    shift_tab(browser)
    wait_focus(browser, f"{groceries} [data-budgeted]")
    with_control(browser, "a")
    keys(browser, "120", Keys.ENTER)
    browser.wait_text("#total-budgeted", "$120.00")
    wait_focus(browser, f'#budget [data-budgeted][aria-label="{below}"]')
