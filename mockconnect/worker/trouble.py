"""Trouble a real cluster has: failing connectors and tasks, rebalances, workers that leave and join.

Scenarios and faults call these; no REST operation does.
"""

from __future__ import annotations

from collections.abc import Callable

from mockconnect.worker.core import REBALANCE_TEXTS, ClusterCore
from mockconnect.worker.errors import NotFound
from mockconnect.worker.models import Connector, State, Status, TargetState


class TroubleOps(ClusterCore):
    """Injected failures and cluster membership changes."""

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
