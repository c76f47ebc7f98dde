"""Asynchronous behaviour on the virtual clock: start-up delays, injected failures, rebalances, lost workers."""

from __future__ import annotations

import pytest
from helpers import sink_config

from mockconnect.clock import ManualClock
from mockconnect.worker.cluster import REBALANCE_TEXTS, ConnectCluster, CreateRequest, Timing, WorkerIdentity
from mockconnect.worker.errors import Conflict, ConnectError, NotFound


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def slow(clock: ManualClock) -> ConnectCluster:
    return ConnectCluster(clock=clock, timing=Timing(connector_start=5, task_start=3))


def states(cluster: ConnectCluster, name: str = "sink") -> tuple[str, list[str]]:
    body = cluster.get_connector_status(name)
    return body["connector"]["state"], [t["state"] for t in body["tasks"]]


def test_status_is_404_until_the_connector_starts_and_tasks_come_later(
    slow: ConnectCluster, clock: ManualClock
) -> None:
    slow.create_connector(CreateRequest("sink", sink_config(**{"tasks.max": "2"})))
    assert slow.list_connectors() == ["sink"]
    assert slow.list_connectors(["status"]) == {}
    with pytest.raises(NotFound, match="No status found for connector sink"):
        slow.get_connector_status("sink")
    clock.advance(5)
    assert states(slow) == ("RUNNING", [])
    assert slow.list_connector_tasks("sink") == []
    clock.advance(3)
    assert states(slow) == ("RUNNING", ["RUNNING", "RUNNING"])


def test_a_pause_before_start_wins_over_the_pending_start(slow: ConnectCluster, clock: ManualClock) -> None:
    slow.create_connector(CreateRequest("sink", sink_config()))
    slow.pause_connector("sink")
    clock.advance(60)
    assert states(slow) == ("PAUSED", [])


def test_restart_shows_restarting_until_done(slow: ConnectCluster, clock: ManualClock) -> None:
    slow.create_connector(CreateRequest("sink", sink_config()))
    clock.advance(8)
    plan = slow.restart_connector("sink", include_tasks=True)
    assert plan is not None
    assert plan["connector"]["state"] == "RESTARTING"
    assert states(slow) == ("RESTARTING", ["RESTARTING"])
    clock.advance(3)  # tasks restart on their own, in task_start
    assert states(slow) == ("RESTARTING", ["RUNNING"])
    clock.advance(2)
    assert states(slow) == ("RUNNING", ["RUNNING"])


def test_a_restart_that_fails_twice_then_succeeds(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("sink", sink_config()))
    cluster.fail_task("sink", 0, "java.lang.RuntimeException: first")
    cluster.fail_next_restarts("sink", 0, ["java.lang.RuntimeException: again", "java.lang.RuntimeException: still"])
    cluster.restart_task("sink", 0)
    assert cluster.get_task_status("sink", 0)["trace"] == "java.lang.RuntimeException: again"
    cluster.restart_task("sink", 0)
    assert cluster.get_task_status("sink", 0)["state"] == "FAILED"
    cluster.restart_task("sink", 0)
    assert cluster.get_task_status("sink", 0) == {"id": 0, "state": "RUNNING", "worker_id": "localhost:8083"}


def test_rebalance_window(clock: ManualClock) -> None:
    cluster = ConnectCluster(clock=clock)
    cluster.create_connector(CreateRequest("sink", sink_config()))
    cluster.start_rebalance(10)
    with pytest.raises(Conflict) as conflict:
        cluster.create_connector(CreateRequest("other", sink_config()))
    assert conflict.value.message == REBALANCE_TEXTS["stale_config"]
    with pytest.raises(ConnectError) as expected:
        cluster.get_connector("sink")
    assert expected.value.message == "Request cannot be completed because a rebalance is expected"
    assert cluster.get_connector_status("sink")["connector"]["state"] == "RUNNING"  # never checks
    cluster.pause_connector("sink")  # not forwarded: works during a rebalance
    clock.advance(10)
    assert cluster.get_connector("sink")["name"] == "sink"


def test_a_lost_worker_leaves_unassigned_tasks_that_move_later(clock: ManualClock) -> None:
    cluster = ConnectCluster(clock=clock, identity=WorkerIdentity("w1:8083", peers=["w2:8083"]))
    cluster.create_connector(CreateRequest("sink", sink_config(**{"tasks.max": "4"})))
    body = cluster.get_connector_status("sink")
    workers = {t["worker_id"] for t in body["tasks"]} | {body["connector"]["worker_id"]}
    assert workers == {"w1:8083", "w2:8083"}
    cluster.remove_worker("w2:8083", reassign_after=30)
    body = cluster.get_connector_status("sink")
    lost = [t for t in body["tasks"] if t["worker_id"] == "w2:8083"]
    assert lost
    assert all(t["state"] == "UNASSIGNED" for t in lost)
    clock.advance(30)
    body = cluster.get_connector_status("sink")
    assert {t["state"] for t in body["tasks"]} == {"RUNNING"}
    assert {t["worker_id"] for t in body["tasks"]} == {"w1:8083"}
