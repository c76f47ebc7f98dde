"""The fidelity gate: ``mockconnect conformance`` with the mock against a real Kafka 3.7.0 worker.

Both tests compare the in-process mock with the session's real worker, request by request:

* the lifecycle suite: every step must match after normalisation, or be a listed deviation;
* a fixed-seed schemathesis sample of at least 2,000 requests: at least 99% get the same status,
  and every divergence (status or body) and every schemathesis check failure must be listed.

The JSON and JUnit reports go to ``$MOCKCONNECT_REPORT_DIR/conformance-live-*`` when that is set
(CI keeps them), otherwise to a temporary directory. Each test prints its figures and duration.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from mockconnect.conformance.runner import Options, RunReport, run
from mockconnect.live.worker import KafkaWorker

pytestmark = pytest.mark.live

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


def test_lifecycle_suite_matches_the_real_worker(kafka_worker: KafkaWorker, tmp_path: Path) -> None:
    report, seconds = conformance(kafka_worker, tmp_path, "conformance-live-lifecycle", phases=("lifecycle",))
    life = report.lifecycle_figures
    sys.stdout.write(f"\nlifecycle against the real worker: {life} in {seconds:.1f} s\n")
    assert life["steps"] >= 150
    assert life["skipped"] == 0
    assert life["compared"] == life["steps"]
    assert unlisted(report) == [], "\n".join(unlisted(report))
    assert life["matched"] + life["listed_deviations"] == life["compared"]
    assert report.stale_deviations == [], "deviations.yaml lists divergences that no longer happen"
    assert report.failures() == []
    safety = report.safety[0]
    assert safety.diff is not None
    assert safety.diff.clean
    assert safety.cleanup_left == []


def test_fuzzed_sample_agrees_with_the_real_worker(kafka_worker: KafkaWorker, tmp_path: Path) -> None:
    report, seconds = conformance(
        kafka_worker,
        tmp_path,
        "conformance-live-fuzz",
        phases=("examples", "coverage", "fuzzing", "stateful"),
        seed=FUZZ_SEED,
        max_examples=FUZZ_MAX_EXAMPLES,
        min_status_agreement=MIN_STATUS_AGREEMENT,
    )
    fuzz = report.fuzz_figures
    sys.stdout.write(
        f"\nfuzzing against the real worker: {fuzz}, per phase {report.fuzz_per_phase}, in {seconds:.1f} s\n"
    )
    assert fuzz["requests"] >= MIN_FUZZED_REQUESTS
    assert fuzz["compared"] == fuzz["requests"]
    assert fuzz["status_agreement"] >= MIN_STATUS_AGREEMENT
    assert unlisted(report) == [], "\n".join(unlisted(report)[:20])
    assert report.check_failures == [], report.check_failures
    assert report.failures() == []
    assert report.writes_outside == []
