"""OAuth 2.0 for apps on this computer: the metadata, the whole flow for one book, and its log."""

from __future__ import annotations

import logging

from tests.api.conftest import BOOKS
from tests.api.oauth_app import (
    claims_of,
    code_for,
    tokens_for,
)


def test_metadata_describes_pkce_s256_and_code_flow_only(client):
    response = client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    meta = response.json
    assert meta["issuer"] == "http://localhost"
    assert meta["authorization_endpoint"] == "http://localhost/oauth/authorize"
    assert meta["token_endpoint"] == "http://localhost/oauth/token"
    assert meta["revocation_endpoint"] == "http://localhost/oauth/revoke"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["response_types_supported"] == ["code"]
    assert set(meta["grant_types_supported"]) == {"authorization_code", "refresh_token"}
    assert meta["scopes_supported"] == ["read", "write"]
    keys = client.get(meta["jwks_uri"].removeprefix("http://localhost")).json["keys"]
    assert keys[0]["kty"] == "EC" and "d" not in keys[0]


def test_whole_flow_gives_a_token_for_exactly_one_book(app, alex, app_client, book, other_book):
    page = alex.get(f"/oauth/authorize?{app_client.authorize_query()}")
    # No other page may frame the consent page to trick a click on Allow.
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    html = page.get_data(as_text=True)
    assert "Receipt &lt;b&gt;scanner&lt;/b&gt;" in html  # the app's name, escaped
    assert "Household (EUR)" in html and "Club (EUR)" in html
    assert app_client.redirect_uri in html
    tokens = tokens_for(alex, app_client, book)
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 300
    assert tokens["scope"] == "read"
    assert tokens["refresh_token"].startswith("tb_rt_")
    claims = claims_of(tokens["access_token"])
    assert claims["aud"] == "tallybook-api"
    assert claims["sub"] == str(alex.user.id)
    assert claims["book"] == book
    assert claims["scope"] == "read"
    assert claims["exp"] - claims["iat"] == 300
    access = tokens["access_token"]
    accounts = app_client.api(access, "GET", f"{BOOKS}/{book}/accounts")
    assert accounts.status_code == 200
    assert [a["name"] for a in accounts.json["items"]] == ["Checking"]
    assert [b["id"] for b in app_client.api(access, "GET", BOOKS).json["items"]] == [book]
    assert app_client.api(access, "GET", "/api/v1/me").status_code == 200
    assert app_client.api(access, "GET", "/api/v1/health").status_code == 200
    # Not the other book, nor anything outside its book.
    assert app_client.api(access, "GET", f"{BOOKS}/{other_book}/accounts").status_code == 404
    assert app_client.api(access, "GET", f"{BOOKS}/{other_book}").status_code == 404
    assert app_client.api(access, "GET", "/api/v1/tokens").status_code == 403
    assert app_client.api(access, "GET", "/api/v1/authorized-apps").status_code == 403
    assert (
        app_client.api(access, "POST", BOOKS, json={"name": "x", "currency": "EUR"}).status_code
        == 403
    )
    # Read scope: no writes.
    write = app_client.api(
        access, "POST", f"{BOOKS}/{book}/accounts", json={"name": "New", "type": "cash"}
    )
    assert write.status_code == 403


def test_write_scope_writes_and_use_shows_in_authorized_apps(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book, scope="write")
    assert tokens["scope"] == "read write"
    created = app_client.api(
        tokens["access_token"],
        "POST",
        f"{BOOKS}/{book}/accounts",
        json={"name": "Savings", "type": "savings"},
    )
    assert created.status_code == 201, created.json
    # Writing outside its book is refused, even with an administrator's write access.
    for method, path, body in (
        ("PATCH", "/api/v1/instance", {"registration_open": True}),
        ("POST", BOOKS, {"name": "Another", "currency": "EUR"}),
        ("POST", "/api/v1/demo-books", {"currency": "EUR"}),
    ):
        assert app_client.api(tokens["access_token"], method, path, json=body).status_code == 403
    apps = alex.get("/api/v1/authorized-apps").json["items"]
    assert [(a["name"], a["book_id"], a["book_name"], a["scope"]) for a in apps] == [
        ("Receipt <b>scanner</b>", book, "Household", "read write")
    ]
    assert apps[0]["last_used_at"] is not None


def test_metadata_sends_the_user_to_the_pages_on_localhost(client):
    meta = client.get("/.well-known/oauth-authorization-server", base_url="http://127.0.0.1").json
    assert meta["issuer"] == "http://127.0.0.1"
    assert meta["token_endpoint"] == "http://127.0.0.1/oauth/token"
    assert meta["authorization_endpoint"] == "http://localhost/oauth/authorize"


def test_apps_events_are_logged_and_a_leak_is_a_warning(alex, app_client, book, caplog):
    caplog.set_level(logging.INFO, logger="tallybook.auth")
    code = code_for(alex, app_client, book)
    tokens = app_client.exchange(code).json
    app_client.exchange(code)  # reused: the grant is revoked
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert any(level == "INFO" and "app allowed" in text for level, text in messages)
    assert any(
        level == "WARNING" and "revoked (authorization code reused)" in text
        for level, text in messages
    )
    for secret in (code, tokens["access_token"], tokens["refresh_token"]):
        assert secret not in caplog.text
