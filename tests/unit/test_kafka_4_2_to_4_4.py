"""Kafka 4.2.2, 4.3.2 and 4.4.0: ``order_in_group``, the short "contains no connector type", and each
release's data (plugin and client definitions, start-up loggers), every check against that release's
recorded answers (``tests/live/recorded/kafka-<v>/``), whole answers and their field order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fidelity.test_jackson_bodies import replay as replay_corpus
from flask.testing import FlaskClient

from mockconnect import create_app
from mockconnect.mock.state import MockState
from mockconnect.record.build import config_keys, own_config
from mockconnect.release import get_release
from mockconnect.worker.catalog import builtin_catalog
from mockconnect.worker.cluster import ConnectCluster

RECORDINGS = Path(__file__).resolve().parents[1] / "live" / "recorded"
VERSIONS = ("4.2.2", "4.3.2", "4.4.0")


def recorded(version: str, name: str) -> Any:
    return json.loads((RECORDINGS / f"kafka-{version}" / name).read_text(encoding="utf-8"))


def probes(version: str) -> dict[str, dict[str, Any]]:
    return {probe["name"]: probe for probe in recorded(version, "probes.json")}


def client(version: str) -> FlaskClient:
    """A mock of a fresh worker of ``version``."""
    return create_app(MockState(ConnectCluster(release=get_release(version)))).test_client()


_READERS: dict[str, FlaskClient] = {}


def reader(version: str) -> FlaskClient:
    """One mock per release for the requests that change nothing (GETs, validate, refused writes)."""
    if version not in _READERS:
        _READERS[version] = client(version)
    return _READERS[version]


def send(web: FlaskClient, probe: dict[str, Any]) -> tuple[int, Any]:
    request = probe["request"]
    headers = {k: v for k, v in request["headers"].items() if k.lower() not in ("content-length", "host")}
    body = request["body_text"]
    answer = web.open(
        request["path"],
        method=request["method"],
        query_string=request["query"],
        headers=headers,
        data=body.encode("utf-8") if body is not None else None,
    )
    return answer.status_code, answer.get_json(silent=True)


def expected(probe: dict[str, Any]) -> tuple[int, Any]:
    return probe["response"]["status"], probe["response"]["body_json"]


def _name(entry: dict[str, Any]) -> str:
    return str((entry["definition"] or entry["value"])["name"])


def _field_orders(answer: dict[str, Any]) -> list[list[str]]:
    """The field order of every definition (dict equality alone does not see it)."""
    return [list(entry["definition"]) for entry in answer["configs"] if entry["definition"] is not None]


# -- order_in_group ------------------------------------------------------------------------------------


DEFINITION_FIELDS_4_2 = [
    "name",
    "type",
    "required",
    "default_value",
    "importance",
    "documentation",
    "group",
    "order_in_group",
    "width",
    "display_name",
    "dependents",
]


def _plugin_config_probes() -> list[tuple[str, str]]:
    return [
        (version, name)
        for version in VERSIONS
        for name, probe in probes(version).items()
        if name.startswith("plugins.config.") and probe["response"]["status"] == 200
    ]


@pytest.mark.parametrize(("version", "name"), _plugin_config_probes())
def test_plugin_config_definitions_are_the_recorded_ones(version: str, name: str) -> None:
    probe = probes(version)[name]
    status, body = send(reader(version), probe)
    assert (status, body) == expected(probe)
    assert [list(key) for key in body] == [list(key) for key in probe["response"]["body_json"]]
    assert all(list(key) == DEFINITION_FIELDS_4_2 for key in body)


def test_before_4_2_the_field_is_order_and_comes_last() -> None:
    probe = probes("4.0.2")["plugins.config.FileStreamSource"]
    status, body = send(reader("4.0.2"), probe)
    assert (status, body) == expected(probe)
    assert list(body[0]) == [*(f for f in DEFINITION_FIELDS_4_2 if f != "order_in_group"), "order"]


def _validate_cases() -> list[tuple[str, str]]:
    return [
        (version, case)
        for version in VERSIONS
        for case, answer in recorded(version, "validate.json").items()
        if answer["status"] == 200
    ]


@pytest.mark.parametrize(("version", "case"), _validate_cases())
def test_validate_answers_are_the_recorded_ones(version: str, case: str) -> None:
    """Every definition in order_in_group form, 4.2's new keys (JsonConverter ``schema.content``,
    Mirror ``config.providers``), 4.3's ``metric.names.formats``, 4.4's OAuth keys, and the values."""
    answer = recorded(version, "validate.json")[case]
    got = reader(version).put(f"/connector-plugins/{answer['plugin']}/config/validate", json=answer["request_body"])
    assert got.status_code == 200
    body = got.get_json()
    real = answer["body_json"]
    assert body == real
    assert _field_orders(body) == _field_orders(real)


def _validated_names(version: str, case: str) -> set[str]:
    answer = recorded(version, "validate.json")[case]
    got = reader(version).put(f"/connector-plugins/{answer['plugin']}/config/validate", json=answer["request_body"])
    return {_name(entry) for entry in got.get_json()["configs"]}


def test_the_new_definitions_of_4_2_to_4_4_show_in_validate() -> None:
    names = {
        version: {case: _validated_names(version, case) for case in ("key-converter-json", "mirror-source-minimal")}
        for version in ("4.0.2", *VERSIONS)
    }
    assert "key.converter.schema.content" not in names["4.0.2"]["key-converter-json"]
    assert "key.converter.schema.content" in names["4.2.2"]["key-converter-json"]
    assert "config.providers" not in names["4.0.2"]["mirror-source-minimal"]
    assert "config.providers" in names["4.2.2"]["mirror-source-minimal"]
    assert "metric.names.formats" not in names["4.2.2"]["mirror-source-minimal"]
    assert "metric.names.formats" in names["4.3.2"]["mirror-source-minimal"]
    assert "sasl.oauthbearer.allow.unverified.audience" not in names["4.3.2"]["mirror-source-minimal"]
    assert "sasl.oauthbearer.allow.unverified.audience" in names["4.4.0"]["mirror-source-minimal"]


def _override_answers() -> list[tuple[str, int]]:
    return [
        (version, index)
        for version in VERSIONS
        for index in range(len(recorded(version, "client-overrides.json")["answers"]))
    ]


@pytest.mark.parametrize(("version", "index"), _override_answers())
def test_validate_with_client_overrides_answers_as_recorded(version: str, index: int) -> None:
    """The client ConfigDefs of each release's kafka-clients (``client-configs.json``), in order_in_group form."""
    answer = recorded(version, "client-overrides.json")["answers"][index]
    got = reader(version).put(f"/connector-plugins/{answer['plugin']}/config/validate", json=answer["config"])
    assert got.status_code == answer["status"]
    if answer["status"] != 200:
        assert got.get_json() == answer["body"]
        return
    assert got.get_json() == answer["body"]
    assert _field_orders(got.get_json()) == _field_orders(answer["body"])


