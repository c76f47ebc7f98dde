"""The safety policy: every way a request could reach a connector outside the run's namespace."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockconnect.conformance.policy import (
    ABSENT_PACKAGE,
    HARMLESS_CONNECTOR,
    Refused,
    SafetyPolicy,
    check_prefix,
    make_prefix,
    plugin_names,
)

P = "mcconf-test1234-"
URL = "http://127.0.0.1:8083"
SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"


def policy(**kwargs: Any) -> SafetyPolicy:
    return SafetyPolicy(prefix=P, file_path="/tmp/mcconf-sink.txt", **kwargs)


def judge(method: str, path: str, body: Any = None, **kwargs: Any) -> tuple[str, Any]:
    raw = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    verdict = policy(**kwargs).judge(method, URL + path, raw)
    if verdict.body is None:
        return verdict.url[len(URL) :], None
    try:
        return verdict.url[len(URL) :], json.loads(verdict.body)
    except ValueError:
        return verdict.url[len(URL) :], verdict.body


# -- names in paths ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("DELETE", "/connectors/victim", f"/connectors/{P}victim"),
        ("PUT", "/connectors/victim/pause", f"/connectors/{P}victim/pause"),
        ("PUT", "/connectors/victim/stop", f"/connectors/{P}victim/stop"),
        ("POST", "/connectors/victim/restart?includeTasks=true", f"/connectors/{P}victim/restart?includeTasks=true"),
        ("POST", "/connectors/victim/tasks/0/restart", f"/connectors/{P}victim/tasks/0/restart"),
        ("PATCH", "/connectors/victim/offsets", f"/connectors/{P}victim/offsets"),
        ("DELETE", "/connectors/victim/offsets", f"/connectors/{P}victim/offsets"),
        ("PUT", "/connectors/victim/topics/reset", f"/connectors/{P}victim/topics/reset"),
        ("TRACE", "/connectors/victim", f"/connectors/{P}victim"),
        ("PATCH", "/connectors/victim/config", f"/connectors/{P}victim/config"),  # a 3.8 operation
        ("PUT", "/CONNECTORS/victim/pause", f"/CONNECTORS/{P}victim/pause"),
        ("PUT", "/connectors/victim;x=1/pause", f"/connectors/{P}victim;x=1/pause"),  # JAX-RS drops ;x=1
        ("PUT", "/connectors/victim%2Fpause", f"/connectors/{P}victim%2Fpause"),  # a server that decodes %2F
        ("PUT", "/connectors/%20victim/pause", f"/connectors/{P}%20victim/pause"),
        ("DELETE", f"/connectors/{P}mine", f"/connectors/{P}mine"),
        ("PUT", "/connectors/%20/config", "/connectors/%20/config"),  # blank: no such connector can exist
    ],
)
def test_writes_are_forced_into_the_namespace(method: str, path: str, expected: str) -> None:
    assert judge(method, path)[0] == expected


@pytest.mark.parametrize(
    "path",
    ["/connectors/victim", "/connectors/victim/config", "/connectors/victim/status", "/connectors?expand=info"],
)
def test_reads_are_left_alone(path: str) -> None:
    assert judge("GET", path)[0] == path


@pytest.mark.parametrize(
    "path",
    [
        f"/connectors/{P}a/../victim/pause",
        f"/connectors/{P}a%2F..%2Fvictim%2Fpause",
        f"/connectors/{P}a%2F..%2F..%2Fconnectors%2Fvictim",
        f"/connectors/{P}a%5C..%5Cvictim%5Cpause",
        f"/connectors/{P}a/%2E/stop",
        f"/connectors/{P}a/..;x/victim/stop",
    ],
)
def test_ambiguous_write_paths_are_refused(path: str) -> None:
    with pytest.raises(Refused, match="dot segments"):
        judge("PUT", path)


def test_encoded_names_are_prefixed_before_they_are_decoded() -> None:
    # However a server decodes the segment, the first name it sees starts with the prefix.
    assert judge("PUT", "/connectors/a%2Fb/pause")[0] == f"/connectors/{P}a%2Fb/pause"
    assert judge("PUT", "/connectors/%2e%2e/victim/stop")[0] == f"/connectors/{P}%2e%2e/victim/stop"


# -- bodies ------------------------------------------------------------------------------------


def create(body: Any, **kwargs: Any) -> Any:
    return judge("POST", "/connectors", body, **kwargs)[1]


def test_create_names_are_prefixed_as_the_worker_will_read_them() -> None:
    sent = create({"name": "victim", "config": {"connector.class": HARMLESS_CONNECTOR, "name": "victim"}})
    assert sent["name"] == P + "victim"
    assert sent["config"]["name"] == P + "victim"  # still equal, so the semantics are kept
    assert create({"name": f"  {P}padded  "})["name"] == f"  {P}padded  "  # trimmed by Kafka: in the namespace
    assert create({"name": 123})["name"] == f"{P}123"  # Jackson coerces scalars to String
    assert create({"name": True})["name"] == f"{P}true"
    assert create({"name": "   "})["name"] == "   "  # blank: Kafka refuses it (400)
    assert create({"name": None}) == {"name": None}
    assert create({"name": {"a": 1}}) == {"name": {"a": 1}}  # Jackson fails: 500


def test_connector_class_is_forced_to_the_harmless_one() -> None:
    for cls in (SOURCE, "org.apache.kafka.connect.mirror.MirrorSourceConnector", "com.acme.DropTables", 5):
        sent = create({"name": P + "x", "config": {"connector.class": cls}})
        assert sent["config"]["connector.class"] == HARMLESS_CONNECTOR
    for cls in (HARMLESS_CONNECTOR, "FileStreamSink", "FileStreamSinkConnector", f" {HARMLESS_CONNECTOR} "):
        assert create({"name": P + "x", "config": {"connector.class": cls}})["config"]["connector.class"] == cls
    absent = ABSENT_PACKAGE + "Nope"
    assert create({"name": P + "x", "config": {"connector.class": absent}})["config"]["connector.class"] == absent
    allowed = create({"name": P + "x", "config": {"connector.class": SOURCE}}, allowed_classes=frozenset({SOURCE}))
    assert allowed["config"]["connector.class"] == SOURCE


def test_config_keys_that_reach_outside_the_run_are_pinned() -> None:
    config = {
        "connector.class": HARMLESS_CONNECTOR,
        "file": "/etc/passwd",
        "topics": "orders, payments," + P + "ok",
        "topic": "orders",
        "topics.regex": ".*",
        "errors.deadletterqueue.topic.name": "dlq",
        "offsets.storage.topic": "offsets",
        "tasks.max": "2147483647",
        "consumer.override.group.id": "payments-service",
        "producer.override.bootstrap.servers": "elsewhere:9092",
        "admin.override.x": "y",
        "value.converter": "com.acme.Converter",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "transforms": "t",
        "transforms.t.type": "com.acme.Transform",
        "predicates.p.type": "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
        "some.other.key": "kept",
    }
    sent = judge("PUT", f"/connectors/{P}x/config", config)[1]
    assert sent == {
        "connector.class": HARMLESS_CONNECTOR,
        "file": "/tmp/mcconf-sink.txt",
        "topics": f"{P}orders,{P}payments,{P}ok",
        "topic": f"{P}orders",
        "topics.regex": f"{P}regex.*",
        "errors.deadletterqueue.topic.name": f"{P}dlq",
        "offsets.storage.topic": f"{P}offsets",
        "tasks.max": "2",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "transforms": "t",
        "predicates.p.type": "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
        "some.other.key": "kept",
    }


@pytest.mark.parametrize(
    ("regex", "kept"),
    [(f"{P}.*", True), (f"^{P}a.*", True), (f"{P}a|.*", False), ("orders", False), (".*", False)],
)
def test_topic_regexes_must_only_match_the_namespace(regex: str, kept: bool) -> None:
    sent = judge("PUT", f"/connectors/{P}x/config", {"topics.regex": regex})[1]
    assert (sent["topics.regex"] == regex) is kept


def test_tasks_max_is_capped_but_bad_values_stay_bad() -> None:
    for value, expected in (("1", "1"), (" 2 ", " 2 "), ("3", "2"), (1000, "2"), ("0", "0"), ("x", "x")):
        assert judge("PUT", f"/connectors/{P}x/config", {"tasks.max": value})[1]["tasks.max"] == expected


def test_validation_bodies_keep_kafka_classes_only() -> None:
    known, kafka = plugin_names(
        [{"class": SOURCE}, {"class": HARMLESS_CONNECTOR}, {"class": "com.acme.JdbcSourceConnector"}]
    )
    strict = policy(known_plugins=known, kafka_plugins=kafka)
    for cls, sent in (
        (SOURCE, SOURCE),
        ("FileStreamSource", "FileStreamSource"),
        ("com.acme.JdbcSourceConnector", HARMLESS_CONNECTOR),
        ("JdbcSource", HARMLESS_CONNECTOR),
    ):
        verdict = strict.judge(
            "PUT", URL + "/connector-plugins/X/config/validate", json.dumps({"connector.class": cls}).encode()
        )
        assert verdict.body is not None
        assert json.loads(verdict.body)["connector.class"] == sent
    # Validation runs nothing: names, files and topics may stay as they are.
    body = {"connector.class": SOURCE, "name": "n", "file": "/etc/hosts", "topic": "t"}
    verdict = strict.judge("PUT", URL + "/connector-plugins/X/config/validate", json.dumps(body).encode())
    assert verdict.body is None or json.loads(verdict.body) == body


def test_unreadable_bodies_that_may_name_a_class_are_refused() -> None:
    with pytest.raises(Refused, match="unreadable"):
        judge("POST", "/connectors", b'{"name": "x", "config": {"connector.class": "Evil"')
    with pytest.raises(Refused, match="unreadable"):
        judge("PUT", "/connectors/x/config", b'{"connector.\\u0063lass": "Evil", ')
    assert judge("POST", "/connectors", b'{"name": ')[1] == b'{"name": '  # cannot name a class: sent for the 500
    assert judge("PATCH", "/connectors/x/offsets", b"{")[0] == f"/connectors/{P}x/offsets"


# -- modes, loggers, origins -------------------------------------------------------------------


def test_read_only_sends_gets_only() -> None:
    assert judge("GET", "/connectors", read_only=True)[0] == "/connectors"
    for method in ("HEAD", "OPTIONS", "PUT", "POST", "DELETE", "PATCH"):
        with pytest.raises(Refused, match="read-only"):
            judge(method, "/connectors", read_only=True)


def test_logger_changes_need_the_flag_and_are_recorded() -> None:
    with pytest.raises(Refused, match="allow-cluster-changes"):
        judge("PUT", "/admin/loggers/root", {"level": "DEBUG"})
    strict = policy(allow_cluster_changes=True)
    assert strict.judge("PUT", URL + "/admin/loggers/org.x", b"{}").logger == ("org.x", "worker")
    assert strict.judge("PUT", URL + "/admin/loggers/org.x?scope=CLUSTER", b"{}").logger == ("org.x", "cluster")
    assert strict.judge("GET", URL + "/admin/loggers/org.x", None).logger is None


def test_the_mock_admin_api_is_never_written() -> None:
    with pytest.raises(Refused, match="admin API"):
        judge("POST", "/_mockconnect/reset")


def test_only_the_run_targets_are_reachable() -> None:
    fenced = policy(origins=("http://127.0.0.1:8083",))
    assert fenced.judge("GET", "http://127.0.0.1:8083/", None).url == "http://127.0.0.1:8083/"
    with pytest.raises(Refused, match="not a target"):
        fenced.judge("GET", "http://10.0.0.1:8083/", None)


def test_plugin_lookups_of_library_classes_are_diverted() -> None:
    # GET /connector-plugins/java.util.HashMap/config breaks a 3.7 worker's plugin endpoints.
    known = policy(known_plugins=frozenset({SOURCE}))
    assert known.judge("GET", URL + "/connector-plugins/java.util.HashMap/config", None).url.endswith(
        f"/connector-plugins/{ABSENT_PACKAGE}java.util.HashMap/config"
    )
    assert known.judge("GET", URL + f"/connector-plugins/{SOURCE}/config", None).url.endswith(f"/{SOURCE}/config")
    assert known.judge("GET", URL + "/connector-plugins/FileStreamSource/config", None).url.endswith(
        "/FileStreamSource/config"
    )


def test_prefixes_must_be_literal_and_unambiguous() -> None:
    assert make_prefix("abc123").startswith("mcconf-abc123-")
    for bad in ("short-", "has.dot-abc", "no-trailing-dash", "-leading-dash-", "with space-xx"):
        with pytest.raises(ValueError, match="prefix"):
            check_prefix(bad)
