"""What every reader of another app's book hands on: a book file, and the source's balances."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO


class ForeignBookProblem(Exception):
    """The file cannot be read as that app's book; the message says why, for a person."""


@dataclass(frozen=True)
class ForeignBook:
    """A book read from another app.

    `document` is a Tallybook book file (the format `GET /books/{id}/export.json` writes and
    `server.domain.book_load.load_book` reads), with `book.name` and `book.currency` set.
    `balances` is what the other app says each account holds, by the account's name in
    `document`, in the account's currency. `notes` say, in plain words, what was not brought
    over or what the source itself gets wrong (a failed balance assertion, say).
    """

    app: str
    document: dict[str, Any]
    balances: dict[str, Decimal] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def book_file(self) -> BinaryIO:
        """The document as the bytes of a book file, for `load_book`."""
        return io.BytesIO(json.dumps(self.document, ensure_ascii=False).encode())
