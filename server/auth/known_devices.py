"""Known devices: a browser or window that has signed in to an account keeps a signed cookie
naming the account and a random device id, and guesses that account's password against a
budget of its own (`server.auth.sign_in_failures`). So wrong passwords sent from anywhere
else, even from the same address (on the desktop every client is 127.0.0.1), cannot lock the
owner out of the window or browser they use."""

from __future__ import annotations

import secrets

from flask import request
from itsdangerous import BadData, URLSafeTimedSerializer

from server.auth.cookies import cookie_name, secret_key, set_cookie_later
from server.auth.sign_in_failures import Guesser, name_key

DEVICE_COOKIE = "tallybook_device"
DEVICE_LIFETIME = 400 * 24 * 3600  # the longest a browser keeps a cookie
_SALT = "tallybook known device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt=_SALT)


def _device_of(username: str) -> str | None:
    """Return the request's device id if its cookie names `username`'s account, else None."""
    raw = request.cookies.get(cookie_name(DEVICE_COOKIE))
    if not raw:
        return None
    try:
        payload = _serializer().loads(raw, max_age=DEVICE_LIFETIME)
    except BadData:
        return None
    if not isinstance(payload, dict) or payload.get("name") != name_key(username):
        return None
    device = payload.get("device")
    return device if isinstance(device, str) else None


def guesser(username: str) -> Guesser:
    """Return who is guessing `username`'s password: this client's address and, when it has
    signed in to that account before, its device id."""
    return Guesser(client=request.remote_addr or "unknown", device=_device_of(username))


def remember_device(username: str) -> None:
    """Mark this client as a known device of `username`'s account (keeping its id if it is
    one already); the cookie is set on the response this request produces."""
    device = _device_of(username) or secrets.token_urlsafe(16)
    value = _serializer().dumps({"name": name_key(username), "device": device})
    set_cookie_later(DEVICE_COOKIE, value, max_age=DEVICE_LIFETIME)
