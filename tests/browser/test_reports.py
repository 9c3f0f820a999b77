"""Reports in the browser: each report drawn and tabled as the API counts it, drilled down to
its transactions, downloaded as CSV, printed, and its mistakes shown at the filter."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from selenium.webdriver.support.ui import Select

from server.auth.users import User
from server.clock import local_today, utcnow
from server.db import Database
from server.domain.accounts import AccountInput, create_account, list_accounts
from server.domain.categories import list_categories
from server.domain.demo import create_demo_book
from server.domain.labels import list_tags
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction
from tests.browser.conftest import Browser

pytestmark = pytest.mark.browser

REPORTS = ("spending", "income-expense", "net-worth", "cash-flow")
SYMBOLS = {"EUR": "€", "USD": "$"}
# Whether a canvas has any pixel drawn (a blank canvas is transparent all over).
CANVAS_DRAWN = """
const canvas = arguments[0];
const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
let drawn = 0;
for (let i = 3; i < data.length; i += 4) if (data[i]) drawn += 1;
return canvas.width > 0 && canvas.height > 0 ? drawn / (canvas.width * canvas.height) : 0;
"""
# Each row of a part's table: its data attributes and the text of its figures.
TABLE_ROWS = """
const section = document.querySelector(`[data-part][data-currency="${arguments[0]}"]`);
const read = (tr) => ({
  keys: { ...tr.dataset },
  figures: Object.fromEntries(
    [...tr.querySelectorAll("[data-figure]")].map((c) => [c.dataset.figure, c.textContent.trim()])
  ),
});
return {
  body: [...section.querySelectorAll("tbody tr")].map(read),
  foot: [...section.querySelectorAll("tfoot tr")].map(read),
};
"""
# What the chart of a part holds: its labels and each dataset's label and numbers.
CHART_DATA = """
const canvas = document.querySelector(`[data-part][data-currency="${arguments[0]}"] canvas`);
const chart = Chart.getChart(canvas);
return chart && {
  type: chart.config.type,
  labels: chart.data.labels,
  datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })),
  animation: chart.options.animation,
};
"""
FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], { credentials: "same-origin" })
  .then(async (r) => done({ status: r.status, type: r.headers.get("Content-Type"),
                            text: await r.text() }))
  .catch((e) => done({ error: String(e) }));
"""


def money(amount: str, currency: str) -> str:
    """An API amount as the browser shows it in US English ("-€1,234.50")."""
    value = Decimal(amount)
    return f"{'-' if value < 0 else ''}{SYMBOLS[currency]}{abs(value):,.2f}"


