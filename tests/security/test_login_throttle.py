"""Wrong passwords are counted in the database before the password is checked, per attempted
name, per known device and per client address, with a growing back-off."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from server import create_app
from server.auth.sign_in_failures import Guesser, LoginPolicy, budgets, count_guess
from server.auth.users import create_user
from server.clock import to_iso, utcnow
from server.config import DEFAULTS
from server.desktop.serving import start_server
from server.domain.books import create_personal_book
from tests.clock import Clock
from tests.conftest import PASSWORD, db

PARALLEL = 40
CLIENT_FREE_ATTEMPTS = 20  # wrong passwords one client address may try, over all names


def attempt(client, password):
    return client.post("/api/v1/session", json={"username": "alex", "password": password})


def let_the_wait_pass(database):
    with database.write() as db:
        db.execute(
            "UPDATE sign_in_failures SET locked_until = ?",
            [to_iso(utcnow() - timedelta(seconds=1))],
        )


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
    let_the_wait_pass(database)
    assert attempt(client, PASSWORD).status_code == 200
    with database.read() as conn:
        rows = conn.execute("SELECT key, failures, locked_until FROM sign_in_failures").fetchall()
    assert [tuple(row) for row in rows] == [("client:127.0.0.1", 5, None)]


def test_each_further_failure_waits_longer(client, make_user, database):
    make_user("alex")
    for _ in range(4):
        attempt(client, "wrong password")
    retry_afters = []
    for _ in range(3):
        attempt(client, "wrong password")  # a failure that (re)starts the lock
        retry_afters.append(int(attempt(client, PASSWORD).headers["Retry-After"]))
        let_the_wait_pass(database)
    assert retry_afters[0] <= 31 < retry_afters[1] <= 61 < retry_afters[2] <= 121


# ---- counted before the hash, names alike, per client, devices, the password change ------


def attempt_as(client, username, password, address="127.0.0.1"):
    return client.post(
        "/api/v1/session",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def known_device(app):
    """A client that signed in to alex's account and signed out again."""
    device = app.test_client()
    signed_in = attempt_as(device, "alex", PASSWORD)
    assert signed_in.status_code == 200
    headers = {"X-CSRF-Token": signed_in.json["csrf_token"]}
    assert device.delete("/api/v1/session", headers=headers).status_code == 204
    return device


def test_parallel_wrong_passwords_check_no_more_than_the_free_attempts(app_config):
    # The product's own bcrypt cost: every request reaches the lock before the first hash ends.
    application = create_app(app_config)
    create_user(
        db(application),
        "alex",
        PASSWORD,
        now=utcnow(),
        rounds=DEFAULTS["BCRYPT_ROUNDS"],
        personal_book=create_personal_book,
    )
    running = start_server(application, threads=PARALLEL)
    running.wait_until_ready()
    all_sent = threading.Barrier(PARALLEL)

    def wrong_password(_: int) -> int:
        all_sent.wait()
        body = json.dumps({"username": "alex", "password": "wrong password"}).encode()
        request = urllib.request.Request(
            running.url + "api/v1/session", body, {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        with ThreadPoolExecutor(PARALLEL) as pool:
            statuses = list(pool.map(wrong_password, range(PARALLEL)))
    finally:
        running.close()
    # Every 401 is one password checked; the others were refused before their hash.
    assert statuses.count(401) == LoginPolicy().free_attempts
    assert statuses.count(429) == PARALLEL - LoginPolicy().free_attempts


def test_unknown_names_are_answered_like_known_ones(client, make_user, monkeypatch):
    clock = Clock()
    monkeypatch.setattr("server.api.session.utcnow", clock.utcnow)
    make_user("alex")

    def answers(username):
        seen = []
        for _ in range(LoginPolicy().free_attempts + 2):
            answer = attempt_as(client, username, "wrong password")
            seen.append((answer.status_code, answer.json, answer.headers.get("Retry-After")))
        return seen

    known, unknown = answers("alex"), answers("nobody")
    assert [status for status, _, _ in known][-2:] == [429, 429]
    assert unknown == known


def test_one_client_cannot_spray_a_password_over_many_names(client, make_user):
    make_user("alex")
    spray = [
        attempt_as(client, f"name{n}", "Summer2026!", address="10.0.0.7").status_code
        for n in range(CLIENT_FREE_ATTEMPTS)
    ]
    assert spray == [401] * CLIENT_FREE_ATTEMPTS
    refused = attempt_as(client, "alex", PASSWORD, address="10.0.0.7")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert attempt_as(client, "alex", PASSWORD, address="10.0.0.8").status_code == 200


def test_an_attacker_cannot_lock_the_owner_out_of_a_device_they_signed_in_from(app, make_user):
    make_user("alex")
    owner, attacker = known_device(app), app.test_client()
    for _ in range(LoginPolicy().free_attempts + 3):
        attempt_as(attacker, "alex", "wrong password", address="10.0.0.9")
    assert attempt_as(attacker, "alex", PASSWORD, address="10.0.0.9").status_code == 429
    assert attempt_as(app.test_client(), "alex", PASSWORD).status_code == 429  # a new device
    assert attempt_as(owner, "alex", PASSWORD).status_code == 200


def test_a_known_device_has_its_own_budget_of_wrong_passwords(app, make_user):
    make_user("alex")
    device = known_device(app)
    for _ in range(LoginPolicy().free_attempts):
        assert attempt_as(device, "alex", "wrong password").status_code == 401
    assert attempt_as(device, "alex", PASSWORD).status_code == 429
    assert attempt_as(app.test_client(), "alex", PASSWORD).status_code == 200  # others unaffected


def test_the_current_password_of_a_password_change_is_throttled(alex):
    change = {"current_password": "wrong password", "new_password": "a much better passphrase"}
    for _ in range(LoginPolicy().free_attempts):
        assert alex.post("/api/v1/me/password", json=change).status_code == 422
    refused = alex.post("/api/v1/me/password", json={**change, "current_password": PASSWORD})
    assert refused.status_code == 429
    assert refused.content_type == "application/problem+json"
    assert int(refused.headers["Retry-After"]) >= 1


def test_the_budgets_kept_are_bounded(database):
    # Every attempted name adds a budget: the longest unused go first.
    policy = LoginPolicy(tracked_max=3)
    start = utcnow()
    for n in range(6):
        keys = budgets(f"name{n}", Guesser(client="10.0.0.7"))
        count_guess(database, keys, now=start + timedelta(seconds=n), policy=policy)
    with database.read() as conn:
        kept = {row[0] for row in conn.execute("SELECT key FROM sign_in_failures")}
    assert kept == {"client:10.0.0.7", "name:name5", "name:name4"}


def test_budgets_are_kept_per_name_however_it_is_typed(client, make_user):
    make_user("alex")
    full_width = "\uff41\uff4c\uff45\uff58"
    for typed in ["alex", "ALEX", " Alex ", full_width]:
        attempt_as(client, typed, "wrong password")
    assert attempt_as(client, "aLeX", "wrong password").status_code == 401
    assert attempt_as(client, "alex", PASSWORD).status_code == 429
