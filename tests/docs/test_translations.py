"""Every string a person reads is translatable, and translated: extracting the marked strings
gives nothing the German and French catalogs lack (none fuzzy or empty, placeholders kept),
the compiled catalogs are those of the .po files, and no text of the templates nor problem
message of the server is written where no catalog can reach it (tests/docs/translation_marks.py
finds those, naming file and line)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from server.i18n import DEFAULT_LANGUAGE, LANGUAGES
from tests.docs.translation_marks import (
    template_pieces,
    unmarked_in_python,
    unmarked_in_template,
)

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "server" / "translations"
TRANSLATED = sorted(set(LANGUAGES) - {DEFAULT_LANGUAGE})
# Each catalog domain and the extraction config that finds its strings (build/messages.sh).
DOMAINS = {"messages": "babel.cfg", "scripts": "babel-scripts.cfg"}
# Python's %(name)s in the messages domain, i18n.js's {name} in the scripts'.
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[-#0 +]*\d*[sdrXx]|\{\w+\}")


def extracted(config: str, tmp_path: Path) -> list:
    """Return the messages the code marks, as `build/messages.sh extract` finds them."""
    out = tmp_path / "extracted.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / config), "-o", str(out), str(ROOT)]
    )
    with out.open("rb") as pot:
        return [message for message in read_po(pot) if message.id]


def domains() -> list[str]:
    return [domain for domain, config in DOMAINS.items() if (ROOT / config).exists()]


@pytest.mark.parametrize("domain", domains())
def test_every_marked_string_is_translated_in_every_shipped_language(domain, tmp_path):
    wanted = extracted(DOMAINS[domain], tmp_path)
    assert len(wanted) > 100
    problems = []
    for language in TRANSLATED:
        with (TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as po:
            catalog = read_po(po, locale=language)
        for message in wanted:
            found = catalog.get(message.id)
            strings = found and (found.string if found.pluralizable else [found.string])
            if found is None:
                problems.append(f"{language}: missing {message.id!r}")
            elif found.fuzzy or not all(strings):
                problems.append(f"{language}: fuzzy or empty {message.id!r}")
            else:
                ids = message.id if message.pluralizable else [message.id]
                source = set(PLACEHOLDER.findall(" ".join(ids)))
                # A singular may say "one" in words instead of its count; every other value shows.
                shown = [set(PLACEHOLDER.findall(text)) for text in strings]
                if any(found not in (source, source - {"{count}"}) for found in shown):
                    problems.append(f"{language}: placeholders differ in {message.id!r}")
    assert not problems, "bash build/messages.sh update, then translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("domain", domains())
def test_the_compiled_catalogs_are_those_of_the_po_files(domain, language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / f"{domain}.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert (folder / f"{domain}.mo").read_bytes() == compiled.getvalue(), (
        "bash build/messages.sh compile"
    )


def test_no_template_text_is_left_unmarked():
    found = [
        f"{path.relative_to(ROOT)}:{piece.line}: {piece.kind} {piece.text!r}"
        for path in sorted((ROOT / "ui" / "templates").rglob("*.html"))
        for piece in unmarked_in_template(path)
    ]
    assert not found, "Mark these with {{ _(...) }} or {% trans %}:\n" + "\n".join(found)


def test_no_problem_message_is_a_bare_literal():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path, line, text in unmarked_in_python(ROOT / "server")
    ]
    assert not found, "Mark these with server.translatable._l (or _nl):\n" + "\n".join(found)


def test_the_template_checker_finds_text_and_shown_attributes_only_outside_marks():
    source = (
        '<p class="x">Plain words <b>{{ _("Marked") }}</b></p>\n'
        '<input placeholder="e.g. Rent" aria-label="{{ _(\'Fine\') }}" data-x="ignored words">\n'
        '<button value="Go on" type="submit"></button><input value="kept data">\n'
        "{% trans %}Whole <em>sentence</em>{% endtrans %}<script>const words = 1;</script>\n"
        '<div {{ attrs }} data-id="{{ id }}">Tallybook</div>\n'
        '<td data-label="Payee"></td><th data-label="income_before"></th>'
    )
    assert [(kind, text.strip()) for _, _, kind, text in template_pieces(source)] == [
        ("text", "Plain words"),
        ("placeholder", "e.g. Rent"),
        ("value", "Go on"),
        ("data-label", "Payee"),
    ]


def test_the_python_checker_names_bare_problem_messages(tmp_path):
    (tmp_path / "errors.py").write_text("class AppError(Exception): ...\n")
    (tmp_path / "mod.py").write_text(
        "from errors import AppError\n"
        "class Gone(AppError): ...\n"
        "raise Gone('No such thing.')\n"
        "raise Gone(_l('Marked.'))\n"
        "problems.add('field', f'At most {n} characters.')\n"
        "problems.add('field', _l('At most %(n)s.', n=n))\n"
    )
    found = [(path.name, line) for path, line, _ in unmarked_in_python(tmp_path)]
    assert found == [("mod.py", 3), ("mod.py", 5)]
