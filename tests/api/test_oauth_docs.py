"""The OAuth 2.0 endpoints and the apps' `oauth2` scheme in the OpenAPI document, held to
what the server really does."""

from __future__ import annotations

import base64
import re
from urllib.parse import urlsplit

import pytest
from marshmallow import ValidationError

from tests.api.conftest import BOOKS, post
from tests.api.oauth_app import App, code_for, query_of, register, tokens_for
from tests.api.test_openapi import check, media_examples, openapi_path, operations

# The consent page's own answer and the desktop handoff: the page calls them, never an app.
PAGE_ONLY = {"oauth.handoff"}
OAUTH_ERROR = "#/components/schemas/OAuthError"


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/v1/openapi.json").json


@pytest.fixture
def book(alex) -> int:
    return post(alex, BOOKS, {"name": "Household", "currency": "EUR"})["id"]


def oauth_rules(app):
    """The consent page's rules and the OAuth endpoints'."""
    blueprints = ("consent", "oauth")
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in blueprints]


def documented(spec, path: str, method: str) -> dict:
    return spec["paths"][path][method.lower()]


def test_every_endpoint_an_app_calls_is_documented(app, spec):
    rules = [rule for rule in oauth_rules(app) if rule.endpoint not in PAGE_ONLY]
    assert {rule.endpoint for rule in rules} == {
        "consent.authorize",
        "oauth.decide",  # the consent page's answer: a POST the document declared none of
        "oauth.token",
        "oauth.revoke",
        "oauth.jwks",
        "oauth.metadata",
    }
    for rule in rules:
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = documented(spec, rule.rule, method)
            where = f"{method} {rule.rule}"
            assert operation["tags"] == ["OAuth 2.0"], where
            assert operation.get("summary") and operation.get("description"), where
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, f"{where} documents no success"
    for rule in oauth_rules(app):
        if rule.endpoint in PAGE_ONLY:
            item = spec["paths"].get(openapi_path(rule.rule), {})
            assert all(m.lower() not in item for m in rule.methods), rule.endpoint
    tags = [tag["name"] for tag in spec["tags"]]
    assert "OAuth 2.0" in tags
    assert len(tags) == len(set(tags)), "a tag is named twice"


def test_forms_and_errors_are_documented_with_examples(spec):
    for path in ("/oauth/token", "/oauth/revoke"):
        operation = documented(spec, path, "POST")
        body = operation["requestBody"]["content"]
        assert list(body) == ["application/x-www-form-urlencoded"]
        form = body["application/x-www-form-urlencoded"]
        for example in media_examples(form):
            assert check(spec, form["schema"], example, f"{path} form", complete=False) == []
        for status in ("400", "401"):
            media = operation["responses"][status]["content"]["application/json"]
            assert media["schema"]["$ref"] == OAUTH_ERROR
            assert check(spec, media["schema"], media["example"], path, complete=True) == []


def test_examples_load_through_their_schemas(app):
    """The forms' examples and the answers' examples load through the routes' own schemas."""
    problems = []
    for rule in oauth_rules(app):
        spec = getattr(app.view_functions[rule.endpoint], "_spec", {})
        for name, example in (spec.get("body_examples") or {}).items():
            try:
                spec["body"].load(example["value"])
            except ValidationError as error:
                problems.append(f"{rule.rule} {name}: {error.messages}")
        response = spec.get("response") or {}
        if response.get("example") is not None:
            try:
                type(response["schema"])().load(response["example"])
            except ValidationError as error:
                problems.append(f"{rule.rule} answer: {error.messages}")
    assert problems == []


def test_the_oauth2_scheme_is_what_the_metadata_says(client, spec):
    metadata = client.get("/.well-known/oauth-authorization-server").json
    scheme = spec["components"]["securitySchemes"]["oauth2"]
    flow = scheme["flows"]["authorizationCode"]
    assert metadata["authorization_endpoint"].endswith(flow["authorizationUrl"])
    assert metadata["token_endpoint"].endswith(flow["tokenUrl"])
    assert flow["refreshUrl"] == flow["tokenUrl"]
    assert list(flow["scopes"]) == metadata["scopes_supported"]
    assert all(flow["scopes"].values())
    schema = documented(spec, "/.well-known/oauth-authorization-server", "GET")["responses"]
    media = schema["200"]["content"]["application/json"]
    assert check(spec, media["schema"], metadata, "metadata", complete=True) == []
    assert check(spec, media["schema"], media["example"], "example", complete=True) == []

    def paths(answer: dict) -> dict:  # the example's origins are not this test server's
        return {k: urlsplit(v).path if isinstance(v, str) else v for k, v in answer.items()}

    assert paths(media["example"]) == paths(metadata)


