"""MockState: the root that owns every piece of mutable state of one mock, with one reset()."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from mockconnect.mock.clock import ManualClock
from mockconnect.mock.faults import Fault, FaultSet
from mockconnect.mock.journal import DEFAULT_LIMIT, Journal
from mockconnect.release import Release
from mockconnect.worker.clock import Clock
from mockconnect.worker.cluster import ConnectCluster

if TYPE_CHECKING:
    from mockconnect.mock.scenario import Context, Scenario


class MockState:
    """The Connect cluster, the request journal, the faults, the clock and the loaded scenario."""

    def __init__(
        self,
        cluster: ConnectCluster | None = None,
        journal_limit: int = DEFAULT_LIMIT,
        clock: Clock | None = None,
        release: Release | None = None,
    ) -> None:
        self.cluster = cluster or ConnectCluster(clock=clock, release=release)
        self.journal = Journal(journal_limit)
        self.faults = FaultSet(self.cluster)
        self.scenario: Scenario | None = None
        """The scenario loaded now, if any."""
        self.baseline: Scenario | None = None
        """The scenario ``reset()`` goes back to (``mockconnect serve --scenario``), if any."""
        self._pristine: tuple[Any, ...] | None = None

    @property
    def clock(self) -> Clock:
        return self.cluster.clock

    def reset(self) -> None:
        """Back to a fresh worker (or the baseline scenario), with no faults and an empty journal.

        A manual clock goes back to where it started, so every reset mock starts at the same instant.
        """
        cluster = self.cluster
        with cluster.lock:
            self._restore()
            if isinstance(cluster.clock, ManualClock):
                cluster.clock.rewind()
            if self.baseline is not None:
                self._apply(self.baseline)
        self.journal.clear()

    def load_scenario(self, scenario: Scenario, *, baseline: bool = False) -> None:
        """Replace the cluster and the faults with the scenario's (the journal and the clock go on).

        With ``baseline``, ``reset()`` comes back to this scenario instead of an empty worker.
        """
        with self.cluster.lock:
            self._restore()
            self._apply(scenario)
            if baseline:
                self.baseline = scenario

    def use_release(self, release: Release) -> None:
        """Emulate another Kafka release until ``reset()`` (which returns to the one the mock started with)."""
        with self.cluster.lock:
            self._save()
            self.cluster.use_release(release)

    def _apply(self, scenario: Scenario) -> None:
        self._save()
        scenario.apply(self.cluster, self.faults)
        self.scenario = scenario

    def _save(self) -> None:
        """Remember the worker as it was before any scenario or fault changed it (done once)."""
        if self._pristine is None:
            cluster = self.cluster
            identity = dataclasses.replace(cluster.identity, peers=list(cluster.identity.peers))
            self._pristine = (identity, cluster.catalog, cluster.timing, cluster.release)

    def _restore(self) -> None:
        cluster = self.cluster
        if self._pristine is not None:
            identity, catalog, timing, release = self._pristine
            for item in dataclasses.fields(identity):
                setattr(cluster.identity, item.name, getattr(identity, item.name))
            cluster.identity.peers = list(identity.peers)
            cluster.catalog, cluster.timing, cluster.release = catalog, timing, release
        cluster.reset()
        self.faults.clear()
        self.scenario = None

    # -- faults and time at run time --------------------------------------------------------------

    def context(self) -> Context:
        """What a fault added now may refer to: this cluster's workers and plugins."""
        from mockconnect.mock.scenario import Context

        with self.cluster.lock:
            identity = self.cluster.identity
            return Context(tuple(identity.peers), identity.worker_id, self.faults.base_catalog)

    def add_fault(self, spec: Any, *, where: str = "fault") -> Fault:
        """Check a fault spec completely, then start it; ScenarioError lists the problems."""
        from mockconnect.mock.scenario import Problem, ScenarioError, parse_fault

        with self.cluster.lock:
            fault = parse_fault(spec, self.faults.next_id(), self.context(), where=where)
            if fault.id in self.faults:
                problem = Problem(f"a fault with id {fault.id!r} is already active", f"{where}.id")
                raise ScenarioError([problem], where)
            self._save()
            self.faults.add(fault)
            return fault

    def advance(self, seconds: float) -> float:
        """Move a manual clock on and apply every transition due by then; returns the new time."""
        now = self.cluster.clock.advance(seconds)
        self.cluster.catch_up()
        return now
