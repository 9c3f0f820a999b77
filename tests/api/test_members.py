"""Book members over the API: change roles, remove and leave; owners stay. (People join by
invitation: tests/api/test_invitations.py.)"""

from __future__ import annotations

import threading

import pytest

from server.config import LOG_FILENAME
from server.domain.members import change_role, remove_member
from server.errors import Conflict
from tests.sharing import join, share


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def members_url(book_id, user_id=None):
    url = f"/api/v1/books/{book_id}/members"
    return url if user_id is None else f"{url}/{user_id}"


def set_role(client, book_id, user_id, role):
    return client.patch(members_url(book_id, user_id), json={"role": role}).status_code


def roles_of(client, book_id):
    items = client.get(members_url(book_id)).json["items"]
    return {m["username"]: m["role"] for m in items}


def test_a_new_book_has_its_creator_as_only_owner(alex, book_id):
    listed = alex.get(members_url(book_id))
    assert listed.status_code == 200
    assert listed.json["next_cursor"] is None
    [me] = listed.json["items"]
    assert set(me) == {"user_id", "username", "role", "since"}
    assert (me["user_id"], me["username"], me["role"]) == (alex.user.id, "alex", "owner")


def test_nobody_is_put_into_a_book_without_accepting(alex, book_id, people):
    """Adding a member straight away is gone: people join by accepting an invitation."""
    sam = people("sam")
    added = alex.post(members_url(book_id), json={"username": "sam", "role": "editor"})
    assert added.status_code == 405
    unknown = alex.post(members_url(book_id), json={"username": "nobody", "role": "editor"})
    assert unknown.status_code == added.status_code  # and tells nothing about the name
    assert roles_of(alex, book_id) == {"alex": "owner"}
    assert sam.get(f"/api/v1/books/{book_id}").status_code == 404


def test_owner_changes_a_role(alex, book_id, people):
    sam = people("sam")
    share(alex, sam, book_id, "viewer")
    changed = alex.patch(members_url(book_id, sam.user.id), json={"role": "editor"})
    assert changed.status_code == 200
    assert (changed.json["username"], changed.json["role"]) == ("sam", "editor")
    assert sam.get(f"/api/v1/books/{book_id}").json["role"] == "editor"
    same = alex.patch(members_url(book_id, sam.user.id), json={"role": "editor"})
    assert same.status_code == 200
    bad = alex.patch(members_url(book_id, sam.user.id), json={"role": "boss"})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json["errors"]] == ["role"]


