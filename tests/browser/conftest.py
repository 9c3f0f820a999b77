"""Headless Chromium for the browser tier: one driver per session, a clean slate per test.

Each test gets its own live server (a fresh data folder) and a `browser` helper over the
shared driver. The helper reads the browser console after every step, and the fixture fails
the test if anything logged an error or a Content Security Policy violation that the test
did not declare as expected (`browser.console.expect_http_error(path, status)`).
"""

from __future__ import annotations

import contextlib
import functools
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.alert import Alert
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from server.auth.oauth import register_client
from server.auth.users import User
from server.clock import utcnow
from server.db import Database
from server.desktop.launcher import pages_url
from server.desktop.serving import RunningServer
from tests.conftest import PASSWORD, db, user_in

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# As in shared/ENVIRONMENT.md; --user-data-dir is added per session.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--password-store=basic",
    "--window-size=1280,800",
)
WAIT_SECONDS = 10

T = TypeVar("T")


class Console:
    """The browser console as the tests see it: every entry since the test began."""

    def __init__(self, driver: WebDriver, base_url: str) -> None:
        self._driver = driver
        self._origin = base_url.rstrip("/")
        self.entries: list[dict[str, Any]] = []
        self._expected: list[re.Pattern[str]] = []

    def read(self) -> list[dict[str, Any]]:
        """Fetch what the browser logged since the last read; return everything so far."""
        self.entries += self._driver.get_log("browser")
        return self.entries

    def expect_http_error(self, path: str, status: int) -> None:
        """Declare that a request to `path` answering `status` is part of the test.

        Chromium logs every 4xx/5xx answer to a fetch as a console error, so a form that
        shows the server's 422 message would otherwise count as a failure.
        """
        url = re.escape(self._origin + path)
        self._expected.append(
            re.compile(
                rf"^{url}(\?\S*)? - Failed to load resource: "
                rf"the server responded with a status of {status}\b"
            )
        )

    def problems(self) -> list[str]:
        """Return the unexpected errors and every CSP violation logged so far."""
        found = []
        for entry in self.read():
            message = entry.get("message", "")
            csp = "Content Security Policy" in message
            if entry.get("level") != "SEVERE" and not csp:
                continue
            if not csp and any(p.search(message) for p in self._expected):
                continue
            found.append(f"[{entry.get('level')}/{entry.get('source')}] {message}")
        return found

    def assert_clean(self) -> None:
        """Fail if the console shows an unexpected error or any CSP violation."""
        problems = self.problems()
        assert not problems, "browser console:\n" + "\n".join(problems)


