"""Checking input, written once: small parsers of one field each, and `Problems`, which
collects what is wrong with an input, each problem at its field, to refuse it all at once.

A parser takes the value as sent (anything: a book file has no schema in front of it), the
field's name as the client reads it, and the collector (then its options, by keyword; those
that look in the book take its connection and id first). It returns the value as the book
keeps it, or None when the value was left out or refused (the problem is then collected).
`Problems.within("transactions[3]")` names what it collects `transactions[3].amount`, so an
item of a book file is checked by the same code as the API's input.

Domain writers take one frozen dataclass as input. A change (a PATCH) is a dataclass whose
None means "leave as it is" and whose `cleared` names the fields sent as null to clear them:
`changes_of` makes one from a body, `changed` makes it on the current state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, fields, replace
from typing import Any, TypeVar

from server.characters import character_problem
from server.domain.field_rules import choice_rule, length_rule, range_rule
from server.domain.labels import clean_tag_name
from server.domain.money import AmountError, parse_amount
from server.errors import FieldError, ValidationFailed
from server.translatable import _l

MAX_PROBLEMS = 100
# Limits of what a person writes. The API's schemas state them on what is sent; the checks here
# measure text stripped of the whitespace around it, and count tags once in any case.
NAME_MAX = 100  # a book's, account's, category group's, category's, rule's or schedule's name
MEMO_MAX = 1000  # a transaction's memo (a scheduled one's too)
MAX_TAGS = 50  # a transaction's tags (a scheduled one's too)
DECIMAL_TEXT_MAX = 30  # a bound on a `decimal` as sent (the longest it takes has 21)
MAX_POSITION = 1_000_000  # a sort key (a category group's, a rule's) lies within +/- this
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9999, 12, 31)
DECIMAL_PATTERN = r"-?\d{1,15}(\.\d{1,4})?"
_DECIMAL = re.compile(DECIMAL_PATTERN)

Input = TypeVar("Input")


def field_name(prefix: str, name: str | None) -> str | None:
    """Return `name` inside `prefix`: `transactions[3]` and `amount` make
    `transactions[3].amount` (`[0]` joins without a dot; no name is the prefix itself)."""
    if not prefix:
        return name
    if name is None:
        return prefix
    return prefix + name if name.startswith("[") else f"{prefix}.{name}"


class Problems:
    """What is wrong with an input, each problem at its field, to report all at once.

    It keeps the first `limit` problems and only counts the others. `within(prefix)` is a view
    that collects here under a prefix; `len()` of a view counts what went through it, so the
    checker of one item can tell whether that item was fine, while `errors`, `more` and
    `raise_if_any` speak for the whole collection.
    """

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self._limit = limit
        self._found: list[FieldError] = []
        self._more = 0
        self._count = 0
        self._parent: Problems | None = None
        self._prefix = ""

    def within(self, prefix: str) -> Problems:
        """Return a view that collects here, each field named inside `prefix`."""
        view = Problems(self._limit)
        view._parent, view._prefix = self, prefix
        return view

    def add(self, field: str | None, message: str) -> None:
        """Collect a problem with `field` (None: the input as a whole)."""
        self._count += 1
        if self._parent is not None:
            self._parent.add(field_name(self._prefix, field), message)
        elif len(self._found) < self._limit:
            self._found.append(FieldError(field, message))
        else:
            self._more += 1

    def check(self, ok: bool, field: str | None, message: str) -> bool:
        """Collect the problem unless `ok`; return `ok`."""
        if not ok:
            self.add(field, message)
        return ok

    def add_all(self, errors: Iterable[FieldError]) -> None:
        """Collect the problems of a refusal (a ValidationFailed's `errors`)."""
        for error in errors:
            self.add(error.field, error.message)

    def __len__(self) -> int:
        return self._count

    @property
    def errors(self) -> list[FieldError]:
        """Return the problems kept (the first `limit` of the whole collection)."""
        return list(self._root()._found)

    @property
    def more(self) -> int:
        """Return how many problems were found past the first `limit`."""
        return self._root()._more

    @property
    def full(self) -> bool:
        """Return whether a problem was found past the first `limit`: a checker of a long
        input (a book file) stops there, as more would not be listed."""
        return self.more > 0

    def raise_if_any(self, detail: str) -> None:
        """Refuse the input (ValidationFailed, with every problem kept) if this collector or
        view found any."""
        if not self:
            return
        if self.more:
            detail = _l(
                "%(detail)s The first %(limit)s problems are listed; %(more)s more were found.",
                detail=detail,
                limit=self._limit,
                more=self.more,
            )
        raise ValidationFailed(detail, errors=self.errors)

    def _root(self) -> Problems:
        return self if self._parent is None else self._parent._root()


# --- parsers of one field -----------------------------------------------------------------------


def characters(value: str, field: str, problems: Problems, *, lines: bool = False) -> bool:
    """Return whether `value` holds only characters a text may hold (see `server.characters`;
    `lines`: tabs and line breaks too), else collect the problem."""
    problem = character_problem(value, lines=lines)
    return problems.check(problem is None, field, problem or "")


def text(
    value: object, field: str, problems: Problems, *, most: int, lines: bool = False
) -> str | None:
    """Return optional text stripped, of at most `most` characters (of `lines` if told: tabs
    and line breaks, no other control characters); None when left out, blank or refused."""
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(field, _l("Expected text."))
        return None
    stripped = value.strip()
    if not characters(stripped, field, problems, lines=lines):
        return None
    if len(stripped) > most:
        problems.add(field, length_rule(most=most, has=len(stripped), unit="characters"))
    return stripped or None


# What a name of each kind of thing must be, said whole so that each language can say it.
NAME_RULES = {
    "account": _l("Give the account a name of 1 to %(most)s characters."),
    "book": _l("Give the book a name of 1 to %(most)s characters."),
    "category": _l("Give the category a name of 1 to %(most)s characters."),
    "category group": _l("Give the category group a name of 1 to %(most)s characters."),
    "group": _l("Give the group a name of 1 to %(most)s characters."),
    "rule": _l("Give the rule a name of 1 to %(most)s characters."),
}


def name(value: object, field: str, problems: Problems, *, of: str, most: int = NAME_MAX) -> str:
    """Return the name of `of` (one of NAME_RULES: a rule, say) stripped, 1 to `most`
    characters; "" if refused."""
    stripped = value.strip() if isinstance(value, str) else ""
    if not 1 <= len(stripped) <= most:
        problems.add(field, _l(NAME_RULES[of].msgid, most=most))
        return ""
    if not characters(stripped, field, problems):
        return ""
    return stripped


def choice(value: object, field: str, problems: Problems, *, options: Sequence[str]) -> str | None:
    """Return one of `options`; None (and a problem) for anything else."""
    if value in options:
        return value  # type: ignore[return-value]  # one of the strings
    problems.add(field, choice_rule(options))
    return None


def whole(
    value: object, field: str, problems: Problems, *, most: int, least: int = 1
) -> int | None:
    """Return a whole number from `least` to `most`; None when left out or refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        problems.add(field, range_rule(least=least, most=most, whole=True))
        return None
    return value


def is_id(value: object, field: str, problems: Problems) -> bool:
    """Return whether `value` is a whole number, as ids are (not 1.5, "1" or true), else
    collect the problem."""
    ok = isinstance(value, int) and not isinstance(value, bool)
    return problems.check(ok, field, _l("Give the id as a whole number."))


def day(value: object, field: str, problems: Problems) -> dt.date | None:
    """Return a date from 1900 on, given as a date or as YYYY-MM-DD; None when left out."""
    if value is None:
        return None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date) or not FIRST_DAY <= value <= LAST_DAY:
        problems.add(field, _l("Give a date from 1900 on, as YYYY-MM-DD."))
        return None
    return value


CONFIRM_FAR_DATE = "confirm_far_date"  # the body's flag that keeps a date far ahead


def one_year_after(today: dt.date) -> dt.date:
    """Return the same day a year later (Feb 29 gives Feb 28; never past LAST_DAY)."""
    if today.year >= LAST_DAY.year:
        return LAST_DAY
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def far_ahead(
    value: dt.date | None, field: str, problems: Problems, *, today: dt.date, confirmed: bool
) -> None:
    """Refuse a date more than a year after `today` unless the client confirms it (sends
    `confirm_far_date: true`): far likelier a slip of the year, 2207 for 2027, than a plan."""
    latest = one_year_after(today)
    if value is None or confirmed or value <= latest:
        return
    problems.add(
        field,
        _l(
            "This date is more than a year ahead (after %(isoformat)s): check the "
            "year, or confirm that date.",
            isoformat=latest.isoformat(),
        ),
    )
    problems.add(CONFIRM_FAR_DATE, _l("Send true to keep a date more than a year ahead."))


def money(value: object, field: str, problems: Problems, *, currency: str | None) -> int | None:
    """Return an amount given as a decimal string in minor units of `currency`; None when
    refused, or unchecked when the currency is not known (its account was refused)."""
    if not isinstance(value, str) or not value.strip():
        problems.add(field, _l("Give the amount, e.g. -12.34."))
        return None
    if currency is None:
        return None
    try:
        return parse_amount(value, currency)
    except AmountError as error:
        problems.add(field, error.message)
        return None


def decimal(value: object, field: str, problems: Problems) -> str | None:
    """Return a number without a currency (up to 4 decimals) as text; None when left out."""
    if value is None:
        return None
    number = str(value).strip()
    if not _DECIMAL.fullmatch(number):
        problems.add(field, _l("Write the amount as a number, e.g. -50 or 12.50."))
        return None
    return number


def label(
    value: object, field: str, problems: Problems, *, clean: Callable[[str, str], str]
) -> str | None:
    """Return a payee's or tag's name as the book keeps it (`clean`, see `labels`); None when
    refused."""
    if not isinstance(value, str):
        problems.add(field, _l("Expected text."))
        return None
    try:
        return clean(value, field)
    except ValidationFailed as refusal:
        problems.add_all(refusal.errors)
        return None


def tags(
    value: object, field: str, problems: Problems, *, most: int = MAX_TAGS, each: bool = False
) -> list[str]:
    """Return tag names, each once in any case (its first spelling); [] when left out. With
    `each`, a refused tag is named at its place in the list (`tags[2]`)."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(field, _l("Expected a list of tags."))
        return []
    kept: dict[str, str] = {}
    for index, tag in enumerate(value):
        try:
            cleaned = clean_tag_name(tag, field_name(field, f"[{index}]") if each else field)
        except ValidationFailed as refusal:
            problems.add_all(refusal.errors)
            continue
        kept.setdefault(cleaned.casefold(), cleaned)
    if len(kept) > most:
        problems.add(field, length_rule(most=most, has=len(kept), unit="tags"))
    return list(kept.values())


def account(
    conn: sqlite3.Connection,
    book_id: int,
    value: object,
    field: str,
    problems: Problems,
    *,
    required: bool = False,
) -> sqlite3.Row | None:
    """Return the book's account `value` (its id, currency and archived); None when left out
    (a problem if `required`) or when the book has no such account."""
    if value is None:
        problems.check(not required, field, _l("Choose the account."))
        return None
    if not is_id(value, field, problems):
        return None
    row = conn.execute(
        "SELECT id, currency, archived FROM accounts WHERE id = ? AND book_id = ?",
        [value, book_id],
    ).fetchone()
    problems.check(
        row is not None, field, _l("This book has no account with id %(value)s.", value=value)
    )
    return row


def category(
    conn: sqlite3.Connection, book_id: int, value: object, field: str, problems: Problems
) -> bool:
    """Return whether `value` is left out or one of the book's categories (else a problem)."""
    if value is None:
        return True
    if not is_id(value, field, problems):
        return False
    found = conn.execute(
        "SELECT 1 FROM categories WHERE id = ? AND book_id = ?", [value, book_id]
    ).fetchone()
    return problems.check(
        found is not None, field, _l("This book has no category with id %(value)s.", value=value)
    )


# --- inputs as dataclasses ----------------------------------------------------------------------


def from_mapping(kind: type[Input], values: Mapping[str, Any]) -> Input:
    """Return `kind` made of the `values` it has fields for (a book file's item, say); a
    field without a default that `values` lacks is None, for its checker to refuse."""
    made = {}
    for f in fields(kind):  # type: ignore[arg-type]  # a dataclass
        if f.name in values:
            made[f.name] = values[f.name]
        elif f.default is MISSING and f.default_factory is MISSING:
            made[f.name] = None
    return kind(**made)


def changes_of(kind: type[Input], sent: Mapping[str, Any]) -> Input:
    """Return the changes a client sent (a PATCH body) as `kind`: a null clears its field,
    a field left out stays as it is."""
    return kind(
        **{key: value for key, value in sent.items() if value is not None},
        cleared=frozenset(key for key, value in sent.items() if value is None),
    )


def given(changes: Any) -> frozenset[str]:
    """Return the names of the fields a change sets or clears."""
    return frozenset(
        f.name
        for f in fields(changes)
        if f.name != "cleared" and getattr(changes, f.name) is not None
    ) | frozenset(changes.cleared)


def changed(current: Input, changes: Any) -> Input:
    """Return `current` (an input dataclass) with `changes` made: each field they set, and
    None for each they clear."""
    return replace(  # type: ignore[type-var]  # a dataclass
        current,
        **{name: getattr(changes, name) for name in given(changes) - changes.cleared},
        **dict.fromkeys(changes.cleared),
    )
