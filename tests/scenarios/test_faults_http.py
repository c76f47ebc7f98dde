"""Faults through HTTP (Flask test client): answers, contract checks, the journal, the admin API, determinism."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from flask.testing import FlaskClient
from helpers import error, sink_config

from mockconnect.clock import MANUAL_EPOCH, Clock, ManualClock
from mockconnect.http.app import create_app
from mockconnect.http.transport import ConnectionDropped
from mockconnect.mock.scenario import ScenarioError
from mockconnect.mock.state import MockState
from mockconnect.testing import MockConnectFixture

STATUS = "/connectors/sink/status"


@pytest.fixture
def sink(mockconnect_client: FlaskClient) -> FlaskClient:
    assert mockconnect_client.post("/connectors", json={"name": "sink", "config": sink_config()}).status_code == 201
    return mockconnect_client


# -- answers ---------------------------------------------------------------------------------------


def test_respond_replaces_the_answer_and_is_checked_against_the_contract(
    mockconnect: MockConnectFixture, sink: FlaskClient
) -> None:
    fault = mockconnect.add_fault(
        when={"operation": "getConnectorStatus", "first": 2}, respond={"status": 500, "message": "boom"}
    )
    error(sink.get(STATUS), 500, "boom")
    error(sink.get(STATUS), 500, "boom")
    assert sink.get(STATUS).status_code == 200
    assert (fault.matched, fault.fired) == (3, 2)
    entries = mockconnect.journal.calls("getConnectorStatus")
    assert [(e.status, e.faults) for e in entries] == [(500, [fault.id]), (500, [fault.id]), (200, [])]


@pytest.mark.mockconnect(strict=False)
def test_an_off_spec_answer_is_not_flagged_and_an_unmarked_one_would_be(
    mockconnect: MockConnectFixture, sink: FlaskClient
) -> None:
    mockconnect.add_fault(when={"operation": "getConnectorStatus"}, respond={"status": 503}, off_spec=True)
    error(sink.get(STATUS), 503, "HTTP 503 Service Unavailable")
    assert mockconnect.problems() == []
    # A fault cannot be added with an answer the contract forbids, unless it says off_spec: true.
    with pytest.raises(ScenarioError, match="status 418 is not documented for getConnectorStatus"):
        mockconnect.add_fault(when={"operation": "getConnectorStatus"}, respond={"status": 418})


def test_respond_with_a_body_and_headers_and_an_empty_answer(
    mockconnect: MockConnectFixture, sink: FlaskClient
) -> None:
    plan = {"name": "sink", "connector": {"state": "RESTARTING", "worker_id": "w:1"}, "tasks": [], "type": "sink"}
    mockconnect.add_fault(
        when={"operation": "restartConnector", "nth": 1}, respond={"status": 202, "body": plan, "headers": {"X-A": "b"}}
    )
    mockconnect.add_fault(when={"operation": "restartConnector", "nth": 2}, respond={"status": 204})
    first = sink.post("/connectors/sink/restart?includeTasks=true")
    assert (first.status_code, first.get_json(), first.headers["X-A"]) == (202, plan, "b")
    second = sink.post("/connectors/sink/restart?includeTasks=true")
    assert (second.status_code, second.get_data(), second.headers.get("Content-Type")) == (204, b"", None)


def test_a_timeout_answers_500_and_an_applied_one_still_changes_the_state(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client = mockconnect_client
    mockconnect.add_fault(
        when={"operation": "createConnector", "nth": 1},
        timeout={"stage": "ensuring membership in the cluster", "began": 0.25, "applied": True},
    )
    mockconnect.add_fault(when={"operation": "deleteConnector", "nth": 1}, timeout={})
    error(
        client.post("/connectors", json={"name": "sink", "config": sink_config()}),
        500,
        "Request timed out. The worker is currently ensuring membership in the cluster, "
        "which began at 2023-11-14T22:13:19.750Z",
    )
    assert mockconnect.connector("sink").state == "RUNNING"
    error(client.delete("/connectors/sink"), 500, "Request timed out")
    assert mockconnect.connector("sink").exists  # not applied
    assert client.delete("/connectors/sink").status_code == 204


def test_reset_and_empty_drop_the_connection_and_the_journal_says_so(
    mockconnect: MockConnectFixture, sink: FlaskClient
) -> None:
    mockconnect.add_fault(id="rst", when={"operation": "deleteConnector", "nth": 1}, reset=True)
    mockconnect.add_fault(id="fin", when={"operation": "deleteConnector", "nth": 2}, empty={"applied": True})
    with pytest.raises(ConnectionDropped, match="fault 'rst' reset the connection") as first:
        sink.delete("/connectors/sink")
    assert first.value.reset
    assert mockconnect.connector("sink").exists  # the worker never saw the request
    with pytest.raises(ConnectionDropped, match="fault 'fin' closed the connection without an answer"):
        sink.delete("/connectors/sink")
    assert not mockconnect.connectors  # it did see this one: only the answer was lost
    assert [(e.status, e.faults) for e in mockconnect.journal.calls("deleteConnector")] == [
        (0, ["rst"]),
        (204, ["fin"]),
    ]


def test_malformed_truncates_the_body_or_sends_the_given_text(
    mockconnect: MockConnectFixture, sink: FlaskClient
) -> None:
    whole = sink.get(STATUS).get_data()
    mockconnect.add_fault(when={"operation": "getConnectorStatus", "nth": 1}, malformed=True)
    mockconnect.add_fault(when={"operation": "getConnectorStatus", "nth": 2}, malformed={"body": "<html>oops"})
    half = sink.get(STATUS)
    assert (half.status_code, half.get_data(), half.headers["Content-Length"]) == (
        200,
        whole[: len(whole) // 2],
        str(len(whole) // 2),
    )
    with pytest.raises(json.JSONDecodeError):
        json.loads(half.get_data())
    assert sink.get(STATUS).get_data() == b"<html>oops"
    assert mockconnect.journal.calls("getConnectorStatus")[1].response_body == json.loads(
        whole
    )  # as the worker answered


def test_delay_and_dribble_take_real_time_and_keep_the_bytes(
    mockconnect: MockConnectFixture, sink: FlaskClient
) -> None:
    whole = sink.get(STATUS).get_data()
    mockconnect.add_fault(when={"operation": "getConnectorStatus", "nth": 1}, delay=0.2)
    mockconnect.add_fault(when={"operation": "getConnectorStatus", "nth": 2}, dribble={"chunks": 4, "duration": 0.4})
    for least in (0.2, 0.4):
        started = time.perf_counter()
        assert sink.get(STATUS).get_data() == whole
        assert least <= time.perf_counter() - started < least + 0.5


def test_faults_never_touch_the_admin_api(mockconnect: MockConnectFixture, mockconnect_client: FlaskClient) -> None:
    mockconnect.add_fault(reset=True)
    assert mockconnect_client.get("/_mockconnect/faults").status_code == 200
    assert mockconnect_client.get("/_mockconnect/state").status_code == 200


def test_fault_views_count_and_remove(mockconnect: MockConnectFixture, sink: FlaskClient) -> None:
    fault = mockconnect.add_fault({"when": {"operation": "getConnectorStatus", "every": 2}, "delay": 0})
    for _ in range(5):
        sink.get(STATUS)
    assert (fault.matched, fault.fired, fault.active) == (5, 2, True)
    assert [f.id for f in mockconnect.faults] == [fault.id]
    mockconnect.remove_fault(fault)
    assert not fault.active
    assert mockconnect.faults == []
    with pytest.raises(AssertionError, match="is no longer active"):
        _ = fault.fired


# -- the admin API -----------------------------------------------------------------------------------


def test_admin_loads_scenarios_by_name_or_inline(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client = mockconnect_client
    assert client.get("/_mockconnect/scenario").get_json() == {"scenario": None}
    loaded = client.put("/_mockconnect/scenario", json={"name": "failing-task", "seed": 4})
    assert loaded.status_code == 200
    assert loaded.get_json() == {
        "scenario": {
            "name": "failing-task",
            "description": "A JDBC sink task fails at 30 s with a stack trace; its first two restarts fail, "
            "the third holds.",
            "source": "failing-task",
            "seed": 4,
            "faults": ["task-crash", "restarts-fail-twice"],
        }
    }
    assert client.get("/_mockconnect/scenario").get_json() == loaded.get_json()
    inline = {
        "version": 1,
        "name": "inline",
        "state": {"connectors": {"x": {"config": {"connector.class": "FileStreamSink", "topics": "t"}}}},
    }
    assert client.put("/_mockconnect/scenario", json={"scenario": inline}).get_json()["scenario"]["name"] == "inline"
    assert client.get("/connectors").get_json() == ["x"]
    assert client.post("/_mockconnect/reset").status_code == 204
    assert client.get("/_mockconnect/scenario").get_json() == {"scenario": None}


@pytest.mark.mockconnect(validate_requests=False)  # sends requests the admin contract refuses
@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"name": "failing-tsk"}, "Did you mean 'failing-task'?"),
        ({"name": "/etc/passwd"}, 'no ready scenario named "/etc/passwd"'),  # never a file of the server's
        ({"scenario": {"version": 2}}, "version 2 is newer than this mockconnect"),
        ({"scenario": {"version": 1, "faults": [{"delay": 1, "reset": True}]}}, "a fault has exactly one effect"),
        ({"name": "failing-task", "scenario": {}}, 'the body must be {"name"'),
        ({"name": "failing-task", "seed": "x"}, "seed must be a whole number"),
    ],
)
def test_admin_refuses_a_bad_scenario_and_changes_nothing(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient, body: dict[str, Any], fragment: str
) -> None:
    client = mockconnect_client
    client.put("/_mockconnect/scenario", json={"name": "healthy-cluster"})
    before = client.get("/_mockconnect/state").get_json()
    refused = client.put("/_mockconnect/scenario", json=body)
    assert refused.status_code == 400
    assert fragment in refused.get_json()["message"]
    assert client.get("/_mockconnect/state").get_json() == before
    assert client.get("/_mockconnect/scenario").get_json()["scenario"]["name"] == "healthy-cluster"


@pytest.mark.mockconnect(validate_requests=False)  # sends requests the admin contract refuses
def test_admin_adds_lists_and_removes_faults(mockconnect: MockConnectFixture, sink: FlaskClient) -> None:
    client = sink
    spec = {"when": {"operation": "getConnectorStatus", "nth": 1}, "respond": {"status": 500, "message": "x"}}
    added = client.post("/_mockconnect/faults", json=spec)
    assert added.status_code == 201
    assert added.get_json() == {"id": "fault-1", "fault": {"id": "fault-1", **spec}, "matched": 0, "fired": 0}
    client.post("/_mockconnect/faults", json={"id": "slow", "delay": 0})
    client.get(STATUS)
    listed = client.get("/_mockconnect/faults").get_json()["faults"]
    assert [(f["id"], f["matched"], f["fired"]) for f in listed] == [("fault-1", 1, 1), ("slow", 1, 1)]
    assert client.delete("/_mockconnect/faults/fault-1").status_code == 204
    error(client.delete("/_mockconnect/faults/fault-1"), 404, "no fault 'fault-1'; the active faults are: 'slow'")
    assert client.delete("/_mockconnect/faults").status_code == 204
    assert client.get("/_mockconnect/faults").get_json() == {"faults": []}
    bad = client.post("/_mockconnect/faults", json={"when": {"nth": 0}, "delay": 1})
    assert bad.status_code == 400
    assert "fault.when.nth: 0 is less than the minimum of 1" in bad.get_json()["message"]
    wrong_type = client.post("/_mockconnect/faults", data="{}", content_type="text/plain")
    assert wrong_type.status_code == 415


@pytest.mark.mockconnect(validate_requests=False)  # sends requests the admin contract refuses
def test_admin_reads_and_advances_a_manual_clock(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client = mockconnect_client
    assert client.get("/_mockconnect/clock").get_json() == {
        "mode": "manual",
        "now": MANUAL_EPOCH,
        "instant": "2023-11-14T22:13:20Z",
    }
    client.post("/connectors", json={"name": "sink", "config": sink_config()})
    client.post("/_mockconnect/faults", json={"when": {"at": 30}, "fail_connector": {"connector": "sink"}})
    advanced = client.post("/_mockconnect/clock/advance", json={"seconds": 30.5})
    assert advanced.get_json() == {"mode": "manual", "now": MANUAL_EPOCH + 30.5, "instant": "2023-11-14T22:13:50.500Z"}
    assert client.get("/_mockconnect/state").get_json()["connectors"]["sink"]["status"]["state"] == "FAILED"
    assert client.post("/_mockconnect/clock/advance", json={"seconds": -1}).status_code == 400
    assert client.post("/_mockconnect/reset").status_code == 204
    assert client.get("/_mockconnect/clock").get_json()["now"] == MANUAL_EPOCH


def test_a_wall_clock_cannot_be_advanced() -> None:
    client = create_app(MockState(clock=Clock())).test_client()
    assert client.get("/_mockconnect/clock").get_json()["mode"] == "wall"
    error(
        client.post("/_mockconnect/clock/advance", json={"seconds": 1}),
        409,
        "the mock runs on wall time, which cannot be advanced; start it with --clock manual",
    )


# -- determinism -------------------------------------------------------------------------------------


def replay(name: str, seed: int | None = None) -> list[tuple[int, dict[str, str], bytes] | str]:
    """A fixed request sequence against a fresh mock on a manual clock: every answer, byte for byte."""
    state = MockState(clock=ManualClock())
    client = create_app(state).test_client()
    client.put("/_mockconnect/scenario", json={"name": name, **({} if seed is None else {"seed": seed})})
    client.delete("/_mockconnect/faults/jitter")
    seen: list[tuple[int, dict[str, str], bytes] | str] = []
    config = {"connector.class": "FileStreamSink", "topics": "t", "file": "/tmp/x"}
    for step in range(40):
        requests = [
            ("GET", "/connectors?expand=status&expand=info", None),
            ("POST", "/connectors", {"name": f"c{step}", "config": config}),
            ("GET", f"/connectors/c{step}/status", None),
            ("PUT", "/admin/loggers/org.apache.kafka.connect", {"level": "DEBUG" if step % 2 else "INFO"}),
            ("GET", "/admin/loggers", None),
        ]
        for method, path, body in requests:
            try:
                answer = client.open(path, method=method, json=body)
            except ConnectionDropped as dropped:
                seen.append(f"dropped reset={dropped.reset}")
                continue
            headers = {k: v for k, v in answer.headers.items() if k.lower() != "date"}
            seen.append((answer.status_code, headers, answer.get_data()))
        client.post("/_mockconnect/clock/advance", json={"seconds": 7})
    return seen


def test_the_same_scenario_seed_and_requests_give_byte_identical_answers() -> None:
    first = replay("flaky-network")
    assert first == replay("flaky-network")
    assert any(isinstance(item, str) for item in first)  # faults did fire
    assert first != replay("flaky-network", seed=99)
    storm = replay("rebalance-storm")
    assert storm == replay("rebalance-storm")
    assert sum(1 for item in storm if not isinstance(item, str) and item[0] == 409) >= 5
