"""Password hashing and the rules for new passwords."""

from __future__ import annotations

import pytest

from server.auth.passwords import hash_password, password_problems, verify_password
from server.config import DEFAULTS

LONG_PASSWORDS = [
    "ü" * 80,  # Latin with diacritics: two bytes each, 160 bytes
    # Cyrillic
    "пароль-для-семейного-бюджета-который-очень-длинный-и-надёжный-2026!",
    # CJK
    ("家計簿のパスワードはとても長くて安全なものにしましょう。毎月の予算と支出を記録します。") * 2,
    "كلمة-مرور-طويلة-جدا-لدفتر-الحسابات-المنزلية-الخاص-بالعائلة-الكبيرة",  # Arabic
    "🏠💶📒" * 22,  # emoji: four bytes each
]


def test_product_default_cost_is_12():
    assert DEFAULTS["BCRYPT_ROUNDS"] == 12
    assert hash_password("a fine passphrase", 12).startswith("$2b$12$")


@pytest.mark.parametrize("password", LONG_PASSWORDS)
def test_long_passwords_in_any_script_round_trip(password):
    assert len(password) >= 64
    stored = hash_password(password, 4)
    assert verify_password(password, stored)


@pytest.mark.parametrize("password", LONG_PASSWORDS)
def test_long_passwords_are_not_truncated(password):
    # bcrypt alone ignores everything after byte 72: a change at the very end must matter.
    stored = hash_password(password, 4)
    assert len(password.encode()) > 72
    assert not verify_password(password[:-1] + "X", stored)
    assert not verify_password(password[:-1], stored)


def test_same_passphrase_typed_composed_or_decomposed_matches():
    composed = "Cr\u00e8me br\u00fbl\u00e9e ist lecker"
    decomposed = "Cre\u0300me bru\u0302le\u0301e ist lecker"
    assert composed != decomposed
    assert verify_password(decomposed, hash_password(composed, 4))


def test_hashes_are_salted():
    assert hash_password("same password here", 4) != hash_password("same password here", 4)


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "at least 8"),
        ("1234567", "at least 8"),
        ("password", "too common"),
        ("Password1", "too common"),
        ("  iloveyou  ", "too common"),
        ("x" * 1025, "at most 1024"),
        ("Alex.Smith", "the username"),
        ("alex.smithALEX.SMITH", "the username"),
        ("alex.smith2026", "the username"),
        ("2026!Alex.Smith", "the username"),
        (" " * 12, "only spaces"),
        ("\t \n\u3000" * 4, "only spaces"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, fragment):
    problems = password_problems(password, username="alex.smith")
    assert len(problems) == 1
    assert problems[0].field == "password"
    assert fragment in problems[0].message


def test_good_password_passes():
    assert password_problems("tally ho budget 2026", username="alex") == []


def test_a_password_may_hold_the_username_beside_enough_else():
    assert password_problems("alex and the quiet river", username="alex") == []


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("correct horse\ud800 battery", "A lone surrogate (U+D800)"),
        ("correct horse\x00battery", "Control characters (here U+0000)"),
        ("correct\thorse battery", "Control characters (here U+0009)"),
    ],
)
def test_a_new_password_holds_printable_text_only(password, problem):
    (refusal,) = password_problems(password)
    assert refusal.field == "password" and refusal.message.startswith(problem)
    assert password_problems("corrèct hörse bättery 🐎") == []
