"""The real pywebview window (Qt WebEngine) under Xvfb.

Qt allows one `webview.start()` per process, so each window test runs in a fresh `spawn`
process and sends what it saw back through a queue; the parent asserts. The page is driven
with `window.run_js`: `evaluate_js` wraps code in eval, which our CSP forbids.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from server.config import DATA_DIR_ENV, DATABASE_FILENAME
from tests.conftest import PASSWORD, TEST_ROUNDS, db

pytestmark = pytest.mark.desktop

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "main.py"
CHILD_SECONDS = 120  # a whole window test, start to finish
STEP_SECONDS = 30  # one wait inside it
USERNAME = "alex"
EXIT_IN_USE = 3


# ---- the child process ----------------------------------------------------------------------


def _wait_for_js(window: Any, expression: str, what: str, timeout: float = STEP_SECONDS) -> Any:
    """Evaluate `expression` in the page until it is truthy; return its value."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = window.run_js(expression)
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what} (last value {value!r})")


SUBMIT_SIGN_IN = """
(function () {
  function set(selector, value) {
    var input = document.querySelector(selector);
    input.focus();
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }
  set("#username", %s);
  set("#password", %s);
  document.querySelector("#login-form [type=submit]").click();
  return "submitted";
})()
"""

BOOK_CARD = (
    "location.pathname === '/' && document.querySelector('[data-book] [data-field=\"name\"]')"
    " ? document.querySelector('[data-book] [data-field=\"name\"]').textContent : ''"
)


def _drive_sign_in(window: Any, password: str, seen: dict[str, Any]) -> None:
    """Run in pywebview's worker thread: read the sign-in page, sign in, reach the books."""
    try:
        if not window.events.loaded.wait(STEP_SECONDS):
            raise TimeoutError("the window never reported `loaded`")
        _wait_for_js(
            window,
            "document.readyState === 'complete' && document.querySelector('#login-form') !== null",
            "the sign-in form",
        )
        seen["title"] = window.run_js("document.title")
        seen["url"] = window.run_js("location.href")
        seen["current_url"] = window.get_current_url()
        seen["submit"] = window.run_js(
            SUBMIT_SIGN_IN % (json.dumps(USERNAME), json.dumps(password))
        )
        seen["card"] = _wait_for_js(window, BOOK_CARD, "the home page's book card")
        seen["home_title"] = window.run_js("document.title")
        seen["home_url"] = window.run_js("location.href")
        seen["theme"] = window.run_js("document.documentElement.getAttribute('data-bs-theme')")
    except BaseException:
        seen["error"] = traceback.format_exc()
    finally:
        window.destroy()


def sign_in_in_window(
    display: str, data_dir: str, password: str, output: str, results: Any
) -> None:
    """Child process: serve a fresh Tallybook, sign in through the real window, report.

    Its stdout and stderr go to `output`: Qt WebEngine prints the page's console there
    (`js: ...`), CSP violations included.
    """
    with open(output, "w") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
    os.environ["DISPLAY"] = display
    os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"  # Chromium's sandbox refuses root
    for name in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY"):
        os.environ.pop(name, None)
    seen: dict[str, Any] = {}
    server = None
    try:
        import webview

        from server import create_app
        from server.auth.users import create_user
        from server.clock import utcnow
        from server.desktop.launcher import pages_url
        from server.desktop.serving import start_server
        from server.domain.books import create_personal_book

        app = create_app({"DATA_DIR": data_dir, "BCRYPT_ROUNDS": TEST_ROUNDS})
        server = start_server(app)
        server.wait_until_ready()
        create_user(
            db(app),
            USERNAME,
            password,
            now=utcnow(),
            rounds=TEST_ROUNDS,
            is_admin=True,
            personal_book=create_personal_book,
        )
        seen["server_url"] = pages_url(server.port)  # as main.py opens it
        # text_select=True as in main.py: without it pywebview injects a <style> our CSP refuses.
        window = webview.create_window(
            "Tallybook under test", seen["server_url"], width=1100, height=760, text_select=True
        )
        webview.start(
            _drive_sign_in,
            (window, password, seen),
            gui="qt",
            private_mode=True,
            storage_path=str(Path(data_dir) / "webview"),
        )
        seen["closed"] = True
    except BaseException:
        seen["error"] = seen.get("error") or traceback.format_exc()
    finally:
        if server is not None:
            server.close()
        results.put(seen)


