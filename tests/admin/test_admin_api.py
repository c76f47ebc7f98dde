"""The admin API under /_mockconnect/: reset, journal, state snapshots, and its own contract.

These tests use the plugin's own fixtures, so every admin answer is also checked against
openapi/mockconnect-admin.yaml at teardown.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient
from helpers import FILE_SINK, FILE_SOURCE, error, sink_config, source_config
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from mockconnect.http import admin
from mockconnect.http.app import create_app
from mockconnect.mock.state import MockState
from mockconnect.release.contract import kafka_contract
from mockconnect.testing import MockConnectFixture

DOCUMENT = Path(__file__).resolve().parents[2] / "openapi" / "mockconnect-admin.yaml"
ADMIN_OPERATIONS = {
    "resetMock": ("POST", "/_mockconnect/reset"),
    "getJournal": ("GET", "/_mockconnect/journal"),
    "clearJournal": ("DELETE", "/_mockconnect/journal"),
    "getState": ("GET", "/_mockconnect/state"),
    "replaceState": ("PUT", "/_mockconnect/state"),
    "getScenario": ("GET", "/_mockconnect/scenario"),
    "loadScenario": ("PUT", "/_mockconnect/scenario"),
    "listFaults": ("GET", "/_mockconnect/faults"),
    "addFault": ("POST", "/_mockconnect/faults"),
    "clearFaults": ("DELETE", "/_mockconnect/faults"),
    "removeFault": ("DELETE", "/_mockconnect/faults/{fault_id}"),
    "getClock": ("GET", "/_mockconnect/clock"),
    "advanceClock": ("POST", "/_mockconnect/clock/advance"),
}


def build_state(client: FlaskClient) -> None:
    """A varied state through the Kafka API: running, paused, stopped with offsets, a logger change."""
    assert client.post("/connectors", json={"name": "src", "config": source_config()}).status_code == 201
    assert client.post("/connectors", json={"name": "sink", "config": sink_config(**{"tasks.max": "2"})}).status_code
    assert client.put("/connectors/sink/pause").status_code == 202
    assert client.post("/connectors", json={"name": "off", "config": sink_config()}).status_code == 201
    assert client.put("/connectors/off/stop").status_code == 204
    offsets = {"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": 7}}]}
    assert client.patch("/connectors/off/offsets", json=offsets).status_code == 200
    assert client.put("/admin/loggers/org.apache.kafka.connect", json={"level": "DEBUG"}).status_code == 200


def kafka_view(client: FlaskClient) -> dict[str, Any]:
    """What a Kafka client can see of the state."""
    names = client.get("/connectors").get_json()
    view: dict[str, Any] = {"connectors": sorted(names), "loggers": client.get("/admin/loggers").get_json()}
    for name in names:
        view[name] = {
            "status": client.get(f"/connectors/{name}/status").get_json(),
            "info": client.get(f"/connectors/{name}").get_json(),
            "tasks": client.get(f"/connectors/{name}/tasks").get_json(),
            "offsets": client.get(f"/connectors/{name}/offsets").get_json(),
            "topics": client.get(f"/connectors/{name}/topics").get_json(),
        }
    return view


# -- the document ------------------------------------------------------------------------------


def test_the_admin_document_is_valid_openapi_3_1() -> None:
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_admin_operation_is_routed_and_nothing_else_under_the_prefix() -> None:
    documented = {op_id: (op.method, op.path) for op_id, op in admin.admin_contract().operations.items()}
    assert documented == ADMIN_OPERATIONS
    app = create_app(MockState())
    routed = {
        rule.endpoint: (
            sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})[0],
            re.sub(r"<(\w+)>", r"{\1}", rule.rule),
        )
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/_mockconnect")
    }
    assert routed == ADMIN_OPERATIONS
    assert set(ADMIN_OPERATIONS) == admin.OPERATION_IDS


def test_the_kafka_contract_never_describes_admin_routes() -> None:
    kafka = kafka_contract()
    assert not [op.path for op in kafka.operations.values() if op.path.startswith("/_mockconnect")]
    assert not set(kafka.operations) & admin.OPERATION_IDS


@pytest.mark.parametrize("schema", ["Snapshot", "SnapshotInput"])
def test_the_document_examples_match_their_schemas(schema: str) -> None:
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    target = {**document["components"]["schemas"][schema], "components": document["components"]}
    Draft202012Validator(target).validate(document["components"]["schemas"][schema]["example"])


def test_the_documented_examples_load(mockconnect_client: FlaskClient) -> None:
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    for schema in ("Snapshot", "SnapshotInput"):
        example = document["components"]["schemas"][schema]["example"]
        assert mockconnect_client.put("/_mockconnect/state", json=example).status_code == 200


# -- reset -------------------------------------------------------------------------------------


def test_reset_answers_204_and_empties_state_and_journal(
    mockconnect: MockConnectFixture, mockconnect_client: FlaskClient
) -> None:
    fresh = mockconnect_client.get("/admin/loggers").get_json()
    build_state(mockconnect_client)
    response = mockconnect_client.post("/_mockconnect/reset")
    assert response.status_code == 204
    assert response.data == b""
    assert mockconnect.connectors == []
    assert [e.operation_id for e in mockconnect.journal] == ["resetMock"]
    assert mockconnect_client.get("/connectors").get_json() == []
    assert mockconnect_client.get("/admin/loggers").get_json() == fresh


# -- journal -----------------------------------------------------------------------------------


def test_journal_lists_every_request_with_its_operation_id(mockconnect_client: FlaskClient) -> None:
    mockconnect_client.post("/connectors", json={"name": "src", "config": source_config()})
    mockconnect_client.get("/connectors/nope/status")
    mockconnect_client.get("/no/such/path")
    body = mockconnect_client.get("/_mockconnect/journal").get_json()
    assert body["limit"] == 10_000
    assert body["evicted"] == 0
    assert [(e["operation_id"], e["method"], e["path"], e["status"]) for e in body["entries"]] == [
        ("createConnector", "POST", "/connectors", 201),
        ("getConnectorStatus", "GET", "/connectors/nope/status", 404),
        (None, "GET", "/no/such/path", 404),
    ]
    created = body["entries"][0]
    assert created["request_body"] == {"name": "src", "config": source_config()}
    assert created["response_body"]["name"] == "src"
    assert created["request_problems"] == created["response_problems"] == []
    assert created["error"] is None
    assert body["entries"][1]["path_params"] == {"connector": "nope"}


def test_journal_filters_by_operation_id(mockconnect_client: FlaskClient) -> None:
    mockconnect_client.get("/connectors")
    mockconnect_client.get("/")
    mockconnect_client.get("/connectors")
    body = mockconnect_client.get("/_mockconnect/journal?operation_id=listConnectors").get_json()
    assert [e["operation_id"] for e in body["entries"]] == ["listConnectors", "listConnectors"]


def test_admin_requests_are_journaled_under_admin_operation_ids(mockconnect: MockConnectFixture) -> None:
    client = mockconnect.client()
    client.get("/_mockconnect/state")
    client.get("/_mockconnect/journal")
    client.delete("/_mockconnect/journal")
    assert [e.operation_id for e in mockconnect.journal] == ["clearJournal"]
    mockconnect.assert_called("clearJournal", times=1)


def test_clearing_the_journal_keeps_the_state(mockconnect: MockConnectFixture) -> None:
    client = mockconnect.client()
    client.post("/connectors", json={"name": "src", "config": source_config()})
    response = client.delete("/_mockconnect/journal")
    assert response.status_code == 204
    assert response.data == b""
    assert mockconnect.connectors == ["src"]
    assert mockconnect.journal.calls("createConnector") == []


def test_journal_counts_evictions_and_reports_the_limit() -> None:
    state = MockState(journal_limit=3)
    client = create_app(state).test_client()
    for _ in range(5):
        client.get("/")
    body = client.get("/_mockconnect/journal").get_json()
    assert body["limit"] == 3
    assert body["evicted"] == 2  # five GET /, of which the journal keeps the last three
    assert [e["seq"] for e in body["entries"]] == [3, 4, 5]
    again = client.get("/_mockconnect/journal").get_json()  # the first getJournal pushed out one more
    assert (again["evicted"], [e["seq"] for e in again["entries"]]) == (3, [4, 5, 6])
    client.delete("/_mockconnect/journal")
    assert state.journal.evicted == 0


# -- state snapshots ---------------------------------------------------------------------------


def test_a_snapshot_round_trips_exactly(mockconnect_client: FlaskClient) -> None:
    build_state(mockconnect_client)
    before = kafka_view(mockconnect_client)
    snapshot = mockconnect_client.get("/_mockconnect/state").get_json()
    assert mockconnect_client.post("/_mockconnect/reset").status_code == 204
    loaded = mockconnect_client.put("/_mockconnect/state", json=snapshot)
    assert loaded.status_code == 200
    assert loaded.get_json() == snapshot
    assert mockconnect_client.get("/_mockconnect/state").get_json() == snapshot
    assert kafka_view(mockconnect_client) == before


def test_a_snapshot_shows_every_part_of_a_connector(mockconnect_client: FlaskClient) -> None:
    build_state(mockconnect_client)
    snapshot = mockconnect_client.get("/_mockconnect/state").get_json()
    assert snapshot["version"] == 1
    assert sorted(snapshot["connectors"]) == ["off", "sink", "src"]
    sink = snapshot["connectors"]["sink"]
    assert sink["target_state"] == "PAUSED"
    assert sink["type"] == "sink"
    assert sink["status"]["state"] == "PAUSED"
    assert [(t["id"], t["status"]["state"]) for t in sink["tasks"]] == [(0, "PAUSED"), (1, "PAUSED")]
    assert sink["tasks"][0]["config"]["task.class"] == "org.apache.kafka.connect.file.FileStreamSinkTask"
    off = snapshot["connectors"]["off"]
    assert (off["target_state"], off["tasks"]) == ("STOPPED", [])
    assert off["offsets"] == [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": 7}}]
    assert snapshot["loggers"]["org.apache.kafka.connect"]["level"] == "DEBUG"
    assert snapshot["loggers"]["root"] == {"level": "INFO", "last_modified": None}


def test_a_minimal_snapshot_gets_connect_like_defaults(mockconnect_client: FlaskClient) -> None:
    config = {"connector.class": FILE_SINK, "topics": "orders"}
    body = {
        "connectors": {
            "orders": {"config": config, "tasks": [{}, {"status": {"state": "FAILED", "trace": "boom"}}]},
            "paused": {"config": {"connector.class": FILE_SOURCE}, "target_state": "PAUSED", "tasks": [{}]},
        }
    }
    loaded = mockconnect_client.put("/_mockconnect/state", json=body)
    assert loaded.status_code == 200, loaded.get_json()
    orders = loaded.get_json()["connectors"]["orders"]
    worker = orders["status"]["worker_id"]
    assert orders["config"] == {**config, "name": "orders"}
    assert orders["type"] == "sink"
    assert orders["target_state"] == "STARTED"
    assert orders["status"] == {"state": "RUNNING", "worker_id": worker, "trace": None}
    assert orders["tasks"] == [
        {
            "id": 0,
            "config": {**config, "name": "orders"},
            "status": {"state": "RUNNING", "worker_id": worker, "trace": None},
        },
        {
            "id": 1,
            "config": {**config, "name": "orders"},
            "status": {"state": "FAILED", "worker_id": worker, "trace": "boom"},
        },
    ]
    assert orders["offsets"] == orders["active_topics"] == []
    paused = loaded.get_json()["connectors"]["paused"]
    assert (paused["type"], paused["status"]["state"], paused["tasks"][0]["status"]["state"]) == (
        "source",
        "PAUSED",
        "PAUSED",
    )
    status = mockconnect_client.get("/connectors/orders/status").get_json()
    assert status["tasks"][1] == {"id": 1, "state": "FAILED", "worker_id": worker, "trace": "boom"}


def test_loading_a_snapshot_keeps_a_fresh_workers_loggers_unless_named(mockconnect_client: FlaskClient) -> None:
    fresh = mockconnect_client.get("/_mockconnect/state").get_json()["loggers"]
    mockconnect_client.put("/admin/loggers/org.apache.kafka.connect", json={"level": "DEBUG"})
    body = {"loggers": {"root": {"level": "WARN"}, "com.example": {"level": "TRACE", "last_modified": 5}}}
    loaded = mockconnect_client.put("/_mockconnect/state", json=body).get_json()["loggers"]
    assert loaded == {
        **fresh,
        "root": {"level": "WARN", "last_modified": None},
        "com.example": {"level": "TRACE", "last_modified": 5},
    }
    assert mockconnect_client.get("/admin/loggers/com.example").get_json() == {"level": "TRACE", "last_modified": 5}


def test_loading_a_snapshot_leaves_the_journal_alone(mockconnect: MockConnectFixture) -> None:
    client = mockconnect.client()
    client.get("/")
    client.put("/_mockconnect/state", json={"connectors": {}})
    assert [e.operation_id for e in mockconnect.journal] == ["getWorkerInfo", "replaceState"]


VALID = {"config": {"connector.class": FILE_SINK, "topics": "t"}}

BAD_SNAPSHOTS: list[tuple[str, Any, str]] = [
    ("not an object", [], "the snapshot must be an object, not an array"),
    ("unknown top field", {"connector": {}}, "the snapshot has unknown field 'connector'"),
    ("wrong version", {"version": 2}, "version must be 1, not 2"),
    ("connectors not an object", {"connectors": []}, "connectors must be an object, not an array"),
    ("no config", {"connectors": {"a": {}}}, "connectors.a.config is required"),
    ("blank name", {"connectors": {" ": VALID}}, "a connector name must not be empty or blank"),
    (
        "config value not a string",
        {"connectors": {"a": {"config": {"tasks.max": 1}}}},
        "connectors.a.config.tasks.max must be a string",
    ),
    (
        "config name mismatch",
        {"connectors": {"a": {"config": {"name": "b"}}}},
        "connectors.a.config.name is 'b' but must be the connector's name 'a'",
    ),
    ("bad type", {"connectors": {"a": {**VALID, "type": "both"}}}, "connectors.a.type must be one of source, sink"),
    (
        "bad target state",
        {"connectors": {"a": {**VALID, "target_state": "RUNNING"}}},
        "connectors.a.target_state must be one of STARTED, PAUSED, STOPPED, not 'RUNNING'",
    ),
    (
        "status without state",
        {"connectors": {"a": {**VALID, "status": {"worker_id": "w"}}}},
        "connectors.a.status.state is required",
    ),
    (
        "task STOPPED",
        {"connectors": {"a": {**VALID, "tasks": [{"status": {"state": "STOPPED"}}]}}},
        "connectors.a.tasks[0].status.state must be one of UNASSIGNED, RUNNING, PAUSED, FAILED, RESTARTING",
    ),
    (
        "tasks on a stopped connector",
        {"connectors": {"a": {**VALID, "target_state": "STOPPED", "tasks": [{}]}}},
        "connectors.a.tasks must be empty: a STOPPED connector has no tasks",
    ),
    (
        "duplicate task ids",
        {"connectors": {"a": {**VALID, "tasks": [{"id": 1}, {"id": 1}]}}},
        "connectors.a.tasks[1].id 1 is used by another task",
    ),
    ("negative task id", {"connectors": {"a": {**VALID, "tasks": [{"id": -1}]}}}, "connectors.a.tasks[0].id must be"),
    (
        "trace not a string",
        {"connectors": {"a": {**VALID, "status": {"state": "FAILED", "trace": 3}}}},
        "connectors.a.status.trace must be a string or null",
    ),
    (
        "unknown task field",
        {"connectors": {"a": {**VALID, "tasks": [{"state": "RUNNING"}]}}},
        "connectors.a.tasks[0] has unknown field 'state'",
    ),
    (
        "offset without partition",
        {"connectors": {"a": {**VALID, "offsets": [{"offset": {}}]}}},
        "connectors.a.offsets[0].partition is required",
    ),
    (
        "topic not a string",
        {"connectors": {"a": {**VALID, "active_topics": [1]}}},
        "connectors.a.active_topics[0] must be a string",
    ),
    ("bad logger level", {"loggers": {"x": {"level": "LOUD"}}}, "loggers.x.level must be one of OFF"),
    ("logger without level", {"loggers": {"x": {}}}, "loggers.x.level is required"),
    ("root without level", {"loggers": {"root": {"level": None}}}, "loggers.root.level must be set"),
    (
        "bad last_modified",
        {"loggers": {"x": {"level": "INFO", "last_modified": "now"}}},
        "loggers.x.last_modified must be epoch milliseconds or null",
    ),
    (
        "second connector bad",
        {"connectors": {"good": VALID, "bad": {**VALID, "type": "x"}}},
        "connectors.bad.type must be one of",
    ),
]


@pytest.mark.mockconnect(validate_requests=False)
@pytest.mark.parametrize(("body", "message"), [case[1:] for case in BAD_SNAPSHOTS], ids=[c[0] for c in BAD_SNAPSHOTS])
def test_a_bad_snapshot_gets_400_naming_the_field_and_changes_nothing(
    mockconnect_client: FlaskClient, body: Any, message: str
) -> None:
    build_state(mockconnect_client)
    before = mockconnect_client.get("/_mockconnect/state").get_json()
    response = mockconnect_client.put("/_mockconnect/state", json=copy.deepcopy(body))
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["error_code"] == 400
    assert message in answer["message"]
    assert mockconnect_client.get("/_mockconnect/state").get_json() == before


@pytest.mark.mockconnect(validate_requests=False)
def test_the_contract_flags_what_the_mock_refuses(mockconnect: MockConnectFixture) -> None:
    """The document's SnapshotInput and the domain check agree on the cases a schema can express."""
    client = mockconnect.client()
    for name, body, _ in BAD_SNAPSHOTS:
        if name in ("blank name", "config name mismatch", "duplicate task ids", "tasks on a stopped connector"):
            continue  # rules across fields, which JSON Schema does not state
        if name == "root without level":
            continue
        client.put("/_mockconnect/state", json=body)
        assert mockconnect.journal.entries()[-1].request_problems, name


