"""ConnectCluster, the domain core: connector lifecycle and state machine, without Flask."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import FILE_SINK, FILE_SOURCE, sink_config, source_config

from mockconnect.worker.cluster import ConnectCluster, CreateRequest
from mockconnect.worker.errors import AlreadyExists, BadRequest, ConnectError, NotFound
from mockconnect.worker.models import State, Status


def states(cluster: ConnectCluster, name: str = "src") -> tuple[str, list[str]]:
    body = cluster.get_connector_status(name)
    return body["connector"]["state"], [task["state"] for task in body["tasks"]]


def fail_task(cluster: ConnectCluster, name: str, task: int, trace: str = "java.lang.RuntimeException: boom") -> None:
    cluster.connectors[name].tasks[task].status = Status(State.FAILED, cluster.identity.worker_id, trace)


def test_create_answers_the_config_with_name_and_no_tasks_yet(make_source: Any) -> None:
    assert make_source("src") == {
        "name": "src",
        "config": {**source_config(), "name": "src"},
        "tasks": [],
        "type": "source",
    }


def test_created_connector_is_running_with_its_tasks_at_once(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src")
    assert states(cluster) == ("RUNNING", ["RUNNING"])
    assert cluster.get_connector("src")["tasks"] == [{"connector": "src", "task": 0}]


def test_file_source_makes_one_task_whatever_tasks_max_says(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src", **{"tasks.max": "4"})
    assert len(cluster.list_connector_tasks("src")) == 1


def test_file_sink_makes_tasks_max_tasks(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("sink", sink_config(**{"tasks.max": "3"})))
    assert [t["id"]["task"] for t in cluster.list_connector_tasks("sink")] == [0, 1, 2]


def test_task_config_is_the_connector_config_plus_task_class(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src")
    [task] = cluster.list_connector_tasks("src")
    assert task == {
        "id": {"connector": "src", "task": 0},
        "config": {
            **source_config(),
            "name": "src",
            "task.class": "org.apache.kafka.connect.file.FileStreamSourceTask",
        },
    }
    assert cluster.get_tasks_config("src") == {"src-0": task["config"]}


def test_create_trims_the_name(make_source: Any) -> None:
    assert make_source("  padded ")["name"] == "padded"


def test_create_rejects_a_config_name_that_differs(cluster: ConnectCluster) -> None:
    with pytest.raises(BadRequest) as caught:
        cluster.create_connector(CreateRequest(" a ", source_config(name="b")))
    assert caught.value.message == "Connector name configuration (b) doesn't match connector name in the URL (a)"


def test_create_without_a_name_reports_the_empty_name(cluster: ConnectCluster) -> None:
    with pytest.raises(BadRequest) as caught:
        cluster.create_connector(CreateRequest(None, source_config(name="foo")))
    assert caught.value.message == "Connector name configuration (foo) doesn't match connector name in the URL ()"


def test_create_without_connector_class(cluster: ConnectCluster) -> None:
    with pytest.raises(BadRequest) as caught:
        cluster.create_connector(CreateRequest("x", {"topic": "t"}))
    assert caught.value.message == "Connector config {name=x, topic=t} contains no connector type"


def test_create_with_an_unknown_class_is_a_500_listing_connectors(cluster: ConnectCluster) -> None:
    with pytest.raises(ConnectError) as caught:
        cluster.create_connector(CreateRequest("x", {"connector.class": "com.example.Nope"}))
    assert type(caught.value) is ConnectError
    message = caught.value.message or ""
    assert message.startswith(
        "Failed to find any class that implements Connector and which name matches com.example.Nope, "
        "available connectors are: PluginDesc{klass=class org.apache.kafka.connect.file.FileStreamSinkConnector, "
        "name='org.apache.kafka.connect.file.FileStreamSinkConnector', version='3.7.0', encodedVersion=3.7.0, "
        "type=sink, typeName='sink', location="
    )
    assert message.count("PluginDesc{") == 5


@pytest.mark.parametrize(
    ("config", "errors"),
    [
        (
            source_config(**{"tasks.max": "0"}),
            ["Invalid value 0 for configuration tasks.max: Value must be at least 1"],
        ),
        (
            source_config(**{"tasks.max": "x"}),
            [
                "Invalid value x for configuration tasks.max: Not a number of type INT",
                # Kafka runs the validator on the value a failed parse left behind (null).
                "Invalid value null for configuration tasks.max: Value must be non-null",
            ],
        ),
        ({"connector.class": FILE_SOURCE}, ['Missing required configuration "topic" which has no default value.']),
        (
            {"connector.class": FILE_SINK},
            ["Must configure one of topics or topics.regex", "Must configure one of topics or topics.regex"],
        ),
        (
            source_config(**{"errors.tolerance": "some"}),
            ["Invalid value some for configuration errors.tolerance: String must be one of: none, all"],
        ),
        (
            source_config(topic="t", **{"errors.log.enable": "maybe"}),
            ["Invalid value maybe for configuration errors.log.enable: Expected value to be either true or false"],
        ),
    ],
)
def test_invalid_configs_are_400_listing_every_error(
    cluster: ConnectCluster, config: dict[str, Any], errors: list[str]
) -> None:
    with pytest.raises(BadRequest) as caught:
        cluster.create_connector(CreateRequest("x", config))
    assert caught.value.message == "\n".join(
        [
            f"Connector configuration is invalid and contains the following {len(errors)} error(s):",
            *errors,
            "You can also find the above list of errors at the endpoint "
            "`/connector-plugins/{connectorType}/config/validate`",
        ]
    )


def test_an_empty_name_is_invalid(cluster: ConnectCluster) -> None:
    with pytest.raises(BadRequest) as caught:
        cluster.create_connector(CreateRequest("   ", source_config()))
    assert "Invalid value  for configuration name: String may not be empty" in (caught.value.message or "")


def test_control_characters_in_a_name_are_listed_in_decimal(cluster: ConnectCluster) -> None:
    with pytest.raises(BadRequest) as caught:
        cluster.create_connector(CreateRequest("a\nb\x7f", source_config()))
    assert (
        "Invalid value a\nb\x7f for configuration name: String may not contain control sequences but had the "
        "following ASCII chars: 10, 127"
    ) in (caught.value.message or "")


def test_validation_runs_before_the_existence_check(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src")
    with pytest.raises(BadRequest):
        cluster.create_connector(CreateRequest("src", {"connector.class": FILE_SOURCE}))
    with pytest.raises(AlreadyExists) as caught:
        make_source("src")
    assert caught.value.message == "Connector src already exists"


@pytest.mark.parametrize("initial", ["PAUSED", "paused"])
def test_create_paused_makes_no_tasks(cluster: ConnectCluster, make_source: Any, initial: str) -> None:
    make_source("src", initial_state=initial)
    assert states(cluster) == ("PAUSED", [])
    assert cluster.list_connector_tasks("src") == []
    cluster.resume_connector("src")
    assert states(cluster) == ("RUNNING", ["RUNNING"])


def test_create_stopped_allows_offset_changes_at_once(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src", initial_state="STOPPED")
    assert states(cluster) == ("STOPPED", [])
    assert cluster.reset_connector_offsets("src") == {
        "message": "The offsets for this connector have been reset successfully"
    }


def test_pause_and_resume(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("sink", sink_config(**{"tasks.max": "2"})))
    cluster.pause_connector("sink")
    assert states(cluster, "sink") == ("PAUSED", ["PAUSED", "PAUSED"])
    cluster.resume_connector("sink")
    assert states(cluster, "sink") == ("RUNNING", ["RUNNING", "RUNNING"])


def test_failed_tasks_stay_failed_through_pause_and_resume(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("sink", sink_config(**{"tasks.max": "2"})))
    fail_task(cluster, "sink", 1)
    cluster.pause_connector("sink")
    assert states(cluster, "sink") == ("PAUSED", ["PAUSED", "FAILED"])
    cluster.resume_connector("sink")
    assert states(cluster, "sink") == ("RUNNING", ["RUNNING", "FAILED"])


def test_a_failed_connector_ignores_pause_and_resume(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src")
    cluster.connectors["src"].status = Status(State.FAILED, "localhost:8083", "trace")
    cluster.pause_connector("src")
    cluster.resume_connector("src")
    assert states(cluster)[0] == "FAILED"


def test_stop_removes_tasks_and_resume_regenerates_them(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src")
    cluster.stop_connector("src")
    assert states(cluster) == ("STOPPED", [])
    assert cluster.list_connector_tasks("src") == []
    assert cluster.get_connector("src")["tasks"] == []
    cluster.stop_connector("src")  # idempotent
    cluster.resume_connector("src")
    assert states(cluster) == ("RUNNING", ["RUNNING"])


def test_plain_restart_answers_nothing_and_leaves_tasks_alone(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("sink", sink_config(**{"tasks.max": "2"})))
    fail_task(cluster, "sink", 1)
    assert cluster.restart_connector("sink") is None
    assert states(cluster, "sink") == ("RUNNING", ["RUNNING", "FAILED"])


@pytest.mark.parametrize(
    ("include_tasks", "only_failed", "plan", "after"),
    [
        (False, True, ("RUNNING", ["RUNNING", "FAILED"]), ["RUNNING", "FAILED"]),
        (True, False, ("RESTARTING", ["RESTARTING", "RESTARTING"]), ["RUNNING", "RUNNING"]),
        (True, True, ("RUNNING", ["RUNNING", "RESTARTING"]), ["RUNNING", "RUNNING"]),
    ],
)
def test_restart_matrix(
    cluster: ConnectCluster, include_tasks: bool, only_failed: bool, plan: tuple[str, list[str]], after: list[str]
) -> None:
    cluster.create_connector(CreateRequest("sink", sink_config(**{"tasks.max": "2"})))
    fail_task(cluster, "sink", 1, "java.lang.RuntimeException: boom")
    answer = cluster.restart_connector("sink", include_tasks, only_failed)
    assert answer is not None
    assert (answer["connector"]["state"], [t["state"] for t in answer["tasks"]]) == plan
    # The plan keeps the old trace on a task it marks RESTARTING.
    assert answer["tasks"][1].get("trace") == "java.lang.RuntimeException: boom"
    assert states(cluster, "sink") == ("RUNNING", after)


def test_restart_of_a_failed_connector_with_only_failed(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src")
    cluster.connectors["src"].status = Status(State.FAILED, "localhost:8083", "trace")
    answer = cluster.restart_connector("src", False, True)
    assert answer is not None
    assert answer["connector"]["state"] == "RESTARTING"
    assert states(cluster) == ("RUNNING", ["RUNNING"])


def test_task_restart(cluster: ConnectCluster) -> None:
    cluster.create_connector(CreateRequest("sink", sink_config()))
    fail_task(cluster, "sink", 0)
    cluster.restart_task("sink", 0)
    assert cluster.get_task_status("sink", 0) == {"id": 0, "state": "RUNNING", "worker_id": "localhost:8083"}
    with pytest.raises(NotFound) as caught:
        cluster.restart_task("sink", 7)
    assert caught.value.message == "Unknown task: sink-7"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.get_connector("nope"), "Connector nope not found"),
        (lambda c: c.get_connector_config("nope"), "Connector nope not found"),
        (lambda c: c.list_connector_tasks("nope"), "Connector nope not found"),
        (lambda c: c.get_tasks_config("nope"), "Connector nope not found"),
        (lambda c: c.delete_connector("nope"), "Connector nope not found"),
        (lambda c: c.get_connector_offsets("nope"), "Connector nope not found"),
        (lambda c: c.reset_connector_offsets("nope"), "Connector nope not found"),
        (lambda c: c.get_connector_status("nope"), "No status found for connector nope"),
        (lambda c: c.get_task_status("nope", 0), "No status found for task nope-0"),
        (lambda c: c.pause_connector("nope"), "Unknown connector nope"),
        (lambda c: c.resume_connector("nope"), "Unknown connector nope"),
        (lambda c: c.stop_connector("nope"), "Unknown connector nope"),
        (lambda c: c.restart_connector("nope"), "Unknown connector: nope"),
        (lambda c: c.restart_connector("nope", True, False), "Unknown connector: nope"),
        (lambda c: c.restart_task("nope", 0), "Unknown connector: nope"),
    ],
)
def test_not_found_texts(cluster: ConnectCluster, call: Any, message: str) -> None:
    with pytest.raises(NotFound) as caught:
        call(cluster)
    assert caught.value.message == message


def test_put_config_creates_then_replaces(cluster: ConnectCluster) -> None:
    created, info = cluster.put_connector_config("sink", sink_config())
    assert created
    assert info["tasks"] == []
    replaced, info = cluster.put_connector_config("sink", sink_config(**{"tasks.max": "3"}))
    assert not replaced
    assert info["tasks"] == [{"connector": "sink", "task": 0}]
    assert len(cluster.list_connector_tasks("sink")) == 3


def test_put_config_keeps_a_paused_connector_paused_with_its_old_tasks(cluster: ConnectCluster) -> None:
    cluster.put_connector_config("sink", sink_config())
    cluster.pause_connector("sink")
    cluster.put_connector_config("sink", sink_config(**{"tasks.max": "3"}))
    assert states(cluster, "sink") == ("PAUSED", ["PAUSED"])


def test_put_config_does_not_trim_the_path_name(cluster: ConnectCluster) -> None:
    with pytest.raises(BadRequest) as caught:
        cluster.put_connector_config("a", sink_config(name="b"))
    assert caught.value.message == "Connector name configuration (b) doesn't match connector name in the URL (a)"


def test_delete_removes_status(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src")
    cluster.delete_connector("src")
    assert cluster.list_connectors() == []
    with pytest.raises(NotFound):
        cluster.get_connector_status("src")


def test_expanded_listing(cluster: ConnectCluster, make_source: Any) -> None:
    assert cluster.list_connectors([]) == {}
    make_source("src")
    assert cluster.list_connectors(["status", "info"])["src"].keys() == {"status", "info"}
    assert cluster.list_connectors(["status,info"]) == {"src": {}}


def test_reset_forgets_everything(cluster: ConnectCluster, make_source: Any) -> None:
    make_source("src")
    cluster.set_level("org.apache.kafka.connect", {"level": "DEBUG"})
    cluster.reset()
    assert cluster.list_connectors() == []
    assert set(cluster.list_loggers()) == {"org.reflections", "root"}
