"""A small tokenizer of our ES modules: enough to find string literals and what comes before them.

It knows comments, strings, template literals (with `${...}` inside, to any depth) and regular
expression literals, so that none of them is taken for another; everything else is split into
identifiers, numbers and punctuation. The tests read strings with it; the app never does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"[A-Za-z_$][\w$]*|\d[\w.]*")
PUNCT = re.compile(r"\?\.|\?\?=?|\.\.\.|=>|[=!]==?|[<>]=?|&&|\|\||[-+*/%&|^]=?|[^\s\w]")
# After these a `/` starts a regular expression, not a division.
BEFORE_REGEX = set("(,=:[!&|?{};+-*%<>~^") | {
    "return",
    "typeof",
    "case",
    "of",
    "in",
    "=>",
    "&&",
    "||",
}


@dataclass(frozen=True)
class Token:
    """A piece of source: kind is "word", "punct", "string" or "template"."""

    kind: str
    text: str  # a string's value; a template's static text with each `${...}` as "{}"
    line: int


def _skip_string(source: str, start: int) -> int:
    quote = source[start]
    i = start + 1
    while source[i] != quote:
        i += 2 if source[i] == "\\" else 1
    return i + 1


def _skip_regex(source: str, start: int) -> int:
    i, in_class = start + 1, False
    while in_class or source[i] != "/":
        if source[i] == "\\":
            i += 1
        elif source[i] == "[":
            in_class = True
        elif source[i] == "]":
            in_class = False
        i += 1
    i += 1
    while i < len(source) and source[i].isalpha():
        i += 1
    return i


def tokenize(source: str) -> list[Token]:
    """Return the tokens of a module; those of each template's `${...}` come at the end, each
    after a ";" of its own, so that what stands before a token is what its own code says."""
    tokens: list[Token] = []
    nested: list[list[Token]] = []
    _scan(source, 0, len(source), tokens, nested, template_end=False)
    for inner in nested:
        tokens += [Token("punct", ";", inner[0].line if inner else 0), *inner]
    return tokens


def _scan(
    source: str,
    i: int,
    end: int,
    tokens: list[Token],
    nested: list[list[Token]],
    *,
    template_end: bool,
) -> int:
    depth = 0
    while i < end:
        char = source[i]
        line = source.count("\n", 0, i) + 1
        if char.isspace():
            i += 1
        elif source.startswith("//", i):
            i = source.find("\n", i) if "\n" in source[i:] else end
        elif source.startswith("/*", i):
            i = source.index("*/", i) + 2
        elif char in "'\"":
            stop = _skip_string(source, i)
            tokens.append(Token("string", _unescape(source[i + 1 : stop - 1]), line))
            i = stop
        elif char == "`":
            i = _template(source, i, tokens, nested, line)
        elif char == "/" and (not tokens or tokens[-1].text in BEFORE_REGEX):
            i = _skip_regex(source, i)
        elif char == "}" and template_end and depth == 0:
            return i + 1
        else:
            match = WORD.match(source, i) or PUNCT.match(source, i)
            text = match.group(0)
            depth += text == "{"
            depth -= text == "}"
            tokens.append(
                Token("word" if text[0].isalnum() or text[0] in "_$" else "punct", text, line)
            )
            i = match.end()
    return i


def _template(
    source: str, start: int, tokens: list[Token], nested: list[list[Token]], line: int
) -> int:
    parts, i = [], start + 1
    piece = ""
    while source[i] != "`":
        if source[i] == "\\":
            piece += source[i : i + 2]
            i += 2
        elif source.startswith("${", i):
            parts.append(piece + "{}")
            piece = ""
            inner: list[Token] = []
            i = _scan(source, i + 2, len(source), inner, nested, template_end=True)
            nested.append(inner)
        else:
            piece += source[i]
            i += 1
    tokens.append(Token("template", "".join(parts) + piece, line))
    return i + 1


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)
