"""Faults: a trigger (when) and an effect (what), fired by requests or by the virtual clock.

Domain only, no Flask. A :class:`FaultSet` belongs to one :class:`~mockconnect.worker.cluster.ConnectCluster`
and shares its lock, so deciding which faults fire, and changing the cluster when they do, happen in
one step. Faults come from scenario files, the fixture or the admin API, always through
:func:`mockconnect.mock.scenario.parse_fault`, which checks them completely first; :func:`compile_fault`
here trusts its input.

A fault fires in one of three ways:

* **timed** (``when: {at: 30}``): once per listed instant, in seconds after the fault was added;
* **immediate** (no ``when`` at all, and an effect that changes the cluster): once, when added;
* **request-driven** (everything else): on the requests its trigger selects, before they are served.

A request-driven trigger first filters (``operation``, ``connector``, ``task``, ``window``, ``state``);
it counts the requests that pass, selects by that count (``nth``, ``first``, ``every``), stops after
``times`` firings, and then draws against ``probability`` with the fault's own seeded generator.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockconnect.mock.effects import (
    EFFECT_KEYS,
    AddWorker,
    Delay,
    Dribble,
    Drop,
    Effect,
    EventualConsistency,
    FailConnector,
    FailRestarts,
    FailTask,
    LoseWorker,
    Malformed,
    MissingPlugin,
    Rebalance,
    Respond,
    Timeout,
    compile_effect,
)
from mockconnect.mock.triggers import Trigger, compile_trigger
from mockconnect.worker import traces
from mockconnect.worker.catalog import Catalog
from mockconnect.worker.cluster import ConnectCluster, Timing
from mockconnect.worker.models import Connector, Json


@dataclass(frozen=True, slots=True)
class Fault:
    id: str
    trigger: Trigger
    effect: Effect
    off_spec: bool = False
    seed: int | None = None
    description: str | None = None
    spec: Mapping[str, Json] = field(default_factory=dict)
    """The fault as written (with its id), for listing it back."""

    @property
    def timed(self) -> bool:
        return self.trigger.at is not None

    @property
    def immediate(self) -> bool:
        return not self.timed and self.trigger.empty and self.effect.changes_state


# -- compiling a checked spec --------------------------------------------------------------------


def compile_fault(spec: Mapping[str, Any], fault_id: str) -> Fault:
    """A fault from its checked spec (see :func:`mockconnect.mock.scenario.parse_fault`)."""
    [key] = [key for key in EFFECT_KEYS if key in spec]
    return Fault(
        id=fault_id,
        trigger=compile_trigger(spec.get("when")),
        effect=compile_effect(key, spec[key]),
        off_spec=bool(spec.get("off_spec", False)),
        seed=spec.get("seed"),
        description=spec.get("description"),
        spec={"id": fault_id, **{k: v for k, v in spec.items() if k != "id"}},
    )


def catalog_without(catalog: Catalog, names: set[str]) -> Catalog:
    """The catalog less the plugins named (by class or alias)."""
    gone = {plugin.cls for name in names for plugin in catalog.resolve(name, list(catalog.plugins))}
    if not gone:
        return catalog
    return dataclasses.replace(catalog, plugins=tuple(p for p in catalog.plugins if p.cls not in gone))


# -- the set of faults of one mock ---------------------------------------------------------------


@dataclass(slots=True)
class Decision:
    """What the request-driven faults that fired on one request do to its answer."""

    fired: list[str] = field(default_factory=list)
    delay: float = 0.0
    answer: Respond | Timeout | Drop | None = None
    answered_by: str | None = None
    """The id of the fault whose answer replaces the worker's."""
    error: str | None = None
    """The timeout's message, when the answer is a timeout."""
    malformed: Malformed | None = None
    dribble: Dribble | None = None
    off_spec: bool = False


@dataclass(slots=True)
class _Active:
    fault: Fault
    rng: random.Random
    origin: float
    matched: int = 0
    fired: int = 0
    last_fired: int = 0


