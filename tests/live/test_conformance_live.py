"""The fidelity gate: ``mockconnect conformance`` with the mock against a real Kafka 3.7.0 worker.

Both tests compare the in-process mock with the session's real worker, request by request:

* the lifecycle suite: every step must match after normalisation, or be a listed deviation;
* a fixed-seed schemathesis sample of at least 2,000 requests: at least 99% get the same status,
  and every divergence (status or body) and every schemathesis check failure must be listed.

The JSON and JUnit reports go to ``$MOCKCONNECT_REPORT_DIR/conformance-live-*`` when that is set
(CI keeps them), otherwise to a temporary directory. Each test prints its figures and duration.
"""

from __future__ import annotations

import sys
from pathlib import Path

import keepalive_probe
import pytest
from conformance_gate import (
    assert_fuzz_clean,
    assert_lifecycle_clean,
    conformance,
    fuzz_sample,
)
from host_probe import compare_with_worker

from mockconnect.live.worker import KafkaWorker

pytestmark = pytest.mark.live


def test_lifecycle_suite_matches_the_real_worker(kafka_worker: KafkaWorker, tmp_path: Path) -> None:
    report, seconds = conformance(kafka_worker, tmp_path, "conformance-live-lifecycle", phases=("lifecycle",))
    sys.stdout.write(f"\nlifecycle against the real worker: {report.lifecycle_figures} in {seconds:.1f} s\n")
    assert_lifecycle_clean(report)
    safety = report.safety[0]
    assert safety.diff is not None
    assert safety.diff.clean
    assert safety.cleanup_left == []


def test_fuzzed_sample_agrees_with_the_real_worker(kafka_worker: KafkaWorker, tmp_path: Path) -> None:
    report, seconds = fuzz_sample(kafka_worker, tmp_path, "conformance-live-fuzz")
    sys.stdout.write(
        f"\nfuzzing against the real worker: {report.fuzz_figures}, per phase {report.fuzz_per_phase}, "
        f"in {seconds:.1f} s\n"
    )
    assert_fuzz_clean(report)


def test_the_host_header_is_read_as_the_real_worker_reads_it(kafka_worker: KafkaWorker) -> None:
    compare_with_worker(kafka_worker.rest_port, kafka_worker.url, kafka_worker.kafka_version)


def test_connections_end_after_the_same_answers_as_on_the_real_worker(kafka_worker: KafkaWorker) -> None:
    keepalive_probe.compare_with_worker(kafka_worker.rest_port, kafka_worker.kafka_version)
