"""The OAuth 2.0 endpoints in the OpenAPI document, and the `oauth2` scheme of apps' tokens.

The endpoints live outside /api/v1 (`server.pages.oauth`) and answer in RFC 6749's terms,
not problem+json, so APIFlask does not describe them: this spec processor does, from the
constants and settings the server itself uses. It also names, on every API operation an
app's token may call, the scope it needs there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from apiflask import APIFlask
from werkzeug.routing import Rule

from server.api import API_PREFIX
from server.api.schemas import extend_spec
from server.auth.oauth import (
    ACCESS_TOKEN_ALGORITHM,
    AUTH_METHODS,
    CLIENT_ID_PREFIX,
    GRANT_TYPES,
    REFRESH_TOKEN_PREFIX,
    SCOPE_DESCRIPTIONS,
    SCOPES,
)
from server.auth.web import app_may_call

TAG = "OAuth 2.0"
FORM = "application/x-www-form-urlencoded"
_PATH_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")

CLIENT_ID = f"{CLIENT_ID_PREFIX}ujTi61pilkHANpVSVHTUzA"
REDIRECT_URI = "http://127.0.0.1:53117/callback"
REFRESH_TOKEN = f"{REFRESH_TOKEN_PREFIX}DjUyzRE6QZVrh1IF5Rgc2QPNWyaV6u7sdvCVRHRgN10"
EXAMPLE_JWT = ".".join(  # the shape of an access token, signed by no key
    (
        "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NiJ9",
        "eyJzdWIiOiIxIiwiYXVkIjoidGFsbHlib29rLWFwaSIsImlhdCI6MTc5NjQwMzcyOSwiZXhwIjoxNzk2NDA0MD"
        "I5LCJzY29wZSI6InJlYWQiLCJib29rIjoyfQ",
        "KHRoZSBFUzI1NiBzaWduYXR1cmUp",
    )
)
OAUTH_ERRORS = (
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "unsupported_token_type",
)


def _rule(app: APIFlask, endpoint: str) -> Rule:
    return next(app.url_map.iter_rules(endpoint))


def _minutes(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400} days"
    if seconds % 60 == 0:
        return f"{seconds // 60} minutes"
    return f"{seconds} seconds"


def _schemas() -> dict[str, Any]:
    return {
        "OAuthError": {
            "type": "object",
            "description": "An OAuth 2.0 error (RFC 6749 5.2), not problem+json.",
            "required": ["error"],
            "properties": {
                "error": {"type": "string", "enum": list(OAUTH_ERRORS)},
                "error_description": {"type": "string"},
            },
        },
        "OAuthTokens": {
            "type": "object",
            "required": ["access_token", "token_type", "expires_in", "refresh_token", "scope"],
            "properties": {
                "access_token": {
                    "type": "string",
                    "description": "A JWT for `Authorization: Bearer`, for one book.",
                },
                "token_type": {"type": "string", "enum": ["Bearer"]},
                "expires_in": {"type": "integer", "description": "Seconds it is valid."},
                "refresh_token": {
                    "type": "string",
                    "description": "Works once: the answer to it holds the next one.",
                },
                "scope": {"type": "string", "enum": ["read", "read write"]},
            },
        },
        "JsonWebKeySet": {
            "type": "object",
            "required": ["keys"],
            "properties": {
                "keys": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["kty", "crv", "x", "y", "kid", "use", "alg"],
                        "properties": {
                            name: {"type": "string"}
                            for name in ("kty", "crv", "x", "y", "kid", "use", "alg")
                        },
                    },
                }
            },
        },
        "AuthorizationServerMetadata": {
            "type": "object",
            "description": "RFC 8414. Read the endpoints from here rather than building them.",
            "properties": {
                name: {"type": "string"}
                for name in (
                    "issuer",
                    "authorization_endpoint",
                    "token_endpoint",
                    "revocation_endpoint",
                    "jwks_uri",
                    "service_documentation",
                )
            }
            | {
                name: {"type": "array", "items": {"type": "string"}}
                for name in (
                    "scopes_supported",
                    "response_types_supported",
                    "response_modes_supported",
                    "grant_types_supported",
                    "code_challenge_methods_supported",
                    "token_endpoint_auth_methods_supported",
                    "revocation_endpoint_auth_methods_supported",
                    "access_token_signing_alg_values_supported",
                )
            },
        },
    }


def _oauth_error(description: str, error: str, detail: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/OAuthError"},
                "example": {"error": error, "error_description": detail},
            }
        },
    }


def _json(schema: str, example: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"},
                "example": example,
            }
        },
    }


def _form(properties: dict[str, Any], required: list[str], examples: dict[str, Any]) -> dict:
    return {
        "required": True,
        "content": {
            FORM: {
                "schema": {"type": "object", "required": required, "properties": properties},
                "examples": {name: {"value": value} for name, value in examples.items()},
            }
        },
    }


def _client_credentials() -> dict[str, Any]:
    return {
        "client_id": {"type": "string", "description": "The app's client id."},
        "client_secret": {
            "type": "string",
            "description": "A confidential app's secret, here or as HTTP Basic credentials.",
        },
    }


def _authorize(config: dict[str, Any]) -> dict[str, Any]:
    def query(name: str, description: str, required: bool = True, **schema: Any) -> dict:
        schema = schema or {"type": "string"}
        return {
            "name": name,
            "in": "query",
            "required": required,
            "description": description,
            "schema": schema,
        }

    return {
        "get": {
            "tags": [TAG],
            "summary": "Ask the user for access (consent page)",
            "description": (
                "Open this in the user's browser: it is a page of Tallybook, not an API call. "
                "The user signs in if need be, sees the app, the book and the scopes, and "
                "chooses Allow or Deny. The browser then goes to `redirect_uri` with `code` "
                f"(valid {_minutes(config['OAUTH_CODE_LIFETIME'])}, once) and `state`, or "
                "with `error` (`access_denied` when the user denies) and `state`. A request "
                "that cannot be trusted to go back (an unknown app, a redirect URI it did not "
                "register) gets an error page instead. Every parameter once, in ASCII (only "
                "`state` may hold anything)."
            ),
            "parameters": [
                query("response_type", "`code`: the only flow there is.", enum=["code"]),
                query("client_id", f"The app's client id (`{CLIENT_ID}`)."),
                query(
                    "redirect_uri",
                    "One of the app's registered loopback URIs, `http://127.0.0.1/...` or "
                    "`http://[::1]/...`, with the port it listens on now (any port).",
                ),
                query(
                    "scope",
                    "`read`, or `write` for read and write (given as `read write`); `read` "
                    "when left out.",
                    required=False,
                ),
                query("state", "Anything; comes back unchanged. Check it.", required=False),
                query(
                    "code_challenge",
                    "PKCE: BASE64URL(SHA-256(code_verifier)), without padding. Required.",
                ),
                query("code_challenge_method", "`S256`, the only one taken.", enum=["S256"]),
                query(
                    "book_id",
                    "Ask for this book only; else the user chooses on the page.",
                    required=False,
                    type="integer",
                ),
            ],
            "responses": {
                "200": {
                    "description": "The consent page.",
                    "content": {
                        "text/html": {"schema": {"type": "string"}, "example": "<!doctype html>..."}
                    },
                },
                "302": {
                    "description": "To the sign-in page first when the browser is not signed in; "
                    "or to `redirect_uri` with an `error` the app should read.",
                    "headers": {
                        "Location": {
                            "description": f"e.g. `{REDIRECT_URI}?error=invalid_scope&state=st4te`",
                            "schema": {"type": "string"},
                        }
                    },
                },
                "400": {
                    "description": "An error page: the app is unknown, or the redirect URI "
                    "is not one it registered.",
                    "content": {
                        "text/html": {
                            "schema": {"type": "string"},
                            "example": "<!doctype html>... This app's request cannot be "
                            "accepted: Redirect URI ... is not supported by client. ...",
                        }
                    },
                },
            },
        }
    }


def _token(config: dict[str, Any]) -> dict[str, Any]:
    access = _minutes(config["OAUTH_ACCESS_TOKEN_LIFETIME"])
    refresh = _minutes(config["OAUTH_REFRESH_TOKEN_LIFETIME"])
    properties = {
        "grant_type": {"type": "string", "enum": list(GRANT_TYPES)},
        "code": {"type": "string", "description": "authorization_code: the code."},
        "redirect_uri": {
            "type": "string",
            "description": "authorization_code: the very URI the code was sent to.",
        },
        "code_verifier": {
            "type": "string",
            "description": "authorization_code: the PKCE verifier (43 to 128 characters).",
        },
        "refresh_token": {"type": "string", "description": "refresh_token: the last one."},
        "scope": {
            "type": "string",
            "description": "refresh_token: less than granted, for this access token only.",
        },
    } | _client_credentials()
    return {
        "post": {
            "tags": [TAG],
            "summary": "Get tokens for a code or a refresh token",
            "description": (
                f"A form. Answers an access token (a JWT, valid {access}, for the one book "
                f"the user chose) and a refresh token (valid {refresh}, works once). A code "
                "used twice revokes what it gave; a used refresh token coming back revokes "
                "the app's access altogether. A public app sends its `client_id`; a "
                "confidential one authenticates with its secret (Basic or in the form)."
            ),
            "requestBody": _form(
                properties,
                ["grant_type"],
                {
                    "authorization_code": {
                        "grant_type": "authorization_code",
                        "code": "8bK1Yc0H3n7eZs2Qm5TqWv",
                        "redirect_uri": REDIRECT_URI,
                        "code_verifier": "Z3kq8nU1v0b5-aW7xC2mR4tY6pL9sE1oH3jF5gD8kN0",
                        "client_id": CLIENT_ID,
                    },
                    "refresh_token": {
                        "grant_type": "refresh_token",
                        "refresh_token": REFRESH_TOKEN,
                        "client_id": CLIENT_ID,
                    },
                },
            ),
            "responses": {
                "200": _json(
                    "OAuthTokens",
                    {
                        "access_token": EXAMPLE_JWT,
                        "token_type": "Bearer",
                        "expires_in": config["OAUTH_ACCESS_TOKEN_LIFETIME"],
                        "refresh_token": REFRESH_TOKEN,
                        "scope": "read",
                    },
                    "New tokens (`Cache-Control: no-store`).",
                ),
                "400": _oauth_error(
                    "The request is wrong: `invalid_request` (a missing or repeated parameter, "
                    "no `code_verifier`, not a form), `invalid_grant` (a wrong, used or expired "
                    "code or refresh token, another redirect URI, a wrong verifier), "
                    "`invalid_scope` (wider than granted), `unsupported_grant_type`, "
                    "`invalid_client` (a `client_id` in the form that is no app's).",
                    "invalid_request",
                    "Missing 'code_verifier'.",
                ),
                "401": _oauth_error(
                    "The app did not authenticate (`invalid_client`): its secret is wrong "
                    "or missing, it is public and sent one, or Basic credentials name no app.",
                    "invalid_client",
                    "The client secret is wrong.",
                ),
            },
        }
    }


def _revoke() -> dict[str, Any]:
    properties = {
        "token": {"type": "string", "description": "The refresh token, or an access token."},
        "token_type_hint": {"type": "string", "enum": ["refresh_token", "access_token"]},
    } | _client_credentials()
    return {
        "post": {
            "tags": [TAG],
            "summary": "Revoke the app's access (RFC 7009)",
            "description": (
                "A form. Revoking either token ends the whole grant: every token of it stops "
                "working at once, and the app leaves the user's Settings > Authorized apps. A "
                "token that is unknown or already revoked gets the same 200."
            ),
            "requestBody": _form(
                properties,
                ["token"],
                {"refresh_token": {"token": REFRESH_TOKEN, "client_id": CLIENT_ID}},
            ),
            "responses": {
                "200": {
                    "description": "Revoked (or nothing to revoke): an empty JSON object.",
                    "content": {"application/json": {"schema": {"type": "object"}, "example": {}}},
                },
                "400": _oauth_error(
                    "No `token` (`invalid_request`), a `token_type_hint` other than the two "
                    "(`unsupported_token_type`), or a `client_id` in the form that is no app's "
                    "(`invalid_client`).",
                    "invalid_request",
                    "Missing 'token'.",
                ),
                "401": _oauth_error(
                    "The app did not authenticate (`invalid_client`): its secret is wrong "
                    "or missing, it is public and sent one, or Basic credentials name no app.",
                    "invalid_client",
                    "The client secret is wrong.",
                ),
            },
        }
    }


def _jwks() -> dict[str, Any]:
    return {
        "get": {
            "tags": [TAG],
            "summary": "The key that signs access tokens",
            "description": (
                f"A JWK Set (RFC 7517) with the public {ACCESS_TOKEN_ALGORITHM} key, for an app "
                "that checks its tokens itself; the API checks every token anyway. The key is "
                "kept in the data folder, so it stays the same across restarts."
            ),
            "responses": {
                "200": _json(
                    "JsonWebKeySet",
                    {
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
                    },
                    "The public key.",
                ),
            },
        }
    }


def _metadata(app: APIFlask) -> dict[str, Any]:
    issuer = "http://127.0.0.1:5000"

    def at(endpoint: str, origin: str = issuer) -> str:
        return origin + _rule(app, endpoint).rule

    example = {
        "issuer": issuer,
        "authorization_endpoint": at("oauth.authorize", "http://localhost:5000"),
        "token_endpoint": at("oauth.token"),
        "revocation_endpoint": at("oauth.revoke"),
        "jwks_uri": at("oauth.jwks"),
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "revocation_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "access_token_signing_alg_values_supported": [ACCESS_TOKEN_ALGORITHM],
        "service_documentation": at("pages.api_docs"),
    }
    return {
        "get": {
            "tags": [TAG],
            "summary": "Where the OAuth endpoints are (RFC 8414)",
            "description": (
                "Start here: the endpoints under the name the app reached the server by, and "
                "what they take. The consent page is under `localhost`, where the user's "
                "session in the browser lives."
            ),
            "responses": {
                "200": _json("AuthorizationServerMetadata", example, "The server's metadata."),
            },
        }
    }


def _api_operations(app: APIFlask) -> Iterator[tuple[str, str, Rule]]:
    """Yield (OpenAPI path, method, rule) for every route of the API."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(f"{API_PREFIX}/"):
            path = _PATH_ARGUMENT.sub(r"{\1}", rule.rule)
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                yield path, method.lower(), rule


