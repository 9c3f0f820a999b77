"""The languages Tallybook speaks and the one a request is answered in."""

from __future__ import annotations

from flask import request

LANGUAGES = {"en": "English", "de": "Deutsch", "fr": "Français"}


def current_language() -> str:
    """Return the request's language: the browser's best match among LANGUAGES, else English."""
    return request.accept_languages.best_match(LANGUAGES) or "en"
