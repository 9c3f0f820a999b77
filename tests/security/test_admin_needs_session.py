"""Administering the instance needs an administrator signed in to the app: no token, of any
scope, reaches it. A leaked token must not be able to make an administrator, open
registration, thin out the backups or carry the whole database (every user's password hash)
away in a backup."""

from __future__ import annotations

import pytest

from server.auth.web import ADMIN_SESSION

API = "/api/v1"
NEW_USER = {"username": "mallory", "password": "tulip lantern orbit 42", "is_admin": True}
APP = {"name": "Script", "redirect_uris": ["http://127.0.0.1:8765/callback"]}

# (method, path, body): every route of instance administration.
ADMIN_ROUTES = [
    ("post", "/users", NEW_USER),
    ("patch", "/instance", {"registration_open": True}),
    ("post", "/backups", None),
    ("get", "/backups", None),
    ("get", "/backups/{backup}", None),
    ("post", "/backups/{backup}/restore", None),
    ("patch", "/backup-settings", {"keep": 1}),
    ("get", "/oauth/clients", None),
    ("post", "/oauth/clients", APP),
    ("delete", "/oauth/clients/{client}", None),
]


@pytest.fixture
def instance(alex):
    """A backup and an app to name in the paths, made by the administrator signed in."""
    backup = alex.post(f"{API}/backups").json["name"]
    client = alex.post(f"{API}/oauth/clients", json=APP).json["id"]
    return {"backup": backup, "client": client}


@pytest.mark.parametrize("scope", ["read", "write"])
@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
def test_an_administrators_token_administers_nothing(
    alex, instance, make_token, app, scope, method, path, body
):
    token = make_token(alex.user, scope)
    before = alex.get(f"{API}/backups").json
    response = getattr(alex.client, method)(
        API + path.format(**instance),
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403, response.json
    assert response.content_type == "application/problem+json"
    read_only = scope == "read" and method != "get"  # refused sooner, for its scope
    assert response.json["detail"] == ADMIN_SESSION or (
        read_only and "read-scope token" in response.json["detail"]
    )
    assert response.get_data() and b"SQLite format" not in response.get_data()
    # Nothing changed: no user, registration as it was, the backups and their setting kept.
    assert alex.get(f"{API}/backups").json == before
    assert alex.get(f"{API}/instance").json["registration_open"] is False
    mallory = {"username": "mallory", "password": NEW_USER["password"]}
    assert app.test_client().post(f"{API}/session", json=mallory).status_code == 401


def test_the_administrator_signed_in_administers(alex, instance):
    """The same routes answer the administrator's session (the rule above is not a lockout)."""
    assert alex.post(f"{API}/users", json=NEW_USER).status_code == 201
    assert alex.patch(f"{API}/instance", json={"registration_open": True}).status_code == 200
    download = alex.get(f"{API}/backups/{instance['backup']}")
    assert download.status_code == 200
    assert download.get_data().startswith(b"SQLite format 3")
    download.close()
    assert alex.patch(f"{API}/backup-settings", json={"keep": 3}).status_code == 200
    assert alex.get(f"{API}/oauth/clients").status_code == 200
    assert alex.delete(f"{API}/oauth/clients/{instance['client']}").status_code == 204
