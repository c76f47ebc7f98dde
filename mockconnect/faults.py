"""Faults: a trigger (when) and an effect (what), fired by requests or by the virtual clock.

Domain only, no Flask. A :class:`FaultSet` belongs to one :class:`~mockconnect.cluster.ConnectCluster`
and shares its lock, so deciding which faults fire, and changing the cluster when they do, happen in
one step. Faults come from scenario files, the fixture or the admin API, always through
:func:`mockconnect.scenario.parse_fault`, which checks them completely first; :func:`compile_fault`
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
import http
import itertools
import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from . import traces
from .catalog import Catalog
from .clock import java_instant
from .cluster import ConnectCluster, Timing
from .models import Connector, Json

# -- triggers ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatePredicate:
    """Holds when a connector (or one of its tasks) is in a given state.

    Without ``connector`` it reads the request's connector, and then the request's task too.
    """

    connector: str | None = None
    task: int | None = None
    states: tuple[str, ...] | None = None
    target_state: str | None = None
    exists: bool | None = None

    def holds(self, cluster: ConnectCluster, params: Mapping[str, Any]) -> bool:
        name = self.connector if self.connector is not None else params.get("connector")
        task = self.task if self.task is not None or self.connector is not None else params.get("task")
        found = cluster.connectors.get(name) if isinstance(name, str) else None
        if self.exists is not None and (found is not None) != self.exists:
            return False
        if found is None:
            return self.exists is False
        if self.target_state is not None and found.target.value != self.target_state:
            return False
        if self.states is not None:
            status = found.status
            if task is not None:
                match = next((t for t in found.tasks if t.id == task), None)
                status = match.status if match else None
            if status is None or status.state.value not in self.states:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Trigger:
    """When a fault fires; every condition given must hold (see the module docstring)."""

    operations: frozenset[str] | None = None
    connector: str | None = None
    task: int | None = None
    nth: int | None = None
    first: int | None = None
    every: int | None = None
    window: tuple[float, float | None] | None = None
    probability: float | None = None
    state: StatePredicate | None = None
    times: int | None = None
    at: tuple[float, ...] | None = None
    empty: bool = True
    """True when the fault had no ``when`` at all."""

    def filters(self, operation_id: str, params: Mapping[str, Any], elapsed: float) -> bool:
        if self.operations is not None and operation_id not in self.operations:
            return False
        if self.connector is not None and params.get("connector") != self.connector:
            return False
        if self.task is not None and params.get("task") != self.task:
            return False
        if self.window is not None:
            start, until = self.window
            if elapsed < start or (until is not None and elapsed >= until):
                return False
        return True

    def selects(self, count: int) -> bool:
        """Whether the ``count``-th request that passed the filters is one this trigger picks."""
        if self.nth is not None:
            return count == self.nth
        if self.first is not None:
            return count <= self.first
        if self.every is not None:
            return count % self.every == 0
        return True


# -- effects -----------------------------------------------------------------------------------


class Effect:
    """What a fault does. ``answers`` effects replace the answer; ``changes_state`` ones change the cluster."""

    kind: ClassVar[str]
    answers: ClassVar[bool] = False
    changes_state: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class Respond(Effect):
    """Answer with this status and body instead of the worker's answer."""

    kind: ClassVar[str] = "respond"
    answers: ClassVar[bool] = True
    status: int = 500
    body: Json = None
    has_body: bool = True
    headers: tuple[tuple[str, str], ...] = ()
    applied: bool = False
    """The worker still carries the request out; only its answer is replaced."""


@dataclass(frozen=True, slots=True)
class Timeout(Effect):
    """Answer 500 "Request timed out..." as a 3.7 worker does when a herder request takes over 90 s."""

    kind: ClassVar[str] = "timeout"
    answers: ClassVar[bool] = True
    stage: str | None = None
    began: float = 0.0
    """Seconds before the request that the worker's current (or last) stage began."""
    completed: float | None = None
    """Seconds before the request that the stage completed; switches to the "last operation" text."""
    after: float = 0.0
    """Real seconds before the answer is sent (a real worker waits 90 s)."""
    applied: bool = False

    def message(self, now: float) -> str:
        if self.stage is None:
            return "Request timed out"
        began = java_instant(now - self.began)
        if self.completed is None:
            return f"Request timed out. The worker is currently {self.stage}, which began at {began}"
        done = java_instant(now - self.completed)
        return (
            f"Request timed out. The last operation the worker completed was {self.stage}, "
            f"which began at {began} and completed at {done}"
        )


