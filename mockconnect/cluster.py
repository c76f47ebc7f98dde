"""ConnectCluster: the one owner of mutable state, with one method per REST operation.

Method names are the snake_case OpenAPI operationIds. Every method takes the lock, so the
threaded server can call them concurrently; results are fresh JSON-ready structures, never
live references into the state.
"""

from __future__ import annotations

import base64
import functools
import heapq
import itertools
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from . import javamap
from . import offsets as offset_rules
from .catalog import Catalog, Plugin, builtin_catalog
from .clock import Clock
from .configdef import java_trim
from .errors import AlreadyExists, BadRequest, Conflict, ConnectError, Forbidden, NotFound
from .models import ConfigMap, Connector, Json, State, Status, TargetState, Task, partition_key
from .validation import WorkerSettings, find_connector, raise_if_invalid, validate_config

MAX_TASKS = 1000
"""The mock makes at most this many tasks per connector, so memory stays bounded (a deviation)."""
KAFKA_VERSION = "3.7.0"
KAFKA_COMMIT = "2ae524ed625438c5"
LOG_LEVELS = ("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL")
_CREATE_NPE = (
    'Cannot invoke "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.name()" '
    'because "createRequest" is null'
)
_CONFIG_NPE = 'Cannot invoke "java.util.Map.get(Object)" because "connectorConfig" is null'
_INITIAL_STATES = {"RUNNING": TargetState.STARTED, "PAUSED": TargetState.PAUSED, "STOPPED": TargetState.STOPPED}


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
class Timing:
    """How long a worker takes to act; all zero (the default) makes every change immediate.

    A real worker answers before it acts: right after a create, status is 404 until the connector
    has started, and tasks appear later still. Positive delays (seconds on the cluster's clock)
    reproduce that.
    """

    connector_start: float = 0.0
    """From create, config change, restart or resume until the connector reports its state."""
    task_start: float = 0.0
    """From the connector's start (or a task restart) until its tasks exist and report their state."""


REBALANCE_TEXTS = {
    "stale_config": "Cannot complete request momentarily due to stale configuration (typically caused by a "
    "concurrent config change)",
    "no_leader": "Cannot complete request momentarily due to no known leader URL, likely because a rebalance "
    "was underway.",
    "conflicting_operation": "Cannot complete request because of a conflicting operation (e.g. worker rebalance)",
}
"""The 409 texts of HerderRequestHandler, by cause."""

_FORWARDED = frozenset(
    {
        "create_connector",
        "put_connector_config",
        "delete_connector",
        "restart_connector",
        "restart_task",
        "stop_connector",
        "_alter_offsets",
        "reset_connector_offsets",
    }
)
"""Operations that go through completeOrForwardRequest: 409 while a rebalance is expected."""
_REBALANCE_CHECKED = frozenset({"get_connector", "get_connector_config", "list_connector_tasks", "get_tasks_config"})
"""GETs that check for a pending rebalance through completeRequest: 500 instead of 409."""

F = TypeVar("F", bound=Callable[..., Any])


