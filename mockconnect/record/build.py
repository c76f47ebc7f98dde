"""A worker's GET answers made into the parts of a scenario: pure functions, no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from mockconnect.record.secrets import TypeOf
from mockconnect.worker.catalog import Catalog, Plugin
from mockconnect.worker.configdef import ConfigKey

CONFIG_KEY_FIELDS = (
    "name",
    "type",
    "required",
    "default_value",
    "importance",
    "documentation",
    "group",
    "width",
    "display_name",
    "dependents",
    "order",
)
"""The ConfigKeyInfo fields of GET /connector-plugins/{plugin}/config, as the catalog format names them."""

_TARGET_BY_STATE = {"PAUSED": "PAUSED", "STOPPED": "STOPPED"}
_EMBEDDED_PLUGINS = (
    ("transforms.", ".type"),
    ("predicates.", ".type"),
)
_CONVERTER_KEYS = ("key.converter", "value.converter", "header.converter")


_TYPES = frozenset({"BOOLEAN", "STRING", "INT", "SHORT", "LONG", "DOUBLE", "LIST", "CLASS", "PASSWORD"})
_IMPORTANCES = frozenset({"HIGH", "MEDIUM", "LOW"})
_WIDTHS = frozenset({"NONE", "SHORT", "MEDIUM", "LONG"})


def _config_key(item: Any) -> dict[str, Any] | None:
    """One ConfigKeyInfo in the catalog format, or None when it lacks what the format requires."""
    if not isinstance(item, Mapping) or not isinstance(item.get("name"), str) or not item["name"]:
        return None
    if item.get("type") not in _TYPES or item.get("importance") not in _IMPORTANCES:
        return None
    if not isinstance(item.get("required"), bool) or not isinstance(item.get("default_value"), (str, type(None))):
        return None
    if "order" not in item and "order_in_group" in item:  # Kafka 4.2 renamed the field
        item = {**item, "order": item["order_in_group"]}
    key = {field: item[field] for field in CONFIG_KEY_FIELDS[:5]}
    key.update((field, item[field]) for field in CONFIG_KEY_FIELDS[5:] if field in item and _fits(field, item[field]))
    return key


def _fits(field: str, value: Any) -> bool:
    """Whether an optional ConfigKeyInfo field has the catalog format's type (else it is left out)."""
    if field in ("documentation", "group"):
        return isinstance(value, (str, type(None)))
    if field == "width":
        return value in _WIDTHS
    if field == "display_name":
        return isinstance(value, str)
    if field == "dependents":
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, int) and not isinstance(value, bool)  # order


def config_keys(answer: Any) -> list[dict[str, Any]] | None:
    """The ConfigKeyInfo list of a plugin config answer, in the catalog format; None if it is not one."""
    if not isinstance(answer, list):
        return None
    keys = [_config_key(item) for item in answer]
    return None if any(key is None for key in keys) else [key for key in keys if key is not None]


def own_config(recorded: list[dict[str, Any]], framework: Sequence[ConfigKey]) -> list[dict[str, Any]]:
    """A connector plugin's own keys: the recorded answer without the framework keys the worker
    appends after them (the mock appends its release's framework keys the same way)."""
    base = [key.info() for key in framework]
    for cut in range(len(recorded) + 1):
        own = recorded[:cut]
        names = {key["name"] for key in own}
        if own + [key for key in base if key["name"] not in names] == recorded:
            return own
    return recorded  # another release's framework keys: keep the whole answer as the plugin's own


def stock_plugins(base: Catalog) -> set[tuple[str, str]]:
    return {(plugin.cls, plugin.type) for plugin in base.plugins}


