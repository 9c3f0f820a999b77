"""DNS rebinding and cross-site requests: Host allow-list, Origin and Sec-Fetch-Site checks."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import PASSWORD, db


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:80",
        "127.0.0.1.nip.io",
        "localhost:81",
        "127.0.0.2",
        "",
        "[::2]",
    ],
)
@pytest.mark.parametrize(
    "path", ["/api/v1/health", "/login", "/static/css/app.css", "/manifest.webmanifest"]
)
def test_foreign_host_is_refused_before_any_route(client, host, path):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    assert response.json["code"] == "host_not_allowed"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "LOCALHOST", "localhost."])
def test_loopback_names_are_allowed(client, host):
    assert client.get("/api/v1/health", headers={"Host": host}).status_code == 200


def test_configured_names_are_allowed(app_config):
    from server import create_app

    app = create_app({**app_config, "ALLOWED_HOSTS": ["tally.home.arpa"]})
    client = app.test_client()
    assert client.get("/api/v1/health", headers={"Host": "tally.home.arpa"}).status_code == 200
    assert client.get("/api/v1/health", headers={"Host": "other.home.arpa"}).status_code == 400
    db(app).close()


def test_live_server_checks_the_port_too(live_server):
    port = live_server.port
    ok = requests.get(f"{live_server.url}api/v1/health", timeout=5)
    assert ok.status_code == 200
    for host in (f"127.0.0.1:{port + 1}", f"localhost:{port + 1}", "127.0.0.1"):
        wrong = requests.get(f"{live_server.url}api/v1/health", headers={"Host": host}, timeout=5)
        assert wrong.status_code == 400, host
        assert wrong.headers["Content-Type"] == "application/problem+json"


def test_rebound_host_and_origin_together_are_refused(live_server):
    # A page on evil.example rebinds its name to 127.0.0.1: Host and Origin are both its own.
    response = requests.post(
        f"{live_server.url}api/v1/session",
        json={"username": "alex", "password": PASSWORD},
        headers={
            "Host": f"evil.example:{live_server.port}",
            "Origin": f"http://evil.example:{live_server.port}",
        },
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "host_not_allowed"


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "http://localhost:1234", "https://localhost"]
)
def test_foreign_origin_cannot_write_even_with_the_csrf_token(alex, origin):
    response = alex.post("/api/v1/books", json={"name": "x"}, headers={"Origin": origin})
    assert response.status_code == 403


def test_own_origin_can_write(alex):
    response = alex.post(
        "/api/v1/books", json={"name": "x"}, headers={"Origin": "http://localhost"}
    )
    assert response.status_code == 201


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_cross_site_fetch_metadata_is_refused(alex, site):
    response = alex.post("/api/v1/books", json={"name": "x"}, headers={"Sec-Fetch-Site": site})
    assert response.status_code == 403


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_same_origin_fetch_metadata_is_fine(alex, site):
    response = alex.post("/api/v1/books", json={"name": "x"}, headers={"Sec-Fetch-Site": site})
    assert response.status_code == 201


def test_cross_origin_sign_in_is_refused(client, make_user):
    make_user("alex")
    response = client.post(
        "/api/v1/session",
        json={"username": "alex", "password": PASSWORD},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403
    assert client.get_cookie("tallybook_session") is None


def test_no_cors_headers_even_for_a_preflight(client):
    response = client.options(
        "/api/v1/books",
        headers={
            "Origin": "http://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-csrf-token",
        },
    )
    assert not [h for h, _ in response.headers if h.lower().startswith("access-control-")]
    response = client.get("/api/v1/health", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


# Apps get their OAuth answers at http://127.0.0.1:<port>/ or [::1] (RFC 8252), and browsers
# send a host's cookies to every port of it: the pages, and so the session cookie, live on
# `localhost` only.


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]"])
@pytest.mark.parametrize(
    "path", ["/", "/settings", "/login?next=/settings", "/oauth/authorize?x=1"]
)
def test_pages_on_a_loopback_ip_literal_move_to_localhost(client, host, path):
    response = client.get(path, base_url=f"http://{host}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"http://localhost{path}"


def test_the_api_stays_on_the_ip_literal(client, make_user, make_token):
    token = make_token(make_user("alex"))
    response = client.get(
        "/api/v1/me", base_url="http://127.0.0.1", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200


def test_a_session_cookie_left_on_an_ip_literal_is_ended(app, make_user):
    make_user("alex")
    old = app.test_client()
    signed = old.post(
        "/api/v1/session",
        json={"username": "alex", "password": PASSWORD},
        base_url="http://127.0.0.1",
    )
    assert signed.status_code == 200
    page = old.get("/settings", base_url="http://127.0.0.1")
    assert page.status_code == 302
    assert "tallybook_session=;" in page.headers["Set-Cookie"]
    assert old.get("/api/v1/me", base_url="http://127.0.0.1").status_code == 401
