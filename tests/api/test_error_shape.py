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


WRITES = {"POST", "PUT", "PATCH", "DELETE"}
DEEP = "[" * 100_000 + "]" * 100_000  # past what json's parser can follow (RecursionError)
# Refused 400: not JSON, or not an object; an object of the wrong shape is refused 422.
MALFORMED = {"{not json", "\xff\xfe", DEEP, "[1, 2]", '"a string"', "null"}
BOOK = "/api/v1/books/<int:book_id>"
# Write routes other than DELETE that take no body (the path says it all).
TAKES_NO_BODY = {
    ("POST", f"{BOOK}/imports/<int:import_id>/undo"): "the import is in the path",
    ("POST", f"{BOOK}/imports/batches/<int:batch_id>/undo"): "the batch is in the path",
    ("POST", "/api/v1/backups"): "backs up now, with nothing to choose",
    ("POST", "/api/v1/backups/<name>/restore"): "the backup is in the path",
    ("POST", "/api/v1/me/invitations/<int:invitation_id>/accept"): "the invitation is in the path",
    ("POST", f"{BOOK}/undo"): "the caller's last change in the book",
    ("POST", f"{BOOK}/redo"): "the caller's last change undone in the book",
    ("PUT", "/api/v1/me/automatic-sign-in"): "turns it on, with nothing to choose",
}
# An empty body is read as `{}`: these routes take it, for every field they have is optional.
TAKES_AN_EMPTY_BODY = {
    ("PATCH", BOOK): "a change of nothing",
    ("PATCH", f"{BOOK}/accounts/<int:account_id>"): "a change of nothing",
    ("PATCH", f"{BOOK}/category-groups/<int:group_id>"): "a change of nothing",
    ("PATCH", f"{BOOK}/categories/<int:category_id>"): "a change of nothing",
    ("PATCH", f"{BOOK}/transactions/<int:transaction_id>"): "a change of nothing",
    ("PATCH", f"{BOOK}/rules/<int:rule_id>"): "a change of nothing",
    ("PATCH", f"{BOOK}/schedules/<int:schedule_id>"): "a change of nothing",
    ("POST", "/api/v1/demo-books"): "the currency defaults to EUR",
    ("POST", f"{BOOK}/rules/preview"): "rule_ids defaults to every enabled rule",
    ("POST", f"{BOOK}/rules/apply"): "rule_ids defaults to every enabled rule",
    ("POST", f"{BOOK}/schedules/<int:schedule_id>/enter"): "the date defaults to the next one",
    ("POST", f"{BOOK}/schedules/<int:schedule_id>/skip"): "the date defaults to the next one",
    (
        "POST",
        f"{BOOK}/accounts/<int:account_id>/reconciliations/<int:reconciliation_id>/finish",
    ): "adjust defaults to false",
}


def routes_with_a_body(app, client) -> set[tuple[str, str]]:
    """The write routes whose OpenAPI operation takes a request body, as (method, rule)."""
    paths = client.get("/api/v1/openapi.json").json["paths"]
    found = set()
    for method, rule in api_routes(app):
        operation = paths[re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)][method.lower()]
        if "requestBody" in operation:
            found.add((method, rule.rule))
    return found


