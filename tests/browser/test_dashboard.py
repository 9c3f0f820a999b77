"""The home page's overview: a book's figures at a glance, each leading to its source."""

from __future__ import annotations

import pytest

from server.clock import utcnow
from server.db import Database
from server.domain.demo import create_demo_book

pytestmark = pytest.mark.browser

CANVAS_PAINTED = """
const canvas = document.querySelector(arguments[0]);
if (!canvas || !canvas.width || !canvas.height) return false;
const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
return false;
"""


def test_the_overview_shows_the_book_and_leads_to_its_pages(
    browser, alex_account, server_db: Database
):
    demo = create_demo_book(server_db, alex_account.id, now=utcnow())
    browser.sign_in("alex")
    browser.visible("#dashboard")
    select = browser.find("#dashboard-book")
    assert {o.text for o in select.find_elements("css selector", "option")} >= {"Demo household"}
    browser.driver.execute_script(
        "const s = arguments[0]; s.value = arguments[1]; s.dispatchEvent(new Event('change'));",
        select,
        str(demo.id),
    )
    browser.wait_until(
        lambda _: f"/books/{demo.id}/" in browser.find("#balances a").get_attribute("href"),
        "the demo book's accounts",
    )
    session = browser.session("alex")
    board = session.get(browser.url(f"/api/v1/books/{demo.id}/dashboard")).json()
    (worth,) = board["net_worth"]
    assert browser.find("#net-worth .fs-4").text == f"€{float(worth['amount']):,.2f}".replace(
        "€-", "-€"
    )
    assert len(browser.find_all("#balances li")) == len(board["accounts"])
    assert len(browser.find_all("#recent li")) == 8
    browser.wait_until(
        lambda d: d.execute_script(CANVAS_PAINTED, "#net-worth-chart"), "the trend drawn"
    )
    # The choice is remembered: the same book after a reload.
    browser.reload()
    browser.wait_until(
        lambda _: browser.find("#dashboard-book").get_attribute("value") == str(demo.id),
        "the remembered book",
    )
    first = board["accounts"][0]
    browser.wait_until(lambda _: browser.find_all("#balances a"), "the accounts")
    browser.click("#balances a")
    browser.wait_for_path(f"/books/{demo.id}/accounts/{first['id']}")
    browser.console.assert_clean()
