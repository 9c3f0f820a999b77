"""The token endpoint: a code exchanged once, by its app, with its verifier (and secret);
requests no app should send are refused as OAuth errors, never a 500."""

from __future__ import annotations

import base64
import secrets
from urllib.parse import urlencode

import pytest

from tests.api.conftest import BOOKS
from tests.api.oauth_app import (
    App,
    code_for,
    register,
)


def test_confidential_app_needs_its_secret_and_pkce_too(app, alex, book):
    created = register(alex, confidential=True)
    assert created["client_secret"].startswith("tb_secret_")
    confidential = App(created["client_id"], app.test_client(), secret=created["client_secret"])
    code = code_for(alex, confidential, book)
    assert confidential.exchange(code, code_verifier=None).json["error"] == "invalid_request"
    wrong_secret = App(created["client_id"], app.test_client(), secret="tb_secret_nope")
    wrong_secret.verifier = confidential.verifier
    refused = wrong_secret.exchange(code)
    assert (refused.status_code, refused.json["error"]) == (401, "invalid_client")
    assert refused.json["error_description"] == "The client secret is wrong."
    no_secret = App(created["client_id"], app.test_client())
    no_secret.verifier = confidential.verifier
    refused = no_secret.exchange(code).json
    assert refused["error"] == "invalid_client"
    assert refused["error_description"].startswith("This app is confidential: send its client")
    assert confidential.exchange(code).status_code == 200


def test_a_public_app_sending_a_secret_is_told_it_has_none(alex, app_client, book):
    code = code_for(alex, app_client, book)
    basic = base64.b64encode(f"{app_client.client_id}:made-up".encode()).decode("ascii")
    refused = app_client.client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": app_client.redirect_uri,
            "code_verifier": app_client.verifier,
        },
        headers={"Authorization": f"Basic {basic}"},
    )
    assert (refused.status_code, refused.json["error"]) == (401, "invalid_client")
    assert "This app is public" in refused.json["error_description"]
    assert "This app is public" in refused.headers["WWW-Authenticate"]
    app_client.secret = "made-up"  # in the form instead
    assert "This app is public" in app_client.exchange(code).json["error_description"]
    app_client.secret = None
    assert app_client.exchange(code).status_code == 200  # the refusals spent nothing


def test_any_port_of_the_registered_loopback_uri_is_accepted(alex, app_client, book):
    for uri in ("http://127.0.0.1:8/callback", "http://127.0.0.1/callback"):
        app_client.redirect_uri = uri
        assert app_client.exchange(code_for(alex, app_client, book)).status_code == 200


def test_wrong_or_missing_code_verifier_is_refused(alex, app_client, book):
    code = code_for(alex, app_client, book)
    assert (
        app_client.exchange(code, code_verifier=secrets.token_urlsafe(48)).json["error"]
        == "invalid_grant"
    )
    assert app_client.exchange(code, code_verifier=None).json["error"] == "invalid_request"
    # Refusals did not spend the code: the app with the right verifier still gets its tokens.
    assert app_client.exchange(code).status_code == 200


def test_token_request_with_another_redirect_uri_is_refused(alex, app_client, book):
    code = code_for(alex, app_client, book)
    response = app_client.exchange(code, redirect_uri="http://127.0.0.1:1/callback")
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"


def test_another_app_cannot_use_the_code(app, alex, app_client, book):
    code = code_for(alex, app_client, book)
    thief = App(register(alex)["client_id"], app.test_client(), verifier=app_client.verifier)
    assert thief.exchange(code).json["error"] == "invalid_grant"


def test_reused_code_is_refused_and_revokes_what_it_gave(alex, app_client, book):
    code = code_for(alex, app_client, book)
    first = app_client.exchange(code)
    assert first.status_code == 200
    again = app_client.exchange(code)
    assert again.status_code == 400 and again.json["error"] == "invalid_grant"
    assert app_client.api(first.json["access_token"], "GET", BOOKS).status_code == 401
    assert app_client.refresh(first.json["refresh_token"]).json["error"] == "invalid_grant"