def test_mockconnect_record_reads_order_in_group_as_the_catalogs_order() -> None:
    answer = probes("4.2.2")["plugins.config.FileStreamSink"]["response"]["body_json"]
    keys = config_keys(answer)
    assert keys is not None
    assert [key["order"] for key in keys] == [key["order_in_group"] for key in answer]
    assert all("order_in_group" not in key for key in keys)
    source = config_keys(probes("4.2.2")["plugins.config.FileStreamSource"]["response"]["body_json"])
    assert source is not None
    own = own_config(source, builtin_catalog("4.2.2").framework["source"])
    assert [key["name"] for key in own] == ["file", "topic", "batch.size"]  # the framework keys recognised


# -- "contains no connector type" -------------------------------------------------------------------------

NO_CONNECTOR_TYPE = (
    "body.no-connector-class-1-key",
    "body.no-connector-class-3-keys",
    "body.no-connector-class-6-keys",
    "body.no-connector-class-15-keys",
    "put.no-class",
    "rel.create.no-class-two-keys",
    "plugins.validate.no-class-coerced",
    "rel.validate.no-class-in-body",
)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", NO_CONNECTOR_TYPE)
def test_a_config_without_connector_class_is_refused_without_quoting_it(version: str, name: str) -> None:
    probe = probes(version)[name]
    assert send(reader(version), probe) == expected(probe)
    assert "Connector config contains no connector type" in probe["response"]["body_json"]["message"]


