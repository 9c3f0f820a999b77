"""Server-side sessions: idle and absolute timeouts, hashed ids, CSRF tokens bound to them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.auth.sessions import csrf_token, find_session, start_session, touch_session
from server.clock import utcnow

IDLE, ABSOLUTE = 3600, 24 * 3600


@pytest.fixture
def session(database, make_user):
    user = make_user("alex")
    start = utcnow()
    with database.write() as db:
        raw = start_session(db, user.id, start, ABSOLUTE)
    return raw, start


def test_live_session_is_found(database, session):
    raw, start = session
    with database.read() as conn:
        assert find_session(conn, raw, start + timedelta(minutes=59), IDLE) is not None


def test_idle_session_expires(database, session):
    raw, start = session
    with database.read() as conn:
        assert find_session(conn, raw, start + timedelta(seconds=IDLE), IDLE) is None


def test_activity_keeps_it_alive_until_the_absolute_limit(database, session):
    raw, start = session
    now = start
    while now < start + timedelta(seconds=ABSOLUTE - IDLE):
        now += timedelta(seconds=IDLE - 60)
        with database.read() as conn:
            found = find_session(conn, raw, now, IDLE)
        assert found is not None
        touch_session(database, found, now)
    with database.read() as conn:
        assert find_session(conn, raw, start + timedelta(seconds=ABSOLUTE), IDLE) is None


def test_unknown_id_is_none(database, session):
    with database.read() as conn:
        assert find_session(conn, "not-a-session", utcnow(), IDLE) is None


def test_csrf_token_depends_on_key_and_session():
    assert csrf_token(b"k" * 32, "a") == csrf_token(b"k" * 32, "a")
    assert csrf_token(b"k" * 32, "a") != csrf_token(b"k" * 32, "b")
    assert csrf_token(b"k" * 32, "a") != csrf_token(b"j" * 32, "a")


def test_idle_timeout_applies_over_http(app, alex, database):
    with database.write() as db:
        db.execute("UPDATE sessions SET last_seen_at = '2000-01-01T00:00:00Z'")
    assert alex.get("/api/v1/me").status_code == 401


def test_absolute_timeout_applies_over_http(app, alex, database):
    with database.write() as db:
        db.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'")
    assert alex.get("/api/v1/me").status_code == 401
