"""Households in Settings: an owner shares a book, changes roles and removes people."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import Select

from server.clock import utcnow
from server.db import Database
from server.domain.books import list_books
from server.domain.members import MemberInput, add_member, list_members

pytestmark = pytest.mark.browser


def roles(db: Database, user_id: int, book_id: int) -> dict[str, str]:
    with db.read() as conn:
        return {m.username: m.role for m in list_members(conn, book_id)}


def personal_book(db: Database, user_id: int) -> int:
    with db.read() as conn:
        return list_books(conn, user_id)[0].id


def shown_members(browser) -> list[str]:
    return [row.get_attribute("data-member") for row in browser.find_all("#members-table tbody tr")]


def settled(browser) -> None:
    """Wait until the members list is drawn again after a change (its rows are replaced)."""
    browser.wait_until(
        lambda _: browser.find("#members-table tbody").get_attribute("aria-busy") == "false",
        "the members list",
    )


def test_an_owner_shares_a_book_and_changes_roles(browser, alex_account, add_user, server_db):
    add_user("sam")
    book = personal_book(server_db, alex_account.id)
    browser.sign_in("alex")
    browser.open("/settings")
    browser.wait_until(lambda _: shown_members(browser) == ["alex"], "alex alone in the book")
    assert "you" in browser.find('[data-member="alex"]').text

    browser.console.expect_http_error(f"/api/v1/books/{book}/members", 422)
    browser.fill("#member-username", "nobody")
    browser.submit("#member-form")
    assert "no user" in browser.field_error("#member-form", "username")

    browser.fill("#member-username", "sam")
    Select(browser.find("#member-role")).select_by_value("viewer")
    browser.submit("#member-form")
    browser.wait_until(lambda _: shown_members(browser) == ["alex", "sam"], "sam in the list")
    assert roles(server_db, alex_account.id, book) == {"alex": "owner", "sam": "viewer"}

    Select(browser.find('select[data-role="sam"]')).select_by_value("editor")
    browser.wait_until(
        lambda _: roles(server_db, alex_account.id, book)["sam"] == "editor", "sam an editor"
    )
    settled(browser)

    # The last owner cannot step down: the server says why and the choice goes back.
    browser.console.expect_http_error(f"/api/v1/books/{book}/members/{alex_account.id}", 409)
    Select(browser.find('select[data-role="alex"]')).select_by_value("viewer")
    message = browser.visible("[data-members-error]").text
    assert "last owner" in message
    assert Select(browser.find('select[data-role="alex"]')).first_selected_option.text == "Owner"
    assert roles(server_db, alex_account.id, book)["alex"] == "owner"

    browser.click('[data-remove="sam"]')
    browser.dialog().accept()
    browser.wait_until(lambda _: shown_members(browser) == ["alex"], "sam removed")
    assert roles(server_db, alex_account.id, book) == {"alex": "owner"}


def test_a_member_who_is_no_owner_sees_the_list_read_only(
    browser, alex_account, add_user, server_db
):
    add_user("sam")
    book = personal_book(server_db, alex_account.id)
    add_member(
        server_db,
        book,
        MemberInput(username="sam", role="editor"),
        now=utcnow(),
        by_user=alex_account.id,
    )
    browser.sign_in("sam")
    browser.open("/settings")
    Select(browser.find("#members-book")).select_by_visible_text("alex's book")
    browser.wait_until(lambda _: shown_members(browser) == ["alex", "sam"], "the members")
    assert browser.find("[data-members-read-only]").is_displayed()
    assert not browser.find("#member-form").is_displayed()
    assert not browser.find_all("#members-table select")
    assert not browser.find_all('[data-remove="alex"]')

    # Sam may leave the book.
    browser.click('[data-remove="sam"]')
    browser.dialog().accept()
    browser.wait_until(
        lambda _: (
            "alex's book" not in [o.text for o in Select(browser.find("#members-book")).options]
        ),
        "the book gone from the choice",
    )
    assert roles(server_db, alex_account.id, book) == {"alex": "owner"}
