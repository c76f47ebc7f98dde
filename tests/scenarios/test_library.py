"""Every ready scenario, driven as a client would: the codes, bodies and states it promises, over clock time.

The plugin's fixture has a manual clock: ``mockconnect.clock.advance(s)`` moves it and applies what is due.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient
from helpers import error

from mockconnect.http.transport import ConnectionDropped
from mockconnect.mock import scenario
from mockconnect.testing import MockConnectFixture

WORKERS = {"connect-1:8083", "connect-2:8083", "connect-3:8083"}
REBALANCE_EXPECTED = "Request cannot be completed because a rebalance is expected"


def status(client: FlaskClient, name: str) -> dict[str, Any]:
    answer = client.get(f"/connectors/{name}/status")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body: dict[str, Any] = answer.get_json()
    return body


def states(client: FlaskClient, name: str) -> tuple[str, list[str]]:
    body = status(client, name)
    return body["connector"]["state"], [task["state"] for task in body["tasks"]]


def test_every_ready_scenario_passes_the_check_and_says_what_it_tests() -> None:
    names = scenario.shipped_names()
    assert len(names) >= 8
    folder = scenario.locate(names[0]).parent
    for name in names:
        loaded = scenario.load(name)
        assert loaded.name == name
        assert loaded.description
        text = (folder / f"{name}.yaml").read_text(encoding="utf-8")
        assert text.startswith("# Client behaviour under test: "), name


# -- healthy-cluster -------------------------------------------------------------------------------


@pytest.mark.mockconnect(scenario="healthy-cluster")
def test_healthy_cluster_reads_whole_and_stays_healthy(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client = mockconnect_client
    names = client.get("/connectors").get_json()
    assert sorted(names) == [
        "audit-file-sink",
        "events-s3-sink",
        "heartbeats",
        "lines-file-source",
        "orders-cdc",
        "orders-jdbc-sink",
        "reporting-jdbc-sink",
    ]
    expanded = client.get("/connectors?expand=status&expand=info").get_json()
    assert set(expanded) == set(names)
    kinds = {name: (entry["info"]["type"], entry["status"]["connector"]["state"]) for name, entry in expanded.items()}
    assert kinds["orders-cdc"] == ("source", "RUNNING")
    assert kinds["events-s3-sink"] == ("sink", "RUNNING")
    assert kinds["reporting-jdbc-sink"] == ("sink", "PAUSED")
    workers = {t["worker_id"] for entry in expanded.values() for t in entry["status"]["tasks"]}
    assert workers == WORKERS
    assert states(client, "orders-jdbc-sink") == ("RUNNING", ["RUNNING", "RUNNING", "RUNNING"])
    assert client.get("/connectors/orders-cdc/offsets").get_json() == {
        "offsets": [
            {"partition": {"server": "shop"}, "offset": {"lsn": 2984751832, "txId": 88213, "ts_usec": 1700000000000000}}
        ]
    }
    assert client.get("/connectors/orders-cdc/topics").get_json() == {
        "orders-cdc": {"topics": ["shop.public.orders", "shop.public.order_lines"]}
    }
    tasks = client.get("/connectors/orders-jdbc-sink/tasks").get_json()
    assert [t["config"]["task.class"] for t in tasks] == ["io.confluent.connect.jdbc.sink.JdbcSinkTask"] * 3
    assert client.get("/").get_json()["kafka_cluster_id"] == "q3mGvE6sRi2xT5fLd8YkNw"
    plugins = {p["class"] for p in client.get("/connector-plugins").get_json()}
    assert "io.debezium.connector.postgresql.PostgresConnector" in plugins
    mockconnect.clock.advance(24 * 3600)
    assert client.get("/connectors?expand=status").get_json() == {
        name: {"status": entry["status"]} for name, entry in expanded.items()
    }


# -- failing-task ----------------------------------------------------------------------------------


@pytest.mark.mockconnect(scenario="failing-task")
def test_failing_task_fails_at_30s_and_holds_after_two_failed_restarts(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client, name = mockconnect_client, "orders-jdbc-sink"
    mockconnect.clock.advance(29)
    assert states(client, name) == ("RUNNING", ["RUNNING", "RUNNING", "RUNNING"])
    mockconnect.clock.advance(1)
    body = status(client, name)
    assert [t["state"] for t in body["tasks"]] == ["RUNNING", "FAILED", "RUNNING"]
    trace = body["tasks"][1]["trace"]
    assert trace.startswith(
        "org.apache.kafka.connect.errors.ConnectException: java.sql.SQLException: Exception chain:\n"
    )
    assert "\tat io.confluent.connect.jdbc.sink.JdbcSinkTask.put(JdbcSinkTask.java:122)\n" in trace
    assert body["connector"] == {"state": "RUNNING", "worker_id": "connect-1:8083"}

    for attempt in range(2):
        assert client.post(f"/connectors/{name}/tasks/1/restart").status_code == 204
        mockconnect.clock.advance(10)  # a supervisor's back-off
        failed = client.get(f"/connectors/{name}/tasks/1/status").get_json()
        assert (attempt, failed["state"], failed["trace"]) == (attempt, "FAILED", trace)
    plan = client.post(f"/connectors/{name}/restart?includeTasks=true&onlyFailed=true")
    assert plan.status_code == 202
    assert [t["state"] for t in plan.get_json()["tasks"]] == ["RUNNING", "RESTARTING", "RUNNING"]
    assert states(client, name) == ("RUNNING", ["RUNNING", "RUNNING", "RUNNING"])
    mockconnect.assert_called("restartTask", connector=name, task=1, times=2)
    mockconnect.assert_restarted(name, include_tasks=True, only_failed=True, times=1)


# -- rebalance-storm -------------------------------------------------------------------------------


@pytest.mark.mockconnect(scenario="rebalance-storm")
def test_rebalance_storm_answers_409_and_500_inside_the_windows_only(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client = mockconnect_client
    create = client.post(
        "/connectors", json={"name": "x", "config": {"connector.class": "FileStreamSink", "topics": "x"}}
    )
    error(
        create,
        409,
        "Cannot complete request momentarily due to stale configuration "
        "(typically caused by a concurrent config change)",
    )
    error(client.get("/connectors/audit-file-sink"), 500, REBALANCE_EXPECTED)
    error(client.get("/connectors/audit-file-sink/tasks-config"), 500, REBALANCE_EXPECTED)
    assert client.get("/connectors/audit-file-sink/status").status_code == 200  # never checks
    assert client.put("/connectors/audit-file-sink/pause").status_code == 202  # not forwarded
    assert client.put("/connectors/audit-file-sink/resume").status_code == 202

    mockconnect.clock.advance(20)
    error(
        client.delete("/connectors/lines-file-source"),
        409,
        "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.",
    )
    mockconnect.clock.advance(40)
    error(
        client.post("/connectors/lines-file-source/restart"),
        409,
        "Cannot complete request because of a conflicting operation (e.g. worker rebalance)",
    )

    mockconnect.reset()
    mockconnect.load_scenario("rebalance-storm")
    seen = []
    for _ in range(0, 130, 2):
        seen.append(client.post("/connectors/lines-file-source/restart").status_code)
        mockconnect.clock.advance(2)
    expected = [409 if t % 20 < 8 and t < 108 else 204 for t in range(0, 130, 2)]
    assert seen == expected


# -- slow-worker -------------------------------------------------------------------------------------


@pytest.mark.mockconnect(scenario="slow-worker")
def test_slow_worker_delays_and_times_out_a_create_that_still_happens(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client = mockconnect_client
    started = time.perf_counter()
    for _ in range(5):
        assert client.get("/connectors").status_code == 200
    assert 0.05 < time.perf_counter() - started < 2.5
    assert all("latency" in e.faults for e in mockconnect.journal.calls("listConnectors"))

    config = {"connector.class": "FileStreamSource", "topic": "lines", "file": "/tmp/lines.txt"}
    started = time.perf_counter()
    timed_out = client.post("/connectors", json={"name": "lines", "config": config})
    assert time.perf_counter() - started >= 1.0
    error(
        timed_out,
        500,
        "Request timed out. The worker is currently reading to the end of internal topics, "
        "which began at 2023-11-14T22:13:08Z",
    )
    assert "lines" in client.get("/connectors").get_json()  # the worker carried it out anyway
    error(client.post("/connectors", json={"name": "lines", "config": config}), 409, "Connector lines already exists")

    validate = client.put("/connector-plugins/FileStreamSource/config/validate", json=config)
    assert validate.status_code == 500
    assert validate.get_json()["message"].startswith(
        "Request timed out. The worker is currently waiting for a new thread to become available for "
        "connector validation"
    )
    assert client.put("/connector-plugins/FileStreamSource/config/validate", json=config).status_code == 200


# -- flaky-network ---------------------------------------------------------------------------------


def outcome(client: FlaskClient, path: str) -> str:
    try:
        answer = client.get(path)
    except ConnectionDropped as dropped:
        return "reset" if dropped.reset else "no answer"
    if answer.status_code == 503:
        return "503"
    try:
        json.loads(answer.get_data())
    except ValueError:
        return "garbled"
    return "ok"


@pytest.mark.mockconnect(scenario="flaky-network")
def test_flaky_network_fails_in_every_way_and_the_same_seed_fails_the_same(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    mockconnect.remove_fault("jitter")  # real time; its own test below
    first = [outcome(mockconnect_client, "/connectors/audit-file-sink/status") for _ in range(120)]
    counts = Counter(first)
    assert set(counts) == {"ok", "reset", "no answer", "garbled", "503"}
    assert counts["ok"] > 80
    dropped = [e for e in mockconnect.journal.entries() if e.status == 0]
    assert dropped
    assert all({"connection-reset", "no-answer"} & set(e.faults) for e in dropped)

    mockconnect.load_scenario("flaky-network")
    mockconnect.remove_fault("jitter")
    assert [outcome(mockconnect_client, "/connectors/audit-file-sink/status") for _ in range(120)] == first
    mockconnect.load_scenario("flaky-network", seed=8)
    mockconnect.remove_fault("jitter")
    assert [outcome(mockconnect_client, "/connectors/audit-file-sink/status") for _ in range(120)] != first


@pytest.mark.mockconnect(scenario="flaky-network")
def test_flaky_network_jitter_is_10_to_60_ms(mockconnect: MockConnectFixture, mockconnect_client: FlaskClient) -> None:
    for fault in mockconnect.faults:
        if fault.id != "jitter":
            fault.remove()
    started = time.perf_counter()
    for _ in range(10):
        mockconnect_client.get("/connectors")
    assert 0.1 <= time.perf_counter() - started < 1.5
    assert mockconnect.faults[0].fired == 10


# -- lost-worker -----------------------------------------------------------------------------------


@pytest.mark.mockconnect(scenario="lost-worker")
def test_lost_worker_leaves_unassigned_work_that_moves_after_five_minutes(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client = mockconnect_client

    def placements() -> set[tuple[str, str]]:
        found = set()
        for name in ("audit-file-sink", "lines-file-source", "heartbeats"):
            body = status(client, name)
            found |= {(t["state"], t["worker_id"]) for t in [body["connector"], *body["tasks"]]}
        return found

    assert {worker for _, worker in placements()} == WORKERS
    mockconnect.clock.advance(60)
    after_loss = placements()
    assert ("UNASSIGNED", "connect-3:8083") in after_loss
    assert ("RUNNING", "connect-3:8083") not in after_loss
    assert {state for state, worker in after_loss if worker != "connect-3:8083"} == {"RUNNING"}
    assert client.post("/connectors/audit-file-sink/restart").status_code == 409  # the rebalance after the loss
    mockconnect.clock.advance(10)
    mockconnect.clock.advance(289)
    assert ("UNASSIGNED", "connect-3:8083") in placements()
    mockconnect.clock.advance(1)
    assert placements() <= {("RUNNING", "connect-1:8083"), ("RUNNING", "connect-2:8083")}


# -- eventual-consistency --------------------------------------------------------------------------


@pytest.mark.mockconnect(scenario="eventual-consistency")
def test_eventual_consistency_status_404_then_running_then_tasks(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client = mockconnect_client
    config = {"connector.class": "FileStreamSink", "topics": "lines", "tasks.max": "2", "file": "/tmp/out"}
    assert client.post("/connectors", json={"name": "lines", "config": config}).status_code == 201
    error(client.get("/connectors/lines/status"), 404, "No status found for connector lines")
    assert set(client.get("/connectors?expand=status").get_json()) == {"audit-file-sink"}
    assert client.get("/connectors/lines/tasks").get_json() == []
    mockconnect.clock.advance(2.9)
    error(client.get("/connectors/lines/status"), 404, "No status found for connector lines")
    mockconnect.clock.advance(0.1)
    assert states(client, "lines") == ("RUNNING", [])
    mockconnect.clock.advance(2)
    assert states(client, "lines") == ("RUNNING", ["RUNNING", "RUNNING"])

    assert client.put("/connectors/lines/config", json={**config, "tasks.max": "3"}).status_code == 200
    assert states(client, "lines")[0] == "UNASSIGNED"
    mockconnect.clock.advance(5)
    assert states(client, "lines") == ("RUNNING", ["RUNNING", "RUNNING", "RUNNING"])


# -- offsets-migration -----------------------------------------------------------------------------


@pytest.mark.mockconnect(scenario="offsets-migration")
def test_offsets_migration_alters_and_resets_only_stopped_connectors(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client = mockconnect_client
    assert states(client, "lines-source") == ("STOPPED", [])
    assert client.get("/connectors/lines-source/offsets").get_json() == {
        "offsets": [{"partition": {"filename": "/var/data/lines.txt"}, "offset": {"position": 20480}}]
    }
    moved = {"offsets": [{"partition": {"filename": "/var/data/lines.txt"}, "offset": {"position": 0}}]}
    altered = client.patch("/connectors/lines-source/offsets", json=moved)
    assert altered.get_json() == {"message": "The offsets for this connector have been altered successfully"}
    assert client.get("/connectors/lines-source/offsets").get_json() == moved

    sink_offsets = client.get("/connectors/orders-sink/offsets").get_json()["offsets"]
    assert [o["offset"]["kafka_offset"] for o in sink_offsets] == [1200, 998]
    assert client.delete("/connectors/orders-sink/offsets").status_code == 200
    assert client.get("/connectors/orders-sink/offsets").get_json() == {"offsets": []}

    running = {
        "offsets": [{"partition": {"kafka_topic": "audit", "kafka_partition": 0}, "offset": {"kafka_offset": 0}}]
    }
    error(
        client.patch("/connectors/audit-sink/offsets", json=running),
        400,
        "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the "
        "specified connector by issuing a 'PUT' request to the '/connectors/audit-sink/stop' endpoint",
    )
    assert client.put("/connectors/lines-source/resume").status_code == 202
    assert states(client, "lines-source") == ("RUNNING", ["RUNNING"])
    assert client.delete("/connectors/lines-source/offsets").status_code == 400  # not STOPPED any more


# -- missing-plugin --------------------------------------------------------------------------------


@pytest.mark.mockconnect(scenario="missing-plugin")
def test_missing_plugin_answers_500_on_create_and_loses_more_plugins_at_120s(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    client = mockconnect_client
    config = {"connector.class": "FileStreamSink", "topics": "audit"}
    refused = client.post("/connectors", json={"name": "again", "config": config})
    assert refused.status_code == 500
    message = refused.get_json()["message"]
    assert message.startswith(
        "Failed to find any class that implements Connector and which name matches FileStreamSink, available "
        "connectors are: PluginDesc{klass=class org.apache.kafka.connect.mirror.MirrorCheckpointConnector, "
    )
    assert client.put("/connectors/again/config", json=config).status_code == 500
    assert client.get("/connectors/audit-file-sink").get_json()["type"] == "unknown"
    audit = status(client, "audit-file-sink")["connector"]
    assert audit["state"] == "FAILED"
    assert "matches org.apache.kafka.connect.file.FileStreamSinkConnector" in audit["trace"]
    assert len(client.get("/connector-plugins").get_json()) == 3

    mockconnect.clock.advance(120)
    assert client.get("/connector-plugins").get_json() == []
    heartbeat = {"connector.class": "MirrorHeartbeatConnector", "source.cluster.alias": "a"}
    error(
        client.post("/connectors", json={"name": "hb", "config": heartbeat}),
        500,
        "Failed to find any class that implements Connector and which name matches MirrorHeartbeatConnector, "
        "available connectors are: ",
    )
    assert states(client, "heartbeats") == ("RUNNING", ["RUNNING"])  # running connectors keep running
