"""ConnectCluster: the one owner of mutable state, with one method per REST operation.

Method names are the snake_case OpenAPI operationIds. Every method takes the lock, so the
threaded server can call them concurrently; results are fresh JSON-ready structures, never
live references into the state.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import offsets as offset_rules
from .catalog import Catalog, Plugin, builtin_catalog
from .errors import AlreadyExists, BadRequest, ConnectError, Forbidden, NotFound
from .models import Connector, Json, State, Status, TargetState, Task, partition_key
from .validation import WorkerSettings, find_connector, raise_if_invalid, validate_config

KAFKA_VERSION = "3.7.0"
KAFKA_COMMIT = "2ae524ed625438c5"
LOG_LEVELS = ("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL")
_CREATE_NPE = (
    'Cannot invoke "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.name()" '
    'because "createRequest" is null'
)
_CONFIG_NPE = 'Cannot invoke "java.util.Map.get(Object)" because "connectorConfig" is null'


def stable_cluster_id(seed: str = "mockconnect") -> str:
    """A Kafka-style cluster id: 22 characters of URL-safe base64 from a UUID."""
    raw = uuid.uuid5(uuid.NAMESPACE_URL, seed).bytes
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


@dataclass(slots=True)
class CreateRequest:
    """The body of POST /connectors after Jackson-style decoding."""

    name: str | None
    config: dict[str, str | None] | None
    initial_state: str | None = None


@dataclass(slots=True)
class WorkerIdentity:
    """Who this mock worker says it is."""

    worker_id: str = "localhost:8083"
    cluster_id: str = field(default_factory=stable_cluster_id)
    version: str = KAFKA_VERSION
    commit: str = KAFKA_COMMIT
    topic_tracking: bool = True
    topic_tracking_reset: bool = True


class ConnectCluster:
    """All state of one mock Kafka Connect cluster; ``reset()`` returns it to a fresh worker."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        identity: WorkerIdentity | None = None,
        settings: WorkerSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.catalog = catalog or builtin_catalog()
        self.identity = identity or WorkerIdentity()
        self.settings = settings or WorkerSettings()
        self.clock = clock
        self.lock = threading.RLock()
        self.connectors: dict[str, Connector] = {}
        self.loggers: dict[str, tuple[str | None, int | None]] = {}
        self.reset()

    # -- lifecycle ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every connector and logger change: a freshly started worker."""
        with self.lock:
            self.connectors = {}
            self.loggers = dict.fromkeys(self.catalog.loggers, (None, None))
            self.loggers["root"] = ("INFO", None)
            self.loggers["org.reflections"] = ("ERROR", None)

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    def _status(self, state: State, trace: str | None = None) -> Status:
        return Status(state, self.identity.worker_id, trace)

    # -- helpers -----------------------------------------------------------------------------

    def _get(self, name: str, message: str) -> Connector:
        connector = self.connectors.get(name)
        if connector is None:
            raise NotFound(message)
        return connector

    def _plugin_for(self, config: Mapping[str, str]) -> Plugin | None:
        connector_class = config.get("connector.class")
        if connector_class is None:
            return None
        try:
            return find_connector(self.catalog, connector_class)
        except ConnectError:
            return None

    def _generate_tasks(self, connector: Connector) -> None:
        """Task configs as the connector produces them, each RUNNING (or PAUSED) at once."""
        plugin = self._plugin_for(connector.config)
        connector.tasks = []
        if plugin is None or plugin.tasks == "none":
            return
        count = 1
        if plugin.tasks == "max":
            try:
                count = max(1, int(connector.config.get("tasks.max", "1").strip()))
            except ValueError:
                count = 1
        task_config = dict(connector.config)
        if plugin.task_class:
            task_config["task.class"] = plugin.task_class
        state = connector.target.running_state
        connector.tasks = [Task(i, dict(task_config), self._status(state)) for i in range(count)]

    def _validated(self, name: str, config: dict[str, str | None]) -> tuple[dict[str, str], Plugin]:
        infos = validate_config(self.catalog, self.settings, config)
        raise_if_invalid(infos)
        plugin = find_connector(self.catalog, str(config["connector.class"]))
        return {k: v for k, v in config.items() if v is not None}, plugin

    @staticmethod
    def _put_name(name: str, config: dict[str, str | None]) -> None:
        """ConnectorsResource.checkAndPutConnectorConfigName."""
        included = config.get("name")
        if included is not None:
            if included != name:
                raise BadRequest(
                    f"Connector name configuration ({included}) doesn't match connector name in the URL ({name})"
                )
        else:
            config["name"] = name

    # -- root --------------------------------------------------------------------------------

    def get_worker_info(self) -> dict[str, Json]:
        ident = self.identity
        return {"version": ident.version, "commit": ident.commit, "kafka_cluster_id": ident.cluster_id}

    # -- connectors --------------------------------------------------------------------------

    def list_connectors(self, expand: list[str] | None = None) -> Json:
        with self.lock:
            if expand is None:
                return list(self.connectors)
            result: dict[str, Json] = {}
            for name, connector in self.connectors.items():
                if connector.status is None:  # no status yet: Connect leaves the connector out
                    continue
                entry: dict[str, Json] = {}
                for kind in expand:
                    if kind == "status":
                        entry["status"] = connector.state_info()
                    elif kind == "info":
                        entry["info"] = connector.info()
                result[name] = entry
            return result

    def create_connector(self, request: CreateRequest | None) -> dict[str, Json]:
        if request is None:
            raise ConnectError(_CREATE_NPE)
        name = (request.name or "").strip()
        if request.config is None:
            raise ConnectError(_CONFIG_NPE)
        config = dict(request.config)
        self._put_name(name, config)
        target = TargetState.STARTED
        if request.initial_state is not None:
            target = {"RUNNING": TargetState.STARTED, "PAUSED": TargetState.PAUSED, "STOPPED": TargetState.STOPPED}[
                request.initial_state.upper()
            ]
        with self.lock:
            stored, plugin = self._validated(name, config)
            if name in self.connectors:
                raise AlreadyExists(f"Connector {name} already exists")
            connector = Connector(name, stored, plugin.type, target, self._status(target.running_state))
            answer = connector.info()  # a real worker answers before the connector has made tasks
            if target is TargetState.STARTED:
                self._generate_tasks(connector)
            self.connectors[name] = connector
            return answer

    def get_connector(self, connector: str) -> dict[str, Json]:
        with self.lock:
            return self._get(connector, f"Connector {connector} not found").info()

    def delete_connector(self, connector: str) -> None:
        with self.lock:
            self._get(connector, f"Connector {connector} not found")
            del self.connectors[connector]

    def get_connector_config(self, connector: str) -> dict[str, str]:
        with self.lock:
            return dict(self._get(connector, f"Connector {connector} not found").config)

    def put_connector_config(
        self, connector: str, config: dict[str, str | None] | None
    ) -> tuple[bool, dict[str, Json]]:
        """Create or replace; returns (created, ConnectorInfo)."""
        if config is None:
            raise ConnectError(_CONFIG_NPE)
        config = dict(config)
        self._put_name(connector, config)
        with self.lock:
            stored, plugin = self._validated(connector, config)
            existing = self.connectors.get(connector)
            if existing is None:
                created = Connector(connector, stored, plugin.type, TargetState.STARTED, self._status(State.RUNNING))
                answer = created.info()
                self._generate_tasks(created)
                self.connectors[connector] = created
                return True, answer
            existing.config = stored
            existing.type = plugin.type
            answer = existing.info()  # the task list as it was: new task configs come later
            existing.status = self._status(existing.target.running_state)
            if existing.target is TargetState.STARTED:
                self._generate_tasks(existing)
            return False, answer

    def get_connector_status(self, connector: str) -> dict[str, Json]:
        with self.lock:
            found = self.connectors.get(connector)
            if found is None or found.status is None:
                raise NotFound(f"No status found for connector {connector}")
            return found.state_info()

    def restart_connector(
        self, connector: str, include_tasks: bool = False, only_failed: bool = False
    ) -> dict[str, Json] | None:
        """Plain restart returns None (204); otherwise the restart plan (202)."""
        with self.lock:
            found = self._get(connector, f"Unknown connector: {connector}")
            running = found.target.running_state
            if not include_tasks and not only_failed:
                found.status = self._status(running)
                return None
            if found.status is None:
                raise NotFound(f"Status for connector {connector} not found")
            restart_connector = not only_failed or found.status.state is State.FAILED
            restart_tasks = [
                task
                for task in found.tasks
                if include_tasks and task.status is not None and (not only_failed or task.status.state is State.FAILED)
            ]
            plan = found.state_info()
            if restart_connector:
                plan["connector"]["state"] = State.RESTARTING.value
                found.status = self._status(running)
            restarted_ids = {task.id for task in restart_tasks}
            for entry in plan["tasks"]:
                if entry["id"] in restarted_ids:
                    entry["state"] = State.RESTARTING.value
            task_state = State.PAUSED if found.target is TargetState.PAUSED else State.RUNNING
            for task in restart_tasks:
                task.status = self._status(task_state)
            return plan

    def pause_connector(self, connector: str) -> None:
        with self.lock:
            found = self._get(connector, f"Unknown connector {connector}")
            found.target = TargetState.PAUSED
            if found.status is not None and found.status.state not in (State.FAILED,):
                found.status = self._status(State.PAUSED)
            for task in found.tasks:
                if task.status is not None and task.status.state is not State.FAILED:
                    task.status = self._status(State.PAUSED)

    def resume_connector(self, connector: str) -> None:
        with self.lock:
            found = self._get(connector, f"Unknown connector {connector}")
            was_stopped = found.target is TargetState.STOPPED
            found.target = TargetState.STARTED
            if found.status is not None and found.status.state is not State.FAILED:
                found.status = self._status(State.RUNNING)
            if was_stopped or not found.tasks:
                self._generate_tasks(found)
                return
            for task in found.tasks:
                if task.status is not None and task.status.state is State.PAUSED:
                    task.status = self._status(State.RUNNING)

    def stop_connector(self, connector: str) -> None:
        with self.lock:
            found = self._get(connector, f"Unknown connector {connector}")
            found.target = TargetState.STOPPED
            found.tasks = []
            found.status = self._status(State.STOPPED)

    def list_connector_tasks(self, connector: str) -> list[dict[str, Json]]:
        with self.lock:
            found = self._get(connector, f"Connector {connector} not found")
            return [{"id": {"connector": connector, "task": t.id}, "config": dict(t.config)} for t in found.tasks]

    def get_tasks_config(self, connector: str) -> dict[str, dict[str, str]]:
        with self.lock:
            found = self._get(connector, f"Connector {connector} not found")
            return {f"{connector}-{t.id}": dict(t.config) for t in found.tasks}

    def get_task_status(self, connector: str, task: int) -> dict[str, Json]:
        with self.lock:
            found = self.connectors.get(connector)
            match = next((t for t in found.tasks if t.id == task), None) if found else None
            if match is None or match.status is None:
                raise NotFound(f"No status found for task {connector}-{task}")
            return match.state_dict()

    def restart_task(self, connector: str, task: int) -> None:
        with self.lock:
            found = self._get(connector, f"Unknown connector: {connector}")
            match = next((t for t in found.tasks if t.id == task), None)
            if match is None:
                raise NotFound(f"Unknown task: {connector}-{task}")
            match.status = self._status(State.PAUSED if found.target is TargetState.PAUSED else State.RUNNING)

    # -- topics ------------------------------------------------------------------------------

    def get_connector_active_topics(self, connector: str) -> dict[str, Json]:
        if not self.identity.topic_tracking:
            raise Forbidden("Topic tracking is disabled.")
        with self.lock:
            found = self.connectors.get(connector)
            return {connector: {"topics": list(found.active_topics) if found else []}}

    def reset_connector_active_topics(self, connector: str) -> None:
        if not self.identity.topic_tracking:
            raise Forbidden("Topic tracking is disabled.")
        if not self.identity.topic_tracking_reset:
            raise Forbidden("Topic tracking reset is disabled.")
        with self.lock:
            found = self.connectors.get(connector)
            if found is not None:
                found.active_topics = []

    # -- offsets -----------------------------------------------------------------------------

    def get_connector_offsets(self, connector: str) -> dict[str, Json]:
        with self.lock:
            return self._get(connector, f"Connector {connector} not found").offsets_dict()

    def _stopped(self, connector: str) -> tuple[Connector, Plugin | None]:
        found = self._get(connector, f"Connector {connector} not found")
        if found.target is not TargetState.STOPPED or found.tasks:
            raise BadRequest(
                "Connectors must be in the STOPPED state before their offsets can be modified. This can be done "
                f"for the specified connector by issuing a 'PUT' request to the '/connectors/{connector}/stop' endpoint"
            )
        return found, self._plugin_for(found.config)

    @staticmethod
    def _offsets_message(plugin: Plugin | None, verb: str) -> dict[str, Json]:
        if plugin is not None and plugin.alter_offsets:
            return {"message": f"The offsets for this connector have been {verb} successfully"}
        return {
            "message": f"The Connect framework-managed offsets for this connector have been {verb} successfully. "
            "However, if this connector manages offsets externally, they will need to be manually "
            f"{verb} in the system that the connector uses."
        }

    def alter_connector_offsets(self, connector: str, changes: list[offset_rules.Change] | None) -> dict[str, Json]:
        if not changes:
            raise BadRequest("Partitions / offsets need to be provided for an alter offsets request")
        with self.lock:
            found, plugin = self._stopped(connector)
            if found.type == "sink":
                for partition, offset in offset_rules.sink_changes(changes):
                    self._set_offset(found, partition, offset)
            else:
                if plugin is not None:
                    offset_rules.source_changes(plugin, found.config, changes)
                for source_partition, offset in changes:
                    self._set_offset(found, source_partition or {}, offset)
            return self._offsets_message(plugin, "altered")

    @staticmethod
    def _set_offset(connector: Connector, partition: dict[str, Json], offset: dict[str, Json] | None) -> None:
        key = partition_key(partition)
        if offset is None:
            connector.offsets.pop(key, None)
        else:
            connector.offsets[key] = (partition, offset)

    def reset_connector_offsets(self, connector: str) -> dict[str, Json]:
        with self.lock:
            found, plugin = self._stopped(connector)
            found.offsets.clear()
            return self._offsets_message(plugin, "reset")

    # -- plugins -----------------------------------------------------------------------------

    def list_connector_plugins(self, connectors_only: bool = True) -> list[dict[str, Any]]:
        return [plugin.info() for plugin in self.catalog.listed(connectors_only)]

    def get_connector_config_def(self, plugin: str) -> list[dict[str, Json]]:
        matches = self.catalog.resolve(plugin, list(self.catalog.plugins))
        if not matches:
            raise NotFound(f"Unknown plugin {plugin}.")
        found = matches[0]
        keys = list(found.config)
        if found.is_connector:
            keys += list(self.catalog.framework[found.type])
        return [key.info() for key in keys]

    def validate_connector_config(self, plugin: str, config: dict[str, str | None] | None) -> dict[str, Json]:
        if config is None:
            raise ConnectError('Cannot invoke "java.util.Map.get(Object)" because "connectorConfig" is null')
        connector_class = config.get("connector.class")
        if connector_class is not None:
            included = (
                connector_class[: -len("Connector")] if connector_class.endswith("Connector") else connector_class
            )
            requested = plugin[: -len("Connector")] if plugin.endswith("Connector") else plugin
            if not included.endswith(requested):
                raise BadRequest(f"Included connector type {included} does not match request type {requested}")
        try:
            return validate_config(self.catalog, self.settings, config)
        except ConnectError as exc:
            # ConnectorPluginsResource does not unwrap the ExecutionException: every failure is a 500
            # whose message is the cause's Java toString.
            java_class = (
                "org.apache.kafka.connect.runtime.rest.errors.BadRequestException"
                if isinstance(exc, BadRequest)
                else "org.apache.kafka.connect.errors.ConnectException"
            )
            raise ConnectError(f"{java_class}: {exc.message}") from exc

    # -- loggers -----------------------------------------------------------------------------

    def _effective_level(self, name: str) -> str:
        probe = name
        while True:
            level = self.loggers.get(probe, (None, None))[0]
            if level is not None:
                return level
            if "." not in probe:
                return self.loggers["root"][0] or "INFO"
            probe = probe.rsplit(".", 1)[0]

    def list_loggers(self) -> dict[str, Json]:
        with self.lock:
            return {
                name: {"level": level, "last_modified": modified}
                for name, (level, modified) in sorted(self.loggers.items())
                if level is not None
            }

    def get_logger(self, logger: str) -> dict[str, Json]:
        with self.lock:
            name = "root" if logger.lower() == "root" else logger
            if name not in self.loggers:
                raise NotFound(f"Logger {logger} not found.")
            return {"level": self._effective_level(name), "last_modified": self.loggers[name][1]}

    def set_level(
        self, logger: str, body: Mapping[str, str | None] | None, scope: str | None = None
    ) -> list[str] | None:
        """Worker scope returns the affected logger names (200); cluster scope returns None (204)."""
        if body is None:
            raise ConnectError('Cannot invoke "java.util.Map.get(Object)" because "levelMap" is null')
        level = body.get("level")
        if level is None:
            raise BadRequest("Desired 'level' parameter was not specified in request.")
        if level.upper() not in LOG_LEVELS:
            raise NotFound(f"invalid log level '{level}'.")
        level = level.upper()
        with self.lock:
            if logger.lower() == "root":
                order = sorted(n for n in self.loggers if n != "root") + ["root"]
            else:
                order = sorted(n for n in self.loggers if n.startswith(logger))
                if logger not in self.loggers:  # log4j creates the namespace logger, listed last
                    self.loggers[logger] = (None, None)
                    order.append(logger)
            now = self._now_ms()
            for name in order:
                current = self.loggers[name][0] or self._effective_level(name)
                if current != level:
                    self.loggers[name] = (level, now)
            if scope is not None and scope.lower() == "cluster":
                return None
            return sorted(order)
