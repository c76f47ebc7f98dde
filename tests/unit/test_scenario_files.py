"""Scenario files: what a good one sets up, and how a bad one is refused (file, line, field, hint)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from mockconnect.clock import ManualClock
from mockconnect.mock import scenario
from mockconnect.mock.scenario import ScenarioError
from mockconnect.mock.state import MockState
from mockconnect.worker.cluster import CreateRequest
from mockconnect.worker.errors import ConnectError, Forbidden

GOOD = """\
version: 1
name: tiny
description: A sink on two workers, one plugin more, one less.
seed: 11
cluster:
  worker_id: connect-1:8083
  workers: [connect-2:8083]
  cluster_id: AbCdEfGhIjKlMnOpQrStUv
  topic_tracking_reset: false
  plugins:
    add:
      - class: io.confluent.connect.jdbc.JdbcSinkConnector
        type: sink
        version: 10.7.4
        task_class: io.confluent.connect.jdbc.sink.JdbcSinkTask
    remove: [FileStreamSource]
state:
  connectors:
    orders:
      config: {connector.class: JdbcSinkConnector, topics: orders, tasks.max: "2"}
      active_topics: [orders]
    lines:
      config: {connector.class: org.apache.kafka.connect.file.FileStreamSourceConnector, topic: lines, file: /x}
      status: {state: FAILED, trace: "java.lang.ClassNotFoundException: gone"}
      tasks: []
  loggers:
    org.apache.kafka.connect: {level: DEBUG}
faults:
  - id: crash
    when: {at: 60}
    fail_task: {connector: orders, task: 1}
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str, name: str = "s.yaml") -> list[str]:
    path = write(tmp_path, text, name)
    with pytest.raises(ScenarioError) as refused:
        scenario.load(path)
    return [str(problem).replace(str(path), name) for problem in refused.value.problems]


# -- a good file -------------------------------------------------------------------------------


def test_a_scenario_sets_up_workers_plugins_state_and_faults(tmp_path: Path) -> None:
    loaded = scenario.load(write(tmp_path, GOOD))
    assert loaded.summary() == {
        "name": "tiny",
        "description": "A sink on two workers, one plugin more, one less.",
        "source": str(tmp_path / "s.yaml"),
        "seed": 11,
        "faults": ["crash"],
    }
    state = MockState(clock=ManualClock())
    state.load_scenario(loaded)
    cluster = state.cluster
    assert cluster.get_worker_info()["kafka_cluster_id"] == "AbCdEfGhIjKlMnOpQrStUv"
    orders = cluster.get_connector_status("orders")
    assert orders["type"] == "sink"
    assert [(t["state"], t["worker_id"]) for t in orders["tasks"]] == [
        ("RUNNING", "connect-1:8083"),
        ("RUNNING", "connect-2:8083"),
    ]
    assert cluster.get_tasks_config("orders")["orders-0"]["task.class"] == "io.confluent.connect.jdbc.sink.JdbcSinkTask"
    lines = cluster.get_connector_status("lines")
    assert lines == {
        "name": "lines",
        "connector": {
            "state": "FAILED",
            "worker_id": "connect-2:8083",
            "trace": "java.lang.ClassNotFoundException: gone",
        },
        "tasks": [],
        "type": "unknown",  # its plugin is missing from this worker
    }
    assert cluster.get_logger("org.apache.kafka.connect")["level"] == "DEBUG"
    with pytest.raises(Forbidden, match="Topic tracking reset is disabled."):
        cluster.reset_connector_active_topics("orders")
    with pytest.raises(ConnectError, match="Failed to find any class that implements Connector"):
        cluster.create_connector(
            CreateRequest("again", {"connector.class": "FileStreamSource", "topic": "t", "file": "/x"})
        )
    state.advance(60)
    assert [t["state"] for t in cluster.get_connector_status("orders")["tasks"]] == ["RUNNING", "FAILED"]


def test_json_is_a_scenario_format_too(tmp_path: Path) -> None:
    data = {
        "version": 1,
        "state": {"connectors": {"x": {"config": {"connector.class": "FileStreamSink", "topics": "t"}}}},
    }
    loaded = scenario.load(write(tmp_path, json.dumps(data), "x.json"))
    assert loaded.name == "x"
    assert loaded.faults == ()


