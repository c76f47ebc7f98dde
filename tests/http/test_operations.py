"""Every operation's success path through the Flask test client, with Kafka's codes and bodies."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers import FILE_SINK, Connect, sink_config, source_config


def test_get_worker_info(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.get_json()["version"] == "3.7.0"


def test_create_answers_201_with_absolute_location(connect: Connect) -> None:
    response = connect.create("my conn")
    assert response.status_code == 201
    assert response.headers["Location"] == "http://localhost/connectors/my%20conn"
    assert response.get_json() == {
        "name": "my conn",
        "config": {**source_config(), "name": "my conn"},
        "tasks": [],
        "type": "source",
    }


def test_config_scalars_are_coerced_to_strings(connect: Connect, client: FlaskClient) -> None:
    raw = (
        '{"name": "sink", "config": {"connector.class": "FileStreamSink", "topics": "t", '
        '"tasks.max": 2, "errors.log.enable": true, "batch": 1.50}}'
    )
    assert client.post("/connectors", data=raw, content_type="application/json").status_code == 201
    stored = client.get("/connectors/sink/config").get_json()
    assert stored["tasks.max"] == "2"
    assert stored["errors.log.enable"] == "true"
    assert stored["batch"] == "1.50"


@pytest.mark.parametrize("states", [("initial_state", "initialState"), ("initialState", "initial_state")])
def test_initial_state_camel_case_wins_whatever_the_order(client: FlaskClient, states: tuple[str, str]) -> None:
    # A real 3.7.0 worker: "initialState" is a plain property set after the creator ran with
    # "initial_state", so it wins in either order (both orders probed, both STOPPED).
    values = {"initial_state": "PAUSED", "initialState": "STOPPED"}
    ordered = ", ".join(f'"{key}": "{values[key]}"' for key in states)
    config = '{"connector.class": "FileStreamSource", "file": "/tmp/x.txt", "topic": "t"}'
    raw = f'{{"name": "prec", "config": {config}, {ordered}}}'
    assert client.post("/connectors", data=raw, content_type="application/json").status_code == 201
    assert client.get("/connectors/prec/status").get_json()["connector"]["state"] == "STOPPED"


def test_list_connectors(connect: Connect, client: FlaskClient) -> None:
    assert client.get("/connectors").get_json() == []
    connect.create("a")
    connect.create_sink("b")
    assert sorted(client.get("/connectors").get_json()) == ["a", "b"]


def test_expand_turns_the_list_into_an_object(connect: Connect, client: FlaskClient) -> None:
    assert client.get("/connectors?expand=status").get_json() == {}
    connect.create("a")
    both = client.get("/connectors?expand=status&expand=info").get_json()
    assert both["a"]["status"]["connector"]["state"] == "RUNNING"
    assert both["a"]["info"]["type"] == "source"
    assert client.get("/connectors?expand=status,info").get_json() == {"a": {}}
    assert client.get("/connectors?expand").get_json() == {"a": {}}


def test_get_connector_config_and_tasks(connect: Connect, client: FlaskClient) -> None:
    connect.create("src")
    assert client.get("/connectors/src").get_json()["tasks"] == [{"connector": "src", "task": 0}]
    assert client.get("/connectors/src/config").get_json() == {**source_config(), "name": "src"}
    [task] = client.get("/connectors/src/tasks").get_json()
    assert task["config"]["task.class"] == "org.apache.kafka.connect.file.FileStreamSourceTask"
    assert client.get("/connectors/src/tasks-config").get_json() == {"src-0": task["config"]}


def test_put_config_creates_with_201_then_replaces_with_200(client: FlaskClient) -> None:
    created = client.put("/connectors/sink/config", json=sink_config())
    assert created.status_code == 201
    assert created.headers["Location"] == "http://localhost/connectors/sink"
    replaced = client.put("/connectors/sink/config", json=sink_config(**{"tasks.max": "2"}))
    assert replaced.status_code == 200
    assert "Location" not in replaced.headers


def test_status_and_task_status(connect: Connect, client: FlaskClient) -> None:
    connect.create("src")
    assert connect.states() == ("RUNNING", ["RUNNING"])
    task = client.get("/connectors/src/tasks/0/status")
    assert task.get_json() == {"id": 0, "state": "RUNNING", "worker_id": "localhost:8083"}


def test_pause_resume_stop_answer_with_empty_bodies(connect: Connect, client: FlaskClient) -> None:
    connect.create("src")
    for action, code, state in (("pause", 202, "PAUSED"), ("resume", 202, "RUNNING"), ("stop", 204, "STOPPED")):
        response = client.put(f"/connectors/src/{action}")
        assert (response.status_code, response.data) == (code, b"")
        assert "Content-Type" not in response.headers
        assert connect.states()[0] == state


def test_restart_variants(connect: Connect, client: FlaskClient) -> None:
    connect.create("src")
    plain = client.post("/connectors/src/restart")
    assert (plain.status_code, plain.data) == (204, b"")
    plan = client.post("/connectors/src/restart?includeTasks=true&onlyFailed=false")
    assert plan.status_code == 202
    assert plan.get_json()["connector"]["state"] == "RESTARTING"
    only_failed = client.post("/connectors/src/restart?includeTasks=TRUE&onlyFailed=True")
    assert only_failed.get_json()["tasks"] == [{"id": 0, "state": "RUNNING", "worker_id": "localhost:8083"}]
    # Boolean.valueOf: anything but "true" is false, so this is a plain restart.
    assert client.post("/connectors/src/restart?includeTasks=yes").status_code == 204


def test_task_restart(connect: Connect, client: FlaskClient) -> None:
    connect.create("src")
    response = client.post("/connectors/src/tasks/0/restart")
    assert (response.status_code, response.data) == (204, b"")


def test_topics(connect: Connect, client: FlaskClient) -> None:
    connect.create("src")
    assert client.get("/connectors/src/topics").get_json() == {"src": {"topics": []}}
    assert client.get("/connectors/unknown/topics").get_json() == {"unknown": {"topics": []}}
    reset = client.put("/connectors/unknown/topics/reset")
    assert (reset.status_code, reset.data) == (202, b"")


def test_offsets_lifecycle(connect: Connect, client: FlaskClient) -> None:
    connect.create_sink("sink")
    assert client.get("/connectors/sink/offsets").get_json() == {"offsets": []}
    assert client.put("/connectors/sink/stop").status_code == 204
    body = {"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": 5}}]}
    altered = client.patch("/connectors/sink/offsets", json=body)
    assert altered.get_json() == {"message": "The offsets for this connector have been altered successfully"}
    assert client.get("/connectors/sink/offsets").get_json() == body
    reset = client.delete("/connectors/sink/offsets")
    assert reset.get_json() == {"message": "The offsets for this connector have been reset successfully"}


def test_delete(connect: Connect, client: FlaskClient) -> None:
    connect.create("src")
    response = client.delete("/connectors/src")
    assert (response.status_code, response.data) == (204, b"")
    assert client.get("/connectors").get_json() == []


def test_connector_plugins(client: FlaskClient) -> None:
    listed = client.get("/connector-plugins").get_json()
    assert [p["class"] for p in listed][:2] == [FILE_SINK, "org.apache.kafka.connect.file.FileStreamSourceConnector"]
    assert len(client.get("/connector-plugins?connectorsOnly=false").get_json()) > len(listed)
    # Boolean.valueOf("abc") is false: everything is listed.
    assert len(client.get("/connector-plugins?connectorsOnly=abc").get_json()) > len(listed)
    assert client.get("/connector-plugins/").status_code == 200


def test_plugin_config_and_validate(client: FlaskClient) -> None:
    keys = client.get("/connector-plugins/FileStreamSink/config").get_json()
    assert keys[0]["name"] == "file"
    infos = client.put("/connector-plugins/FileStreamSink/config/validate", json=sink_config(name="s"))
    assert infos.status_code == 200
    assert infos.get_json()["error_count"] == 0


def test_loggers(client: FlaskClient) -> None:
    assert client.get("/admin/loggers").get_json()["root"] == {"level": "INFO", "last_modified": None}
    assert client.get("/admin/loggers/root").get_json() == {"level": "INFO", "last_modified": None}
    names = client.put("/admin/loggers/org.apache.kafka.connect", json={"level": "DEBUG"})
    assert names.status_code == 200
    assert "org.apache.kafka.connect" in names.get_json()
    cluster_scope = client.put("/admin/loggers/org.apache.kafka.connect?scope=cluster", json={"level": "INFO"})
    assert (cluster_scope.status_code, cluster_scope.data) == (204, b"")
