"""Offsets: readable in any state, changed only when STOPPED, with Kafka's checks and texts."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import sink_config

from mockconnect.worker.cluster import ConnectCluster, CreateRequest
from mockconnect.worker.errors import BadRequest, ConnectError, NotFound

STOPPED_ONLY = (
    "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the "
    "specified connector by issuing a 'PUT' request to the '/connectors/{name}/stop' endpoint"
)


@pytest.fixture
def stopped_sink(cluster: ConnectCluster) -> str:
    cluster.create_connector(CreateRequest("sink", sink_config(), "STOPPED"))
    return "sink"


def test_offsets_are_readable_in_any_state(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src")
    assert cluster.get_connector_offsets("src") == {"offsets": []}
    cluster.pause_connector("src")
    assert cluster.get_connector_offsets("src") == {"offsets": []}


@pytest.mark.parametrize("pause", [False, True])
def test_changes_need_a_stopped_connector(cluster: ConnectCluster, make_source: Any, pause: bool) -> None:
    make_source("src")
    if pause:
        cluster.pause_connector("src")
    for change in (
        lambda: cluster.alter_connector_offsets("src", [({"filename": "f"}, {"position": 1})]),
        lambda: cluster.reset_connector_offsets("src"),
    ):
        with pytest.raises(BadRequest) as caught:
            change()
        assert caught.value.message == STOPPED_ONLY.format(name="src")


@pytest.mark.parametrize("changes", [None, []])
def test_alter_needs_some_offsets(cluster: ConnectCluster, stopped_sink: str, changes: Any) -> None:
    with pytest.raises(BadRequest) as caught:
        cluster.alter_connector_offsets(stopped_sink, changes)
    assert caught.value.message == "Partitions / offsets need to be provided for an alter offsets request"


def test_alter_of_an_unknown_connector(cluster: ConnectCluster) -> None:
    with pytest.raises(NotFound) as caught:
        cluster.alter_connector_offsets("nope", [({"a": 1}, None)])
    assert caught.value.message == "Connector nope not found"


def test_sink_offsets_round_trip_with_numbers_as_strings(cluster: ConnectCluster, stopped_sink: str) -> None:
    answer = cluster.alter_connector_offsets(
        stopped_sink, [({"kafka_topic": "t", "kafka_partition": "0"}, {"kafka_offset": "10"})]
    )
    assert answer == {"message": "The offsets for this connector have been altered successfully"}
    assert cluster.get_connector_offsets(stopped_sink) == {
        "offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": 10}}]
    }
    cluster.alter_connector_offsets(stopped_sink, [({"kafka_topic": "t", "kafka_partition": 0}, None)])
    assert cluster.get_connector_offsets(stopped_sink) == {"offsets": []}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ((None, {"kafka_offset": 1}), "The partition for a sink connector offset cannot be null or missing"),
        (
            ({"kafka_topic": "t"}, {"kafka_offset": 1}),
            "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'",
        ),
        (
            ({"kafka_topic": None, "kafka_partition": 0}, None),
            "Kafka topic names must be valid strings and may not be null",
        ),
        (
            ({"kafka_topic": "t", "kafka_partition": None}, None),
            "Kafka partitions must be valid numbers and may not be null",
        ),
        (
            ({"kafka_topic": "t", "kafka_partition": "a"}, None),
            "Failed to parse the following Kafka partition value in the provided offsets: 'a'. "
            "Partition values for sink connectors need to be integers.",
        ),
        (
            ({"kafka_topic": "t", "kafka_partition": 0}, {"offset": 1}),
            "The offset for a sink connector should either be null or contain the key 'kafka_offset'",
        ),
        (
            ({"kafka_topic": "t", "kafka_partition": 0}, {"kafka_offset": 1.5}),
            "Failed to parse the following Kafka offset value in the provided offsets: '1.5'. "
            "Offset values for sink connectors need to be integers.",
        ),
    ],
)
def test_sink_offset_errors(cluster: ConnectCluster, stopped_sink: str, change: Any, message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        cluster.alter_connector_offsets(stopped_sink, [change])
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (({"filename": "f"}, {"pos": 1}), "Offset objects should either be null or contain the key 'position'"),
        (
            ({"filename": "f"}, {"position": "1"}),
            "The value for the 'position' key in the offset is expected to be a Long value",
        ),
        (
            ({"filename": "f"}, {"position": -1}),
            "The value for the 'position' key in the offset should be a non-negative value",
        ),
        (({"file": "f"}, {"position": 1}), "Partition objects should contain the key 'filename'"),
        (
            ({"filename": {"nested": 1}}, {"position": 1}),
            "Offsets may only contain primitive types as values, but field filename contains MAP",
        ),
    ],
)
def test_file_source_offset_errors_are_500s(
    cluster: ConnectCluster, make_source: Any, change: Any, message: str
) -> None:
    make_source("src", initial_state="STOPPED")
    with pytest.raises(ConnectError) as caught:
        cluster.alter_connector_offsets("src", [change])
    assert type(caught.value) is ConnectError
    assert caught.value.message == message


def test_reset_is_idempotent(cluster: ConnectCluster, stopped_sink: str) -> None:
    for _ in range(2):
        assert cluster.reset_connector_offsets(stopped_sink) == {
            "message": "The offsets for this connector have been reset successfully"
        }
