"""Households in Settings: an owner invites people, who accept or decline; roles change and
people leave or are removed."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import Select

from server.clock import utcnow
from server.db import Database
from server.domain.books import list_books
from server.domain.invitations import InvitationInput, invite_member
from server.domain.members import list_members
from tests.sharing import join

pytestmark = pytest.mark.browser


def roles(db: Database, user_id: int, book_id: int) -> dict[str, str]:
    with db.read() as conn:
        return {m.username: m.role for m in list_members(conn, book_id)}


def personal_book(db: Database, user_id: int) -> int:
    with db.read() as conn:
        return list_books(conn, user_id)[0].id


def shown_members(browser) -> list[str]:
    return [
        row.get_attribute("data-member")
        for row in browser.find_all("#members-table tr[data-member]")
    ]


def settled(browser) -> None:
    """Wait until the members list is drawn again after a change (its rows are replaced)."""
    browser.wait_until(
        lambda _: browser.find("#members-table tbody").get_attribute("aria-busy") == "false",
        "the members list",
    )


def shown_invited(browser) -> list[str]:
    return [
        row.get_attribute("data-invited")
        for row in browser.find_all("#members-table tr[data-invited]")
    ]


def test_an_owner_invites_and_the_person_accepts_and_sees_the_book(
    browser, alex_account, add_user, server_db
):
    add_user("sam")
    add_user("kim")
    book = personal_book(server_db, alex_account.id)
    browser.sign_in("alex")
    browser.open("/settings/households")
    browser.wait_until(lambda _: shown_members(browser) == ["alex"], "alex alone in the book")

    # A name nobody has is invited like any other: the page cannot tell them apart.
    for name in ("nobody", "sam", "kim"):
        browser.fill("#member-username", name)
        Select(browser.find("#member-role")).select_by_value("viewer")
        browser.submit("#member-form")
        browser.wait_text(
            "[data-invitation-sent]",
            f"Invitation sent to {name}: they join the book when they accept it.",
        )
    browser.wait_until(
        lambda _: shown_invited(browser) == ["nobody", "sam", "kim"], "three invitations pending"
    )
    assert shown_members(browser) == ["alex"]
    assert roles(server_db, alex_account.id, book) == {"alex": "owner"}
    browser.click('[data-withdraw="kim"]')
    browser.wait_until(lambda _: shown_invited(browser) == ["nobody", "sam"], "kim's withdrawn")

    # Sam is told on the home page, and answers in Settings.
    browser.sign_out()
    browser.sign_in("sam")
    notice = browser.visible("#invitations-notice")
    assert "invited into a book" in notice.text
    browser.click("#invitations-notice a")
    invitation = browser.visible('[data-invitation="alex\'s book"]')
    assert "alex invites you to “alex's book” as Viewer" in invitation.text
    browser.click('[data-invitation="alex\'s book"] [data-answer="accept"]')
    browser.hidden("#my-invitations")
    browser.wait_until(
        lambda _: Select(browser.find("#members-book")).first_selected_option.text == "alex's book",
        "the book joined chosen",
    )
    browser.wait_until(lambda _: shown_members(browser) == ["alex", "sam"], "sam a member")
    assert roles(server_db, alex_account.id, book) == {"alex": "owner", "sam": "viewer"}
    browser.open("/")
    browser.wait_until(
        lambda _: "alex's book" in browser.find("#books").text, "the book on sam's home page"
    )
    assert not browser.find("#invitations-notice").is_displayed()


def test_a_declined_invitation_leaves_the_book_closed(browser, alex_account, add_user, server_db):
    add_user("sam")
    book = personal_book(server_db, alex_account.id)
    invite_member(
        server_db,
        book,
        InvitationInput(username="sam", role="editor"),
        now=utcnow(),
        by_user=alex_account.id,
    )
    browser.sign_in("sam")
    browser.open("/settings/households")
    browser.click('[data-invitation="alex\'s book"] [data-answer="decline"]')
    browser.hidden("#my-invitations")
    assert roles(server_db, alex_account.id, book) == {"alex": "owner"}
    options = [o.text for o in Select(browser.find("#members-book")).options]
    assert "alex's book" not in options


def test_an_owner_changes_roles_and_removes_people(browser, alex_account, add_user, server_db):
    add_user("sam")
    book = personal_book(server_db, alex_account.id)
    join(server_db, book, "sam", "viewer", by_user=alex_account.id)
    browser.sign_in("alex")
    browser.open("/settings/households")
    browser.wait_until(lambda _: shown_members(browser) == ["alex", "sam"], "sam in the list")
    assert "you" in browser.find('[data-member="alex"]').text

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
    join(server_db, book, "sam", "editor", by_user=alex_account.id)
    browser.sign_in("sam")
    browser.open("/settings/households")
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
