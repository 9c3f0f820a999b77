"""The OAuth 2.0 endpoints in the OpenAPI document, and the `oauth2` scheme of apps' tokens.

The endpoints live outside /api/v1 (`server.api.oauth`, `server.pages.consent`) and answer
in RFC 6749's terms, not problem+json, so APIFlask does not describe them: this spec
processor does, from the constants and settings the server itself uses. It also names, on
every API operation an app's token may call, the scope it needs there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from apiflask import APIFlask
from werkzeug.routing import Rule

from server.api import API_PREFIX
from server.api.oauth_schemas import (
    CLIENT_ID,
    EXAMPLE_JWT,
    REDIRECT_URI,
    REFRESH_TOKEN,
    component_schemas,
    form_body,
    json_answer,
    oauth_error,
)
from server.api.schemas import extend_spec
from server.auth.oauth import (
    ACCESS_TOKEN_ALGORITHM,
    GRANT_TYPES,
    SCOPE_DESCRIPTIONS,
    server_metadata,
)
from server.auth.web import app_may_call

TAG = "OAuth 2.0"
_PATH_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
_UNAUTHENTICATED = (
    "The app did not authenticate (`invalid_client`, with `WWW-Authenticate: Basic`): no "
    "`client_id` at all, a confidential app's secret wrong or missing, Basic credentials that "
    "are malformed or name no app, or a public app that sent only Basic credentials."
)


def _rule(app: APIFlask, endpoint: str) -> Rule:
    return next(app.url_map.iter_rules(endpoint))


def _duration(seconds: int) -> str:
    """`300` is "5 minutes", `86400` "1 day"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def _unauthenticated() -> dict[str, Any]:
    answer = oauth_error(_UNAUTHENTICATED, "invalid_client", "The client secret is wrong.")
    answer["headers"] = {
        "WWW-Authenticate": {
            "description": 'e.g. `Basic error="invalid_client", error_description="..."`',
            "schema": {"type": "string"},
        }
    }
    return answer


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
            "summary": "Ask the user for access (consent page)",
            "description": (
                "Open this in the user's browser: it is a page of Tallybook, not an API call. "
                "The user signs in if need be, sees the app, the book and the scopes, and "
                "chooses Allow or Deny. The browser then goes to `redirect_uri` with `code` "
                f"(valid {_duration(config['OAUTH_CODE_LIFETIME'])}, once) and `state`, or "
                "with `error` and `state`: `access_denied` when the user denies, "
                "`invalid_scope`, `unsupported_response_type`, or `invalid_request` (e.g. no "
                "S256 `code_challenge`). A request that cannot be trusted to go back gets an "
                "error page instead. Every parameter once, in ASCII (only `state` may hold "
                "anything)."
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
                    "description": "The consent page; on the desktop, when this browser is not "
                    "signed in, a page that waits while the Tallybook window asks instead.",
                    "content": {
                        "text/html": {"schema": {"type": "string"}, "example": "<!doctype html>..."}
                    },
                },
                "302": {
                    "description": "To `redirect_uri` with an `error` the app should read; or "
                    "first to the same page under `localhost` (opened under 127.0.0.1), to the "
                    "sign-in page, or to the first-run setup.",
                    "headers": {
                        "Location": {
                            "description": f"e.g. `{REDIRECT_URI}?error=invalid_scope&state=st4te`",
                            "schema": {"type": "string"},
                        }
                    },
                },
                "400": {
                    "description": "An error page: `client_id` or `redirect_uri` is missing, "
                    "the app is unknown, the redirect URI is not one it registered, or a "
                    "parameter is repeated or not ASCII.",
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
    access = _duration(config["OAUTH_ACCESS_TOKEN_LIFETIME"])
    refresh = _duration(config["OAUTH_REFRESH_TOKEN_LIFETIME"])
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
            "summary": "Get tokens for a code or a refresh token",
            "description": (
                f"A form. Answers an access token (a JWT, valid {access}, for the one book "
                f"the user chose) and a refresh token (valid {refresh}, works once). A code "
                "used twice revokes what it gave; a used refresh token coming back revokes "
                "the app's access altogether. A public app sends its `client_id`; a "
                "confidential one authenticates with its secret (Basic or in the form)."
            ),
            "requestBody": form_body(
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
                "200": json_answer(
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
                "400": oauth_error(
                    "The request is wrong: `invalid_request` (a missing or repeated parameter, "
                    "a missing or malformed `code_verifier`, a body that is not a form), "
                    "`unsupported_grant_type` (none, or another), `invalid_grant` (a wrong, "
                    "used or expired code or refresh token, another redirect URI, a wrong "
                    "verifier), `invalid_scope` (wider than granted), `invalid_client` (a "
                    "`client_id` in the form that is no app's).",
                    "invalid_request",
                    "Missing 'code_verifier'.",
                ),
                "401": _unauthenticated(),
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
            "summary": "Revoke the app's access (RFC 7009)",
            "description": (
                "A form. Revoking either token, even an expired access token, ends the whole "
                "grant: every token of it stops working at once, and the app leaves the user's "
                "Settings > Authorized apps. A token that is unknown, not Tallybook's, or "
                "already revoked gets the same 200."
            ),
            "requestBody": form_body(
                properties,
                ["token"],
                {"refresh_token": {"token": REFRESH_TOKEN, "client_id": CLIENT_ID}},
            ),
            "responses": {
                "200": {
                    "description": "Revoked (or nothing to revoke): an empty JSON object.",
                    "content": {"application/json": {"schema": {"type": "object"}, "example": {}}},
                },
                "400": oauth_error(
                    "No `token` (`invalid_request`), a `token_type_hint` other than the two "
                    "(`unsupported_token_type`), a token given to another app (`invalid_grant`), "
                    "or a `client_id` in the form that is no app's (`invalid_client`).",
                    "invalid_request",
                    "Missing 'token'.",
                ),
                "401": _unauthenticated(),
            },
        }
    }


def _jwks() -> dict[str, Any]:
    return {
        "get": {
            "summary": "The key that signs access tokens",
            "description": (
                f"A JWK Set (RFC 7517) with the public {ACCESS_TOKEN_ALGORITHM} key, for an app "
                "that checks its tokens itself; the API checks every token anyway. The key is "
                "kept in the data folder, so it stays the same across restarts."
            ),
            "responses": {
                "200": json_answer(
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
    issuer = "http://127.0.0.1:8421"

    def at(endpoint: str, origin: str = issuer) -> str:
        return origin + _rule(app, endpoint).rule

    example = server_metadata(
        issuer=issuer,
        authorization_endpoint=at("consent.authorize", "http://localhost:8421"),
        token_endpoint=at("oauth.token"),
        revocation_endpoint=at("oauth.revoke"),
        jwks_uri=at("oauth.jwks"),
        service_documentation=at("pages.api_docs"),
    )
    return {
        "get": {
            "summary": "Where the OAuth endpoints are (RFC 8414)",
            "description": (
                "Start here: the endpoints under the name the app reached the server by, and "
                "what they take. The consent page is under `localhost`, where the user's "
                "session in the browser lives."
            ),
            "responses": {
                "200": json_answer("AuthorizationServerMetadata", example, "The metadata."),
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


def _scheme(app: APIFlask) -> dict[str, Any]:
    config = app.config
    token_url = _rule(app, "oauth.token").rule
    return {
        "type": "oauth2",
        "description": (
            "An app's access token, which the user gave it on the consent page: for one book, "
            f"valid {_duration(config['OAUTH_ACCESS_TOKEN_LIFETIME'])}; see the OAuth 2.0 "
            "section. An app may call only the operations that list this scheme, in its own "
            "book. (This page is not an app: to try the API here, use bearerAuth with a "
            "personal access token.)"
        ),
        "flows": {
            "authorizationCode": {
                "authorizationUrl": _rule(app, "consent.authorize").rule,
                "tokenUrl": token_url,
                "refreshUrl": token_url,
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
            f"(after {_duration(config['OAUTH_ACCESS_TOKEN_LIFETIME'])}). No implicit or "
            "password grant. These endpoints answer errors as RFC 6749 JSON "
            "(`error`, `error_description`), not problem+json."
        ),
    }


def document_oauth(app: APIFlask) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Return the spec processor that adds the OAuth endpoints, schemas and scheme."""

    def process(spec: dict[str, Any]) -> dict[str, Any]:
        config = app.config
        components = spec.setdefault("components", {})
        components.setdefault("schemas", {}).update(component_schemas())
        components.setdefault("securitySchemes", {})["oauth2"] = _scheme(app)
        spec.setdefault("tags", []).append(_tag(config))
        paths = spec.setdefault("paths", {})
        # The endpoints apps call (the consent page's own answer and the desktop handoff are
        # the page's business, not an app's).
        items = {
            "consent.authorize": _authorize(config),
            "oauth.token": _token(config),
            "oauth.revoke": _revoke(),
            "oauth.jwks": _jwks(),
            "oauth.metadata": _metadata(app),
        }
        for endpoint, item in items.items():
            for method, operation in item.items():
                operation["tags"] = [TAG]
                operation["operationId"] = f"{method}_oauth_{endpoint.partition('.')[2]}"
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
                # An app's token always reads: what needs no more asks for `read`.
                operation["security"].append({"oauth2": list(needs) or ["read"]})
        return spec

    return process


def init_app(app: APIFlask) -> None:
    """Describe OAuth 2.0 in the app's OpenAPI document."""
    extend_spec(app, document_oauth(app))