class Browser:
    """The shared driver, pointed at this test's live server, with explicit waits."""

    def __init__(self, driver: WebDriver, server: RunningServer) -> None:
        self.driver = driver
        self.server = server
        self.base_url = pages_url(server.port)  # where a user opens the pages; ends with "/"
        self.console = Console(driver, self.base_url)
        self.http_sessions: list[requests.Session] = []

    # ---- navigation -----------------------------------------------------------------
    def url(self, path: str) -> str:
        """Return the absolute URL of a path on the live server."""
        return self.base_url + path.lstrip("/")

    def open(self, path: str) -> None:
        """Load a page and wait until it (and its deferred module scripts) ran."""
        self.driver.get(self.url(path))
        self.wait_ready()

    def reload(self) -> None:
        """Reload the current page and wait until it is ready."""
        self.driver.refresh()
        self.wait_ready()

    @property
    def path(self) -> str:
        """Return the path of the current page."""
        return urlsplit(self.driver.current_url).path

    @property
    def query(self) -> dict[str, list[str]]:
        """Return the query parameters of the current page."""
        return parse_qs(urlsplit(self.driver.current_url).query)

    def wait_ready(self) -> None:
        """Wait for `document.readyState` to be complete (module scripts ran by then)."""
        self.wait_until(
            lambda d: d.execute_script("return document.readyState") == "complete",
            "the page to finish loading",
        )

    def wait_for_path(self, path: str) -> None:
        """Wait until the browser has navigated to `path`, then until that page is ready."""
        self.wait_until(lambda _: self.path == path, f"the browser to reach {path}")
        self.wait_ready()

    # ---- waiting and finding ------------------------------------------------------------
    def wait_until(
        self, condition: Callable[[WebDriver], T], what: str, timeout: float = WAIT_SECONDS
    ) -> T:
        """Wait for `condition(driver)` to be truthy and return it; fail naming `what`."""
        wait = WebDriverWait(
            self.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)
        )
        return wait.until(condition, f"timed out after {timeout}s waiting for {what}")

    def find(self, css: str) -> WebElement:
        """Return the element matching `css` (it must exist now)."""
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        """Return every element matching `css`."""
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def visible(self, css: str, timeout: float = WAIT_SECONDS) -> WebElement:
        """Wait until an element matching `css` is visible and return it."""
        return self.wait_until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, css)), f"{css} to show", timeout
        )

    def hidden(self, css: str) -> None:
        """Wait until no element matching `css` is visible (or none exists)."""
        self.wait_until(
            ec.invisibility_of_element_located((By.CSS_SELECTOR, css)), f"{css} to hide"
        )

    def wait_text(self, css: str, text: str) -> WebElement:
        """Wait until the element matching `css` is visible and shows exactly `text`."""
        self.wait_until(
            lambda _: self._visible_text(css) == text,
            f"{css} to show {text!r} (it shows {self._visible_text(css)!r})",
        )
        return self.find(css)

    def _visible_text(self, css: str) -> str | None:
        elements = self.find_all(css)
        try:
            if not elements or not elements[0].is_displayed():
                return None
            return elements[0].text.strip()
        except StaleElementReferenceException:  # drawn again meanwhile (also in a message)
            return None

    # ---- acting -------------------------------------------------------------------------
    def fill(self, css: str, value: str) -> None:
        """Type `value` into an empty input, as a person would."""
        element = self.visible(css)
        element.clear()
        element.send_keys(value)

    def click(self, css: str) -> None:
        """Click an element once it can be clicked, brought to the middle of the window first
        as a person scrolls to what they click (clear of sticky bars and messages at the edges)."""
        self.wait_until(ec.element_to_be_clickable((By.CSS_SELECTOR, css)), f"{css} clickable")
        element = self.find(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def submit(self, form_css: str) -> None:
        """Press the form's submit button."""
        self.click(f"{form_css} [type=submit]")

    def dialog(self) -> Alert:
        """Wait for a JavaScript dialog (alert, confirm, prompt) and return it."""
        return self.wait_until(ec.alert_is_present(), "a dialog")

    def field_error(self, form_css: str, field: str) -> str:
        """Wait for the message shown at a field; check its input is marked invalid too.

        The input is the one named after the field, else the one next to the message (a field
        shown as another input, as an amount typed as money out or in).
        """
        feedback = f'{form_css} [data-error-for="{field}"]'
        self.wait_until(lambda _: self._visible_text(feedback), f"a message at the field {field!r}")
        field_input = self.find_all(f'{form_css} [name="{field}"]') or self.find(
            feedback
        ).find_elements(By.XPATH, "../*[self::input or self::select or self::textarea]")
        assert field_input, f"no input for the field {field!r}"
        assert "is-invalid" in (field_input[0].get_attribute("class") or "").split()
        return self.find(feedback).text.strip()

    def form_error(self, form_css: str) -> str:
        """Wait for the form's general error message and return it."""
        return self.visible(f"{form_css} [data-form-error]").text.strip()

    # ---- signing in -----------------------------------------------------------------------
    def sign_in(self, username: str, password: str = PASSWORD, *, lands_on: str = "/") -> None:
        """Sign in on the sign-in page (which must be showing, or is opened)."""
        if self.path != "/login":
            self.open("/login")
        self.fill("#username", username)
        self.fill("#password", password)
        self.submit("#login-form")
        self.wait_for_path(lands_on)

    def sign_out(self) -> None:
        """Press the navbar's sign-out button and wait for the sign-in page."""
        self.click("[data-sign-out]")
        self.wait_for_path("/login")

    def session(self, username: str, password: str = PASSWORD) -> requests.Session:
        """Return a separate `requests` session signed in through the API (its own cookie)."""
        http = requests.Session()
        self.http_sessions.append(http)  # closed when the test ends
        response = http.post(
            self.url("/api/v1/session"),
            json={"username": username, "password": password},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return http

    # ---- the page as an image ---------------------------------------------------------------
    def set_viewport(self, width: int, height: int) -> None:
        """Make the page's viewport exactly `width` x `height` CSS pixels at scale 1."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def reset_viewport(self) -> None:
        """Drop the override of `set_viewport`."""
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def consent_path(database: Database, name: str = "Receipt scanner") -> str:
    """Register a public app by `name` and return the address where it asks the signed-in
    person to let it write."""
    app, _ = register_client(
        database,
        name=name,
        redirect_uris=["http://127.0.0.1/callback"],
        confidential=False,
        now=utcnow(),
    )
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": "http://127.0.0.1:53117/callback",
        "scope": "write",
        "state": "xyz",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }
    return f"/oauth/authorize?{urlencode(query)}"


def _database(server: RunningServer) -> Database:
    return db(server.app)


def _reset(driver: WebDriver, base_url: str) -> None:
    """Leave the shared browser as a new one: no dialog, cookies, storage or page."""
    with contextlib.suppress(NoAlertPresentException):
        driver.switch_to.alert.dismiss()
    origin = base_url.rstrip("/")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    driver.get("about:blank")
    driver.get_log("browser")  # what is left belongs to the test that just ended


@contextlib.contextmanager
def chromium_session(language: str | None = None) -> Iterator[WebDriver]:
    """Start Debian's Chromium through its chromedriver, headless, offline, with a fresh profile;
    in the browser language `language` (e.g. "de") when given, else the system's."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("needs /usr/bin/chromium and /usr/bin/chromedriver (Debian packages)")
    profile = tempfile.mkdtemp(prefix="tallybook-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if language:
        options.add_argument(f"--lang={language}")
        options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    except WebDriverException:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    # Bootstrap scrolls smoothly and fades dialogs unless motion is reduced; a click while
    # the page still moves lands elsewhere.
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]},
    )
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[WebDriver]:
    """Debian's Chromium, headless, offline, with a fresh profile, for the whole session."""
    with chromium_session() as driver:
        yield driver


@pytest.fixture
def browser(chromium: WebDriver, live_server: RunningServer) -> Iterator[Browser]:
    """The shared browser on this test's live server; its console must stay clean."""
    _reset(chromium, pages_url(live_server.port))
    helper = Browser(chromium, live_server)
    yield helper
    try:
        problems = helper.console.problems()
    finally:
        for http in helper.http_sessions:
            http.close()
        _reset(chromium, pages_url(live_server.port))
    assert not problems, "browser console:\n" + "\n".join(problems)


@pytest.fixture
def add_user(live_server: RunningServer) -> Callable[..., User]:
    """Create a user through the live server's own database: `add_user("alex", admin=True)`."""
    return functools.partial(user_in, _database(live_server))


@pytest.fixture
def alex_account(add_user: Callable[..., User]) -> User:
    """Alex's account, an administrator, not signed in anywhere yet."""
    return add_user("alex", admin=True)


@pytest.fixture
def server_db(live_server: RunningServer) -> Database:
    """The live server's database, for arranging data straight through the domain."""
    return _database(live_server)
