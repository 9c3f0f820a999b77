"""The schemas and examples of the OAuth 2.0 endpoints' forms and answers (RFC 6749 terms,
not problem+json), for `server.api.oauth_docs`."""

from __future__ import annotations

from typing import Any

from server.auth.oauth import CLIENT_ID_PREFIX, REFRESH_TOKEN_PREFIX

FORM = "application/x-www-form-urlencoded"
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


def component_schemas() -> dict[str, Any]:
    """The schemas of the OAuth endpoints' answers, for `components.schemas`."""
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


def oauth_error(description: str, error: str, detail: str) -> dict[str, Any]:
    """An OAuth error answer, with an example."""
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/OAuthError"},
                "example": {"error": error, "error_description": detail},
            }
        },
    }


def json_answer(schema: str, example: dict[str, Any], description: str) -> dict[str, Any]:
    """A JSON answer of one of `component_schemas()`, with an example."""
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"},
                "example": example,
            }
        },
    }


def form_body(properties: dict[str, Any], required: list[str], examples: dict[str, Any]) -> dict:
    """A form request body, with named examples."""
    return {
        "required": True,
        "content": {
            FORM: {
                "schema": {"type": "object", "required": required, "properties": properties},
                "examples": {name: {"value": value} for name, value in examples.items()},
            }
        },
    }
