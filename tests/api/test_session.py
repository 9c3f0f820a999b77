"""First-run setup, registration, sign-in, sign-out and password changes over the API."""

from __future__ import annotations

import pytest

from tests.api.oauth_app import tokens_for
from tests.conftest import PASSWORD


def test_setup_creates_the_admin_with_a_personal_book_and_signs_in(client):
    assert client.get("/api/v1/instance").json["setup_required"] is True
    response = client.post("/api/v1/setup", json={"username": "alex", "password": PASSWORD})
    assert response.status_code == 201
    assert response.json["user"]["is_admin"] is True
    assert response.json["csrf_token"]
    books = client.get("/api/v1/books").json["items"]
    assert [(b["name"], b["role"]) for b in books] == [("alex's book", "owner")]
    assert client.get("/api/v1/instance").json["setup_required"] is False


def test_setup_happens_only_once(client, make_user):
    make_user("alex")
    response = client.post("/api/v1/setup", json={"username": "eve", "password": PASSWORD})
    assert response.status_code == 409
    assert response.json["code"] == "conflict"


def test_setup_validates_fields(client):
    response = client.post("/api/v1/setup", json={"username": "a", "password": "password"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json["errors"]}
    assert fields == {"username", "password"}
    assert client.get("/api/v1/instance").json["setup_required"] is True


def test_login_wrong_password_is_401_problem(client, make_user):
    make_user("alex")
    response = client.post("/api/v1/session", json={"username": "alex", "password": "nope nope"})
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.json["detail"] == "Wrong username or password."


def test_unknown_user_gets_the_same_answer(client, make_user):
    make_user("alex")
    response = client.post("/api/v1/session", json={"username": "bob", "password": PASSWORD})
    assert response.status_code == 401
    assert response.json["detail"] == "Wrong username or password."


def test_username_is_case_insensitive_at_sign_in(client, make_user):
    make_user("Alex")
    response = client.post("/api/v1/session", json={"username": "alex", "password": PASSWORD})
    assert response.status_code == 200


def test_logout_ends_the_session_server_side(alex, app):
    cookie = alex.client.get_cookie("tallybook_session").value
    assert alex.delete("/api/v1/session").status_code == 204
    replay = app.test_client()
    replay.set_cookie("tallybook_session", cookie)
    assert replay.get("/api/v1/me").status_code == 401


def test_sign_in_issues_a_new_session_id_and_ends_the_old_one(app, make_user):
    make_user("alex")
    browser = app.test_client()
    csrf = browser.post("/api/v1/session", json={"username": "alex", "password": PASSWORD}).json[
        "csrf_token"
    ]
    first = browser.get_cookie("tallybook_session").value
    again = browser.post(
        "/api/v1/session",
        json={"username": "alex", "password": PASSWORD},
        headers={"X-CSRF-Token": csrf},  # signed in already, so the token is required
    )
    assert again.status_code == 200
    second = browser.get_cookie("tallybook_session").value
    assert first != second
    old = app.test_client()
    old.set_cookie("tallybook_session", first)
    assert old.get("/api/v1/me").status_code == 401


def test_planted_session_id_is_worthless(app, make_user):
    make_user("alex")
    browser = app.test_client()
    browser.set_cookie("tallybook_session", "attacker-chosen-value")
    browser.post("/api/v1/session", json={"username": "alex", "password": PASSWORD})
    assert browser.get_cookie("tallybook_session").value != "attacker-chosen-value"


def test_password_change_ends_other_sessions_and_keeps_this_one(alex, sign_in, app):
    other = sign_in("alex")
    response = alex.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 200
    assert other.get("/api/v1/me").status_code == 401
    assert alex.get("/api/v1/me").status_code == 200
    alex.csrf_token = response.json["csrf_token"]
    assert alex.post("/api/v1/books", json={"name": "After"}).status_code == 201
    relogin = app.test_client().post(
        "/api/v1/session", json={"username": "alex", "password": "a brand new passphrase"}
    )
    assert relogin.status_code == 200


def test_password_change_needs_the_current_password(alex):
    response = alex.post(
        "/api/v1/me/password",
        json={"current_password": "wrong one", "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "current_password"


def test_password_change_checks_the_new_password(alex):
    response = alex.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "qwerty123"}
    )
    assert response.status_code == 422
    assert response.json["errors"] == [
        {
            "field": "new_password",
            "message": "This password is too common; choose one that is hard to guess.",
        }
    ]


@pytest.mark.parametrize("new_password", [" " * 12, "alexalexalex", "Alex-2026!"])
def test_password_change_refuses_blank_and_username_passwords(alex, new_password):
    response = alex.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": new_password}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["new_password"]


@pytest.mark.parametrize(
    ("revoke_tokens", "then"),
    [(None, 401), (True, 401), (False, 200)],  # None: not sent, so the default
)
def test_password_change_revokes_tokens_and_apps_unless_told_not_to(
    alex, make_token, app_client, revoke_tokens, then
):
    token = make_token(alex.user, "write")
    book_id = alex.get("/api/v1/books").json["items"][0]["id"]
    app_tokens = tokens_for(alex, app_client, book_id)
    change = {"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    if revoke_tokens is not None:
        change["revoke_tokens"] = revoke_tokens
    assert alex.post("/api/v1/me/password", json=change).status_code == 200
    by_token = alex.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert by_token.status_code == then
    assert app_client.api(app_tokens["access_token"], "GET", "/api/v1/me").status_code == then
    assert app_client.refresh(app_tokens["refresh_token"]).status_code == (
        400 if then == 401 else 200
    )
    assert alex.get("/api/v1/me").status_code == 200  # this session goes on either way
    left = 0 if then == 401 else 1
    assert len(alex.get("/api/v1/tokens").json["items"]) == left
    assert len(alex.get("/api/v1/authorized-apps").json["items"]) == left


def test_password_change_is_refused_to_tokens(alex, make_token):
    token = make_token(alex.user, "write")
    response = alex.client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403


def test_registration_is_closed_by_default(client, make_user):
    make_user("alex", admin=True)
    response = client.post("/api/v1/users", json={"username": "bob", "password": PASSWORD})
    assert response.status_code == 403
    assert "closed" in response.json["detail"]


def test_admin_opens_registration_and_a_visitor_registers(alex, app):
    assert alex.patch("/api/v1/instance", json={"registration_open": True}).json[
        "registration_open"
    ]
    visitor = app.test_client()
    response = visitor.post("/api/v1/users", json={"username": "bob", "password": PASSWORD})
    assert response.status_code == 201
    assert response.json["user"]["is_admin"] is False
    assert visitor.get("/api/v1/me").json["username"] == "bob"
    assert [b["name"] for b in visitor.get("/api/v1/books").json["items"]] == ["bob's book"]


def test_visitors_cannot_make_themselves_admin(alex, app):
    alex.patch("/api/v1/instance", json={"registration_open": True})
    response = app.test_client().post(
        "/api/v1/users", json={"username": "bob", "password": PASSWORD, "is_admin": True}
    )
    assert response.status_code == 403


def test_admin_creates_users_while_registration_is_closed(alex):
    response = alex.post("/api/v1/users", json={"username": "bob", "password": PASSWORD})
    assert response.status_code == 201
    assert response.json["csrf_token"] is None
    assert alex.get("/api/v1/me").json["username"] == "alex"  # still signed in as alex


def test_duplicate_username_is_a_field_error(alex):
    response = alex.post("/api/v1/users", json={"username": "ALEX", "password": PASSWORD})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "username"


def test_only_admins_change_instance_settings(alex, make_user, sign_in):
    make_user("bob")
    bob = sign_in("bob")
    response = bob.patch("/api/v1/instance", json={"registration_open": True})
    assert response.status_code == 403


def test_the_document_states_that_a_password_change_revokes_by_default(client):
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["PasswordChange"]
    assert schema["properties"]["revoke_tokens"] == {
        "type": "boolean",
        "default": True,
        "description": schema["properties"]["revoke_tokens"]["description"],
    }
    assert "revoke" in schema["properties"]["revoke_tokens"]["description"]
