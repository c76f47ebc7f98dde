"""Smoke tests of the real Kafka Connect worker that the mock is checked against."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mockconnect.live.releases import LOG4J2, RELEASES, Release, version_key
from mockconnect.live.worker import KafkaWorker, WorkerError

pytestmark = pytest.mark.live

# First 16 hex digits of the release commit, as GET / reports it.
RELEASE_COMMITS = {"3.7.0": "2ae524ed625438c5", "3.7.1": "e2494e6ffb89f828", "3.8.0": "771b9576b00ecf5b"}
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
MIRROR = "org.apache.kafka.connect.mirror"

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(worker: KafkaWorker, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
    """Send one request (JSON body if given); return status, lower-cased headers and parsed body."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(worker.url + path, data=data, method=method, headers=headers)
    try:
        with _opener.open(request, timeout=100) as response:
            status, raw, head = response.status, response.read(), response.headers
    except urllib.error.HTTPError as err:
        status, raw, head = err.code, err.read(), err.headers
    return status, {k.lower(): v for k, v in head.items()}, json.loads(raw) if raw else None


def wait_for_status(worker: KafkaWorker, name: str, tasks: int, timeout: float = 60.0) -> dict[str, Any]:
    """Poll GET /status until the connector and ``tasks`` tasks are RUNNING."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        status, _, last = call(worker, "GET", f"/connectors/{name}/status")
        if (
            status == 200
            and last["connector"]["state"] == "RUNNING"
            and len(last["tasks"]) == tasks
            and all(task["state"] == "RUNNING" for task in last["tasks"])
        ):
            return dict(last)
        time.sleep(0.2)
    raise AssertionError(f"{name} did not reach RUNNING with {tasks} task(s) in {timeout} s: {last}")


def test_root_reports_version_commit_and_cluster_id(kafka_worker: KafkaWorker, kafka_version: str) -> None:
    status, headers, body = call(kafka_worker, "GET", "/")
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert body["version"] == kafka_version
    if kafka_version in RELEASE_COMMITS:
        assert body["commit"] == RELEASE_COMMITS[kafka_version]
    assert body["kafka_cluster_id"] == kafka_worker.cluster_id


def test_stock_connector_plugins_include_the_file_connectors(kafka_worker: KafkaWorker, kafka_version: str) -> None:
    status, _, body = call(kafka_worker, "GET", "/connector-plugins")
    assert status == 200
    assert body == [
        {"class": FILE_SINK, "type": "sink", "version": kafka_version},
        {"class": FILE_SOURCE, "type": "source", "version": kafka_version},
        *(
            {"class": f"{MIRROR}.Mirror{kind}Connector", "type": "source", "version": kafka_version}
            for kind in ("Checkpoint", "Heartbeat", "Source")
        ),
    ]


def test_stock_loggers(kafka_worker: KafkaWorker) -> None:
    status, _, body = call(kafka_worker, "GET", "/admin/loggers")
    assert status == 200
    assert body["root"]["level"] == "INFO"
    assert body["org.reflections"]["level"] == "ERROR"


def file_source(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A fresh connector name and a FileStreamSource config reading one line from a file in tmp_path."""
    name = f"smoke-{uuid.uuid4().hex[:8]}"
    source = tmp_path / "in.txt"
    source.write_text("hello\n", encoding="utf-8")
    return name, {"connector.class": FILE_SOURCE, "tasks.max": "1", "file": str(source), "topic": name}


def test_file_source_create_status_delete(kafka_worker: KafkaWorker, tmp_path: Path) -> None:
    name, config = file_source(tmp_path)

    status, headers, body = call(kafka_worker, "POST", "/connectors", {"name": name, "config": config})
    assert status == 201, body
    assert headers["location"] == f"{kafka_worker.url}/connectors/{name}"
    assert body == {"name": name, "config": {**config, "name": name}, "tasks": [], "type": "source"}

    state = wait_for_status(kafka_worker, name, tasks=1)
    assert state["connector"]["worker_id"] == kafka_worker.worker_id
    assert state["type"] == "source"
    assert [task["id"] for task in state["tasks"]] == [0]

    status, _, body = call(kafka_worker, "DELETE", f"/connectors/{name}")
    assert (status, body) == (204, None)
    status, _, body = call(kafka_worker, "GET", f"/connectors/{name}")
    assert (status, body) == (404, {"error_code": 404, "message": f"Connector {name} not found"})
    status, _, body = call(kafka_worker, "GET", "/connectors")
    assert name not in body


# -- every supported release, one worker at a time (slow: about 25 s of start-up each) -----------
# Run these alone (`-k every_release`): the session worker of the tests above lives until the end
# of the session, and only one worker should run at a time on a small machine.

ALL_VERSIONS = os.environ.get("MOCKCONNECT_ALL_VERSIONS") == "1"


@pytest.mark.skipif(not ALL_VERSIONS, reason="set MOCKCONNECT_ALL_VERSIONS=1 to start a worker of every release")
@pytest.mark.parametrize("release", RELEASES, ids=[r.version for r in RELEASES])
def test_every_release_starts_and_runs_a_file_source(
    release: Release, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """A worker of ``release`` starts, reports itself, lists the stock connectors and runs one."""
    worker = KafkaWorker(kafka_version=release.minor if release.version != "3.7.0" else release.version)
    try:
        worker.start()
    except WorkerError as err:
        pytest.fail(f"could not start a real Kafka {release.version} Connect worker: {err}", pytrace=False)
    record_property("startup_seconds", worker.startup_seconds)
    record_property("startup_timings", json.dumps(worker.timings))
    try:
        assert worker.kafka_version == release.version
        status, _, body = call(worker, "GET", "/")
        assert status == 200
        assert body["version"] == release.version
        assert len(body["commit"]) == 16
        assert body["kafka_cluster_id"] == worker.cluster_id

        status, _, body = call(worker, "GET", "/connector-plugins")
        assert status == 200
        assert [(p["class"], p["type"]) for p in body] == [
            (FILE_SINK, "sink"),
            (FILE_SOURCE, "source"),
            *((f"{MIRROR}.Mirror{kind}Connector", "source") for kind in ("Checkpoint", "Heartbeat", "Source")),
        ]

        status, _, loggers = call(worker, "GET", "/admin/loggers")
        assert status == 200
        assert loggers["root"]["level"] == "INFO"
        if release.logging == LOG4J2:
            # connect-log4j2.yaml configures only the root logger; classgraph replaced org.reflections
            assert "org.reflections" not in loggers
        else:
            assert loggers["org.reflections"]["level"] == "ERROR"

        status, _, _ = call(worker, "GET", "/health")
        assert status == (200 if version_key(release.version) >= (3, 9) else 404)

        name, config = file_source(tmp_path)
        status, _, body = call(worker, "POST", "/connectors", {"name": name, "config": config})
        assert status == 201, body
        state = wait_for_status(worker, name, tasks=1)
        assert state["connector"]["worker_id"] == worker.worker_id
        status, _, _ = call(worker, "DELETE", f"/connectors/{name}")
        assert status == 204
    finally:
        worker.stop()


def test_unknown_release_is_refused_with_the_known_list() -> None:
    """No jar is fetched for a version the runner does not know; the error lists the known ones."""
    worker = KafkaWorker(kafka_version="4.9")
    with pytest.raises(WorkerError) as caught:
        worker.start()
    message = str(caught.value)
    assert "'4.9' is not supported" in message
    for release in RELEASES:
        assert release.version in message
    assert worker.run_dir is None
