"""Idempotency-Key on POST: a retried request creates nothing twice and gets the first answer."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from server import create_app
from server.api import books as books_api
from server.api.idempotency import EXEMPT_PATHS
from server.clock import to_iso, utcnow
from server.domain.idempotency import key_problem, request_fingerprint
from tests.conftest import db

BOOKS = "/api/v1/books"
PROBLEM = "application/problem+json"


def key(value: str = "3f1c2a9e-1b7d-4c55-9e0a-2b8f6d4e7a10") -> dict[str, str]:
    return {"Idempotency-Key": value}


def book_names(signed_in) -> list[str]:
    return [b["name"] for b in signed_in.get(BOOKS + "?limit=500").json["items"]]


def stored_keys(database) -> list[dict]:
    with database.read() as conn:
        return [dict(r) for r in conn.execute("SELECT * FROM idempotency_keys ORDER BY key")]


def set_key_state(database, *, status: int, age: timedelta) -> None:
    """Turn the one stored key back into a claim of `age`: as if its request still ran."""
    with database.write() as d:
        d.execute(
            "UPDATE idempotency_keys SET status = ?, body = '', headers = '[]', created_at = ?",
            [status, to_iso(utcnow() - age)],
        )


def test_a_retry_creates_one_book_and_gets_the_same_answer(alex):
    first = alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    again = alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.content_type == first.content_type == "application/json"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Cache-Control"] == "no-store"  # security headers still apply
    assert book_names(alex).count("Holiday") == 1


def test_the_same_key_with_another_body_is_refused(alex):
    alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    response = alex.post(BOOKS, json={"name": "Work"}, headers=key())
    assert response.status_code == 422
    assert response.content_type == PROBLEM
    assert response.json["code"] == "idempotency_key_reused"
    assert "Work" not in book_names(alex)


def test_the_same_key_on_another_route_is_refused(alex):
    book = alex.post(BOOKS, json={"name": "Holiday"}, headers=key()).json
    response = alex.post(f"{BOOKS}/{book['id']}/accounts", json={}, headers=key())
    assert response.status_code == 422
    assert response.json["code"] == "idempotency_key_reused"


def test_without_a_key_each_post_creates(alex):
    alex.post(BOOKS, json={"name": "Holiday"})
    alex.post(BOOKS, json={"name": "Holiday"})
    assert book_names(alex).count("Holiday") == 2
    assert not stored_keys(db(alex.client.application))


def test_keys_belong_to_one_user(alex, make_user, sign_in):
    make_user("bob")
    bob = sign_in("bob")
    mine = alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    his = bob.post(BOOKS, json={"name": "Holiday"}, headers=key())
    assert his.status_code == 201
    assert "Idempotent-Replayed" not in his.headers
    assert his.json["id"] != mine.json["id"]
    assert book_names(alex).count("Holiday") == 1
    assert book_names(bob).count("Holiday") == 1


def test_a_failed_request_frees_its_key_for_a_corrected_retry(alex, database):
    failed = alex.post(BOOKS, json={"name": "Holiday", "currency": "XYZ"}, headers=key())
    assert failed.status_code == 422
    assert failed.json["code"] == "validation_failed"
    assert not stored_keys(database)
    corrected = alex.post(BOOKS, json={"name": "Holiday", "currency": "USD"}, headers=key())
    assert corrected.status_code == 201
    assert "Idempotent-Replayed" not in corrected.headers
    assert corrected.json["currency"] == "USD"
    assert [row["status"] for row in stored_keys(database)] == [201]


def test_a_key_still_in_progress_answers_409(alex, database):
    alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    set_key_state(database, status=0, age=timedelta(seconds=5))
    response = alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    assert response.status_code == 409
    assert response.content_type == PROBLEM
    assert response.json["code"] == "idempotency_key_in_progress"
    assert response.headers["Retry-After"] == "1"
    assert book_names(alex).count("Holiday") == 1
    # A different request with the key is a client's mistake, whatever the key's state.
    assert alex.post(BOOKS, json={"name": "Work"}, headers=key()).status_code == 422


def test_a_retry_while_the_first_request_runs_answers_409(alex, app, make_token, monkeypatch):
    inside, go_on = threading.Event(), threading.Event()
    real_create_book = books_api.create_book

    def slow_create_book(*args, **kwargs):
        inside.set()
        assert go_on.wait(10)
        return real_create_book(*args, **kwargs)

    monkeypatch.setattr(books_api, "create_book", slow_create_book)
    headers = {"Authorization": f"Bearer {make_token(alex.user, 'write')}", **key()}
    answers = {}

    def first() -> None:
        answers["first"] = app.test_client().post(BOOKS, json={"name": "Holiday"}, headers=headers)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(10)
        during = app.test_client().post(BOOKS, json={"name": "Holiday"}, headers=headers)
    finally:
        go_on.set()
        thread.join(10)
    assert during.status_code == 409
    assert during.headers["Retry-After"] == "1"
    assert answers["first"].status_code == 201
    after = app.test_client().post(BOOKS, json={"name": "Holiday"}, headers=headers)
    assert after.headers["Idempotent-Replayed"] == "true"
    assert after.json == answers["first"].json
    assert book_names(alex).count("Holiday") == 1


def test_an_abandoned_claim_is_taken_over(alex, database):
    alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    set_key_state(database, status=0, age=timedelta(seconds=61))
    retried = alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    again = alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == retried.json


def test_keys_expire_after_a_day(alex, database):
    alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    set_key_state(database, status=201, age=timedelta(hours=24, seconds=1))
    later = alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    assert later.status_code == 201
    assert "Idempotent-Replayed" not in later.headers
    assert book_names(alex).count("Holiday") == 2


def test_expired_keys_are_purged_at_start(alex, database, app_config):
    alex.post(BOOKS, json={"name": "Holiday"}, headers=key("old"))
    set_key_state(database, status=201, age=timedelta(hours=25))
    alex.post(BOOKS, json={"name": "Work"}, headers=key("new"))
    restarted = create_app(app_config)
    try:
        assert [row["key"] for row in stored_keys(db(restarted))] == ["new"]
    finally:
        db(restarted).close()


@pytest.mark.parametrize("value", ["", "   ", "x" * 256, "caf\xe9", "tab\there", "del\x7f"])
def test_a_malformed_key_is_a_400_naming_the_header(alex, database, value):
    response = alex.post(BOOKS, json={"name": "Holiday"}, headers=key(value))
    assert response.status_code == 400
    assert response.content_type == PROBLEM
    assert response.json["code"] == "invalid_idempotency_key"
    assert "Idempotency-Key" in response.json["detail"]
    assert response.json["errors"][0]["field"] == "Idempotency-Key"
    assert "Holiday" not in book_names(alex)
    assert not stored_keys(database)


def test_a_body_too_large_is_still_413(alex, database):
    response = alex.post(
        BOOKS, data=b"{" + b" " * 2_000_000 + b"}", content_type="application/json", headers=key()
    )
    assert response.status_code == 413
    assert response.content_type == PROBLEM
    assert not stored_keys(database)


def test_the_longest_key_is_accepted(alex):
    assert alex.post(BOOKS, json={"name": "Holiday"}, headers=key("k" * 255)).status_code == 201


def test_a_bearer_token_works_and_shares_the_users_keys(alex, client, make_token):
    bearer = {"Authorization": f"Bearer {make_token(alex.user, 'write')}", **key()}
    first = client.post(BOOKS, json={"name": "Holiday"}, headers=bearer)
    again = client.post(BOOKS, json={"name": "Holiday"}, headers=bearer)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    # The key is the user's, whichever credential sends it.
    from_the_app = alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    assert from_the_app.headers["Idempotent-Replayed"] == "true"
    assert book_names(alex).count("Holiday") == 1


def test_a_read_token_is_refused_not_replayed(alex, client, make_token):
    alex.post(BOOKS, json={"name": "Holiday"}, headers=key())
    reader_token = {"Authorization": f"Bearer {make_token(alex.user, 'read')}", **key()}
    response = client.post(BOOKS, json={"name": "Holiday"}, headers=reader_token)
    assert response.status_code == 403
    assert "Idempotent-Replayed" not in response.headers


def test_csrf_is_still_checked_first(alex, database):
    response = alex.client.post(BOOKS, json={"name": "Holiday"}, headers=key())
    assert response.status_code == 403
    assert response.json["code"] == "csrf_failed"
    assert not stored_keys(database)


def test_anonymous_requests_keep_their_401(client):
    response = client.post(BOOKS, json={"name": "Holiday"}, headers=key())
    assert response.status_code == 401


def test_token_creation_ignores_the_key_so_no_secret_is_stored(alex, database):
    # The answer holds the token's secret, which must exist only as a hash: it is never
    # stored for a replay, so the header is ignored here (even a malformed one).
    first = alex.post("/api/v1/tokens", json={"name": "a", "scope": "read"}, headers=key())
    again = alex.post("/api/v1/tokens", json={"name": "a", "scope": "read"}, headers=key())
    assert first.status_code == again.status_code == 201
    assert first.json["token"] != again.json["token"]
    assert "Idempotent-Replayed" not in again.headers
    odd = alex.post("/api/v1/tokens", json={"name": "b", "scope": "read"}, headers=key(""))
    assert odd.status_code == 201
    assert not stored_keys(database)


def test_exempt_paths_are_real_post_routes(app):
    posts = {r.rule for r in app.url_map.iter_rules() if "POST" in r.methods}
    assert posts >= EXEMPT_PATHS


def test_the_header_is_documented_on_the_posts_it_applies_to(app, client):
    spec = client.get("/api/v1/openapi.json").json
    parameter = spec["components"]["parameters"]["IdempotencyKey"]
    assert (parameter["name"], parameter["in"], parameter["required"]) == (
        "Idempotency-Key",
        "header",
        False,
    )
    ref = {"$ref": "#/components/parameters/IdempotencyKey"}
    documented = {
        path
        for path, item in spec["paths"].items()
        if ref in item.get("post", {}).get("parameters", [])
    }
    authenticated_posts = {
        path
        for path, item in spec["paths"].items()
        if "post" in item and item["post"].get("security")
    }
    assert documented == authenticated_posts - EXEMPT_PATHS
    assert "/api/v1/books" in documented
    assert not documented & {"/api/v1/tokens", "/api/v1/session", "/api/v1/me/password"}
    create = spec["paths"]["/api/v1/books"]["post"]
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]
    assert create["responses"]["409"]["headers"]["Retry-After"]
    for path in documented:  # a key reused for another request is a 422, even without a body
        assert "422" in spec["paths"][path]["post"]["responses"], path
    for item in spec["paths"].values():
        for method in set(item) - {"post"}:
            assert ref not in item[method].get("parameters", [])


def test_key_rules_and_fingerprints():
    assert key_problem("a") is None
    assert key_problem("a b~!") is None
    assert key_problem("") and key_problem(" ") and key_problem("k" * 256)
    assert key_problem("\u00e9") and key_problem("\n")
    one = request_fingerprint("POST", "/api/v1/books?", b'{"name": "a"}')
    assert one == request_fingerprint("post", "/api/v1/books?", b'{"name": "a"}')
    assert one != request_fingerprint("POST", "/api/v1/books?", b'{"name": "b"}')
    assert one != request_fingerprint("POST", "/api/v1/books?x=1", b'{"name": "a"}')
    # Parts are length-prefixed: moving bytes between path and body changes the hash.
    assert request_fingerprint("POST", "/a", b"b") != request_fingerprint("POST", "/ab", b"")
