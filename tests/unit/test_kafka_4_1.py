"""Kafka 4.1.2's rules (plugin versions in statuses, plugin configs and validate; log levels), each against
4.0.2's. Every expected answer is one the recorded 4.1.2 worker gave (tests/live/recorded/kafka-4.1.2)."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from helpers import source_config

from mockconnect import create_app
from mockconnect.mock.clock import ManualClock
from mockconnect.mock.state import MockState
from mockconnect.release import get_release
from mockconnect.worker.cluster import ConnectCluster, CreateRequest, Timing
from mockconnect.worker.errors import ConnectError, NotFound


def worker(version: str) -> ConnectCluster:
    return ConnectCluster(release=get_release(version))


def client(version: str) -> FlaskClient:
    return create_app(MockState(worker(version))).test_client()


# -- loggers -----------------------------------------------------------------------------------------


def test_an_empty_log_level_is_a_500_from_4_1() -> None:
    logger = "org.apache.kafka.connect.runtime.WorkerSourceTask"
    for scope in (None, "cluster"):
        with pytest.raises(ConnectError, match=r"^Illegal null or empty Level name\.$") as raised:
            worker("4.1.2").set_level(logger, {"level": ""}, scope)
        assert type(raised.value) is ConnectError  # a 500, not a 404
    with pytest.raises(NotFound, match=r"^invalid log level ' '\.$"):  # blank is still a level log4j2 lacks
        worker("4.1.2").set_level(logger, {"level": " "})
    with pytest.raises(NotFound, match=r"^invalid log level ''\.$"):
        worker("4.0.2").set_level(logger, {"level": ""})
    answer = client("4.1.2").put(f"/admin/loggers/{logger}", json={"level": ""})
    assert (answer.status_code, answer.get_json()) == (
        500,
        {"error_code": 500, "message": "Illegal null or empty Level name."},
    )


# -- statuses carry the plugin version -----------------------------------------------------------------


def _started(version: str, **timing: float) -> ConnectCluster:
    cluster = ConnectCluster(release=get_release(version), timing=Timing(**timing), clock=ManualClock())
    cluster.create_connector(CreateRequest("src", source_config(), None))
    return cluster


def test_statuses_name_the_plugin_version_after_the_worker_from_4_1() -> None:
    new, old = _started("4.1.2"), _started("4.0.2")
    worker_id = new.identity.worker_id
    # get.status and get.task-status.0 of the 4.1.2 recording
    assert json.dumps(new.get_connector_status("src")) == json.dumps(
        {
            "name": "src",
            "connector": {"state": "RUNNING", "worker_id": worker_id, "version": "4.1.2"},
            "tasks": [{"id": 0, "state": "RUNNING", "worker_id": worker_id, "version": "4.1.2"}],
            "type": "source",
        }
    )
    assert json.dumps(new.get_task_status("src", 0)) == json.dumps(
        {"id": 0, "state": "RUNNING", "worker_id": worker_id, "version": "4.1.2"}
    )
    assert new.list_connectors(["status"])["src"]["status"] == new.get_connector_status("src")  # list.status
    assert "version" not in old.get_connector_status("src")["connector"]
    assert "version" not in old.get_task_status("src", 0)


def test_a_failed_task_names_its_version_before_the_trace() -> None:
    cluster = _started("4.1.2")
    cluster.fail_task("src", 0, "org.apache.kafka.connect.errors.ConnectException: boom")
    task = cluster.get_task_status("src", 0)
    assert list(task) == ["id", "state", "worker_id", "version", "trace"]  # sink.bad-file.failed
    assert (task["state"], task["version"]) == ("FAILED", "4.1.2")


def test_the_restart_plan_keeps_the_version_of_the_statuses_it_replaces() -> None:
    plan = _started("4.1.2").restart_connector("src", include_tasks=True)
    assert plan is not None  # restart.includeTasks=true&onlyFailed=false: 202
    assert plan["connector"] == {"state": "RESTARTING", "worker_id": plan["connector"]["worker_id"], "version": "4.1.2"}
    assert [(t["state"], t["version"]) for t in plan["tasks"]] == [("RESTARTING", "4.1.2")]


def test_a_status_the_herder_wrote_itself_has_an_explicit_null_version() -> None:
    cluster = _started("4.1.2", connector_start=5.0)
    cluster.clock.advance(5)
    cluster.restart_connector("src")  # UNASSIGNED until it has started again
    connector = cluster.get_connector_status("src")["connector"]
    # state.paused.resume.converged (first poll): {"state": "UNASSIGNED", ..., "version": null}
    assert json.dumps(connector) == json.dumps(
        {"state": "UNASSIGNED", "worker_id": cluster.identity.worker_id, "version": None}
    )
    cluster.clock.advance(5)
    assert cluster.get_connector_status("src")["connector"]["version"] == "4.1.2"