def test_reset_goes_back_to_the_baseline_scenario_and_forgets_a_loaded_one(tmp_path: Path) -> None:
    loaded = scenario.load(write(tmp_path, GOOD))
    state = MockState(clock=ManualClock())
    state.cluster.identity.worker_id = "127.0.0.1:8083"
    state.load_scenario(loaded)
    state.reset()
    assert state.cluster.connectors == {}
    assert state.cluster.identity.worker_id == "127.0.0.1:8083"
    assert state.cluster.identity.peers == []
    assert len(state.cluster.catalog.plugins) == len(MockState().cluster.catalog.plugins)
    state.load_scenario(loaded, baseline=True)
    state.cluster.delete_connector("orders")
    state.reset()
    assert sorted(state.cluster.connectors) == ["lines", "orders"]
    assert state.faults.statuses()[0]["id"] == "crash"


def test_a_shipped_scenario_is_found_by_name_and_a_typo_gets_a_suggestion() -> None:
    assert "failing-task" in scenario.shipped_names()
    assert scenario.load("failing-task").source == "failing-task"
    with pytest.raises(ScenarioError) as refused:
        scenario.load("failing-tsk")
    assert "no scenario named 'failing-tsk'" in str(refused.value)
    assert "did you mean 'failing-task'?" in str(refused.value)


# -- refusals ------------------------------------------------------------------------------------


def test_invalid_yaml_is_refused_with_its_line_and_column(tmp_path: Path) -> None:
    found = problems(tmp_path, "version: 1\nstate:\n  connectors: {x: [\n")
    assert len(found) == 1
    assert found[0].startswith("s.yaml:4:1: invalid YAML: ")


def test_unknown_keys_are_refused_with_a_suggestion(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        version: 1
        faults:
          - when: {operation: getConnectorStatus, nht: 2}
            respond: {status: 500}
        """,
    )
    assert found == [
        "s.yaml:3:43: faults[0].when.nht: unknown key 'nht'\n"
        "    hint: did you mean 'nth'? Allowed here: at, connector, every, first, nth, operation, probability, state, "
        "task, times, window"
    ]


def test_wrong_types_are_refused_each_at_its_field(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        version: 1
        seed: lucky
        state:
          connectors:
            sink:
              config: {connector.class: FileStreamSink, topics: t, tasks.max: 2}
              target_state: RUNNING
        faults:
          - when: {first: two}
            delay: -1
        """,
    )
    assert [line.split("\n")[0] for line in found] == [
        "s.yaml:2:7: seed: must be a whole number, not a string",
        's.yaml:6:71: state.connectors.sink.config["tasks.max"]: must be a string, not a whole number',
        's.yaml:7:21: state.connectors.sink.target_state: must be one of "STARTED", "PAUSED", "STOPPED", not "RUNNING"',
        "s.yaml:9:19: faults[0].when.first: must be a whole number, not a string",
        "s.yaml:10:12: faults[0].delay: -1 is less than the minimum of 0",
    ]
    assert "hint: quote it: Connect stores every config value as a string, e.g. '2'" in found[1]


def test_a_future_version_is_refused_clearly(tmp_path: Path) -> None:
    found = problems(tmp_path, "version: 2\nwhatever: {new: feature}\n")
    assert found == [
        "s.yaml:1:10: version: version 2 is newer than this mockconnect (0.1.0) understands: it reads version 1\n"
        "    hint: upgrade mockconnect (pip install -U mockconnect), or write the scenario for version 1"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "s.yaml: the file is empty"),
        ("state: {}\n", "s.yaml:1:1: missing required key 'version'"),
        ("- 1\n", "s.yaml:1:1: a scenario is a mapping, not a list"),
        ("version: '1'\n", 's.yaml:1:10: version: must be 1, not "1"'),
        ("version: 1\nversion: 1\n", "s.yaml:2:1: version: duplicate key 'version'"),
    ],
)
def test_files_that_are_not_scenarios(tmp_path: Path, text: str, expected: str) -> None:
    assert problems(tmp_path, text)[0].split("\n")[0] == expected


