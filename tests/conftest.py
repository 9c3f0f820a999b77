"""Fixtures shared by every tier: a fresh data folder per test, the app, clients, users."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient

from server import create_app
from server.auth.tokens import create_token
from server.auth.users import User, create_user
from server.clock import utcnow
from server.db import Database
from server.desktop.serving import RunningServer, start_server
from server.domain.books import create_personal_book
from server.request_db import EXTENSION_KEY
from tests.quick_apps import make_migrated_file, route_builders_compiled_once, seed_data_dir

# bcrypt's minimum cost keeps the suite fast; a test holds the product default at 12.
TEST_ROUNDS = 4
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session", autouse=True)
def _route_builders_compiled_once() -> Iterator[None]:
    """Compile each route's URL builder once for all the session's apps (tests/quick_apps.py)."""
    with route_builders_compiled_once():
        yield


@pytest.fixture(scope="session")
def migrated_data_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data file with every migration applied, made once; `app` starts from a copy."""
    return make_migrated_file(tmp_path_factory.mktemp("migrated"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh, empty data folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def app_config(data_dir: Path) -> dict[str, Any]:
    """The configuration of the app under test; tests may change it before `app` is built."""
    return config_for(data_dir)


def config_for(data_dir: Path) -> dict[str, Any]:
    """Return the configuration of an app under test over `data_dir`."""
    return {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "BCRYPT_ROUNDS": TEST_ROUNDS,
        "AUTOMATIC_BACKUPS": False,
    }


@contextlib.contextmanager
def serving(config: dict[str, Any]) -> Iterator[RunningServer]:
    """Serve the app of `config` under waitress on a free 127.0.0.1 port until the block ends."""
    running = start_server(create_app(config))
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.close()


@pytest.fixture
def app(app_config: dict[str, Any], migrated_data_file: Path) -> Iterator[APIFlask]:
    """The app, over its own data folder; its database is closed afterwards."""
    seed_data_dir(app_config, migrated_data_file)
    application = create_app(app_config)
    yield application
    db(application).close()


def db(application: APIFlask) -> Database:
    """Return an app's database (for direct domain calls in tests)."""
    return application.extensions[EXTENSION_KEY]


@pytest.fixture
def database(app: APIFlask) -> Database:
    """The app's database."""
    return db(app)


@pytest.fixture
def client(app: APIFlask) -> FlaskClient:
    """An anonymous test client."""
    return app.test_client()


@pytest.fixture
def runner(app: APIFlask):
    """A click runner for the app's commands."""
    return app.test_cli_runner()


@dataclass
class SignedIn:
    """A test client signed in through the API, sending the CSRF token on writes."""

    client: FlaskClient
    user: User
    csrf_token: str

    def _headers(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        headers = dict(kwargs.pop("headers", {}) or {})
        headers.setdefault("X-CSRF-Token", self.csrf_token)
        return headers

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.client.post(path, headers=self._headers(kwargs), **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.client.patch(path, headers=self._headers(kwargs), **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.client.put(path, headers=self._headers(kwargs), **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.client.delete(path, headers=self._headers(kwargs), **kwargs)


def user_in(
    database: Database, username: str = "alex", password: str = PASSWORD, *, admin: bool = False
) -> User:
    """Create a user (with a personal book) straight through the domain."""
    return create_user(
        database,
        username,
        password,
        now=utcnow(),
        rounds=TEST_ROUNDS,
        is_admin=admin,
        personal_book=create_personal_book,
    )


@pytest.fixture
def make_user(app: APIFlask):
    """Create users straight through the domain: `make_user("alex", admin=True)`."""
    return functools.partial(user_in, db(app))


@pytest.fixture
def sign_in(app: APIFlask):
    """Sign a new client in through the API: `sign_in("alex")` -> SignedIn."""

    def do(username: str = "alex", password: str = PASSWORD) -> SignedIn:
        test_client = app.test_client()
        response = test_client.post(
            "/api/v1/session", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.json
        user = User(
            response.json["user"]["id"], username, response.json["user"]["is_admin"], utcnow()
        )
        return SignedIn(test_client, user, response.json["csrf_token"])

    return do


@pytest.fixture
def alex(make_user, sign_in) -> SignedIn:
    """Alex, the administrator, signed in."""
    make_user("alex", admin=True)
    return sign_in("alex")


@pytest.fixture
def make_token(app: APIFlask):
    """Create a personal access token: `make_token(user, "read")` -> the secret."""

    def make(user: User, scope: str = "read", **kwargs: Any) -> str:
        _, secret = create_token(
            db(app), user.id, name=kwargs.pop("name", "test"), scope=scope, now=utcnow(), **kwargs
        )
        return secret

    return make


@pytest.fixture
def live_server(app_config: dict[str, Any], migrated_data_file: Path) -> Iterator[RunningServer]:
    """The real app under waitress on a free 127.0.0.1 port; stopped after the test."""
    seed_data_dir(app_config, migrated_data_file)
    with serving(app_config) as running:
        yield running
