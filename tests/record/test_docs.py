"""The "Mock your cluster" examples of the README, run as written on a recording of a served mock."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mockconnect.cli import main
from mockconnect.mock import scenario
from mockconnect.server import MockConnect

README = Path(__file__).resolve().parents[2] / "README.md"
UNRELATED = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")


def block(marker: str, language: str) -> str:
    found = re.search(rf"<!-- example: {marker} -->\s*```{language}\n(.*?)```", README.read_text("utf-8"), re.S)
    assert found, f"README.md lost its {marker} example"
    return found.group(1)


def test_the_readme_puts_record_check_serve_and_test_in_that_order() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Mock your cluster") :]
    section = section[: section.index("\n## ", 1)]
    steps = ["mockconnect record http", "mockconnect scenario check", "mockconnect serve --scenario", "def test_"]
    places = [section.index(step) for step in steps]
    assert places == sorted(places)


def test_the_record_example_prints_what_record_prints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command, *shown = block("record", "console").splitlines()
    assert command.startswith("$ mockconnect record http://connect.internal:8083 -o my-cluster.yaml")
    monkeypatch.chdir(tmp_path)
    with MockConnect() as mock:
        mock.state.load_scenario(scenario.load("healthy-cluster"))
        assert main(["record", mock.url, *command.split()[4:]]) == 0
    printed = capsys.readouterr().err.splitlines()
    shape = re.compile(r"\d[\d,.]*")
    assert [shape.sub("N", line) for line in printed] == [shape.sub("N", line) for line in shown]


def test_the_test_example_passes_on_a_recording(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    with MockConnect() as mock:
        mock.state.load_scenario(scenario.load("healthy-cluster"))
        assert main(["record", mock.url, "-o", str(pytester.path / "my-cluster.yaml"), "--quiet"]) == 0
    pytester.makepyfile(test_example=block("record-in-tests", "python"))
    monkeypatch.setenv("PYTHONPATH", str(README.parent))  # this checkout's mockconnect, whatever is installed
    pytester.runpytest_subprocess(*UNRELATED).assert_outcomes(passed=2)
