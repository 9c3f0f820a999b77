"""`tallybook serve` over HTTPS: the real server in a subprocess, reached with `ssl`."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from server import create_app
from server.cli import cli
from server.clock import utcnow
from server.config import DATA_DIR_ENV
from server.desktop.serving import start_server
from server.desktop.tls import (
    CERT_FILENAME,
    KEY_FILENAME,
    TLS_FOLDER,
    certificate_names,
    ensure_self_signed,
)
from tests.conftest import PASSWORD, db, user_in
from tests.tls_client import (
    READY_LINE,
    connect,
    peer_certificate,
    read_banner,
    sha256_colons,
    unverified,
)
from tests.unit.test_tls import write_rsa_pair


@dataclass
class Served:
    """A `tallybook serve` process and what it printed on starting."""

    process: subprocess.Popen[str]
    url: str
    port: int
    fingerprint: str


@pytest.fixture
def serve(data_dir: Path) -> Iterator:
    """Start `python -m server serve ARGS` and wait for it to be ready: `serve(*args)`.
    Every process started is stopped with Ctrl+C afterwards, and must exit 0."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> Served:
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, DATA_DIR_ENV: str(data_dir)},
        )
        started.append(process)
        lines = []
        while not lines or lines[-1] != READY_LINE:
            line = process.stdout.readline()
            assert line, f"serve ended early: {process.stderr.read()}"
            lines.append(line.rstrip("\n"))
        return Served(process, *read_banner("\n".join(lines)))

    yield start
    for process in started:
        stopped_here = process.poll() is None  # not by the test, nor by failing to start
        try:
            if stopped_here:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=15)
        finally:
            process.kill()
            _, errors = process.communicate()
        assert not stopped_here or process.returncode == 0, errors


def stop(served: Served) -> None:
    """Stop a server before the test ends (the fixture then finds it stopped)."""
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=15) == 0


def add_user(data_dir: Path) -> None:
    app = create_app({"DATA_DIR": str(data_dir), "AUTOMATIC_BACKUPS": False})
    database = db(app)
    user_in(database)
    database.close()


