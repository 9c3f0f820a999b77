"""Wrong passwords are counted per account in the database, with a growing back-off."""

from __future__ import annotations

from datetime import timedelta

from server import create_app
from server.auth.users import LoginPolicy
from server.clock import to_iso, utcnow
from tests.conftest import PASSWORD, db


def attempt(client, password):
    return client.post("/api/v1/session", json={"username": "alex", "password": password})


def test_back_off_grows_and_is_capped():
    policy = LoginPolicy(free_attempts=5, backoff_base=30, backoff_max=3600)
    waits = [policy.lockout_seconds(n) for n in range(1, 16)]
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:8] == [30, 60, 120, 240]
    assert max(waits) == 3600
    assert waits == sorted(waits)


def test_locked_after_too_many_wrong_passwords(client, make_user):
    make_user("alex")
    for _ in range(5):
        assert attempt(client, "wrong password").status_code == 401
    locked = attempt(client, PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    assert locked.content_type == "application/problem+json"
    assert 1 <= int(locked.headers["Retry-After"]) <= 31


def test_lock_is_per_account(client, make_user):
    make_user("alex")
    make_user("bob")
    for _ in range(5):
        attempt(client, "wrong password")
    bob = client.post("/api/v1/session", json={"username": "bob", "password": PASSWORD})
    assert bob.status_code == 200


def test_lock_survives_a_restart(app_config, make_user, client):
    make_user("alex")
    for _ in range(5):
        attempt(client, "wrong password")
    restarted = create_app(app_config)
    assert attempt(restarted.test_client(), PASSWORD).status_code == 429
    db(restarted).close()


def test_success_after_the_wait_resets_the_count(client, make_user, database):
    make_user("alex")
    for _ in range(5):
        attempt(client, "wrong password")
    with database.write() as db:  # let the wait pass
        db.execute("UPDATE users SET locked_until = ?", [to_iso(utcnow() - timedelta(seconds=1))])
    assert attempt(client, PASSWORD).status_code == 200
    with database.read() as conn:
        row = conn.execute("SELECT failed_logins, locked_until FROM users").fetchone()
    assert (row[0], row[1]) == (0, None)


def test_each_further_failure_waits_longer(client, make_user, database):
    make_user("alex")
    for _ in range(4):
        attempt(client, "wrong password")
    retry_afters = []
    for _ in range(3):
        attempt(client, "wrong password")  # a failure that (re)starts the lock
        retry_afters.append(int(attempt(client, PASSWORD).headers["Retry-After"]))
        with database.write() as db:  # let the wait pass
            db.execute(
                "UPDATE users SET locked_until = ?", [to_iso(utcnow() - timedelta(seconds=1))]
            )
    assert retry_afters[0] <= 31 < retry_afters[1] <= 61 < retry_afters[2] <= 121
