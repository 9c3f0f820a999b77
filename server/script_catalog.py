"""The scripts' translations (the `scripts` domain), as the JSON a page embeds for i18n.js."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.mofile import read_mo

from server.paths import resource_root

TRANSLATIONS = "server/translations"  # beside resource_root(), frozen or not
DOMAIN = "scripts"


def catalog_path(language: str) -> Path:
    """Return where the scripts' catalog of a language lives."""
    return resource_root() / TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def script_catalog(language: str) -> dict[str, object]:
    """Return the language's translations of the scripts' strings, read once per process.

    `messages` maps each msgid to its text, or a plural's singular to its forms; English (the
    source language) and any message not translated yet fall back to the msgid in i18n.js.
    """
    path = catalog_path(language)
    messages: dict[str, str | list[str]] = {}
    if path.is_file():
        with path.open("rb") as compiled:
            catalog = read_mo(compiled)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            if message.pluralizable:
                forms = list(message.string)
                if all(forms):
                    messages[message.id[0]] = forms
            elif message.string:
                messages[message.id] = message.string
    return {"language": language, "messages": messages}
