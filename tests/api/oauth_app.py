"""What the OAuth tests share: a registered app going through the flow with the test client,
and short-hands for the user's consent, codes, tokens and forged tokens. The fixtures that
make them are in conftest.py."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import ECKey

from server.auth.oauth import find_live_grant
from server.auth.web import signing_key

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


def grant_of(app, alex_client_tokens: dict):
    """Return the live grant behind an app's tokens."""
    claims = claims_of(alex_client_tokens["access_token"])
    with app.app_context():
        from server.request_db import reader

        return find_live_grant(reader(), claims["grant"])


def forge(app, claims: dict, header: dict | None = None, key: ECKey | None = None) -> str:
    """Sign `claims` as an access token: with the app's own key unless `key` is given."""
    with app.app_context():
        real = signing_key()
    header = header or {"alg": "ES256", "typ": "at+jwt"}
    return jwt.encode(header, claims, key or real, algorithms=[header["alg"]])
