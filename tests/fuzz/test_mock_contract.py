"""Contract fuzzing of the mock itself: schemathesis generates requests from the contract, in-process.

Every answer must satisfy the checks that fit Kafka Connect, and the mock must not break its own
contract or fail internally on any of them. CI runs a fixed-seed sample; ``MOCKCONNECT_DEEP=1``
runs the documented deep run (200 examples per operation, over 5,000 cases).

Checks left out, and why:
- ``not_a_server_error``: a real worker answers 500 for malformed or mistyped JSON, for unknown
  connector classes and more; the contract documents these 500s.
- ``positive_data_acceptance``: a schema-valid body can still be a config Kafka refuses (400), e.g.
  a connector without its required ``topic``.
- ``unsupported_method`` and ``allow_header_conformance``: Kafka's 405 carries no ``Allow`` header,
  and its OPTIONS lists the internal ``POST /connectors/{c}/tasks`` that the contract omits.
- ``negative_data_rejection`` on the four operations whose query parameters allow empty values:
  schemathesis 4.32 models ``allowEmptyValue`` as ``anyOf`` with an ``enum: [""]`` branch and then
  treats any value outside that branch (``?expand=x``) as invalid, although the schema accepts it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from mockconnect.http.app import create_app
from mockconnect.mock.state import MockState

ROOT = Path(__file__).resolve().parents[2]
DEEP = bool(os.environ.get("MOCKCONNECT_DEEP"))
EXAMPLES = 200 if DEEP else 12

STATE = MockState()
APP = create_app(STATE)
schema = schemathesis.openapi.from_path(ROOT / "openapi" / "kafka-connect.yaml")
schema.app = APP
EXCLUDED = ["not_a_server_error", "positive_data_acceptance", "unsupported_method", "allow_header_conformance"]
CASES = {"count": 0}

load_all_checks()
EXCLUDED_CHECKS = CHECKS.get_by_names(EXCLUDED)
EMPTY_VALUE_OPERATIONS = {"listConnectors", "restartConnector", "listConnectorPlugins", "setLevel"}
NEGATIVE = CHECKS.get_by_names(["negative_data_rejection"])


def _no_mock_problems() -> None:
    problems = STATE.journal.problems()
    detail = "\n".join(f"{e.describe()}: {e.response_problems or e.error}" for e in problems)
    STATE.journal.clear()
    assert not problems, f"the mock broke its contract or failed:\n{detail}"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_contract(case: schemathesis.Case) -> None:
    CASES["count"] += 1
    response = case.call()
    excluded = EXCLUDED_CHECKS
    if case.operation.definition.raw.get("operationId") in EMPTY_VALUE_OPERATIONS:
        excluded = [*excluded, *NEGATIVE]
    case.validate_response(response, excluded_checks=excluded)
    _no_mock_problems()


class StatefulMock(schema.as_state_machine()):  # type: ignore[misc]
    """The stateful phase: chains of calls along the contract's links (create -> status, pause, ...)."""

    def setup(self) -> None:
        STATE.reset()

    def validate_response(self, response, case, additional_checks=(), **kwargs):  # type: ignore[no-untyped-def]
        CASES["count"] += 1
        excluded = EXCLUDED_CHECKS
        if case.operation.definition.raw.get("operationId") in EMPTY_VALUE_OPERATIONS:
            excluded = [*excluded, *NEGATIVE]
        case.validate_response(response, excluded_checks=excluded)
        _no_mock_problems()


StatefulMock.TestCase.settings = settings(
    max_examples=200 if DEEP else 15,
    stateful_step_count=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
TestStatefulMock = StatefulMock.TestCase


def teardown_module() -> None:
    sys.stderr.write(f"\nschemathesis cases checked against the mock: {CASES['count']}\n")
