"""What the OpenAPI document says of OAuth 2.0 beyond the routes' own declarations.

The OAuth endpoints (`server.api.oauth_endpoints`, and the consent page in
`server.pages.consent`) declare their contract where they stand, like every route. APIFlask
cannot say the rest, added here: the `oauth2` security scheme of apps' tokens with its flow;
the lifetimes the OAuth texts name by their setting (`{OAUTH_ACCESS_TOKEN_LIFETIME}`), as the
app's settings have them; and, on every API operation an app's token may call, the scope it
needs there. The OAuth endpoints' inputs are Authlib's to read (`validation=False`), so
APIFlask's 422 comes off them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from apiflask import APIFlask
from werkzeug.routing import Rule

from server.api import API_PREFIX
from server.api.oauth_schemas import TAG
from server.api.schemas import extend_spec
from server.auth.oauth import SCOPE_DESCRIPTIONS
from server.auth.web import app_may_call

LIFETIMES = ("OAUTH_CODE_LIFETIME", "OAUTH_ACCESS_TOKEN_LIFETIME", "OAUTH_REFRESH_TOKEN_LIFETIME")
_PATH_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def _rule(app: APIFlask, endpoint: str) -> Rule:
    return next(app.url_map.iter_rules(endpoint))


def _duration(seconds: int) -> str:
    """`300` is "5 minutes", `86400` "1 day"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def oauth2_scheme(app: APIFlask) -> dict[str, Any]:
    """Return the `oauth2` security scheme: apps' tokens, and the flow that gives them."""
    token_url = _rule(app, "oauth.token").rule
    return {
        "type": "oauth2",
        "description": (
            "An app's access token, which the user gave it on the consent page: for one book, "
            f"valid {_duration(app.config['OAUTH_ACCESS_TOKEN_LIFETIME'])}; see the OAuth 2.0 "
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


def _oauth_operations(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and TAG["name"] in operation.get("tags", []):
                yield operation


def _settle_oauth_operations(spec: dict[str, Any], config: dict[str, Any]) -> None:
    """Fill in the lifetimes; and as the OAuth endpoints' inputs are documented, not validated,
    take APIFlask's 422 off those Authlib judges (all but the consent page's JSON answer) and
    say their bodies are required."""

    def with_lifetimes(text: str) -> str:
        for name in LIFETIMES:
            text = text.replace(f"{{{name}}}", _duration(config[name]))
        return text

    spec["tags"] = [
        {**tag, "description": with_lifetimes(tag["description"])}
        if tag["name"] == TAG["name"]
        else tag
        for tag in spec.get("tags", [])
    ]
    for operation in _oauth_operations(spec):
        operation["description"] = with_lifetimes(operation["description"])
        body = operation.get("requestBody")
        if body is None or "application/json" not in body["content"]:
            operation["responses"].pop("422", None)  # forms and queries are Authlib's to judge
        if body is not None:
            body["required"] = True
        for response in operation["responses"].values():
            media = response.get("content", {}).get("application/json", {})
            if "expires_in" in media.get("example", {}):
                expires_in = config["OAUTH_ACCESS_TOKEN_LIFETIME"]
                media["example"] = {**media["example"], "expires_in": expires_in}


def _api_operations(app: APIFlask) -> Iterator[tuple[str, str, Rule]]:
    """Yield (OpenAPI path, method, rule) for every route of the API."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(f"{API_PREFIX}/"):
            path = _PATH_ARGUMENT.sub(r"{\1}", rule.rule)
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                yield path, method.lower(), rule


def _name_app_scopes(app: APIFlask, spec: dict[str, Any]) -> None:
    """Add `oauth2`, with the scope it needs, to each API operation an app's token may call."""
    paths = spec.get("paths", {})
    for path, method, rule in _api_operations(app):
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        needs = next(
            (r["bearerAuth"] for r in operation.get("security", []) if "bearerAuth" in r), None
        )
        if needs is not None and app_may_call(rule.endpoint, in_a_book="book_id" in rule.arguments):
            # An app's token always reads: what needs no more asks for `read`.
            operation["security"].append({"oauth2": list(needs) or ["read"]})


def document_oauth(app: APIFlask) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Return the spec processor that completes what the document says of OAuth 2.0."""

    def process(spec: dict[str, Any]) -> dict[str, Any]:
        _settle_oauth_operations(spec, app.config)
        _name_app_scopes(app, spec)
        return spec

    return process


def init_app(app: APIFlask) -> None:
    """Describe OAuth 2.0 in the app's OpenAPI document (after its routes are registered)."""
    app.config["SECURITY_SCHEMES"] = {
        **(app.config.get("SECURITY_SCHEMES") or {}),
        "oauth2": oauth2_scheme(app),
    }
    extend_spec(app, document_oauth(app))
