"""An app's access tokens (signed JWTs): expired or forged ones are refused."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

from joserfc.jwk import ECKey

from server.auth.access_tokens import issue_access_token
from server.auth.web import signing_key
from server.clock import utcnow
from tests.api.conftest import BOOKS
from tests.api.oauth_app import (
    claims_of,
    forge,
    grant_of,
    tokens_for,
)


def test_expired_access_token_is_refused(app, alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    grant = grant_of(app, tokens)
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
    assert app_client.api(forge(app, claims), "GET", BOOKS).status_code == 200  # the control

    def refused(token: str) -> bool:
        return app_client.api(token, "GET", f"{BOOKS}/{book}/accounts").status_code == 401

    assert refused(forge(app, {**claims, "aud": "another-api"}))
    assert refused(forge(app, {key: v for key, v in claims.items() if key != "aud"}))
    assert refused(forge(app, {key: v for key, v in claims.items() if key != "exp"}))
    assert refused(forge(app, {key: v for key, v in claims.items() if key != "iat"}))
    assert refused(forge(app, {**claims, "iat": claims["iat"] + 3600, "exp": claims["exp"] + 3600}))
    assert refused(forge(app, {**claims, "book": other_book}))  # a token for another book
    assert refused(forge(app, {**claims, "scope": "read write"}))  # more than granted
    assert refused(forge(app, {**claims, "scope": "admin"}))
    assert refused(forge(app, {**claims, "sub": "999"}))
    assert refused(forge(app, claims, header={"alg": "ES256"}))  # not typed as an access token
    assert refused(forge(app, claims, key=ECKey.generate_key("P-256")))  # another key

    # alg none: no signature at all.
    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    assert refused(f"{b64({'alg': 'none', 'typ': 'at+jwt'})}.{b64(claims)}.")
    # A tampered payload under the original signature.
    genuine = forge(app, claims)
    header, _, signature = genuine.split(".")
    assert refused(f"{header}.{b64({**claims, 'book': other_book})}.{signature}")
    # A flipped bit in the signature.
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert refused(f"{header}.{genuine.split('.')[1]}.{flipped}")
    assert refused("not.a.jwt")
