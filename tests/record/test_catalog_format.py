"""The plugin catalog format is a documented, checked format: scenarios/catalog.schema.json describes
the stock catalog exactly, a scenario's cluster.plugins.add takes the same Plugin entries, and what a
hand-written entry says is what the mock serves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from mockconnect.mock import scenario
from mockconnect.mock.state import MockState
from mockconnect.worker.catalog import builtin_catalog

ROOT = Path(__file__).resolve().parents[2]
CATALOG_SCHEMA = json.loads((ROOT / "scenarios" / "catalog.schema.json").read_text(encoding="utf-8"))
SCENARIO_SCHEMA = json.loads((ROOT / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8"))
STOCK = json.loads((ROOT / "mockconnect" / "release" / "data" / "3.7.0" / "catalog.json").read_text(encoding="utf-8"))


def test_the_stock_catalog_is_valid_in_the_documented_format() -> None:
    validator = jsonschema.Draft202012Validator(CATALOG_SCHEMA)
    assert [error.message for error in validator.iter_errors(STOCK)] == []


def test_scenarios_take_plugins_in_the_catalog_format() -> None:
    for name in ("Plugin", "ConfigKey", "Validator"):
        assert SCENARIO_SCHEMA["$defs"][name] == CATALOG_SCHEMA["$defs"][name], name


def test_every_stock_plugin_entry_would_pass_as_a_scenario_plugin() -> None:
    validator = jsonschema.Draft202012Validator({"$ref": "#/$defs/Plugin", "$defs": SCENARIO_SCHEMA["$defs"]})
    for plugin in STOCK["plugins"]:
        assert list(validator.iter_errors(plugin)) == [], plugin["class"]


def with_plugins(*plugins: dict[str, Any], cluster: dict[str, Any] | None = None) -> str:
    return yaml.safe_dump({"version": 1, "cluster": {**(cluster or {}), "plugins": {"add": list(plugins)}}})


KEY = {
    "name": "region",
    "type": "STRING",
    "required": False,
    "default_value": "eu",
    "importance": "LOW",
    "group": "Where",
    "order": 1,
    "dependents": ["zone"],
    "recommended_values": ["eu", "us"],
}


def test_a_hand_written_plugin_is_served_as_written() -> None:
    state = MockState()
    smt = {"class": "com.example.Route", "type": "transformation", "version": "1", "config": [KEY]}
    sink = {"class": "com.example.BucketSink", "type": "sink", "version": "2", "config": [KEY]}
    state.load_scenario(scenario.parse(with_plugins(smt, sink, cluster={"version": "3.7.1", "commit": "abc"})))
    cluster = state.cluster
    listed = cluster.list_connector_plugins(connectors_only=False)
    assert {"class": "com.example.Route", "type": "transformation", "version": "1"} in listed
    assert cluster.get_connector_config_def("Route")[0] == {
        "name": "region",
        "type": "STRING",
        "required": False,
        "default_value": "eu",
        "importance": "LOW",
        "documentation": None,
        "group": "Where",
        "width": "NONE",
        "display_name": "region",
        "dependents": ["zone"],
        "order": 1,
    }
    sink_keys = [key["name"] for key in cluster.get_connector_config_def("BucketSink")]
    framework = [key.name for key in builtin_catalog().framework["sink"]]
    assert sink_keys == ["region", *framework]
    result: Any = cluster.validate_connector_config("BucketSink", {"connector.class": "BucketSink", "topics": "t"})
    region = next(item["value"] for item in result["configs"] if item["definition"]["name"] == "region")
    assert region["recommended_values"] == ["eu", "us"]
    assert region["value"] == "eu"
    assert cluster.get_worker_info()["version"] == "3.7.1"
    assert cluster.get_worker_info()["commit"] == "abc"


@pytest.mark.parametrize(
    ("plugins", "message"),
    [
        (
            [{"class": "com.example.A", "type": "sink"}, {"class": "com.example.A", "type": "sink"}],
            "cluster.plugins.add[1].class: 'com.example.A' (sink) is already added by cluster.plugins.add[0]",
        ),
        (
            [{"class": "com.example.A", "type": "sink", "config": [KEY, KEY]}],
            "cluster.plugins.add[0].config[1].name: config key 'region' is already defined by config[0]",
        ),
        (
            [{"class": "com.example.A", "type": "sink", "config": [{**KEY, "validator": {"kind": "custom"}}]}],
            "cluster.plugins.add[0].config[0].validator.kind",
        ),
        ([{"class": "com.example.A", "type": "connector"}], "cluster.plugins.add[0].type"),
    ],
)
def test_bad_plugin_entries_are_reported_at_their_place(plugins: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(scenario.ScenarioError) as caught:
        scenario.parse(with_plugins(*plugins), file="p.yaml")
    assert message in str(caught.value)
