"""Whole-cluster snapshots: take one as JSON, or check one completely and then swap it in at once.

The snapshot is what ``GET /_mockconnect/state`` answers and ``PUT /_mockconnect/state`` loads
(``openapi/mockconnect-admin.yaml``, schema ``Snapshot``)::

    {"version": 1,
     "connectors": {"<name>": {"config": {...}, "type": "source", "target_state": "STARTED",
                               "status": {"state": "RUNNING", "worker_id": "...", "trace": null},
                               "tasks": [{"id": 0, "config": {...}, "status": {...}}],
                               "offsets": [{"partition": {...}, "offset": {...}}],
                               "active_topics": ["..."]}},
     "loggers": {"root": {"level": "INFO", "last_modified": null}, ...}}

When loading, only ``config`` is required per connector: ``type`` comes from the plugin catalog,
``target_state`` defaults to STARTED, ``status`` to the target's running state on this worker, the
lists to empty; a task's ``id`` defaults to its position and its ``config`` to the connector's.
``loggers`` are laid over a fresh worker's loggers. Nothing changes unless the whole snapshot is
valid; errors name the offending field (``connectors.sink-1.tasks[0].status.state``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockconnect.worker.cluster import LOG_LEVELS, ConnectCluster
from mockconnect.worker.errors import BadRequest
from mockconnect.worker.models import Connector, Json, State, Status, TargetState, Task, partition_key

VERSION = 1
CONNECTOR_TYPES = ("source", "sink", "unknown")
_CONNECTOR_FIELDS = {"config", "type", "target_state", "status", "tasks", "offsets", "active_topics"}
_TASK_FIELDS = {"id", "config", "status"}
_STATUS_FIELDS = {"state", "worker_id", "trace"}
_TASK_STATES = tuple(state.value for state in State if state is not State.STOPPED)
_JAVA_INT_MAX = 2**31 - 1


# -- taking ------------------------------------------------------------------------------------


def _status(status: Status | None) -> Json:
    if status is None:
        return None
    return {"state": status.state.value, "worker_id": status.worker_id, "trace": status.trace or None}


def _connector(connector: Connector) -> dict[str, Json]:
    return {
        "config": dict(connector.config),
        "type": connector.type,
        "target_state": connector.target.value,
        "status": _status(connector.status),
        "tasks": [{"id": t.id, "config": dict(t.config), "status": _status(t.status)} for t in connector.tasks],
        "offsets": [{"partition": dict(p), "offset": dict(o)} for p, o in connector.offsets.values()],
        "active_topics": list(connector.active_topics),
    }


def take(cluster: ConnectCluster) -> dict[str, Json]:
    """The whole cluster as a JSON-ready snapshot (a copy: later changes do not show in it)."""
    with cluster.lock:
        return {
            "version": VERSION,
            "connectors": {name: _connector(c) for name, c in cluster.connectors.items()},
            "loggers": {
                name: {"level": level, "last_modified": modified}
                for name, (level, modified) in sorted(cluster.loggers.items())
            },
        }


# -- checking ----------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadRequest(f"{where} must be an object, not {_kind(value)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadRequest(f"{where} must be an array, not {_kind(value)}")
    return value


def _no_unknown(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise BadRequest(f"{where} has unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _choice(value: Any, choices: tuple[str, ...], where: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise BadRequest(f"{where} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _string_map(value: Any, where: str) -> dict[str, str | None]:
    data = _object(value, where)
    for key, item in data.items():
        if not isinstance(item, str):
            raise BadRequest(f"{where}.{key} must be a string (Connect stores configs as strings), not {_kind(item)}")
    return dict(data)


def _parse_status(value: Any, where: str, states: tuple[str, ...], worker_id: str) -> Status | None:
    if value is None:
        return None
    data = _object(value, where)
    _no_unknown(data, _STATUS_FIELDS, where)
    if "state" not in data:
        raise BadRequest(f"{where}.state is required")
    state = State(_choice(data["state"], states, f"{where}.state"))
    worker = data.get("worker_id", worker_id)
    if not isinstance(worker, str):
        raise BadRequest(f"{where}.worker_id must be a string, not {_kind(worker)}")
    trace = data.get("trace")
    if trace is not None and not isinstance(trace, str):
        raise BadRequest(f"{where}.trace must be a string or null, not {_kind(trace)}")
    return Status(state, worker, trace or None)


def _parse_tasks(
    value: Any, where: str, worker_id: str, default_state: State, config: dict[str, str | None]
) -> list[Task]:
    tasks: list[Task] = []
    seen: set[int] = set()
    for index, item in enumerate(_list(value, where)):
        at = f"{where}[{index}]"
        data = _object(item, at)
        _no_unknown(data, _TASK_FIELDS, at)
        task_id = data.get("id", index)
        if not isinstance(task_id, int) or isinstance(task_id, bool) or not 0 <= task_id <= _JAVA_INT_MAX:
            raise BadRequest(f"{at}.id must be a whole number from 0 to {_JAVA_INT_MAX}, not {task_id!r}")
        if task_id in seen:
            raise BadRequest(f"{at}.id {task_id} is used by another task of this connector")
        seen.add(task_id)
        default_status = {"state": default_state.value}
        status = _parse_status(data.get("status", default_status), f"{at}.status", _TASK_STATES, worker_id)
        tasks.append(Task(task_id, _string_map(data.get("config", config), f"{at}.config"), status))
    return sorted(tasks, key=lambda task: task.id)


def _parse_offsets(value: Any, where: str) -> dict[str, tuple[dict[str, Json], dict[str, Json]]]:
    offsets: dict[str, tuple[dict[str, Json], dict[str, Json]]] = {}
    for index, item in enumerate(_list(value, where)):
        at = f"{where}[{index}]"
        data = _object(item, at)
        _no_unknown(data, {"partition", "offset"}, at)
        for key in ("partition", "offset"):
            if key not in data:
                raise BadRequest(f"{at}.{key} is required")
        partition = _object(data["partition"], f"{at}.partition")
        offsets[partition_key(partition)] = (partition, _object(data["offset"], f"{at}.offset"))
    return offsets


def _connector_type(cluster: ConnectCluster, config: Mapping[str, str | None]) -> str:
    connector_class = config.get("connector.class")
    if connector_class is None:
        return "unknown"
    matches = cluster.catalog.resolve(connector_class, cluster.catalog.connectors())
    return matches[0].type if len(matches) == 1 else "unknown"


def _parse_connector(cluster: ConnectCluster, name: str, value: Any) -> Connector:
    where = f"connectors.{name}"
    if not name.strip():
        raise BadRequest("connectors: a connector name must not be empty or blank")
    data = _object(value, where)
    _no_unknown(data, _CONNECTOR_FIELDS, where)
    if "config" not in data:
        raise BadRequest(f"{where}.config is required")
    config = _string_map(data["config"], f"{where}.config")
    if config.setdefault("name", name) != name:
        raise BadRequest(f"{where}.config.name is {config['name']!r} but must be the connector's name {name!r}")
    connector_type = data.get("type")
    if connector_type is None:
        connector_type = _connector_type(cluster, config)
    connector_type = _choice(connector_type, CONNECTOR_TYPES, f"{where}.type")
    targets = tuple(target.value for target in TargetState)
    target = TargetState(_choice(data.get("target_state", "STARTED"), targets, f"{where}.target_state"))
    worker_id = cluster.identity.worker_id
    default_status = {"state": target.running_state.value}
    states = tuple(state.value for state in State)
    status = _parse_status(data.get("status", default_status), f"{where}.status", states, worker_id)
    raw_tasks = _list(data.get("tasks", []), f"{where}.tasks")
    if target is TargetState.STOPPED and raw_tasks:
        raise BadRequest(f"{where}.tasks must be empty: a STOPPED connector has no tasks")
    tasks = _parse_tasks(raw_tasks, f"{where}.tasks", worker_id, target.running_state, config)
    topics = _list(data.get("active_topics", []), f"{where}.active_topics")
    for index, topic in enumerate(topics):
        if not isinstance(topic, str):
            raise BadRequest(f"{where}.active_topics[{index}] must be a string, not {_kind(topic)}")
    offsets = _parse_offsets(data.get("offsets", []), f"{where}.offsets")
    return Connector(name, config, connector_type, target, status, tasks, offsets, list(topics))


def _parse_loggers(cluster: ConnectCluster, value: Any) -> dict[str, tuple[str | None, int | None]]:
    loggers = dict(ConnectCluster(catalog=cluster.catalog, release=cluster.release).loggers)  # a fresh worker's
    for name, item in _object(value, "loggers").items():
        where = f"loggers.{name}"
        data = _object(item, where)
        _no_unknown(data, {"level", "last_modified"}, where)
        if "level" not in data:
            raise BadRequest(f"{where}.level is required (null when the logger inherits its parent's level)")
        level = data["level"]
        if level is not None:
            level = _choice(level, LOG_LEVELS, f"{where}.level")
        elif name == "root":
            raise BadRequest("loggers.root.level must be set: the root logger always has a level")
        modified = data.get("last_modified")
        if modified is not None and (not isinstance(modified, int) or isinstance(modified, bool)):
            raise BadRequest(f"{where}.last_modified must be epoch milliseconds or null, not {modified!r}")
        loggers[name] = (level, modified)
    return loggers


def restore(cluster: ConnectCluster, snapshot: Json) -> None:
    """Replace every connector and logger with the snapshot's, or raise BadRequest and change nothing."""
    data = _object(snapshot, "the snapshot")
    _no_unknown(data, {"version", "connectors", "loggers"}, "the snapshot")
    version = data.get("version", VERSION)
    if version != VERSION or isinstance(version, bool):
        raise BadRequest(f"version must be {VERSION}, not {version!r}")
    connectors = {
        name: _parse_connector(cluster, name, value)
        for name, value in _object(data.get("connectors", {}), "connectors").items()
    }
    loggers = _parse_loggers(cluster, data.get("loggers", {}))
    with cluster.lock:
        cluster.connectors = connectors
        cluster.offset_stores = {}  # a replaced state has no history of deleted connectors
        cluster.loggers = loggers
