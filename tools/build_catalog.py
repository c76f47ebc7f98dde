"""Build mockconnect/release/data/<version>/catalog.json from what a real worker reported, plus the rules
a REST dump cannot show (validators, how many tasks a connector makes, offset handling).

    python tools/build_catalog.py tests/live/recorded/kafka-3.7.0 mockconnect/release/data/3.7.0/catalog.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FILE_JAR = "file:/opt/kafka/plugins/connect-file/connect-file-{version}.jar"
"""Where a stock worker of a release would find its file connectors on its plugin path."""

FRAMEWORK_VALIDATORS: dict[str, dict[str, Any]] = {
    "name": {"kind": "non_empty_without_control_chars"},
    "tasks.max": {"kind": "range", "min": 1},
    "config.action.reload": {"kind": "in", "values": ["none", "restart"]},
    "errors.tolerance": {"kind": "in", "values": ["none", "all"]},
    "transforms": {"kind": "unique_list"},
    "predicates": {"kind": "unique_list"},
    "exactly.once.support": {"kind": "in_ignore_case", "values": ["REQUIRED", "REQUESTED"]},
    "transaction.boundary": {"kind": "in_ignore_case", "values": ["INTERVAL", "POLL", "CONNECTOR"]},
    "topics.regex": {"kind": "regex"},
}
"""Validators of the framework keys (ConnectorConfig, SourceConnectorConfig, SinkConnectorConfig)."""

PLUGIN_RULES: dict[str, dict[str, Any]] = {
    "org.apache.kafka.connect.file.FileStreamSinkConnector": {
        "location": FILE_JAR,
        "task_class": "org.apache.kafka.connect.file.FileStreamSinkTask",
        "tasks": "max",
        "alter_offsets": True,
    },
    "org.apache.kafka.connect.file.FileStreamSourceConnector": {
        "location": FILE_JAR,
        "task_class": "org.apache.kafka.connect.file.FileStreamSourceTask",
        "tasks": "one",
        "alter_offsets": True,
        "offsets": {"kind": "file", "exactly_once": "when_file_set"},
        "validators": {"topic": {"kind": "non_empty_string"}},
    },
    "org.apache.kafka.connect.mirror.MirrorSourceConnector": {
        "task_class": "org.apache.kafka.connect.mirror.MirrorSourceTask",
        "tasks": "none",
        "alter_offsets": True,
    },
    "org.apache.kafka.connect.mirror.MirrorCheckpointConnector": {
        "task_class": "org.apache.kafka.connect.mirror.MirrorCheckpointTask",
        "tasks": "none",
        "alter_offsets": True,
    },
    "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector": {
        "task_class": "org.apache.kafka.connect.mirror.MirrorHeartbeatTask",
        "tasks": "one",
        "alter_offsets": True,
    },
    "org.apache.kafka.connect.transforms.RegexRouter": {"validators": {"regex": {"kind": "regex"}}},
}

OTHER_CLASSES = {
    "java.lang.Object": "Instantiation error",
    "java.lang.String": "Instantiation error",
    "java.util.HashMap": 'Cannot invoke "Object.equals(Object)" because "current" is null',
    "org.apache.kafka.connect.source.SourceConnector": "Instantiation error",
    "org.apache.kafka.connect.transforms.Cast": "Instantiation error",
    "org.apache.kafka.connect.runtime.rest.RestServer": "Instantiation error",
    "org.apache.kafka.common.config.provider.FileConfigProvider": "not_a_plugin",
    "org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy": "not_a_plugin",
}
"""Classes a worker can load that are not usable plugins, as the recording saw them answered."""

CREATED_BY_PROBES = {"com.example.fresh", "org.apache.kafka.connect.mirror", "org.apache.kafka.connect.runtime.rest"}
"""Logger namespaces the recording itself created with PUT; a fresh worker does not have them."""


def _own_keys(keys: list[dict[str, Any]], framework: set[str]) -> list[dict[str, Any]]:
    """The plugin's own ConfigDef: the endpoint appends the framework keys it lacks at the end.

    (AbstractHerder.connectorPluginConfig: plugin keys first, then framework keys putIfAbsent.)
    """
    end = len(keys)
    while end and keys[end - 1]["name"] in framework:
        end -= 1
    return keys[:end]


def _with_validators(keys: list[dict[str, Any]], validators: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**key, **({"validator": validators[key["name"]]} if key["name"] in validators else {})} for key in keys]


def _startup_loggers(recorded: Path, probes: dict[str, Any], version: str) -> list[str]:
    """The loggers a fresh worker of the release has, without root (release.json sets its level).

    log4j 1 (Kafka 3.x) lists only loggers with a level of their own, so the list of every logger
    comes from the answer to ``PUT /admin/loggers/root`` (the end-of-run population, less what the
    probes created). log4j2 (Kafka 4.x) lists every logger it has and its ``PUT`` answers only the
    ones whose level changed, so the list is the recording's ``loggers.json``: ``GET /admin/loggers``
    right after start-up (``loggers.at-start``).
    """
    if int(version.split(".")[0]) >= 4:
        at_start = json.loads((recorded / "loggers.json").read_text())
        return sorted(set(at_start) - {"root"})
    everything = probes["loggers.put.root"]["response"]["body_json"]
    return sorted(set(everything) - CREATED_BY_PROBES - {"root"})


def _catalog_key(key: dict[str, Any]) -> dict[str, Any]:
    """A recorded ConfigKeyInfo with the catalog format's field names: Kafka 4.2 renamed ``order`` to
    ``order_in_group`` on the wire (and moved it after ``group``); the catalog keeps ``order`` last."""
    if "order_in_group" not in key:
        return key
    renamed = {name: value for name, value in key.items() if name != "order_in_group"}
    renamed["order"] = key["order_in_group"]
    return renamed


def build(recorded: Path) -> dict[str, Any]:
    plugins = json.loads((recorded / "plugins.json").read_text())
    recorded_configs = json.loads((recorded / "plugin-configs.json").read_text())
    configs = {cls: [_catalog_key(key) for key in keys] for cls, keys in recorded_configs.items()}
    probes = {p["name"]: p for p in json.loads((recorded / "probes.json").read_text())}
    framework = {}
    for kind, sample in (("source", "FileStreamSourceConnector"), ("sink", "FileStreamSinkConnector")):
        keys = configs[f"org.apache.kafka.connect.file.{sample}"]
        start = [k["name"] for k in keys].index("name")
        framework[kind] = _with_validators(keys[start:], FRAMEWORK_VALIDATORS)
    version = json.loads((recorded / "root.json").read_text())["version"]
    catalog_plugins = []
    for plugin in plugins:
        rules = dict(PLUGIN_RULES.get(plugin["class"], {}))
        if "location" in rules:
            rules["location"] = rules["location"].format(version=version)
        validators = rules.pop("validators", {})
        keys = configs[plugin["class"]]
        if plugin["type"] in framework:
            keys = _own_keys(keys, {k["name"] for k in framework[plugin["type"]]})
            validators = {**FRAMEWORK_VALIDATORS, **validators}
        catalog_plugins.append({**plugin, **rules, "config": _with_validators(keys, validators)})
    loggers = _startup_loggers(recorded, probes, version)
    return {
        "format": 1,
        "other_classes": OTHER_CLASSES,
        "kafka_version": version,
        "framework": framework,
        "plugins": catalog_plugins,
        "loggers": loggers,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    catalog = build(Path(argv[0]))
    Path(argv[1]).write_text(json.dumps(catalog, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {argv[1]}: {len(catalog['plugins'])} plugins, {len(catalog['loggers'])} loggers")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
