"""Every operation of the API keeps the contract its OpenAPI document states."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, settings
from schemathesis.schemas import BaseSchema

from tests.contract.conftest import STATEFUL_SCENARIOS, STATEFUL_STEPS, Fuzzer

pytestmark = pytest.mark.contract

schema = schemathesis.pytest.from_fixture("api_schema")


def ends_own_credentials(case: schemathesis.Case, fuzzer: Fuzzer) -> bool:
    """The one call left out: revoking the fuzzer's own token would end the run."""
    return (
        case.operation.label == "DELETE /api/v1/tokens/{token_id}"
        and (case.path_parameters or {}).get("token_id") == fuzzer.token_id
    )


@schema.parametrize()
def test_every_operation_keeps_the_contract(case: schemathesis.Case, fuzzer: Fuzzer) -> None:
    assume(not ends_own_credentials(case, fuzzer))
    case.call_and_validate()


def test_sequences_of_operations_keep_the_contract(api_schema: BaseSchema, fuzzer: Fuzzer) -> None:
    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: schemathesis.Case) -> None:
            assume(not ends_own_credentials(case, fuzzer))

    # No seed reaches a state machine from the config: derandomize makes the run repeatable.
    # Each step is a request to a live server, so generation is "slow" by Hypothesis's measure
    # (a health check of the test's speed, not a check of the API).
    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=STATEFUL_STEPS,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
    )
