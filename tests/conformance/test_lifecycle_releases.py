"""The lifecycle suite expects what each emulated release answers, and tells releases apart where they differ."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockconnect.conformance.runner import Options, RunReport, run
from mockconnect.release import known_releases
from mockconnect.server import MockConnect

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"


def lifecycle(url: str, tmp_path: Path, **kwargs: Any) -> RunReport:
    return run(
        Options(
            target=url,
            allow_cluster_changes=True,
            allow_classes=(FILE_SOURCE,),
            phases=("lifecycle",),
            report_dir=tmp_path / "report",
            **kwargs,
        )
    )


@pytest.mark.parametrize("version", sorted(known_releases()))
def test_a_mock_of_each_release_meets_the_suite_s_expectations_for_it(version: str, tmp_path: Path) -> None:
    with MockConnect(kafka_version=version) as mock:
        report = lifecycle(mock.url, tmp_path)
    failed = [f"{r.name}: {r.problems}" for r in report.results if r.verdict == "fail"]
    assert failed == []
    assert report.lifecycle_figures["expectations_met"] == report.lifecycle_figures["steps"] >= 280
    names = {r.name for r in report.results}
    # The target's own release (its GET /) chose the steps: 3.6 has no initial_state to settle.
    assert ("initial.paused.settled" in names) == known_releases()[version].has("initial_state")


def test_the_3_6_expectations_fail_on_a_3_7_worker_exactly_where_the_recordings_differ(tmp_path: Path) -> None:
    # A 3.7.0 worker judged by 3.6.2's expectations: the comparison mock emulates 3.6.2, so the steps are 3.6.2's.
    with MockConnect(kafka_version="3.7.0") as mock:
        report = lifecycle(mock.url, tmp_path, compare_with_mock=True, mock_kafka_version="3.6.2")
    failed = {r.name for r in report.results if r.problems}
    sink_topics = {
        "validate.no-topics",
        "create.invalid",
        "sink.create-again-invalid",
        "put.invalid",
        "config-error.topics-and-regex",
    }
    assert sink_topics <= failed
    creates = {f"initial.{form}.create" for form in ("paused", "stopped", "running", "lower-paused", "null")}
    assert creates <= failed
    # Everything else the 3.7.0 worker does is what 3.6.2 does too, as far as the suite asks (GET / names
    # its own version).
    assert {n for n in failed if not n.startswith("initial.")} == sink_topics | {"root.get"}


@pytest.mark.parametrize("version", ["4.1.2", "4.4.0"])
def test_a_second_run_on_the_same_worker_compares_clean(version: str, tmp_path: Path) -> None:
    """From 4.1 a worker remembers every connector class it failed to load (and words the next failure
    otherwise); each run asks for an absent class of its own, so a worker a past run used is no different."""
    with MockConnect(kafka_version=version) as mock:
        reports = [lifecycle(mock.url, tmp_path / str(n), compare_with_mock=True) for n in (1, 2)]
    for report in reports:
        assert report.failures() == []
        assert report.lifecycle_figures["matched"] == report.lifecycle_figures["steps"]
