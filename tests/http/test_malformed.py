"""Malformed input of every kind gets a real worker's answer in Kafka's envelope, and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from helpers import Connect, sink_config

SINK_CLASS = "FileStreamSink"

CASES: list[tuple[str, str, str, dict[str, Any], int]] = [
    # (id, method, path, request kwargs, expected status)
    ("invalid-json", "POST", "/connectors", {"data": "{nope", "content_type": "application/json"}, 500),
    ("invalid-utf8", "POST", "/connectors", {"data": b'{"name": "\xc3\x28"}', "content_type": "application/json"}, 500),
    ("text-plain", "POST", "/connectors", {"data": "{}", "content_type": "text/plain"}, 415),
    ("no-content-type", "POST", "/connectors", {"data": b'{"name": "x"}'}, 415),
    ("empty-body", "POST", "/connectors", {"data": "", "content_type": "application/json"}, 500),
    ("null-body", "POST", "/connectors", {"data": "null", "content_type": "application/json"}, 500),
    ("deep-nesting", "POST", "/connectors", {"data": "[" * 5000 + "]" * 5000, "content_type": "application/json"}, 500),
    ("whitespace-name", "POST", "/connectors", {"json": {"name": " \t ", "config": sink_config()}}, 400),
    ("control-chars", "POST", "/connectors", {"json": {"name": "a\x00b", "config": sink_config()}}, 400),
    ("nested-value", "PUT", "/connectors/x/config", {"json": {"topics": {"a": 1}}}, 500),
    ("array-body", "PUT", "/connectors/x/config", {"json": [1, 2]}, 500),
    ("encoded-slash", "GET", "/connectors/a%2Fb", {}, 404),
    ("dot-dot", "GET", "/connectors/..", {}, 404),
    ("above-root", "GET", "/../connectors", {}, 400),
    ("bad-escape", "GET", "/connectors/100%", {}, 400),
    ("task-not-int", "GET", "/connectors/src/tasks/abc/status", {}, 404),
    ("task-negative", "POST", "/connectors/src/tasks/-3/restart", {}, 404),
    ("task-too-big", "GET", "/connectors/src/tasks/99999999999/status", {}, 404),
    ("level-object", "PUT", "/admin/loggers/root", {"json": {"level": {"x": 1}}}, 500),
    ("offsets-string", "PATCH", "/connectors/src/offsets", {"json": {"offsets": "all"}}, 500),
    ("garbage-content-type", "POST", "/connectors", {"data": "{}", "headers": {"Content-Type": "garbage"}}, 400),
    ("too-large", "POST", "/connectors", {"data": b"x" * (1024 * 1024 + 1), "content_type": "application/json"}, 413),
]


def _snapshot(client: FlaskClient) -> Any:
    return client.get("/connectors?expand=status&expand=info").get_json()


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.mockconnect(validate_requests=False)
def test_malformed_input(
    connect: Connect, client: FlaskClient, method: str, path: str, kwargs: dict[str, Any], status: int
) -> None:
    connect.create("src")
    before = _snapshot(client)
    response = client.open(path, method=method, base_url="http://localhost", **kwargs)
    assert response.status_code == status
    body = json.loads(response.get_data())
    assert set(body) == {"error_code", "message"}
    assert body["error_code"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    assert "/mockconnect/" not in response.get_data(as_text=True)
    assert _snapshot(client) == before  # state unchanged
    assert client.get("/").status_code == 200  # and the mock still answers


def test_very_long_names_work_as_on_a_real_worker(connect: Connect, client: FlaskClient) -> None:
    name = "n" * 10_000  # Connect has no length limit
    assert connect.create(name, sink_config()).status_code == 201
    assert client.get(f"/connectors/{name}/status").status_code == 200


def test_huge_tasks_max_is_capped(connect: Connect, client: FlaskClient) -> None:
    assert connect.create("big", sink_config(**{"tasks.max": "2000000000"})).status_code == 201
    assert len(client.get("/connectors/big/tasks").get_json()) == 1000
