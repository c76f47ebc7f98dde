"""The fidelity gate's shared parts: run ``mockconnect conformance`` against a live worker, judge the report."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mockconnect.conformance.runner import Options, RunReport, run
from mockconnect.live.worker import KafkaWorker, WorkerError

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FUZZ_SEED = 0
FUZZ_MAX_EXAMPLES = 60  # measured: about 2,200 requests
MIN_FUZZED_REQUESTS = 2000
MIN_STATUS_AGREEMENT = 0.99


def report_dir(tmp_path: Path, name: str) -> Path:
    base = os.environ.get("MOCKCONNECT_REPORT_DIR")
    return Path(base) / name if base else tmp_path / name


def conformance(worker: KafkaWorker, tmp_path: Path, name: str, **kwargs: object) -> tuple[RunReport, float]:
    assert worker.run_dir is not None
    began = time.monotonic()
    report = run(
        Options(
            target=worker.url,
            compare_with_mock=True,
            allow_cluster_changes=True,  # a private loopback worker: cover the logger operations too
            allow_classes=(FILE_SOURCE,),
            sink_file=str(worker.run_dir / "data" / "conformance-sink.txt"),
            report_dir=report_dir(tmp_path, name),
            **kwargs,  # type: ignore[arg-type]
        )
    )
    return report, time.monotonic() - began


def unlisted(report: RunReport) -> list[str]:
    return [
        f"{r.name} {r.method} {r.path[:100]}: {'; '.join((r.problems + r.diff)[:3])[:400]}"
        for r in report.results
        if r.verdict in ("diverged", "fail")
    ]


def assert_lifecycle_clean(report: RunReport) -> None:
    """Every lifecycle step compared, and matched or listed; nothing stale, nothing failed."""
    life = report.lifecycle_figures
    assert life["steps"] >= 150
    assert life["skipped"] == 0
    assert life["compared"] == life["steps"]
    assert unlisted(report) == [], "\n".join(unlisted(report))
    assert life["matched"] + life["listed_deviations"] == life["compared"]
    assert report.stale_deviations == [], "deviations.yaml lists divergences that no longer happen"
    assert report.failures() == [], report.failures()


def assert_fuzz_clean(report: RunReport) -> None:
    """Enough fuzzed requests, 99% the same status, every divergence and check failure listed."""
    fuzz = report.fuzz_figures
    assert fuzz["requests"] >= MIN_FUZZED_REQUESTS
    assert fuzz["compared"] == fuzz["requests"]
    assert fuzz["status_agreement"] >= MIN_STATUS_AGREEMENT
    assert unlisted(report) == [], "\n".join(unlisted(report)[:20])
    assert report.check_failures == [], report.check_failures
    assert report.failures() == [], report.failures()
    assert report.writes_outside == []


@contextmanager
def started_worker(version: str) -> Iterator[KafkaWorker]:
    """A real broker plus Connect worker of ``version``; the test fails (never skips) if it cannot start."""
    worker = KafkaWorker(kafka_version=version)
    try:
        worker.start()
    except WorkerError as err:
        pytest.fail(f"could not start a real Kafka {version} Connect worker: {err}", pytrace=False)
    try:
        yield worker
    finally:
        worker.stop()


def fuzz_sample(worker: KafkaWorker, tmp_path: Path, name: str) -> tuple[RunReport, float]:
    """The gate's seeded schemathesis sample against ``worker``, compared with a mock of its release."""
    return conformance(
        worker,
        tmp_path,
        name,
        phases=("examples", "coverage", "fuzzing", "stateful"),
        seed=FUZZ_SEED,
        max_examples=FUZZ_MAX_EXAMPLES,
        min_status_agreement=MIN_STATUS_AGREEMENT,
    )
