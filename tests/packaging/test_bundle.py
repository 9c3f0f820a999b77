"""The PyInstaller bundle: built once, then started from outside the repository.

The window test is the proof that the Qt trimming in packaging.spec left Qt WebEngine whole:
the page must load in a real (virtual) X display.
"""

from __future__ import annotations

import json
import re
import signal
import sys
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from server.cli import cli
from tests.packaging.conftest import ROOT, Launched, program_env, run_program

pytestmark = [
    pytest.mark.packaging,
    # Process groups, SIGINT and Xvfb; the bundle for Windows and macOS is built there.
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only"),
]

WINDOW_LINE = "TALLYBOOK_WINDOW "
BROWSER_LINE = "Tallybook is running at "
START_TIMEOUT = 90  # a cold start on a loaded 2-core machine takes a few seconds
EXIT_TIMEOUT = 30
HTTP_TIMEOUT = 10


def project_version() -> str:
    """Return the version pyproject.toml declares."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def get_json(
    url: str, opener: urllib.request.OpenerDirector | None = None, **headers: str
) -> dict[str, Any]:
    """GET `url` (through `opener`, for its cookies or TLS context) and return its JSON body."""
    request = urllib.request.Request(url, headers=headers)
    with (opener or urllib.request.build_opener()).open(request, timeout=HTTP_TIMEOUT) as response:
        assert response.status == 200
        return json.load(response)


def assert_healthy(origin: str, opener: urllib.request.OpenerDirector | None = None) -> None:
    """Check /api/v1/health answers ok with the version from the bundled package metadata."""
    health = get_json(f"{origin}/api/v1/health", opener)
    assert health["status"] == "ok"
    # 0.0.0+source would mean the tallybook metadata was not bundled.
    assert health["version"] == project_version()


def post_json(opener: urllib.request.OpenerDirector, url: str, body: dict, **headers: str) -> Any:
    """POST a JSON body; return (status, parsed body), also for error statuses."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with opener.open(request, timeout=HTTP_TIMEOUT) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def assert_first_run_works(origin: str) -> None:
    """Set up the first user and create a book: bcrypt, SQLite and Babel's data are bundled."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    status, signed_in = post_json(
        opener, f"{origin}/api/v1/setup", {"username": "alex", "password": "bundle smoke test"}
    )
    assert status == 201, signed_in
    csrf = {"X-CSRF-Token": signed_in["csrf_token"]}
    status, book = post_json(
        opener, f"{origin}/api/v1/books", {"name": "Household", "currency": "EUR"}, **csrf
    )
    assert (status, book["currency"]) == (201, "EUR")
    status, problem = post_json(
        opener, f"{origin}/api/v1/books", {"name": "Bad", "currency": "XYZ"}, **csrf
    )
    assert status == 422 and problem["errors"][0]["field"] == "currency"


def browser_origin(app: Launched) -> str:
    """Wait for the program in browser mode to print its address; return e.g. http://localhost:N."""
    line = app.wait_for_line(BROWSER_LINE, timeout=START_TIMEOUT)
    match = re.fullmatch(re.escape(BROWSER_LINE) + r"(http://localhost:\d+)/", line)
    assert match, line
    return match[1]


def test_window_loads_the_page(
    bundle: Path, x_display: str, launch: Callable[..., Launched], tmp_path: Path
) -> None:
    """The built program opens its window on the setup page and serves the API meanwhile."""
    app = launch(
        bundle,
        "--data-dir",
        str(tmp_path / "data"),
        "--smoke-test",
        "3",
        env=program_env(DISPLAY=x_display, QTWEBENGINE_DISABLE_SANDBOX="1"),
    )
    line = app.wait_for_line(WINDOW_LINE, timeout=START_TIMEOUT)
    event = json.loads(line.removeprefix(WINDOW_LINE))
    assert event["event"] == "loaded"
    assert "Tallybook" in event["title"]
    url = urlsplit(event["url"])
    assert url.scheme == "http"
    assert url.hostname == "localhost"  # the pages' name (the socket is on 127.0.0.1)
    assert_healthy(f"{url.scheme}://{url.netloc}")  # the window stays open 3 s after loading
    assert app.wait(timeout=EXIT_TIMEOUT) == 0
    assert any((tmp_path / "data").iterdir()), "nothing was written to the data folder"


