"""The rules under OAuth: loopback redirect URIs, scopes and the signing key."""

from __future__ import annotations

import stat

import pytest

from server.auth.access_tokens import SIGNING_KEY_FILENAME, load_signing_key
from server.auth.oauth import check_loopback_redirect_uri, normalize_scope, redirect_uri_matches


@pytest.mark.parametrize(
    ("registered", "asked", "matches"),
    [
        ("http://127.0.0.1/callback", "http://127.0.0.1:49152/callback", True),
        ("http://127.0.0.1/callback", "http://127.0.0.1/callback", True),
        ("http://127.0.0.1:8000/callback", "http://127.0.0.1:9/callback", True),
        ("http://[::1]/cb", "http://[::1]:5000/cb", True),
        ("http://127.0.0.1/", "http://127.0.0.1:5000", True),  # an empty path is /
        ("http://127.0.0.1/cb?app=1", "http://127.0.0.1:5/cb?app=1", True),
        ("http://127.0.0.1/cb?app=1", "http://127.0.0.1:5/cb?app=2", False),
        ("http://127.0.0.1/cb", "http://127.0.0.1:5/cb?extra=1", False),
        ("http://127.0.0.1/cb", "http://127.0.0.1:5/CB", False),
        ("http://127.0.0.1/cb", "http://127.0.0.1:5/cb/", False),
        ("http://127.0.0.1/cb", "https://127.0.0.1:5/cb", False),
        ("http://127.0.0.1/cb", "http://localhost:5/cb", False),
        ("http://127.0.0.1/cb", "http://[::1]:5/cb", False),
        ("http://127.0.0.1/cb", "http://127.0.0.2:5/cb", False),
        ("http://127.0.0.1/cb", "http://127.0.0.1:5/cb#x", False),
        ("http://127.0.0.1/cb", "http://a@127.0.0.1:5/cb", False),
        ("http://127.0.0.1/cb", "http://127.0.0.1:port/cb", False),
        ("http://127.0.0.1/cb", "http://127.0.0.1.example.com:5/cb", False),
        ("http://127.0.0.1/cb", "http://127.0.0.1:0/cb", False),  # nothing listens on port 0
    ],
)
def test_loopback_redirect_uris_match_all_but_the_port(registered, asked, matches):
    assert redirect_uri_matches(registered, asked) is matches


@pytest.mark.parametrize(
    ("uri", "kept"),
    [
        ("http://127.0.0.1/callback", "http://127.0.0.1/callback"),
        ("http://[::1]:8080/oauth", "http://[::1]/oauth"),  # any port matches: none is kept
        ("http://127.0.0.1:0/cb?app=1", "http://127.0.0.1/cb?app=1"),
        ("http://127.0.0.1/c%20b?x=%C3%A4", "http://127.0.0.1/c%20b?x=%C3%A4"),
    ],
)
def test_loopback_uris_can_be_registered(uri, kept):
    assert check_loopback_redirect_uri(uri) == kept


@pytest.mark.parametrize(
    "uri",
    [
        "https://127.0.0.1/cb",
        "http://localhost/cb",
        "http://10.0.0.2/cb",
        "http://127.0.0.1/cb#frag",
        "http://u:p@127.0.0.1/cb",
        "http://127.0.0.1:70000/cb",
        "com.example.app:/cb",
        "",
        "http://127.0.0.1/c b",
        "http://127.0.0.1/c\\b",
        'http://127.0.0.1/"cb"',
        "http://127.0.0.1/cällback",
        "http://127.0.0.1/cb?x=%zz",
    ],
)
def test_other_uris_cannot(uri):
    with pytest.raises(ValueError):
        check_loopback_redirect_uri(uri)


def test_scopes_writing_implies_reading_and_nothing_else_exists():
    assert normalize_scope(None) == "read"
    assert normalize_scope("") == "read"
    assert normalize_scope("read") == "read"
    assert normalize_scope("write") == "read write"
    assert normalize_scope("write read") == "read write"
    with pytest.raises(ValueError):
        normalize_scope("read admin")


def test_signing_key_is_private_kept_and_a_damaged_one_is_named(tmp_path):
    key = load_signing_key(tmp_path)
    path = tmp_path / SIGNING_KEY_FILENAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_signing_key(tmp_path).thumbprint() == key.thumbprint()
    path.write_text("not a key")
    with pytest.raises(RuntimeError, match="damaged"):
        load_signing_key(tmp_path)
