"""A book file is read a part at a time and checked as it is read: a hostile one costs little."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest

from server.domain import book_read
from server.domain.book_check import check_book_file
from server.domain.book_file import FORMAT, VERSION
from server.domain.book_read import BookFileReader
from server.domain.validation import MAX_PROBLEMS
from server.errors import AppError, ValidationFailed

NOW = datetime(2026, 12, 7, tzinfo=UTC)
HEAD = {"format": FORMAT, "version": VERSION, "book": {"name": "Home", "currency": "EUR"}}


class CountedList(list):
    """A list that counts the items taken from it."""

    taken = 0

    def __iter__(self):
        for item in super().__iter__():
            self.taken += 1
            yield item


def refusal(data) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        check_book_file(data, now=NOW)
    return refused.value


def test_a_long_list_of_empty_items_is_not_checked_past_the_first_problems():
    transactions = CountedList({} for _ in range(200_000))
    refused = refusal({**HEAD, "transactions": transactions})
    assert len(refused.errors) == MAX_PROBLEMS
    assert "not checked further" in refused.detail
    assert refused.errors[0].field == "transactions[0].ref"
    # Each empty item has a few problems (ref, account, amount, date): some 30 were read.
    assert transactions.taken <= MAX_PROBLEMS


def read(text: str | bytes) -> BookFileReader:
    return BookFileReader(io.BytesIO(text.encode() if isinstance(text, str) else text))


def test_a_hostile_file_is_read_only_as_far_as_it_is_checked():
    body = json.dumps(HEAD)[:-1] + ', "transactions": [' + ",".join(["{}"] * 2_000_000) + "]}"
    file = io.BytesIO(body.encode())
    refused = refusal(BookFileReader(file))
    assert len(refused.errors) == MAX_PROBLEMS
    assert file.tell() <= 2 * 1024 * 1024  # of 6 MB: the first chunks


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        '{"format": "tallybook-book"',
        '{"format": "tallybook-book"} tail',
        '{"format": "tallybook-book", "transactions": [{}, {}',
        '{"format": "tallybook-book", "transactions": [1 2]}',
        '{"format": "tallybook-book", "transactions": [' + "[" * 10**5 + "]" * 10**5 + "]}",
        b'{"format": "\xff"}',
        '{"a": 1,}',
    ],
)
def test_what_is_not_json_is_refused_as_such(text):
    with pytest.raises(AppError) as refused:
        document = read(text)
        check_book_file(document, now=NOW)
        document.finish()
    assert refused.value.status == 400


def test_an_item_past_its_size_is_refused_before_it_is_parsed():
    memo = "x" * (book_read.MAX_ITEM_CHARS + 1)
    with pytest.raises(AppError, match="over 1,000,000 characters"):
        check_book_file(read(json.dumps({**HEAD, "transactions": [{"memo": memo}]})), now=NOW)


def test_a_list_past_its_bound_is_refused_at_once(monkeypatch):
    monkeypatch.setitem(book_read.LIST_LIMITS, "payees", 3)
    refused = refusal(read(json.dumps({**HEAD, "payees": ["a", "b", "c", "d"]})))
    assert [(e.field, e.message) for e in refused.errors] == [
        ("payees", "A book file holds at most 3 of them.")
    ]


def test_all_but_the_transactions_is_bounded_too(monkeypatch):
    monkeypatch.setattr(book_read, "MAX_HEAD_VALUES", 50)
    refused = refusal(read(json.dumps({**HEAD, "payees": [[[]] * 10] * 10})))
    assert refused.errors[0].field == "payees"


def test_keys_in_any_order_the_transactions_need_before_them():
    document = {**HEAD, "accounts": [], "transactions": [], "payees": ["Baker"]}
    for ordered in (document, dict(sorted(document.items()))):  # as written, or sorted
        _, own = check_book_file(read(json.dumps(ordered)), now=NOW)
        assert own["payees"] == ["Baker"]
    first = {"transactions": [], **HEAD}
    refused = refusal(read(json.dumps(first)))
    assert [(e.field, e.message) for e in refused.errors] == [
        ("format", "Give it before the transactions in the file, as Tallybook writes it.")
    ]
    late = {"format": FORMAT, "transactions": [], "accounts": [], "version": 1, "book": {}}
    refused = refusal(read(json.dumps(late)))
    assert [(e.field, e.message) for e in refused.errors] == [
        ("accounts", "Give it before the transactions in the file, as Tallybook writes it.")
    ]


def test_a_key_given_twice_is_refused():
    refused = refusal(read('{"format": "tallybook-book", "format": "tallybook-book"}'))
    assert refused.errors[0].field == "format"