def test_owner_removes_a_member_who_then_sees_nothing(alex, book_id, people):
    sam = people("sam")
    share(alex, sam, book_id, "editor")
    assert sam.get(f"/api/v1/books/{book_id}/accounts").status_code == 200
    removed = alex.delete(members_url(book_id, sam.user.id))
    assert removed.status_code == 204
    assert removed.data == b""
    assert roles_of(alex, book_id) == {"alex": "owner"}
    for path in ("", "/accounts", "/members"):
        response = sam.get(f"/api/v1/books/{book_id}{path}")
        assert response.status_code == 404
        assert response.json["detail"] == f"No book with id {book_id}."
    account = {"name": "Mine", "type": "cash"}
    assert sam.post(f"/api/v1/books/{book_id}/accounts", json=account).status_code == 404
    assert book_id not in [b["id"] for b in sam.get("/api/v1/books").json["items"]]


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_owners_manage_members(alex, book_id, people, role):
    sam, kim = people("sam", "kim")
    share(alex, sam, book_id, role)
    share(alex, kim, book_id, "viewer")
    assert sam.get(members_url(book_id)).status_code == 200
    attempts = [
        sam.post(f"/api/v1/books/{book_id}/invitations", json={"username": "x", "role": "owner"}),
        sam.patch(members_url(book_id, kim.user.id), json={"role": "editor"}),
        sam.patch(members_url(book_id, sam.user.id), json={"role": "owner"}),
        sam.patch(members_url(book_id, alex.user.id), json={"role": "viewer"}),
        sam.delete(members_url(book_id, kim.user.id)),
        sam.delete(members_url(book_id, alex.user.id)),
        sam.delete(members_url(book_id, 999999)),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert roles_of(alex, book_id) == {"alex": "owner", "sam": role, "kim": "viewer"}


def test_non_members_get_404_for_everything(alex, book_id, people):
    bob = people("bob")
    responses = [
        bob.get(members_url(book_id)),
        bob.post(f"/api/v1/books/{book_id}/invitations", json={"username": "bob", "role": "owner"}),
        bob.patch(members_url(book_id, alex.user.id), json={"role": "viewer"}),
        bob.delete(members_url(book_id, alex.user.id)),
        bob.delete(members_url(book_id, bob.user.id)),
        bob.get(members_url(999999)),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert all(r.json["detail"].startswith("No book with id") for r in responses)
    assert roles_of(alex, book_id) == {"alex": "owner"}


def test_an_unknown_member_is_404_for_the_owner(alex, book_id, people):
    bob = people("bob")  # a user, but not a member of the book
    for response in (
        alex.patch(members_url(book_id, bob.user.id), json={"role": "viewer"}),
        alex.delete(members_url(book_id, 999999)),
    ):
        assert response.status_code == 404
        assert "not a member" in response.json["detail"]


def test_the_last_owner_can_neither_be_demoted_nor_removed(alex, book_id, people):
    sam = people("sam")
    share(alex, sam, book_id, "editor")
    for response in (
        alex.patch(members_url(book_id, alex.user.id), json={"role": "editor"}),
        alex.patch(members_url(book_id, alex.user.id), json={"role": "viewer"}),
        alex.delete(members_url(book_id, alex.user.id)),
    ):
        assert response.status_code == 409
        assert "last owner" in response.json["detail"]
    assert roles_of(alex, book_id) == {"alex": "owner", "sam": "editor"}


def test_with_two_owners_one_may_step_down_or_leave(alex, book_id, people):
    sam = people("sam")
    share(alex, sam, book_id, "owner")
    assert set_role(alex, book_id, alex.user.id, "editor") == 200
    assert roles_of(sam, book_id) == {"alex": "editor", "sam": "owner"}
    # Sam is the last owner now: nobody can take that away, not even Sam.
    assert set_role(sam, book_id, sam.user.id, "viewer") == 409
    assert set_role(alex, book_id, sam.user.id, "viewer") == 403
    assert set_role(sam, book_id, alex.user.id, "owner") == 200
    assert sam.delete(members_url(book_id, sam.user.id)).status_code == 204
    assert roles_of(alex, book_id) == {"alex": "owner"}
    assert sam.get(f"/api/v1/books/{book_id}").status_code == 404


def test_an_owner_removes_another_owner(alex, book_id, people):
    sam = people("sam")
    share(alex, sam, book_id, "owner")
    assert alex.delete(members_url(book_id, sam.user.id)).status_code == 204
    assert roles_of(alex, book_id) == {"alex": "owner"}


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_a_member_may_leave(alex, book_id, people, role):
    sam = people("sam")
    share(alex, sam, book_id, role)
    left = sam.delete(members_url(book_id, sam.user.id))
    assert left.status_code == 204
    assert sam.get(f"/api/v1/books/{book_id}").status_code == 404
    assert sam.delete(members_url(book_id, sam.user.id)).status_code == 404
    assert roles_of(alex, book_id) == {"alex": "owner"}


def test_members_are_paged(alex, book_id, people):
    names = ["sam", "kim", "lee", "max"]
    for person in people(*names):
        share(alex, person, book_id, "viewer")
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = alex.get(members_url(book_id) + query).json
        assert len(page["items"]) <= 2
        seen += [m["user_id"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and seen == sorted(set(seen))
    bad = alex.get(members_url(book_id) + "?cursor=garbage")
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "cursor"


def test_membership_changes_are_logged(alex, book_id, people, data_dir):
    sam = people("sam")
    share(alex, sam, book_id, "viewer")
    alex.patch(members_url(book_id, sam.user.id), json={"role": "editor"})
    alex.delete(members_url(book_id, sam.user.id))
    log = (data_dir / LOG_FILENAME).read_text()
    assert f"book member added: sam (user {sam.user.id}) as viewer of book {book_id}" in log
    assert "book member role changed: sam" in log and "from viewer to editor" in log
    assert f"book member removed: sam (user {sam.user.id}, editor) from book {book_id}" in log
    assert "tallybook.auth" in log


def test_two_owners_stepping_down_at_once_leave_one_owner(alex, book_id, make_user, database):
    """The last-owner rule is decided inside the write transaction, never on a stale read."""
    sam = make_user("sam")
    join(database, book_id, "sam", "owner", by_user=alex.user.id)
    barrier = threading.Barrier(2)
    outcomes = {}

    def step_down(user_id):
        barrier.wait()
        try:
            change_role(database, book_id, user_id, "viewer", by_user=user_id)
            outcomes[user_id] = "viewer"
        except Conflict:
            outcomes[user_id] = "still owner"

    threads = [threading.Thread(target=step_down, args=(uid,)) for uid in (alex.user.id, sam.id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["still owner", "viewer"]
    with database.read() as conn:
        owners = conn.execute(
            "SELECT user_id FROM book_members WHERE book_id = ? AND role = 'owner'", [book_id]
        ).fetchall()
    assert [row["user_id"] for row in owners] == [
        uid for uid, outcome in outcomes.items() if outcome == "still owner"
    ]


def test_the_last_owner_cannot_be_removed_through_the_domain_either(alex, book_id, database):
    with pytest.raises(Conflict, match="last owner"):
        remove_member(database, book_id, alex.user.id, by_user=alex.user.id)