def test_browser_mode_serves_until_interrupted(
    bundle: Path, launch: Callable[..., Launched], tmp_path: Path
) -> None:
    """With --browser and no display, it prints its address, serves, and stops on Ctrl+C."""
    app = launch(bundle, "--data-dir", str(tmp_path / "data"), "--browser", env=program_env())
    origin = browser_origin(app)
    assert_healthy(origin)
    assert_first_run_works(origin)
    app.process.send_signal(signal.SIGINT)
    assert app.wait(timeout=EXIT_TIMEOUT) == 0


def test_help_lists_the_commands_each_with_its_own_help(bundle: Path, tmp_path: Path) -> None:
    """`--help` ends with the command line's commands; a command's help names `tallybook`."""
    shown = run_program(bundle, "--help", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("usage: tallybook ")
    for name in cli.commands:
        assert f"\n  {name} " in shown.stdout, name
    assert "`tallybook COMMAND --help`" in shown.stdout
    serve = run_program(bundle, "serve", "--help", cwd=tmp_path)
    assert serve.returncode == 0, serve.stderr
    assert serve.stdout.startswith("Usage: tallybook serve [OPTIONS]")
    assert "--tls [self-signed]" in serve.stdout
    unknown = run_program(bundle, "no-such-command", cwd=tmp_path)
    assert unknown.returncode == 2  # the command line's "wrong usage"
    assert "No such command 'no-such-command'" in unknown.stderr


def test_a_token_from_the_command_line_opens_the_api(
    bundle: Path, launch: Callable[..., Launched], tmp_path: Path
) -> None:
    """`user create` and `token create` print what the README says; the token reads the API of
    the program started next, and a command refuses the data folder while it runs (exit 3)."""
    data = ("--data-dir", str(tmp_path / "data"))
    user = ("user", "create", "--username", "alex", "--password-stdin", "--admin", *data)
    created = run_program(bundle, *user, cwd=tmp_path, stdin="bundle smoke test\n")
    assert (created.returncode, created.stdout) == (0, "Created administrator alex (id 1).\n")
    taken = run_program(bundle, *user, cwd=tmp_path, stdin="bundle smoke test\n")
    assert taken.returncode == 1 and "This username is taken." in taken.stderr
    token = ("token", "create", "--username", "alex", "--scope", "read", "--name", "script")
    made = run_program(bundle, *token, *data, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.removesuffix("\n")
    assert re.fullmatch(r"tb_pat_[\w-]{43}", secret), made.stdout  # the token and nothing else

    app = launch(bundle, *data, "--browser", "--port", "0", env=program_env())
    origin = browser_origin(app)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert get_json(f"{origin}/api/v1/me", **bearer)["username"] == "alex"
    books = get_json(f"{origin}/api/v1/books", **bearer)["items"]
    assert [book["name"] for book in books] == ["alex's book"], books  # the personal one
    opener = urllib.request.build_opener()
    status, problem = post_json(
        opener, f"{origin}/api/v1/books", {"name": "No", "currency": "EUR"}, **bearer
    )
    assert status == 403, problem  # a read token writes nothing
    busy = run_program(bundle, "backup", *data, cwd=tmp_path)
    assert busy.returncode == 3, busy.stderr
    app.process.send_signal(signal.SIGINT)
    assert app.wait(timeout=EXIT_TIMEOUT) == 0


def test_bundle_holds_what_the_app_reads_and_no_more_qt_than_needed(bundle: Path) -> None:
    """The data files and metadata are bundled; QML, foreign locales and the tests' axe-core
    were left out."""
    internal = bundle.parent / "_internal"
    for name in (
        "ui/templates/base.html",
        "ui/static/img/tallybook.png",
        "ui/static/vendor/bootstrap/bootstrap.min.css",
        "server/auth/common-passwords.txt.gz",
        "server/auth/COMMON-PASSWORDS-LICENSE.txt",
    ):
        assert (internal / name).is_file(), name
    assert not (internal / "ui/static/vendor/axe-core").exists()
    qt = internal / "PyQt6" / "Qt6"
    assert not (qt / "qml").exists()
    locales = sorted(path.name for path in (qt / "translations" / "qtwebengine_locales").iterdir())
    assert locales == ["en-US.pak"]
    assert not list(internal.rglob("libQt6Quick3D*")), "Quick 3D came back"
    assert (internal / "babel" / "global.dat").is_file()
    assert sorted(p.name for p in (internal / "babel" / "locale-data").iterdir()) == [
        "en.dat",
        "root.dat",
    ]
