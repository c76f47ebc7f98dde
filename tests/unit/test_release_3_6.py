"""Kafka 3.6.2's rules, each held against 3.7.0, so the release decides (recorded in kafka-3.6.2/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from helpers import FILE_SINK, sink_config, source_config

from mockconnect.http import body as jackson
from mockconnect.http.app import create_app
from mockconnect.http.jackson import JACKSON_2_13_STREAM, JACKSON_2_16, Dialect
from mockconnect.mock.state import MockState
from mockconnect.release import get_release
from mockconnect.worker.cluster import ConnectCluster, CreateRequest
from mockconnect.worker.errors import ConfigProblem, ConnectError

STREAM = "[Source: (org.glassfish.jersey.message.internal.ReaderInterceptorExecutor$UnCloseableInputStream); "
REDACTED = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "


def cluster_of(version: str) -> ConnectCluster:
    return ConnectCluster(release=get_release(version))


@pytest.fixture
def old() -> ConnectCluster:
    return cluster_of("3.6.2")


@pytest.fixture
def new() -> ConnectCluster:
    return cluster_of("3.7.0")


def client_of(version: str) -> Iterator[FlaskClient]:
    state = MockState(cluster_of(version))
    yield create_app(state).test_client()
    broken = [f"{e.describe()}: {e.response_problems or e.error}" for e in state.journal.problems()]
    assert not broken, "the mock broke its contract:\n" + "\n".join(broken)


@pytest.fixture
def old_client() -> Iterator[FlaskClient]:
    yield from client_of("3.6.2")


@pytest.fixture
def new_client() -> Iterator[FlaskClient]:
    yield from client_of("3.7.0")


def problem(read: Any, raw: bytes, dialect: Dialect) -> str:
    with pytest.raises(ConnectError) as caught:
        read(jackson.Body(raw, dialect=dialect))
    return str(caught.value.message)


# -- Jackson 2.13 ---------------------------------------------------------------------------------


def test_locations_name_the_stream_and_print_the_root_column() -> None:
    assert JACKSON_2_13_STREAM.at(1, 7) == STREAM + "line: 1, column: 7]"
    assert JACKSON_2_13_STREAM.at(1, None) == STREAM + "line: 1, column: 0]"
    assert JACKSON_2_16.at(1, 7) == REDACTED + "line: 1, column: 7]"
    assert JACKSON_2_16.at(1, None) == REDACTED + "line: 1]"


def test_a_byte_array_source_is_quoted_escaped_and_truncated() -> None:
    assert Dialect.of_bytes(b"[").at(1, 2) == '[Source: (byte[])"["; line: 1, column: 2]'
    assert Dialect.of_bytes(b"a\x01\r\n\x7f").description == '(byte[])"a\\u0001\r\n\\u007F"'
    long = Dialect.of_bytes(b"x" * 503).description
    assert long == '(byte[])"' + "x" * 500 + '"[truncated 3 bytes]'


def test_jackson_2_13_words_non_numbers_plus_signs_and_empty_maps_its_own_way() -> None:
    old = problem(jackson.as_string_map, b"NaN", JACKSON_2_13_STREAM)
    assert old.startswith("Non-standard token 'NaN': enable JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS to allow")
    new = problem(jackson.as_string_map, b"NaN", JACKSON_2_16)
    assert "enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow" in new
    plus = problem(jackson.as_string_map, b"+1", JACKSON_2_13_STREAM)
    assert plus == (
        "Unexpected character ('1' (code 49)) in numeric value: expected digit (0-9) to follow minus sign, for "
        "valid numeric value\n at " + STREAM + "line: 1, column: 3]"
    )
    assert "ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS" in problem(jackson.as_string_map, b"+1", JACKSON_2_16)
    empty = problem(jackson.as_string_map, b'""', JACKSON_2_13_STREAM)
    assert "element of `java.util.LinkedHashMap<java.lang.String,java.lang.String>`" in empty
    assert "element of `java.util.LinkedHashMap` (" in problem(jackson.as_string_map, b'""', JACKSON_2_16)


def test_jackson_2_13_reads_nothing_after_the_root_value() -> None:
    body = jackson.Body(b'{"a":"1"} x', dialect=JACKSON_2_13_STREAM)
    assert jackson.as_string_map(body) == {"a": "1"}
    assert "Unrecognized token 'x'" in problem(jackson.as_string_map, b'{"a":"1"} x', JACKSON_2_16)


def test_the_internal_endpoint_shows_its_bytes(old_client: FlaskClient, new_client: FlaskClient) -> None:
    old = old_client.post("/connectors/x/tasks", data=b"[", headers={"Content-Type": "application/json"})
    assert old.status_code == 500
    assert old.get_json()["message"].endswith('at [Source: (byte[])"["; line: 1, column: 2]')
    empty = old_client.post("/connectors/x/tasks", data=b"")
    assert (
        empty.get_json()["message"]
        == 'No content to map due to end-of-input\n at [Source: (byte[])""; line: 1, column: 0]'
    )
    new = new_client.post("/connectors/x/tasks", data=b"[", headers={"Content-Type": "application/json"})
    assert new.get_json()["message"].endswith(REDACTED + "line: 1, column: 2]")


def test_create_with_initial_state_is_an_unknown_field(old_client: FlaskClient, new_client: FlaskClient) -> None:
    body = {"name": "s", "config": source_config(), "initial_state": "PAUSED"}
    old = old_client.post("/connectors", json=body)
    assert old.status_code == 500
    assert old.get_json()["message"].startswith(
        'Unrecognized field "initial_state" (class org.apache.kafka.connect.runtime.rest.entities.'
        'CreateConnectorRequest), not marked as ignorable (2 known properties: "config", "name"])\n at ' + STREAM
    )
    assert new_client.post("/connectors", json=body).status_code == 201


# -- loggers (KIP-976 came in 3.7) --------------------------------------------------------------------


def test_levels_have_no_last_modified(old: ConnectCluster, new: ConnectCluster) -> None:
    assert old.list_loggers() == {"org.reflections": {"level": "ERROR"}, "root": {"level": "INFO"}}
    assert old.get_logger("root") == {"level": "INFO"}
    assert new.get_logger("root") == {"level": "INFO", "last_modified": None}


def test_cluster_scope_is_ignored(old: ConnectCluster, new: ConnectCluster) -> None:
    assert old.set_level("com.example", {"level": "WARN"}, "cluster") == ["com.example"]
    assert old.get_logger("com.example") == {"level": "WARN"}
    assert new.set_level("com.example", {"level": "WARN"}, "cluster") is None


def test_cluster_scope_answers_200_over_http(old_client: FlaskClient) -> None:
    answer = old_client.put("/admin/loggers/com.example?scope=cluster", json={"level": "DEBUG"})
    assert (answer.status_code, answer.get_json()) == (200, ["com.example"])


# -- sink topics: a ConfigException, not listed errors -----------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"topics": ""}, "Must configure one of topics or topics.regex"),
        ({"topics.regex": "t.*"}, "topics and topics.regex are mutually exclusive options, but both are set."),
        (
            {"topics": "a, t1,a", "errors.deadletterqueue.topic.name": " t1 "},
            "The DLQ topic 't1' may not be included in the list of topics ('topics.regex=[a, t1]') consumed by the "
            "connector",
        ),
        (
            {"topics": "", "topics.regex": "t[0-9]", "errors.deadletterqueue.topic.name": "t1"},
            "The DLQ topic 't1' may not be included in the regex matching the topics ('topics.regex=t[0-9]') "
            "consumed by the connector",
        ),
    ],
)
def test_sink_topic_problems_fail_validation(
    old: ConnectCluster, new: ConnectCluster, extra: dict[str, str], message: str
) -> None:
    config = sink_config(**extra)
    with pytest.raises(ConnectError) as caught:
        old.validate_connector_config("FileStreamSinkConnector", config)
    assert caught.value.message == f"org.apache.kafka.common.config.ConfigException: {message}"
    with pytest.raises(ConfigProblem) as created:
        old.create_connector(CreateRequest("k", config, None))
    assert created.value.message == message
    assert new.validate_connector_config("FileStreamSinkConnector", config)["error_count"] >= 1


def test_sink_topic_problem_on_create_is_a_500(old_client: FlaskClient, new_client: FlaskClient) -> None:
    body = {"name": "k", "config": {"connector.class": FILE_SINK, "file": "/tmp/o"}}
    old = old_client.post("/connectors", json=body)
    assert (old.status_code, old.get_json()["message"]) == (500, "Must configure one of topics or topics.regex")
    assert new_client.post("/connectors", json=body).status_code == 400


# -- transformations and predicates whose type does not load ----------------------------------------


@pytest.mark.parametrize(
    ("extra", "key", "first", "kind"),
    [
        ({"transforms": "foo"}, "transforms.foo.type", 'Missing required configuration "transforms.foo.type" which '
         "has no default value.", "Transformation"),
        ({"transforms": "foo", "transforms.foo.type": "com.example.Nope"}, "transforms.foo.type",
         "Invalid value com.example.Nope for configuration transforms.foo.type: Class com.example.Nope could not be "
         "found.", "Transformation"),
        ({"predicates": "p"}, "predicates.p.type", 'Missing required configuration "predicates.p.type" which has no '
         "default value.", "Predicate"),
    ],
)  # fmt: skip
def test_a_type_that_does_not_load_is_also_not_a_plugin(
    old: ConnectCluster, new: ConnectCluster, extra: dict[str, str], key: str, first: str, kind: str
) -> None:
    def errors(cluster: ConnectCluster) -> list[str]:
        infos = cluster.validate_connector_config("FileStreamSourceConnector", source_config(**extra))
        [value] = [c["value"] for c in infos["configs"] if c["definition"] and c["definition"]["name"] == key]
        return list(value["errors"])

    assert errors(old) == [first, f"Invalid value null for configuration {key}: Not a {kind}"]
    assert errors(new) == [first]
