"""Fixtures for tests that talk to a real Kafka Connect worker started from Maven Central jars."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from conformance_gate import started_worker

from mockconnect.live.worker import DEFAULT_KAFKA_VERSION, KafkaWorker

LIVE_MARKER = "live: needs a real Kafka Connect worker (started from Maven Central jars)"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``live`` marker unless pyproject.toml already declares it."""
    declared = config.getini("markers")
    if not any(str(line).split(":", 1)[0].strip() == "live" for line in declared):
        config.addinivalue_line("markers", LIVE_MARKER)


@pytest.fixture(scope="session")
def kafka_version() -> str:
    """The Kafka release under test: ``$MOCKCONNECT_KAFKA_VERSION``, default 3.7.0."""
    return os.environ.get("MOCKCONNECT_KAFKA_VERSION", DEFAULT_KAFKA_VERSION)


@pytest.fixture(scope="session")
def kafka_worker(kafka_version: str) -> Iterator[KafkaWorker]:
    """One real broker plus Connect worker for the whole session; fails (never skips) if it cannot start."""
    with started_worker(kafka_version) as worker:
        yield worker
