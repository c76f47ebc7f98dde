"""A full connector lifecycle over real sockets against MockConnect, with a real worker's codes and bodies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from mockconnect.server import MockConnect

SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"


@pytest.fixture(scope="module")
def mock() -> Iterator[MockConnect]:
    with MockConnect() as served:
        yield served


def call(mock: MockConnect, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, mock.url + path, timeout=10, **kwargs)


def test_lifecycle(mock: MockConnect) -> None:
    worker = f"127.0.0.1:{mock.port}"  # the advertised host:port, as a worker with listeners=http://127.0.0.1:P
    config = {"connector.class": SINK, "topics": "orders", "file": "/tmp/out.txt", "tasks.max": "2"}

    created = call(mock, "POST", "/connectors", json={"name": "orders-sink", "config": config})
    assert created.status_code == 201
    assert created.headers["Location"] == f"{mock.url}/connectors/orders-sink"
    assert created.json() == {
        "name": "orders-sink",
        "config": {**config, "name": "orders-sink"},
        "tasks": [],
        "type": "sink",
    }

    running = {"state": "RUNNING", "worker_id": worker}
    status = call(mock, "GET", "/connectors/orders-sink/status").json()
    assert status == {
        "name": "orders-sink",
        "connector": running,
        "tasks": [{"id": 0, **running}, {"id": 1, **running}],
        "type": "sink",
    }

    assert call(mock, "PUT", "/connectors/orders-sink/pause").status_code == 202
    paused = call(mock, "GET", "/connectors/orders-sink/status").json()
    assert [paused["connector"]["state"], *[t["state"] for t in paused["tasks"]]] == ["PAUSED"] * 3
    assert call(mock, "PUT", "/connectors/orders-sink/resume").status_code == 202

    plain = call(mock, "POST", "/connectors/orders-sink/restart")
    assert (plain.status_code, plain.content) == (204, b"")
    plan = call(mock, "POST", "/connectors/orders-sink/restart", params={"includeTasks": "true"})
    assert plan.status_code == 202
    assert [t["state"] for t in plan.json()["tasks"]] == ["RESTARTING", "RESTARTING"]
    only_failed = call(
        mock, "POST", "/connectors/orders-sink/restart", params={"includeTasks": "true", "onlyFailed": "true"}
    )
    assert only_failed.json()["connector"] == running

    tasks = call(mock, "GET", "/connectors/orders-sink/tasks").json()
    assert tasks[1] == {
        "id": {"connector": "orders-sink", "task": 1},
        "config": {**config, "name": "orders-sink", "task.class": "org.apache.kafka.connect.file.FileStreamSinkTask"},
    }
    assert call(mock, "GET", "/connectors/orders-sink/tasks/1/status").json() == {"id": 1, **running}
    assert call(mock, "POST", "/connectors/orders-sink/tasks/1/restart").status_code == 204

    updated = call(mock, "PUT", "/connectors/orders-sink/config", json={**config, "tasks.max": "1"})
    assert updated.status_code == 200
    assert len(call(mock, "GET", "/connectors/orders-sink/tasks").json()) == 1

    assert call(mock, "PUT", "/connectors/orders-sink/stop").status_code == 204
    assert call(mock, "GET", "/connectors/orders-sink").json()["tasks"] == []
    offsets = {
        "offsets": [{"partition": {"kafka_topic": "orders", "kafka_partition": 0}, "offset": {"kafka_offset": 42}}]
    }
    patched = call(mock, "PATCH", "/connectors/orders-sink/offsets", json=offsets)
    assert patched.json() == {"message": "The offsets for this connector have been altered successfully"}
    assert call(mock, "GET", "/connectors/orders-sink/offsets").json() == offsets
    reset = call(mock, "DELETE", "/connectors/orders-sink/offsets")
    assert reset.json() == {"message": "The offsets for this connector have been reset successfully"}

    assert call(mock, "GET", "/connectors/orders-sink/topics").json() == {"orders-sink": {"topics": []}}
    assert call(mock, "PUT", "/connectors/orders-sink/topics/reset").status_code == 202

    levels = call(mock, "PUT", "/admin/loggers/org.apache.kafka.connect.file", json={"level": "DEBUG"})
    assert "org.apache.kafka.connect.file" in levels.json()
    assert levels.json() == sorted(levels.json())
    assert all(name.startswith("org.apache.kafka.connect.file") for name in levels.json())
    logger = call(mock, "GET", "/admin/loggers/org.apache.kafka.connect.file").json()
    assert logger["level"] == "DEBUG"
    assert isinstance(logger["last_modified"], int)

    assert call(mock, "DELETE", "/connectors/orders-sink").status_code == 204
    gone = call(mock, "GET", "/connectors/orders-sink/status")
    assert gone.json() == {"error_code": 404, "message": "No status found for connector orders-sink"}
    assert not mock.journal.problems(), [e.describe() for e in mock.journal.problems()]
