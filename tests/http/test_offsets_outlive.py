"""Replays of what a real Kafka 3.7.0 worker answered when connectors were deleted and created again
(recorded 2026-12-04, see docs/live-findings-3.7.0.md, "State that outlives a connector")."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mockconnect import create_app

F = "/tmp/in.txt"
SOURCE = {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector", "file": F, "topic": "t-p"}
SINK = {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "file": "/tmp/o", "topics": "t-p"}


@pytest.fixture
def client() -> FlaskClient:
    return create_app().test_client()


def send(client: FlaskClient, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    answer = client.open(path, method=method, json=body)
    return answer.status_code, answer.get_json(silent=True)


def create(client: FlaskClient, name: str, config: dict[str, str]) -> None:
    body = {"name": name, "config": {**config, "tasks.max": "1"}, "initial_state": "STOPPED"}
    assert send(client, "POST", "/connectors", body)[0] == 201


def test_source_offsets_outlive_the_connector(client: FlaskClient) -> None:
    create(client, "p", SOURCE)
    assert send(client, "GET", "/connectors/p/offsets") == (200, {"offsets": []})
    altered = {"offsets": [{"partition": {"filename": F}, "offset": {"position": 42}}]}
    assert send(client, "PATCH", "/connectors/p/offsets", altered) == (
        200,
        {"message": "The offsets for this connector have been altered successfully"},
    )
    assert send(client, "DELETE", "/connectors/p")[0] == 204
    assert send(client, "GET", "/connectors/p/offsets") == (
        404,
        {"error_code": 404, "message": "Connector p not found"},
    )
    assert send(client, "GET", "/connectors/p/status") == (
        404,
        {"error_code": 404, "message": "No status found for connector p"},
    )
    create(client, "p", SOURCE)
    assert send(client, "GET", "/connectors/p/offsets") == (200, altered)
    status = send(client, "GET", "/connectors/p/status")[1]
    assert (status["connector"]["state"], status["tasks"]) == ("STOPPED", [])


def test_sink_offsets_outlive_the_connector_until_reset(client: FlaskClient) -> None:
    create(client, "s", SINK)
    partition = {"kafka_topic": "t-p", "kafka_partition": 0}
    altered = {"offsets": [{"partition": partition, "offset": {"kafka_offset": 1}}]}
    assert send(client, "PATCH", "/connectors/s/offsets", altered)[0] == 200
    send(client, "DELETE", "/connectors/s")
    create(client, "s", SINK)
    assert send(client, "GET", "/connectors/s/offsets") == (
        200,
        {"offsets": [{"partition": {"kafka_partition": 0, "kafka_topic": "t-p"}, "offset": {"kafka_offset": 1}}]},
    )
    assert send(client, "GET", "/connectors/s/topics") == (200, {"s": {"topics": []}})
    assert send(client, "DELETE", "/connectors/s/offsets") == (
        200,
        {"message": "The offsets for this connector have been reset successfully"},
    )
    send(client, "DELETE", "/connectors/s")
    create(client, "s", SINK)
    assert send(client, "GET", "/connectors/s/offsets") == (200, {"offsets": []})


def test_the_same_name_as_the_other_type_reads_the_other_store(client: FlaskClient) -> None:
    create(client, "s", SINK)
    altered = {"offsets": [{"partition": {"kafka_topic": "t-p", "kafka_partition": 0}, "offset": {"kafka_offset": 1}}]}
    send(client, "PATCH", "/connectors/s/offsets", altered)
    send(client, "DELETE", "/connectors/s")
    create(client, "s", {**SOURCE, "topic": "t-s"})
    assert send(client, "GET", "/connectors/s/offsets") == (200, {"offsets": []})
    send(client, "DELETE", "/connectors/s")
    create(client, "s", SINK)
    assert send(client, "GET", "/connectors/s/offsets")[1]["offsets"][0]["offset"] == {"kafka_offset": 1}


def test_another_name_on_the_same_file_has_no_offsets(client: FlaskClient) -> None:
    create(client, "p", SOURCE)
    send(
        client,
        "PATCH",
        "/connectors/p/offsets",
        {"offsets": [{"partition": {"filename": F}, "offset": {"position": 42}}]},
    )
    send(client, "DELETE", "/connectors/p")
    create(client, "q", {**SOURCE, "topic": "t-q"})
    assert send(client, "GET", "/connectors/q/offsets") == (200, {"offsets": []})