def test_documented_lifetimes_follow_the_settings(app_config):
    from server import create_app

    app = create_app(
        {**app_config, "OAUTH_ACCESS_TOKEN_LIFETIME": 600, "OAUTH_REFRESH_TOKEN_LIFETIME": 86400}
    )
    spec = app.test_client().get("/api/v1/openapi.json").json
    token = documented(spec, "/oauth/token", "POST")
    assert "valid 10 minutes" in token["description"]
    assert "valid 1 day," in token["description"]
    example = token["responses"]["200"]["content"]["application/json"]["example"]
    assert example["expires_in"] == 600


def test_real_answers_fit_the_documented_schemas(client, spec, alex, app_client, book):
    def fits(method: str, path: str, answer) -> list[str]:
        status = str(answer.status_code)
        responses = documented(spec, path, method)["responses"]
        assert status in responses, f"{method} {path} answered {status}, not documented"
        schema = responses[status]["content"]["application/json"]["schema"]
        where = f"{method} {path} {status}"
        return check(spec, schema, answer.json, where, complete=status.startswith("2"))

    tokens = app_client.exchange(code_for(alex, app_client, book, scope="write"))
    assert tokens.status_code == 200
    assert fits("POST", "/oauth/token", tokens) == []
    unknown = app_client.refresh("tb_rt_unknown")
    assert fits("POST", "/oauth/token", unknown) == []
    assert "ask the user for access again" in unknown.json["error_description"]
    wrong_client = app_client.client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": "x"},
        headers={"Authorization": "Basic dW5rbm93bjp4"},  # unknown:x
    )
    assert wrong_client.status_code == 401
    assert fits("POST", "/oauth/token", wrong_client) == []
    assert fits("GET", "/oauth/jwks.json", client.get("/oauth/jwks.json")) == []
    revoke = app_client.client.post(
        "/oauth/revoke",
        data={"token": tokens.json["refresh_token"], "client_id": app_client.client_id},
    )
    assert revoke.status_code == 200
    assert fits("POST", "/oauth/revoke", revoke) == []
    no_token = app_client.client.post("/oauth/revoke", data={"client_id": app_client.client_id})
    assert no_token.status_code == 400
    assert fits("POST", "/oauth/revoke", no_token) == []


def test_a_token_answer_of_another_shape_would_not_fit(spec):
    """The check above can fail: an answer without a refresh token, or a scope we never
    give, does not fit the documented schema."""
    media = documented(spec, "/oauth/token", "POST")["responses"]["200"]["content"]
    schema = media["application/json"]["schema"]
    example = media["application/json"]["example"]
    assert check(spec, schema, example, "example", complete=True) == []
    without_refresh = {k: v for k, v in example.items() if k != "refresh_token"}
    assert check(spec, schema, without_refresh, "answer", complete=True) != []
    assert check(spec, schema, example | {"scope": "admin"}, "answer", complete=True) != []


def test_the_authorize_parameters_are_the_ones_the_flow_takes(spec, alex, app_client, book):
    """Leaving out a required parameter is refused: on an error page when the app or its
    redirect URI is what is missing (never followed, RFC 6749 4.1.2.1), else back at the app's
    redirect URI with an error; leaving out an optional one still shows the consent page."""
    parameters = documented(spec, "/oauth/authorize", "GET")["parameters"]
    assert all(p["description"] for p in parameters)
    names = {p["name"] for p in parameters}
    assert names == set(query_of("?" + app_client.authorize_query(book_id=book)))
    for parameter in parameters:
        name = parameter["name"]
        query = app_client.authorize_query(**({"book_id": book} | {name: None}))
        page = alex.get(f"/oauth/authorize?{query}")
        location = page.headers.get("Location", "")
        if not parameter["required"]:
            assert page.status_code == 200, f"{name} is documented as optional"
        elif name in ("client_id", "redirect_uri"):
            assert (page.status_code, location) == (400, ""), f"{name} is documented as required"
        else:
            assert page.status_code == 302, f"{name} is documented as required"
            assert location.startswith(app_client.redirect_uri + "?"), name
            assert "error" in query_of(location), name


