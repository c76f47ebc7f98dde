"""Kafka 4.0.2's rules (log4j2 loggers, Jetty 12 paths, Jackson 2.18, sink offsets), each against 3.9.2's."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from helpers import FILE_SOURCE, sink_config

from mockconnect import create_app
from mockconnect.http.body import Body, as_create_request, as_string_map
from mockconnect.http.jackson import JACKSON_2_16, JACKSON_2_18, JsonProblem
from mockconnect.http.rawpath import ambiguity
from mockconnect.mock.state import MockState
from mockconnect.release import get_release
from mockconnect.worker.cluster import ConnectCluster, CreateRequest
from mockconnect.worker.errors import ConnectError, NotFound


def worker(version: str) -> ConnectCluster:
    return ConnectCluster(release=get_release(version))


def client(version: str) -> FlaskClient:
    return create_app(MockState(worker(version))).test_client()


# -- loggers: log4j2 ---------------------------------------------------------------------------------


def test_a_fresh_4_0_worker_lists_every_start_up_logger_at_info_and_no_org_reflections() -> None:
    listed = worker("4.0.2").list_loggers()
    assert len(listed) == 201  # tests/live/recorded/kafka-4.0.2/loggers.json
    assert {json.dumps(v) for v in listed.values()} == {'{"level": "INFO", "last_modified": null}'}
    assert "org.apache.kafka.connect.runtime.Worker" in listed
    assert "org.reflections" not in listed
    with pytest.raises(NotFound, match=r"^Logger org.reflections not found\.$"):
        worker("4.0.2").get_logger("org.reflections")
    assert set(worker("3.9.2").list_loggers()) == {"org.reflections", "root"}


def test_worker_scope_answers_only_the_loggers_whose_level_changed_from_4_0() -> None:
    new, old = worker("4.0.2"), worker("3.9.2")
    logger = "org.apache.kafka.connect.runtime.WorkerSourceTask"
    for cluster in (new, old):
        assert cluster.set_level(logger, {"level": "DEBUG"}) == [logger]
    assert new.set_level(logger, {"level": "DEBUG"}) == []
    assert old.set_level(logger, {"level": "DEBUG"}) == [logger]
    assert new.set_level("com.example", {"level": "INFO"}) == []  # created, but INFO already
    assert new.list_loggers()["com.example"] == {"level": "INFO", "last_modified": None}


def test_a_padded_level_is_read_trimmed_from_4_0() -> None:
    assert worker("4.0.2").set_level("com.example.padded", {"level": " debug "}) == ["com.example.padded"]
    assert worker("4.0.2").get_logger("root")["level"] == "INFO"
    with pytest.raises(NotFound, match=r"^invalid log level ' '\.$"):
        worker("4.0.2").set_level("com.example.blank", {"level": " "})
    with pytest.raises(NotFound, match=r"^invalid log level ' debug '\.$"):
        worker("3.9.2").set_level("com.example.padded", {"level": " debug "})


# -- sink offsets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "succeeds"), [("3.9.2", False), ("4.0.2", True)])
def test_resetting_a_sink_partition_without_a_committed_offset(version: str, succeeds: bool) -> None:
    cluster = worker(version)
    cluster.create_connector(CreateRequest("sink", sink_config(), "STOPPED"))
    change = [({"kafka_topic": "t", "kafka_partition": 0}, None)]
    if succeeds:
        assert cluster.alter_connector_offsets("sink", change) == {
            "message": "The offsets for this connector have been altered successfully"
        }
    else:
        with pytest.raises(ConnectError, match="^Failed to alter consumer group offsets for connector sink$"):
            cluster.alter_connector_offsets("sink", change)
    unknown = [({"kafka_topic": "nope", "kafka_partition": 0}, None)]
    with pytest.raises(ConnectError, match="^Failed to alter consumer group offsets"):
        cluster.alter_connector_offsets("sink", unknown)


# -- Jetty 12: ambiguous paths -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("//", "Ambiguous URI empty segment"),
        ("/connectors//config", "Ambiguous URI empty segment"),
        ("/connectors/a%2Fb", "Ambiguous URI path separator"),
        ("/connectors/a%2fb/status", "Ambiguous URI path separator"),
        ("/connectors/%2E%2E", "Ambiguous URI path segment"),
        ("/connectors/.%2e/status", "Ambiguous URI path segment"),
        ("/connectors/100%25", "Ambiguous URI path encoding"),
        ("/connectors/a%0Ab/config", "Bad Request"),
        ("/connectors/a%7F", "Bad Request"),
        ("/connectors/my%20conn", None),
        ("/connectors/what%3F", None),
        ("/connectors/..", None),
        ("/connectors/donn%C3%A9es", None),
        ("/connectors/", None),
    ],
)
def test_which_paths_jetty_12_finds_ambiguous(path: str, reason: str | None) -> None:
    assert ambiguity(path) == reason


def test_a_4_0_worker_refuses_ambiguous_paths_with_400() -> None:
    new = client("4.0.2")
    new.post("/connectors", json={"name": "a/b", "config": {"connector.class": FILE_SOURCE, "topic": "t"}})
    answer = new.get("/connectors/a%2Fb")
    refused = {"error_code": 400, "message": "HTTP 400 Ambiguous URI path separator"}
    assert (answer.status_code, answer.json) == (400, refused)
    deleted = new.delete("/connectors/a%2Fb")  # Jetty sends no page for DELETE: no body, no Content-Type
    assert (deleted.status_code, deleted.data, deleted.headers.get("Content-Type")) == (400, b"", None)
    assert new.get("/connectors").json == ["a/b"]  # it cannot be deleted by name any more
    put = new.put("/connectors//config", json={"connector.class": FILE_SOURCE})
    assert (put.status_code, put.data, put.headers.get("Content-Type")) == (400, b"", None)
    old = client("3.9.2")
    old.post("/connectors", json={"name": "a/b", "config": {"connector.class": FILE_SOURCE, "topic": "t"}})
    assert old.get("/connectors/a%2Fb").status_code == 200
    assert old.get("/connectors//status").status_code == 404


def test_tasks_config_is_a_routing_404_without_content_type_from_4_0() -> None:
    new = client("4.0.2")
    new.post("/connectors", json={"name": "src", "config": {"connector.class": FILE_SOURCE, "topic": "t"}})
    for path in ("/connectors/src/tasks-config", "/connectors/nope/tasks-config"):
        answer = new.get(path)
        assert (answer.status_code, json.loads(answer.data), answer.headers.get("Content-Type")) == (
            404,
            {"error_code": 404, "message": "HTTP 404 Not Found"},
            None,
        )
    assert new.put("/connectors/src/tasks-config", json={}).status_code == 404
    assert client("3.9.2").get("/connectors/nope/tasks-config").json["message"] == "Connector nope not found"


# -- Jackson 2.18 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "column_2_16"),  # bodies and columns from tests/live/recorded/kafka-{3.9.2,4.0.2}/jackson-bodies.json
    [
        (b"0l", 3),  # unexpected character
        (b'{"a":"ab\x01c"}', 10),  # illegal unquoted character
        (b'{"a":"ab\\xc"}', 11),  # unrecognized character escape
        (b'{"a":1]', 8),  # close marker (its "starting at" column stays 1)
        (b"}-", 2),  # close marker at the root
    ],
)
def test_jackson_2_18_locates_an_error_about_one_character_at_it(raw: bytes, column_2_16: int) -> None:
    for newer, column in ((False, column_2_16), (True, column_2_16 - 1)):
        with pytest.raises(JsonProblem) as caught:
            as_string_map(Body(raw, dialect=JACKSON_2_18 if newer else JACKSON_2_16))
        assert caught.value.message.endswith(f"line: 1, column: {column}]")


@pytest.mark.parametrize(("raw", "column"), [(b"tru", 4), (b"\x00", 2), (b'{"a":tx}', 9)])
def test_jackson_2_18_keeps_the_column_of_other_errors(raw: bytes, column: int) -> None:
    for newer in (False, True):
        with pytest.raises(JsonProblem) as caught:
            as_string_map(Body(raw, dialect=JACKSON_2_18 if newer else JACKSON_2_16))
        assert caught.value.message.endswith(f"line: 1, column: {column}]")


def test_jackson_2_18_refuses_an_object_for_the_initial_state_without_trying_the_creator() -> None:
    with pytest.raises(JsonProblem) as caught:
        as_create_request(Body(b'{"initial_state": {}}', dialect=JACKSON_2_18))
    assert caught.value.message.startswith(
        "Cannot deserialize value of type `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest"
        "$InitialState` from Object value (token `JsonToken.START_OBJECT`)"
    )
    with pytest.raises(JsonProblem) as caught:
        as_create_request(Body(b'{"initial_state": {}}'))
    assert caught.value.message.startswith("Input mismatch reading Enum")