@dataclass(frozen=True, slots=True)
class Drop(Effect):
    """No answer: the connection is reset (RST) or closed (FIN) without a byte."""

    kind: ClassVar[str] = "drop"
    answers: ClassVar[bool] = True
    reset: bool = True
    applied: bool = False


@dataclass(frozen=True, slots=True)
class Delay(Effect):
    """Hold the answer back this many real seconds: fixed, uniform or lognormal."""

    kind: ClassVar[str] = "delay"
    fixed: float | None = None
    uniform: tuple[float, float] | None = None
    median: float | None = None
    sigma: float = 0.0
    maximum: float | None = None

    def sample(self, rng: random.Random) -> float:
        if self.uniform is not None:
            return rng.uniform(*self.uniform)
        if self.median is not None:
            seconds = rng.lognormvariate(math.log(self.median), self.sigma)
            return seconds if self.maximum is None else min(seconds, self.maximum)
        return self.fixed or 0.0


@dataclass(frozen=True, slots=True)
class Malformed(Effect):
    """The status and headers are right; the body is not JSON (the first half of it, or ``body``)."""

    kind: ClassVar[str] = "malformed"
    body: str | None = None


@dataclass(frozen=True, slots=True)
class Dribble(Effect):
    """The answer arrives in ``chunks`` pieces spread over ``duration`` real seconds."""

    kind: ClassVar[str] = "dribble"
    chunks: int = 4
    duration: float = 1.0


@dataclass(frozen=True, slots=True)
class FailConnector(Effect):
    kind: ClassVar[str] = "fail_connector"
    changes_state: ClassVar[bool] = True
    connector: str | None = None
    trace: str | None = None


@dataclass(frozen=True, slots=True)
class FailTask(Effect):
    kind: ClassVar[str] = "fail_task"
    changes_state: ClassVar[bool] = True
    connector: str | None = None
    task: int | None = None
    trace: str | None = None


@dataclass(frozen=True, slots=True)
class FailRestarts(Effect):
    """The next ``times`` starts of the connector (or one task) fail; the one after succeeds."""

    kind: ClassVar[str] = "fail_restarts"
    changes_state: ClassVar[bool] = True
    connector: str | None = None
    task: int | None = None
    times: int = 1
    trace: str | None = None


@dataclass(frozen=True, slots=True)
class Rebalance(Effect):
    kind: ClassVar[str] = "rebalance"
    changes_state: ClassVar[bool] = True
    duration: float = 10.0
    cause: str = "stale_config"


@dataclass(frozen=True, slots=True)
class LoseWorker(Effect):
    kind: ClassVar[str] = "lose_worker"
    changes_state: ClassVar[bool] = True
    worker: str = ""
    reassign_after: float = 300.0
    """``scheduled.rebalance.max.delay.ms``: 5 minutes by default."""


@dataclass(frozen=True, slots=True)
class AddWorker(Effect):
    kind: ClassVar[str] = "add_worker"
    changes_state: ClassVar[bool] = True
    worker: str = ""


@dataclass(frozen=True, slots=True)
class MissingPlugin(Effect):
    """From now the worker has no such plugin (a standing condition: removing the fault brings it back)."""

    kind: ClassVar[str] = "missing_plugin"
    changes_state: ClassVar[bool] = True
    plugins: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventualConsistency(Effect):
    """From now the worker acts late (a standing condition: removing the fault makes it prompt again)."""

    kind: ClassVar[str] = "eventual_consistency"
    changes_state: ClassVar[bool] = True
    connector_start: float = 0.0
    task_start: float = 0.0


RESPONSE_EFFECTS = ("respond", "timeout", "reset", "empty", "delay", "malformed", "dribble")
STATE_EFFECTS = (
    "fail_connector",
    "fail_task",
    "fail_restarts",
    "rebalance",
    "lose_worker",
    "add_worker",
    "missing_plugin",
    "eventual_consistency",
)
EFFECT_KEYS = RESPONSE_EFFECTS + STATE_EFFECTS
"""Every effect a fault can have, as spelt in scenario files; a fault has exactly one."""


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


