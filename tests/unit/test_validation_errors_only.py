"""A create's or config change's validation (errors only) agrees with the full ConfigInfos on every
config recorded against a real worker's validate endpoint, in every release."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mockconnect.release import get_release
from mockconnect.worker.cluster import ConnectCluster
from mockconnect.worker.errors import ConnectError
from mockconnect.worker.validation import validate_config

RECORDED = Path(__file__).resolve().parents[1] / "live" / "recorded"
CASES = [
    pytest.param(folder.name.removeprefix("kafka-"), case["request_body"], id=f"{folder.name}-{name}")
    for folder in sorted(RECORDED.glob("kafka-*"))
    for name, case in json.loads((folder / "validate.json").read_text()).items()
    if isinstance(case.get("request_body"), dict)
]


def _validate(version: str, config: dict[str, Any], errors_only: bool) -> Any:
    worker = ConnectCluster(release=get_release(version))  # a fresh worker: 4.1+ remembers failed loads
    try:
        return validate_config(
            worker.catalog, worker.settings, config, worker.release, worker.lookups, errors_only=errors_only
        )
    except ConnectError as problem:
        return (type(problem).__name__, problem.message)


def test_the_cases_are_there() -> None:
    assert len(CASES) >= 300
    assert any(case.values[1].get("connector.class") is None for case in CASES)


@pytest.mark.parametrize(("version", "config"), CASES)
def test_errors_only_agrees_with_the_whole_answer(version: str, config: dict[str, Any]) -> None:
    whole = _validate(version, config, errors_only=False)
    quick = _validate(version, config, errors_only=True)
    if isinstance(whole, dict) and whole["error_count"] == 0:
        assert quick == {"error_count": 0}
    else:
        assert quick == whole  # errors (or a failure) are answered in full: the 400 lists them