def _scheme(config: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "oauth2",
        "description": (
            "An app's access token, which the user gave it on the consent page: for one book, "
            f"valid {_minutes(config['OAUTH_ACCESS_TOKEN_LIFETIME'])}; see the OAuth 2.0 "
            "section. An app may call only the operations that list this scheme, in its own "
            "book. (This page is not an app: to try the API here, use bearerAuth with a "
            "personal access token.)"
        ),
        "flows": {
            "authorizationCode": {
                "authorizationUrl": "/oauth/authorize",
                "tokenUrl": "/oauth/token",
                "refreshUrl": "/oauth/token",
                "scopes": dict(SCOPE_DESCRIPTIONS),
            }
        },
    }


def _tag(config: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": TAG,
        "description": (
            "Apps on the same computer ask the user for access (RFC 8252) instead of being "
            "handed a token: the authorization code flow with PKCE (S256 only), a loopback "
            "redirect URI on any port, and the user's consent in Tallybook. 1. An administrator "
            "registers the app (`POST /api/v1/oauth/clients`, Settings, or `tallybook app "
            "register`). 2. The app reads the metadata, sends the user's browser to the consent "
            "page, and gets a `code` at its redirect URI. 3. It trades the code for tokens at "
            "the token endpoint, calls the API with the access token (scope `read` or "
            "`read write`, one book), and refreshes it when it expires "
            f"(after {_minutes(config['OAUTH_ACCESS_TOKEN_LIFETIME'])}). No implicit or "
            "password grant. These endpoints answer errors as RFC 6749 JSON "
            "(`error`, `error_description`), not problem+json."
        ),
    }


