"""The languages Tallybook speaks and which one a request gets (Flask-Babel's locale selector).

The order: the signed-in user's own choice (Settings, or `PATCH /api/v1/me`); on the desktop
program, the computer's language; else the browser's (or API client's) `Accept-Language`;
else English.
"""

from __future__ import annotations

import contextlib
import locale
import os
import subprocess
import sys
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_translations

from server.paths import resource_root
from server.translatable import in_language

LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "fr": "Français"}
DEFAULT_LANGUAGE = "en"
TRANSLATIONS = "server/translations"  # beside resource_root(), frozen or not
# POSIX names the user's language in these, first found wins (gettext's own order).
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language_of(tag: str | None) -> str | None:
    """Return the language we speak for a locale tag (`de_DE.UTF-8`, `fr-CH`, `German_Germany`),
    or None."""
    if not tag:
        return None
    for part in tag.split(":"):  # LANGUAGE may list several: "de_AT:de:en"
        code = part.replace("-", "_").split("_")[0].split(".")[0].lower()
        if code in LANGUAGES:
            return code
        for language, name in (("de", "german"), ("fr", "french"), ("en", "english")):
            if code == name:  # Windows' locale names
                return language
    return None


def system_language() -> str | None:
    """Return the language of this computer's user session, if it is one we speak."""
    for variable in LANGUAGE_VARIABLES:
        if value := os.environ.get(variable):
            return language_of(value)
    if sys.platform == "darwin":  # an app opened from the Finder gets no LANG
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            found = subprocess.run(
                ["/usr/bin/defaults", "read", "-g", "AppleLocale"],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            )
            return language_of(found.stdout.strip())
    # Python takes LC_CTYPE from the session at start ("German_Germany" on Windows).
    return language_of(locale.getlocale()[0])


def current_language() -> str:
    """Return the language of this request (see the module's docstring); "en" outside one."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    principal = g.get("principal")
    chosen = principal.user.language if principal is not None else None
    return chosen if chosen in LANGUAGES else automatic_language()


def automatic_language() -> str:
    """Return the language of this request when the user chose none: the computer's on the
    desktop, else the best of `Accept-Language`, else "en"."""
    if current_app.config["DESKTOP"] and (system := current_app.config["SYSTEM_LANGUAGE"]):
        return system
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def say(value: Any) -> Any:
    """Return a marked message (`server.translatable.Text`) in the request's language; anything else
    as it is."""
    return in_language(value, get_translations())


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with our catalogs and `current_language` as its locale selector."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(resource_root() / TRANSLATIONS)
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LANGUAGE
    if app.config["DESKTOP"] and app.config.get("SYSTEM_LANGUAGE") is None:
        app.config["SYSTEM_LANGUAGE"] = system_language()
    Babel(app, locale_selector=current_language)

    @app.context_processor
    def _language() -> dict[str, Any]:
        return {
            "language": current_language(),
            "languages": LANGUAGES,
            "automatic_language": automatic_language(),
        }
