"""Rate limits: each token and each app has its own budget; the window's session has none."""

from __future__ import annotations

import time

import pytest

from tests.clock import Clock

BOOKS = "/api/v1/books"


@pytest.fixture
def app_config(app_config):
    app_config["API_RATE_LIMIT"] = "3 per minute"
    return app_config


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_over_its_limit_gets_429_with_retry_after(alex, make_token, client):
    token = make_token(alex.user)
    answers = [client.get(BOOKS, headers=bearer(token)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"3"}
    reset = int(answers[0].headers["X-RateLimit-Reset"])
    assert time.time() < reset <= time.time() + 61

    refused = client.get(BOOKS, headers=bearer(token))
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "too_many_requests"
    assert "3 per minute" in refused.json["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 61


def test_writes_count_too_and_a_refused_one_changes_nothing(alex, make_token, client):
    token = make_token(alex.user, "write")
    for name in ("One", "Two", "Three"):
        made = client.post(BOOKS, json={"name": name, "currency": "EUR"}, headers=bearer(token))
        assert made.status_code == 201
    refused = client.post(BOOKS, json={"name": "Four", "currency": "EUR"}, headers=bearer(token))
    assert refused.status_code == 429
    names = {book["name"] for book in alex.get(BOOKS).json["items"]}
    assert "Four" not in names and {"One", "Two", "Three"} <= names


def test_each_token_has_its_own_budget(alex, make_token, client):
    first, second = make_token(alex.user), make_token(alex.user)
    for _ in range(3):
        client.get(BOOKS, headers=bearer(first))
    assert client.get(BOOKS, headers=bearer(first)).status_code == 429
    assert client.get(BOOKS, headers=bearer(second)).status_code == 200


def test_the_apps_own_session_is_not_limited(alex):
    answers = [alex.get(BOOKS) for _ in range(6)]
    assert {a.status_code for a in answers} == {200}
    assert "X-RateLimit-Limit" not in answers[-1].headers


def test_pages_and_refused_credentials_are_not_counted(alex, make_token, client):
    for _ in range(5):
        assert client.get(BOOKS, headers=bearer("tb_pat_not-a-token")).status_code == 401
    token = make_token(alex.user)
    assert client.get(BOOKS, headers=bearer(token)).headers["X-RateLimit-Remaining"] == "2"


def test_the_limit_is_documented_for_every_operation_a_token_can_call(client):
    spec = client.get("/api/v1/openapi.json").json
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not operation.get("security"):
                continue
            limited = operation["responses"].get("429")
            assert limited, f"{method.upper()} {path} does not document 429"
            assert "Retry-After" in limited["headers"]


@pytest.fixture
def limiter_clock(monkeypatch) -> Clock:
    """The time as the rate limit reads it (its in-memory counts, and our Retry-After),
    standing still until the test moves it on."""
    clock = Clock()
    monkeypatch.setattr("limits.storage.memory.time", clock)
    monkeypatch.setattr("server.api.rate_limits.time", clock)
    return clock


def test_after_the_retry_after_seconds_the_token_works_again(
    app, alex, make_token, client, limiter_clock
):
    app.config["API_RATE_LIMIT"] = "2 per 1 second"
    token = make_token(alex.user)
    for _ in range(2):
        assert client.get(BOOKS, headers=bearer(token)).status_code == 200
        limiter_clock.advance(0.25)
    refused = client.get(BOOKS, headers=bearer(token))
    assert refused.status_code == 429
    limiter_clock.advance(0.4)  # the first request is still in the window
    assert client.get(BOOKS, headers=bearer(token)).status_code == 429
    limiter_clock.advance(int(refused.headers["Retry-After"]) - 0.4)
    assert client.get(BOOKS, headers=bearer(token)).status_code == 200
