"""Loggers, topics, plugins and the worker identity in the domain core."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import FILE_SOURCE

from mockconnect.clock import ManualClock
from mockconnect.worker.cluster import ConnectCluster
from mockconnect.worker.errors import BadRequest, ConnectError, Forbidden, NotFound


def test_worker_info(cluster: ConnectCluster) -> None:
    info = cluster.get_worker_info()
    assert info["version"] == "3.7.0"
    assert info["commit"] == "2ae524ed625438c5"
    assert len(info["kafka_cluster_id"]) == 22
    assert info == ConnectCluster().get_worker_info()  # stable across instances


def test_default_loggers(cluster: ConnectCluster) -> None:
    assert cluster.list_loggers() == {
        "org.reflections": {"level": "ERROR", "last_modified": None},
        "root": {"level": "INFO", "last_modified": None},
    }
    assert cluster.get_logger("ROOT") == {"level": "INFO", "last_modified": None}


def test_unknown_logger(cluster: ConnectCluster) -> None:
    with pytest.raises(NotFound) as caught:
        cluster.get_logger("com.example.nothing")
    assert caught.value.message == "Logger com.example.nothing not found."


def test_worker_scope_sets_the_namespace_and_lists_it(cluster: ConnectCluster) -> None:
    clock = ManualClock(1700000000.123)
    cluster.clock = clock
    names = cluster.set_level("com.example", {"level": "debug"})
    assert names == ["com.example"]
    assert cluster.get_logger("com.example") == {"level": "DEBUG", "last_modified": 1700000000123}
    clock.advance(60)
    cluster.set_level("com.example", {"level": "DEBUG"})  # same level: timestamp unchanged
    assert cluster.get_logger("com.example")["last_modified"] == 1700000000123


def test_cluster_scope_answers_nothing(cluster: ConnectCluster) -> None:
    assert cluster.set_level("com.example", {"level": "WARN"}, "Cluster") is None
    assert cluster.get_logger("com.example")["level"] == "WARN"


def test_unknown_scope_means_worker(cluster: ConnectCluster) -> None:
    assert cluster.set_level("com.example", {"level": "WARN"}, "galaxy") == ["com.example"]


def test_level_errors(cluster: ConnectCluster) -> None:
    with pytest.raises(BadRequest) as missing:
        cluster.set_level("x", {"lvl": "INFO"})
    assert missing.value.message == "Desired 'level' parameter was not specified in request."
    with pytest.raises(NotFound) as invalid:
        cluster.set_level("x", {"level": "LOUD"})
    assert invalid.value.message == "invalid log level 'LOUD'."


def test_topics_never_404_and_start_empty(cluster: ConnectCluster, make_source: Any) -> None:
    assert cluster.get_connector_active_topics("nope") == {"nope": {"topics": []}}
    make_source("src")
    assert cluster.get_connector_active_topics("src") == {"src": {"topics": []}}
    cluster.reset_connector_active_topics("nope")


def test_topic_tracking_can_be_switched_off(cluster: ConnectCluster) -> None:
    cluster.identity.topic_tracking_reset = False
    with pytest.raises(Forbidden) as caught:
        cluster.reset_connector_active_topics("x")
    assert caught.value.message == "Topic tracking reset is disabled."
    cluster.identity.topic_tracking = False
    with pytest.raises(Forbidden) as caught:
        cluster.get_connector_active_topics("x")
    assert caught.value.message == "Topic tracking is disabled."


def test_plugin_listing(cluster: ConnectCluster) -> None:
    connectors = cluster.list_connector_plugins()
    assert [p["type"] for p in connectors] == ["sink", "source", "source", "source", "source"]
    assert connectors[0] == {
        "class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "type": "sink",
        "version": "3.7.0",
    }
    everything = cluster.list_connector_plugins(connectors_only=False)
    assert {p["type"] for p in everything} == {
        "sink",
        "source",
        "transformation",
        "predicate",
        "converter",
        "header_converter",
    }


@pytest.mark.parametrize("alias", ["FileStreamSource", "FileStreamSourceConnector", FILE_SOURCE])
def test_plugin_config_by_alias(cluster: ConnectCluster, alias: str) -> None:
    names = [key["name"] for key in cluster.get_connector_config_def(alias)]
    assert names[:3] == ["file", "topic", "batch.size"]
    assert "tasks.max" in names


def test_unknown_plugin(cluster: ConnectCluster) -> None:
    with pytest.raises(NotFound) as caught:
        cluster.get_connector_config_def("Nope")
    assert caught.value.message == "Unknown plugin Nope."


def test_validate_reports_errors_with_200_semantics(cluster: ConnectCluster) -> None:
    infos = cluster.validate_connector_config("FileStreamSource", {"connector.class": "FileStreamSource"})
    assert infos["name"] == "FileStreamSource"
    assert infos["error_count"] == 2  # name and topic are missing
    assert infos["groups"] == [
        "Common",
        "Transforms",
        "Predicates",
        "Error Handling",
        "Topic Creation",
        "Exactly Once Support",
        "offsets.topic",
    ]


def test_validate_type_mismatch(cluster: ConnectCluster) -> None:
    with pytest.raises(BadRequest) as caught:
        cluster.validate_connector_config("FileStreamSink", {"connector.class": FILE_SOURCE})
    assert caught.value.message == (
        "Included connector type org.apache.kafka.connect.file.FileStreamSourceConnector does not match request type "
        "FileStreamSink"
    )


def test_validate_failures_are_unwrapped_500s(cluster: ConnectCluster) -> None:
    with pytest.raises(ConnectError) as caught:
        cluster.validate_connector_config("FileStreamSource", {"topic": "t"})
    assert caught.value.message == (
        "org.apache.kafka.connect.runtime.rest.errors.BadRequestException: Connector config {topic=t} contains no "
        "connector type"
    )
