"""The scripts' catalogs: Babel's extractor finds every message the scripts mark, no catalog
keeps messages they no longer use, and the page gets the catalog of the language it is answered
in. (That each is translated is tests/docs/test_translations.py's, for both domains.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from server.i18n import LANGUAGES
from server.script_catalog import catalog_path, script_catalog
from tests.docs.js_tokens import tokenize
from tests.docs.test_script_strings import SCRIPTS, _is_msgid

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(set(LANGUAGES) - {"en"})  # English is the scripts' own language


def extracted() -> dict[str, str | tuple[str, str]]:
    """Every message of the scripts as Babel extracts it with babel-scripts.cfg."""
    messages: dict[str, str | tuple[str, str]] = {}
    found = extract_from_dir(
        str(ROOT),
        method_map=[("ui/static/js/**.js", "javascript")],
        options_map={"ui/static/js/**.js": {"parse_template_string": "false"}},
        keywords={"t": None, "tn": (1, 2)},
    )
    for _file, _line, message, _comments, _context in found:
        messages[message if isinstance(message, str) else message[0]] = message
    return messages


def catalog(language: str):
    with catalog_path(language).with_suffix(".po").open("rb") as po:
        return read_po(po, locale=language, domain="scripts")


def test_the_extractor_finds_every_message_the_scripts_mark():
    # A t() inside another call's arguments can slip past Babel's extractor: hoist it instead.
    marked = set()
    for path in SCRIPTS.rglob("*.js"):
        tokens = tokenize(path.read_text(encoding="utf-8"))
        marked |= {
            tok.text
            for i, tok in enumerate(tokens)
            if tok.kind == "string" and _is_msgid(tokens, i)
        }
    plurals = {m[1] for m in extracted().values() if isinstance(m, tuple)}
    assert marked - set(extracted()) - plurals == set()


@pytest.mark.parametrize("language", SHIPPED)
def test_no_catalog_keeps_messages_the_scripts_no_longer_use(language):
    unused = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(language) if m.id}
    assert unused - set(extracted()) == set()


def test_a_page_embeds_the_catalog_of_its_language(client):
    german = client.get("/setup", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    english = client.get("/setup", headers={"Accept-Language": "en-US"})
    assert '<script type="application/json" id="script-catalog">' in german.text
    assert '"language": "de"' in german.text and "Buchung" in german.text
    assert '"language": "en"' in english.text and '"messages": {}' in english.text
    assert script_catalog("fr")["messages"]["Undo"] == "Annuler"
    assert script_catalog("de")["messages"]["{count} selected"] == ["{count} ausgewählt"] * 2
