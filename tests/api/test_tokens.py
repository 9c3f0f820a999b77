"""Personal access tokens over the API."""

from __future__ import annotations

from datetime import timedelta

from server.auth.tokens import TOKEN_PREFIX
from server.clock import to_iso, utcnow


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_create_shows_the_secret_once(alex, client):
    created = alex.post("/api/v1/tokens", json={"name": "sheet", "scope": "read"})
    assert created.status_code == 201
    secret = created.json["token"]
    assert secret.startswith(TOKEN_PREFIX)
    assert created.json["token_hint"] == secret[: len(TOKEN_PREFIX) + 4]
    listed = alex.get("/api/v1/tokens").json["items"]
    assert [t["name"] for t in listed] == ["sheet"]
    assert "token" not in listed[0]
    assert client.get("/api/v1/me", headers=bearer(secret)).json["username"] == "alex"


def test_token_secret_is_stored_only_as_a_hash(alex, database):
    secret = alex.post("/api/v1/tokens", json={"name": "s", "scope": "write"}).json["token"]
    raw_file = (
        database.path.read_bytes()
        + database.path.with_name(database.path.name + "-wal").read_bytes()
    )
    assert secret.encode() not in raw_file
    assert secret[len(TOKEN_PREFIX) :].encode() not in raw_file


def test_last_used_is_recorded(alex, client):
    secret = alex.post("/api/v1/tokens", json={"name": "s", "scope": "read"}).json["token"]
    assert alex.get("/api/v1/tokens").json["items"][0]["last_used_at"] is None
    client.get("/api/v1/books", headers=bearer(secret))
    assert alex.get("/api/v1/tokens").json["items"][0]["last_used_at"] is not None


def test_tokens_cannot_create_tokens(alex, make_token, client):
    token = make_token(alex.user, "write")
    response = client.post(
        "/api/v1/tokens", json={"name": "more", "scope": "write"}, headers=bearer(token)
    )
    assert response.status_code == 403


def test_expiry_must_be_in_the_future(alex):
    past = to_iso(utcnow() - timedelta(days=1))
    response = alex.post("/api/v1/tokens", json={"name": "s", "scope": "read", "expires_at": past})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "expires_at"


def test_expiry_needs_a_timezone(alex):
    response = alex.post(
        "/api/v1/tokens", json={"name": "s", "scope": "read", "expires_at": "2030-01-01T00:00:00"}
    )
    assert response.status_code == 422


def test_unknown_scope_is_refused(alex):
    response = alex.post("/api/v1/tokens", json={"name": "s", "scope": "admin"})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "scope"


def test_revoke(alex, client):
    created = alex.post("/api/v1/tokens", json={"name": "s", "scope": "read"}).json
    assert alex.delete(f"/api/v1/tokens/{created['id']}").status_code == 204
    assert alex.get("/api/v1/tokens").json["items"] == []
    assert client.get("/api/v1/me", headers=bearer(created["token"])).status_code == 401
    assert alex.delete(f"/api/v1/tokens/{created['id']}").status_code == 404


def test_a_write_token_can_revoke_itself(alex, client):
    created = alex.post("/api/v1/tokens", json={"name": "s", "scope": "write"}).json
    response = client.delete(f"/api/v1/tokens/{created['id']}", headers=bearer(created["token"]))
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(created["token"])).status_code == 401


def test_someone_elses_token_cannot_be_seen_or_revoked(alex, make_user, sign_in):
    token_id = alex.post("/api/v1/tokens", json={"name": "s", "scope": "read"}).json["id"]
    make_user("bob")
    bob = sign_in("bob")
    assert bob.get("/api/v1/tokens").json["items"] == []
    assert bob.delete(f"/api/v1/tokens/{token_id}").status_code == 404
    assert len(alex.get("/api/v1/tokens").json["items"]) == 1
