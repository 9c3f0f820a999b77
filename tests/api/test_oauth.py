"""OAuth 2.0 for apps on this computer: the whole flow, and every way to cheat it refused."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from server.auth.access_tokens import issue_access_token
from server.auth.oauth import find_live_grant
from server.auth.web import signing_key
from server.clock import utcnow
from tests.api.conftest import BOOKS, post

REDIRECT = "http://127.0.0.1/callback"
PORT = 53117


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


@dataclass
class App:
    """A registered app going through the flow with the Flask test client."""

    client_id: str
    client: Any  # the anonymous test client the app uses for its own requests
    secret: str | None = None
    redirect_uri: str = f"http://127.0.0.1:{PORT}/callback"
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    def authorize_query(self, **overrides: Any) -> str:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": "read",
            "state": "st4te",
            "code_challenge": s256(self.verifier),
            "code_challenge_method": "S256",
        }
        params.update(overrides)
        return urlencode({key: value for key, value in params.items() if value is not None})

    def token(self, **form: Any) -> Any:
        body = {"client_id": self.client_id, **form}
        if self.secret is not None:
            body["client_secret"] = self.secret
        return self.client.post("/oauth/token", data=body)

    def exchange(self, code: str, **overrides: Any) -> Any:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
        }
        form.update(overrides)
        return self.token(**{key: value for key, value in form.items() if value is not None})

    def refresh(self, refresh_token: str, **form: Any) -> Any:
        return self.token(grant_type="refresh_token", refresh_token=refresh_token, **form)

    def api(self, access_token: str, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {access_token}"}
        return self.client.open(path, method=method, headers=headers, **kwargs)


@pytest.fixture
def book(alex) -> int:
    book_id = post(alex, BOOKS, {"name": "Household", "currency": "EUR"})["id"]
    post(alex, f"{BOOKS}/{book_id}/accounts", {"name": "Checking", "type": "checking"})
    return book_id


@pytest.fixture
def other_book(alex) -> int:
    return post(alex, BOOKS, {"name": "Club", "currency": "EUR"})["id"]


def register(alex, *, confidential: bool = False, uris: list[str] | None = None) -> dict:
    response = alex.post(
        "/api/v1/oauth/clients",
        json={
            "name": "Receipt <b>scanner</b>",
            "redirect_uris": uris or [REDIRECT],
            "confidential": confidential,
        },
    )
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def app_client(app, alex) -> App:
    created = register(alex)
    return App(created["client_id"], app.test_client())


def consent(user, app_client: App, chosen: int | None, *, allow: bool = True, **overrides):
    """The user answers the consent page, choosing the book `chosen`; returns the answer."""
    query = app_client.authorize_query(**overrides)
    page = user.get(f"/oauth/authorize?{query}")
    assert page.status_code == 200, page.get_data(as_text=True)
    body = {"allow": allow} | ({"book_id": chosen} if chosen is not None else {})
    return user.post(f"/oauth/authorize?{query}", json=body)


def code_for(user, app_client: App, book_id: int, **overrides) -> str:
    answer = consent(user, app_client, book_id, **overrides)
    assert answer.status_code == 200, answer.json
    location = answer.json["redirect_to"]
    assert location.startswith(app_client.redirect_uri + "?")
    params = query_of(location)
    assert params["state"] == "st4te"
    return params["code"]


def tokens_for(user, app_client: App, book_id: int, **overrides) -> dict:
    response = app_client.exchange(code_for(user, app_client, book_id, **overrides))
    assert response.status_code == 200, response.json
    return response.json


def claims_of(access_token: str) -> dict:
    payload = access_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# ---- the flow --------------------------------------------------------------------------------


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


def test_user_revoking_the_app_stops_its_tokens_at_once(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    grant_id = alex.get("/api/v1/authorized-apps").json["items"][0]["id"]
    assert alex.delete(f"/api/v1/authorized-apps/{grant_id}").status_code == 204
    assert app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 401
    assert app_client.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"
    assert alex.get("/api/v1/authorized-apps").json["items"] == []
    assert alex.delete(f"/api/v1/authorized-apps/{grant_id}").status_code == 404


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
    assert (
        alex.post(f"{BOOKS}/{book}/members", json={"username": "sam", "role": "viewer"}).status_code
        == 201
    )
    tokens = tokens_for(sam, app_client, book, scope="read write")
    assert tokens["scope"] == "read"


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


# ---- every way to cheat -----------------------------------------------------------------------


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


def test_a_code_reused_after_it_expired_still_revokes_what_it_gave(app, alex, app_client, book):
    app.config["OAUTH_CODE_LIFETIME"] = 1
    code = code_for(alex, app_client, book)
    first = app_client.exchange(code)
    assert first.status_code == 200
    time.sleep(1.1)
    code_for(alex, app_client, book)  # a new code: the moment expired ones are forgotten
    assert app_client.exchange(code).json["error"] == "invalid_grant"
    assert app_client.api(first.json["access_token"], "GET", BOOKS).status_code == 401


def test_expired_code_is_refused(app, alex, app_client, book):
    app.config["OAUTH_CODE_LIFETIME"] = 0
    code = code_for(alex, app_client, book)
    assert app_client.exchange(code).json["error"] == "invalid_grant"


@pytest.mark.parametrize("grant_type", ["password", "client_credentials", "implicit"])
def test_no_other_grant_types(app_client, grant_type):
    response = app_client.token(grant_type=grant_type, username="alex", password="x")
    assert response.status_code == 400
    assert response.json["error"] == "unsupported_grant_type"


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


def test_refresh_by_another_app_or_after_expiry_is_refused(app, alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    thief = App(register(alex)["client_id"], app.test_client())
    assert thief.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"
    app.config["OAUTH_REFRESH_TOKEN_LIFETIME"] = 0
    expiring = tokens_for(alex, app_client, book)
    assert app_client.refresh(expiring["refresh_token"]).json["error"] == "invalid_grant"


def _grant(app, alex_client_tokens: dict):
    claims = claims_of(alex_client_tokens["access_token"])
    with app.app_context():
        from server.db.request import reader

        return find_live_grant(reader(), claims["grant"])


def _forge(app, claims: dict, header: dict | None = None, key: ECKey | None = None) -> str:
    with app.app_context():
        real = signing_key()
    header = header or {"alg": "ES256", "typ": "at+jwt"}
    return jwt.encode(header, claims, key or real, algorithms=[header["alg"]])


def test_expired_access_token_is_refused(app, alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    grant = _grant(app, tokens)
    with app.app_context():
        old = issue_access_token(signing_key(), grant, "read", utcnow() - timedelta(hours=1), 300)
    assert app_client.api(old, "GET", BOOKS).status_code == 401
    with app.app_context():
        fresh = issue_access_token(signing_key(), grant, "read", utcnow(), 300)
    assert app_client.api(fresh, "GET", BOOKS).status_code == 200


def _valid_claims(app, alex, app_client, book) -> dict:
    return claims_of(tokens_for(alex, app_client, book)["access_token"])


def test_forged_tokens_are_refused(app, alex, app_client, book, other_book):
    claims = _valid_claims(app, alex, app_client, book)
    assert app_client.api(_forge(app, claims), "GET", BOOKS).status_code == 200  # the control

    def refused(token: str) -> bool:
        return app_client.api(token, "GET", f"{BOOKS}/{book}/accounts").status_code == 401

    assert refused(_forge(app, {**claims, "aud": "another-api"}))
    assert refused(_forge(app, {key: v for key, v in claims.items() if key != "aud"}))
    assert refused(_forge(app, {key: v for key, v in claims.items() if key != "exp"}))
    assert refused(_forge(app, {key: v for key, v in claims.items() if key != "iat"}))
    assert refused(
        _forge(app, {**claims, "iat": claims["iat"] + 3600, "exp": claims["exp"] + 3600})
    )
    assert refused(_forge(app, {**claims, "book": other_book}))  # a token for another book
    assert refused(_forge(app, {**claims, "scope": "read write"}))  # more than granted
    assert refused(_forge(app, {**claims, "scope": "admin"}))
    assert refused(_forge(app, {**claims, "sub": "999"}))
    assert refused(_forge(app, claims, header={"alg": "ES256"}))  # not typed as an access token
    assert refused(_forge(app, claims, key=ECKey.generate_key("P-256")))  # another key

    # alg none: no signature at all.
    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    assert refused(f"{b64({'alg': 'none', 'typ': 'at+jwt'})}.{b64(claims)}.")
    # A tampered payload under the original signature.
    genuine = _forge(app, claims)
    header, _, signature = genuine.split(".")
    assert refused(f"{header}.{b64({**claims, 'book': other_book})}.{signature}")
    # A flipped bit in the signature.
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert refused(f"{header}.{genuine.split('.')[1]}.{flipped}")
    assert refused("not.a.jwt")


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
    grant = _grant(app, tokens)
    forged = claims_of(tokens["access_token"]) | {"exp": int(time.time()) - 3600}
    with app.app_context():
        old = issue_access_token(signing_key(), grant, "read", utcnow() - timedelta(hours=1), 300)
    stranger = _forge(app, forged, key=ECKey.generate_key("P-256"))
    for token in (stranger, old):
        response = app_client.client.post(
            "/oauth/revoke", data={"client_id": app_client.client_id, "token": token}
        )
        assert response.status_code == 200
        alive = app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 200
        assert alive == (token is stranger)


# ---- registering apps --------------------------------------------------------------------------


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


# ---- the desktop: a browser that is not signed in, a window that is ----------------------------


# What a browser sends when an app opened it on a page (not a web page navigating there).
OPENED_BY_AN_APP = {
    "Sec-Fetch-Site": "none",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Dest": "document",
}


@pytest.fixture
def window_pages(app) -> list[str]:
    """What the server asks the desktop window to show (as the launcher's hook would)."""
    shown: list[str] = []
    app.config["CONSENT_IN_WINDOW"] = shown.append
    return shown


def test_a_browser_not_signed_in_waits_while_the_window_asks(
    app, alex, app_client, book, window_pages
):
    browser = app.test_client()
    page = browser.get(f"/oauth/authorize?{app_client.authorize_query()}", headers=OPENED_BY_AN_APP)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tallybook window" in html
    match_code = re.search(r"data-match-code>(\d{4})<", html)[1]
    [path] = window_pages
    assert path.startswith("/oauth/authorize?")
    handle = query_of(path)["handoff"]
    assert browser.get(f"/oauth/handoff/{handle}").json == {"answered": False, "redirect_to": None}
    # The window, signed in, shows the consent page with the same code; the user allows there.
    in_window = alex.get(path).get_data(as_text=True)
    assert "Household (EUR)" in in_window
    assert f"data-match-code>{match_code}<" in in_window
    answer = alex.post(path, json={"allow": True, "book_id": book})
    assert answer.json == {"redirect_to": None, "handed_off": True}
    state = browser.get(f"/oauth/handoff/{handle}").json
    assert state["answered"] is True
    assert state["redirect_to"].startswith(app_client.redirect_uri + "?")
    assert app_client.exchange(query_of(state["redirect_to"])["code"]).status_code == 200
    # The answer is collected once, and the window's own request did not hand off again.
    assert browser.get(f"/oauth/handoff/{handle}").status_code == 404
    assert window_pages == [path]


def test_the_window_hands_nothing_off_that_it_should_not(app, alex, app_client, book, window_pages):
    browser = app.test_client()
    bad = browser.get(
        f"/oauth/authorize?{app_client.authorize_query(redirect_uri='http://evil.example/cb')}",
        headers=OPENED_BY_AN_APP,
    )
    assert bad.status_code == 400 and window_pages == []
    # A signed-in browser answers itself.
    assert "Household (EUR)" in alex.get(
        f"/oauth/authorize?{app_client.authorize_query()}"
    ).get_data(as_text=True)
    assert window_pages == []
    # A window that is not signed in is sent to sign in, never asked again (no loop).
    query = app_client.authorize_query() + "&handoff=abc"
    assert browser.get(f"/oauth/authorize?{query}").status_code == 302
    assert window_pages == []
    # Unknown handoffs: nothing to collect, nothing to show, nothing to answer.
    assert browser.get("/oauth/handoff/nope").status_code == 404
    assert alex.get(f"/oauth/authorize?{query}").status_code == 410
    answer = alex.post(f"/oauth/authorize?{query}", json={"allow": True, "book_id": book})
    assert answer.status_code == 400
    assert alex.get("/api/v1/authorized-apps").json["items"] == []


def test_denying_in_the_window_tells_the_waiting_browser(app, alex, app_client, window_pages):
    browser = app.test_client()
    browser.get(f"/oauth/authorize?{app_client.authorize_query()}", headers=OPENED_BY_AN_APP)
    [path] = window_pages
    assert alex.post(path, json={"allow": False}).json["handed_off"] is True
    state = browser.get(f"/oauth/handoff/{query_of(path)['handoff']}").json
    assert query_of(state["redirect_to"])["error"] == "access_denied"


def test_an_app_cannot_change_who_shares_its_book_or_its_settings(
    make_user, alex, app_client, book
):
    make_user("mallory")
    access = tokens_for(alex, app_client, book, scope="write")["access_token"]
    members = f"{BOOKS}/{book}/members"
    for method, path, body in (
        ("POST", members, {"username": "mallory", "role": "owner"}),
        ("GET", members, None),
        ("PATCH", f"{members}/{alex.user.id}", {"role": "viewer"}),
        ("DELETE", f"{members}/{alex.user.id}", None),
        ("PATCH", f"{BOOKS}/{book}", {"name": "Mine now"}),
    ):
        response = app_client.api(access, method, path, json=body)
        assert response.status_code == 403, (method, path, response.json)
    assert [m["username"] for m in alex.get(members).json["items"]] == ["alex"]
    # Its book's data it may use: reading the book, its export, its accounts.
    assert app_client.api(access, "GET", f"{BOOKS}/{book}").status_code == 200
    assert app_client.api(access, "GET", f"{BOOKS}/{book}/export.json").status_code == 200


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


@pytest.mark.parametrize(
    "fetch",
    [
        {},  # no fetch metadata at all
        {**OPENED_BY_AN_APP, "Sec-Fetch-Site": "cross-site"},  # a web page navigating here
        {**OPENED_BY_AN_APP, "Sec-Fetch-Dest": "image"},  # an <img> on a web page
        {**OPENED_BY_AN_APP, "Sec-Fetch-Mode": "no-cors"},
    ],
)
def test_only_a_browser_an_app_opened_can_ask_the_window(app, app_client, window_pages, fetch):
    page = app.test_client().get(f"/oauth/authorize?{app_client.authorize_query()}", headers=fetch)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")
    assert window_pages == []


def test_the_window_asks_about_one_request_at_a_time(app, app_client, window_pages):
    query = app_client.authorize_query()
    first = app.test_client().get(f"/oauth/authorize?{query}", headers=OPENED_BY_AN_APP)
    assert first.status_code == 200
    second = app.test_client().get(f"/oauth/authorize?{query}", headers=OPENED_BY_AN_APP)
    assert second.status_code == 302 and second.headers["Location"].startswith("/login?next=")
    assert len(window_pages) == 1


def test_metadata_sends_the_user_to_the_pages_on_localhost(client):
    meta = client.get("/.well-known/oauth-authorization-server", base_url="http://127.0.0.1").json
    assert meta["issuer"] == "http://127.0.0.1"
    assert meta["token_endpoint"] == "http://127.0.0.1/oauth/token"
    assert meta["authorization_endpoint"] == "http://localhost/oauth/authorize"


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


# ---- the user's standing in the book bounds the app's ------------------------------------------


def sam_in_book(make_user, sign_in, alex, book: int, role: str):
    make_user("sam")
    answer = alex.post(f"{BOOKS}/{book}/members", json={"username": "sam", "role": role})
    assert answer.status_code == 201
    return sign_in("sam")


def test_an_app_loses_the_book_when_its_user_leaves_it_for_good(
    make_user, sign_in, alex, app_client, book
):
    sam = sam_in_book(make_user, sign_in, alex, book, "editor")
    tokens = tokens_for(sam, app_client, book, scope="write")
    sam_id = sam.user.id
    assert alex.delete(f"{BOOKS}/{book}/members/{sam_id}").status_code == 204
    assert sam.get("/api/v1/authorized-apps").json["items"] == []
    assert app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 401
    assert app_client.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"
    # Back in the book, sam's old app is not: it asks again.
    alex.post(f"{BOOKS}/{book}/members", json={"username": "sam", "role": "editor"})
    assert app_client.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"
    tag = {"name": "sneaky"}
    assert (
        app_client.api(tokens["access_token"], "POST", f"{BOOKS}/{book}/tags", json=tag).status_code
        == 401
    )


def test_an_app_of_a_member_made_viewer_can_only_read(make_user, sign_in, alex, app_client, book):
    sam = sam_in_book(make_user, sign_in, alex, book, "editor")
    tokens = tokens_for(sam, app_client, book, scope="write")
    changed = alex.patch(f"{BOOKS}/{book}/members/{sam.user.id}", json={"role": "viewer"})
    assert changed.status_code == 200
    assert [a["scope"] for a in sam.get("/api/v1/authorized-apps").json["items"]] == ["read"]
    assert app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 401  # said write
    renewed = app_client.refresh(tokens["refresh_token"])
    assert renewed.json["scope"] == "read"
    access = renewed.json["access_token"]
    assert app_client.api(access, "GET", f"{BOOKS}/{book}/accounts").status_code == 200
    write = app_client.api(access, "POST", f"{BOOKS}/{book}/tags", json={"name": "x"})
    assert write.status_code == 403
    assert app_client.refresh(renewed.json["refresh_token"], scope="write").json["error"] == (
        "invalid_scope"
    )


def test_leaving_a_book_oneself_ends_ones_apps_there_too(
    make_user, sign_in, alex, app_client, book
):
    sam = sam_in_book(make_user, sign_in, alex, book, "viewer")
    tokens = tokens_for(sam, app_client, book)
    assert sam.delete(f"{BOOKS}/{book}/members/{sam.user.id}").status_code == 204
    assert app_client.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"


# ---- one row per app and book, honest last use ---------------------------------------------------


def test_a_new_consent_replaces_the_apps_earlier_one_for_that_book(
    alex, app_client, book, other_book
):
    first = tokens_for(alex, app_client, book)
    elsewhere = tokens_for(alex, app_client, other_book)
    second = tokens_for(alex, app_client, book, scope="write")
    apps = alex.get("/api/v1/authorized-apps").json["items"]
    assert sorted((a["book_id"], a["scope"]) for a in apps) == [
        (book, "read write"),
        (other_book, "read"),
    ]
    assert app_client.refresh(first["refresh_token"]).json["error"] == "invalid_grant"
    assert app_client.api(second["access_token"], "GET", BOOKS).status_code == 200
    assert app_client.api(elsewhere["access_token"], "GET", BOOKS).status_code == 200


def test_an_app_that_never_called_the_api_was_never_used(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    assert alex.get("/api/v1/authorized-apps").json["items"][0]["last_used_at"] is None
    app_client.api(tokens["access_token"], "GET", BOOKS)
    assert alex.get("/api/v1/authorized-apps").json["items"][0]["last_used_at"] is not None


def test_a_refresh_asking_for_write_gets_read_and_write(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book, scope="write")
    renewed = app_client.refresh(tokens["refresh_token"], scope="write").json
    assert renewed["scope"] == "read write"
    assert app_client.api(renewed["access_token"], "GET", BOOKS).status_code == 200


# ---- requests no app should send are refused as OAuth errors, never a 500 ------------------------


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


def test_a_repeated_authorization_parameter_gets_the_refusal_page(alex, app_client):
    page = alex.get(f"/oauth/authorize?{app_client.authorize_query()}&state=again")
    assert (page.status_code, page.mimetype) == (400, "text/html")
    assert "&#39;state&#39; is given 2 times" in page.get_data(as_text=True)


def test_the_apps_state_keeps_any_characters(alex, app_client, book):
    state = 'a "quoted" \\ state, ünïcode & more'
    answer = consent(alex, app_client, book, state=state)
    assert query_of(answer.json["redirect_to"])["state"] == state


# ---- what happened is logged, secrets never -----------------------------------------------------


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