class FaultSet:
    """The faults of one mock: added, removed, listed, and fired against its cluster."""

    def __init__(self, cluster: ConnectCluster) -> None:
        self.cluster = cluster
        self.seed = 0
        self.base_catalog = cluster.catalog
        self.base_timing = cluster.timing
        self._active: dict[str, _Active] = {}
        self._requested: tuple[_Active, ...] = ()
        self._ids = itertools.count(1)
        self._firings = itertools.count(1)

    # -- managing ------------------------------------------------------------------------------

    def clear(self, seed: int = 0) -> None:
        """Forget every fault (what they did to the cluster stays; ``MockState.reset`` undoes that)."""
        with self.cluster.lock:
            self._active = {}
            self._requested = ()
            self.seed = seed
            self._ids = itertools.count(1)
            self._firings = itertools.count(1)
            self.base_catalog = self.cluster.catalog
            self.base_timing = self.cluster.timing

    def next_id(self) -> str:
        with self.cluster.lock:
            while True:
                candidate = f"fault-{next(self._ids)}"
                if candidate not in self._active:
                    return candidate

    @property
    def requested(self) -> bool:
        """Whether any fault waits for requests (the HTTP layer skips everything else when none does)."""
        return bool(self._requested)

    def __contains__(self, fault_id: object) -> bool:
        return fault_id in self._active

    def __len__(self) -> int:
        return len(self._active)

    def add(self, fault: Fault) -> None:
        """Start a fault: timed ones are scheduled, immediate ones fire now, the rest wait for requests."""
        cluster = self.cluster
        with cluster.lock:
            if fault.id in self._active:
                raise ValueError(f"a fault with id {fault.id!r} is already active")
            seed = fault.seed if fault.seed is not None else f"{self.seed}:{fault.id}"
            active = _Active(fault, random.Random(str(seed)), cluster.moment())
            self._active[fault.id] = active
            if fault.timed:
                assert fault.trigger.at is not None
                for instant in fault.trigger.at:
                    cluster.schedule(instant, self._timed(active))
            elif fault.immediate:
                self._fire_state(active, {})
            else:
                self._requested = (*self._requested, active)

    def remove(self, fault_id: str) -> None:
        """Stop a fault; KeyError if there is none of that id. Standing conditions it set are lifted."""
        with self.cluster.lock:
            active = self._active.pop(fault_id)
            self._requested = tuple(item for item in self._requested if item is not active)
            if active.fired and isinstance(active.fault.effect, (MissingPlugin, EventualConsistency)):
                self._apply_standing()

    def statuses(self) -> list[dict[str, Json]]:
        """Every active fault as written, with how many requests it matched and how often it fired."""
        with self.cluster.lock:
            return [
                {"id": fault_id, "fault": dict(a.fault.spec), "matched": a.matched, "fired": a.fired}
                for fault_id, a in self._active.items()
            ]

    def status(self, fault_id: str) -> dict[str, Json]:
        with self.cluster.lock:
            active = self._active[fault_id]
            return {"id": fault_id, "fault": dict(active.fault.spec), "matched": active.matched, "fired": active.fired}

    # -- firing ----------------------------------------------------------------------------------

    def on_request(self, operation_id: str, params: Mapping[str, Any]) -> Decision | None:
        """Fire the request-driven faults this request triggers; None when none fired."""
        if not self._requested:
            return None
        cluster = self.cluster
        with cluster.lock:
            cluster.catch_up()
            now = cluster.clock.now()
            decision: Decision | None = None
            for active in self._requested:
                if not self._triggered(active, operation_id, params, now):
                    continue
                decision = decision or Decision()
                decision.fired.append(active.fault.id)
                self._shape(decision, active, params, now)
            return decision

    def _triggered(self, active: _Active, operation_id: str, params: Mapping[str, Any], now: float) -> bool:
        trigger = active.fault.trigger
        if not trigger.filters(operation_id, params, now - active.origin):
            return False
        if trigger.state is not None and not trigger.state.holds(self.cluster, params):
            return False
        active.matched += 1
        if not trigger.selects(active.matched):
            return False
        if trigger.times is not None and active.fired >= trigger.times:
            return False
        if trigger.probability is not None and active.rng.random() >= trigger.probability:
            return False
        active.fired += 1
        active.last_fired = next(self._firings)
        return True

    def _shape(self, decision: Decision, active: _Active, params: Mapping[str, Any], now: float) -> None:
        fault, effect = active.fault, active.fault.effect
        if fault.off_spec:
            decision.off_spec = True
        if effect.changes_state:
            self._apply_state(active, params)
        elif isinstance(effect, Delay):
            decision.delay += effect.sample(active.rng)
        elif isinstance(effect, Malformed):
            decision.malformed = decision.malformed or effect
        elif isinstance(effect, Dribble):
            decision.dribble = decision.dribble or effect
        elif isinstance(effect, (Respond, Timeout, Drop)) and decision.answer is None:
            decision.answer, decision.answered_by = effect, fault.id
            if isinstance(effect, Timeout):
                decision.error = effect.message(now)
                decision.delay += effect.after

    def _timed(self, active: _Active) -> Callable[[], None]:
        def fire() -> None:
            if self._active.get(active.fault.id) is not active:
                return  # removed (or replaced) since it was scheduled
            trigger = active.fault.trigger
            if trigger.state is not None and not trigger.state.holds(self.cluster, {}):
                return
            if trigger.times is not None and active.fired >= trigger.times:
                return
            if trigger.probability is not None and active.rng.random() >= trigger.probability:
                return
            self._fire_state(active, {})

        return fire

    def _fire_state(self, active: _Active, params: Mapping[str, Any]) -> None:
        active.matched += 1
        active.fired += 1
        active.last_fired = next(self._firings)
        self._apply_state(active, params)

    def _apply_state(self, active: _Active, params: Mapping[str, Any]) -> None:
        cluster, effect = self.cluster, active.fault.effect
        if isinstance(effect, (MissingPlugin, EventualConsistency)):
            self._apply_standing()
        elif isinstance(effect, Rebalance):
            cluster.start_rebalance(effect.duration, effect.cause)
        elif isinstance(effect, LoseWorker):
            cluster.remove_worker(effect.worker, effect.reassign_after)
        elif isinstance(effect, AddWorker):
            cluster.add_worker(effect.worker)
        else:
            self._fail(effect, params)

    def _fail(self, effect: Effect, params: Mapping[str, Any]) -> None:
        """Fail a connector or task, or arm failing restarts; the request's connector and task by default."""
        cluster = self.cluster
        assert isinstance(effect, (FailConnector, FailTask, FailRestarts))
        from_request = effect.connector is None
        name = params.get("connector") if from_request else effect.connector
        if not isinstance(name, str):
            return
        task = None if isinstance(effect, FailConnector) else effect.task
        if task is None and from_request and not isinstance(effect, FailConnector):
            task = params.get("task")
        connector = cluster.connectors.get(name)
        if isinstance(effect, FailRestarts):
            trace = effect.trace or _default_trace(connector, task)
            cluster.fail_next_restarts(name, task, [trace] * effect.times)
        elif connector is None:
            return  # nothing to fail (yet): the fault fired without effect
        elif isinstance(effect, FailConnector):
            cluster.fail_connector(name, effect.trace or _default_trace(connector, None))
        elif isinstance(task, int) and any(t.id == task for t in connector.tasks):
            cluster.fail_task(name, task, effect.trace or _default_trace(connector, task))

    def _apply_standing(self) -> None:
        """Set the catalog and timing the fired standing faults call for, over the baseline."""
        fired = sorted((a for a in self._active.values() if a.fired), key=lambda a: a.last_fired)
        missing = {name for a in fired if isinstance(a.fault.effect, MissingPlugin) for name in a.fault.effect.plugins}
        self.cluster.catalog = catalog_without(self.base_catalog, missing)
        timing = self.base_timing
        for active in fired:
            effect = active.fault.effect
            if isinstance(effect, EventualConsistency):
                timing = Timing(effect.connector_start, effect.task_start)
        self.cluster.timing = timing


def _default_trace(connector: Connector | None, task: int | None) -> str:
    if connector is None:
        return traces.connector_failure(None) if task is None else traces.task_failure("source")
    if task is None:
        return traces.connector_failure(connector.config.get("connector.class"))
    task_class = next((t.config.get("task.class") for t in connector.tasks if t.id == task), None)
    return traces.task_failure(connector.type, task_class)
