"""Invitations over the API: nobody joins a book without accepting, and inviting does not
tell which usernames exist."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.clock import from_iso, utcnow
from server.config import LOG_FILENAME
from server.domain.invitations import MAX_PENDING, InvitationInput, invite_member
from tests.api.test_changes import read_feed
from tests.api.test_members import members_url
from tests.clock import Clock
from tests.sharing import share

MINE = "/api/v1/me/invitations"
SHAPE = {"id", "username", "role", "invited_by", "created_at", "expires_at"}


def invitations_url(book_id, invitation_id=None):
    url = f"/api/v1/books/{book_id}/invitations"
    return url if invitation_id is None else f"{url}/{invitation_id}"


def invite(owner, book_id, username, role="editor"):
    response = owner.post(invitations_url(book_id), json={"username": username, "role": role})
    assert response.status_code == 201, response.json
    return response.json


def usernames(client, book_id):
    return [m["username"] for m in client.get(members_url(book_id)).json["items"]]


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The time as the invitation routes read it, standing still until moved on."""
    clock = Clock()
    monkeypatch.setattr("server.api.invitations.utcnow", clock.utcnow)
    return clock


def test_an_invited_person_joins_only_by_accepting(alex, book_id, people):
    sam = people("sam")
    sent = invite(alex, book_id, "SAM", "editor")
    assert set(sent) == SHAPE
    assert (sent["username"], sent["role"], sent["invited_by"]) == ("SAM", "editor", "alex")
    lasts = from_iso(sent["expires_at"]) - from_iso(sent["created_at"])
    assert lasts == timedelta(days=14)
    # Invited is not a member yet.
    assert usernames(alex, book_id) == ["alex"]
    assert sam.get(f"/api/v1/books/{book_id}").status_code == 404
    assert alex.get(invitations_url(book_id)).json == {"items": [sent], "next_cursor": None}

    [mine] = sam.get(MINE).json["items"]
    assert mine == {
        "id": sent["id"],
        "book_name": "Household",
        "role": "editor",
        "invited_by": "alex",
        "expires_at": sent["expires_at"],
    }
    accepted = sam.post(f"{MINE}/{sent['id']}/accept")
    assert accepted.status_code == 200
    assert (accepted.json["id"], accepted.json["name"], accepted.json["role"]) == (
        book_id,
        "Household",
        "editor",
    )
    assert usernames(alex, book_id) == ["alex", "sam"]
    assert book_id in [b["id"] for b in sam.get("/api/v1/books").json["items"]]
    # Spent: gone from both lists, and not accepted twice.
    assert sam.get(MINE).json["items"] == []
    assert alex.get(invitations_url(book_id)).json["items"] == []
    again = sam.post(f"{MINE}/{sent['id']}/accept")
    assert again.status_code == 404


def test_inviting_a_name_nobody_has_answers_the_same(alex, book_id, people):
    people("sam")
    known = alex.post(invitations_url(book_id), json={"username": "sam", "role": "viewer"})
    unknown = alex.post(invitations_url(book_id), json={"username": "nobody", "role": "viewer"})
    assert known.status_code == unknown.status_code == 201
    assert known.headers["Content-Type"] == unknown.headers["Content-Type"]

    def without_id_and_name(answer):
        return {k: v for k, v in answer.json.items() if k not in ("id", "username")}

    assert without_id_and_name(known) == without_id_and_name(unknown)
    listed = alex.get(invitations_url(book_id)).json["items"]
    assert [i["username"] for i in listed] == ["sam", "nobody"]


def test_an_invitation_to_a_name_is_not_inherited_by_a_later_account(
    alex, book_id, make_user, sign_in
):
    sent = invite(alex, book_id, "nobody", "owner")
    make_user("nobody")
    nobody = sign_in("nobody")
    assert nobody.get(MINE).json["items"] == []
    assert nobody.post(f"{MINE}/{sent['id']}/accept").status_code == 404
    assert usernames(alex, book_id) == ["alex"]