@pytest.mark.parametrize(
    "body",
    [*sorted(MALFORMED), "", '{"name": {"nested": true}}'],
    ids=lambda body: body[:12],
)
def test_malformed_bodies_on_every_write(app, client, alex, body):
    """Each route with a body refuses each malformed one, 400 if it is not a JSON object and
    422 if it is an object of the wrong shape; an empty body (read as `{}`) wherever a field is
    required."""
    routes = routes_with_a_body(app, client)
    writes = {(method, rule.rule) for method, rule in api_routes(app) if method in WRITES}
    no_body = {(method, path) for method, path in writes - routes if method != "DELETE"}
    assert no_body == set(TAKES_NO_BODY), "a write route takes no body: say why in TAKES_NO_BODY"
    assert set(TAKES_AN_EMPTY_BODY) <= routes
    refused, taken = set(), set()
    for method, path in sorted(routes):
        response = alex.client.open(
            re.sub(r"<(?:\w+:)?\w+>", "1", path),
            method=method,
            data=body.encode("utf-8", "surrogateescape") if body else b"",
            content_type="application/json",
            headers={"X-CSRF-Token": alex.csrf_token},
        )
        where = (method, path, response.status_code, response.get_json(silent=True))
        if body == "" and (method, path) in TAKES_AN_EMPTY_BODY:
            assert response.status_code not in (400, 422), where
            taken.add((method, path))
            continue
        expected = 400 if body in MALFORMED else 422
        assert (response.status_code, response.content_type) == (expected, PROBLEM), where
        assert_problem(response)
        refused.add((method, path))
    assert len(routes) >= 40  # the API's writes, as of this writing: not silently none
    assert refused | taken == routes
    assert taken == (set(TAKES_AN_EMPTY_BODY) if body == "" else set())


def test_wrong_field_types_name_the_field(alex):
    response = alex.post("/api/v1/tokens", json={"name": ["x"], "scope": 3})
    assert_problem(response, 422)
    assert {e["field"] for e in response.json["errors"]} == {"name", "scope"}


def test_unknown_path_and_method(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404)
    assert_problem(client.put("/api/v1/health", json={}), 405)


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE"])
def test_an_unrouted_method_is_405_whatever_its_body(client, method):
    """The route's method is judged before the body's media type (TRACE was 415)."""
    form = {"grant_type": "refresh_token", "refresh_token": "x"}
    assert_problem(client.open("/oauth/token", method=method, data=form), 405)
    assert_problem(client.open("/api/v1/health", method=method, data="x=1"), 405)
    assert_problem(client.post("/api/v1/no-such-thing", data="x=1"), 404)


def test_body_too_large(alex):
    response = alex.post(
        "/api/v1/books", data=b"{" + b" " * 2_000_000 + b"}", content_type="application/json"
    )
    assert_problem(response, 413)


def test_unexpected_errors_are_problems_without_details(app, client, monkeypatch):
    import server.api.meta as meta

    def explode():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(meta, "ping", explode)
    response = client.get("/api/v1/health")
    assert response.status_code == 500
    assert response.content_type == PROBLEM
    assert "secret internals" not in response.get_data(as_text=True)


def test_unexpected_errors_are_logged_briefly_and_never_flood_the_log(
    app, client, data_dir, monkeypatch
):
    """A thousand failures make a traceback for the first, one line each for the next ones of
    the minute, and a count with the first line of the next minute: the sign-in trail stays."""
    import server.api.meta as meta
    from server.config import LOG_FILENAME
    from tests.clock import Clock

    clock = Clock()
    monkeypatch.setattr("server.error_log.utcnow", clock.utcnow)

    def explode():
        raise RuntimeError("secret\ninternals \ud800" + "x" * 5000)

    monkeypatch.setattr(meta, "ping", explode)
    for _ in range(1000):
        assert client.get("/api/v1/health").status_code == 500
    clock.advance(60)
    assert client.get("/api/v1/health").status_code == 500
    log = (data_dir / LOG_FILENAME).read_text(encoding="utf-8")
    lines = [line for line in log.splitlines() if "unexpected RuntimeError" in line]
    per_minute = app.config["LOG_ERRORS_PER_MINUTE"]
    assert len(lines) == per_minute + 1
    assert log.count("Traceback (most recent call last)") == 1
    assert all("on GET /api/v1/health: secret internals \\ud800xxx" in line for line in lines)
    assert all(len(line) < 400 for line in lines)
    assert lines[-1].endswith(f"({1000 - per_minute} more were not logged: too many a minute)")
    assert len(log) < 20_000  # the one traceback included
