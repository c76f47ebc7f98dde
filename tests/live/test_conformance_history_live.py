"""A worker with history: logger levels changed before the run. The comparison mock starts from them."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pytest
from worker_levels import restore_levels

from mockconnect.conformance import seeding
from mockconnect.conformance.runner import Options, RunReport, run
from mockconnect.live.worker import KafkaWorker, http_json
from mockconnect.server import MockConnect

pytestmark = pytest.mark.live

HISTORY = {"root": "WARN", "org.apache.kafka.connect.runtime.rest": "DEBUG"}


@pytest.fixture
def used_worker(kafka_worker: KafkaWorker) -> Iterator[KafkaWorker]:
    """The session's worker with levels changed before the run; put back afterwards."""
    status, before = http_json("GET", f"{kafka_worker.url}/admin/loggers")
    assert status == 200
    try:
        for name, level in HISTORY.items():
            status, _ = http_json("PUT", f"{kafka_worker.url}/admin/loggers/{name}", {"level": level})
            assert status == 200
        yield kafka_worker
    finally:
        restore_levels(kafka_worker.url, before)


def lifecycle(worker: KafkaWorker, **kwargs: object) -> RunReport:
    assert worker.run_dir is not None
    return run(
        Options(
            target=worker.url,
            compare_with_mock=True,
            phases=("lifecycle",),
            allow_cluster_changes=True,
            sink_file=str(worker.run_dir / "data" / "conformance-history-sink.txt"),
            **kwargs,  # type: ignore[arg-type]
        )
    )


def test_a_used_worker_compares_clean_against_a_mock_seeded_from_it(used_worker: KafkaWorker) -> None:
    """Every step the starting state could affect (logger and plugin operations) matches. The rest of
    the suite is the fidelity gate's business (test_conformance_live.py): on a loaded machine a real
    worker's offset races (a sink's group not yet empty after a stop) show up there, not here."""
    began = time.monotonic()
    report = lifecycle(used_worker)
    sys.stdout.write(
        f"\nused worker, lifecycle against the seeded mock: {report.lifecycle_figures} in "
        f"{time.monotonic() - began:.1f} s, result {'PASS' if not report.failures() else report.failures()[:3]}\n"
    )
    affected = seeding.LOGGER_OPERATIONS | seeding.PLUGIN_OPERATIONS
    unlisted = [
        f"{r.name}: {(r.problems + r.diff)[:2]}"
        for r in report.results
        if r.verdict in ("diverged", "fail") and r.operation in affected
    ]
    assert unlisted == [], "\n".join(unlisted)
    loggers = [r for r in report.results if r.operation in seeding.LOGGER_OPERATIONS and r.compared]
    assert len(loggers) > 5
    assert all(r.match or r.deviation == "logger-population" for r in loggers)
    assert next(r for r in report.results if r.name == "loggers.get.root").match
    assert report.starting_state == []
    # The run restored its own changes: the history is still there.
    _, levels = http_json("GET", f"{used_worker.url}/admin/loggers")
    assert {name: levels[name]["level"] for name in HISTORY} == HISTORY


def test_the_same_run_with_a_fresh_mock_diverges(used_worker: KafkaWorker, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control, and the issue's report: a fresh mock calls the history a divergence."""
    monkeypatch.setattr(seeding, "seed_loggers", lambda *args, **kwargs: None)
    report = lifecycle(used_worker, mock_factory=MockConnect)
    diverged = {r.name for r in report.results if r.verdict == "diverged"}
    assert "loggers.get.root" in diverged
    assert report.exit_code == 1
