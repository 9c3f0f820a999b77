"""The change feed: a script mirrors a book through it, also while someone else writes."""

from __future__ import annotations

import random
import threading

from tests.api.conftest import BOOKS, post
from tests.api.test_imports import file_body
from tests.sharing import share


def read_feed(client, book: int, since: str = "", limit: int = 500) -> tuple[list, str]:
    """Every change after `since`, page after page; and the cursor to keep."""
    found = []
    while True:
        response = client.get(
            f"{BOOKS}/{book}/changes", query_string={"since": since, "limit": limit}
        )
        assert response.status_code == 200, response.json
        found += response.json["changes"]
        since = response.json["next_cursor"]
        if not response.json["has_more"]:
            return found, since


def apply(mirror: dict, changes: list) -> None:
    for change in changes:
        key = (change["kind"], change["id"])
        if change["deleted"]:
            mirror.pop(key, None)
        else:
            mirror[key] = change["object"]


def the_book_now(client, book: int) -> dict:
    """The book as its routes give it, keyed as the feed keys it."""
    base = f"{BOOKS}/{book}"
    state = {}
    for kind, path in (
        ("account", "/accounts?include_archived=true&limit=500"),
        ("category_group", "/category-groups?include_archived=true&limit=500"),
        ("category", "/categories?include_archived=true&limit=500"),
        ("payee", "/payees?limit=500"),
        ("tag", "/tags?limit=500"),
        ("rule", "/rules"),
        ("schedule", "/schedules"),
    ):
        for item in client.get(base + path).json["items"]:
            state[kind, str(item["id"])] = item
    cursor = None
    while True:
        page = client.get(
            base + "/transactions", query_string={"limit": 500, "cursor": cursor or ""}
        ).json
        for item in page["items"]:
            state["transaction", str(item["id"])] = item
        cursor = page["next_cursor"]
        if cursor is None:
            return state


def comparable(state: dict) -> dict:
    """The fields both sides share (lists leave out what only a single object carries)."""
    return {
        key: {k: v for k, v in value.items() if k not in ("etag", "running_balance", "uses")}
        for key, value in state.items()
        if key[0] != "budget"
    }


def test_the_feed_gives_the_book_then_what_changes(alex):
    book = post(alex, BOOKS, {"name": "Fed", "currency": "EUR"})["id"]
    base = f"{BOOKS}/{book}"
    account = post(alex, base + "/accounts", {"name": "Checking", "type": "checking"})["id"]
    first = post(
        alex,
        base + "/transactions",
        {"account_id": account, "date": "2025-03-01", "amount": "-5.00", "payee": "Bakery"},
    )
    second = post(
        alex,
        base + "/transactions",
        {"account_id": account, "date": "2025-03-02", "amount": "-7.00", "tags": ["x"]},
    )
    everything, cursor = read_feed(alex, book)
    kinds = {(c["kind"], c["id"]) for c in everything}
    assert ("transaction", str(first["id"])) in kinds and ("account", str(account)) in kinds
    assert len(kinds) == len(everything)  # each object once
    assert ("category", str(alex.get(base + "/categories").json["items"][0]["id"])) in kinds

    assert read_feed(alex, book, cursor) == ([], cursor)  # nothing new
    changed = alex.patch(
        f"{base}/transactions/{first['id']}",
        json={"memo": "croissants"},
        headers={"If-Match": first["etag"]},
    )
    assert changed.status_code == 200
    assert alex.post(f"{base}/transactions/bulk-delete", json={"ids": [second["id"]]}).status_code
    groceries = alex.get(base + "/categories?kind=expense").json["items"][0]["id"]
    alex.put(f"{base}/budgets/2025-03/categories/{groceries}", json={"amount": "300"})
    news, later = read_feed(alex, book, cursor)
    by_key = {(c["kind"], c["id"]): c for c in news}
    assert by_key["transaction", str(first["id"])]["object"]["memo"] == "croissants"
    assert by_key["transaction", str(second["id"])] == {
        "kind": "transaction",
        "id": str(second["id"]),
        "deleted": True,
        "object": None,
    }
    assert by_key["budget", f"{groceries}/2025-03"]["object"]["amount"] == "300.00"
    assert ("account", str(account)) in by_key  # its balance moved
    assert int(later.split(".")[1]) > int(cursor.split(".")[1])
    # The order is the order of the last changes: the budget came last.
    assert news[-1]["kind"] == "budget"


def test_imports_and_their_undo_are_in_the_feed(alex):
    book = alex.get(BOOKS).json["items"][0]["id"]
    account = post(alex, f"{BOOKS}/{book}/accounts", {"name": "Current", "type": "checking"})
    _, cursor = read_feed(alex, book)
    lines = "".join(f"2025-01-{1 + i % 28:02d},Shop {i},-{i}.50\n" for i in range(30))
    imported = post(
        alex, f"{BOOKS}/{book}/imports", file_body(account["id"], "Date,Payee,Amount\n" + lines)
    )
    added, cursor = read_feed(alex, book, cursor, limit=7)  # across pages too
    assert len([c for c in added if c["kind"] == "transaction"]) == 30
    assert alex.post(f"{BOOKS}/{book}/imports/{imported['id']}/undo").status_code == 200
    removed, _ = read_feed(alex, book, cursor)
    gone = [c for c in removed if c["kind"] == "transaction"]
    assert len(gone) == 30 and all(c["deleted"] for c in gone)


