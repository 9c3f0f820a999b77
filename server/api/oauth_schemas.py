"""The schemas and examples of the OAuth 2.0 endpoints' forms and answers, in RFC 6749's terms
(not problem+json), for `server.api.oauth_endpoints` and the consent page
(`server.pages.consent`).

A lifetime in a description is named by its setting in braces, `{OAUTH_CODE_LIFETIME}`: the
document says it as the app's settings have it (`server.api.oauth_docs`).
"""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Integer, List, Nested, String
from apiflask.validators import OneOf
from marshmallow import EXCLUDE

from server.api.schemas import Flag, whole
from server.auth.oauth import (
    ACCESS_TOKEN_ALGORITHM,
    CLIENT_ID_PREFIX,
    GRANT_TYPES,
    REFRESH_TOKEN_PREFIX,
    server_metadata,
)
from server.config import DEFAULTS

TAG = {
    "name": "OAuth 2.0",
    "description": (
        "Apps on the same computer ask the user for access (RFC 8252) instead of being "
        "handed a token: the authorization code flow with PKCE (S256 only), a loopback "
        "redirect URI on any port, and the user's consent in Tallybook. 1. An administrator "
        "registers the app (`POST /api/v1/oauth/clients`, Settings, or `tallybook app "
        "register`). 2. The app reads the metadata, sends the user's browser to the consent "
        "page, and gets a `code` at its redirect URI. 3. It trades the code for tokens at "
        "the token endpoint, calls the API with the access token (scope `read` or "
        "`read write`, one book), and refreshes it when it expires "
        "(after {OAUTH_ACCESS_TOKEN_LIFETIME}). No implicit or password grant. These endpoints "
        "answer errors as RFC 6749 JSON (`error`, `error_description`), not problem+json."
    ),
}
CLIENT_ID = f"{CLIENT_ID_PREFIX}ujTi61pilkHANpVSVHTUzA"
REDIRECT_URI = "http://127.0.0.1:53117/callback"
REFRESH_TOKEN = f"{REFRESH_TOKEN_PREFIX}DjUyzRE6QZVrh1IF5Rgc2QPNWyaV6u7sdvCVRHRgN10"
EXAMPLE_JWT = ".".join(  # the shape of an access token, signed by no key
    (
        "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NiIsImtpZCI6ImNVekNfWmNpdnVhNkZYeUZPQ2ZfSUtramVE"
        "U2ducFptX1ZSYUxWa2FrcUEifQ",
        "eyJzdWIiOiIxIiwiYXVkIjoidGFsbHlib29rLWFwaSIsImlhdCI6MTc5NjQwMzcyOSwiZXhwIjoxNzk2NDA0"
        "MDI5LCJzY29wZSI6InJlYWQiLCJib29rIjoyLCJjbGllbnRfaWQiOiJ0Yl9hcHBfdWpUaTYxcGlsa0hBTnBW"
        "U1ZIVFV6QSIsImdyYW50IjoyLCJqdGkiOiJ6Q1dvTU1UemVoNzBzNE85Y1g0dGtnIn0",
        "KHRoZSBFUzI1NiBzaWduYXR1cmUp",
    )
)
# What the token and revocation endpoints may answer in `error` (RFC 6749 5.2, RFC 7009).
OAUTH_ERRORS = (
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unsupported_grant_type",
    "invalid_scope",
    "unsupported_token_type",
)


class AuthorizeQuery(Schema):
    response_type = String(
        required=True,
        validate=OneOf(["code"]),
        metadata={"description": "`code`: the only flow there is."},
    )
    client_id = String(
        required=True, metadata={"description": f"The app's client id (`{CLIENT_ID}`)."}
    )
    redirect_uri = String(
        required=True,
        metadata={
            "description": "One of the app's registered loopback URIs, `http://127.0.0.1/...` "
            "or `http://[::1]/...`, with the port it listens on now (any port)."
        },
    )
    scope = String(
        metadata={
            "description": "`read`, or `write` for read and write (given as `read write`); "
            "`read` when left out."
        }
    )
    state = String(metadata={"description": "Anything; comes back unchanged. Check it."})
    code_challenge = String(
        required=True,
        metadata={
            "description": "PKCE: BASE64URL(SHA-256(code_verifier)), without padding. Required."
        },
    )
    code_challenge_method = String(
        required=True,
        validate=OneOf(["S256"]),
        metadata={"description": "`S256`, the only one taken."},
    )
    book_id = Integer(
        metadata={"description": "Ask for this book only; else the user chooses on the page."}
    )


