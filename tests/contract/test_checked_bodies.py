"""A response body is checked against its schema once per distinct body, of any size, and never skipped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockconnect.release import contract
from mockconnect.release.contract import kafka_contract


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every schema check the contract runs, by the data it checked."""
    seen: list[Any] = []
    real = contract._schema_problems

    def counted(what: str, validator: Any, data: Any) -> list[str]:
        seen.append(data)
        return real(what, validator, data)

    monkeypatch.setattr(contract, "_schema_problems", counted)
    return seen


def _problems(body: Any) -> list[str]:
    operation = kafka_contract().operations["listConnectors"]
    encoded = json.dumps(body).encode()
    return operation.response_problems(200, "application/json", body, {}, True, encoded)


def test_a_large_body_is_checked_once_and_a_body_differing_in_its_last_byte_anew(checks: list[Any]) -> None:
    names = [f"connector-{i:06d}" for i in range(40_000)]  # about 700 kB
    assert _problems(names) == []
    assert _problems(list(names)) == []
    assert len(checks) == 1

    broken = [*names[:-1], 7]  # the last name is a number: only the final bytes differ
    first = _problems(broken)
    assert first
    assert "is not valid" in first[0]
    assert _problems(list(broken)) == first
    assert len(checks) == 2


def test_the_same_bytes_under_another_status_are_checked_again(checks: list[Any]) -> None:
    operation = kafka_contract().operations["listConnectors"]
    body = {"error_code": 500, "message": "boom"}
    encoded = json.dumps(body).encode()
    assert operation.response_problems(500, "application/json", body, {}, True, encoded) == []
    assert operation.response_problems(200, "application/json", body, {}, True, encoded) != []
    assert len(checks) == 2