# ---- the parent -------------------------------------------------------------------------------


def run_in_fresh_process(target: Any, *args: Any, timeout: float = CHILD_SECONDS) -> dict[str, Any]:
    """Run `target(*args, results_queue)` in a new spawn process; return what it put."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=target, args=(*args, results), name="tallybook-window")
    process.start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                outcome = results.get(timeout=0.5)
                break
            except queue.Empty:
                if not process.is_alive():
                    # It may have put its result just before ending.
                    try:
                        outcome = results.get(timeout=1)
                        break
                    except queue.Empty:
                        pytest.fail(f"the window process died (exit code {process.exitcode})")
                if time.monotonic() > deadline:
                    pytest.fail(f"the window process gave no result in {timeout}s")
        process.join(timeout=30)
        assert process.exitcode == 0, f"the window process ended with {process.exitcode}"
        return outcome
    finally:
        if process.is_alive():
            process.kill()
            process.join(timeout=10)
        process.close()
        results.close()
        results.join_thread()


def test_sign_in_through_the_real_window(xvfb_display, tmp_path):
    data_dir = tmp_path / "data"
    output = tmp_path / "window-output.txt"
    seen = run_in_fresh_process(
        sign_in_in_window, xvfb_display, str(data_dir), PASSWORD, str(output)
    )

    assert "error" not in seen, seen["error"]
    assert "Sign in" in seen["title"]
    assert seen["title"] == "Sign in · Tallybook"
    assert urlsplit(seen["url"]).path == "/login"
    assert seen["url"].startswith(seen["server_url"])
    assert seen["current_url"] == seen["url"]
    assert seen["submit"] == "submitted"
    assert seen["card"] == f"{USERNAME}'s book"
    assert seen["home_title"] == "Books · Tallybook"
    assert urlsplit(seen["home_url"]).path == "/"
    assert seen["theme"] in ("light", "dark")
    assert seen["closed"] is True
    assert_no_page_errors(output.read_text(errors="replace"))


def assert_no_page_errors(output: str) -> None:
    """Fail on a CSP violation or an uncaught error that Qt WebEngine printed (`js: ...`)."""
    problems = [
        line
        for line in output.splitlines()
        if line.startswith("js: ") and ("Content Security Policy" in line or "Uncaught" in line)
    ]
    assert not problems, "the page in the window logged:\n" + "\n".join(problems)


# ---- main.py, the desktop launcher ------------------------------------------------------------


def _launcher_env(display: str) -> dict[str, str]:
    """The environment of a person's session on `display`: main.py decides the rest."""
    env = dict(os.environ, DISPLAY=display)
    for name in (
        "QT_QPA_PLATFORM",
        "WAYLAND_DISPLAY",
        "QTWEBENGINE_DISABLE_SANDBOX",  # main.py sets it itself when run as root
        DATA_DIR_ENV,
    ):
        env.pop(name, None)
    return env


def _window_line(stdout: str) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.startswith("TALLYBOOK_WINDOW ")]
    assert len(lines) == 1, stdout
    return json.loads(lines[0].removeprefix("TALLYBOOK_WINDOW "))