class ConsentQuery(AuthorizeQuery):
    handoff = String(
        metadata={
            "description": "When the window answers for a browser that waits (on the desktop): "
            "the handle the waiting page was given."
        }
    )


class ConsentAnswer(Schema):
    allow = Flag(required=True, metadata={"description": "Allow the app, or deny it."})
    book_id = Integer(
        metadata={"description": "The book the app may use (when allowing); one the user is in."}
    )


class ConsentAnswered(Schema):
    redirect_to = String(
        allow_none=True,
        metadata={
            "description": "Where the browser goes now: the app's redirect URI with `code` and "
            "`state`, or with `error`; null when a waiting browser was sent there instead.",
            "example": f"{REDIRECT_URI}?code=8bK1Yc0H3n7eZs2Qm5TqWv&state=st4te",
        },
    )
    handed_off = Flag(metadata={"description": "A waiting browser was sent there instead."})


class OAuthError(Schema):
    class Meta:
        description = "An OAuth 2.0 error (RFC 6749 5.2), not problem+json."

    error = String(required=True, validate=OneOf(OAUTH_ERRORS))
    error_description = String()


# What a token or revocation request's parameters may hold: printable ASCII but for the quote
# and the backslash (RFC 6749 A, and its errors' characters, in which a refusal names them).
OAUTH_CHARACTERS = whole(r"[\u0020\u0021\u0023-\u005b\u005d-\u007e]*")


def _parameter(description: str, **kwargs: Any) -> String:
    """A token or revocation request's parameter, documented with the characters it may hold."""
    return String(metadata={"description": description, "pattern": OAUTH_CHARACTERS}, **kwargs)


class _ClientCredentials(Schema):
    class Meta:
        unknown = EXCLUDE  # RFC 6749 3.2: parameters the server does not know are ignored

    client_id = _parameter("The app's client id.")
    client_secret = _parameter("A confidential app's secret, here or as HTTP Basic credentials.")


class OAuthTokenForm(_ClientCredentials):
    grant_type = String(required=True, validate=OneOf(GRANT_TYPES))
    code = _parameter("authorization_code: the code.")
    redirect_uri = _parameter("authorization_code: the very URI the code was sent to.")
    code_verifier = _parameter("authorization_code: the PKCE verifier (43 to 128 characters).")
    refresh_token = _parameter("refresh_token: the last one.")
    scope = _parameter("refresh_token: less than granted, for this access token only.")


class OAuthRevocationForm(_ClientCredentials):
    token = _parameter("The refresh token, or an access token.", required=True)
    token_type_hint = String(validate=OneOf(["refresh_token", "access_token"]))


class OAuthTokens(Schema):
    class Meta:
        unknown = EXCLUDE

    access_token = String(
        required=True,
        metadata={"description": "A JWT for `Authorization: Bearer`, for one book."},
    )
    token_type = String(required=True, validate=OneOf(["Bearer"]))
    expires_in = Integer(required=True, metadata={"description": "Seconds it is valid."})
    refresh_token = String(
        required=True,
        metadata={"description": "Works once: the answer to it holds the next one."},
    )
    scope = String(required=True, validate=OneOf(["read", "read write"]))


class JsonWebKey(Schema):
    class Meta:
        unknown = EXCLUDE

    kty = String(required=True)
    crv = String(required=True)
    x = String(required=True)
    y = String(required=True)
    kid = String(required=True)
    use = String(required=True)
    alg = String(required=True)


