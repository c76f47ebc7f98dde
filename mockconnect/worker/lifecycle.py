"""Connector lifecycle: starting, restarting, pausing, resuming and stopping connectors and tasks."""

from __future__ import annotations

import random
import zlib
from typing import Any

from mockconnect.worker import javamap
from mockconnect.worker.configdef import java_trim
from mockconnect.worker.core import REBALANCE_TEXTS, ClusterCore, operation
from mockconnect.worker.errors import Conflict, NotFound
from mockconnect.worker.models import Connector, Json, State, TargetState, Task

MAX_TASKS = 1000
"""The mock makes at most this many tasks per connector, so memory stays bounded (a deviation)."""


class LifecycleOps(ClusterCore):
    """Start, restart, pause, resume and stop; how task configs are generated."""

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

    def generate_tasks(self, name: str) -> None:
        """Give a connector the task configs its plugin makes, started under its target state (for seeding)."""
        with self.lock:
            self._generate_tasks(self._get(name, f"Connector {name} not found"))

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
        plan = self._state_info(found)
        if restart_connector:
            plan["connector"]["state"] = State.RESTARTING.value
            self._start_connector(found, tasks="keep", pending=State.RESTARTING)
        restarted_ids = {task.id for task in restart_tasks}
        for entry in plan["tasks"]:
            if entry["id"] in restarted_ids:
                entry["state"] = State.RESTARTING.value
        for task in restart_tasks:
            self._start_task(found, task, pending=State.RESTARTING)
        if self.release.has("restart_plan_salted_task_order"):
            plan["tasks"] = self._in_status_store_order(plan["tasks"])
        return plan

    def _in_status_store_order(self, tasks: Any) -> Any:
        """From 4.2 the status store hands a connector's task statuses over as a ``Map.copyOf``, and the
        restart plan lists them in its iteration order: the JVM's salt, one per worker process. The
        mock's worker draws its salt from its address, so one mock keeps one order."""
        draw = random.Random(zlib.crc32(f"{self.identity.worker_id}\0salt".encode()))
        salt, upward = draw.random(), bool(draw.getrandbits(1))
        by_id = {entry["id"]: entry for entry in tasks}
        return [by_id[task_id] for task_id in javamap.immutable_map_order(list(by_id), salt, upward)]

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
    def restart_task(self, connector: str, task: int) -> None:
        found = self._get(connector, f"Unknown connector: {connector}")
        match = next((t for t in found.tasks if t.id == task), None)
        if match is None:
            if found.target is TargetState.STOPPED and 0 <= task < found.retired_tasks:
                # The config topic still holds the old task configs, but no worker owns the task.
                raise Conflict(REBALANCE_TEXTS["no_leader"])
            raise NotFound(f"Unknown task: {connector}-{task}")
        self._start_task(found, match, pending=State.UNASSIGNED)