def smoke_launch(display: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run main.py's smoke test (the window, closed a second after its first page) to its end."""
    done = subprocess.run(
        [sys.executable, str(MAIN), "--data-dir", str(data_dir), "--smoke-test", "1"],
        cwd=ROOT,
        env=_launcher_env(display),
        capture_output=True,
        text=True,
        timeout=CHILD_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_main_smoke_test_opens_the_window_on_setup(xvfb_display, tmp_path):
    data_dir = tmp_path / "data"
    done = smoke_launch(xvfb_display, data_dir)
    line = _window_line(done.stdout)
    assert line["event"] == "loaded"
    assert line["title"] == "Welcome · Tallybook"
    assert urlsplit(line["url"]).path == "/setup"
    assert urlsplit(line["url"]).hostname == "localhost"
    assert 0 < line["seconds_since_start"] < CHILD_SECONDS
    assert (data_dir / DATABASE_FILENAME).exists()
    assert_no_page_errors(done.stderr)


def test_second_launch_on_the_same_data_folder_exits_3(xvfb_display, tmp_path):
    data_dir = tmp_path / "data"
    env = _launcher_env(xvfb_display)
    # Open long enough for the second launch to find it open (it is checked below).
    first_command = [sys.executable, str(MAIN), "--data-dir", str(data_dir), "--smoke-test", "8"]
    lines: queue.Queue[str] = queue.Queue()
    with (
        (tmp_path / "first.stderr").open("w") as first_stderr,
        subprocess.Popen(
            first_command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=first_stderr,
            text=True,
        ) as first,
    ):
        reader = threading.Thread(target=lambda: [lines.put(x) for x in first.stdout], daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + CHILD_SECONDS
            while True:
                try:
                    line = lines.get(timeout=0.5)
                except queue.Empty:
                    assert first.poll() is None, "the first Tallybook ended before its window"
                    assert time.monotonic() < deadline, "the first window never loaded"
                    continue
                if line.startswith("TALLYBOOK_WINDOW "):
                    break

            second = subprocess.run(
                [sys.executable, str(MAIN), "--data-dir", str(data_dir), "--smoke-test", "1"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert first.poll() is None, "the first window closed before the second launch ended"
            assert second.returncode == EXIT_IN_USE, second.stderr[-3000:]
            assert "Tallybook is already running" in second.stderr
            assert str(data_dir) in second.stderr
            assert "TALLYBOOK_WINDOW" not in second.stdout

            assert first.wait(timeout=60) == 0
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(timeout=10)
            reader.join(timeout=10)


def test_an_app_asking_from_a_browser_not_signed_in_is_shown_in_the_window(xvfb_display, tmp_path):
    """The browser waits; the window is sent to the consent request (here, through sign-in,
    as the window's own session starts empty)."""
    from server import create_app
    from server.auth.oauth import register_client
    from server.auth.users import create_user
    from server.clock import utcnow
    from server.domain.books import create_personal_book

    data_dir = tmp_path / "data"
    made = create_app({"DATA_DIR": str(data_dir), "AUTOMATIC_BACKUPS": False})
    database = db(made)
    create_user(
        database,
        USERNAME,
        PASSWORD,
        now=utcnow(),
        rounds=TEST_ROUNDS,
        is_admin=True,
        personal_book=create_personal_book,
    )
    client, _ = register_client(
        database,
        name="Receipts",
        redirect_uris=["http://127.0.0.1/cb"],
        confidential=False,
        now=utcnow(),
    )
    database.close()
    command = [sys.executable, str(MAIN), "--data-dir", str(data_dir), "--smoke-test", "20"]
    lines: queue.Queue[dict[str, Any]] = queue.Queue()
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=_launcher_env(xvfb_display),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as launched:

        def read() -> None:
            for line in launched.stdout:
                if line.startswith("TALLYBOOK_WINDOW "):
                    lines.put(json.loads(line.removeprefix("TALLYBOOK_WINDOW ")))

        threading.Thread(target=read, daemon=True).start()
        try:
            first = lines.get(timeout=CHILD_SECONDS)
            assert urlsplit(first["url"]).path == "/login"
            origin = first["url"].split("/login")[0]
            query = urlencode(
                {
                    "response_type": "code",
                    "client_id": client.client_id,
                    "redirect_uri": "http://127.0.0.1:4242/cb",
                    "state": "s",
                    "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                    "code_challenge_method": "S256",
                }
            )
            # As a browser an app opened sends it (a web page could not start this).
            opened = {
                "Sec-Fetch-Site": "none",
                "Sec-Fetch-Mode": "navigate",
                "Sec-Fetch-Dest": "document",
            }
            waiting = requests.get(f"{origin}/oauth/authorize?{query}", headers=opened, timeout=10)
            assert waiting.status_code == 200
            assert "Tallybook window" in waiting.text
            shown = lines.get(timeout=STEP_SECONDS)
            assert urlsplit(shown["url"]).path == "/login"
            asked = parse_qs(urlsplit(shown["url"]).query)["next"][0]
            assert asked.startswith("/oauth/authorize?")
            assert parse_qs(urlsplit(asked).query)["client_id"] == [client.client_id]
            assert "handoff" in parse_qs(urlsplit(asked).query)
        finally:
            launched.terminate()
            launched.wait(timeout=30)
