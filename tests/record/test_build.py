"""The pure parts of a recording: plugin changes, a plugin's own keys, states, workers, task rules."""

from __future__ import annotations

from typing import Any

from mockconnect.record import build
from mockconnect.worker.catalog import builtin_catalog

CATALOG = builtin_catalog()


def key(name: str, **more: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": "STRING",
        "required": False,
        "default_value": None,
        "importance": "LOW",
        "documentation": None,
        "group": None,
        "width": "NONE",
        "display_name": name,
        "dependents": [],
        "order": -1,
        **more,
    }


def test_a_connector_plugins_own_keys_are_told_from_the_framework_keys() -> None:
    framework = [k.info() for k in CATALOG.framework["sink"]]
    own = [key("a"), key("b")]
    assert build.own_config(own + framework, CATALOG.framework["sink"]) == own
    # a plugin that redefines a framework key keeps it, and the worker leaves that key out of its tail
    redefined = [key("topics", documentation="mine"), key("a")]
    tail = [k for k in framework if k["name"] != "topics"]
    assert build.own_config(redefined + tail, CATALOG.framework["sink"]) == redefined
    # another release's framework: nothing can be told apart, so everything is the plugin's
    odd = [key("a"), key("name")]
    assert build.own_config(odd, CATALOG.framework["sink"]) == odd


def test_plugin_changes_against_the_stock_catalog() -> None:
    stock = [p.info() for p in CATALOG.plugins if not p.cls.startswith("org.apache.kafka.connect.mirror.")]
    listing = [*stock, {"class": "com.example.X", "type": "sink", "version": "1"}, {"class": "com.example.Y"}]
    added, removed, warnings = build.plugin_changes(listing, CATALOG)
    assert added == [{"class": "com.example.X", "type": "sink", "version": "1"}]
    assert removed == sorted({p.cls for p in CATALOG.plugins if p.cls.startswith("org.apache.kafka.connect.mirror.")})
    assert len(warnings) == 1
    assert "without class or type" in warnings[0]
    old = [{**p.info(), "version": "3.6.1"} if p.type == "sink" else p.info() for p in CATALOG.plugins]
    _, _, warnings = build.plugin_changes(old, CATALOG)
    assert any("version 3.6.1 on the worker" in warning for warning in warnings)


def test_target_states_and_statuses() -> None:
    assert [build.target_state(s) for s in ("RUNNING", "PAUSED", "STOPPED", "FAILED", "UNASSIGNED", None)] == [
        "STARTED",
        "PAUSED",
        "STOPPED",
        "STARTED",
        "STARTED",
        "STARTED",
    ]
    entry = build.connector_entry(
        {"config": {"connector.class": "FileStreamSink", "name": "s"}, "type": "sink"},
        {
            "connector": {"state": "RUNNING", "worker_id": "w:1"},
            "tasks": [{"id": 1, "state": "FAILED", "worker_id": "w:2", "trace": "boom"}],
        },
        [{"id": {"connector": "s", "task": 0}, "config": {"task.class": "T"}}],
        {"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": 3}}]},
        ["t"],
    )
    assert entry["status"] == {"state": "RUNNING", "worker_id": "w:1", "trace": None}
    assert entry["tasks"] == [
        {"id": 0, "config": {"task.class": "T"}, "status": None},
        {
            "id": 1,
            "config": {"connector.class": "FileStreamSink", "name": "s"},
            "status": {"state": "FAILED", "worker_id": "w:2", "trace": "boom"},
        },
    ]
    assert entry["active_topics"] == ["t"]
    assert entry["offsets"][0]["offset"] == {"kafka_offset": 3}


def test_the_recorded_worker_is_the_one_on_the_urls_port() -> None:
    connectors = {
        "a": {"status": {"worker_id": "connect-1:8083"}, "tasks": [{"status": {"worker_id": "connect-2:8084"}}]},
        "b": {"status": {"worker_id": "connect-2:8084"}, "tasks": []},
    }
    assert build.workers(connectors, "http://10.0.0.1:8083") == ("connect-1:8083", ["connect-2:8084"])
    assert build.workers(connectors, "http://lb.example:80") == ("connect-2:8084", ["connect-1:8083"])
    assert build.workers({}, "http://x:1") == (None, [])


def test_task_rules_are_inferred_from_the_connectors() -> None:
    def connector(tasks: int, maximum: str) -> dict[str, Any]:
        config = {"connector.class": "com.example.XConnector", "tasks.max": maximum}
        return {"config": config, "target_state": "STARTED", "tasks": [{"config": {"task.class": "XTask"}}] * tasks}

    entry: dict[str, Any] = {"class": "com.example.XConnector", "type": "source"}
    build.task_rules(entry, [connector(1, "4"), connector(1, "2")])
    assert entry == {"class": "com.example.XConnector", "type": "source", "task_class": "XTask", "tasks": "one"}
    entry = {"class": "com.example.XConnector", "type": "source"}
    build.task_rules(entry, [connector(3, "3"), connector(1, "1")])
    assert "tasks" not in entry  # max, the default


def test_types_come_from_the_plugin_its_transforms_and_converters() -> None:
    config = {
        "connector.class": "FileStreamSink",
        "transforms": "t",
        "transforms.t.type": "org.apache.kafka.connect.transforms.InsertField$Value",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    }
    type_of = build.type_lookup(config, CATALOG)
    assert type_of("file") == "STRING"
    assert type_of("tasks.max") == "INT"
    assert type_of("transforms.t.static.field") == "STRING"
    assert type_of("value.converter.schemas.enable") == "BOOLEAN"
    assert type_of("unknown.key") is None


def test_config_answers_that_are_not_config_definitions_are_refused() -> None:
    assert build.config_keys([key("a")]) == [key("a")]
    assert build.config_keys({"error_code": 500}) is None
    assert build.config_keys([{**key("a"), "importance": None}]) is None
    assert build.config_keys([{**key("a"), "type": "MAP"}]) is None
    assert build.config_keys([{k: v for k, v in key("a").items() if k != "required"}]) is None
    odd = build.config_keys([{**key("a"), "width": "HUGE", "order": "1", "extra": 1}])
    assert odd is not None
    assert "width" not in odd[0]
    assert "order" not in odd[0]
    assert "extra" not in odd[0]
