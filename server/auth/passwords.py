"""Password hashing with bcrypt, and the rules a new password must meet."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import unicodedata
from functools import cache

import bcrypt

from server.characters import character_problem
from server.errors import FieldError
from server.paths import resource_root
from server.translatable import _l

MIN_LENGTH = 8
# Long enough for any passphrase; bounds the work a single request can ask for.
MAX_LENGTH = 1024
# A bound on a password as sent: NFKC turns at most four characters into one (U+1F82),
# so no longer text can measure MAX_LENGTH.
PASSWORD_TEXT_MAX = 4 * MAX_LENGTH
COMMON_PASSWORDS = "server/auth/common-passwords.txt.gz"
# Fixed and public: it only separates this use of SHA-256 from others (domain separation).
_PREHASH_KEY = b"tallybook password v1"


def _prehash(password: str) -> bytes:
    """Reduce any password to 44 ASCII bytes, so bcrypt's 72-byte limit never truncates it.

    NFKC first, so the same passphrase typed on any keyboard or platform matches. Base64
    because bcrypt stops at a NUL byte, which a raw digest may contain.
    """
    normalized = unicodedata.normalize("NFKC", password).encode("utf-8")
    return base64.b64encode(hmac.new(_PREHASH_KEY, normalized, hashlib.sha256).digest())


def hash_password(password: str, rounds: int = 12) -> str:
    """Return the bcrypt hash to store for `password`."""
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, stored_hash: str) -> bool:
    """Return whether `password` matches `stored_hash`, in constant time."""
    return bcrypt.checkpw(_prehash(password), stored_hash.encode("ascii"))


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(resource_root() / COMMON_PASSWORDS, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def password_problems(
    password: str, *, username: str = "", field: str = "password"
) -> list[FieldError]:
    """Return what is wrong with a new password (an empty list when it is acceptable)."""
    normalized = unicodedata.normalize("NFKC", password)
    if len(normalized) < MIN_LENGTH:
        return [
            FieldError(field, _l("Use at least %(min_length)s characters.", min_length=MIN_LENGTH))
        ]
    if len(normalized) > MAX_LENGTH:
        return [
            FieldError(field, _l("Use at most %(max_length)s characters.", max_length=MAX_LENGTH))
        ]
    lowered = normalized.strip().casefold()
    if not lowered:
        return [FieldError(field, _l("A password cannot be only spaces."))]
    if lowered in _common_passwords():
        return [
            FieldError(field, _l("This password is too common; choose one that is hard to guess."))
        ]
    # The username is no secret: what is left without it must be long enough on its own.
    name = unicodedata.normalize("NFKC", username.strip()).casefold()
    if name and len(lowered.replace(name, "").strip()) < MIN_LENGTH:
        return [
            FieldError(
                field,
                _l(
                    "Do not build the password on the username: without it, use at least "
                    "%(min_length)s characters.",
                    min_length=MIN_LENGTH,
                ),
            )
        ]
    if (odd := character_problem(password)) is not None:
        return [FieldError(field, odd)]
    return []
