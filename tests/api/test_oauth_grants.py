"""An app's grant: bounded by the user's standing in the book, one per app and book, and
never reaching past its book's data."""

from __future__ import annotations

from tests.api.conftest import BOOKS
from tests.api.oauth_app import (
    tokens_for,
)
from tests.sharing import share


def test_an_app_cannot_change_who_shares_its_book_or_its_settings(
    make_user, alex, app_client, book
):
    make_user("mallory")
    access = tokens_for(alex, app_client, book, scope="write")["access_token"]
    members = f"{BOOKS}/{book}/members"
    invitations = f"{BOOKS}/{book}/invitations"
    for method, path, body in (
        ("POST", invitations, {"username": "mallory", "role": "owner"}),
        ("GET", invitations, None),
        ("GET", members, None),
        ("PATCH", f"{members}/{alex.user.id}", {"role": "viewer"}),
        ("DELETE", f"{members}/{alex.user.id}", None),
        ("PATCH", f"{BOOKS}/{book}", {"name": "Mine now"}),
    ):
        response = app_client.api(access, method, path, json=body)
        assert response.status_code == 403, (method, path, response.json)
    assert [m["username"] for m in alex.get(members).json["items"]] == ["alex"]
    assert alex.get(invitations).json["items"] == []
    # Its book's data it may use: reading the book, its export, its accounts.
    assert app_client.api(access, "GET", f"{BOOKS}/{book}").status_code == 200
    assert app_client.api(access, "GET", f"{BOOKS}/{book}/export.json").status_code == 200


def sam_in_book(make_user, sign_in, alex, book: int, role: str):
    make_user("sam")
    sam = sign_in("sam")
    share(alex, sam, book, role)
    return sam


def test_an_app_loses_the_book_when_its_user_leaves_it_for_good(
    make_user, sign_in, alex, app_client, book
):
    sam = sam_in_book(make_user, sign_in, alex, book, "editor")
    tokens = tokens_for(sam, app_client, book, scope="write")
    sam_id = sam.user.id
    assert alex.delete(f"{BOOKS}/{book}/members/{sam_id}").status_code == 204
    assert sam.get("/api/v1/authorized-apps").json["items"] == []
    assert app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 401
    assert app_client.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"
    # Back in the book, sam's old app is not: it asks again.
    share(alex, sam, book, "editor")
    assert app_client.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"
    tag = {"name": "sneaky"}
    assert (
        app_client.api(tokens["access_token"], "POST", f"{BOOKS}/{book}/tags", json=tag).status_code
        == 401
    )


def test_an_app_of_a_member_made_viewer_can_only_read(make_user, sign_in, alex, app_client, book):
    sam = sam_in_book(make_user, sign_in, alex, book, "editor")
    tokens = tokens_for(sam, app_client, book, scope="write")
    changed = alex.patch(f"{BOOKS}/{book}/members/{sam.user.id}", json={"role": "viewer"})
    assert changed.status_code == 200
    assert [a["scope"] for a in sam.get("/api/v1/authorized-apps").json["items"]] == ["read"]
    assert app_client.api(tokens["access_token"], "GET", BOOKS).status_code == 401  # said write
    renewed = app_client.refresh(tokens["refresh_token"])
    assert renewed.json["scope"] == "read"
    access = renewed.json["access_token"]
    assert app_client.api(access, "GET", f"{BOOKS}/{book}/accounts").status_code == 200
    write = app_client.api(access, "POST", f"{BOOKS}/{book}/tags", json={"name": "x"})
    assert write.status_code == 403
    assert app_client.refresh(renewed.json["refresh_token"], scope="write").json["error"] == (
        "invalid_scope"
    )


def test_leaving_a_book_oneself_ends_ones_apps_there_too(
    make_user, sign_in, alex, app_client, book
):
    sam = sam_in_book(make_user, sign_in, alex, book, "viewer")
    tokens = tokens_for(sam, app_client, book)
    assert sam.delete(f"{BOOKS}/{book}/members/{sam.user.id}").status_code == 204
    assert app_client.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"


def test_a_new_consent_replaces_the_apps_earlier_one_for_that_book(
    alex, app_client, book, other_book
):
    first = tokens_for(alex, app_client, book)
    elsewhere = tokens_for(alex, app_client, other_book)
    second = tokens_for(alex, app_client, book, scope="write")
    apps = alex.get("/api/v1/authorized-apps").json["items"]
    assert sorted((a["book_id"], a["scope"]) for a in apps) == [
        (book, "read write"),
        (other_book, "read"),
    ]
    assert app_client.refresh(first["refresh_token"]).json["error"] == "invalid_grant"
    assert app_client.api(second["access_token"], "GET", BOOKS).status_code == 200
    assert app_client.api(elsewhere["access_token"], "GET", BOOKS).status_code == 200


def test_an_app_that_never_called_the_api_was_never_used(alex, app_client, book):
    tokens = tokens_for(alex, app_client, book)
    assert alex.get("/api/v1/authorized-apps").json["items"][0]["last_used_at"] is None
    app_client.api(tokens["access_token"], "GET", BOOKS)
    assert alex.get("/api/v1/authorized-apps").json["items"][0]["last_used_at"] is not None
