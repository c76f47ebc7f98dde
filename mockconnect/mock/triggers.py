"""When a fault fires: request filters, counts, windows, state predicates and timed instants."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockconnect.worker.cluster import ConnectCluster


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


def compile_trigger(when: Mapping[str, Any] | None) -> Trigger:
    """A trigger from a checked ``when`` (none at all: an empty trigger)."""
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
