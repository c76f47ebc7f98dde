"""A pre-existing connector on the target is byte-identical after a full run, and after an interrupted one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import requests

from mockconnect.conformance.runner import Options, run
from mockconnect.mock.journal import Entry
from mockconnect.server import MockConnect

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
PREFIX = "mcconf-safetytest-"
EXISTING = {
    "prod-important": {"connector.class": FILE_SOURCE, "topic": "orders", "file": "/data/orders.txt", "tasks.max": "1"},
    "prod-paused": {"connector.class": FILE_SINK, "topics": "payments", "file": "/data/out.txt", "tasks.max": "2"},
}
READS = ("", "/config", "/status", "/tasks", "/tasks-config", "/offsets", "/topics")


def seed(url: str) -> None:
    for name, config in EXISTING.items():
        assert requests.put(f"{url}/connectors/{name}/config", json=config, timeout=10).status_code == 201
    assert requests.put(f"{url}/connectors/prod-paused/pause", timeout=10).status_code == 202


def picture(url: str) -> dict[str, bytes]:
    """Every read of every pre-existing connector, as raw bytes, plus the list of names and the loggers."""
    shot = {"/connectors": requests.get(f"{url}/connectors", timeout=10).content}
    for name in EXISTING:
        for tail in READS:
            shot[name + tail] = requests.get(f"{url}/connectors/{name}{tail}", timeout=10).content
    return shot


def levels(url: str) -> dict[str, str]:
    return {name: entry["level"] for name, entry in requests.get(f"{url}/admin/loggers", timeout=10).json().items()}


def foreign_writes(entries: list[Entry]) -> list[str]:
    """Requests that could change a connector whose name is not the run's."""
    bad = []
    for entry in entries:
        parts = unquote(entry.path).split("/")
        if entry.method not in ("GET", "HEAD", "OPTIONS") and len(parts) > 2 and parts[1] == "connectors":
            if not parts[2].strip() or parts[2].startswith(PREFIX):
                continue
            bad.append(f"{entry.method} {entry.path} -> {entry.status}")
    return bad


@pytest.fixture
def target() -> Iterator[tuple[MockConnect, list[Entry]]]:
    with MockConnect() as served:
        seen: list[Entry] = []
        seed(served.url)
        served.journal.subscribe(seen.append)
        yield served, seen


def test_a_full_run_leaves_a_pre_existing_connector_byte_identical(
    target: tuple[MockConnect, list[Entry]], tmp_path: Path
) -> None:
    mock, seen = target
    before = picture(mock.url)
    levels_before = levels(mock.url)
    report = run(
        Options(
            target=mock.url,
            compare_with_mock=True,
            prefix=PREFIX,
            allow_cluster_changes=True,
            allow_classes=(FILE_SOURCE,),
            max_examples=4,
            stateful_max_steps=6,
            report_dir=tmp_path,
        )
    )
    # The pre-existing connectors differ between target and comparison, yet the run is clean:
    # comparisons stay inside the namespace.
    assert report.exit_code == 0, report.failures()
    assert picture(mock.url) == before
    writes = [e for e in seen if e.method not in ("GET", "HEAD", "OPTIONS")]
    assert len(writes) > 300  # the run did write, a lot: only never outside its namespace
    assert foreign_writes(seen) == []
    assert [name for name in mock.state.cluster.connectors if name.startswith(PREFIX)] == []
    safety = report.safety[0]
    assert safety.diff is not None
    assert safety.diff.clean
    assert safety.diff.status_changed == []
    assert sorted(safety.before.foreign(report.policy)) == sorted(EXISTING)  # type: ignore[union-attr, arg-type]
    assert report.ledger_hook_rewrites > 100  # the fuzzer did try names outside the namespace, a lot
    assert report.ledger["rewritten"] > 0  # and so did the lifecycle suite's guard steps
    # Logger levels were changed by the run and put back. Loggers log4j created on the way stay
    # listed, at the level they inherited before the run.
    assert report.ledger["logger_changes"]
    after = levels(mock.url)
    assert {name: after[name] for name in levels_before} == levels_before
    assert {after[name] for name in set(after) - set(levels_before)} <= {"INFO"}


def run_interrupted(url: str, phases: str, ready: Any, report_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "mockconnect",
        "conformance",
        "--target",
        url,
        "--compare-with-mock",
        "--prefix",
        PREFIX,
        "--phases",
        phases,
        "--max-examples",
        "500",
        "--allow-class",
        FILE_SOURCE,
        "--report-dir",
        str(report_dir),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.monotonic() + 120
    while not ready():
        assert process.poll() is None, process.communicate()[0]
        assert time.monotonic() < deadline, "the run never reached the point to interrupt"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, out, None)


@pytest.mark.parametrize("phases", ["lifecycle", "fuzzing,stateful"])
def test_an_interrupted_run_cleans_up_and_leaves_the_connector_alone(
    target: tuple[MockConnect, list[Entry]], tmp_path: Path, phases: str
) -> None:
    mock, seen = target
    before = picture(mock.url)
    baseline = len(seen)

    def ready() -> bool:
        ours = [n for n in list(mock.state.cluster.connectors) if n.startswith(PREFIX)]
        return bool(ours) and len(seen) > baseline + 40

    done = run_interrupted(mock.url, phases, ready, tmp_path)
    assert done.returncode == 130, done.stdout[-3000:]
    assert "interrupted" in done.stdout
    assert [n for n in mock.state.cluster.connectors if n.startswith(PREFIX)] == []
    assert picture(mock.url) == before
    assert foreign_writes(seen) == []
    assert (tmp_path / "conformance.json").is_file()
