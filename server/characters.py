"""The characters a text may hold: no control characters (a text of lines may hold tabs and
line breaks) and no lone surrogates, which no UTF-8 (and so no SQLite text) can hold.

Flask-free and below both `server.domain` and `server.auth`, which check every text with it
(the domain's parsers collect the problem with the others of an input, see `validation`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from server.errors import FieldError, ValidationFailed
from server.translatable import _l

_SURROGATE = "\ud800-\udfff"
_NOT_IN_A_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_SURROGATE}]")
_NOT_IN_LINES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SURROGATE}]")
_SURROGATES = re.compile(f"[{_SURROGATE}]")


def character_problem(text: str, *, lines: bool = False, controls: bool = False) -> str | None:
    """Return what is wrong with the characters of `text`, or None. `lines` lets tabs and line
    breaks through; `controls` lets every control character through (surrogates never)."""
    pattern = _SURROGATES if controls else _NOT_IN_LINES if lines else _NOT_IN_A_LINE
    found = pattern.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return _l("A lone surrogate (U+%(code)04X) is not text: send the text as UTF-8.", code=code)
    return _l("Control characters (here U+%(code)04X) are not allowed in this text.", code=code)


def refuse_odd_characters(texts: Mapping[str, str], *, secrets: Collection[str] = ()) -> None:
    """Refuse the texts (ValidationFailed, each at its field) if any holds what no text may;
    the `secrets` among them (passwords) may hold control characters, never surrogates."""
    errors = [
        FieldError(field, problem)
        for field, text in texts.items()
        if (problem := character_problem(text, controls=field in secrets)) is not None
    ]
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