@pytest.mark.parametrize("name", NO_CONNECTOR_TYPE)
def test_before_4_2_the_config_is_quoted(name: str) -> None:
    probe = probes("4.0.2")[name]
    assert send(reader("4.0.2"), probe) == expected(probe)
    assert re.search(r"Connector config \{.+\} contains no connector type", probe["response"]["body_json"]["message"])


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", ["missing-connector-class", "empty-object"])
def test_validate_without_connector_class_is_a_500_without_the_config(version: str, case: str) -> None:
    answer = recorded(version, "validate.json")[case]
    got = reader(version).put(f"/connector-plugins/{answer['plugin']}/config/validate", json=answer["request_body"])
    assert (got.status_code, got.get_json()) == (answer["status"], answer["body_json"])


@pytest.mark.parametrize("version", VERSIONS)
def test_patching_connector_class_away_is_refused_without_the_config(version: str) -> None:
    recording = probes(version)
    web = client(version)
    create = recording["rel.patch.create"]
    assert send(web, create)[0] == 201
    probe = recording["rel.patch.remove-class"]
    assert send(web, probe) == expected(probe)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_body_corpus_is_answered_as_recorded(version: str) -> None:
    """The 1,794 bodies of ``jackson-bodies.json`` through validate, create and offsets: Jackson's texts
    (the release's dialect) and the worker's, 18 of them "contains no connector type" without the config."""
    pairs = replay_corpus(get_release(version), recorded(version, "jackson-bodies.json"))
    assert len(pairs) == 1794
    assert [(answer["status"], answer["message"]) for answer, _ in pairs] == [mine for _, mine in pairs]
    assert sum("Connector config contains no connector type" in str(answer["message"]) for answer, _ in pairs) == 18


# -- start-up loggers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_a_fresh_worker_lists_the_recorded_start_up_loggers(version: str) -> None:
    listed = ConnectCluster(release=get_release(version)).list_loggers()
    assert listed == recorded(version, "loggers.json")


def test_4_4_logs_the_moved_client_utilities_under_their_new_names() -> None:
    for version, present, absent in (("4.3.2", "", ".internals"), ("4.4.0", ".internals", "")):
        listed = ConnectCluster(release=get_release(version)).list_loggers()
        assert f"org.apache.kafka.common.utils{present}.AppInfoParser" in listed
        assert f"org.apache.kafka.common.utils{absent}.AppInfoParser" not in listed


# -- the restart plan's task order -------------------------------------------------------------------


def _plan_order(version: str, worker_id: str) -> list[int]:
    cluster = ConnectCluster(release=get_release(version))
    cluster.identity.worker_id = worker_id
    web = create_app(MockState(cluster)).test_client()
    config = {"connector.class": "FileStreamSink", "topics": "t", "tasks.max": "2"}
    assert web.post("/connectors", json={"name": "s", "config": config}).status_code == 201
    answer = web.post("/connectors/s/restart", query_string={"includeTasks": "true"})
    assert answer.status_code == 202
    return [task["id"] for task in answer.get_json()["tasks"]]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_restart_plan_lists_tasks_in_the_worker_s_own_order(version: str) -> None:
    """Kafka 4.2's status store hands task statuses over as a Map.copyOf: a real 4.3.2 and a 4.4.0 worker
    both answered a 2-task restart plan with tasks 1, 0 (live gate, 2026-12-04); the order is one per
    worker process. The mock's worker keeps one order for its address, and workers differ."""
    orders = {address: _plan_order(version, address) for address in (f"127.0.0.1:{port}" for port in range(8083, 8091))}
    assert all(sorted(order) == [0, 1] for order in orders.values())
    assert {tuple(order) for order in orders.values()} == {(0, 1), (1, 0)}
    assert _plan_order(version, "127.0.0.1:8083") == orders["127.0.0.1:8083"]
    assert _plan_order("4.1.2", "127.0.0.1:8084") == [0, 1]  # before 4.2: the status store's HashMap row
