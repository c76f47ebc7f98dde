"""Helpers shared by the tests: connector configs, a request helper and the error assertion."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"


def source_config(**extra: str) -> dict[str, str | None]:
    return {"connector.class": FILE_SOURCE, "topic": "t", "file": "/tmp/in.txt", **extra}


def sink_config(**extra: str) -> dict[str, str | None]:
    return {"connector.class": FILE_SINK, "topics": "t", "file": "/tmp/out.txt", **extra}


class Connect:
    """Request helpers over the test client, so tests read as Connect operations."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def create(self, name: str = "src", config: dict[str, Any] | None = None, **body: Any) -> Any:
        return self.client.post("/connectors", json={"name": name, "config": config or source_config(), **body})

    def create_sink(self, name: str = "sink", **extra: str) -> Any:
        return self.create(name, sink_config(**extra))

    def status(self, name: str = "src") -> Any:
        return self.client.get(f"/connectors/{name}/status").get_json()

    def states(self, name: str = "src") -> tuple[str, list[str]]:
        body = self.status(name)
        return body["connector"]["state"], [task["state"] for task in body["tasks"]]


def error(response: Any, status: int, message: str | None) -> None:
    """Assert Kafka's error envelope with the exact status and message.

    The body is read whatever the Content-Type: errors Jersey raises before choosing a resource
    (routing 404, 405, 406, 415) carry the envelope without a Content-Type header.
    """
    assert response.status_code == status, response.get_data(as_text=True)
    assert json.loads(response.get_data()) == {"error_code": status, "message": message}
