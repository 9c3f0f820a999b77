"""Finding what a person reads but no catalog can translate: text and user-visible attributes
of the templates outside `{{ }}` / `{% %}` / `{% trans %}`, and problem messages in the server's
Python built from a bare string literal (not `_l(...)`)."""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

JINJA = re.compile(r"(\{\{.*?\}\}|\{%-?\s*.*?-?%\}|\{#.*?#\})", re.DOTALL)
# What a person reads in a tag: these attributes, a button's or submit input's value, and a
# table cell's data-label (shown before it on a narrow screen).
SHOWN_ATTRIBUTES = re.compile(
    r"""\s(placeholder|title|aria-label|alt|value|data-label)=(["'])(.*?)\2""", re.DOTALL
)
BUTTON_TAG = re.compile(r"<(button|input[^>]*type=[\"'](button|submit|reset))\b", re.IGNORECASE)
WORDS = re.compile(r"[^\W\d_]{2,}")
# A macro that writes attributes (`data-book-id="{{ book.id }}"`) is markup, not text.
ATTRIBUTES_ONLY = re.compile(r'\s*"?(\s*[\w-]+=")*\s*')
# Names, not words: the same in every language.
UNTRANSLATED = {"Tallybook", "YNAB", "OFX", "QIF", "CSV", "JSON", "OAuth", "API"}


@dataclass(frozen=True)
class Unmarked:
    """A piece of text a person reads that is not marked for translation."""

    line: int
    text: str
    kind: str  # "text" or the attribute's name


def _readable(text: str) -> bool:
    if ATTRIBUTES_ONLY.fullmatch(text):
        return False
    words = WORDS.findall(html.unescape(text))
    return any(word not in UNTRANSLATED for word in words)


def template_pieces(source: str) -> Iterator[tuple[int, int, str, str]]:
    """Yield (start, end, kind, text) of each text node and shown attribute value written in
    plain HTML, outside Jinja and outside `{% trans %}` blocks (kind: "text" or the
    attribute's name). Script and style contents are no text."""
    in_tag = in_trans = in_code = False
    tag_start = 0
    pos = 0
    for piece in JINJA.split(source):
        start, pos = pos, pos + len(piece)
        if JINJA.fullmatch(piece):
            word = piece.strip("{%-# ").split(" ")[0]
            if word == "trans":
                in_trans = True
            elif word == "endtrans":
                in_trans = False
            continue
        index = 0
        while index < len(piece):
            if in_tag:
                close = piece.find(">", index)
                end = close if close >= 0 else len(piece)
                if not in_trans:
                    yield from _attributes(piece, index, end, start, source, tag_start)
                if close < 0:
                    break
                in_tag, index = False, close + 1
                continue
            opening = piece.find("<", index)
            end = opening if opening >= 0 else len(piece)
            text = piece[index:end]
            if not in_trans and not in_code and text.strip() and _readable(text):
                yield start + index, start + end, "text", text
            if opening < 0:
                break
            name = re.match(r"</?([a-zA-Z0-9-]+)", piece[opening:])
            tag = name.group(1).lower() if name else ""
            if tag in ("script", "style"):
                in_code = not piece.startswith("</", opening)
            in_tag, tag_start, index = True, start + opening, opening + 1


def _attributes(
    piece: str, index: int, end: int, offset: int, source: str, tag_start: int
) -> Iterator[tuple[int, int, str, str]]:
    for match in SHOWN_ATTRIBUTES.finditer(piece, index, end):
        name, value = match.group(1), match.group(3)
        if name == "value" and not BUTTON_TAG.match(source, tag_start):
            continue
        if name == "data-label" and not source.startswith("<td", tag_start):
            continue  # a cell's label is shown (CSS writes it on a phone); elsewhere a key
        if _readable(value):
            yield offset + match.start(3), offset + match.end(3), name, value


def unmarked_in_template(path: Path) -> list[Unmarked]:
    """Return the unmarked text and shown attributes of one template."""
    source = path.read_text(encoding="utf-8")
    return [
        Unmarked(source.count("\n", 0, start) + 1, " ".join(text.split()), kind)
        for start, _end, kind, text in template_pieces(source)
    ]


# Calls whose message argument a person reads: (position, keyword) of that argument.
PROBLEM_CALLS = {
    "FieldError": (1, "message"),
    "on": (1, None),
    "add": (1, None),
    "check": (2, None),
}


def _problem_classes(root: Path) -> set[str]:
    """Return the names of `server.errors.AppError` and its subclasses anywhere in `root`."""
    found = {"AppError"}
    grew = True
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in root.rglob("*.py")]
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in found
                    and any(isinstance(b, ast.Name) and b.id in found for b in node.bases)
                ):
                    found.add(node.name)
                    grew = True
    return found


def _callee(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _is_bare(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _readable(node.value)
    return isinstance(node, ast.JoinedStr)


def unmarked_in_python(root: Path) -> list[tuple[Path, int, str]]:
    """Return (file, line, text) of each problem message in `root` given as a bare literal."""
    classes = _problem_classes(root)
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _callee(node)
            if name in classes:
                position, keyword = 0, "detail"
            elif name == "raise_if_any":
                position, keyword = 0, None
            elif name in PROBLEM_CALLS and (
                name == "FieldError" or _receiver_is_problems(node) or _on_a_problem(node, classes)
            ):
                position, keyword = PROBLEM_CALLS[name]
            else:
                continue
            given = node.args[position : position + 1] + [
                k.value for k in node.keywords if keyword and k.arg == keyword
            ]
            for argument in given:
                if _is_bare(argument):
                    found.append((path, argument.lineno, ast.unparse(argument)[:80]))
    return found


def _receiver_is_problems(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and "problem" in ast.unparse(func.value)


def _on_a_problem(node: ast.Call, classes: set[str]) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "on"
        and isinstance(func.value, ast.Name)
        and func.value.id in classes
    )
