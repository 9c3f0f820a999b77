"""Reading a book file (see `book_file`) from a stream without holding it whole.

A book file may be hundreds of megabytes, and its parsed tree takes ten to thirty times its
size, so it is never parsed at once, and not read twice: its top level is walked here, in one
pass, as `book_check` asks for its parts (`BookFileReader.get`). Each item of the transactions
is parsed alone (by the standard library's JSON decoder), checked, and dropped: what is kept
is the checked rows, never the tree. So the parts the transactions refer to (the book,
accounts and categories, and the format) come before them, as Tallybook writes them and as
JSON written with its keys sorted has them; the others may stand anywhere.

Bounds, so that no file costs more than its rows: each list holds at most its `LIST_LIMITS`
items (refused at once past that), an item is at most `MAX_ITEM_CHARS` of JSON, and the rest
of the file holds at most `MAX_HEAD_VALUES` values.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from server.errors import AppError, ValidationFailed
from server.translatable import _l

# The most items each list of a book file may hold: far beyond a household's or a small
# business's books (the transactions: a 512 MB file holds about two million).
MAX_BOOK_ACCOUNTS = 10_000
MAX_BOOK_CATEGORY_GROUPS = 10_000
MAX_BOOK_CATEGORIES = 10_000
MAX_BOOK_PAYEES = 500_000
MAX_BOOK_TAGS = 100_000
MAX_BOOK_RULES = 10_000
MAX_BOOK_BUDGETS = 200_000
MAX_BOOK_GOALS = MAX_BOOK_CATEGORIES  # one per category at most
MAX_BOOK_SCHEDULES = 10_000
MAX_BOOK_RECONCILIATIONS = 100_000
MAX_BOOK_TRANSACTIONS = 5_000_000
LIST_LIMITS = {
    "accounts": MAX_BOOK_ACCOUNTS,
    "category_groups": MAX_BOOK_CATEGORY_GROUPS,
    "categories": MAX_BOOK_CATEGORIES,
    "payees": MAX_BOOK_PAYEES,
    "tags": MAX_BOOK_TAGS,
    "rules": MAX_BOOK_RULES,
    "budgets": MAX_BOOK_BUDGETS,
    "goals": MAX_BOOK_GOALS,
    "schedules": MAX_BOOK_SCHEDULES,
    "reconciliations": MAX_BOOK_RECONCILIATIONS,
    "transactions": MAX_BOOK_TRANSACTIONS,
}
# One item (a transaction with 100 split parts and every memo full is about 0.6 M characters).
MAX_ITEM_CHARS = 1_000_000
MAX_HEAD_VALUES = 1_000_000  # everything but the transactions: some 100 MB parsed at most
_CHUNK = 1024 * 1024
_NOT_SPACE = re.compile(r"[^ \t\n\r]")  # JSON's white space is these four
NOT_JSON = _l("The book file is not JSON (RFC 8259, in UTF-8).")
BEFORE_THE_TRANSACTIONS = _l("Give it before the transactions in the file, as Tallybook writes it.")
NOT_AN_OBJECT = _l("A book file is a JSON object; this is JSON of another kind.")


class BookFileReader:
    """The top level of a book file read from `file`, a part at a time, as `get` asks for it
    (the transactions, when a list, as an iterator that reads them as they are asked for).

    Anything that is not JSON, or beyond a bound, is refused (AppError 400, or
    ValidationFailed naming the part).
    """

    def __init__(self, file: BinaryIO) -> None:
        self._parts = _top_level(file)
        self._read: dict[str, Any] = {}
        self._values = 0
        self._list: _Items | None = None  # the transactions, while they are being read
        self._absent: set[str | None] = set()  # parts asked for before the transactions

    def get(self, key: str, default: Any = None) -> Any:
        """Return the part `key` of the file (`default` if it has none), reading up to it; a
        part asked for while the transactions are not read is taken as left out, and refused
        if it comes after them."""
        while key not in self._read and self._read_one(key):
            pass
        return self._read.get(key, default)

    @property
    def in_transactions(self) -> bool:
        """Whether the reading stands in the transactions, which come before what was asked."""
        return self._list is not None and not self._list.done

    def finish(self) -> None:
        """Read to the end of the file: it must be JSON to the end."""
        while self._read_one(None):
            pass

    def _read_one(self, wanted: str | None) -> bool:
        if self._list is not None and not self._list.done:
            self._absent.add(wanted)  # not before the transactions: taken as left out
            return False
        found = next(self._parts, None)
        if found is None:
            return False
        key, value = found
        if key in self._read:
            raise ValidationFailed.on(key, _l("Given twice in the file."))
        if key in self._absent:
            raise ValidationFailed.on(key, BEFORE_THE_TRANSACTIONS)
        if isinstance(value, _Items) and key == "transactions":
            self._list = value
        elif isinstance(value, _Items):
            value = [self._counted(key, item) for item in value]
        else:
            value = self._counted(key, value)
        self._read[key] = value
        return True

    def _counted(self, key: str, value: Any) -> Any:
        self._values += _count_values(value)
        if self._values > MAX_HEAD_VALUES:
            raise ValidationFailed.on(
                key,
                _l(
                    "Besides its transactions, a book file holds at most "
                    "%(max_head_values)s values.",
                    max_head_values=format(MAX_HEAD_VALUES, ","),
                ),
            )
        return value


def _count_values(value: Any) -> int:
    """Return how many values `value` holds, itself included."""
    count, pending = 0, [value]
    while pending:
        found = pending.pop()
        count += 1
        if isinstance(found, dict):
            pending.extend(found.values())
        elif isinstance(found, list):
            pending.extend(found)
    return count


class _Reader:
    """JSON text read from a binary file a chunk at a time, with a position in it."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.json = json.JSONDecoder()
        self.text = ""
        self.at = 0
        self.ended = False

    def more(self) -> bool:
        """Read the next chunk (dropping what was read); return whether there was one."""
        if self.ended:
            return False
        chunk = self.file.read(_CHUNK)
        try:
            text = self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise AppError(NOT_JSON) from None
        self.ended = not chunk
        self.text = self.text[self.at :] + text
        self.at = 0
        return True

    def next_char(self) -> str:
        """Return the next character that is not white space ("" at the end), not taking it."""
        while True:
            found = _NOT_SPACE.search(self.text, self.at)
            self.at = found.start() if found else len(self.text)
            if found or not self.more():
                return self.text[self.at : self.at + 1]

    def expect(self, allowed: str) -> str:
        """Take the next character, one of `allowed`; refuse the file otherwise."""
        found = self.next_char()
        if not found or found not in allowed:
            raise AppError(NOT_JSON)
        self.at += 1
        return found

    def value(self) -> Any:
        """Parse the value that starts here (of at most MAX_ITEM_CHARS characters)."""
        self.next_char()
        while True:
            try:
                value, end = self.json.raw_decode(self.text, self.at)
            except json.JSONDecodeError:
                end = None
            except RecursionError:
                raise AppError(NOT_JSON + " It is nested too deep.") from None
            # A number at the end of the text may go on in the next chunk.
            if (len(self.text) if end is None else end) - self.at > MAX_ITEM_CHARS:
                raise AppError(
                    _l(
                        "An item of the book file is over %(max_item_chars)s characters.",
                        max_item_chars=format(MAX_ITEM_CHARS, ","),
                    )
                )
            if end is not None and (end < len(self.text) or self.ended):
                self.at = end
                return value
            if not self.more():
                raise AppError(NOT_JSON)