def test_inviting_a_name_again_renews_its_invitation(alex, book_id, people, clock):
    sam = people("sam")
    first = invite(alex, book_id, "sam", "viewer")
    clock.advance(3600)
    second = invite(alex, book_id, "Sam", "owner")
    assert second["id"] == first["id"]
    assert second["role"] == "owner" and second["expires_at"] > first["expires_at"]
    assert [i["role"] for i in sam.get(MINE).json["items"]] == ["owner"]


def test_a_declined_invitation_is_gone_and_the_book_stays_closed(alex, book_id, people, data_dir):
    sam = people("sam")
    sent = invite(alex, book_id, "sam")
    declined = sam.delete(f"{MINE}/{sent['id']}")
    assert declined.status_code == 204 and declined.data == b""
    assert sam.get(MINE).json["items"] == []
    assert alex.get(invitations_url(book_id)).json["items"] == []
    assert sam.post(f"{MINE}/{sent['id']}/accept").status_code == 404
    assert sam.delete(f"{MINE}/{sent['id']}").status_code == 404
    assert sam.get(f"/api/v1/books/{book_id}").status_code == 404
    log = (data_dir / LOG_FILENAME).read_text()
    assert f"book invitation sent: 'sam' as editor of book {book_id}" in log
    assert f"book invitation declined by user {sam.user.id} for book {book_id}" in log


def test_an_owner_withdraws_an_invitation(alex, book_id, people, data_dir):
    sam = people("sam")
    sent = invite(alex, book_id, "sam")
    withdrawn = alex.delete(invitations_url(book_id, sent["id"]))
    assert withdrawn.status_code == 204
    assert sam.get(MINE).json["items"] == []
    assert sam.post(f"{MINE}/{sent['id']}/accept").status_code == 404
    again = alex.delete(invitations_url(book_id, sent["id"]))
    assert again.status_code == 404 and "No invitation" in again.json["detail"]
    assert (
        f"book invitation withdrawn: 'sam' from book {book_id}"
        in (data_dir / LOG_FILENAME).read_text()
    )


def test_an_invitation_expires_after_fourteen_days(alex, book_id, people, clock, database):
    sam = people("sam")
    sent = invite(alex, book_id, "sam")
    clock.advance(timedelta(days=14).total_seconds() - 1)
    assert len(sam.get(MINE).json["items"]) == 1
    clock.advance(1)
    assert sam.get(MINE).json["items"] == []
    assert alex.get(invitations_url(book_id)).json["items"] == []
    assert sam.post(f"{MINE}/{sent['id']}/accept").status_code == 404
    assert usernames(alex, book_id) == ["alex"]
    # The next invitation sent clears the expired ones away.
    invite(alex, book_id, "someone")
    with database.read() as conn:
        kept = [r[0] for r in conn.execute("SELECT username FROM book_invitations")]
    assert kept == ["someone"]


def test_only_the_invited_person_sees_and_answers_an_invitation(alex, book_id, people):
    sam, kim = people("sam", "kim")
    sent = invite(alex, book_id, "sam")
    assert kim.get(MINE).json["items"] == []
    assert kim.post(f"{MINE}/{sent['id']}/accept").status_code == 404
    assert kim.delete(f"{MINE}/{sent['id']}").status_code == 404
    assert alex.post(f"{MINE}/{sent['id']}/accept").status_code == 404  # not even the inviter
    assert kim.get(f"/api/v1/books/{book_id}").status_code == 404
    assert len(sam.get(MINE).json["items"]) == 1


def test_members_see_pending_invitations_and_only_owners_invite_or_withdraw(alex, book_id, people):
    sam, kim = people("sam", "kim")
    share(alex, sam, book_id, "editor")
    sent = invite(alex, book_id, "kim")
    assert [i["username"] for i in sam.get(invitations_url(book_id)).json["items"]] == ["kim"]
    body = {"username": "lee", "role": "viewer"}
    assert sam.post(invitations_url(book_id), json=body).status_code == 403
    assert sam.delete(invitations_url(book_id, sent["id"])).status_code == 403
    # Someone not in the book learns nothing about it.
    for response in (
        kim.get(invitations_url(book_id)),
        kim.post(invitations_url(book_id), json=body),
        kim.delete(invitations_url(book_id, sent["id"])),
    ):
        assert response.status_code == 404
        assert response.json["detail"] == f"No book with id {book_id}."


