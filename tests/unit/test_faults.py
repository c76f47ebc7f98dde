"""Faults in the domain: every trigger and every effect, on the virtual clock, without HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import FILE_SINK, sink_config, source_config

from mockconnect.clock import MANUAL_EPOCH, ManualClock
from mockconnect.mock.effects import Delay, Drop, Respond, Timeout
from mockconnect.mock.scenario import ScenarioError
from mockconnect.mock.state import MockState
from mockconnect.worker.cluster import REBALANCE_TEXTS, CreateRequest
from mockconnect.worker.errors import Conflict, ConnectError, NotFound


@pytest.fixture
def state() -> MockState:
    return MockState(clock=ManualClock())


def create(state: MockState, name: str = "sink", **extra: str) -> None:
    config = sink_config(**extra) if not name.startswith("src") else source_config(**extra)
    state.cluster.create_connector(CreateRequest(name, config))


def fire(state: MockState, operation: str = "getConnectorStatus", **params: Any) -> list[str]:
    """The ids of the faults one request fires."""
    decision = state.faults.on_request(operation, {"connector": "sink", **params})
    return [] if decision is None else decision.fired


def fires(state: MockState, count: int, operation: str = "getConnectorStatus", **params: Any) -> list[bool]:
    return [bool(fire(state, operation, **params)) for _ in range(count)]


def respond(**when: Any) -> dict[str, Any]:
    return {"when": when, "respond": {"status": 500, "message": "boom"}}


# -- triggers ----------------------------------------------------------------------------------


def test_operation_connector_and_task_filter_the_requests(state: MockState) -> None:
    state.add_fault(respond(operation=["getTaskStatus", "restartTask"], connector="sink", task=1))
    assert not fire(state, "getConnectorStatus")
    assert not fire(state, "getTaskStatus", task=0)
    assert not fire(state, "getTaskStatus", connector="other", task=1)
    assert fire(state, "getTaskStatus", task=1) == ["fault-1"]
    assert fire(state, "restartTask", task=1) == ["fault-1"]


def test_nth_fires_on_the_nth_matching_request_only(state: MockState) -> None:
    state.add_fault(respond(operation="getConnectorStatus", nth=3))
    assert not fire(state, "listConnectors")  # not matching: not counted
    assert fires(state, 5) == [False, False, True, False, False]


def test_first_fires_on_the_first_n(state: MockState) -> None:
    state.add_fault(respond(operation="getConnectorStatus", first=2))
    assert fires(state, 4) == [True, True, False, False]


def test_every_fires_on_every_kth(state: MockState) -> None:
    state.add_fault(respond(operation="getConnectorStatus", every=3))
    assert fires(state, 7) == [False, False, True, False, False, True, False]


def test_times_caps_the_firings(state: MockState) -> None:
    state.add_fault(respond(every=2, times=2))
    assert fires(state, 8) == [False, True, False, True, False, False, False, False]
    assert state.faults.status("fault-1") == {
        "id": "fault-1",
        "fault": {"id": "fault-1", **respond(every=2, times=2)},
        "matched": 8,
        "fired": 2,
    }


def test_window_is_a_span_on_the_clock_after_the_fault_was_added(state: MockState) -> None:
    state.advance(100)  # the window counts from when the fault is added, not from the epoch
    state.add_fault(respond(window={"from": 10, "until": 20}))
    assert not fire(state)
    state.advance(10)
    assert fire(state)
    state.advance(9.9)
    assert fire(state)
    state.advance(0.1)
    assert not fire(state)


def test_probability_is_seeded_and_repeatable(state: MockState) -> None:
    def run(seed: int) -> list[bool]:
        fresh = MockState(clock=ManualClock())
        fresh.faults.seed = seed
        fresh.add_fault(respond(probability=0.3))
        return fires(fresh, 400)

    first, again, other = run(7), run(7), run(8)
    assert first == again
    assert first != other
    assert 0.2 < sum(first) / len(first) < 0.4


def test_a_faults_own_seed_overrides_the_scenarios(state: MockState) -> None:
    one, two = MockState(clock=ManualClock()), MockState(clock=ManualClock())
    one.faults.seed, two.faults.seed = 1, 2
    for mock in (one, two):
        mock.add_fault({**respond(probability=0.5), "seed": 99})
    assert fires(one, 50) == fires(two, 50)


def test_state_predicate_reads_the_requests_connector_and_task(state: MockState) -> None:
    create(state, **{"tasks.max": "2"})
    state.add_fault(respond(operation="restartTask", state={"state": "FAILED"}))
    assert not fire(state, "restartTask", task=0)
    state.cluster.fail_task("sink", 0, "java.lang.RuntimeException: x")
    assert fire(state, "restartTask", task=0)
    assert not fire(state, "restartTask", task=1)


def test_state_predicate_on_a_named_connector_target_and_existence(state: MockState) -> None:
    state.add_fault(respond(state={"connector": "sink", "exists": False}))
    state.add_fault(respond(state={"connector": "sink", "target_state": "STOPPED"}))
    assert fire(state) == ["fault-1"]
    create(state)
    assert fire(state) == []
    state.cluster.stop_connector("sink")
    assert fire(state) == ["fault-2"]


def test_at_fires_on_the_clock_at_each_instant(state: MockState) -> None:
    create(state, **{"tasks.max": "2"})
    state.add_fault({"when": {"at": [10, 20]}, "fail_task": {"connector": "sink", "task": 0}})
    state.add_fault({"when": {"at": 15}, "fail_task": {"connector": "sink", "task": 1}})
    state.advance(9)
    assert [t["state"] for t in state.cluster.get_connector_status("sink")["tasks"]] == ["RUNNING", "RUNNING"]
    state.advance(1)
    assert [t["state"] for t in state.cluster.get_connector_status("sink")["tasks"]] == ["FAILED", "RUNNING"]
    state.cluster.restart_task("sink", 0)
    state.advance(10)  # 15 and 20 both pass in one step
    assert [t["state"] for t in state.cluster.get_connector_status("sink")["tasks"]] == ["FAILED", "FAILED"]
    assert state.faults.status("fault-1")["fired"] == 2


def test_a_fault_without_when_that_changes_the_cluster_fires_at_once(state: MockState) -> None:
    create(state)
    state.add_fault({"fail_connector": {"connector": "sink"}})
    assert state.cluster.get_connector_status("sink")["connector"]["state"] == "FAILED"
    assert state.faults.statuses()[0]["fired"] == 1
    assert not state.faults.requested


def test_a_removed_timed_fault_never_fires(state: MockState) -> None:
    create(state)
    fault = state.add_fault({"when": {"at": 5}, "fail_connector": {"connector": "sink"}})
    state.faults.remove(fault.id)
    state.advance(10)
    assert state.cluster.get_connector_status("sink")["connector"]["state"] == "RUNNING"


# -- answers -------------------------------------------------------------------------------------


def test_respond_builds_kafkas_envelope_or_sends_a_body_as_is(state: MockState) -> None:
    op = "restartConnector"
    state.add_fault({"when": {"operation": op, "nth": 1}, "respond": {"status": 409, "message": "busy"}})
    state.add_fault(
        {"when": {"operation": op, "nth": 2}, "respond": {"status": 200, "body": {"x": 1}}, "off_spec": True}
    )
    state.add_fault({"when": {"operation": op, "nth": 3}, "respond": {"status": 204}})
    answers = []
    for _ in range(3):
        decision = state.faults.on_request(op, {})
        assert decision is not None
        assert isinstance(decision.answer, Respond)
        answers.append((decision.answer.status, decision.answer.has_body, decision.answer.body))
    assert answers == [(409, True, {"error_code": 409, "message": "busy"}), (200, True, {"x": 1}), (204, False, None)]


def test_an_answer_the_contract_does_not_allow_needs_off_spec(state: MockState) -> None:
    with pytest.raises(ScenarioError) as refused:
        state.add_fault({"when": {"operation": "getConnectorStatus"}, "respond": {"status": 503}})
    assert "status 503 is not documented for getConnectorStatus" in str(refused.value)
    assert "mark the fault `off_spec: true`" in str(refused.value)
    with pytest.raises(ScenarioError, match="response body"):
        state.add_fault({"when": {"operation": "listConnectors"}, "respond": {"status": 200, "body": {"x": 1}}})
    state.add_fault({"when": {"operation": "getConnectorStatus"}, "respond": {"status": 503}, "off_spec": True})


def test_the_first_answer_wins_and_delays_add_up(state: MockState) -> None:
    state.add_fault({"delay": 0.25})
    state.add_fault({"reset": True})
    state.add_fault({"respond": {"status": 500}})
    state.add_fault({"delay": {"fixed": 0.5}})
    decision = state.faults.on_request("listConnectors", {})
    assert decision is not None
    assert decision.fired == ["fault-1", "fault-2", "fault-3", "fault-4"]
    assert isinstance(decision.answer, Drop)
    assert decision.answered_by == "fault-2"
    assert decision.delay == 0.75


@pytest.mark.parametrize(
    ("spec", "low", "high"),
    [
        ({"uniform": [0.1, 0.3]}, 0.1, 0.3),
        ({"lognormal": {"median": 0.2, "sigma": 0.8, "max": 1.5}}, 0.0, 1.5),
    ],
)
def test_delay_distributions_stay_in_bounds_and_repeat_under_a_seed(
    spec: dict[str, Any], low: float, high: float
) -> None:
    def delays() -> list[float]:
        fresh = MockState(clock=ManualClock())
        fresh.faults.seed = 5
        fresh.add_fault({"delay": spec})
        found = [fresh.faults.on_request("listConnectors", {}) for _ in range(200)]
        return [d.delay for d in found if d is not None]

    first = delays()
    assert first == delays()
    assert all(low <= value <= high for value in first)
    assert len(set(first)) > 100


def test_lognormal_delays_centre_on_the_median() -> None:
    fresh = MockState(clock=ManualClock())
    fresh.add_fault({"delay": {"lognormal": {"median": 0.2, "sigma": 0.5}}})
    values = sorted(d.delay for d in (fresh.faults.on_request("x", {}) for _ in range(1001)) if d is not None)
    assert 0.17 < values[500] < 0.23
    assert Delay(median=0.2, sigma=0.0).sample(__import__("random").Random(1)) == pytest.approx(0.2)


def test_timeout_texts_follow_the_3_7_worker(state: MockState) -> None:
    now = MANUAL_EPOCH
    assert Timeout().message(now) == "Request timed out"
    assert Timeout("ensuring membership in the cluster", began=2.5).message(now) == (
        "Request timed out. The worker is currently ensuring membership in the cluster, "
        "which began at 2023-11-14T22:13:17.500Z"
    )
    assert Timeout("reading to the end of internal topics", began=30, completed=10).message(now) == (
        "Request timed out. The last operation the worker completed was reading to the end of internal topics, "
        "which began at 2023-11-14T22:12:50Z and completed at 2023-11-14T22:13:10Z"
    )
    state.add_fault({"timeout": {"stage": "starting the connector", "after": 0.5}})
    decision = state.faults.on_request("createConnector", {})
    assert decision is not None
    assert decision.error == (
        "Request timed out. The worker is currently starting the connector, which began at 2023-11-14T22:13:20Z"
    )
    assert decision.delay == 0.5


# -- faults that change the cluster ------------------------------------------------------------------


def test_fail_task_shows_a_realistic_sink_trace_and_leaves_the_rest_running(state: MockState) -> None:
    create(state, **{"tasks.max": "2"})
    state.add_fault({"fail_task": {"connector": "sink", "task": 1}})
    body = state.cluster.get_connector_status("sink")
    assert body["connector"]["state"] == "RUNNING"
    assert [t["state"] for t in body["tasks"]] == ["RUNNING", "FAILED"]
    trace = body["tasks"][1]["trace"]
    assert trace.startswith("org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\n")
    assert "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.execute(WorkerSinkTask.java:" in trace
    assert "Caused by: org.apache.kafka.connect.errors.DataException" in trace
    assert trace.endswith("more\n")


def test_fail_connector_names_the_connectors_class_in_its_trace(state: MockState) -> None:
    create(state, "src")
    state.add_fault({"fail_connector": {"connector": "src"}})
    body = state.cluster.get_connector_status("src")
    assert body["connector"]["state"] == "FAILED"
    assert "\tat org.apache.kafka.connect.file.FileStreamSourceConnector.start(" in body["connector"]["trace"]
    assert [t["state"] for t in body["tasks"]] == ["RUNNING"]


def test_fail_task_from_the_request_path(state: MockState) -> None:
    create(state, **{"tasks.max": "2"})
    state.add_fault({"when": {"operation": "getTaskStatus", "nth": 2}, "fail_task": {"trace": "boom"}})
    fire(state, "getTaskStatus", task=1)
    assert state.cluster.get_task_status("sink", 1)["state"] == "RUNNING"
    fire(state, "getTaskStatus", task=1)
    assert state.cluster.get_task_status("sink", 1) == {
        "id": 1,
        "state": "FAILED",
        "worker_id": "localhost:8083",
        "trace": "boom",
    }


def test_fail_restarts_fails_n_restarts_and_then_succeeds(state: MockState) -> None:
    create(state)
    state.add_fault({"fail_task": {"connector": "sink", "task": 0}})
    state.add_fault({"fail_restarts": {"connector": "sink", "task": 0, "times": 2}})
    seen = []
    for _ in range(3):
        state.cluster.restart_task("sink", 0)
        seen.append(state.cluster.get_task_status("sink", 0)["state"])
    assert seen == ["FAILED", "FAILED", "RUNNING"]


def test_fail_restarts_of_the_connector(state: MockState) -> None:
    create(state)
    state.add_fault({"fail_restarts": {"connector": "sink", "times": 1, "trace": "still broken"}})
    state.cluster.restart_connector("sink")
    assert state.cluster.get_connector_status("sink")["connector"]["trace"] == "still broken"
    state.cluster.restart_connector("sink")
    assert state.cluster.get_connector_status("sink")["connector"]["state"] == "RUNNING"


def test_missing_plugin_makes_create_answer_500_until_the_fault_is_removed(state: MockState) -> None:
    fault = state.add_fault({"missing_plugin": {"plugin": "FileStreamSink"}})
    with pytest.raises(ConnectError) as refused:
        create(state)
    assert type(refused.value) is ConnectError  # a plain 500, as Connect answers it
    message = refused.value.message or ""
    assert message.startswith(
        "Failed to find any class that implements Connector and which name matches "
        "org.apache.kafka.connect.file.FileStreamSinkConnector, available connectors are: PluginDesc{"
    )
    assert FILE_SINK not in message.split("available connectors are:")[1]
    assert all(p["class"] != FILE_SINK for p in state.cluster.list_connector_plugins())
    state.faults.remove(fault.id)
    create(state)
    assert state.cluster.get_connector_status("sink")["connector"]["state"] == "RUNNING"


def test_eventual_consistency_until_the_fault_is_removed(state: MockState) -> None:
    fault = state.add_fault({"eventual_consistency": {"connector_start": 2, "task_start": 3}})
    create(state)
    with pytest.raises(NotFound, match="No status found for connector sink"):
        state.cluster.get_connector_status("sink")
    state.advance(2)
    assert state.cluster.get_connector_status("sink")["tasks"] == []
    state.advance(3)
    assert [t["state"] for t in state.cluster.get_connector_status("sink")["tasks"]] == ["RUNNING"]
    state.faults.remove(fault.id)
    create(state, "other")
    assert state.cluster.get_connector_status("other")["connector"]["state"] == "RUNNING"


def test_a_scheduled_rebalance_takes_place_when_due_even_if_the_clock_jumps(state: MockState) -> None:
    create(state)
    state.add_fault({"when": {"at": 10}, "rebalance": {"duration": 5, "cause": "no_leader"}})
    state.cluster.clock.advance(12)  # no request in between: the rebalance began at 10, not at 12
    with pytest.raises(Conflict) as conflict:
        state.cluster.delete_connector("sink")
    assert conflict.value.message == REBALANCE_TEXTS["no_leader"]
    with pytest.raises(ConnectError, match="Request cannot be completed because a rebalance is expected"):
        state.cluster.get_connector_config("sink")
    state.advance(3)
    state.cluster.delete_connector("sink")


def test_lose_worker_then_reassign_then_add_it_back(state: MockState) -> None:
    state.cluster.identity.peers = ["w2:8083"]
    create(state, **{"tasks.max": "4"})
    state.add_fault({"when": {"at": 5}, "lose_worker": {"worker": "w2:8083", "reassign_after": 60}})
    state.advance(5)
    tasks = state.cluster.get_connector_status("sink")["tasks"]
    assert {t["state"] for t in tasks if t["worker_id"] == "w2:8083"} == {"UNASSIGNED"}
    state.advance(60)
    tasks = state.cluster.get_connector_status("sink")["tasks"]
    assert {(t["state"], t["worker_id"]) for t in tasks} == {("RUNNING", "localhost:8083")}
    state.add_fault({"add_worker": {"worker": "w2:8083"}})
    state.cluster.restart_connector("sink", include_tasks=True)
    assert {t["worker_id"] for t in state.cluster.get_connector_status("sink")["tasks"]} == {
        "localhost:8083",
        "w2:8083",
    }


# -- adding and resetting ------------------------------------------------------------------------------


def test_a_bad_fault_is_refused_whole_with_every_problem(state: MockState) -> None:
    with pytest.raises(ScenarioError) as refused:
        state.add_fault({"when": {"operation": "getConectorStatus", "nht": 1}, "respond": {"status": "500"}})
    text = str(refused.value)
    assert "fault.when.nht: unknown key 'nht'" in text
    assert "did you mean 'nth'?" in text
    assert "fault.respond.status: must be a whole number, not a string" in text
    assert len(state.faults) == 0


def test_a_fault_id_in_use_is_refused(state: MockState) -> None:
    state.add_fault({"id": "slow", "delay": 0.1})
    with pytest.raises(ScenarioError, match="a fault with id 'slow' is already active"):
        state.add_fault({"id": "slow", "delay": 0.2})


def test_reset_undoes_what_faults_did_and_rewinds_a_manual_clock(state: MockState) -> None:
    state.add_fault({"missing_plugin": {"plugin": "FileStreamSink"}})
    state.add_fault({"eventual_consistency": {"connector_start": 5}})
    state.add_fault({"add_worker": {"worker": "w9:8083"}})
    state.advance(42)
    state.reset()
    assert state.clock.now() == MANUAL_EPOCH
    assert len(state.faults) == 0
    assert state.cluster.identity.peers == []
    create(state)
    assert state.cluster.get_connector_status("sink")["connector"]["state"] == "RUNNING"
