"""The fidelity gate beside 3.7.0: the oldest and the newest emulated release, each against its own real worker.

``test_conformance_live.py`` gates 3.7.0 (the default) on the session's worker. Here the oldest and
the newest emulated release (and, with ``MOCKCONNECT_ALL_VERSIONS=1``, every emulated release) get a
real worker of their own, one after the other, and the same two comparisons: the lifecycle suite,
every step matched or listed; a seeded schemathesis sample, at least 99% of statuses the same and
every divergence listed. The comparison mock emulates the worker's release, read from its ``GET /``.
Both ends are computed from the releases the mock emulates, so they move when one is added.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import keepalive_probe
import pytest
from conformance_gate import (
    assert_fuzz_clean,
    assert_lifecycle_clean,
    conformance,
    fuzz_sample,
    started_worker,
)
from host_probe import compare_with_worker

from mockconnect.live.worker import KafkaWorker
from mockconnect.release import known_releases

pytestmark = pytest.mark.live

SUPPORTED = sorted(known_releases(), key=lambda v: tuple(int(p) for p in v.split(".")))
"""Every release the mock emulates, oldest first."""


def gated_releases(supported: list[str], every: bool) -> list[str]:
    """The oldest and the newest of ``supported`` (each once), or all of them; 3.7.0 has its own gate."""
    chosen = supported if every else list(dict.fromkeys((supported[0], supported[-1])))
    return [v for v in chosen if v != "3.7.0"]


GATED = gated_releases(SUPPORTED, os.environ.get("MOCKCONNECT_ALL_VERSIONS") == "1")


@pytest.fixture(scope="module", params=GATED)
def release_worker(request: pytest.FixtureRequest) -> Iterator[KafkaWorker]:
    with started_worker(request.param) as worker:
        yield worker


def test_the_gated_releases_are_the_oldest_and_the_newest_emulated() -> None:
    assert gated_releases(["3.6.2", "3.7.0", "4.0.2"], every=False) == ["3.6.2", "4.0.2"]
    assert gated_releases(["3.6.2", "3.7.0", "4.0.2", "4.1.2"], every=False) == ["3.6.2", "4.1.2"]
    assert gated_releases(["3.7.0", "4.0.2"], every=False) == ["4.0.2"]
    assert gated_releases(["3.6.2", "3.7.0", "3.8.1", "4.0.2"], every=True) == ["3.6.2", "3.8.1", "4.0.2"]
    assert SUPPORTED[0] in GATED
    assert SUPPORTED[-1] in GATED


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


def test_the_host_header_is_read_as_the_real_worker_of_the_release_reads_it(release_worker: KafkaWorker) -> None:
    compare_with_worker(release_worker.rest_port, release_worker.url, release_worker.kafka_version)


def test_connections_end_after_the_same_answers_as_on_the_real_worker(release_worker: KafkaWorker) -> None:
    keepalive_probe.compare_with_worker(release_worker.rest_port, release_worker.kafka_version)