def document_oauth(app: APIFlask) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Return the spec processor that adds the OAuth endpoints, schemas and scheme."""

    def process(spec: dict[str, Any]) -> dict[str, Any]:
        config = app.config
        components = spec.setdefault("components", {})
        components.setdefault("schemas", {}).update(_schemas())
        components.setdefault("securitySchemes", {})["oauth2"] = _scheme(config)
        spec.setdefault("tags", []).append(_tag(config))
        paths = spec.setdefault("paths", {})
        # The endpoints apps call (the consent page's own answer and the desktop handoff are
        # the page's business, not an app's).
        items = {
            "oauth.authorize": _authorize(config),
            "oauth.token": _token(config),
            "oauth.revoke": _revoke(),
            "oauth.jwks": _jwks(),
            "oauth.metadata": _metadata(app),
        }
        for endpoint, item in items.items():
            paths[_rule(app, endpoint).rule] = item
        for path, method, rule in _api_operations(app):
            operation = paths.get(path, {}).get(method)
            if operation is None:
                continue
            needs = next(
                (r["bearerAuth"] for r in operation.get("security", []) if "bearerAuth" in r), None
            )
            if needs is not None and app_may_call(
                rule.endpoint, in_a_book="book_id" in rule.arguments
            ):
                operation["security"].append({"oauth2": list(needs)})
        return spec

    return process


def init_app(app: APIFlask) -> None:
    """Describe OAuth 2.0 in the app's OpenAPI document."""
    extend_spec(app, document_oauth(app))