def test_rules_beyond_the_schema(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        version: 1
        cluster:
          workers: [w2:8083]
        state:
          connectors:
            x: {config: {connector.class: JdbcSink}}
        faults:
          - when: {operation: getConectorStatus}
            delay: 1
          - when: {nth: 1, first: 2}
            reset: true
            delay: 1
          - when: {at: 5, operation: restartTask}
            fail_task: {connector: x, task: 0}
          - when: {at: 5}
            respond: {status: 500}
          - fail_task: {task: 0}
          - lose_worker: {worker: w3:8083}
          - missing_plugin: {plugin: JdbcSink}
          - when: {operation: getConnectorStatus}
            respond: {status: 429}
          - {id: a, delay: 1}
          - {id: a, delay: 2}
        """,
    )
    assert [line.split("\n")[0] for line in found] == [
        's.yaml:6:35: state.connectors.x.config["connector.class"]: '
        "'JdbcSink' is not a connector plugin of this worker",
        "s.yaml:8:23: faults[0].when.operation: 'getConectorStatus' is not an operationId of Kafka Connect 3.7",
        "s.yaml:12:5: faults[1].delay: a fault has exactly one effect, this one has 2 (reset, delay)",
        "s.yaml:13:12: faults[2].when.at: `at` fires on the clock, so it cannot be combined with operation",
        "s.yaml:15:12: faults[3].when.at: respond changes answers to requests, so it cannot fire at a clock time",
        "s.yaml:17:16: faults[4].fail_task: fail_task.connector is required here",
        "s.yaml:18:27: faults[5].lose_worker.worker: 'w3:8083' is not one of the cluster's other workers (w2:8083)",
        "s.yaml:19:30: faults[6].missing_plugin.plugin: 'JdbcSink' is not a plugin of this worker",
        "s.yaml:21:5: faults[7].respond: the Kafka Connect 3.7 contract does not allow this answer for "
        "getConnectorStatus: status 429 is not documented for getConnectorStatus",
        "s.yaml:23:10: faults[9].id: id 'a' is already used by faults[8]",
    ]
    assert "did you mean 'getConnectorStatus'?" in found[1]
    assert "add others under cluster.plugins.add" in found[0]


def test_a_snapshot_problem_is_placed_at_its_connector(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        version: 1
        state:
          connectors:
            stopped:
              config: {connector.class: FileStreamSink, topics: t}
              target_state: STOPPED
              tasks: [{}]
        """,
    )
    assert found == ["s.yaml:7:14: state.connectors.stopped.tasks: must be empty: a STOPPED connector has no tasks"]


def test_yaml_1_1_booleans_as_names_are_caught(tmp_path: Path) -> None:
    found = problems(
        tmp_path, "version: 1\nstate:\n  connectors:\n    off: {config: {connector.class: FileStreamSink}}\n"
    )
    assert found == [
        "s.yaml:4:5: state.connectors.off: key 'off' is read by YAML as a boolean, not as a name\n"
        "    hint: quote it: 'off'"
    ]


def test_check_reports_every_file_and_never_raises(tmp_path: Path) -> None:
    good, bad = write(tmp_path, GOOD, "good.yaml"), write(tmp_path, "version: 3\n", "bad.yaml")
    results = scenario.check([good, bad, tmp_path / "missing.yaml"])
    assert results[str(good)] == []
    assert "newer than this mockconnect" in str(results[str(bad)][0])
    assert "cannot read the file" in str(results[str(tmp_path / "missing.yaml")][0])


def test_the_schema_is_the_one_shipped_and_valid() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(scenario.schema())
    assert scenario.schema()["properties"]["version"] == {
        "const": 1,
        "description": "The scenario format's version. This mockconnect reads version 1.",
    }


def test_a_scenario_names_the_kafka_release_to_emulate() -> None:
    loaded = scenario.parse("version: 1\ncluster:\n  kafka_version: '3.9'\n")
    assert loaded.kafka_version == "3.9.2"
    state = MockState()
    state.load_scenario(loaded)
    assert state.cluster.release.version == "3.9.2"
    assert state.cluster.identity.version == "3.9.2"
    state.reset()
    assert state.cluster.release.version == "3.7.0"


def test_an_unknown_kafka_release_is_a_problem_naming_the_known_ones() -> None:
    with pytest.raises(scenario.ScenarioError) as problem:
        scenario.parse("version: 1\ncluster:\n  kafka_version: '2.1'\n")
    assert "cluster.kafka_version: unknown Kafka release '2.1'" in str(problem.value)
    assert "Known releases are 3.6.2, 3.7.0" in str(problem.value)
