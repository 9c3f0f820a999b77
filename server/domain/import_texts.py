"""Texts of a bank file longer than the book keeps (a payee, a memo) are a line's problem,
never cut without a word: the import lists the line as one it cannot take, and the person
shortens it in the file or skips that line. (Kept whole, such a memo would be one the book
refuses everywhere else: in an edit, in its own book file read back.)"""

from __future__ import annotations

from dataclasses import replace

from server.bankfiles.files import BankFile
from server.bankfiles.rows import Row, RowProblem
from server.domain.field_rules import count
from server.domain.labels import PAYEE_MAX
from server.domain.validation import MEMO_MAX
from server.translatable import Text, _l


def _too_long(what: str, text: str, most: int) -> Text | None:
    length = len(text.strip())
    if length <= most:
        return None
    values = {"has": count(length), "most": count(most)}
    if what == "payee":
        return _l("The payee has %(has)s characters; the book keeps at most %(most)s.", **values)
    if what == "memo":
        return _l("The memo has %(has)s characters; the book keeps at most %(most)s.", **values)
    return _l(
        "The memo of a split has %(has)s characters; the book keeps at most %(most)s.", **values
    )


def _problem(row: Row) -> str | None:
    texts = [("payee", row.payee, PAYEE_MAX), ("memo", row.memo, MEMO_MAX)]
    texts += [("split", part.memo, MEMO_MAX) for part in row.splits]
    return next(filter(None, (_too_long(*text) for text in texts)), None)


def long_texts_as_problems(bank_file: BankFile) -> BankFile:
    """Return the file with each row whose payee or memo is too long moved to its problems."""
    refused = {row.line: problem for row in bank_file.rows if (problem := _problem(row))}
    if not refused:
        return bank_file
    return replace(
        bank_file,
        rows=[row for row in bank_file.rows if row.line not in refused],
        problems=sorted(
            [*bank_file.problems, *(RowProblem(line, why) for line, why in refused.items())],
            key=lambda problem: problem.line,
        ),
    )
