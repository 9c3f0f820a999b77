"""Automatic sign-in on this computer: offered to and honoured for the desktop window of a
one-person Tallybook only. Never in server mode, never with a second person, never from a
browser tab (it lacks the launch's one-time handoff), never after the password changed; the
secret lives in a private file of the data folder and only its hash in the database."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from server import create_app
from server.auth.window import NOT_IN_SERVER_MODE, ONE_PERSON_ONLY, ONLY_IN_THE_WINDOW
from server.config import AUTOMATIC_SIGN_IN_FILENAME
from tests.conftest import PASSWORD, db

STATE = "/api/v1/me/automatic-sign-in"


@contextmanager
def launch(app_config: dict[str, Any], handoff: str | None) -> Iterator[Any]:
    """One start of the program over the same data folder: the server the launcher starts for
    its window (with that launch's handoff), or, with None, a server (serve) or browser mode."""
    config = {**app_config}
    if handoff is not None:
        config["WINDOW_HANDOFF"] = handoff
    app = create_app(config)
    try:
        yield app
    finally:
        db(app).close()


def sign_in_with_password(client) -> str:
    """Sign Alex in on `client`; return the session's CSRF token."""
    response = client.post("/api/v1/session", json={"username": "alex", "password": PASSWORD})
    assert response.status_code == 200, response.json
    return response.json["csrf_token"]


def signed_in_window(app, handoff: str):
    """The window: it opens on the handoff, then its person signs in with the password."""
    window = app.test_client()
    assert window.get(f"/window?handoff={handoff}").status_code == 302
    return window, sign_in_with_password(window)


def turn_on_in_a_first_launch(app_config: dict[str, Any]) -> None:
    """Alex signs in to the window and turns automatic sign-in on; the program is closed."""
    with launch(app_config, "first") as app:
        window, csrf = signed_in_window(app, "first")
        assert window.put(STATE, headers={"X-CSRF-Token": csrf}).status_code == 200


def assert_not_offered(client, csrf: str, because: str) -> None:
    """The state says why not, and turning it on is refused with that reason."""
    state = client.get(STATE).json
    assert state["available"] is False
    assert state["unavailable_because"] == because
    refused = client.put(STATE, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403
    assert refused.json["detail"] == because


def is_signed_in(client) -> bool:
    return client.get("/api/v1/me").status_code == 200


@pytest.fixture
def alex_alone(make_user):
    return make_user("alex", admin=True)


def test_the_window_opens_signed_in_once_it_is_turned_on(app_config, data_dir, alex_alone):
    with launch(app_config, "first-launch") as app:
        window, csrf = signed_in_window(app, "first-launch")
        assert window.get(STATE).json == {
            "on": False,
            "available": True,
            "unavailable_because": None,
        }
        turned_on = window.put(STATE, headers={"X-CSRF-Token": csrf})
        assert turned_on.status_code == 200, turned_on.json
        assert turned_on.json["on"] is True
    with launch(app_config, "second-launch") as app:
        window = app.test_client()
        opened = window.get("/window?handoff=second-launch")
        assert opened.status_code == 302
        assert opened.headers["Location"] == "/"
        assert window.get("/api/v1/me").json["username"] == "alex"
        # Kept until the window closes: the next launch signs in again, or asks.
        session_cookie = next(
            c for c in opened.headers.getlist("Set-Cookie") if c.startswith("tallybook_session=")
        )
        assert "Max-Age" not in session_cookie and "Expires" not in session_cookie


def test_the_secret_is_a_private_file_and_the_database_keeps_only_its_hash(
    app_config, data_dir, alex_alone
):
    with launch(app_config, "h") as app:
        window, csrf = signed_in_window(app, "h")
        window.put(STATE, headers={"X-CSRF-Token": csrf})
        secret_file = data_dir / AUTOMATIC_SIGN_IN_FILENAME
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        secret = secret_file.read_text()
        with db(app).read() as conn:
            rows = conn.execute("SELECT user_id, secret_hash FROM automatic_sign_ins").fetchall()
        assert [tuple(row) for row in rows] == [
            (alex_alone.id, hashlib.sha256(secret.encode()).hexdigest())
        ]
        database_bytes = (data_dir / "tallybook.sqlite3").read_bytes()
        assert secret.encode() not in database_bytes


def test_never_offered_or_honoured_in_server_mode(app_config, alex_alone):
    turn_on_in_a_first_launch(app_config)
    with launch(app_config, None) as app:  # `serve` (any --host), or browser mode
        browser = app.test_client()
        assert browser.get("/window?handoff=h").status_code == 404
        assert not is_signed_in(browser)
        assert browser.get("/").headers["Location"].startswith("/login")
        assert_not_offered(browser, sign_in_with_password(browser), NOT_IN_SERVER_MODE)


def test_never_with_more_than_one_person(app_config, alex_alone, make_user):
    turn_on_in_a_first_launch(app_config)
    make_user("sam")
    with launch(app_config, "next") as app:
        window = app.test_client()
        window.get("/window?handoff=next")
        assert not is_signed_in(window)
        assert_not_offered(window, sign_in_with_password(window), ONE_PERSON_ONLY)


def test_never_from_a_browser_tab(app_config, alex_alone):
    turn_on_in_a_first_launch(app_config)
    with launch(app_config, "next") as app:
        tab = app.test_client()
        tab.get("/window?handoff=guessed")  # a wrong handoff does nothing
        assert not is_signed_in(tab)
        window = app.test_client()
        window.get("/window?handoff=next")
        assert is_signed_in(window)
        tab.get("/window?handoff=next")  # the handoff works once: the window used it
        assert not is_signed_in(tab)
        assert_not_offered(tab, sign_in_with_password(tab), ONLY_IN_THE_WINDOW)


def test_turning_it_off_removes_the_file_and_the_hash(app_config, data_dir, alex_alone):
    with launch(app_config, "h") as app:
        window, csrf = signed_in_window(app, "h")
        window.put(STATE, headers={"X-CSRF-Token": csrf})
        assert window.delete(STATE, headers={"X-CSRF-Token": csrf}).status_code == 204
        assert not (data_dir / AUTOMATIC_SIGN_IN_FILENAME).exists()
        assert window.get(STATE).json["on"] is False
    with launch(app_config, "next") as app:
        window = app.test_client()
        window.get("/window?handoff=next")
        assert not is_signed_in(window)


def test_a_new_password_revokes_it(app_config, data_dir, alex_alone):
    new_password = "a brand new passphrase 77"
    with launch(app_config, "h") as app:
        window, csrf = signed_in_window(app, "h")
        window.put(STATE, headers={"X-CSRF-Token": csrf})
        changed = window.post(
            "/api/v1/me/password",
            json={"current_password": PASSWORD, "new_password": new_password},
            headers={"X-CSRF-Token": csrf},
        )
        assert changed.status_code == 200, changed.json
        assert window.get(STATE).json["on"] is False
    with launch(app_config, "next") as app:
        window = app.test_client()
        window.get("/window?handoff=next")
        assert not is_signed_in(window)
        assert not (data_dir / AUTOMATIC_SIGN_IN_FILENAME).exists()  # the stale file is gone


def test_it_goes_with_its_user(database):
    with database.read() as conn:
        keys = conn.execute("PRAGMA foreign_key_list(automatic_sign_ins)").fetchall()
    assert [(key["table"], key["from"], key["on_delete"]) for key in keys] == [
        ("users", "user_id", "CASCADE")
    ]


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_tokens_cannot_reach_it(app_config, alex_alone, make_token, method):
    token = make_token(alex_alone, "write")
    with launch(app_config, "h") as app:
        response = getattr(app.test_client(), method)(
            STATE, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 403
