"""The contract tier: schemathesis against a live server, called as a script with a write token.

Every phase (examples, coverage, fuzzing, stateful) and every check, with a fixed seed and a
bounded number of examples, so a run is the same run each time and fits in CI's time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from schemathesis.schemas import BaseSchema

from server.auth.tokens import create_token
from server.auth.users import create_user
from server.clock import utcnow
from server.desktop.serving import RunningServer
from server.domain.books import create_personal_book
from tests.conftest import TEST_ROUNDS, db
from tests.contract import narrowed_checks  # noqa: F401  # registers the narrowed checks

SEED = 20261207
# Examples per operation in the fuzzing phase (the examples and coverage phases generate what
# the document and its boundaries call for); about a minute on two cores.
MAX_EXAMPLES = 10
STATEFUL_SCENARIOS = 20
STATEFUL_STEPS = 10


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The limit is tested in tests/api/test_rate_limits.py; here it would turn most answers
    into 429s (the fuzzer sends a few thousand requests a minute with one token)."""
    return {**app_config, "API_RATE_LIMIT": "1000000 per minute"}


@dataclass(frozen=True)
class Fuzzer:
    """The fuzzer's credentials: an administrator's write token."""

    token_id: int
    secret: str


@pytest.fixture
def fuzzer(live_server: RunningServer) -> Fuzzer:
    """An administrator with a write token; the password is one the fuzzer never sees, so
    `POST /me/password` is fuzzed but cannot end its credentials."""
    database = db(live_server.app)
    user = create_user(
        database,
        "fuzzer",
        secrets.token_urlsafe(24),
        now=utcnow(),
        rounds=TEST_ROUNDS,
        is_admin=True,
        personal_book=create_personal_book,
    )
    token, secret = create_token(database, user.id, name="fuzzer", scope="write", now=utcnow())
    return Fuzzer(token.id, secret)


def contract_config(token: str) -> schemathesis.Config:
    """`--checks all`, every phase, a fixed seed, a bounded number of examples."""
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            # As the document's bearerAuth, not a fixed header: the ignored_auth check then
            # swaps it for an invalid one, and operations without security go without it.
            "auth": {"openapi": {"bearerAuth": {"bearer": token}}},
            # Every check; two stand narrowed where they assume more than HTTP promises.
            "checks": {
                "enabled": True,
                "positive_data_acceptance": {"enabled": False},
                "negative_data_rejection": {"enabled": False},
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True},
            },
            "generation": {"max-examples": MAX_EXAMPLES},
            "output": {"sanitization": {"enabled": False}},
        }
    )


@pytest.fixture
def api_schema(live_server: RunningServer, fuzzer: Fuzzer) -> BaseSchema:
    """The live server's OpenAPI document, every request sent with the fuzzer's token."""
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}api/v1/openapi.json", config=contract_config(fuzzer.secret)
    )
    return schema
