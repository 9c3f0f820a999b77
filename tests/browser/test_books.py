"""A book's whole life on the home page: renamed, deleted by typing its name (after a backup the
page names), left by a member; an empty book's overview offers its first steps."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import Select

from server.clock import utcnow
from server.db import Database
from server.db.backups import list_backups
from server.domain.accounts import AccountInput, create_account
from server.domain.books import create_book, list_books
from tests.sharing import join

pytestmark = pytest.mark.browser


def books_of(db: Database, user_id: int) -> dict[str, int]:
    with db.read() as conn:
        return {b.name: b.id for b in list_books(conn, user_id)}


def card_names(browser) -> list[str]:
    return [e.text for e in browser.find_all("[data-book] [data-field=name]")]


def book_menu(browser, book_id: int | None, action: str) -> None:
    """Open a book card's menu (None: the overview's, of the book it shows) and choose
    `action` (rename, leave, delete)."""
    menu = f'[data-book][data-book-id="{book_id}"]' if book_id else "#dashboard-book-menu"
    browser.click(f"{menu} [data-book-menu]")
    browser.click(f'{menu} [data-book-action="{action}"]')


def overview_book(browser) -> str:
    option = Select(browser.find("#dashboard-book")).first_selected_option
    return option.get_attribute("textContent")  # the choice is hidden when there is one book


def test_an_owner_renames_a_book(browser, alex_account, server_db):
    book = books_of(server_db, alex_account.id)["alex's book"]
    browser.sign_in("alex")
    browser.wait_text("[data-book] [data-field=name]", "alex's book")
    book_menu(browser, book, "rename")
    browser.visible("#rename-book-name")
    browser.click("#rename-book-dialog [data-bs-dismiss]")
    browser.hidden("#rename-book-dialog")
    # The overview's menu acts on the book it shows.
    book_menu(browser, None, "rename")
    field = browser.visible("#rename-book-name")
    assert field.get_attribute("value") == "alex's book"
    assert browser.driver.switch_to.active_element == field
    browser.console.expect_http_error(f"/api/v1/books/{book}", 422)
    browser.fill("#rename-book-name", "   ")
    browser.submit("#rename-book-form")
    assert "name" in browser.field_error("#rename-book-form", "name").lower()
    browser.fill("#rename-book-name", "Our household")
    browser.submit("#rename-book-form")
    browser.hidden("#rename-book-dialog")
    browser.wait_text("[data-book] [data-field=name]", "Our household")
    assert books_of(server_db, alex_account.id) == {"Our household": book}
    assert overview_book(browser) == "Our household"

    # Shown another book, the overview's menu renames that one.
    club = create_book(server_db, alex_account.id, name="Club", currency="EUR", now=utcnow())
    browser.reload()
    browser.visible("#dashboard-book")
    Select(browser.find("#dashboard-book")).select_by_visible_text("Club")
    book_menu(browser, None, "rename")
    browser.wait_until(
        lambda _: browser.find("#rename-book-name").get_attribute("value") == "Club", "Club"
    )
    browser.fill("#rename-book-name", "Chess club")
    browser.submit("#rename-book-form")
    browser.wait_until(lambda _: "Chess club" in card_names(browser), "the card renamed")
    assert books_of(server_db, alex_account.id) == {"Our household": book, "Chess club": club.id}


def test_an_owner_deletes_a_book_by_typing_its_name(browser, alex_account, server_db):
    now = utcnow()
    personal = books_of(server_db, alex_account.id)["alex's book"]
    holiday = create_book(server_db, alex_account.id, name="Holiday", currency="EUR", now=now).id
    create_account(server_db, holiday, AccountInput(name="Travel", type="cash"), now=now)
    browser.sign_in("alex")
    browser.open(f"/?book={holiday}")
    browser.wait_until(lambda _: overview_book(browser) == "Holiday", "the Holiday overview")
    # Only owners are offered these; leaving is for the other members.
    card = f'[data-book][data-book-id="{holiday}"]'
    browser.click(f"{card} [data-book-menu]")
    assert not browser.find(f'{card} [data-book-action="leave"]').is_displayed()
    browser.click(f"{card} [data-book-menu]")

    book_menu(browser, holiday, "delete")
    confirm = browser.visible("#delete-book-confirm")
    assert "Holiday" in browser.find("#delete-book-dialog-title").text
    delete_button = browser.find("#delete-book-form [type=submit]")
    browser.fill("#delete-book-confirm", "holiday")
    assert not delete_button.is_enabled()  # the name typed exactly, case too
    confirm.clear()
    confirm.send_keys("Holiday")
    assert delete_button.is_enabled()
    delete_button.click()

    notice = browser.visible("#book-deleted")
    browser.wait_until(lambda _: "Holiday" in notice.text, "the deletion notice")
    assert "Before deleting the book Holiday" in notice.text
    assert "an administrator can restore it in Settings" in notice.text
    browser.wait_until(lambda _: card_names(browser) == ["alex's book"], "the card gone")
    # The overview moved to the book that is left.
    browser.wait_until(lambda _: overview_book(browser) == "alex's book", "another book shown")
    assert books_of(server_db, alex_account.id) == {"alex's book": personal}
    (backup,) = list_backups(server_db)
    assert backup.label == "Before deleting the book Holiday"

    # Settings > Backups shows it by that label.
    browser.click("#book-deleted a")
    browser.wait_for_path("/settings/backups")
    row = f'#backups-table [data-backup="{backup.name}"]'
    browser.wait_until(lambda _: browser.find_all(row), "the backup listed")
    assert "Before deleting the book Holiday" in browser.find(row).text


def test_deleting_ones_last_book_leaves_a_way_to_start_again(browser, alex_account, server_db):
    book = books_of(server_db, alex_account.id)["alex's book"]
    browser.sign_in("alex")
    browser.wait_text("[data-book] [data-field=name]", "alex's book")
    book_menu(browser, book, "delete")
    browser.fill("#delete-book-confirm", "alex's book")
    browser.submit("#delete-book-form")
    browser.visible("#no-books")
    assert card_names(browser) == []
    assert not browser.find("#dashboard").is_displayed()
    browser.click("#no-books [data-load-demo]")
    browser.wait_until(lambda _: browser.query.get("book"), "the demo book")
    browser.wait_until(lambda _: overview_book(browser) == "Demo household", "the demo shown")


def test_a_member_leaves_a_shared_book(browser, alex_account, add_user, server_db):
    add_user("sam")
    shared = create_book(server_db, alex_account.id, name="Shared", currency="EUR", now=utcnow())
    join(server_db, shared.id, "sam", "editor", by_user=alex_account.id)
    browser.sign_in("sam")
    browser.wait_until(lambda _: sorted(card_names(browser)) == ["Shared", "sam's book"], "cards")
    card = f'[data-book][data-book-id="{shared.id}"]'
    browser.click(f"{card} [data-book-menu]")
    for owners_only in ("rename", "delete"):
        assert not browser.find(f'{card} [data-book-action="{owners_only}"]').is_displayed()
    browser.click(f'{card} [data-book-action="leave"]')
    question = browser.dialog()
    assert "Leave “Shared”?" in question.text
    question.accept()
    browser.wait_until(lambda _: card_names(browser) == ["sam's book"], "the card gone")
    assert set(books_of(server_db, alex_account.id)) == {"alex's book", "Shared"}


def test_an_empty_book_offers_its_first_steps(browser, alex_account, server_db):
    book = books_of(server_db, alex_account.id)["alex's book"]
    browser.sign_in("alex")
    steps = browser.visible("#first-steps")
    assert not browser.find("#dashboard-cards").is_displayed()
    labels = [e.text for e in steps.find_elements("css selector", "a, button")]
    assert labels == ["Add an account", "Import a file", "Bring a book over", "Load the demo"]

    # Import: the page says an account comes first, and leads there.
    browser.click('[data-first-step="import"]')
    browser.wait_for_path(f"/books/{book}/import")
    browser.visible("[data-no-accounts]")
    assert not browser.find("#import-form").is_displayed()
    browser.click("[data-no-accounts] a")
    browser.wait_for_path(f"/books/{book}")
    browser.visible("#account-form #account-name")

    # Add an account: the form is open, ready to type into.
    browser.open("/")
    browser.click('[data-first-step="account"]')
    browser.wait_for_path(f"/books/{book}")
    name = browser.visible("#account-form #account-name")
    browser.wait_until(lambda d: d.switch_to.active_element == name, "the name focused")
    name.send_keys("Checking")
    browser.submit("#account-form")
    browser.wait_until(lambda _: browser.find_all("[data-account]"), "the account")

    # With an account, the overview shows the book's figures.
    browser.open("/")
    browser.visible("#dashboard-cards")
    assert not browser.find("#first-steps").is_displayed()
    browser.wait_until(lambda _: browser.find_all("#balances a"), "the account's balance")

    # Load the demo, from an empty book of the choice: the overview opens on it.
    empty = create_book(server_db, alex_account.id, name="Empty", currency="GBP", now=utcnow())
    browser.open(f"/?book={empty.id}")
    browser.visible("#first-steps")
    browser.click("#first-steps [data-load-demo]")
    browser.wait_until(lambda _: overview_book(browser) == "Demo household", "the demo shown")
    demo = books_of(server_db, alex_account.id)["Demo household"]
    assert browser.query["book"] == [str(demo)]
    browser.visible("#dashboard-cards")
    browser.wait_until(lambda _: "£" in browser.find("#net-worth").text, "the demo in GBP")


def test_the_last_owner_is_told_why_they_cannot_leave(browser, alex_account, add_user, server_db):
    add_user("sam")
    book = books_of(server_db, alex_account.id)["alex's book"]
    join(server_db, book, "sam", "viewer", by_user=alex_account.id)
    browser.sign_in("alex")
    browser.open("/settings/households")
    browser.wait_until(lambda _: browser.find_all('[data-remove="alex"]'), "alex's own Leave")
    browser.console.expect_http_error(f"/api/v1/books/{book}/members/{alex_account.id}", 409)
    browser.click('[data-remove="alex"]')
    browser.dialog().accept()
    message = browser.visible("[data-members-error]").text
    assert message == (
        "You are the last owner of this book: make another member an owner before you leave "
        "it, or delete the book."
    )
    assert books_of(server_db, alex_account.id) == {"alex's book": book}
