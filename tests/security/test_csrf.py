"""Cookie-authenticated writes need the session's CSRF token and a JSON body."""

from __future__ import annotations

import pytest


def test_write_without_csrf_token_is_refused(alex):
    response = alex.client.post("/api/v1/books", json={"name": "x"})
    assert response.status_code == 403
    assert response.json["code"] == "csrf_failed"


def test_write_with_a_wrong_csrf_token_is_refused(alex):
    response = alex.client.post(
        "/api/v1/books", json={"name": "x"}, headers={"X-CSRF-Token": "0" * 64}
    )
    assert response.status_code == 403


def test_csrf_token_of_another_session_is_refused(alex, sign_in):
    other = sign_in("alex")
    response = alex.client.post(
        "/api/v1/books", json={"name": "x"}, headers={"X-CSRF-Token": other.csrf_token}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_every_kind_of_write_is_checked(alex, method):
    book_id = alex.post("/api/v1/books", json={"name": "x"}).json["id"]
    path = {
        "post": "/api/v1/books",
        "patch": f"/api/v1/books/{book_id}",
        "delete": "/api/v1/session",
    }[method]
    response = getattr(alex.client, method)(path, json={"name": "y"})
    assert response.status_code == 403


def test_logout_needs_the_token_too(alex):
    assert alex.client.delete("/api/v1/session").status_code == 403
    assert alex.get("/api/v1/me").status_code == 200


def test_reads_need_no_csrf_token(alex):
    assert alex.client.get("/api/v1/books").status_code == 200


def test_bearer_requests_need_no_csrf_token(alex, make_token, app):
    token = make_token(alex.user, "write")
    response = app.test_client().post(
        "/api/v1/books", json={"name": "x"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"name=x"),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--',
        ),
        ("text/plain", b'{"name": "x"}'),
    ],
)
def test_only_json_bodies_are_accepted(alex, content_type, body):
    # Forms and text/plain are what a foreign page can send without a CORS preflight.
    response = alex.client.post(
        "/api/v1/books",
        data=body,
        content_type=content_type,
        headers={"X-CSRF-Token": alex.csrf_token},
    )
    assert response.status_code == 415
    assert response.content_type == "application/problem+json"


def test_csrf_token_is_on_the_page_for_scripts(alex):
    page = alex.get("/").get_data(as_text=True)
    assert f'<meta name="csrf-token" content="{alex.csrf_token}">' in page
