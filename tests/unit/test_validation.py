"""Checking input: the field parsers, the problems collector, and inputs as dataclasses."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field

import pytest

from server.domain import validation as check
from server.domain.labels import clean_payee_name
from server.domain.validation import Problems
from server.errors import FieldError, ValidationFailed


def found(problems: Problems) -> list[tuple[str | None, str]]:
    return [(e.field, e.message) for e in problems.errors]


@pytest.mark.parametrize(
    ("prefix", "name", "expected"),
    [
        ("", "amount", "amount"),
        ("transactions[3]", "amount", "transactions[3].amount"),
        ("transactions[3]", "[0]", "transactions[3][0]"),
        ("transactions[3]", None, "transactions[3]"),
        ("", None, None),
    ],
)
def test_field_names_inside_a_prefix(prefix, name, expected):
    assert check.field_name(prefix, name) == expected


def test_problems_are_collected_at_their_fields_and_raised_together():
    problems = Problems()
    problems.raise_if_any("Nothing wrong yet.")  # no problem: no refusal
    assert problems.check(True, "name", "unused") is True
    assert problems.check(False, "name", "Give it a name.") is False
    problems.add_all([FieldError("amount", "Not a number."), FieldError(None, "All wrong.")])
    with pytest.raises(ValidationFailed) as refused:
        problems.raise_if_any("It cannot be saved.")
    assert refused.value.detail == "It cannot be saved."
    assert refused.value.errors == [
        FieldError("name", "Give it a name."),
        FieldError("amount", "Not a number."),
        FieldError(None, "All wrong."),
    ]


def test_a_view_names_its_problems_inside_its_prefix_and_counts_its_own():
    problems = Problems()
    first = problems.within("rules[0]")
    second = problems.within("rules[1]")
    first.add("name", "Give it a name.")
    second.within("add_tags").add("[2]", "A tag is a string.")
    assert (len(problems), len(first), len(second)) == (2, 1, 1)
    assert not problems.within("rules[2]")
    assert (
        found(second)
        == found(problems)
        == [
            ("rules[0].name", "Give it a name."),
            ("rules[1].add_tags[2]", "A tag is a string."),
        ]
    )


def test_past_the_limit_problems_are_counted_and_the_refusal_says_how_many():
    problems = Problems(limit=3)
    for number in range(5):
        problems.within(f"transactions[{number}]").add("amount", "Not a number.")
    assert len(problems) == 5
    assert [e.field for e in problems.errors] == [f"transactions[{n}].amount" for n in range(3)]
    assert problems.more == 2
    with pytest.raises(ValidationFailed) as refused:
        problems.raise_if_any("The file cannot be loaded.")
    assert len(refused.value.errors) == 3
    assert refused.value.detail == (
        "The file cannot be loaded. The first 3 problems are listed; 2 more were found."
    )


def parse(parser, value, **options):
    """What a parser makes of a value, and the messages of the problems it found."""
    problems = Problems()
    result = parser(value, "f", problems, **options)
    assert {e.field for e in problems.errors} <= {"f"}
    return result, [message for _, message in found(problems)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (None, [])),
        ("  ", (None, [])),
        (" Gym ", ("Gym", [])),
        (5, (None, ["Expected text."])),
        ("abcd", ("abcd", ["Use at most 3 characters (this has 4)."])),
    ],
)
def test_text(value, expected):
    assert parse(check.text, value, most=3) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" Food ", ("Food", [])),
        ("", ("", ["Give the rule a name of 1 to 5 characters."])),
        ("Too long", ("", ["Give the rule a name of 1 to 5 characters."])),
        (["a"], ("", ["Give the rule a name of 1 to 5 characters."])),
    ],
)
def test_name(value, expected):
    assert parse(check.name, value, of="rule", most=5) == expected


NUL = "Control characters (here U+0000) are not allowed in this text."
SURROGATE = "A lone surrogate (U+D800) is not text: send the text as UTF-8."


@pytest.mark.parametrize(
    ("parser", "value", "expected"),
    [
        (check.name, "\x00Food", ("", [NUL])),
        (check.name, "Fo\ud800d", ("", [SURROGATE])),
        (
            check.name,
            "Fo\u0085d",
            ("", ["Control characters (here U+0085) are not allowed in this text."]),
        ),
        (check.name, "Fo\u200dd", ("Fo\u200dd", [])),  # a joiner, as emoji hold, is text
        (
            check.text,
            "a\tb",
            (None, ["Control characters (here U+0009) are not allowed in this text."]),
        ),
        (check.text, "a\x00b", (None, [NUL])),
    ],
)
def test_names_and_texts_hold_no_control_characters_or_surrogates(parser, value, expected):
    options = {"of": "rule"} if parser is check.name else {"most": 10}
    assert parse(parser, value, **options) == expected


def test_a_text_of_lines_holds_tabs_and_line_breaks_but_no_other_control_character():
    assert parse(check.text, " a\tb\r\nc ", most=10, lines=True) == ("a\tb\r\nc", [])
    assert parse(check.text, "a\x07b", most=10, lines=True) == (
        None,
        ["Control characters (here U+0007) are not allowed in this text."],
    )
    assert parse(check.text, "a\udfffb", most=10, lines=True) == (
        None,
        ["A lone surrogate (U+DFFF) is not text: send the text as UTF-8."],
    )


def test_choice():
    options = ("daily", "weekly", "monthly")
    assert parse(check.choice, "weekly", options=options) == ("weekly", [])
    for wrong in (None, "hourly", ["daily"]):
        assert parse(check.choice, wrong, options=options) == (
            None,
            ["Use one of: daily, weekly or monthly."],
        )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (None, [])),
        (1, (1, [])),
        (10, (10, [])),
        (0, (None, ["Use a whole number from 1 to 10."])),
        (11, (None, ["Use a whole number from 1 to 10."])),
        (True, (None, ["Use a whole number from 1 to 10."])),
        ("3", (None, ["Use a whole number from 1 to 10."])),
    ],
)
def test_whole(value, expected):
    assert parse(check.whole, value, most=10) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("2025-01-31", dt.date(2025, 1, 31)),
        (dt.date(2025, 1, 31), dt.date(2025, 1, 31)),
        ("2025-02-30", "refused"),
        ("1899-12-31", "refused"),
        ("someday", "refused"),
        (20250131, "refused"),
    ],
)
def test_day(value, expected):
    day, problems = parse(check.day, value)
    if expected == "refused":
        assert (day, problems) == (None, ["Give a date from 1900 on, as YYYY-MM-DD."])
    else:
        assert (day, problems) == (expected, [])


def test_money():
    assert parse(check.money, "-12.34", currency="EUR") == (-1234, [])
    assert parse(check.money, "-12.34", currency=None) == (None, [])  # none to check it in
    for missing in (None, " ", -12.34):
        assert parse(check.money, missing, currency="EUR") == (
            None,
            ["Give the amount, e.g. -12.34."],
        )
    assert parse(check.money, "1.234", currency="EUR") == (
        None,
        ["EUR amounts have at most 2 decimals."],
    )


def test_decimal():
    assert parse(check.decimal, None) == (None, [])
    assert parse(check.decimal, " -50.5 ") == ("-50.5", [])
    assert parse(check.decimal, "ten") == (
        None,
        ["Write the amount as a number, e.g. -50 or 12.50."],
    )


def test_label():
    payee = clean_payee_name
    assert parse(check.label, " Amazon ", clean=payee) == ("Amazon", [])
    assert parse(check.label, 5, clean=payee) == (None, ["Expected text."])
    assert parse(check.label, " ", clean=payee) == (None, ["Give the payee a name."])


def test_tags_are_kept_once_in_any_case():
    assert parse(check.tags, None) == ([], [])
    assert parse(check.tags, ["home", "Home", " fixed "]) == (["home", "fixed"], [])
    assert parse(check.tags, "home") == ([], ["Expected a list of tags."])
    tags, problems = parse(check.tags, ["a,b", 1, "ok"])
    assert tags == ["ok"]
    assert problems == ["A tag cannot contain a comma: 'a,b'.", "A tag is a string."]
    assert parse(check.tags, ["a", "b", "c"], most=2) == (
        ["a", "b", "c"],
        ["Use at most 2 tags (this has 3)."],
    )


@pytest.fixture
def conn():
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    conn.execute("CREATE TABLE accounts (id, book_id, currency, archived)")
    conn.execute("CREATE TABLE categories (id, book_id)")
    conn.execute("INSERT INTO accounts VALUES (1, 7, 'EUR', 0), (2, 8, 'USD', 0)")
    conn.execute("INSERT INTO categories VALUES (3, 7)")
    yield conn
    conn.close()


def test_accounts_and_categories_of_the_book(conn):
    problems = Problems()
    assert check.account(conn, 7, 1, "account_id", problems)["currency"] == "EUR"
    assert check.account(conn, 7, None, "account_id", problems) is None
    assert check.account(conn, 7, 2, "account_id", problems) is None  # another book's
    assert check.account(conn, 7, None, "transfer", problems, required=True) is None
    assert check.category(conn, 7, 3, "category_id", problems)
    assert check.category(conn, 7, None, "category_id", problems)
    assert not check.category(conn, 7, 4, "category_id", problems)
    assert found(problems) == [
        ("account_id", "This book has no account with id 2."),
        ("transfer", "Choose the account."),
        ("category_id", "This book has no category with id 4."),
    ]


@pytest.mark.parametrize("odd", [1.5, 1.0, "1", True])
def test_an_id_is_a_whole_number(conn, odd):
    problems = Problems()
    assert check.account(conn, 7, odd, "account_id", problems) is None
    assert not check.category(conn, 7, odd, "category_id", problems)
    assert found(problems) == [
        ("account_id", "Give the id as a whole number."),
        ("category_id", "Give the id as a whole number."),
    ]


@dataclass(frozen=True)
class Thing:
    name: str
    memo: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ThingChanges:
    name: str | None = None
    memo: str | None = None
    tags: list[str] | None = None
    cleared: frozenset[str] = field(default_factory=frozenset)


def test_inputs_from_a_mapping_and_changes_from_a_patch():
    assert check.from_mapping(Thing, {"memo": "m", "ref": 3}) == Thing(name=None, memo="m")
    changes = check.changes_of(ThingChanges, {"name": "New", "memo": None})
    assert changes == ThingChanges(name="New", cleared=frozenset({"memo"}))
    assert check.given(changes) == {"name", "memo"}
    assert check.given(ThingChanges()) == frozenset()
    current = Thing(name="Old", memo="kept?", tags=["a"])
    assert check.changed(current, changes) == Thing(name="New", memo=None, tags=["a"])
