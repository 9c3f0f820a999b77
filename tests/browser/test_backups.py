"""Backups in Settings: back up now, keep fewer, download, restore."""

from __future__ import annotations

import pytest
import requests

from server.clock import utcnow
from server.db import Database
from server.db.backups import list_backups
from server.domain.books import create_book, list_books

pytestmark = pytest.mark.browser


def backup_rows(browser) -> list[str]:
    return [row.get_attribute("data-backup") for row in browser.find_all("#backups-table tbody tr")]


def book_names(db: Database, user_id: int) -> set[str]:
    with db.read() as conn:
        return {b.name for b in list_books(conn, user_id)}


def test_back_up_and_restore_from_settings(browser, alex_account, server_db: Database):
    browser.sign_in("alex")
    browser.open("/settings/backups")
    browser.visible("#backups [data-backup-now]")
    assert backup_rows(browser) == []
    browser.click("#backups [data-backup-now]")
    browser.wait_until(lambda _: len(backup_rows(browser)) == 1, "the new backup")
    assert "by hand" in browser.find("#backups-table tbody tr").text
    [made] = list_backups(server_db)

    # The download link hands over the file itself.
    link = browser.find(f'[data-backup="{made.name}"] a').get_attribute("href")
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    download = requests.get(link, cookies=cookies, timeout=10)
    assert download.status_code == 200
    assert download.content == made.path.read_bytes()

    create_book(server_db, alex_account.id, name="Made later", currency="EUR", now=utcnow())
    browser.reload()
    browser.wait_until(lambda _: len(backup_rows(browser)) == 1, "the backup listed")
    browser.click(f'[data-restore="{made.name}"]')
    browser.dialog().accept()
    browser.wait_for_path("/")
    browser.wait_text("[data-book] [data-field=name]", "alex's book")
    assert book_names(server_db, alex_account.id) == {"alex's book"}
    assert [b.reason for b in list_backups(server_db)] == ["before-restore", "manual"]

    # Keep fewer: the oldest goes at once.
    browser.open("/settings/backups")
    browser.wait_until(lambda _: len(backup_rows(browser)) == 2, "both backups")
    browser.fill("#backup-keep", "1")
    browser.submit("#backup-keep-form")
    browser.wait_until(lambda _: len(backup_rows(browser)) == 1, "one backup kept")
    browser.console.expect_http_error("/api/v1/backup-settings", 422)
    browser.fill("#backup-keep", "0")
    browser.submit("#backup-keep-form")
    assert "from 1 to 1000" in browser.field_error("#backup-keep-form", "keep")


def test_people_who_are_not_administrators_see_no_backups(browser, add_user):
    add_user("alex", admin=True)
    add_user("sam")
    browser.sign_in("sam")
    browser.open("/settings/you")
    assert not browser.find_all('[data-settings-section="backups"]')
    assert not browser.find_all("#backups")