def _plain(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _effect(key: str, value: Any) -> Effect:
    args = _plain(value)
    if key == "respond":
        status = int(args["status"])
        if "message" in args:
            body: Json = {"error_code": status, "message": args["message"]}
            has_body = True
        elif "body" in args:
            body, has_body = args["body"], True
        elif status >= 400:  # JAX-RS's text for an error without a message of its own
            body, has_body = {"error_code": status, "message": f"HTTP {status} {_reason(status)}"}, True
        else:
            body, has_body = None, False
        headers = tuple((str(k), str(v)) for k, v in _plain(args.get("headers")).items())
        return Respond(status, body, has_body, headers, bool(args.get("applied", False)))
    if key == "timeout":
        completed = args.get("completed")
        return Timeout(
            args.get("stage"),
            float(args.get("began", 0.0)),
            None if completed is None else float(completed),
            float(args.get("after", 0.0)),
            bool(args.get("applied", False)),
        )
    if key in ("reset", "empty"):
        return Drop(reset=key == "reset", applied=bool(args.get("applied", False)))
    if key == "delay":
        if isinstance(value, (int, float)):
            return Delay(fixed=float(value))
        if "uniform" in args:
            low, high = args["uniform"]
            return Delay(uniform=(float(low), float(high)))
        if "lognormal" in args:
            spec = args["lognormal"]
            cap = spec.get("max")
            return Delay(
                median=float(spec["median"]),
                sigma=float(spec.get("sigma", 0.5)),
                maximum=None if cap is None else float(cap),
            )
        return Delay(fixed=float(args.get("fixed", 0.0)))
    if key == "malformed":
        return Malformed(args.get("body"))
    if key == "dribble":
        return Dribble(int(args.get("chunks", 4)), float(args.get("duration", 1.0)))
    if key == "fail_connector":
        return FailConnector(args.get("connector"), args.get("trace"))
    if key == "fail_task":
        return FailTask(args.get("connector"), args.get("task"), args.get("trace"))
    if key == "fail_restarts":
        return FailRestarts(args.get("connector"), args.get("task"), int(args.get("times", 1)), args.get("trace"))
    if key == "rebalance":
        return Rebalance(float(args["duration"]), args.get("cause", "stale_config"))
    if key == "lose_worker":
        return LoseWorker(args["worker"], float(args.get("reassign_after", 300.0)))
    if key == "add_worker":
        return AddWorker(args["worker"])
    if key == "missing_plugin":
        named = args["plugin"]
        return MissingPlugin(tuple([named] if isinstance(named, str) else named))
    if key == "eventual_consistency":
        return EventualConsistency(float(args.get("connector_start", 0.0)), float(args.get("task_start", 0.0)))
    raise ValueError(f"unknown effect {key!r}")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _trigger(when: Mapping[str, Any] | None) -> Trigger:
    if not when:
        return Trigger()
    operations = when.get("operation")
    if isinstance(operations, str):
        operations = [operations]
    window = when.get("window")
    at = when.get("at")
    state = when.get("state")
    predicate = None
    if state is not None:
        states = state.get("state")
        predicate = StatePredicate(
            state.get("connector"),
            state.get("task"),
            None if states is None else tuple([states] if isinstance(states, str) else states),
            state.get("target_state"),
            state.get("exists"),
        )
    return Trigger(
        operations=None if operations is None else frozenset(operations),
        connector=when.get("connector"),
        task=when.get("task"),
        nth=when.get("nth"),
        first=when.get("first"),
        every=when.get("every"),
        window=None if window is None else (float(window.get("from", 0.0)), window.get("until")),
        probability=when.get("probability"),
        state=predicate,
        times=when.get("times"),
        at=None if at is None else tuple(float(t) for t in ([at] if isinstance(at, (int, float)) else at)),
        empty=False,
    )


def compile_fault(spec: Mapping[str, Any], fault_id: str) -> Fault:
    """A fault from its checked spec (see :func:`mockconnect.scenario.parse_fault`)."""
    [key] = [key for key in EFFECT_KEYS if key in spec]
    return Fault(
        id=fault_id,
        trigger=_trigger(spec.get("when")),
        effect=_effect(key, spec[key]),
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
