"""Every word the scripts show a person goes through i18n.js's t()/tn(), so it can be translated.

A string literal in ui/static/js is user-visible when it lands where people read it (textContent,
a title, an aria-label, a confirm, an <option>, an error's message, the DOM helpers of dom.js…)
or reads like prose ("Save", "no payee"); it must then be the msgid of a t() or tn() call.
Literals that are not text (selectors, classes, URLs, event and header names, API values) are
let through by where they stand and by their shape: those lists below are the allow-list.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.js_tokens import Token, tokenize

SCRIPTS = Path(__file__).resolve().parents[2] / "ui" / "static" / "js"


def words(text: str) -> set[str]:
    """The set of the names in a text separated by spaces."""
    return set(text.split())


# Words a person reads: a capitalised word, or two words.
PROSE = re.compile(r"^\W*[A-Z][a-z]|[A-Za-z]{2,}[ ,.!?…:;]+[A-Za-z]")

# `x.<name> = "..."` shows text; so does `{<key>: "..."}` for these keys.
SHOWN_PROPERTIES = words("textContent innerText title placeholder ariaLabel alt label")
SHOWN_KEYS = words("detail message textContent title label text describe")
SHOWN_ATTRIBUTES = words("aria-label aria-valuetext title placeholder alt")
# `<name>(...)`: which arguments are shown (None: every one). cell, dangerButton, showText,
# showError and say are the helpers of dom.js, forms.js and undo.js; answerButton, item, empty,
# aheadLine and link are the pages' own makers of a button, a list item, a line or a link.
SHOWN_ARGUMENTS: dict[str, set[int] | None] = {
    **{name: {0} for name in words("alert confirm prompt Option Error createTextNode cell say")},
    **{name: {0} for name in words("answerButton item empty aheadLine")},
    **dict.fromkeys(words("append prepend replaceChildren")),
    "dangerButton": {0, 2},
    "link": {0, 2},
    "showText": {1},
    "showError": {0, 2},  # showError(message) of a section, showError(form, field, message)
}

# `<name>("...")` names something in code: a selector, an event, a storage key, a URL, a format.
CODE_ARGUMENTS = words(
    """querySelector querySelectorAll closest matches getElementById createElement
    addEventListener removeEventListener CustomEvent getItem setItem removeItem getAttribute
    removeAttribute toggleAttribute hasAttribute add remove toggle contains api fetch fetchAll
    assign get set has delete startsWith endsWith includes split join padStart matchMedia
    getPropertyValue URLSearchParams URL NumberFormat DateTimeFormat toLocaleDateString
    toLocaleString PluralRules escape replace at indexOf"""
)
# `x.<name> = "..."` and `{<name>: "..."}` hold code too.
CODE_PROPERTIES = words("className id href type name value htmlFor src method")
CODE_KEYS = words(
    """className id href type scope tag data headers method stack yAxisID
    cubicInterpolationMode position mode axis key"""
)
# Not words: paths and URLs, selectors, MIME types, dotted or snake_case names, CSS classes.
CLASS = r"([a-z]+-[\w-]+|border|small|badge|btn|bi|money)"
# Keys as KeyboardEvent names them and the shortcuts combine them ("Ctrl+Shift+Z", "Enter ↓",
# "Esc"): what the keyboard's caps say, never translated words.
KEY = r"((Ctrl|Shift|Alt)\+|Enter|Esc|Tab|Arrow(Up|Down|Left|Right)|[A-Z↑↓]|\{\})+"
NON_TEXT = re.compile(
    r"^(\{\})?[./#?\[:]|^[\w-]+:[\w-]|^\w+/[\w.+-]+$|^[\w{}-]+(\.[\w{}-]+)+$|^[a-z]+(_[a-z]+)+$"
    rf"|^{CLASS}( {CLASS})*$|^{KEY}( {KEY})*$"
)


def _previous(tokens: list[Token], index: int, count: int) -> list[str]:
    return [t.text for t in tokens[max(0, index - count) : index]]


def _call_of(tokens: list[Token], index: int) -> tuple[str | None, int]:
    """The function whose argument list holds tokens[index] directly, and which argument it is."""
    depth, argument = 0, 0
    for i in range(index - 1, -1, -1):
        text = tokens[i].text if tokens[i].kind == "punct" else None
        if text == ";":
            break
        if text in (")", "]", "}"):
            depth += 1
        elif text in ("(", "[", "{"):
            if depth == 0:
                callee = i - 2 if i > 1 and tokens[i - 1].text == "?." else i - 1  # f?.(...)
                if text == "(" and callee >= 0 and tokens[callee].kind == "word":
                    return tokens[callee].text, argument
                return None, argument
            depth -= 1
        elif text == "," and depth == 0:
            argument += 1
    return None, argument


def _is_msgid(tokens: list[Token], index: int) -> bool:
    before = _previous(tokens, index, 4)
    return before[-2:] in (["t", "("], ["tn", "("]) or (
        before[-4:-2] == ["tn", "("] and tokens[index - 2].kind == "string" and before[-1] == ","
    )


def _where(tokens: list[Token], index: int) -> str:
    """ "shown", "code" or "" (nothing known) for the place tokens[index] stands."""
    before = _previous(tokens, index, 4)
    after = tokens[index + 1].text if index + 1 < len(tokens) else ""
    if (after == ":" and before[-1:] in (["{"], [","])) or before[-1:] == ["["]:
        return "code"  # an object's key, or a computed one
    if after in ("===", "!==") or before[-1:] in (["==="], ["!=="], ["case"], ["import"], ["from"]):
        return "code"  # compared with a value, or a module
    if len(before) >= 2 and before[-1] in ("=", ":"):
        if before[-2] in SHOWN_PROPERTIES or (before[-1] == ":" and before[-2] in SHOWN_KEYS):
            return "shown"
        if before[-2] in CODE_PROPERTIES or (before[-1] == ":" and before[-2] in CODE_KEYS):
            return "code"
    name, argument = _call_of(tokens, index)
    if name == "setAttribute":
        attribute = tokens[index - 2].text if argument == 1 else ""
        return "shown" if attribute in SHOWN_ATTRIBUTES else "code"
    if name in SHOWN_ARGUMENTS:
        shown = SHOWN_ARGUMENTS[name]
        return "shown" if shown is None or argument in shown else "code"
    if name in CODE_ARGUMENTS:
        return "code"
    return ""


def unmarked_in(name: str, source: str) -> list[str]:
    """Return `name:line: 'literal'` for each user-visible literal of a module not marked."""
    found = []
    tokens = tokenize(source)
    for index, token in enumerate(tokens):
        if token.kind not in ("string", "template") or not re.search("[A-Za-z]", token.text):
            continue
        if _is_msgid(tokens, index) or NON_TEXT.search(token.text):
            continue
        where = _where(tokens, index)
        if where == "shown" or (PROSE.search(token.text) and where != "code"):
            found.append(f"{name}:{token.line}: {token.text!r}")
    return found


@pytest.mark.parametrize(
    ("source", "unmarked"),
    [
        ('el.textContent = "new";', ["'new'"]),
        ("el.title = `Goal of ${name}`;", ["'Goal of {}'"]),
        ('el.setAttribute("aria-label", "Close");', ["'Close'"]),
        ("if (!window.confirm(`Delete ${x}?`)) return;", ["'Delete {}?'"]),
        ('throw new Error("There is no such account.");', ["'There is no such account.'"]),
        (
            'row.append(cell("Total"), dangerButton("Remove", go, "Remove it"));',
            ["'Total'", "'Remove'", "'Remove it'"],
        ),
        ('const NAMES = { cash: "Cash", other: "(no payee)" };', ["'Cash'", "'(no payee)'"]),
        ('el.textContent = t("Save"); el.title = tn("{count} row", "{count} rows", n);', []),
        ('el.className = "btn btn-sm text-end"; el.querySelector("[data-x] .small");', []),
        ('api("GET", `/books/${id}/budget?month=${m}`); el.setAttribute("aria-busy", "true");', []),
        ('if (event.key === "Enter") go(); headers["Content-Type"] = "application/json";', []),
        ('addShortcut("Ctrl+Shift+Z", t("Redo it")); listShortcut(s, "Enter ↓", t("Next"));', []),
        ('addShortcut("Ctrl+Z", "Undo it");', ["'Undo it'"]),
    ],
)
def test_the_checker_tells_text_from_code(source, unmarked):
    assert [found.split(": ", 1)[1] for found in unmarked_in("x.js", source)] == unmarked


def test_every_string_the_scripts_show_is_marked_for_translation():
    unmarked = [
        found
        for path in sorted(SCRIPTS.rglob("*.js"))
        for found in unmarked_in(path.relative_to(SCRIPTS).as_posix(), path.read_text("utf-8"))
    ]
    assert not unmarked, "mark these with t()/tn() from i18n.js:\n" + "\n".join(unmarked)
