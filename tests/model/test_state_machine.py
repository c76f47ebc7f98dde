"""Model-based test: random sequences of Connect operations against the mock, checked against a model.

The model is small and written from the real worker's rules (reference sections 3 and 5, and
docs/live-findings-3.7.0.md); after every step the mock's status codes, messages and observable
state must match it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import hypothesis.strategies as st
from flask.testing import FlaskClient
from helpers import FILE_SINK, FILE_SOURCE
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from mockconnect.http.app import create_app
from mockconnect.mock.state import MockState

NAMES = st.sampled_from(["alpha", "beta", "gamma"])
STOPPED_TEXT = (
    "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the "
    "specified connector by issuing a 'PUT' request to the '/connectors/{name}/stop' endpoint"
)
NO_LEADER = "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."


@dataclass
class Model:
    """What the mock should hold for one connector."""

    kind: str
    tasks_max: int
    target: str  # RUNNING, PAUSED or STOPPED
    tasks: int
    retired: int = 0
    offsets: dict[int, int] = field(default_factory=dict)

    def made_tasks(self) -> int:
        return 1 if self.kind == "source" else self.tasks_max

    @property
    def state(self) -> str:
        return self.target


def config(kind: str, tasks_max: int) -> dict[str, Any]:
    if kind == "source":
        return {"connector.class": FILE_SOURCE, "topic": "t", "file": "/tmp/in.txt", "tasks.max": str(tasks_max)}
    return {"connector.class": FILE_SINK, "topics": "t", "tasks.max": str(tasks_max)}


class ConnectMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = MockState()
        self.client: FlaskClient = create_app(self.state).test_client()
        self.model: dict[str, Model] = {}

    def error(self, response: Any, status: int, message: str) -> None:
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.get_json() == {"error_code": status, "message": message}

    @rule(
        name=NAMES,
        kind=st.sampled_from(["source", "sink"]),
        tasks_max=st.integers(1, 3),
        initial=st.sampled_from([None, "RUNNING", "PAUSED", "STOPPED", "paused"]),
    )
    def create(self, name: str, kind: str, tasks_max: int, initial: str | None) -> None:
        body: dict[str, Any] = {"name": name, "config": config(kind, tasks_max)}
        if initial is not None:
            body["initial_state"] = initial
        response = self.client.post("/connectors", json=body)
        if name in self.model:
            self.error(response, 409, f"Connector {name} already exists")
            return
        assert response.status_code == 201
        assert response.get_json()["tasks"] == []
        target = (initial or "RUNNING").upper()
        model = Model(kind, tasks_max, target, 0)
        model.tasks = model.made_tasks() if target == "RUNNING" else 0
        self.model[name] = model

    @rule(name=NAMES, kind=st.sampled_from(["source", "sink"]), tasks_max=st.integers(1, 3))
    def put_config(self, name: str, kind: str, tasks_max: int) -> None:
        response = self.client.put(f"/connectors/{name}/config", json=config(kind, tasks_max))
        existing = self.model.get(name)
        assert response.status_code == (200 if existing else 201)
        if existing is None:
            model = Model(kind, tasks_max, "RUNNING", 0)
            model.tasks = model.made_tasks()
            self.model[name] = model
            return
        existing.kind, existing.tasks_max = kind, tasks_max
        if existing.target == "RUNNING":
            existing.tasks = existing.made_tasks()

    @rule(name=NAMES)
    def pause(self, name: str) -> None:
        response = self.client.put(f"/connectors/{name}/pause")
        if name not in self.model:
            self.error(response, 404, f"Unknown connector {name}")
            return
        assert response.status_code == 202
        self.model[name].target = "PAUSED"

    @rule(name=NAMES)
    def resume(self, name: str) -> None:
        response = self.client.put(f"/connectors/{name}/resume")
        if name not in self.model:
            self.error(response, 404, f"Unknown connector {name}")
            return
        assert response.status_code == 202
        model = self.model[name]
        model.target = "RUNNING"
        if model.tasks == 0:
            model.tasks = model.made_tasks()

    @rule(name=NAMES)
    def stop(self, name: str) -> None:
        response = self.client.put(f"/connectors/{name}/stop")
        if name not in self.model:
            self.error(response, 404, f"Unknown connector {name}")
            return
        assert response.status_code == 204
        model = self.model[name]
        model.target, model.retired, model.tasks = "STOPPED", max(model.retired, model.tasks), 0

    @rule(name=NAMES, include_tasks=st.booleans(), only_failed=st.booleans())
    def restart(self, name: str, include_tasks: bool, only_failed: bool) -> None:
        query = f"includeTasks={str(include_tasks).lower()}&onlyFailed={str(only_failed).lower()}"
        response = self.client.post(f"/connectors/{name}/restart?{query}")
        if name not in self.model:
            self.error(response, 404, f"Unknown connector: {name}")
            return
        if not include_tasks and not only_failed:
            assert response.status_code == 204
            return
        assert response.status_code == 202
        plan = response.get_json()
        model = self.model[name]
        assert plan["connector"]["state"] == ("RESTARTING" if not only_failed else model.state)
        expected_task = (
            "RESTARTING" if include_tasks and not only_failed else ("PAUSED" if model.target == "PAUSED" else "RUNNING")
        )
        assert [t["state"] for t in plan["tasks"]] == [expected_task] * model.tasks

    @rule(name=NAMES, task=st.integers(-1, 3))
    def restart_task(self, name: str, task: int) -> None:
        response = self.client.post(f"/connectors/{name}/tasks/{task}/restart")
        model = self.model.get(name)
        if model is None:
            self.error(response, 404, f"Unknown connector: {name}")
        elif 0 <= task < model.tasks:
            assert response.status_code == 204
        elif model.target == "STOPPED" and 0 <= task < model.retired:
            self.error(response, 409, NO_LEADER)
        else:
            self.error(response, 404, f"Unknown task: {name}-{task}")

    @rule(name=NAMES, partition=st.integers(0, 2), offset=st.one_of(st.none(), st.integers(0, 99)))
    def alter_offsets(self, name: str, partition: int, offset: int | None) -> None:
        model = self.model.get(name)
        if model is not None and model.kind == "source":
            change = {
                "partition": {"filename": f"/tmp/f{partition}"},
                "offset": None if offset is None else {"position": offset},
            }
        else:
            change = {
                "partition": {"kafka_topic": "t", "kafka_partition": partition},
                "offset": None if offset is None else {"kafka_offset": offset},
            }
        response = self.client.patch(f"/connectors/{name}/offsets", json={"offsets": [change]})
        if model is None:
            self.error(response, 404, f"Connector {name} not found")
        elif model.target != "STOPPED":
            self.error(response, 400, STOPPED_TEXT.format(name=name))
        elif model.kind == "sink" and offset is None and partition not in model.offsets:
            self.error(response, 500, f"Failed to alter consumer group offsets for connector {name}")
        else:
            assert response.status_code == 200, response.get_data(as_text=True)
            if offset is None:
                model.offsets.pop(partition, None)
            else:
                model.offsets[partition] = offset

    @rule(name=NAMES)
    def reset_offsets(self, name: str) -> None:
        response = self.client.delete(f"/connectors/{name}/offsets")
        model = self.model.get(name)
        if model is None:
            self.error(response, 404, f"Connector {name} not found")
        elif model.target != "STOPPED":
            self.error(response, 400, STOPPED_TEXT.format(name=name))
        else:
            assert response.get_json() == {"message": "The offsets for this connector have been reset successfully"}
            model.offsets.clear()

    @rule(name=NAMES)
    def delete(self, name: str) -> None:
        response = self.client.delete(f"/connectors/{name}")
        if name not in self.model:
            self.error(response, 404, f"Connector {name} not found")
            return
        assert response.status_code == 204
        del self.model[name]

    @invariant()
    def listing_matches(self) -> None:
        assert sorted(self.client.get("/connectors").get_json()) == sorted(self.model)

    @invariant()
    def statuses_match(self) -> None:
        for name, model in self.model.items():
            status = self.client.get(f"/connectors/{name}/status").get_json()
            assert status["connector"]["state"] == model.state, (name, status)
            expected = "PAUSED" if model.target == "PAUSED" else "RUNNING"
            assert [t["state"] for t in status["tasks"]] == [expected] * model.tasks, (name, status)
            offsets = self.client.get(f"/connectors/{name}/offsets").get_json()["offsets"]
            assert len(offsets) == len(model.offsets)

    @invariant()
    def contract_holds(self) -> None:
        assert not self.state.journal.problems()


ConnectMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestConnectMachine = ConnectMachine.TestCase
