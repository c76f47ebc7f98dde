"""The "Inject failures" examples of the README, run exactly as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mockconnect.mock import scenario

USAGE = Path(__file__).resolve().parents[2] / "README.md"
UNRELATED = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")


def block(marker: str, language: str) -> str:
    text = USAGE.read_text(encoding="utf-8")
    found = re.search(rf"<!-- example: {marker} -->\s*```{language}\n(.*?)```", text, re.S)
    assert found, f"README.md lost its {marker} example"
    return found.group(1)


def test_the_example_scenario_passes_the_check() -> None:
    loaded = scenario.parse(block("scenario", "yaml"), file="orders-crash.yaml")
    assert [fault.id for fault in loaded.faults] == ["crash", "stubborn", "slow-status"]


def test_the_example_tests_pass_with_the_example_scenario(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"orders-crash": block("scenario", "yaml")})
    pytester.makepyfile(test_example=block("inject-failures-in-tests", "python"))
    pytester.runpytest_subprocess(*UNRELATED).assert_outcomes(passed=2)


def test_the_documented_check_output_is_what_check_prints(tmp_path: Path) -> None:
    bad = (
        block("scenario", "yaml")
        .replace("when: {at: 30}\n    fail_task", "when: {nht: 30}\n    fail_task", 1)
        .replace("delay: {uniform: [0.05, 0.2]}", "respond: {status: 503}")
    )
    (tmp_path / "orders-crash.yaml").write_text(bad, encoding="utf-8")
    [command, *expected] = block("scenario-check", "console").splitlines()
    done = subprocess.run(
        [sys.executable, "-m", "mockconnect", *command.split()[2:5]], capture_output=True, text=True, cwd=tmp_path
    )
    assert command.startswith("$ mockconnect scenario check orders-crash.yaml")
    assert done.returncode == 1
    assert done.stdout.splitlines() == expected
