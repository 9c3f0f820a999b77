"""Bearer tokens: scopes, revocation, expiry; no credentials in URLs; 404 outside one's books."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.clock import utcnow
from server.config import LOG_FILENAME


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/books", {"name": "x"}),
        ("post", "/api/v1/books/import/gnucash", {"file_name": "a.gnucash", "content": "eA=="}),
        ("patch", "/api/v1/books/1", {"name": "x"}),
        ("delete", "/api/v1/tokens/1", None),
        ("patch", "/api/v1/instance", {"registration_open": True}),
    ],
)
def test_read_token_cannot_write(alex, make_token, client, method, path, body):
    token = make_token(alex.user, "read")
    response = getattr(client, method)(path, json=body, headers=bearer(token))
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"


def test_read_token_can_read(alex, make_token, client):
    token = make_token(alex.user, "read")
    assert client.get("/api/v1/books", headers=bearer(token)).status_code == 200


def test_revoked_token_is_refused(alex, make_token, client):
    token = make_token(alex.user, "read")
    token_id = alex.get("/api/v1/tokens").json["items"][0]["id"]
    alex.delete(f"/api/v1/tokens/{token_id}")
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401


def test_expired_token_is_refused(alex, make_token, client, database):
    token = make_token(alex.user, "read", expires_at=utcnow() + timedelta(seconds=30))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    with database.write() as db:
        db.execute("UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00Z'")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer ", "Bearer nonsense", "Basic YWxleDpwdw==", "Token tb_pat_x"]
)
def test_bad_authorization_header_never_falls_back_to_the_cookie(alex, header):
    response = alex.client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401


@pytest.mark.parametrize("param", ["access_token", "token", "api_key", "session"])
def test_credentials_in_the_url_are_refused(alex, make_token, client, param):
    token = make_token(alex.user, "read")
    response = client.get(f"/api/v1/me?{param}={token}")
    assert response.status_code == 400
    assert "URL" in response.json["detail"]


def test_another_users_book_is_404_for_tokens_too(alex, make_user, make_token, client):
    book_id = alex.post("/api/v1/books", json={"name": "Alex only"}).json["id"]
    bob = make_user("bob")
    token = make_token(bob, "write")
    assert client.get(f"/api/v1/books/{book_id}", headers=bearer(token)).status_code == 404
    response = client.patch(f"/api/v1/books/{book_id}", json={"name": "x"}, headers=bearer(token))
    assert response.status_code == 404


def test_logged_events_never_contain_secrets(alex, make_token, client, data_dir):
    from tests.conftest import PASSWORD

    token = alex.post("/api/v1/tokens", json={"name": "t", "scope": "read"}).json["token"]
    client.get("/api/v1/me", headers=bearer(token))
    client.post("/api/v1/session", json={"username": "alex", "password": "wrong guess 123"})
    alex.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "another passphrase 9"},
    )
    log = (data_dir / LOG_FILENAME).read_text()
    assert "signed in: alex" in log
    assert "sign-in failed: alex" in log
    assert "password changed: alex" in log
    for secret in (
        PASSWORD,
        "wrong guess 123",
        "another passphrase 9",
        token,
        alex.client.get_cookie("tallybook_session").value,
        alex.csrf_token,
    ):
        assert secret not in log


def test_a_refused_token_is_named_invalid_as_rfc_6750_says(client):
    refused = client.get("/api/v1/me", headers={"Authorization": "Bearer tb_pat_made-up"})
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="Tallybook", error="invalid_token"'
    anonymous = client.get("/api/v1/me")
    assert "error=" not in anonymous.headers["WWW-Authenticate"]  # no token, no token error
