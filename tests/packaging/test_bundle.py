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

from tests.packaging.conftest import ROOT, Launched, program_env

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


def get_json(url: str) -> dict[str, Any]:
    """GET `url` and return its JSON body."""
    with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT) as response:
        assert response.status == 200
        return json.load(response)


def assert_healthy(origin: str) -> None:
    """Check /api/v1/health answers ok with the version from the bundled package metadata."""
    health = get_json(f"{origin}/api/v1/health")
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
    line = app.wait_for_line(BROWSER_LINE, timeout=START_TIMEOUT)
    match = re.fullmatch(re.escape(BROWSER_LINE) + r"(http://localhost:\d+)/", line)
    assert match, line
    assert_healthy(match[1])
    assert_first_run_works(match[1])
    app.process.send_signal(signal.SIGINT)
    assert app.wait(timeout=EXIT_TIMEOUT) == 0


def test_bundle_holds_what_the_app_reads_and_no_more_qt_than_needed(bundle: Path) -> None:
    """The data files and metadata are bundled; QML and foreign locales were trimmed away."""
    internal = bundle.parent / "_internal"
    for name in (
        "ui/templates/base.html",
        "ui/static/img/tallybook.png",
        "server/auth/common-passwords.txt.gz",
        "server/auth/COMMON-PASSWORDS-LICENSE.txt",
    ):
        assert (internal / name).is_file(), name
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