def test_a_cursor_it_did_not_give_and_other_peoples_books_are_refused(alex, make_user, sign_in):
    book = alex.get(BOOKS).json["items"][0]["id"]
    _, cursor = read_feed(alex, book)
    epoch, seq = cursor.split(".")
    for made_up in ("garbage", "yesterday", f"{epoch}.", f"{epoch}.x1", f"{epoch}-{seq}", seq):
        bad = alex.get(f"{BOOKS}/{book}/changes", query_string={"since": made_up})
        assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "since", made_up
        message = bad.json["errors"][0]["message"]
        assert "not a cursor this feed gave out" in message, made_up
        assert "restored" not in message, made_up
    make_user("bob")
    assert sign_in("bob").get(f"{BOOKS}/{book}/changes").status_code == 404


def test_a_mirror_kept_through_the_feed_ends_identical_while_another_client_writes(
    alex, make_user, sign_in
):
    book = post(alex, BOOKS, {"name": "Shared", "currency": "EUR"})["id"]
    base = f"{BOOKS}/{book}"
    make_user("edith")
    edith = sign_in("edith")
    share(alex, edith, book, "editor")
    accounts = [
        post(alex, base + "/accounts", {"name": name, "type": "checking"})["id"]
        for name in ("A", "B")
    ]
    categories = [c["id"] for c in alex.get(base + "/categories?kind=expense").json["items"]][:5]

    def write() -> None:
        rnd = random.Random(7)  # noqa: S311 (made-up writes)
        made: list[dict] = []
        for step in range(120):
            roll = rnd.random()
            if roll < 0.5 or not made:
                body = {
                    "account_id": rnd.choice(accounts),
                    "date": f"2025-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
                    "amount": f"-{rnd.randint(1, 9999)}.{rnd.randint(10, 99)}",
                    "payee": rnd.choice(["Bakery", "Grocer", None]),
                    "category_id": rnd.choice([*categories, None]),
                }
                if rnd.random() < 0.2:
                    body = {**body, "category_id": None, "transfer_account_id": accounts[1]}
                    body["account_id"] = accounts[0]
                made.append(edith.post(base + "/transactions", json=body).json)
            elif roll < 0.75:
                target = made.pop(rnd.randrange(len(made)))
                edith.post(base + "/transactions/bulk-delete", json={"ids": [target["id"]]})
            elif roll < 0.9:
                target = made[rnd.randrange(len(made))]
                edith.post(
                    base + "/transactions/bulk-update",
                    json={"ids": [target["id"]], "memo": f"step {step}"},
                )
            else:
                edith.put(
                    f"{base}/budgets/2025-0{rnd.randint(1, 9)}/categories/{categories[0]}",
                    json={"amount": str(rnd.randint(0, 500))},
                )

    writer = threading.Thread(target=write)
    mirror: dict = {}
    cursor = ""
    writer.start()
    while writer.is_alive():
        changes, cursor = read_feed(alex, book, cursor, limit=25)
        apply(mirror, changes)
    writer.join()
    changes, cursor = read_feed(alex, book, cursor, limit=25)
    apply(mirror, changes)

    assert comparable(mirror) == comparable(the_book_now(alex, book))
    budgets = {key[1]: value["amount"] for key, value in mirror.items() if key[0] == "budget"}
    month = alex.get(f"{base}/budgets/2025-03").json
    line = next(
        line for g in month["groups"] for line in g["lines"] if line["category_id"] == categories[0]
    )
    assert budgets.get(f"{categories[0]}/2025-03", "0.00") == line["budgeted"]


def test_a_deleted_category_takes_its_budgets_out_of_the_mirror(alex):
    book = post(alex, BOOKS, {"name": "Budgeted", "currency": "EUR"})["id"]
    base = f"{BOOKS}/{book}"
    group = alex.get(base + "/category-groups").json["items"][0]["id"]
    doomed = post(alex, base + "/categories", {"name": "Doomed", "group_id": group})["id"]
    assert alex.put(f"{base}/budgets/2025-03/categories/{doomed}", json={"amount": "10"}).json
    mirror: dict = {}
    changes, cursor = read_feed(alex, book)
    apply(mirror, changes)
    assert ("budget", f"{doomed}/2025-03") in mirror
    assert alex.delete(f"{base}/categories/{doomed}").status_code == 204
    changes, _ = read_feed(alex, book, cursor)
    apply(mirror, changes)
    assert ("budget", f"{doomed}/2025-03") not in mirror


def test_after_a_restore_old_cursors_are_refused_and_a_new_copy_is_whole(alex):
    book = post(alex, BOOKS, {"name": "Restored", "currency": "EUR"})["id"]
    base = f"{BOOKS}/{book}"
    account = post(alex, base + "/accounts", {"name": "Cash", "type": "cash"})["id"]
    backup = post(alex, "/api/v1/backups", {})["name"]
    for day in range(1, 6):
        body = {"account_id": account, "date": f"2025-03-0{day}", "amount": "-1.00"}
        post(alex, base + "/transactions", body)
    _, cursor = read_feed(alex, book)
    assert alex.post(f"/api/v1/backups/{backup}/restore").status_code == 200
    post(
        alex, base + "/transactions", {"account_id": account, "date": "2025-04-01", "amount": "-9"}
    )

    stale = alex.get(f"{base}/changes", query_string={"since": cursor})
    assert stale.status_code == 422 and stale.json["errors"][0]["field"] == "since"
    assert "restored from a backup" in stale.json["errors"][0]["message"]
    mirror: dict = {}
    changes, _ = read_feed(alex, book)
    apply(mirror, changes)
    assert comparable(mirror) == comparable(the_book_now(alex, book))
