"""A book file in the browser: export a book from its card, load a file as a new book."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser


def book_names(browser) -> list[str]:
    return [e.text for e in browser.find_all('#books [data-field="name"]')]


def test_export_a_book_and_load_it_back(browser, alex_account, tmp_path):
    browser.sign_in("alex")
    browser.wait_until(lambda _: book_names(browser) == ["alex's book"], "the books")
    link = browser.find('#books [data-field="export"]')
    session = browser.session("alex")
    exported = session.get(link.get_attribute("href"))
    assert exported.status_code == 200
    document = exported.json()
    assert document["book"]["name"] == "alex's book"
    ledger = session.get(
        browser.find('#books [data-field="export-beancount"]').get_attribute("href")
    )
    assert ledger.status_code == 200 and 'option "title" "alex\'s book"' in ledger.text

    document["book"]["name"] = "Copy of the book"
    good = tmp_path / "copy.tallybook.json"
    good.write_text(json.dumps(document), encoding="utf-8")
    browser.find("#book-file").send_keys(str(good))
    browser.wait_text(
        "#book-file-status", "copy.tallybook.json is now the book “Copy of the book”."
    )
    browser.wait_until(
        lambda _: book_names(browser) == ["alex's book", "Copy of the book"], "the new book"
    )

    document["categories"][0]["group"] = 999
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(document), encoding="utf-8")
    browser.console.expect_http_error("/api/v1/books/import", 422)
    browser.find("#book-file").send_keys(str(damaged))
    error = browser.visible("#books-error").text
    assert "nothing was made" in error and "categories[0].group" in error
    not_json = tmp_path / "statement.csv"
    not_json.write_text("Date,Amount\n", encoding="utf-8")
    browser.find("#book-file").send_keys(str(not_json))
    browser.wait_until(lambda _: "it is not JSON" in browser.find("#books-error").text, "refusal")
    assert book_names(browser) == ["alex's book", "Copy of the book"]
