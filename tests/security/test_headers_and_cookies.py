"""Security headers on every response; the flags of the session and known-device cookies."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, db


@pytest.mark.parametrize(
    "path",
    ["/login", "/setup", "/api/v1/health", "/api/docs", "/api/v1/no-such", "/static/css/app.css"],
)
def test_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(alex):
    for path in ("/", "/settings", "/api/docs"):
        html = alex.get(path).get_data(as_text=True)
        for chunk in html.split("<script")[1:]:
            # A JSON data block (the scripts' catalog) is never run: the CSP has nothing to allow.
            data = chunk.lstrip().startswith('type="application/json"')
            assert data or chunk.lstrip().startswith(("src=", 'type="module" src=')), chunk[:80]
        assert " onclick=" not in html and " onload=" not in html


def test_api_responses_are_not_cached(alex):
    assert alex.get("/api/v1/me").headers["Cache-Control"] == "no-store"


def test_session_and_known_device_cookie_flags(client, make_user):
    make_user("alex")
    response = client.post("/api/v1/session", json={"username": "alex", "password": PASSWORD})
    cookies = response.headers.getlist("Set-Cookie")
    assert sorted(cookie.partition("=")[0] for cookie in cookies) == [
        "tallybook_device",
        "tallybook_session",
    ]
    for cookie in cookies:
        assert "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie
        assert "Path=/" in cookie
        assert "Secure" not in cookie  # plain HTTP on loopback: a Secure cookie would not be sent


def test_session_id_has_at_least_128_bits(client, make_user):
    make_user("alex")
    client.post("/api/v1/session", json={"username": "alex", "password": PASSWORD})
    value = client.get_cookie("tallybook_session").value
    assert len(value) * 6 >= 128  # URL-safe base64: 6 bits a character


def test_under_tls_the_cookie_is_host_prefixed_and_secure(app_config, make_user):
    from server import create_app

    app = create_app({**app_config, "TLS": True})
    from server.auth.users import create_user
    from server.clock import utcnow
    from server.domain.books import create_personal_book

    create_user(
        db(app),
        "bob",
        PASSWORD,
        now=utcnow(),
        rounds=4,
        personal_book=create_personal_book,
    )
    client = app.test_client()
    response = client.post(
        "/api/v1/session",
        json={"username": "bob", "password": PASSWORD},
        base_url="https://localhost",
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert sorted(cookie.partition("=")[0] for cookie in cookies) == [
        "__Host-tallybook_device",
        "__Host-tallybook_session",
    ]
    for cookie in cookies:
        assert "Secure" in cookie and "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    db(app).close()


def test_session_secret_is_stored_only_as_a_hash(client, make_user, database):
    make_user("alex")
    client.post("/api/v1/session", json={"username": "alex", "password": PASSWORD})
    raw = client.get_cookie("tallybook_session").value
    with database.read() as conn:
        stored = [r[0] for r in conn.execute("SELECT token_hash FROM sessions")]
    assert raw not in stored and len(stored) == 1