def test_a_member_cannot_be_invited_again(alex, book_id, people):
    sam = people("sam")
    share(alex, sam, book_id, "viewer")
    for name in ("sam", "ALEX"):
        again = alex.post(invitations_url(book_id), json={"username": name, "role": "owner"})
        assert again.status_code == 409
        assert "already a member" in again.json["detail"]
    assert alex.get(invitations_url(book_id)).json["items"] == []


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"username": "sam", "role": "admin"}, {"role"}),
        ({"username": "sam"}, {"role"}),
        ({"role": "viewer"}, {"username"}),
        ({"username": "   ", "role": "viewer"}, {"username"}),
        ({"username": "x" * 101, "role": "viewer"}, {"username"}),
        ({"username": ["sam"], "role": 3}, {"username", "role"}),
    ],
)
def test_invalid_invitations_name_the_field(alex, book_id, body, fields):
    response = alex.post(invitations_url(book_id), json=body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == fields
    assert alex.get(invitations_url(book_id)).json["items"] == []


def test_a_book_holds_a_bounded_number_of_pending_invitations(alex, book_id, database):
    for number in range(MAX_PENDING):
        new = InvitationInput(username=f"person{number}", role="viewer")
        invite_member(database, book_id, new, now=utcnow(), by_user=alex.user.id)
    over = alex.post(invitations_url(book_id), json={"username": "one-more", "role": "viewer"})
    assert over.status_code == 409 and "pending invitations" in over.json["detail"]
    # Renewing one already pending is still fine.
    assert invite(alex, book_id, "person0", "editor")["role"] == "editor"


def test_tokens_list_invitations_but_only_a_session_answers_them(
    alex, book_id, people, make_token, client
):
    sam = people("sam")
    sent = invite(alex, book_id, "sam")
    for scope in ("read", "write"):
        headers = {"Authorization": f"Bearer {make_token(sam.user, scope)}"}
        listed = client.get(MINE, headers=headers)
        assert listed.status_code == 200 and len(listed.json["items"]) == 1
        for method, path in (
            ("POST", f"{MINE}/{sent['id']}/accept"),
            ("DELETE", f"{MINE}/{sent['id']}"),
        ):
            refused = client.open(path, method=method, headers=headers)
            assert refused.status_code == 403, (scope, method)
    assert len(sam.get(MINE).json["items"]) == 1
    assert client.get(MINE).status_code == 401


def test_invitations_go_with_their_book_and_with_either_person(alex, book_id, people, database):
    """No route deletes a user or a book yet; the schema already takes their invitations along."""
    sam, kim = people("sam", "kim")
    share(alex, kim, book_id, "owner")
    other = alex.post("/api/v1/books", json={"name": "Other"}).json["id"]
    invite(alex, book_id, "sam")
    invite(kim, book_id, "lee")
    invite(alex, other, "sam")

    def pending():
        with database.read() as conn:
            rows = conn.execute("SELECT book_id, username FROM book_invitations ORDER BY id")
            return [tuple(row) for row in rows]

    with database.write() as db:
        db.execute("DELETE FROM users WHERE id = ?", [kim.user.id])  # the inviter of lee
    assert pending() == [(book_id, "sam"), (other, "sam")]
    with database.write() as db:
        db.execute("DELETE FROM books WHERE id = ?", [other])
    assert pending() == [(book_id, "sam")]
    with database.write() as db:
        db.execute("DELETE FROM users WHERE id = ?", [sam.user.id])  # the person invited
    assert pending() == []


def test_invitations_are_not_book_data(alex, book_id):
    """Who is invited is no part of the book: not in its file, not in its change feed."""
    _, since = read_feed(alex, book_id)
    invite(alex, book_id, "zebedee")
    assert read_feed(alex, book_id, since)[0] == []
    exported = alex.get(f"/api/v1/books/{book_id}/export.json").get_data(as_text=True)
    assert "zebedee" not in exported and "invit" not in exported
