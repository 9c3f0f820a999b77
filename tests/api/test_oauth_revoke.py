"""Ending an app's access: the revocation endpoint, and the user revoking it."""

from __future__ import annotations

import time
from datetime import timedelta

from joserfc.jwk import ECKey

from server.auth.access_tokens import issue_access_token
from server.auth.web import signing_key
from server.clock import utcnow
from tests.api.conftest import BOOKS
from tests.api.oauth_app import (
    App,
    claims_of,
    forge,
    grant_of,
    register,
    tokens_for,
)


def test_user_revoking_the_app_stops_its_tokens_at_once(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    grant_id = alex.get("/api/v1/authorized-apps").json["items"][0]["id"]
    assert alex.delete(f"/api/v1/authorized-apps/{grant_id}").status_code == 204
    assert app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 401
    assert app_client.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"
    assert alex.get("/api/v1/authorized-apps").json["items"] == []
    assert alex.delete(f"/api/v1/authorized-apps/{grant_id}").status_code == 404


def test_revocation_endpoint_ends_the_grant(app, alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    # Another app cannot revoke it.
    other = App(register(alex)["client_id"], app.test_client())
    stolen = other.client.post(
        "/oauth/revoke", data={"client_id": other.client_id, "token": tokens["refresh_token"]}
    )
    assert stolen.status_code == 400
    assert app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 200
    response = app_client.client.post(
        "/oauth/revoke",
        data={
            "client_id": app_client.client_id,
            "token": tokens["refresh_token"],
            "token_type_hint": "refresh_token",
        },
    )
    assert response.status_code == 200
    assert app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 401
    # An unknown token is answered 200 too (RFC 7009 2.2).
    unknown = app_client.client.post(
        "/oauth/revoke", data={"client_id": app_client.client_id, "token": "tb_rt_unknown"}
    )
    assert unknown.status_code == 200


def test_revoking_an_access_token_ends_the_grant(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    response = app_client.client.post(
        "/oauth/revoke", data={"client_id": app_client.client_id, "token": tokens["access_token"]}
    )
    assert response.status_code == 200
    assert app_client.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"


def test_an_expired_access_token_still_revokes_its_grant(app, alex, app_client, book):
    """An app that signs out with the last token it has ends its access, expired or not;
    a token of the same shape that is not ours ends nothing."""
    tokens = tokens_for(alex, app_client, book)
    grant = grant_of(app, tokens)
    forged = claims_of(tokens["access_token"]) | {"exp": int(time.time()) - 3600}
    with app.app_context():
        old = issue_access_token(signing_key(), grant, "read", utcnow() - timedelta(hours=1), 300)
    stranger = forge(app, forged, key=ECKey.generate_key("P-256"))
    for token in (stranger, old):
        response = app_client.client.post(
            "/oauth/revoke", data={"client_id": app_client.client_id, "token": token}
        )
        assert response.status_code == 200
        alive = app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 200
        assert alive == (token is stranger)


def test_revocation_refuses_an_unknown_hint_with_400_and_needs_a_token(app_client):
    answer = app_client.client.post(
        "/oauth/revoke",
        data={"token": "x", "token_type_hint": "id_token", "client_id": app_client.client_id},
    )
    assert (answer.status_code, answer.json.get("error")) == (400, "unsupported_token_type"), (
        answer.json
    )
    answer = app_client.client.post("/oauth/revoke", data={"client_id": app_client.client_id})
    assert (answer.status_code, answer.json["error"]) == (400, "invalid_request")