class JsonWebKeySet(Schema):
    class Meta:
        unknown = EXCLUDE

    keys = List(Nested(JsonWebKey), required=True)


class AuthorizationServerMetadata(Schema):
    class Meta:
        description = "RFC 8414. Read the endpoints from here rather than building them."

    issuer = String()
    authorization_endpoint = String()
    token_endpoint = String()
    revocation_endpoint = String()
    jwks_uri = String()
    service_documentation = String()
    scopes_supported = List(String())
    response_types_supported = List(String())
    response_modes_supported = List(String())
    grant_types_supported = List(String())
    code_challenge_methods_supported = List(String())
    token_endpoint_auth_methods_supported = List(String())
    revocation_endpoint_auth_methods_supported = List(String())
    access_token_signing_alg_values_supported = List(String())


TOKEN_FORMS = {
    "authorization_code": {
        "value": {
            "grant_type": "authorization_code",
            "code": "8bK1Yc0H3n7eZs2Qm5TqWv",
            "redirect_uri": REDIRECT_URI,
            "code_verifier": "Z3kq8nU1v0b5-aW7xC2mR4tY6pL9sE1oH3jF5gD8kN0",
            "client_id": CLIENT_ID,
        }
    },
    "refresh_token": {
        "value": {
            "grant_type": "refresh_token",
            "refresh_token": REFRESH_TOKEN,
            "client_id": CLIENT_ID,
        }
    },
}
REVOCATION_FORMS = {"refresh_token": {"value": {"token": REFRESH_TOKEN, "client_id": CLIENT_ID}}}
TOKENS = {
    "access_token": EXAMPLE_JWT,
    "token_type": "Bearer",
    "expires_in": DEFAULTS["OAUTH_ACCESS_TOKEN_LIFETIME"],  # as the settings have it
    "refresh_token": REFRESH_TOKEN,
    "scope": "read",
}
JWKS = {
    "keys": [
        {
            "alg": ACCESS_TOKEN_ALGORITHM,
            "crv": "P-256",
            "kid": "cUzC_Zcivua6FXyFOCf_IKkjeDSgnpZm_VRaLVkakqA",
            "kty": "EC",
            "use": "sig",
            "x": "gZur7_4BiCde4p6h8XXMbB4I0OLi_ynvKwvMmJBigEE",
            "y": "AyzDOcSid2zljmmuRG_F_ELS0dFFpNhgKhtApvuIkBQ",
        }
    ]
}
_ISSUER = "http://127.0.0.1:8421"
METADATA = server_metadata(
    issuer=_ISSUER,
    authorization_endpoint="http://localhost:8421/oauth/authorize",  # the pages' origin
    token_endpoint=f"{_ISSUER}/oauth/token",
    revocation_endpoint=f"{_ISSUER}/oauth/revoke",
    jwks_uri=f"{_ISSUER}/oauth/jwks.json",
    service_documentation=f"{_ISSUER}/api/docs",
)
_UNAUTHENTICATED = (
    "The app did not authenticate (`invalid_client`, with `WWW-Authenticate: Basic`): no "
    "`client_id` at all, a confidential app's secret wrong or missing, Basic credentials that "
    "are malformed or name no app, or a public app that sent only Basic credentials."
)


def oauth_error(description: str, error: str, detail: str) -> dict[str, Any]:
    """Return `@bp.doc(responses=...)`'s entry for an OAuth error answer, with an example."""
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": OAuthError,
                "example": {"error": error, "error_description": detail},
            }
        },
    }


def unauthenticated() -> dict[str, Any]:
    """Return the 401 of the token and revocation endpoints: the app did not authenticate."""
    return oauth_error(_UNAUTHENTICATED, "invalid_client", "The client secret is wrong.") | {
        "headers": {
            "WWW-Authenticate": {
                "description": 'e.g. `Basic error="invalid_client", error_description="..."`',
                "schema": {"type": "string"},
            }
        }
    }