@pytest.mark.mockconnect(validate_requests=False)
def test_a_body_that_is_not_json_gets_400(mockconnect_client: FlaskClient) -> None:
    response = mockconnect_client.put("/_mockconnect/state", data="{", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("the body is not valid JSON: ")
    empty = mockconnect_client.put("/_mockconnect/state", content_type="application/json")
    error(empty, 400, "the body must be a state snapshot (a JSON object); GET /_mockconnect/state shows one")


@pytest.mark.mockconnect(validate_requests=False)
def test_a_snapshot_not_sent_as_json_gets_415(mockconnect_client: FlaskClient) -> None:
    form = mockconnect_client.put("/_mockconnect/state", data="{}", content_type="application/x-www-form-urlencoded")
    wanted = "send the snapshot with Content-Type: application/json (this request had {})"
    error(form, 415, wanted.format("application/x-www-form-urlencoded"))
    error(mockconnect_client.put("/_mockconnect/state", data=b"{}"), 415, wanted.format("none"))


# -- checks and switches -----------------------------------------------------------------------


def test_admin_answers_are_checked_against_the_admin_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    state = MockState()
    client = create_app(state).test_client()
    monkeypatch.setattr(admin.snapshot, "take", lambda cluster: {"version": 2})
    client.get("/_mockconnect/state")
    [entry] = state.journal.problems()
    assert entry.operation_id == "getState"
    assert any("connectors" in problem for problem in entry.response_problems)


def test_without_validation_admin_requests_are_not_checked() -> None:
    state = MockState()
    client = create_app(state, validate=False).test_client()
    client.put("/_mockconnect/state", json={"connectors": {"a": {"config": {"x": 1}}}})
    assert state.journal.entries()[-1].request_problems == []


@pytest.mark.parametrize(("method", "path"), list(ADMIN_OPERATIONS.values()))
def test_admin_off_answers_404_like_a_real_worker(method: str, path: str) -> None:
    client = create_app(MockState(), admin=False).test_client()
    error(client.open(path, method=method), 404, "HTTP 404 Not Found")


def test_unknown_admin_paths_and_methods_get_kafkas_routing_errors(mockconnect_client: FlaskClient) -> None:
    error(mockconnect_client.get("/_mockconnect/nothing"), 404, "HTTP 404 Not Found")
    error(mockconnect_client.post("/_mockconnect/state"), 405, "HTTP 405 Method Not Allowed")