def operation(method: F) -> F:
    """Run a REST operation under the lock, after applying every transition that is due."""

    @functools.wraps(method)
    def run(self: ConnectCluster, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self._catch_up()
            self._check_rebalance(method.__name__)
            return method(self, *args, **kwargs)

    return cast(F, run)


@dataclass(slots=True)
class WorkerIdentity:
    """Who this mock worker says it is, and which other workers share its cluster."""

    worker_id: str = "localhost:8083"
    peers: list[str] = field(default_factory=list)
    """Other workers of the cluster; connectors and tasks are spread over all of them."""
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
        clock: Clock | None = None,
        timing: Timing | None = None,
    ) -> None:
        self.catalog = catalog or builtin_catalog()
        self.identity = identity or WorkerIdentity()
        self.settings = settings or WorkerSettings()
        self.clock = clock or Clock()
        self.timing = timing or Timing()
        self.lock = threading.RLock()
        self.connectors: dict[str, Connector] = {}
        self.loggers: dict[str, tuple[str | None, int | None]] = {}
        self.gone_workers: set[str] = set()
        self.restart_failures: dict[tuple[str, int | None], list[str]] = {}
        """Traces to fail with on the next restarts of a connector (task None) or task, in order."""
        self.rebalance: tuple[float, float, str] | None = None
        """(from, until, cause) of a rebalance window on the clock, or None."""
        self._timeline: list[tuple[float, int, Callable[[], None]]] = []
        self._firing_at: float | None = None
        self._sequence = itertools.count()
        self._assignments = itertools.count()
        self.reset()

    # -- lifecycle ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every connector, logger change, scheduled transition and injected failure."""
        with self.lock:
            self.connectors = {}
            self.loggers = dict.fromkeys(self.catalog.loggers, (None, None))
            self.loggers["root"] = ("INFO", None)
            self.loggers["org.reflections"] = ("ERROR", None)
            self.gone_workers = set()
            self.restart_failures = {}
            self.rebalance = None
            self._timeline = []
            self._assignments = itertools.count()

    def _now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    @property
    def live_workers(self) -> list[str]:
        workers = [self.identity.worker_id, *self.identity.peers]
        return [w for w in dict.fromkeys(workers) if w not in self.gone_workers]

    def _status(self, state: State, trace: str | None = None, worker: str | None = None) -> Status:
        """A status on the next worker in turn (every instance lands on some live worker)."""
        if worker is None:
            live = self.live_workers or [self.identity.worker_id]
            worker = live[next(self._assignments) % len(live)]
        return Status(state, worker, trace)

    # -- the timeline ------------------------------------------------------------------------

    def schedule(self, delay: float, action: Callable[[], None]) -> None:
        """Run ``action`` once the clock has moved ``delay`` seconds on (at once when not positive)."""
        if delay <= 0:
            action()
            return
        base = self._firing_at if self._firing_at is not None else self.clock.now()
        heapq.heappush(self._timeline, (base + delay, next(self._sequence), action))

    def _later(self, connector: Connector, delay: float, action: Callable[[], None]) -> None:
        """Schedule ``action`` for ``connector``, dropped if the connector's plan changes first."""
        epoch, name = connector.epoch, connector.name

        def guarded() -> None:
            current = self.connectors.get(name)
            if current is connector and connector.epoch == epoch:
                action()

        self.schedule(delay, guarded)

    def _catch_up(self) -> None:
        now = self.clock.now()
        try:
            while self._timeline and self._timeline[0][0] <= now:
                # Transitions scheduled by a transition count from when it was due, not from now.
                self._firing_at, _, action = heapq.heappop(self._timeline)
                action()
        finally:
            self._firing_at = None

    def catch_up(self) -> None:
        """Apply every transition that is due by now (operations do this themselves)."""
        with self.lock:
            self._catch_up()

    def moment(self) -> float:
        """Now on the clock; inside a scheduled transition, the instant it was due."""
        return self._firing_at if self._firing_at is not None else self.clock.now()

    def _check_rebalance(self, operation_name: str) -> None:
        if self.rebalance is None:
            return
        start, until, cause = self.rebalance
        if not start <= self.clock.now() < until:
            return
        if operation_name in _FORWARDED:
            raise Conflict(REBALANCE_TEXTS[cause])
        if operation_name in _REBALANCE_CHECKED:
            raise ConnectError("Request cannot be completed because a rebalance is expected")

    # -- starting instances ------------------------------------------------------------------

    def _instance_status(self, connector: Connector, task: int | None, state: State) -> Status:
        """The status an instance reaches when it starts: FAILED if a scheduled failure is pending."""
        traces = self.restart_failures.get((connector.name, task))
        if traces and state is not State.STOPPED:
            trace = traces.pop(0)
            if not traces:
                del self.restart_failures[(connector.name, task)]
            return self._status(State.FAILED, trace)
        return self._status(state)

    def _start_connector(self, connector: Connector, *, tasks: str, pending: State | None) -> None:
        """(Re)start a connector under its target state.

        ``pending`` is the status shown until it has started (None: no status at all);
        ``tasks`` is ``regenerate`` (new task configs), ``restart`` (all tasks) or ``keep``.
        """
        connector.epoch += 1
        connector.status = None if pending is None else self._status(pending)
        timing = self.timing

        def started() -> None:
            connector.status = self._instance_status(connector, None, connector.target.running_state)
            if tasks == "regenerate" and connector.target is TargetState.STARTED:
                self._later(connector, timing.task_start, lambda: self._generate_tasks(connector))
            elif tasks == "restart":
                for task in connector.tasks:
                    self._start_task(connector, task, pending=None)

        self._later(connector, timing.connector_start, started)

    def _start_task(self, connector: Connector, task: Task, *, pending: State | None) -> None:
        if pending is not None:
            task.status = self._status(pending, worker=task.status.worker_id if task.status else None)
        state = State.PAUSED if connector.target is TargetState.PAUSED else State.RUNNING

        def started() -> None:
            if task in connector.tasks:
                task.status = self._instance_status(connector, task.id, state)

        self._later(connector, self.timing.task_start, started)

    # -- injected trouble (used by scenarios) ------------------------------------------------

    def fail_connector(self, name: str, trace: str) -> None:
        """The connector instance throws: FAILED with ``trace``; its tasks keep running."""
        with self.lock:
            found = self._get(name, f"Connector {name} not found")
            worker = found.status.worker_id if found.status else None
            found.status = self._status(State.FAILED, trace, worker)

    def fail_task(self, name: str, task: int, trace: str) -> None:
        """A task throws: FAILED with ``trace``; the connector and other tasks are unaffected."""
        with self.lock:
            found = self._get(name, f"Connector {name} not found")
            match = next((t for t in found.tasks if t.id == task), None)
            if match is None:
                raise NotFound(f"Unknown task: {name}-{task}")
            worker = match.status.worker_id if match.status else None
            match.status = self._status(State.FAILED, trace, worker)

    def fail_next_restarts(self, name: str, task: int | None, traces: list[str]) -> None:
        """The next ``len(traces)`` starts of this connector (task None) or task fail with these traces."""
        with self.lock:
            self.restart_failures[(name, task)] = list(traces)

    def start_rebalance(self, duration: float, cause: str = "stale_config") -> None:
        """From now, for ``duration`` seconds, answer as a worker that expects a rebalance."""
        if cause not in REBALANCE_TEXTS:
            raise ValueError(f"unknown rebalance cause {cause!r}; use one of {sorted(REBALANCE_TEXTS)}")
        with self.lock:
            now = self.moment()
            self.rebalance = (now, now + duration, cause)

    def remove_worker(self, worker: str, reassign_after: float) -> None:
        """A worker leaves: its instances go UNASSIGNED, then move to live workers after a delay."""
        with self.lock:
            self.gone_workers.add(worker)
            for connector in self.connectors.values():
                instances: list[tuple[int | None, Status | None]] = [(None, connector.status)]
                instances += [(task.id, task.status) for task in connector.tasks]
                for task_id, status in instances:
                    if status is None or status.worker_id != worker:
                        continue
                    status.state = State.UNASSIGNED
                    status.trace = None
                    self._later(connector, reassign_after, self._reassigner(connector, task_id))

    def _reassigner(self, connector: Connector, task_id: int | None) -> Callable[[], None]:
        def reassign() -> None:
            if not self.live_workers:
                return
            if task_id is None:
                connector.status = self._status(connector.target.running_state)
                return
            for task in connector.tasks:
                if task.id == task_id:
                    paused = connector.target is TargetState.PAUSED
                    task.status = self._status(State.PAUSED if paused else State.RUNNING)

        return reassign

    def add_worker(self, worker: str) -> None:
        """A worker joins (or comes back); new assignments may land on it."""
        with self.lock:
            self.gone_workers.discard(worker)
            if worker != self.identity.worker_id and worker not in self.identity.peers:
                self.identity.peers.append(worker)

    def generate_tasks(self, name: str) -> None:
        """Give a connector the task configs its plugin makes, started under its target state (for seeding)."""
        with self.lock:
            self._generate_tasks(self._get(name, f"Connector {name} not found"))

    # -- helpers -----------------------------------------------------------------------------

    def _get(self, name: str, message: str) -> Connector:
        connector = self.connectors.get(name)
        if connector is None:
            raise NotFound(message)
        return connector

    def _plugin_for(self, config: Mapping[str, str | None]) -> Plugin | None:
        connector_class = config.get("connector.class")
        if connector_class is None:
            return None
        try:
            return find_connector(self.catalog, connector_class)
        except ConnectError:
            return None

    def _generate_tasks(self, connector: Connector) -> None:
        """Task configs as the connector produces them; each task starts under the target state."""
        plugin = self._plugin_for(connector.config)
        connector.tasks = []
        if plugin is None or plugin.tasks == "none":
            return
        count = 1
        if plugin.tasks == "max":
            try:
                count = max(1, int(java_trim(connector.config.get("tasks.max") or "1")))
            except ValueError:
                count = 1
            count = min(count, MAX_TASKS)
        task_config = dict(connector.config)
        if plugin.task_class:
            task_config["task.class"] = plugin.task_class
        task_config = javamap.hash_ordered(task_config)
        state = State.PAUSED if connector.target is TargetState.PAUSED else State.RUNNING
        connector.tasks = [Task(i, dict(task_config), None) for i in range(count)]
        for task in connector.tasks:
            task.status = self._instance_status(connector, task.id, state)

    def _validated(self, name: str, config: dict[str, str | None]) -> tuple[dict[str, str | None], Plugin]:
        infos = validate_config(self.catalog, self.settings, config)
        raise_if_invalid(infos)
        plugin = find_connector(self.catalog, str(config["connector.class"]))
        # Connect stores configs in HashMaps: reads come back in Java's hash order.
        return javamap.hash_ordered(config), plugin

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

    @operation
    def list_connectors(self, expand: list[str] | None = None) -> Json:
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

    @operation
    def create_connector(self, request: CreateRequest | None) -> dict[str, Json]:
        if request is None:
            raise ConnectError(_CREATE_NPE)
        name = java_trim(request.name or "")
        if request.config is None:
            raise ConnectError(_CONFIG_NPE)
        config = dict(request.config)
        self._put_name(name, config)
        target = TargetState.STARTED
        if request.initial_state is not None:
            target = _INITIAL_STATES[request.initial_state.upper()]
        stored, plugin = self._validated(name, config)
        if name in self.connectors:
            raise AlreadyExists(f"Connector {name} already exists")
        connector = Connector(name, stored, plugin.type, target, None)
        self.connectors[name] = connector
        # The answer echoes the submitted map in its own order; it comes before any task exists.
        answer = {**connector.info(), "config": dict(config)}
        self._start_connector(connector, tasks="regenerate", pending=None)
        return answer

    @operation
    def get_connector(self, connector: str) -> dict[str, Json]:
        return self._get(connector, f"Connector {connector} not found").info()

    @operation
    def delete_connector(self, connector: str) -> None:
        found = self._get(connector, f"Connector {connector} not found")
        found.epoch += 1
        del self.connectors[connector]

    @operation
    def get_connector_config(self, connector: str) -> ConfigMap:
        return dict(self._get(connector, f"Connector {connector} not found").config)

    @operation
    def put_connector_config(
        self, connector: str, config: dict[str, str | None] | None
    ) -> tuple[bool, dict[str, Json]]:
        """Create or replace; returns (created, ConnectorInfo)."""
        if config is None:
            raise ConnectError(_CONFIG_NPE)
        config = dict(config)
        self._put_name(connector, config)
        stored, plugin = self._validated(connector, config)
        existing = self.connectors.get(connector)
        if existing is None:
            created = Connector(connector, stored, plugin.type, TargetState.STARTED, None)
            self.connectors[connector] = created
            answer = {**created.info(), "config": dict(config)}
            self._start_connector(created, tasks="regenerate", pending=None)
            return True, answer
        existing.config = stored
        existing.type = plugin.type
        # The submitted map in its own order, and the task list as it was: new tasks come later.
        answer = {**existing.info(), "config": dict(config)}
        existing.epoch += 1
        self._start_connector(existing, tasks="regenerate", pending=State.UNASSIGNED)
        return False, answer

    @operation
    def get_connector_status(self, connector: str) -> dict[str, Json]:
        found = self.connectors.get(connector)
        if found is None or found.status is None:
            raise NotFound(f"No status found for connector {connector}")
        return found.state_info()

    @operation
    def restart_connector(
        self, connector: str, include_tasks: bool = False, only_failed: bool = False
    ) -> dict[str, Json] | None:
        """Plain restart returns None (204); otherwise the restart plan (202)."""
        found = self._get(connector, f"Unknown connector: {connector}")
        if not include_tasks and not only_failed:
            self._start_connector(found, tasks="keep", pending=State.UNASSIGNED)
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
            self._start_connector(found, tasks="keep", pending=State.RESTARTING)
        restarted_ids = {task.id for task in restart_tasks}
        for entry in plan["tasks"]:
            if entry["id"] in restarted_ids:
                entry["state"] = State.RESTARTING.value
        for task in restart_tasks:
            self._start_task(found, task, pending=State.RESTARTING)
        return plan

    @operation
    def pause_connector(self, connector: str) -> None:
        found = self._get(connector, f"Unknown connector {connector}")
        found.epoch += 1
        found.target = TargetState.PAUSED
        if found.status is None or found.status.state is not State.FAILED:
            found.status = self._status(State.PAUSED, worker=found.status.worker_id if found.status else None)
        for task in found.tasks:
            if task.status is None or task.status.state is not State.FAILED:
                task.status = self._status(State.PAUSED, worker=task.status.worker_id if task.status else None)

    @operation
    def resume_connector(self, connector: str) -> None:
        found = self._get(connector, f"Unknown connector {connector}")
        was_stopped = found.target is TargetState.STOPPED
        failed = found.status is not None and found.status.state is State.FAILED
        found.epoch += 1
        found.target = TargetState.STARTED
        if was_stopped or (not found.tasks and not failed):
            # The connector starts (again) and makes its task configs; until then it shows as it was.
            self._start_connector(found, tasks="regenerate", pending=found.status.state if found.status else None)
            return
        if found.status is not None and not failed:  # a FAILED connector ignores resume
            found.status = self._status(State.RUNNING, worker=found.status.worker_id)
        for task in found.tasks:
            if task.status is not None and task.status.state is State.PAUSED:
                task.status = self._status(State.RUNNING, worker=task.status.worker_id)

    @operation
    def stop_connector(self, connector: str) -> None:
        found = self._get(connector, f"Unknown connector {connector}")
        found.epoch += 1
        found.target = TargetState.STOPPED
        found.retired_tasks = max(found.retired_tasks, len(found.tasks))
        found.tasks = []
        found.status = self._status(State.STOPPED, worker=found.status.worker_id if found.status else None)

    @operation
    def list_connector_tasks(self, connector: str) -> list[dict[str, Json]]:
        found = self._get(connector, f"Connector {connector} not found")
        return [{"id": {"connector": connector, "task": t.id}, "config": dict(t.config)} for t in found.tasks]

    @operation
    def get_tasks_config(self, connector: str) -> dict[str, ConfigMap]:
        found = self._get(connector, f"Connector {connector} not found")
        return {f"{connector}-{t.id}": dict(t.config) for t in found.tasks}

    @operation
    def get_task_status(self, connector: str, task: int) -> dict[str, Json]:
        found = self.connectors.get(connector)
        match = next((t for t in found.tasks if t.id == task), None) if found else None
        if match is None or match.status is None:
            raise NotFound(f"No status found for task {connector}-{task}")
        return match.state_dict()

    @operation
    def restart_task(self, connector: str, task: int) -> None:
        found = self._get(connector, f"Unknown connector: {connector}")
        match = next((t for t in found.tasks if t.id == task), None)
        if match is None:
            if found.target is TargetState.STOPPED and 0 <= task < found.retired_tasks:
                # The config topic still holds the old task configs, but no worker owns the task.
                raise Conflict(REBALANCE_TEXTS["no_leader"])
            raise NotFound(f"Unknown task: {connector}-{task}")
        self._start_task(found, match, pending=State.UNASSIGNED)

    # -- topics ------------------------------------------------------------------------------

    @operation
    def get_connector_active_topics(self, connector: str) -> dict[str, Json]:
        if not self.identity.topic_tracking:
            raise Forbidden("Topic tracking is disabled.")
        found = self.connectors.get(connector)
        return {connector: {"topics": list(found.active_topics) if found else []}}

    @operation
    def reset_connector_active_topics(self, connector: str) -> None:
        if not self.identity.topic_tracking:
            raise Forbidden("Topic tracking is disabled.")
        if not self.identity.topic_tracking_reset:
            raise Forbidden("Topic tracking reset is disabled.")
        found = self.connectors.get(connector)
        if found is not None:
            found.active_topics = []

    # -- offsets -----------------------------------------------------------------------------

    @operation
    def get_connector_offsets(self, connector: str) -> dict[str, Json]:
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
        # ConnectorsResource checks for an empty request before anything reaches the herder.
        if not changes:
            raise BadRequest("Partitions / offsets need to be provided for an alter offsets request")
        # ConnectorOffsets.toMap() puts them in a HashMap keyed by partition: a repeated partition
        # keeps its last offset, and every later check and error follows the HashMap's order.
        return self._alter_offsets(connector, javamap.hash_map_entries(changes))

    @operation
    def _alter_offsets(self, connector: str, changes: list[offset_rules.Change]) -> dict[str, Json]:
        found, plugin = self._stopped(connector)
        if found.type == "sink":
            parsed = offset_rules.sink_changes(changes)
            self._check_sink_changes(found, parsed)
            for partition, offset in parsed:
                self._set_offset(found, partition, offset)
        else:
            if plugin is not None:
                offset_rules.source_changes(plugin, found.config, changes)
            for source_partition, offset in changes:
                self._set_offset(found, source_partition or {}, offset)
        return self._offsets_message(plugin, "altered")

    def _known_topics(self) -> set[str]:
        """Topics the mock's Kafka cluster has: those any connector names, uses or has offsets for."""
        topics: set[str] = set()
        for connector in self.connectors.values():
            for key in ("topics", "topic"):
                topics.update(t.strip() for t in (connector.config.get(key) or "").split(",") if t.strip())
            topics.update(connector.active_topics)
            topics.update(str(p.get("kafka_topic")) for p, _ in connector.offsets.values())
        return topics

    def _check_sink_changes(
        self, connector: Connector, parsed: list[tuple[dict[str, Json], dict[str, Json] | None]]
    ) -> None:
        """What the consumer group admin calls refuse; nothing is applied when one change fails."""
        if any(offset is not None and offset["kafka_offset"] < 0 for _, offset in parsed):
            raise ConnectError(f"Failed to modify offsets for sink connector {connector.name}")
        topics = self._known_topics()
        for partition, offset in parsed:
            unknown = partition["kafka_partition"] < 0 or partition["kafka_topic"] not in topics
            if unknown or (offset is None and partition_key(partition) not in connector.offsets):
                raise ConnectError(f"Failed to alter consumer group offsets for connector {connector.name}")

    @staticmethod
    def _set_offset(connector: Connector, partition: dict[str, Json], offset: dict[str, Json] | None) -> None:
        key = partition_key(partition)
        if offset is None:
            connector.offsets.pop(key, None)
        else:
            connector.offsets[key] = (partition, offset)

    @operation
    def reset_connector_offsets(self, connector: str) -> dict[str, Json]:
        found, plugin = self._stopped(connector)
        if found.type == "source" and plugin is not None:  # a reset is an alter to null for every partition
            offset_rules.source_changes(plugin, found.config, [(p, None) for p, _ in found.offsets.values()])
        found.offsets.clear()
        return self._offsets_message(plugin, "reset")

    # -- plugins -----------------------------------------------------------------------------

    def list_connector_plugins(self, connectors_only: bool = True) -> list[dict[str, Any]]:
        return [plugin.info() for plugin in self.catalog.listed(connectors_only)]

    def get_connector_config_def(self, plugin: str) -> list[dict[str, Json]]:
        matches = self.catalog.resolve(plugin, list(self.catalog.plugins))
        if len({match.cls for match in matches}) != 1:
            other = self.catalog.other_classes.get(plugin)
            if other == "not_a_plugin":
                raise BadRequest(
                    f"Invalid plugin class {plugin}. Valid types are sink, source, converter, header_converter, "
                    "transformation, predicate."
                )
            if other is not None:
                raise ConnectError(other)
            raise NotFound(f"Unknown plugin {plugin}.")
        found = matches[0]
        keys = {key.name: key for key in found.config}
        if found.is_connector:  # framework keys the plugin does not define itself come after its own
            for key in self.catalog.framework[found.type]:
                keys.setdefault(key.name, key)
        return [key.info() for key in keys.values()]

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
                raise BadRequest(f"Included connector type {connector_class} does not match request type {plugin}")
        try:
            return validate_config(self.catalog, self.settings, config)
        except ConnectError as exc:
            # ConnectorPluginsResource does not unwrap the ExecutionException: every failure is a 500
            # whose message is the cause's Java toString.
            java_class = getattr(exc, "java_class", "org.apache.kafka.connect.errors.ConnectException")
            if isinstance(exc, BadRequest):
                java_class = "org.apache.kafka.connect.runtime.rest.errors.BadRequestException"
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