def plugin_changes(
    listing: Iterable[Mapping[str, Any]], base: Catalog
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """(the worker's own plugins as catalog entries without config, stock classes it lacks, warnings)."""
    stock = {(plugin.cls, plugin.type): plugin for plugin in base.plugins}
    listed: set[tuple[str, str]] = set()
    added: list[dict[str, Any]] = []
    warnings: list[str] = []
    for item in listing:
        cls, kind, version = item.get("class"), item.get("type"), item.get("version")
        if not isinstance(cls, str) or not isinstance(kind, str):
            warnings.append(f"a plugin listing entry without class or type was left out: {dict(item)}")
            continue
        listed.add((cls, kind))
        known = stock.get((cls, kind))
        if known is not None:
            if version != known.version:
                warnings.append(
                    f"{cls} ({kind}) is version {version} on the worker; the mock serves Kafka "
                    f"{base.kafka_version}'s stock plugins as version {known.version}"
                )
            continue
        entry: dict[str, Any] = {"class": cls, "type": kind}
        if isinstance(version, str):
            entry["version"] = version
        added.append(entry)
    by_class: dict[str, list[tuple[str, str]]] = {}
    for plugin in base.plugins:
        by_class.setdefault(plugin.cls, []).append((plugin.cls, plugin.type))
    removed = sorted(cls for cls, kinds in by_class.items() if not any(kind in listed for kind in kinds))
    return added, removed, warnings


def target_state(connector_state: str | None) -> str:
    """The target state a connector's state shows: PAUSED and STOPPED are their own targets."""
    return _TARGET_BY_STATE.get(connector_state or "", "STARTED")


def status_entry(status: Any) -> dict[str, Any] | None:
    """A status as the snapshot format writes it: state, worker_id, trace (null when none)."""
    if not isinstance(status, Mapping) or not isinstance(status.get("state"), str):
        return None
    entry: dict[str, Any] = {"state": status["state"]}
    if isinstance(status.get("worker_id"), str):
        entry["worker_id"] = status["worker_id"]
    trace = status.get("trace")
    entry["trace"] = trace if isinstance(trace, str) and trace else None
    return entry


def connector_entry(
    info: Mapping[str, Any],
    status: Mapping[str, Any] | None,
    task_configs: Any,
    offsets: Any,
    topics: list[str] | None,
) -> dict[str, Any]:
    """One connector in the snapshot format, from its expanded listing entry and its sub-resources."""
    config = {key: value for key, value in (info.get("config") or {}).items() if isinstance(value, str)}
    connector_status = status_entry((status or {}).get("connector"))
    target = target_state(connector_status["state"] if connector_status else None)
    statuses = {
        item["id"]: status_entry(item)
        for item in (status or {}).get("tasks") or []
        if isinstance(item, Mapping) and isinstance(item.get("id"), int)
    }
    configs: dict[int, dict[str, Any]] = {}
    for item in task_configs if isinstance(task_configs, list) else []:
        task_id = (item.get("id") or {}).get("task") if isinstance(item, Mapping) else None
        if isinstance(task_id, int) and isinstance(item.get("config"), Mapping):
            configs[task_id] = {k: v for k, v in item["config"].items() if isinstance(v, str)}
    tasks = []
    if target != "STOPPED":
        for task_id in sorted(set(configs) | set(statuses)):
            tasks.append({"id": task_id, "config": configs.get(task_id, config), "status": statuses.get(task_id)})
    entry: dict[str, Any] = {
        "config": config,
        "type": info.get("type") if info.get("type") in ("source", "sink") else "unknown",
        "target_state": target,
        "status": connector_status,
        "tasks": tasks,
    }
    if isinstance(offsets, Mapping) and isinstance(offsets.get("offsets"), list):
        entry["offsets"] = [
            {"partition": item["partition"], "offset": item["offset"]}
            for item in offsets["offsets"]
            if isinstance(item, Mapping)
            and isinstance(item.get("partition"), Mapping)
            and isinstance(item.get("offset"), Mapping)
        ]
    if topics is not None:
        entry["active_topics"] = list(topics)
    return entry


def workers(connectors: Mapping[str, Mapping[str, Any]], url: str) -> tuple[str | None, list[str]]:
    """(the recorded worker's id, the other workers) from the worker ids of all statuses.

    REST does not say which worker answered; the one whose port is the URL's is taken, else the
    one running most instances.
    """
    seen: Counter[str] = Counter()
    for entry in connectors.values():
        for status in [entry.get("status"), *(task.get("status") for task in entry.get("tasks", []))]:
            if isinstance(status, Mapping) and isinstance(status.get("worker_id"), str):
                seen[status["worker_id"]] += 1
    if not seen:
        return None, []
    parts = urlsplit(url)
    port = str(parts.port or (443 if parts.scheme == "https" else 80))
    same_port = [worker for worker in seen if worker.rpartition(":")[2] == port]
    own = same_port[0] if len(same_port) == 1 else seen.most_common(1)[0][0]
    return own, sorted(worker for worker in seen if worker != own)


def task_rules(entry: dict[str, Any], connectors: Iterable[Mapping[str, Any]]) -> None:
    """Fill a recorded connector plugin's ``task_class`` and ``tasks`` rule from its connectors' tasks."""
    counts: set[str] = set()
    for connector in connectors:
        if connector["config"].get("connector.class") not in _names(entry["class"]):
            continue
        tasks = connector.get("tasks", [])
        for task in tasks:
            task_class = task.get("config", {}).get("task.class")
            if isinstance(task_class, str) and "task_class" not in entry:
                entry["task_class"] = task_class
        if connector.get("target_state") == "STOPPED":
            continue
        try:
            maximum = int(connector["config"].get("tasks.max", "1"))
        except ValueError:
            continue
        counts.add("none" if not tasks else "max" if len(tasks) == maximum else "one" if len(tasks) == 1 else "other")
    if counts in ({"one"}, {"none"}):
        entry["tasks"] = counts.pop()


def _names(cls: str) -> set[str]:
    plugin = Plugin(cls=cls, type="source", version=None)
    return {cls, plugin.simple_name, plugin.pruned_name}


def type_lookup(config: Mapping[str, Any], catalog: Catalog) -> TypeOf:
    """The ConfigDef type of each key of a connector config, from its plugin, transformations,
    predicates and converters as the catalog defines them (None when no definition is known)."""
    types: dict[str, str] = {}
    for keys in catalog.framework.values():
        types.update((key.name, key.type) for key in keys)

    def plugin_keys(name: Any) -> tuple[ConfigKey, ...]:
        if not isinstance(name, str):
            return ()
        found = catalog.resolve(name.strip(), list(catalog.plugins))
        return found[0].config if found else ()

    types.update((key.name, key.type) for key in plugin_keys(config.get("connector.class")))
    for prefix, suffix in _EMBEDDED_PLUGINS:
        for key, value in config.items():
            if key.startswith(prefix) and key.endswith(suffix) and key.count(".") == 2:
                alias = key[len(prefix) : -len(suffix)]
                types.update((f"{prefix}{alias}.{k.name}", k.type) for k in plugin_keys(value))
    for key in _CONVERTER_KEYS:
        types.update((f"{key}.{k.name}", k.type) for k in plugin_keys(config.get(key)))
    return types.get
