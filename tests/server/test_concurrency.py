"""Concurrency over real sockets: 32 client threads against one served mock.

CI runs 100 operations per thread; ``MOCKCONNECT_DEEP=1`` runs the documented deep run of 1,000
operations per thread (32,000 requests).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
import requests

from mockconnect.server import MockConnect

THREADS = 32
OPERATIONS = 1000 if os.environ.get("MOCKCONNECT_DEEP") else 100
RACED = [f"race-{i}" for i in range(10)]
SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"


@pytest.fixture
def mock() -> Iterator[MockConnect]:
    with MockConnect(threads=16, journal_limit=THREADS * OPERATIONS * 2) as served:
        yield served


def _worker(url: str, index: int, results: list[tuple[str, str, int]], errors: list[str]) -> None:
    own = f"owned-{index}"
    session = requests.Session()
    try:
        for step in range(OPERATIONS):
            kind = step % 5
            if kind == 0:  # everyone races to create the same few names
                name = RACED[(step // 5) % len(RACED)]
                body = {"name": name, "config": {"connector.class": SINK, "topics": "t"}}
                response = session.post(f"{url}/connectors", json=body, timeout=30)
                results.append(("create", name, response.status_code))
            elif kind == 1:  # each thread updates its own connector's config with a counter
                config = {"connector.class": SINK, "topics": "t", "counter": str(step)}
                response = session.put(f"{url}/connectors/{own}/config", json=config, timeout=30)
                results.append(("put", own, response.status_code))
            elif kind == 2:
                response = session.get(f"{url}/connectors/{own}/status", timeout=30)
                results.append(("status", own, response.status_code))
            elif kind == 3:
                response = session.put(f"{url}/connectors/{own}/{'pause' if step % 2 else 'resume'}", timeout=30)
                results.append(("pause-resume", own, response.status_code))
            else:
                response = session.get(f"{url}/connectors?expand=status", timeout=30)
                results.append(("list", "", response.status_code))
    except Exception as exc:  # surfaced by the test, never swallowed
        errors.append(f"thread {index}: {exc!r}")


def test_many_threads_racing(mock: MockConnect) -> None:
    results: list[tuple[str, str, int]] = []
    errors: list[str] = []
    threads = [threading.Thread(target=_worker, args=(mock.url, i, results, errors)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == THREADS * OPERATIONS
    assert not [r for r in results if r[2] >= 500], "a 5xx under concurrency"

    created = Counter(name for op, name, status in results if op == "create" and status == 201)
    conflicts = Counter(name for op, name, status in results if op == "create" and status == 409)
    attempts = Counter(name for op, name, _ in results if op == "create")
    assert set(created) == set(RACED)
    assert all(count == 1 for count in created.values()), created
    assert all(created[n] + conflicts[n] == attempts[n] for n in RACED)

    last_step = max(s for s in range(OPERATIONS) if s % 5 == 1)
    for index in range(THREADS):  # no lost config update: each connector holds its thread's last write
        config = requests.get(f"{mock.url}/connectors/owned-{index}/config", timeout=30).json()
        assert config["counter"] == str(last_step)

    entries = mock.journal.entries()
    assert len(entries) == THREADS * OPERATIONS + THREADS
    assert len({entry.seq for entry in entries}) == len(entries)
    assert not mock.journal.problems()