def test_self_signed_https_end_to_end(serve, data_dir):
    add_user(data_dir)
    served = serve("--tls", "self-signed")
    assert served.url.startswith("https://127.0.0.1:")

    # The certificate served is the one whose fingerprint was printed ...
    assert sha256_colons(peer_certificate(served.port, unverified())) == served.fingerprint
    # ... and it verifies as a certificate for localhost and 127.0.0.1, once trusted.
    cert_file = str(data_dir / TLS_FOLDER / CERT_FILENAME)
    trusting = ssl.create_default_context(cafile=cert_file)
    for name in ("localhost", "127.0.0.1"):
        assert sha256_colons(peer_certificate(served.port, trusting, name)) == served.fingerprint

    health = requests.get(served.url + "api/v1/health", verify=cert_file, timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.headers["Strict-Transport-Security"] == "max-age=31536000"

    browser = requests.Session()  # verify= on each call: REQUESTS_CA_BUNDLE beats Session.verify
    login = browser.post(
        served.url + "api/v1/session",
        json={"username": "alex", "password": PASSWORD},
        verify=cert_file,
        timeout=5,
    )
    assert login.status_code == 200, login.text
    cookie = login.headers["Set-Cookie"]
    assert cookie.startswith("__Host-tallybook_session=")
    assert "; Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "Domain=" not in cookie  # a __Host- cookie may not name a domain
    assert (
        browser.get(served.url + "api/v1/me", verify=cert_file, timeout=5).json()["username"]
        == "alex"
    )

    # Plain HTTP on the HTTPS port never reaches the app: cheroot tries to answer 400 and
    # closes the connection, which usually arrives as a reset before the answer.
    try:
        plain = requests.get(served.url.replace("https:", "http:") + "api/v1/health", timeout=5)
    except requests.ConnectionError:
        pass
    else:
        assert plain.status_code == 400 and "only speaks HTTPS" in plain.text


def test_a_second_start_reuses_the_certificate(serve, data_dir):
    first = serve("--tls", "self-signed", "--allowed-host", "tallybook.test")
    stop(first)
    key_mode = (data_dir / TLS_FOLDER / KEY_FILENAME).stat().st_mode & 0o777
    second = serve("--tls", "self-signed", "--allowed-host", "tallybook.test")
    assert second.fingerprint == first.fingerprint
    assert key_mode == 0o600


def test_allowed_host_names_under_tls_on_every_address(serve, data_dir):
    # With TLS, listening beyond loopback needs no --insecure-http.
    everywhere = "0.0.0.0"  # noqa: S104 - the point of the test
    served = serve("--tls", "self-signed", "--host", everywhere, "--allowed-host", "tallybook.test")
    cert_file = str(data_dir / TLS_FOLDER / CERT_FILENAME)
    # The certificate names the allowed host, so a client that trusts it verifies that name.
    trusting = ssl.create_default_context(cafile=cert_file)
    der = peer_certificate(served.port, trusting, "tallybook.test")
    assert sha256_colons(der) == served.fingerprint

    def health(host: str) -> int:
        request = f"GET /api/v1/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        with connect(served.port, trusting, "tallybook.test") as tls:
            tls.sendall(request.encode())
            answer = b""
            while chunk := tls.recv(65536):
                answer += chunk
        return int(answer.split(b" ", 2)[1])

    assert health(f"tallybook.test:{served.port}") == 200
    assert health(f"localhost:{served.port}") == 200
    assert health(f"evil.example:{served.port}") == 400  # DNS rebinding stays refused


def test_the_users_own_certificate(serve, data_dir, tmp_path):
    cert, key = write_rsa_pair(tmp_path, ["localhost", "127.0.0.1"])
    served = serve("--tls-cert", str(cert), "--tls-key", str(key))
    assert sha256_colons(peer_certificate(served.port, unverified())) == served.fingerprint
    health = requests.get(served.url + "api/v1/health", verify=str(cert), timeout=5)
    assert health.status_code == 200
    assert "Strict-Transport-Security" in health.headers
    assert not (data_dir / TLS_FOLDER).exists()  # nothing self-signed was made


@pytest.fixture
def run(data_dir, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))

    def invoke(*args):
        return CliRunner().invoke(cli, ["serve", "--port", "0", *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def pair(tmp_path):
    return write_rsa_pair(tmp_path, ["localhost"])


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--tls-cert", "{cert}"], 2, "--tls-cert and --tls-key go together"),
        (["--tls-key", "{key}"], 2, "--tls-cert and --tls-key go together"),
        (
            ["--tls", "self-signed", "--tls-cert", "{cert}", "--tls-key", "{key}"],
            2,
            "either --tls self-signed or --tls-cert",
        ),
        (["--tls", "self-signed", "--insecure-http"], 2, "cannot go with TLS"),
        (["--tls-cert", "{cert}", "--tls-key", "{key}", "--insecure-http"], 2, "cannot go with"),
        (["--tls", "mine"], 2, "'mine' is not 'self-signed'"),
        (["--tls-cert", "{missing}", "--tls-key", "{key}"], 1, "Cannot read the certificate"),
        (["--tls-cert", "{cert}", "--tls-key", "{missing}"], 1, "Cannot read the key file"),
        (["--tls-cert", "{key}", "--tls-key", "{key}"], 1, "holds no PEM certificate"),
        (["--tls-cert", "{cert}", "--tls-key", "{cert}"], 1, "holds no PEM private key"),
        (["--tls-cert", "{cert}", "--tls-key", "{other_key}"], 1, "does not belong"),
    ],
)
def test_bad_tls_input_exits_with_a_clear_message(run, pair, tmp_path, args, code, message):
    cert, key = pair
    other = tmp_path / "other"
    other.mkdir()
    _, other_key = write_rsa_pair(other, ["localhost"])
    paths = {"cert": cert, "key": key, "other_key": other_key, "missing": tmp_path / "nope.pem"}
    result = run(*(a.format(**paths) for a in args))
    assert result.exit_code == code, result.output
    assert message in result.stderr


def test_start_server_over_https_closes_everything(app_config, data_dir):
    """The abstraction under the command: `close()` ends the HTTPS server's threads, the
    app's background workers and the database, as it does for plain HTTP."""
    names = certificate_names("127.0.0.1", [])
    certificate = ensure_self_signed(data_dir / TLS_FOLDER, names, utcnow())
    before = set(threading.enumerate())
    app = create_app({**app_config, "AUTOMATIC_BACKUPS": True, "AUTOMATIC_BACKUPS_DELAY": 3600})
    running = start_server(app, certificate=certificate)
    assert {"tallybook.backups", "tallybook.auto_entry"} <= set(app.extensions)
    assert app.config["TLS"] is True
    assert running.url == f"https://127.0.0.1:{running.port}/"
    running.wait_until_ready()  # pins the fingerprint: no CA is needed

    running.close()
    assert [t.name for t in threading.enumerate() if t not in before] == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", running.port), timeout=2)
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        db(app).checkpoint()