def test_a_code_reused_after_it_expired_still_revokes_what_it_gave(
    app, alex, app_client, book, other_book, oauth_clock
):
    code = code_for(alex, app_client, book)
    unused = code_for(alex, app_client, other_book)  # given at the same moment
    first = app_client.exchange(code)
    assert first.status_code == 200
    oauth_clock.advance(app.config["OAUTH_CODE_LIFETIME"] + 1)
    assert app_client.exchange(unused).json["error"] == "invalid_grant"  # expired
    assert app_client.api(first.json["access_token"], "GET", BOOKS).status_code == 200
    code_for(alex, app_client, book)  # a new code: the moment expired ones are forgotten
    assert app_client.exchange(code).json["error"] == "invalid_grant"
    assert app_client.api(first.json["access_token"], "GET", BOOKS).status_code == 401
    assert app_client.refresh(first.json["refresh_token"]).json["error"] == "invalid_grant"


def test_expired_code_is_refused(app, alex, app_client, book, other_book, oauth_clock):
    in_time = code_for(alex, app_client, other_book)
    late = code_for(alex, app_client, book)  # given at the same moment
    oauth_clock.advance(app.config["OAUTH_CODE_LIFETIME"] - 1)
    assert app_client.exchange(in_time).status_code == 200
    oauth_clock.advance(1)
    assert app_client.exchange(late).json["error"] == "invalid_grant"


@pytest.mark.parametrize("grant_type", ["password", "client_credentials", "implicit"])
def test_no_other_grant_types(app_client, grant_type):
    response = app_client.token(grant_type=grant_type, username="alex", password="x")
    assert response.status_code == 400
    assert response.json["error"] == "unsupported_grant_type"


def test_token_requests_not_sent_as_a_form_are_refused(app_client):
    answer = app_client.client.post("/oauth/token", json={"grant_type": "refresh_token"})
    assert answer.status_code == 400
    assert answer.json["error"] == "invalid_request"
    assert "x-www-form-urlencoded" in answer.json["error_description"]


def test_a_parameter_given_twice_is_refused(alex, app_client, book):
    code = code_for(alex, app_client, book)
    form = urlencode(
        [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code", "another"),
            ("redirect_uri", app_client.redirect_uri),
            ("code_verifier", app_client.verifier),
            ("client_id", app_client.client_id),
        ]
    )
    answer = app_client.client.post(
        "/oauth/token", data=form, content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 400 and answer.json["error"] == "invalid_request"
    assert "'code' is given 2 times" in answer.json["error_description"]
    # The code was not spent by the refused request.
    assert app_client.exchange(code).status_code == 200


@pytest.mark.parametrize("credentials", [b"\xff\xfe:\xff", "client:sécret".encode("latin-1")])
@pytest.mark.parametrize("endpoint", ["/oauth/token", "/oauth/revoke"])
def test_basic_credentials_that_are_not_utf8_are_refused(app_client, credentials, endpoint):
    header = "Basic " + base64.b64encode(credentials).decode("ascii")
    answer = app_client.client.post(
        endpoint,
        data={"grant_type": "refresh_token", "refresh_token": "x", "token": "x"},
        headers={"Authorization": header},
    )
    assert answer.status_code == 401
    assert answer.json["error"] == "invalid_client"
    assert answer.headers["WWW-Authenticate"].startswith("Basic ")


@pytest.mark.parametrize("form", ["é=1", "é=1&é=2", "%22=1", "\\=1"])
@pytest.mark.parametrize("endpoint", ["/oauth/token", "/oauth/revoke"])
def test_an_odd_parameter_name_is_refused_without_echoing_it(app_client, form, endpoint):
    answer = app_client.client.post(
        endpoint,
        data=f"{form}&grant_type=refresh_token&token=x".encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 400
    assert answer.json["error"] == "invalid_request"
    assert answer.json["error_description"].startswith("A parameter ")
