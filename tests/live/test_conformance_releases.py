"""The fidelity gate for releases beside 3.7.0: the newest release the mock emulates, against its own real worker.

``test_conformance_live.py`` gates 3.7.0 (the default) on the session's worker. Here the newest
supported release (and, with ``MOCKCONNECT_ALL_VERSIONS=1``, every supported release) gets a real
worker of its own and the same two comparisons: the lifecycle suite, every step matched or listed;
a seeded schemathesis sample, at least 99% of statuses the same and every divergence listed. The
comparison mock emulates the worker's release, read from its ``GET /``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conformance_gate import (
    assert_fuzz_clean,
    assert_lifecycle_clean,
    conformance,
    fuzz_sample,
    started_worker,
)

from mockconnect.live.worker import KafkaWorker
from mockconnect.release import known_releases

pytestmark = pytest.mark.live

SUPPORTED = sorted(known_releases(), key=lambda v: tuple(int(p) for p in v.split(".")))
GATED = [v for v in SUPPORTED if v != "3.7.0"] if os.environ.get("MOCKCONNECT_ALL_VERSIONS") == "1" else SUPPORTED[-1:]


@pytest.fixture(scope="module", params=GATED)
def release_worker(request: pytest.FixtureRequest) -> Iterator[KafkaWorker]:
    with started_worker(request.param) as worker:
        yield worker


def test_the_comparison_mock_emulates_the_worker_s_release(release_worker: KafkaWorker, tmp_path: Path) -> None:
    report, seconds = conformance(release_worker, tmp_path, "conformance-release-lifecycle", phases=("lifecycle",))
    sys.stdout.write(
        f"\nlifecycle against the real {release_worker.kafka_version} worker: {report.lifecycle_figures} "
        f"in {seconds:.1f} s\n"
    )
    assert report.mock_kafka_version == release_worker.kafka_version
    assert_lifecycle_clean(report)


def test_fuzzed_sample_agrees_with_the_real_worker_of_the_release(release_worker: KafkaWorker, tmp_path: Path) -> None:
    report, seconds = fuzz_sample(release_worker, tmp_path, "conformance-release-fuzz")
    sys.stdout.write(
        f"\nfuzzing against the real {release_worker.kafka_version} worker: {report.fuzz_figures} in {seconds:.1f} s\n"
    )
    assert_fuzz_clean(report)
