"""Every failure of every API endpoint is problem+json, and bad input never answers 500."""

from __future__ import annotations

import re

import pytest

PUBLIC = {"/api/v1/health", "/api/v1/instance", "/api/v1/setup", "/api/v1/users", "/api/v1/session"}
PROBLEM = "application/problem+json"


def concrete(rule):
    return re.sub(r"<int:\w+>", "1", rule.rule)


def api_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "openapi.spec":
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule


def assert_problem(response, status=None):
    assert response.content_type == PROBLEM, (response.status_code, response.data)
    body = response.json
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == response.status_code
    if status is not None:
        assert response.status_code == status
    assert 400 <= response.status_code < 500


def test_anonymous_requests_to_protected_endpoints(app, client):
    checked = 0
    for method, rule in api_routes(app):
        if rule.rule in PUBLIC:
            continue
        response = client.open(concrete(rule), method=method, json={} if method != "GET" else None)
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2]", '"a string"', "null", "", '{"name": {"nested": true}}', "\xff\xfe"],
)
def test_malformed_bodies_on_every_write(app, alex, body):
    for method, rule in api_routes(app):
        if method == "GET":
            continue
        response = alex.client.open(
            concrete(rule),
            method=method,
            data=body.encode("utf-8", "surrogateescape") if body else b"{}",
            content_type="application/json",
            headers={"X-CSRF-Token": alex.csrf_token},
        )
        if response.status_code < 400:
            continue  # e.g. DELETE ignores a body; nothing to check
        assert_problem(response)


def test_wrong_field_types_name_the_field(alex):
    response = alex.post("/api/v1/tokens", json={"name": ["x"], "scope": 3})
    assert_problem(response, 422)
    assert {e["field"] for e in response.json["errors"]} == {"name", "scope"}


def test_unknown_path_and_method(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404)
    assert_problem(client.put("/api/v1/health", json={}), 405)


def test_body_too_large(alex):
    response = alex.post(
        "/api/v1/books", data=b"{" + b" " * 2_000_000 + b"}", content_type="application/json"
    )
    assert_problem(response, 413)


def test_unexpected_errors_are_problems_without_details(app, client, monkeypatch):
    import server.api.meta as meta

    def explode():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(meta, "reader", explode)
    response = client.get("/api/v1/health")
    assert response.status_code == 500
    assert response.content_type == PROBLEM
    assert "secret internals" not in response.get_data(as_text=True)
