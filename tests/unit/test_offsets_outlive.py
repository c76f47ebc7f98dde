"""Offsets outlive their connector, as on a real 3.7.0 worker: a connector created later under the same
name starts with them (source: the offsets topic keyed by name; sink: the consumer group)."""

from __future__ import annotations

import pytest
from helpers import sink_config, source_config

from mockconnect.mock.snapshot import restore, take
from mockconnect.worker.cluster import ConnectCluster, CreateRequest
from mockconnect.worker.errors import NotFound

SOURCE = ({"filename": "/tmp/in.txt"}, {"position": 42})
SINK = ({"kafka_topic": "t", "kafka_partition": 0}, {"kafka_offset": 5})


def offsets(*pairs: tuple[dict[str, object], dict[str, object]]) -> dict[str, object]:
    return {"offsets": [{"partition": p, "offset": o} for p, o in pairs]}


def test_source_offsets_survive_delete_and_create(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("p", source_config(), "STOPPED"))
    cluster.alter_connector_offsets("p", [SOURCE])
    cluster.delete_connector("p")
    with pytest.raises(NotFound):
        cluster.get_connector_offsets("p")
    cluster.create_connector(CreateRequest("p", source_config(), "STOPPED"))
    assert cluster.get_connector_offsets("p") == offsets(SOURCE)


def test_put_config_creating_the_connector_finds_them_too(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("p", source_config(), "STOPPED"))
    cluster.alter_connector_offsets("p", [SOURCE])
    cluster.delete_connector("p")
    created, _ = cluster.put_connector_config("p", source_config())
    assert created
    assert cluster.get_connector_offsets("p") == offsets(SOURCE)


def test_sink_offsets_live_in_the_consumer_group(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("s", sink_config(), "STOPPED"))
    cluster.alter_connector_offsets("s", [SINK])
    cluster.delete_connector("s")
    # The same name as a source reads the offsets topic, where "s" has nothing ...
    cluster.create_connector(CreateRequest("s", source_config(), "STOPPED"))
    assert cluster.get_connector_offsets("s") == {"offsets": []}
    cluster.delete_connector("s")
    # ... and as a sink again, the group's offsets are back.
    cluster.create_connector(CreateRequest("s", sink_config(), "STOPPED"))
    assert cluster.get_connector_offsets("s") == offsets(SINK)


def test_a_group_override_is_where_a_sinks_offsets_go(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("s", sink_config(**{"consumer.override.group.id": "g"}), "STOPPED"))
    cluster.alter_connector_offsets("s", [SINK])
    cluster.delete_connector("s")
    cluster.create_connector(CreateRequest("s", sink_config(), "STOPPED"))
    assert cluster.get_connector_offsets("s") == {"offsets": []}
    cluster.create_connector(CreateRequest("other", sink_config(**{"consumer.override.group.id": "g"}), "STOPPED"))
    assert cluster.get_connector_offsets("other") == offsets(SINK)


def test_a_reset_before_the_delete_leaves_nothing(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("p", source_config(), "STOPPED"))
    cluster.alter_connector_offsets("p", [SOURCE])
    cluster.reset_connector_offsets("p")
    cluster.delete_connector("p")
    cluster.create_connector(CreateRequest("p", source_config(), "STOPPED"))
    assert cluster.get_connector_offsets("p") == {"offsets": []}


def test_offsets_belong_to_a_name_not_to_a_file(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("p", source_config(), "STOPPED"))
    cluster.alter_connector_offsets("p", [SOURCE])
    cluster.delete_connector("p")
    cluster.create_connector(CreateRequest("q", source_config(), "STOPPED"))
    assert cluster.get_connector_offsets("q") == {"offsets": []}


def test_nothing_else_survives(cluster: ConnectCluster) -> None:
    """Status, tasks and active topics start afresh, and the old target state is gone."""
    cluster.create_connector(CreateRequest("p", source_config(), "STOPPED"))
    cluster.delete_connector("p")
    cluster.create_connector(CreateRequest("p", source_config(), None))
    assert cluster.get_connector_active_topics("p") == {"p": {"topics": []}}


def test_reset_and_a_replaced_state_forget_deleted_connectors(cluster: ConnectCluster) -> None:
    for forget in (cluster.reset, lambda: restore(cluster, take(cluster))):
        cluster.create_connector(CreateRequest("p", source_config(), "STOPPED"))
        cluster.alter_connector_offsets("p", [SOURCE])
        cluster.delete_connector("p")
        forget()
        cluster.create_connector(CreateRequest("p", source_config(), "STOPPED"))
        assert cluster.get_connector_offsets("p") == {"offsets": []}
        cluster.delete_connector("p")
