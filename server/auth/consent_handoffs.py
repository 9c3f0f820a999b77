"""Consent given in the desktop window for an app whose browser is not signed in.

An app sends the user's browser to the consent page. On the desktop that browser is usually
not signed in to Tallybook, but the Tallybook window is: the page is shown there instead, and
the browser waits (polling with a random handle) for the answer to carry back to the app.
Held in memory: a handoff lives minutes, and a restart only means asking again.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

LIFETIME_SECONDS = 600


@dataclass
class _Handoff:
    opened_at: float
    redirect_to: str | None = None


class UnknownHandoff(LookupError):
    """No such handoff: never opened, already collected, or expired."""


class ConsentHandoffs:
    """The open handoffs of one server."""

    def __init__(self, lifetime_seconds: float = LIFETIME_SECONDS) -> None:
        self._lifetime = lifetime_seconds
        self._lock = threading.Lock()
        self._open: dict[str, _Handoff] = {}

    def _forget_expired(self, now: float) -> None:
        for handle in [h for h, o in self._open.items() if now - o.opened_at > self._lifetime]:
            del self._open[handle]

    def open(self) -> str:
        """Start a handoff; return its handle (the browser's secret to collect the answer)."""
        now = time.monotonic()
        handle = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_expired(now)
            self._open[handle] = _Handoff(now)
        return handle

    def answer(self, handle: str, redirect_to: str) -> None:
        """Record the user's answer: where the waiting browser goes next."""
        with self._lock:
            self._forget_expired(time.monotonic())
            handoff = self._open.get(handle)
            if handoff is None or handoff.redirect_to is not None:
                raise UnknownHandoff(handle)
            handoff.redirect_to = redirect_to

    def collect(self, handle: str) -> str | None:
        """Return the answer once it is there (and forget the handoff), else None."""
        with self._lock:
            self._forget_expired(time.monotonic())
            handoff = self._open.get(handle)
            if handoff is None:
                raise UnknownHandoff(handle)
            if handoff.redirect_to is not None:
                del self._open[handle]
            return handoff.redirect_to
