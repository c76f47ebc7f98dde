"""The state every operation group shares: connectors, loggers, the lock, the timeline, who runs what.

Operations live in one module per topic (:mod:`connectors`, :mod:`lifecycle`, :mod:`offsets`,
:mod:`topics`, :mod:`plugins`, :mod:`loggers`, :mod:`trouble`); :class:`~mockconnect.worker.cluster.ConnectCluster`
puts them together. Every public operation takes the lock through :func:`operation`.
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

from mockconnect.release import Release, get_release
from mockconnect.worker.catalog import Catalog, Plugin, builtin_catalog
from mockconnect.worker.clock import Clock
from mockconnect.worker.errors import Conflict, ConnectError, NotFound
from mockconnect.worker.models import Connector, Json, State, Status, Task
from mockconnect.worker.plugin_keys import ConnectorLookups
from mockconnect.worker.validation import WorkerSettings, find_connector


def stable_cluster_id(seed: str = "mockconnect") -> str:
    """A Kafka-style cluster id: 22 characters of URL-safe base64 from a UUID."""
    raw = uuid.uuid5(uuid.NAMESPACE_URL, seed).bytes
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


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

REBALANCE_EXPECTED = "Request cannot be completed because a rebalance is expected"
"""The 500 of the GETs that check for a pending rebalance (RebalanceNeededException)."""


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
    def run(self: ClusterCore, *args: Any, **kwargs: Any) -> Any:
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
    version: str = field(default_factory=lambda: get_release().version)
    commit: str = field(default_factory=lambda: get_release().commit)
    topic_tracking: bool = True
    topic_tracking_reset: bool = True


class ClusterCore:
    """All state of one mock Kafka Connect cluster; ``reset()`` returns it to a fresh worker."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        identity: WorkerIdentity | None = None,
        settings: WorkerSettings | None = None,
        clock: Clock | None = None,
        timing: Timing | None = None,
        release: Release | None = None,
    ) -> None:
        self.release = release or get_release()
        """The Kafka release this worker is of: its texts, default loggers and stock plugins."""
        self.catalog = catalog or builtin_catalog(self.release.version)
        self.identity = identity or WorkerIdentity(version=self.release.version, commit=self.release.commit)
        self.settings = settings or WorkerSettings()
        self.clock = clock or Clock()
        self.timing = timing or Timing()
        self.lock = threading.RLock()
        self.connectors: dict[str, Connector] = {}
        self.offset_stores: dict[tuple[str, str], dict[str, tuple[dict[str, Json], dict[str, Json]]]] = {}
        """Offsets of deleted connectors, by ``Connector.offset_store``: a connector created later under
        the same name (and type) starts with them, as on a real worker (DELETE does not remove them)."""
        self.loggers: dict[str, tuple[str | None, int | None]] = {}
        self.gone_workers: set[str] = set()
        self.lookups = ConnectorLookups()
        """The connector classes and versions this worker failed to load (4.1's CachedConnectors)."""
        self.restart_failures: dict[tuple[str, int | None], list[str]] = {}
        """Traces to fail with on the next restarts of a connector (task None) or task, in order."""
        self.rebalance: tuple[float, float, str] | None = None
        """(from, until, cause) of a rebalance window on the clock, or None."""
        self._timeline: list[tuple[float, int, Callable[[], None]]] = []
        self._firing_at: float | None = None
        self._sequence = itertools.count()
        self._assignments = itertools.count()
        self.reset()

    def reset(self) -> None:
        """Forget every connector, logger change, scheduled transition and injected failure."""
        with self.lock:
            self.connectors = {}
            self.offset_stores = {}
            self.loggers = dict.fromkeys(self.catalog.loggers, (None, None))
            for logger, level in self.release.default_loggers.items():
                self.loggers[logger] = (level, None)
            self.gone_workers = set()
            self.lookups = ConnectorLookups()
            self.restart_failures = {}
            self.rebalance = None
            self._timeline = []
            self._assignments = itertools.count()

    def use_release(self, release: Release) -> None:
        """Become a fresh worker of ``release``: its version, commit, stock plugins and loggers."""
        with self.lock:
            self.release = release
            self.catalog = builtin_catalog(release.version)
            self.identity.version, self.identity.commit = release.version, release.commit
            self.reset()

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
            raise ConnectError(REBALANCE_EXPECTED)

    # -- shared helpers ----------------------------------------------------------------------

    def _instance_status(self, connector: Connector, task: int | None, state: State) -> Status:
        """The status an instance reaches when it starts: FAILED if a scheduled failure is pending."""
        traces = self.restart_failures.get((connector.name, task))
        if traces and state is not State.STOPPED:
            trace = traces.pop(0)
            if not traces:
                del self.restart_failures[(connector.name, task)]
            return self._status(State.FAILED, trace)
        return self._status(state)

    def _state_info(self, connector: Connector) -> dict[str, Json]:
        """ConnectorStateInfo as this release shows it: from 4.1 each status names the plugin's version."""
        if not self.release.has("status_version"):
            return connector.state_info()
        return connector.state_info(True, self._plugin_version(connector))

    def _task_state(self, connector: Connector, task: Task) -> dict[str, Json]:
        if not self.release.has("status_version"):
            return task.state_dict()
        return task.state_dict(True, self._plugin_version(connector))

    def _plugin_version(self, connector: Connector) -> str | None:
        connector_class = connector.config.get("connector.class")
        return None if connector_class is None else self.catalog.connector_version(connector_class)

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
