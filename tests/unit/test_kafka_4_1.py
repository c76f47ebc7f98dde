"""Kafka 4.1.2's rules (plugin versions in statuses, plugin configs and validate; log levels), each against
4.0.2's. Every expected answer is one the recorded 4.1.2 worker gave (tests/live/recorded/kafka-4.1.2)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from helpers import source_config

from mockconnect import create_app
from mockconnect.http.errors import status_for
from mockconnect.mock.clock import ManualClock
from mockconnect.mock.faults import catalog_without
from mockconnect.mock.state import MockState
from mockconnect.release import get_release
from mockconnect.worker import versions
from mockconnect.worker.catalog import builtin_catalog
from mockconnect.worker.cluster import ConnectCluster, CreateRequest, Timing
from mockconnect.worker.errors import ConnectError, NotFound


def worker(version: str) -> ConnectCluster:
    return ConnectCluster(release=get_release(version))


def client(version: str) -> FlaskClient:
    return create_app(MockState(worker(version))).test_client()


# -- loggers -----------------------------------------------------------------------------------------


def test_an_empty_log_level_is_a_500_from_4_1() -> None:
    logger = "org.apache.kafka.connect.runtime.WorkerSourceTask"
    for scope in (None, "cluster"):
        with pytest.raises(ConnectError, match=r"^Illegal null or empty Level name\.$") as raised:
            worker("4.1.2").set_level(logger, {"level": ""}, scope)
        assert status_for(raised.value) == 500  # not a 404
    with pytest.raises(NotFound, match=r"^invalid log level ' '\.$"):  # blank is still a level log4j2 lacks
        worker("4.1.2").set_level(logger, {"level": " "})
    with pytest.raises(NotFound, match=r"^invalid log level ''\.$"):
        worker("4.0.2").set_level(logger, {"level": ""})
    answer = client("4.1.2").put(f"/admin/loggers/{logger}", json={"level": ""})
    assert (answer.status_code, answer.get_json()) == (
        500,
        {"error_code": 500, "message": "Illegal null or empty Level name."},
    )


# -- statuses carry the plugin version -----------------------------------------------------------------


def _started(version: str, **timing: float) -> ConnectCluster:
    cluster = ConnectCluster(release=get_release(version), timing=Timing(**timing), clock=ManualClock())
    cluster.create_connector(CreateRequest("src", source_config(), None))
    return cluster


def test_statuses_name_the_plugin_version_after_the_worker_from_4_1() -> None:
    new, old = _started("4.1.2"), _started("4.0.2")
    worker_id = new.identity.worker_id
    # get.status and get.task-status.0 of the 4.1.2 recording
    assert json.dumps(new.get_connector_status("src")) == json.dumps(
        {
            "name": "src",
            "connector": {"state": "RUNNING", "worker_id": worker_id, "version": "4.1.2"},
            "tasks": [{"id": 0, "state": "RUNNING", "worker_id": worker_id, "version": "4.1.2"}],
            "type": "source",
        }
    )
    assert json.dumps(new.get_task_status("src", 0)) == json.dumps(
        {"id": 0, "state": "RUNNING", "worker_id": worker_id, "version": "4.1.2"}
    )
    assert new.list_connectors(["status"])["src"]["status"] == new.get_connector_status("src")  # list.status
    assert "version" not in old.get_connector_status("src")["connector"]
    assert "version" not in old.get_task_status("src", 0)


def test_a_catalog_remembers_versions_for_itself_only() -> None:
    stock = builtin_catalog("4.1.2")
    assert stock.connector_version("FileStreamSource") == "4.1.2"
    without = catalog_without(stock, {"FileStreamSource"})  # a missing-plugin fault
    assert without.connector_version("FileStreamSource") is None
    assert stock.connector_version("FileStreamSource") == "4.1.2"


def test_a_failed_task_names_its_version_before_the_trace() -> None:
    cluster = _started("4.1.2")
    cluster.fail_task("src", 0, "org.apache.kafka.connect.errors.ConnectException: boom")
    task = cluster.get_task_status("src", 0)
    assert list(task) == ["id", "state", "worker_id", "version", "trace"]  # sink.bad-file.failed
    assert (task["state"], task["version"]) == ("FAILED", "4.1.2")


def test_the_restart_plan_keeps_the_version_of_the_statuses_it_replaces() -> None:
    plan = _started("4.1.2").restart_connector("src", include_tasks=True)
    assert plan is not None  # restart.includeTasks=true&onlyFailed=false: 202
    assert plan["connector"] == {"state": "RESTARTING", "worker_id": plan["connector"]["worker_id"], "version": "4.1.2"}
    assert [(t["state"], t["version"]) for t in plan["tasks"]] == [("RESTARTING", "4.1.2")]


def test_a_status_the_herder_wrote_itself_has_an_explicit_null_version() -> None:
    cluster = _started("4.1.2", connector_start=5.0)
    cluster.clock.advance(5)
    cluster.restart_connector("src")  # UNASSIGNED until it has started again
    connector = cluster.get_connector_status("src")["connector"]
    # state.paused.resume.converged (first poll): {"state": "UNASSIGNED", ..., "version": null}
    assert json.dumps(connector) == json.dumps(
        {"state": "UNASSIGNED", "worker_id": cluster.identity.worker_id, "version": None}
    )
    cluster.clock.advance(5)
    assert cluster.get_connector_status("src")["connector"]["version"] == "4.1.2"


# -- plugin versions: ranges and GET /connector-plugins/{plugin}/config?version= ------------------------


@pytest.mark.parametrize(
    ("spec", "printed", "has_4_1_2"),
    [
        ("9.9.9", "[9.9.9,9.9.9]", False),  # a bare version is exactly that version
        ("4.1.2", "[4.1.2,4.1.2]", True),
        ("[4.1.2,]", "[4.1.2,]", True),  # rel.plugin-config.file-source.range
        ("", "[,]", False),  # rel.plugin-config.file-source.empty
        ("[1.0,2.0)", "[1.0,2.0)", False),
        ("(,4.1],[4.1.1,)", "(,4.1],[4.1.1,)", True),
        ("[4.1,4.10)", "[4.1,4.10)", True),  # numbers compare as numbers
    ],
)
def test_version_ranges_read_as_maven_reads_them(spec: str, printed: str, has_4_1_2: bool) -> None:
    wanted = versions.requirement(spec)
    assert wanted is not None
    assert (str(wanted), wanted.contains("4.1.2")) == (printed, has_4_1_2)


def test_maven_version_order() -> None:
    ordered = ["0.9", "1.0-alpha1", "1.0-beta", "1.0-rc1", "1.0-SNAPSHOT", "1.0", "1.0-sp1", "1.0.1", "1.10"]
    assert sorted(ordered, key=versions.Version) == ordered
    assert versions.Version("1.0.0.Final") == versions.Version("1")
    assert versions.requirement(None) is None
    assert versions.requirement("latest") is None
    with pytest.raises(versions.InvalidVersionSpecification, match=r"^Unbounded range: \[bad$"):
        versions.requirement("[bad")


def test_plugin_config_of_a_version_from_4_1() -> None:
    new, old = client("4.1.2"), client("4.0.2")
    path = "/connector-plugins/FileStreamSource/config"
    latest = new.get(path).get_json()
    assert new.get(path, query_string={"version": "4.1.2"}).get_json() == latest  # ...file-source.installed
    assert new.get(path, query_string={"version": "[4.1.2,]"}).get_json() == latest  # ...file-source.range
    source = "org.apache.kafka.connect.file.FileStreamSourceConnector"
    refusals = {
        "9.9.9": f"Plugin {source} not found that matches the version range [9.9.9,9.9.9], available versions: [4.1.2]",
        "[bad": "Invalid version specification: [bad",
        "": f"Plugin {source} not found that matches the version range [,], available versions: [4.1.2]",
    }
    for version, message in refusals.items():
        answer = new.get(path, query_string={"version": version})
        assert (answer.status_code, answer.get_json()) == (400, {"error_code": 400, "message": message})
        assert old.get(path, query_string={"version": version}).status_code == 200  # ignored before 4.1
    router = "org.apache.kafka.connect.transforms.RegexRouter"
    answer = new.get(f"/connector-plugins/{router}/config", query_string={"version": "9.9.9"})
    assert answer.get_json()["message"] == (
        f"Plugin {router} not found that matches the version range [9.9.9,9.9.9], available versions: [4.1.2]"
    )
    unknown = new.get("/connector-plugins/Nope/config", query_string={"version": "1.0"})
    assert (unknown.status_code, unknown.get_json()["message"]) == (404, "Unknown plugin Nope.")


def test_the_connector_version_key_defaults_to_the_plugins_latest_version() -> None:
    stock = builtin_catalog("4.1.2")
    sink = next(p for p in stock.plugins if p.cls == "org.apache.kafka.connect.file.FileStreamSinkConnector")
    mine = dataclasses.replace(sink, cls="com.example.MySink", version="1.2.3")
    catalog = dataclasses.replace(stock, plugins=(*stock.plugins, mine))
    cluster = ConnectCluster(release=get_release("4.1.2"), catalog=catalog)
    for plugin, version in (("com.example.MySink", "1.2.3"), ("FileStreamSink", "4.1.2")):
        keys = {k["name"]: k for k in cluster.get_connector_config_def(plugin)}
        assert keys["connector.plugin.version"]["default_value"] == version
    # Mirror connectors define the framework keys themselves, without defaults (plugins.config.MirrorSource)
    mirror = {k["name"]: k for k in cluster.get_connector_config_def("MirrorSource")}
    assert mirror["connector.plugin.version"]["default_value"] is None


# -- validate: plugin versions and the worker's converters -------------------------------------------

JSON = "org.apache.kafka.connect.json.JsonConverter"
HEADER = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
ROUTER = "org.apache.kafka.connect.transforms.RegexRouter"


def _validate(version: str, cluster: ConnectCluster | None = None, **extra: str) -> dict[str, Any]:
    config = {**source_config(), "name": "v-src", "tasks.max": "1", **extra}
    plugin = str(config["connector.class"]).rsplit(".", 1)[-1]
    return (cluster or worker(version)).validate_connector_config(plugin, config)


def _rows(infos: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """name -> (default, value, recommended values, errors, visible, order)."""
    return {
        c["definition"]["name"]: (
            c["definition"]["default_value"],
            c["value"]["value"],
            c["value"]["recommended_values"],
            c["value"]["errors"],
            c["value"]["visible"],
            c["definition"]["order"],
        )
        for c in infos["configs"]
        if c["definition"] is not None
    }


def test_validate_names_plugin_versions_and_the_workers_converters_from_4_1() -> None:
    rows = _rows(_validate("4.1.2"))  # validate.file-source-complete
    assert rows["connector.plugin.version"] == ("4.1.2", "4.1.2", ["4.1.2"], [], True, 3)
    converters = rows["key.converter"][2]
    assert converters[-2:] == [JSON, "org.apache.kafka.connect.storage.StringConverter"]
    assert len(converters) == 9
    assert rows["key.converter"][:2] == rows["value.converter"][:2] == (JSON, JSON)
    assert rows["header.converter"][:2] == (HEADER, HEADER)
    assert len(rows["header.converter"][2]) == 10  # SimpleHeaderConverter is a header converter only
    for config, order in (("key", 7), ("value", 9), ("header", 11)):
        assert rows[f"{config}.converter.plugin.version"] == ("4.1.2", "4.1.2", ["4.1.2"], [], True, order)
    old = _rows(_validate("4.0.2"))
    assert "connector.plugin.version" not in old
    assert old["key.converter"][:3] == (None, None, [])


def test_a_converter_that_cannot_load_hides_its_version() -> None:
    rows = _rows(_validate("4.1.2", **{"key.converter": "com.example.Nope"}))  # validate.key-converter-bogus
    assert rows["key.converter"][0] == JSON
    assert rows["key.converter"][1] is None
    assert rows["key.converter.plugin.version"] == (None, None, [], [], False, 7)
    assert rows["value.converter.plugin.version"][4] is True


def test_mirror_connectors_define_the_version_keys_themselves_without_defaults() -> None:
    infos = worker("4.1.2").validate_connector_config(
        "MirrorSourceConnector",
        {"connector.class": "org.apache.kafka.connect.mirror.MirrorSourceConnector", "name": "mm-src"},
    )  # validate.mirror-source-minimal
    rows = _rows(infos)
    assert rows["connector.plugin.version"][:5] == (None, None, [], [], True)
    assert rows["key.converter"][:5] == (None, None, [], [], True)
    assert rows["key.converter.plugin.version"][:5] == (None, None, [], [], False)


def test_each_transform_and_predicate_alias_has_a_version_key_after_its_type() -> None:
    rows = _rows(
        _validate(
            "4.1.2",
            **{"transforms": "route", "transforms.route.type": ROUTER, "transforms.route.regex": "(.*)"},
            **{"transforms.route.replacement": "$1-x", "predicates": "p"},
        )
    )  # validate.transforms-regexrouter, validate.predicates-unknown-alias
    assert rows["transforms.route.plugin.version"] == ("4.1.2", "4.1.2", ["4.1.2"], [], True, 1)
    assert [rows[f"transforms.route.{k}"][5] for k in ("regex", "replacement", "negate", "predicate")] == [2, 3, 4, 5]
    assert rows["predicates.p.plugin.version"] == (None, None, [], [], True, 1)
    infos = _validate("4.1.2", **{"transforms": "route", "transforms.route.type": ROUTER})
    definition = next(
        c["definition"]
        for c in infos["configs"]
        if c["definition"]["name"].endswith("plugin.version") and "route" in c["definition"]["name"]
    )
    assert (definition["documentation"], definition["display_name"], definition["importance"], definition["width"]) == (
        "Version of the 'route' transformation.",
        "Transformation version for route",
        "HIGH",
        "LONG",
    )


def test_a_connector_version_not_installed_validates_only_the_common_keys() -> None:
    infos = _validate("4.1.2", **{"connector.plugin.version": "9.9.9"})  # rel.validate.plugin-version.absent
    problem = (
        "Plugin org.apache.kafka.connect.file.FileStreamSourceConnector not found that matches the version "
        "range [9.9.9,9.9.9], available versions: [4.1.2]"
    )
    assert (infos["error_count"], infos["groups"]) == (2, ["Common", "Transforms", "Predicates", "Error Handling"])
    rows = _rows(infos)
    assert len(rows) == 19
    assert rows["connector.class"][3] == [problem]
    assert rows["connector.plugin.version"][:5] == ("4.1.2", "9.9.9", ["4.1.2"], [problem], True)
    assert rows["key.converter"][:3] == (None, None, [])
    assert rows["key.converter.plugin.version"][4] is False


def test_a_converter_or_transform_version_not_installed_is_an_error_on_its_class_and_version() -> None:
    infos = _validate("4.1.2", **{"key.converter": JSON, "key.converter.plugin.version": "9.9.9"})
    problem = (
        f"Plugin {JSON} not found that matches the version range [9.9.9,9.9.9], available versions: [4.1.2, 4.1.2]"
    )
    rows = _rows(infos)  # rel.validate.plugin-version.converter-absent
    assert infos["error_count"] == 2
    assert rows["key.converter"][3] == rows["key.converter.plugin.version"][3] == [problem]
    assert rows["key.converter.plugin.version"][:3] == ("4.1.2", "9.9.9", ["4.1.2"])
    assert not [name for name in rows if name.startswith("key.converter.") and "version" not in name]
    transform = {"transforms": "r", "transforms.r.type": ROUTER, "transforms.r.regex": "(.*)"}
    infos = _validate(
        "4.1.2", **transform, **{"transforms.r.replacement": "$1", "transforms.r.plugin.version": "9.9.9"}
    )
    problem = f"Plugin {ROUTER} not found that matches the version range [9.9.9,9.9.9], available versions: [4.1.2]"
    rows = _rows(infos)  # rel.validate.plugin-version.transform-absent
    assert infos["error_count"] == 2
    assert rows["transforms.r.type"][3] == rows["transforms.r.plugin.version"][3] == [problem]
    assert [name for name in rows if name.startswith("transforms.r.")] == [
        "transforms.r.type",
        "transforms.r.plugin.version",
    ]


def test_a_connector_version_that_is_no_range_fails_validate() -> None:
    body = {**source_config(), "name": "pv", "connector.plugin.version": "[bad"}
    answer = client("4.1.2").put("/connector-plugins/FileStreamSource/config/validate", json=body)
    assert (answer.status_code, answer.get_json()["message"]) == (  # rel.validate.plugin-version.bad-range
        500,
        "org.apache.kafka.connect.runtime.rest.errors.BadRequestException: Unbounded range: [bad",
    )


# -- the worker remembers what it failed to load ------------------------------------------------------


def test_an_unknown_class_is_a_bad_request_and_remembered_from_4_1() -> None:
    new = client("4.1.2")
    validate = new.put("/connector-plugins/Nope/config/validate", json={"name": "x", "connector.class": "Nope"})
    failed = (
        "Failed to find any class that implements Connector and which name matches Nope, available connectors are: "
    )
    assert validate.status_code == 500  # validate.unknown-connector-class
    assert validate.get_json()["message"].startswith(
        f"org.apache.kafka.connect.runtime.rest.errors.BadRequestException: {failed}"
    )
    put = new.put("/connectors/put-src4/config", json={"connector.class": "Nope"})
    assert put.status_code == 400  # put.unknown-class: the second time, the remembered ConnectException
    assert put.get_json()["message"].startswith(f"org.apache.kafka.connect.errors.ConnectException: {failed}")
    created = new.post(
        "/connectors", json={"name": "uc", "config": source_config(**{"connector.class": "com.example.Nope"})}
    )
    assert created.status_code == 400  # body.unknown-class: the first time, as it was
    assert created.get_json()["message"].startswith("Failed to find any class")
    old = client("4.0.2").post(
        "/connectors", json={"name": "uc", "config": source_config(**{"connector.class": "Nope"})}
    )
    assert old.status_code == 500


def test_a_remembered_version_failure_is_a_null_pointer_exception_in_4_1() -> None:
    cluster = worker("4.1.2")
    assert _validate("4.1.2", cluster, **{"connector.plugin.version": "9.9.9"})["error_count"] == 2
    request = CreateRequest("pv-absent", {**source_config(), "connector.plugin.version": "9.9.9"}, None)
    with pytest.raises(ConnectError) as raised:  # rel.create.plugin-version-absent
        cluster.create_connector(request)
    assert status_for(raised.value) == 500
    assert raised.value.message == (
        'Cannot invoke "java.util.List.stream()" because the return value of '
        '"org.apache.kafka.connect.runtime.isolation.VersionedPluginLoadingException.availableVersions()" is null'
    )
    with pytest.raises(NotFound):  # rel.create.plugin-version-absent.cleanup: nothing was created
        cluster.get_connector("pv-absent")
    cluster.reset()  # a fresh worker remembers nothing: the version is reported again
    assert _validate("4.1.2", cluster, **{"connector.plugin.version": "9.9.9"})["error_count"] == 2