class _Items:
    """The items of a JSON list, each parsed as it is asked for (the list's "[" was taken)."""

    def __init__(self, reader: _Reader, key: str) -> None:
        self.reader = reader
        self.key = key
        self.count = 0
        self.done = False

    def __iter__(self) -> Iterator[Any]:
        reader = self.reader
        if reader.next_char() == "]":
            reader.at += 1
            self.done = True
            return
        limit = LIST_LIMITS.get(self.key)
        while True:
            self.count += 1
            if limit is not None and self.count > limit:
                raise ValidationFailed.on(
                    self.key,
                    _l("A book file holds at most %(limit)s of them.", limit=format(limit, ",")),
                )
            yield reader.value()
            if reader.expect(",]") == "]":
                self.done = True
                return


def _top_level(file: BinaryIO) -> Iterator[tuple[str, Any]]:
    """Yield each (key, value) of the file's top-level object, a list as its `_Items`, which
    must be read before the next; a file whose top level is no object is refused (400), as
    any request body that is not an object is."""
    reader = _Reader(file)
    if not reader.next_char():
        return  # an empty body reads as {}, as the API's other bodies do
    if reader.next_char() != "{":
        reader.value()  # not JSON is told as such first
        if reader.next_char():
            raise AppError(NOT_JSON)
        raise AppError(NOT_AN_OBJECT)
    reader.at += 1
    if reader.next_char() == "}":
        reader.at += 1
    else:
        while True:
            key = reader.value()
            if not isinstance(key, str):
                raise AppError(NOT_JSON)
            reader.expect(":")
            if reader.next_char() == "[":
                reader.at += 1
                items = _Items(reader, key)
                yield key, items
            else:
                yield key, reader.value()
            if reader.expect(",}") == "}":
                break
    if reader.next_char():
        raise AppError(NOT_JSON)