@pytest.mark.parametrize("wants", ["read", "write"])
def test_apps_may_call_exactly_the_operations_that_list_oauth2(app, spec, alex, book, wants):
    """Every operation, each method: an app's token is refused (403) exactly where the
    document lists no `oauth2` with the token's scope. Other ids than the book are made up,
    so what an app may call answers 404 or 422, never 403."""
    app_client = App(register(alex)["client_id"], app.test_client())
    access = tokens_for(alex, app_client, book, scope=wants)["access_token"]
    granted = {"read", "write"} if wants == "write" else {"read"}
    anonymous = {("GET", "/api/v1/health"), ("GET", "/api/v1/instance")}  # answer anyone
    wrong = []
    for method, path, operation in operations(spec):
        needs = [set(r["oauth2"]) for r in operation.get("security", []) if "oauth2" in r]
        if needs:
            assert needs[0] and needs[0] <= {"read", "write"}, f"{method} {path}: {needs}"
        allowed = (method, path) in anonymous or bool(needs and needs[0] <= granted)
        url = re.sub(r"\{(?!book_id\})[^}]+\}", "999999", path).replace("{book_id}", str(book))
        answer = app_client.api(access, method, url, json={} if method != "GET" else None)
        answer.close()  # a download streams inside its request: end it here, not at random
        if allowed == (answer.status_code == 403):
            wrong.append(f"{method} {path}: {answer.status_code}, documented allowed={allowed}")
    assert wrong == []


def test_each_refusal_is_documented_under_its_status(spec, app, alex, app_client, book):
    """The token and revocation endpoints' refusals: each one's status is documented, and
    that status's description names its `error`."""
    tokens = tokens_for(alex, app_client, book)
    other = App(register(alex)["client_id"], app.test_client())
    public_basic = base64.b64encode(f"{app_client.client_id}:x".encode()).decode("ascii")
    post_form = app_client.client.post
    refusals = {
        "/oauth/token": [
            post_form("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": "x"}),
            post_form(
                "/oauth/token",
                data={"grant_type": "refresh_token", "refresh_token": "x"},
                headers={"Authorization": f"Basic {public_basic}"},
            ),
            post_form("/oauth/token", data={"client_id": "tb_app_nobody", "grant_type": "x"}),
            post_form("/oauth/token", data={"client_id": app_client.client_id}),
            post_form("/oauth/token", json={"client_id": app_client.client_id}),
            app_client.refresh("tb_rt_unknown"),
            app_client.refresh(tokens["refresh_token"], scope="write"),
        ],
        "/oauth/revoke": [
            other.client.post(
                "/oauth/revoke",
                data={"client_id": other.client_id, "token": tokens["refresh_token"]},
            ),
            post_form("/oauth/revoke", data={"client_id": app_client.client_id}),
            post_form(
                "/oauth/revoke",
                data={"client_id": app_client.client_id, "token": "x", "token_type_hint": "id"},
            ),
            post_form("/oauth/revoke", data={"client_id": "tb_app_nobody", "token": "x"}),
        ],
    }
    seen = set()
    for path, answers in refusals.items():
        responses = documented(spec, path, "POST")["responses"]
        for answer in answers:
            status, error = str(answer.status_code), answer.json["error"]
            seen.add(error)
            assert status in responses, f"{path}: {status} {error} is not documented"
            assert f"`{error}`" in responses[status]["description"], f"{path} {status} {error}"
            assert answer.json.get("error_description"), f"{path} {error} says not why"
            if status == "401":
                assert answer.headers["WWW-Authenticate"].startswith("Basic ")
    errors = spec["components"]["schemas"]["OAuthError"]["properties"]["error"]["enum"]
    assert seen == set(errors), "an error the schema names was never seen, or the reverse"
