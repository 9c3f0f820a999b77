"""The authorization request and the user's consent: what is asked, who may answer, and
every request that is refused (back to the app, or shown and never followed)."""

from __future__ import annotations

import pytest

from tests.api.oauth_app import (
    consent,
    query_of,
    tokens_for,
)
from tests.sharing import share


def test_deny_sends_access_denied_back_with_the_state(alex, app_client, book):
    answer = consent(alex, app_client, None, allow=False)
    params = query_of(answer.json["redirect_to"])
    assert (params["error"], params["state"]) == ("access_denied", "st4te")
    assert "code" not in params
    assert alex.get("/api/v1/authorized-apps").json["items"] == []


def test_consent_needs_the_signed_in_user(client, alex, app_client, book):
    query = app_client.authorize_query()
    page = client.get(f"/oauth/authorize?{query}")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?next=/oauth/authorize")
    assert (
        client.post(f"/oauth/authorize?{query}", json={"allow": True, "book_id": book}).status_code
        == 401
    )
    # The session's CSRF token is required to answer.
    no_csrf = alex.client.post(f"/oauth/authorize?{query}", json={"allow": True, "book_id": book})
    assert no_csrf.status_code == 403


def test_a_personal_token_cannot_answer_for_the_user(alex, app_client, book, make_token):
    token = make_token(alex.user, "write")
    answer = app_client.client.post(
        f"/oauth/authorize?{app_client.authorize_query()}",
        json={"allow": True, "book_id": book},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 403


def test_a_book_the_user_is_not_in_cannot_be_given(make_user, sign_in, alex, app_client, book):
    make_user("sam")
    sam = sign_in("sam")
    answer = consent(sam, app_client, book)
    assert answer.status_code == 422
    assert answer.json["errors"][0]["field"] == "book_id"
    # Nor another book than the one the app asked for.
    answer = consent(alex, app_client, book + 1, book_id=book)
    assert answer.status_code == 422


def test_a_viewer_lets_an_app_read_only(make_user, sign_in, alex, app_client, book):
    make_user("sam")
    sam = sign_in("sam")
    share(alex, sam, book, "viewer")
    tokens = tokens_for(sam, app_client, book, scope="read write")
    assert tokens["scope"] == "read"


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),  # would default to plain
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),  # no implicit grant
        ({"scope": "admin"}, "invalid_scope"),
    ],
)
def test_bad_authorization_requests_go_back_to_the_app_with_an_error(
    alex, app_client, book, overrides, error
):
    page = alex.get(f"/oauth/authorize?{app_client.authorize_query(**overrides)}")
    assert page.status_code == 302
    params = query_of(page.headers["Location"])
    assert page.headers["Location"].startswith(app_client.redirect_uri)
    assert params["error"] == error
    assert params["state"] == "st4te"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://127.0.0.1:53117/other",  # another path
        "http://127.0.0.1:53117/callback/",
        "http://127.0.0.1:53117/callback?x=1",
        "https://127.0.0.1:53117/callback",  # another scheme
        "http://localhost:53117/callback",  # a name, not the IP literal
        "http://[::1]:53117/callback",  # another IP
        "http://evil.example/callback",
        "http://127.0.0.1.evil.example/callback",
        "http://user@127.0.0.1:53117/callback",
        None,  # a loopback app must say its port
    ],
)
def test_redirect_uri_mismatch_is_shown_never_followed(alex, app_client, redirect_uri):
    page = alex.get(f"/oauth/authorize?{app_client.authorize_query(redirect_uri=redirect_uri)}")
    assert page.status_code == 400
    assert "Location" not in page.headers
    assert "cannot be accepted" in page.get_data(as_text=True)


def test_unknown_app_is_shown_never_followed(alex, app_client):
    page = alex.get(f"/oauth/authorize?{app_client.authorize_query(client_id='tb_app_nobody')}")
    assert page.status_code == 400 and "Location" not in page.headers


@pytest.mark.parametrize(
    "overrides",
    [
        {"redirect_uri": "http://127.0.0.1:5555/cällback"},
        {"redirect_uri": "http://127.0.0.1:5555/c\\b"},
        {"redirect_uri": 'http://127.0.0.1:5555/"x'},
        {"redirect_uri": "http://evil.example\\@127.0.0.1:5555/callback"},
        {"response_type": 'to"ken'},
        {"client_id": "tb_app_\u00e9"},
        {"redirect_uri": "http://127.0.0.1:0/callback"},
    ],
)
def test_odd_characters_in_an_authorization_request_get_the_refusal_page(
    alex, app_client, overrides
):
    query = app_client.authorize_query(**overrides)
    page = alex.get(f"/oauth/authorize?{query}")
    assert page.status_code == 400
    assert page.mimetype == "text/html"
    assert "This app&#39;s request cannot be accepted" in page.get_data(as_text=True)
    answer = alex.post(f"/oauth/authorize?{query}", json={"allow": True, "book_id": 1})
    assert answer.status_code == 400 and answer.json["code"] == "oauth_request_refused"


@pytest.mark.parametrize("extra", ["%C3%A9=1", "%C3%A9=1&%C3%A9=2", "%22=1"])
def test_an_odd_parameter_name_gets_the_refusal_page(alex, app_client, extra):
    query = f"{app_client.authorize_query()}&{extra}"
    page = alex.get(f"/oauth/authorize?{query}")
    assert (page.status_code, page.mimetype) == (400, "text/html")
    assert "A parameter" in page.get_data(as_text=True)
    answer = alex.post(f"/oauth/authorize?{query}", json={"allow": True, "book_id": 1})
    assert answer.status_code == 400 and answer.json["code"] == "oauth_request_refused"


def test_a_repeated_authorization_parameter_gets_the_refusal_page(alex, app_client):
    page = alex.get(f"/oauth/authorize?{app_client.authorize_query()}&state=again")
    assert (page.status_code, page.mimetype) == (400, "text/html")
    assert "&#39;state&#39; is given 2 times" in page.get_data(as_text=True)


def test_the_apps_state_keeps_any_characters(alex, app_client, book):
    state = 'a "quoted" \\ state, ünïcode & more'
    answer = consent(alex, app_client, book, state=state)
    assert query_of(answer.json["redirect_to"])["state"] == state
