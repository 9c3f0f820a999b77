"""The README documents every command and option, and its API examples really run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from server.cli import cli
from tests.conftest import PASSWORD, db

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
EXAMPLE_URL = "http://127.0.0.1:8421"


def commands(group: click.Group, prefix: str = "tallybook"):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


def example(name: str) -> str:
    match = re.search(rf"<!-- example: {name} -->\n```\w+\n(.*?)```", README, re.S)
    assert match, f"README has no example marked {name!r}"
    return match.group(1)


@pytest.mark.parametrize(("name", "command"), list(commands(cli)))
def test_every_command_and_option_is_documented(name, command):
    assert f"`{name}" in README, f"{name} is not documented in the README"
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "data_dir":
            assert any(opt in README for opt in param.opts), f"{name} {param.opts} undocumented"


def test_every_desktop_option_is_documented():
    import argparse

    import main

    options = [
        option
        for action in main.build_parser()._actions
        if action.help != argparse.SUPPRESS
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]
    assert "--data-dir" in options
    for option in options:
        assert f"`{option}" in README, f"main.py {option} is not documented"


@pytest.fixture
def token(live_server):
    """A read token of a user `alex` of the live server."""
    from server.auth.tokens import create_token
    from server.auth.users import create_user
    from server.clock import utcnow
    from server.domain.books import create_personal_book

    database = db(live_server.app)
    user = create_user(
        database, "alex", PASSWORD, now=utcnow(), rounds=4, personal_book=create_personal_book
    )
    return create_token(database, user.id, name="readme", scope="read", now=utcnow())[1]


def test_curl_example_runs(live_server, token):
    script = example("curl").replace(EXAMPLE_URL, live_server.url.rstrip("/"))
    script = script.replace("export TALLYBOOK_TOKEN=tb_pat_...", "")
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={**os.environ, "TALLYBOOK_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert '"username":"alex"' in result.stdout.replace(" ", "")
    assert "alex's book" in result.stdout


@pytest.mark.parametrize("rate_limit", [None, "1 per 1 second"], ids=["", "rate-limited"])
def test_python_example_runs(live_server, token, rate_limit):
    if rate_limit:  # its second request is refused once: it waits as told and goes on
        live_server.app.config["API_RATE_LIMIT"] = rate_limit
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", example("python")],
        env={**os.environ, "TALLYBOOK_TOKEN": token, "TALLYBOOK_URL": live_server.url.rstrip("/")},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "Signed in as alex" in result.stdout
    assert re.search(r"\d+: alex's book \(USD, owner\)", result.stdout)
    if rate_limit:
        assert time.monotonic() - started >= 1, "the second request was not limited"


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ROUTE = re.compile(rf"((?:{'|'.join(METHODS)})(?:/(?:{'|'.join(METHODS)}))*) (/\S*|\.\.\./\S*)")


def route_key(method: str, path: str) -> tuple[str, str]:
    """A route as the table and the OpenAPI document both say it: `{book_id}`, `{id}` and
    `{YYYY-MM}` are all a placeholder `{}`, and a query string is an example, not the path."""
    return method, re.sub(r"\{[^}]*\}", "{}", path.split("?", 1)[0])


def readme_routes() -> set[tuple[str, str]]:
    """Every `METHODS /path` of the table in *Using the API* (`.../` is `/books/{book_id}/`)."""
    start = README.index("| resource | routes |")
    table = README[start : README.index("\n\n", start)]
    routes = set()
    for span in re.findall(r"`([^`]+)`", table):
        match = ROUTE.fullmatch(span)
        if match is None:
            continue  # a field, a value or a body, not a route
        methods, path = match.groups()
        if path.startswith(".../"):
            path = "/books/{book_id}/" + path.removeprefix(".../")
        routes |= {route_key(method, path) for method in methods.split("/")}
    return routes


def test_the_route_table_lists_every_route_of_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    documented = {
        route_key(method.upper(), path.removeprefix("/api/v1"))
        for path, item in spec["paths"].items()
        if path.startswith("/api/v1/")
        for method in item
        if method.upper() in METHODS
    }
    listed = readme_routes()
    assert sorted(documented - listed) == [], "routes missing from README's table"
    assert sorted(listed - documented) == [], "README's table lists routes the API has not"
