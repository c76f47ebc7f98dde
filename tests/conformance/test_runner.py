"""The whole runner, mock against mock, in-process: it passes on a faithful worker and fails on a wrong one."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mockconnect.conformance import deviations
from mockconnect.conformance.runner import Options, RunReport, run
from mockconnect.server import MockConnect

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FAST = {"max_examples": 2, "stateful_max_steps": 4}


@pytest.fixture
def target() -> Iterator[MockConnect]:
    with MockConnect() as served:
        yield served


def conformance(url: str, tmp_path: Path, **kwargs: Any) -> RunReport:
    options: dict[str, Any] = {
        "target": url,
        "compare_with_mock": True,
        "allow_cluster_changes": True,
        "allow_classes": (FILE_SOURCE,),
        "report_dir": tmp_path / "report",
        **FAST,
    }
    options.update(kwargs)
    return run(Options(**options))


def test_mock_against_mock_passes_with_full_fidelity(target: MockConnect, tmp_path: Path) -> None:
    report = conformance(target.url, tmp_path)
    assert report.failures() == []
    assert report.exit_code == 0
    life, fuzz = report.lifecycle_figures, report.fuzz_figures
    assert life["steps"] >= 150
    assert life["skipped"] == 0
    assert life["matched"] == life["compared"] == life["steps"]
    assert fuzz["requests"] > 200
    assert fuzz["matched"] == fuzz["compared"] == fuzz["requests"]
    # Every documented operation was exercised by both parts.
    table = {row["operation"]: row for row in report.operation_table()}
    assert len([op for op in table if not op.startswith("(")]) == 27
    assert all(row["lifecycle_steps"] > 0 and row["fuzz_requests"] > 0 for row in table.values())
    # The reports are written and readable.
    written = json.loads((tmp_path / "report" / "conformance.json").read_text())
    assert written["result"] == "pass"
    assert written["lifecycle"]["matched"] == life["matched"]
    assert written["safety"]["writes_outside_namespace"] == []
    junit = ET.parse(tmp_path / "report" / "conformance-junit.xml").getroot()
    assert {suite.get("name") for suite in junit} == {"lifecycle", "fuzz", "safety"}
    assert all(suite.get("failures") == "0" for suite in junit)


def test_single_target_checks_expectations_only(target: MockConnect, tmp_path: Path) -> None:
    report = conformance(target.url, tmp_path, compare_with_mock=False, phases=("lifecycle",))
    assert report.exit_code == 0
    assert report.lifecycle_figures["expectations_met"] == report.lifecycle_figures["steps"]
    assert report.lifecycle_figures["compared"] == 0


def test_read_only_sends_only_gets(target: MockConnect, tmp_path: Path) -> None:
    methods: set[str] = set()
    target.journal.subscribe(lambda entry: methods.add(entry.method))
    report = conformance(
        target.url, tmp_path, read_only=True, allow_cluster_changes=False, phases=("lifecycle", "examples", "fuzzing")
    )
    assert report.exit_code == 0, report.failures()
    assert methods == {"GET"}
    assert report.ledger["writes"] == 0
    assert report.lifecycle_figures["skipped"] > 0


def broken(mock: MockConnect, method: str, suffix: str, status: str) -> MockConnect:
    """A worker that answers one operation with the wrong status (and no body)."""
    app = mock.app
    inner = app.wsgi_app

    def wrong(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != method or not path.rstrip("/").endswith(suffix):
            return inner(environ, start_response)
        seen: list[Any] = []
        chunks = list(inner(environ, lambda *args, **kwargs: seen.append(args)))  # let the mock act
        if not seen or not str(seen[0][0]).startswith("2"):
            start_response(*seen[0])
            return chunks
        start_response(status, [("Content-Length", "0")])  # then lie about a success
        return [b""]

    app.wsgi_app = wrong  # type: ignore[method-assign]
    return mock


def test_a_worker_that_answers_one_operation_wrongly_fails(target: MockConnect, tmp_path: Path) -> None:
    broken(target, "PUT", "/pause", "200 OK")
    report = conformance(target.url, tmp_path, phases=("lifecycle", "examples", "fuzzing"))
    assert report.exit_code == 1
    diverged = [r for r in report.results if r.verdict == "diverged"]
    assert diverged, report.failures()
    assert {r.operation for r in diverged} == {"pauseConnector"}
    assert any("status: 200 != 202" in line for r in diverged for line in r.diff)
    # The lifecycle's own expectation fails too, and schemathesis flags the undocumented status.
    assert any(r.name == "state.pause" and r.problems for r in report.results)
    assert any(f["check"] == "status_code_conformance" for f in report.check_failures)
    table = {row["operation"]: row for row in report.operation_table()}
    assert table["pauseConnector"]["fidelity"] < 1
    assert table["resumeConnector"]["fidelity"] == 1
    written = json.loads((tmp_path / "report" / "conformance.json").read_text())
    assert written["result"] == "fail"
    assert written["exit_code"] == 1


def test_a_wrong_worker_fails_even_without_a_comparison(target: MockConnect, tmp_path: Path) -> None:
    broken(target, "PUT", "/pause", "200 OK")
    report = conformance(target.url, tmp_path, compare_with_mock=False, phases=("lifecycle",))
    assert report.exit_code == 1
    assert any(r.name == "state.pause" for r in report.results if r.verdict == "fail")


def test_listed_deviations_do_not_fail_the_run(target: MockConnect, tmp_path: Path) -> None:
    # As in CI, the comparison is the one that answers differently (the mock against a real worker).
    with MockConnect() as other:
        broken(other, "PUT", "/pause", "200 OK")
        broken(other, "GET", "/connector-plugins", "203 Non-Authoritative Information")
        listing = tmp_path / "deviations.yaml"
        listing.write_text(
            deviations.DEFAULT_DEVIATIONS.read_text() + "\n- id: pause-200\n"
            "  lifecycle: ['state.pause', 'state.pause-again', 'state.stopped.pause']\n"
            "  fuzz: [{operation: pauseConnector, status: ['202/200']}]\n"
            "  reason: this test's comparison answers pause with 200\n"
            "- id: plugins-203\n"
            "  lifecycle: ['plugins.list', 'plugins.list.*']\n"
            "  fuzz: [{operation: listConnectorPlugins, status: ['200/203']}]\n"
            "  reason: this test's comparison answers the plugin list with 203\n"
        )
        options: dict[str, Any] = {
            "compare_with_mock": False,
            "compare_with": other.url,
            "phases": ("lifecycle", "examples"),
        }
        report = conformance(target.url, tmp_path, deviations=listing, min_status_agreement=0.5, **options)
        # Unlisted, the same run fails.
        unlisted = conformance(target.url, tmp_path, deviations=None, min_status_agreement=0.5, **options)
    assert unlisted.exit_code == 1
    assert report.failures() == []
    listed = {r.name for r in report.results if r.kind == "lifecycle" and r.verdict == "deviation"}
    assert {"state.pause", "state.pause-again", "state.stopped.pause", "plugins.list"} <= listed
    assert all(r.deviation == "plugins-203" for r in report.results if r.operation == "listConnectorPlugins" and r.diff)
    assert any(r.kind == "fuzz" and r.verdict == "deviation" for r in report.results)
    assert not [entry for entry in report.stale_deviations if entry.startswith(("pause-200", "plugins-203"))]


def test_the_shipped_deviations_file_loads() -> None:
    listing = deviations.load(deviations.DEFAULT_DEVIATIONS)
    assert listing.entries
    assert all(entry.reason for entry in listing.entries)


def test_malformed_deviation_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- lifecycle: ['x']\n")
    with pytest.raises(deviations.DeviationsError, match="reason"):
        deviations.load(bad)
    bad.write_text("- reason: r\n")
    with pytest.raises(deviations.DeviationsError, match="matches nothing"):
        deviations.load(bad)
