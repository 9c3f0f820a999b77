"""Registering apps: administrators only, loopback redirect URIs only, secrets kept as hashes."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import BOOKS
from tests.api.oauth_app import (
    REDIRECT,
    register,
    tokens_for,
)


@pytest.mark.parametrize(
    "uri",
    [
        "http://example.com/callback",
        "https://127.0.0.1/callback",
        "http://localhost/callback",
        "http://127.0.0.1/callback#frag",
        "http://me:pw@127.0.0.1/callback",
        "myapp:/callback",
        "http://127.0.0.1:99999/callback",
    ],
)
def test_only_loopback_redirect_uris_can_be_registered(alex, uri):
    response = alex.post("/api/v1/oauth/clients", json={"name": "Bad", "redirect_uris": [uri]})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "redirect_uris"


def test_only_an_administrator_in_a_session_registers_apps(make_user, sign_in, alex, make_token):
    make_user("sam")
    sam = sign_in("sam")
    body = {"name": "x", "redirect_uris": [REDIRECT]}
    assert sam.post("/api/v1/oauth/clients", json=body).status_code == 403
    assert sam.get("/api/v1/oauth/clients").status_code == 403
    token = make_token(alex.user, "write")
    by_token = alex.client.post(
        "/api/v1/oauth/clients", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert by_token.status_code == 403
    created = register(alex)
    assert created["client_secret"] is None and created["confidential"] is False
    listed = alex.get("/api/v1/oauth/clients").json["items"]
    assert [c["client_id"] for c in listed] == [created["client_id"]]
    assert "client_secret" not in listed[0]


def test_removing_an_app_ends_every_grant_it_had(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    client_pk = alex.get("/api/v1/oauth/clients").json["items"][0]["id"]
    assert alex.delete(f"/api/v1/oauth/clients/{client_pk}").status_code == 204
    assert app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 401
    assert alex.get("/api/v1/authorized-apps").json["items"] == []
    assert alex.delete(f"/api/v1/oauth/clients/{client_pk}").status_code == 404


def test_secrets_are_stored_only_as_hashes(app, alex, app_client, book, database):
    tokens = tokens_for(alex, app_client, book)
    created = register(alex, confidential=True)
    with database.read() as conn:
        dump = "\n".join(conn.iterdump())
    assert tokens["refresh_token"] not in dump
    assert created["client_secret"] not in dump
    assert not re.search(r"tb_rt_|tb_secret_", dump)


def test_a_registered_apps_secret_is_never_kept_for_a_replay(alex, database):
    headers = {"Idempotency-Key": "register-once"}
    body = {"name": "Sync", "redirect_uris": [REDIRECT], "confidential": True}
    first = alex.post("/api/v1/oauth/clients", json=body, headers=headers)
    again = alex.post("/api/v1/oauth/clients", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json["client_secret"] != again.json["client_secret"]
    with database.read() as conn:
        dump = "\n".join(conn.iterdump())
    assert "tb_secret_" not in dump