def last_day(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


@dataclass
class Demo:
    book: int
    accounts: dict[str, int]
    categories: dict[str, int]
    tags: dict[str, int]
    http: requests.Session
    browser: Browser

    def report(self, name: str, **query: Any) -> dict[str, Any]:
        """The report as the API answers it to the same user."""
        response = self.http.get(
            self.browser.url(f"/api/v1/books/{self.book}/reports/{name}"), params=query, timeout=10
        )
        assert response.status_code == 200, response.text
        return response.json()

    def open(self, query: str) -> None:
        """Open the reports page with `query` and wait until its report is drawn."""
        self.browser.open(f"/books/{self.book}/reports{query}")
        wait_drawn(self.browser)


def wait_drawn(browser: Browser) -> None:
    browser.wait_until(
        lambda d: d.execute_script(
            "const p = document.getElementById('report-parts');"
            "return p.getAttribute('aria-busy') === 'false'"
        ),
        "the report to be drawn",
    )


@pytest.fixture
def demo(browser: Browser, alex_account: User, server_db: Database) -> Demo:
    """Alex signed in, with the demo book and a dollar card beside its euro accounts."""
    book = create_demo_book(server_db, alex_account.id, now=utcnow()).id
    today = utcnow().date()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with server_db.read() as conn:
        categories = {c.name: c.id for c in list_categories(conn, book)}
    card = create_account(
        server_db,
        book,
        AccountInput(
            name="Travel card",
            type="credit_card",
            currency="USD",
            opening_balance="0",
            opening_date=last_month,
        ),
        now=utcnow(),
    )
    for amount, category in (("-42.50", "Restaurants"), ("-18.20", None)):
        create_transaction(
            server_db,
            book,
            TransactionInput(
                account_id=card.id,
                date=last_month,
                amount=amount,
                payee="Diner in Boston",
                category_id=categories[category] if category else None,
            ),
            now=utcnow(),
        )
    with server_db.read() as conn:
        accounts = {a.name: a.id for a in list_accounts(conn, book, today=local_today())}
        tags = {t.name: t.id for t in list_tags(conn, book)}
    browser.sign_in("alex")
    return Demo(book, accounts, categories, tags, browser.session("alex"), browser)


# ---- each report: a chart and a table of the API's figures ---------------------------------


def expected_rows(name: str, part: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """The rows (keys, figures) the table of a part should show, body and foot."""
    cur = part["currency"]
    if name == "spending":
        body = []
        for group in part["groups"]:
            body.append(
                (
                    {"groupId": str(group["group_id"] or "uncategorized")},
                    money(group["amount"], cur),
                )
            )
            body += [
                ({"categoryId": str(c["category_id"] or "uncategorized")}, money(c["amount"], cur))
                for c in group["categories"]
            ]
        rows = [{"keys": k, "figures": {"amount": a}} for k, a in body]
        return rows, [{"keys": {}, "figures": {"total": money(part["total"], cur)}}]
    figures = {
        "income-expense": ("income", "expense", "net"),
        "net-worth": ("amount",),
        "cash-flow": ("money_in", "money_out", "transfers", "net", "balance"),
    }[name]
    rows = [
        {"keys": {"month": m["month"]}, "figures": {f: money(m[f], cur) for f in figures}}
        for m in part["months"]
    ]
    if name == "income-expense":
        foot = {f: money(part[f], cur) for f in figures}
        return rows, [{"keys": {}, "figures": foot}]
    if name == "cash-flow":
        sums = {f: str(sum(Decimal(m[f]) for m in part["months"])) for f in figures[:-1]}
        return rows, [{"keys": {}, "figures": {f: money(v, cur) for f, v in sums.items()}}]
    return rows, []


def expected_chart(name: str, part: dict[str, Any]) -> list[tuple[str, list[float]]]:
    """The chart's datasets (label, numbers) for a part."""
    months = part.get("months", [])
    if name == "spending":
        return [("Spent", [float(g["amount"]) for g in part["groups"]])]
    if name == "net-worth":
        return [("Net worth", [float(m["amount"]) for m in months])]
    series = {
        "income-expense": (("Income", "income"), ("Expense", "expense"), ("Net", "net")),
        "cash-flow": (("Money in", "money_in"), ("Money out", "money_out"), ("Balance", "balance")),
    }[name]
    return [(label, [float(m[key]) for m in months]) for label, key in series]


@pytest.mark.parametrize("name", REPORTS)
def test_each_report_is_charted_and_tabled_as_the_api_counts(demo: Demo, name: str):
    browser = demo.browser
    expected = demo.report(name)
    assert [p["currency"] for p in expected["parts"]] == ["EUR", "USD"]

    browser.open(f"/books/{demo.book}/reports")
    browser.click(f'#report-tabs [data-report="{name}"]')
    browser.wait_until(lambda _: browser.query.get("report") == [name], "the report in the URL")
    wait_drawn(browser)
    active = browser.find("#report-tabs .active")
    assert active.get_attribute("data-report") == name
    assert active.get_attribute("aria-current") == "page"
    # Without months in the address, the last twelve are shown, as the API chose them.
    assert browser.find("#report-start").get_attribute("value") == expected["start"]
    assert browser.find("#report-end").get_attribute("value") == expected["end"]

    sections = browser.find_all("[data-part]")
    assert [s.get_attribute("data-currency") for s in sections] == ["EUR", "USD"]
    assert not browser.find("#report-empty").is_displayed()
    for part, section in zip(expected["parts"], sections, strict=True):
        canvas = section.find_element("css selector", "canvas")
        assert browser.driver.execute_script(CANVAS_DRAWN, canvas) > 0.005, "a blank chart"
        chart = browser.driver.execute_script(CHART_DATA, part["currency"])
        assert chart["animation"] is False
        assert [(d["label"], d["data"]) for d in chart["datasets"]] == expected_chart(name, part)
        if name == "spending":
            assert chart["labels"] == [g["name"] for g in part["groups"]]

        rows, foot = expected_rows(name, part)
        table = browser.driver.execute_script(TABLE_ROWS, part["currency"])
        if name == "spending":  # each line's share of the total, besides its amount
            assert all(r["figures"].pop("share").endswith("%") for r in table["body"])
        assert table["body"] == rows
        if foot:
            assert [r["figures"] for r in table["foot"]] == [r["figures"] for r in foot]


def test_a_chart_follows_the_theme(demo: Demo):
    browser = demo.browser
    demo.open("?report=income-expense")
    tick_color = (
        "return Chart.getChart(document.querySelector('[data-part] canvas'))"
        ".options.scales.y.ticks.color"
    )
    body_color = "return getComputedStyle(document.body).getPropertyValue('--bs-body-color').trim()"
    light = browser.driver.execute_script(tick_color)
    assert light == browser.driver.execute_script(body_color)
    browser.click("[data-theme-toggle]")
    browser.wait_until(
        lambda d: d.execute_script(tick_color) != light, "the chart drawn in the dark theme"
    )
    assert browser.find("html").get_attribute("data-bs-theme") == "dark"
    assert browser.driver.execute_script(tick_color) == browser.driver.execute_script(body_color)


# ---- drilling down --------------------------------------------------------------------------


def transaction_ids(demo: Demo, **query: str) -> set[str]:
    response = demo.http.get(
        demo.browser.url(f"/api/v1/books/{demo.book}/transactions"),
        params={**query, "limit": "500"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {str(t["id"]) for t in response.json()["items"]}


def shown_transactions(browser: Browser) -> set[str]:
    rows = "[data-rows] [data-txn]"
    browser.wait_until(
        lambda d: d.execute_script(
            "return document.querySelector('[data-rows]').getAttribute('aria-busy') === 'false'"
        ),
        "the transactions",
    )
    return {row.get_attribute("data-txn-id") for row in browser.find_all(rows)}


def test_drill_down_from_a_category_to_its_transactions(demo: Demo):
    browser = demo.browser
    groceries = demo.categories["Groceries"]
    report = demo.report("spending")
    demo.open("?report=spending")
    browser.click(f'[data-part][data-currency="EUR"] tr[data-category-id="{groceries}"] a')
    browser.wait_for_path(f"/books/{demo.book}/transactions")
    assert browser.query == {
        "category": [str(groceries)],
        "date_from": [f"{report['start']}-01"],
        "date_to": [last_day(report["end"])],
    }
    assert browser.find("#filter-category").get_attribute("value") == str(groceries)
    assert browser.find("#filter-date_from").get_attribute("value") == f"{report['start']}-01"
    expected = transaction_ids(
        demo,
        category_id=str(groceries),
        date_from=f"{report['start']}-01",
        date_to=last_day(report["end"]),
    )
    assert len(expected) > 12  # groceries every week of the year
    browser.wait_until(lambda _: shown_transactions(browser) == expected, "the groceries")

    # Back to the report, as it was.
    browser.driver.back()
    browser.wait_for_path(f"/books/{demo.book}/reports")
    wait_drawn(browser)
    assert browser.find("#report-tabs .active").get_attribute("data-report") == "spending"

    # Uncategorized money out opens the uncategorized transactions (the dollar card's).
    browser.click('[data-part][data-currency="USD"] tr[data-category-id="uncategorized"] a')
    browser.wait_for_path(f"/books/{demo.book}/transactions")
    assert browser.query["category"] == ["uncategorized"]
    expected = transaction_ids(
        demo,
        uncategorized="true",
        date_from=f"{report['start']}-01",
        date_to=last_day(report["end"]),
    )
    assert len(expected) == 1
    browser.wait_until(lambda _: shown_transactions(browser) == expected, "the uncategorized")


def test_drill_down_keeps_the_account_and_tag(demo: Demo):
    browser = demo.browser
    card, food = demo.accounts["Credit card"], demo.tags["food"]
    restaurants = demo.categories["Restaurants"]
    year = demo.report("spending")  # the last twelve months
    start, end = year["start"], year["end"]
    demo.open(f"?report=spending&start={start}&end={end}&account_id={card}&tag_id={food}")
    assert browser.find("#report-account_id").get_attribute("value") == str(card)
    assert browser.find("#report-tag_id").get_attribute("value") == str(food)
    assert "Credit card" in browser.find("#report-summary").text
    assert "food" in browser.find("#report-summary").text
    expected = demo.report("spending", start=start, end=end, account_id=card, tag_id=food)
    (part,) = expected["parts"]
    names = {c["name"] for g in part["groups"] for c in g["categories"]}
    assert names == {"Groceries", "Restaurants"}  # what the food tag is on

    browser.click(f'tr[data-category-id="{restaurants}"] a')
    browser.wait_for_path(f"/books/{demo.book}/transactions")
    assert browser.query == {
        "category": [str(restaurants)],
        "account_id": [str(card)],
        "tag": ["food"],
        "date_from": [f"{start}-01"],
        "date_to": [last_day(end)],
    }
    assert browser.find("#filter-tag").get_attribute("value") == "food"
    assert browser.find("#filter-account_id").get_attribute("value") == str(card)
    expected_ids = transaction_ids(
        demo,
        category_id=str(restaurants),
        account_id=str(card),
        tag="food",
        date_from=f"{start}-01",
        date_to=last_day(end),
    )
    assert expected_ids
    browser.wait_until(lambda _: shown_transactions(browser) == expected_ids, "the meals out")


def test_a_month_opens_its_transactions(demo: Demo):
    browser = demo.browser
    checking = demo.accounts["Checking"]
    report = demo.report("income-expense", account_id=checking)
    month = report["parts"][0]["months"][-2]["month"]
    demo.open(f"?report=income-expense&account_id={checking}")
    for name in ("income-expense", "cash-flow"):
        if name == "cash-flow":
            browser.click('#report-tabs [data-report="cash-flow"]')
            browser.wait_until(lambda _: browser.query.get("report") == ["cash-flow"], "cash flow")
            wait_drawn(browser)
        href = browser.find(f'[data-part] tr[data-month="{month}"] a').get_attribute("href")
        assert urlsplit(href).path == f"/books/{demo.book}/transactions"
        assert parse_qs(urlsplit(href).query) == {
            "account_id": [str(checking)],
            "date_from": [f"{month}-01"],
            "date_to": [last_day(month)],
        }
    browser.click(f'[data-part] tr[data-month="{month}"] a')
    browser.wait_for_path(f"/books/{demo.book}/transactions")
    expected = transaction_ids(
        demo, account_id=str(checking), date_from=f"{month}-01", date_to=last_day(month)
    )
    browser.wait_until(lambda _: shown_transactions(browser) == expected, "the month's rows")

    # Under a category filter, a month opens that category's transactions of the month.
    browser.driver.back()
    browser.wait_for_path(f"/books/{demo.book}/reports")
    wait_drawn(browser)
    Select(browser.find("#report-category_id")).select_by_visible_text("Uncategorized")
    browser.wait_until(lambda _: browser.query.get("category_id") == ["0"], "the filter")
    wait_drawn(browser)
    assert "uncategorized" in browser.find("#report-summary").text
    href = browser.find(f'[data-part] tr[data-month="{month}"] a').get_attribute("href")
    assert parse_qs(urlsplit(href).query)["category"] == ["uncategorized"]
    # Without a balance: it would not be the accounts' balance.
    headers = [th.text for th in browser.find_all("[data-part] thead th")]
    assert headers == ["Month", "Money in", "Money out", "Transfers", "Net"]


# ---- export and print -----------------------------------------------------------------------


def test_export_csv_downloads_the_report_shown(demo: Demo):
    browser = demo.browser
    checking = demo.accounts["Checking"]
    year = demo.report("income-expense")
    start, end = year["start"], year["end"]
    demo.open(f"?report=income-expense&start={start}&end={end}&account_id={checking}")
    link = browser.find("#report-csv")
    assert link.get_attribute("download") is not None
    href = link.get_attribute("href")
    assert urlsplit(href).path == f"/api/v1/books/{demo.book}/reports/income-expense"
    assert parse_qs(urlsplit(href).query) == {
        "start": [start],
        "end": [end],
        "account_id": [str(checking)],
        "format": ["csv"],
    }
    got = browser.driver.execute_async_script(FETCH, href)
    assert got.get("status") == 200, got
    assert got["type"].startswith("text/csv")
    lines = got["text"].splitlines()
    assert lines[0] == "currency,month,income,expense,net"
    assert len(lines) == 1 + 12
    assert got["text"] == demo.http.get(href, timeout=10).text

    # Another report, another download.
    browser.click('#report-tabs [data-report="net-worth"]')
    browser.wait_until(
        lambda _: "/reports/net-worth?" in browser.find("#report-csv").get_attribute("href"),
        "the net worth download",
    )
    got = browser.driver.execute_async_script(
        FETCH, browser.find("#report-csv").get_attribute("href")
    )
    assert got["text"].splitlines()[0] == "currency,month,net_worth"


def test_print_shows_only_the_report(demo: Demo):
    browser = demo.browser
    demo.open("?report=cash-flow")
    browser.driver.execute_script(
        "window.printed = 0; window.print = () => { window.printed += 1; };"
    )
    browser.click("#report-print")
    assert browser.driver.execute_script("return window.printed") == 1

    hidden = (
        "nav.navbar",
        "footer",
        "#report-filters",
        "#report-tabs",
        "#report-csv",
        "#report-print",
        ".breadcrumb",
        ".nav-underline",
    )
    shown = ("#report-title", "[data-part] canvas", "[data-part] table")
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        for css in hidden:
            assert not browser.find(css).is_displayed(), f"{css} is printed"
        for css in shown:
            assert browser.find(css).is_displayed(), f"{css} is not printed"
    finally:
        browser.driver.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"media": "", "features": [{"name": "prefers-reduced-motion", "value": "reduce"}]},
        )
    assert browser.find("#report-filters").is_displayed()


# ---- mistakes and nothing to show -------------------------------------------------------------


def set_month(browser: Browser, css: str, month: str) -> None:
    """Pick a month in a month field, as its picker does (the value, then a change event)."""
    browser.driver.execute_script(
        "const input = document.querySelector(arguments[0]); input.value = arguments[1];"
        "input.dispatchEvent(new Event('change', { bubbles: true }));",
        css,
        month,
    )


def test_a_bad_filter_is_shown_at_its_field(demo: Demo):
    browser = demo.browser
    demo.open("?report=spending")
    set_month(browser, "#report-start", "2025-06")
    browser.wait_until(lambda _: browser.query.get("start") == ["2025-06"], "the first month")
    wait_drawn(browser)
    assert browser.find_all("[data-part]")

    browser.console.expect_http_error(f"/api/v1/books/{demo.book}/reports/spending", 422)
    set_month(browser, "#report-end", "2025-01")
    message = browser.field_error("#report-filters", "end")
    assert message == "The last month comes before the first."
    assert browser.query["end"] == ["2025-01"]
    assert not browser.find_all("[data-part]")
    assert "disabled" in browser.find("#report-csv").get_attribute("class").split()
    assert not browser.find("#report-empty").is_displayed()

    # The back button undoes the mistake.
    browser.driver.back()
    this_month = demo.report("spending")["end"]
    browser.wait_until(lambda _: browser.query.get("end") == [this_month], "the months before")
    assert browser.query["start"] == ["2025-06"]
    wait_drawn(browser)
    assert not browser.find_all("#report-filters .is-invalid")
    assert browser.find_all("[data-part]")

    # A bookmark of it shows the same message; so does an account the book does not have.
    browser.open(f"/books/{demo.book}/reports?report=spending&start=2025-06&end=2025-01")
    assert "comes before" in browser.field_error("#report-filters", "end")
    browser.open(f"/books/{demo.book}/reports?report=spending&account_id=99999")
    assert "no account 99999" in browser.field_error("#report-filters", "account_id")


def test_months_without_transactions_say_so(demo: Demo):
    browser = demo.browser
    demo.open("?report=spending&start=2001-01&end=2001-12")
    browser.wait_text("#report-empty", "No transactions in these months.")
    assert not browser.find_all("[data-part]")
    assert "January 2001 \u2013 December 2001" in browser.find("#report-summary").text
