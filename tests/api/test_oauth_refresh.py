"""Refresh tokens: rotated on each use, a replay revokes the family, the scope only narrows."""

from __future__ import annotations

from tests.api.conftest import BOOKS
from tests.api.oauth_app import (
    App,
    claims_of,
    register,
    tokens_for,
)


def test_refresh_rotates_and_a_replayed_token_revokes_the_family(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    refreshed = app_client.refresh(tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.json
    new = refreshed.json
    assert new["refresh_token"] != tokens["refresh_token"]
    assert app_client.api(new["access_token"], "GET", BOOKS).status_code == 200
    # The old refresh token comes back: someone copied it. Every token of the family dies.
    replay = app_client.refresh(tokens["refresh_token"])
    assert replay.status_code == 400 and replay.json["error"] == "invalid_grant"
    assert app_client.api(new["access_token"], "GET", BOOKS).status_code == 401
    assert app_client.refresh(new["refresh_token"]).json["error"] == "invalid_grant"
    assert alex.get("/api/v1/authorized-apps").json["items"] == []


def test_refresh_cannot_widen_the_scope_but_may_narrow_it(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book, scope="read")
    wider = app_client.refresh(tokens["refresh_token"], scope="read write")
    assert wider.status_code == 400 and wider.json["error"] == "invalid_scope"
    write_tokens = tokens_for(alex, app_client, book, scope="write")
    narrower = app_client.refresh(write_tokens["refresh_token"], scope="read")
    assert narrower.status_code == 200
    assert claims_of(narrower.json["access_token"])["scope"] == "read"
    # The new refresh token keeps the scope granted at first.
    again = app_client.refresh(narrower.json["refresh_token"], scope="read write")
    assert again.status_code == 200


def test_refresh_by_another_app_or_after_expiry_is_refused(
    app, alex, app_client, book, other_book, oauth_clock
):
    tokens = tokens_for(alex, app_client, book)
    thief = App(register(alex)["client_id"], app.test_client())
    assert thief.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"
    expiring = tokens_for(alex, app_client, book)
    in_time = tokens_for(alex, app_client, other_book)  # given at the same moment
    oauth_clock.advance(app.config["OAUTH_REFRESH_TOKEN_LIFETIME"] - 1)
    assert app_client.refresh(in_time["refresh_token"]).status_code == 200
    oauth_clock.advance(1)
    assert app_client.refresh(expiring["refresh_token"]).json["error"] == "invalid_grant"


def test_a_refresh_asking_for_write_gets_read_and_write(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book, scope="write")
    renewed = app_client.refresh(tokens["refresh_token"], scope="write").json
    assert renewed["scope"] == "read write"
    assert app_client.api(renewed["access_token"], "GET", BOOKS).status_code == 200


def test_an_apps_rate_limit_outlives_its_access_tokens(app, alex, app_client, book):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    tokens = tokens_for(alex, app_client, book)
    for _ in range(2):
        assert app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 200
    renewed = app_client.refresh(tokens["refresh_token"]).json["access_token"]
    refused = app_client.api(renewed, "GET", BOOKS)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    # A new consent is a new grant (replacing the old one), with a budget of its own.
    again = tokens_for(alex, app_client, book)["access_token"]
    assert app_client.api(again, "GET", BOOKS).status_code == 200
