"""What a test holds: the served mock with read views of its state and assertions over its journal.

The pytest plugin hands a :class:`MockConnectFixture` to every test that asks for ``mockconnect``;
other test frameworks can build one over their own :class:`~mockconnect.server.MockConnect`::

    with MockConnect() as server, MockConnectFixture(server) as mock:
        ...                      # drive your client against mock.url
        mock.assert_called("createConnector", times=1)
    # leaving the block runs mock.check(): it raises if the mock broke its contract meanwhile

Nothing here imports pytest; failures are ``AssertionError``.
"""

from __future__ import annotations

import difflib
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from mockconnect.mock.journal import Entry, Journal, JournalEvicted
from mockconnect.worker.models import Connector, Json

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from mockconnect.mock.scenario import Scenario
    from mockconnect.mock.state import MockState
    from mockconnect.server import MockConnect
    from mockconnect.worker.cluster import ConnectCluster

_INDENT = "      "
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Options:
    """Per-test options, set with ``@pytest.mark.mockconnect(...)``."""

    strict: bool = True
    """Fail the test when the mock broke its contract or failed internally during it."""
    validate_requests: bool = True
    """Also fail it when the test sent a request that breaks the contract (only with ``strict``)."""
    scenario: str | None = None
    """A scenario to load before the test: a ready one's name or a path (relative to the test file)."""
    kafka_version: str | None = None
    """The Kafka release to emulate in this test (``3.8.1``, or a minor line: ``3.8``); the server's by default."""


@dataclass(frozen=True, slots=True)
class TaskView:
    """One task as it was when read."""

    id: int
    state: str | None
    trace: str | None
    worker_id: str | None
    config: dict[str, str | None]


class ConnectorView:
    """A connector of the mock; each property reads the current state (under the cluster's lock)."""

    def __init__(self, cluster: ConnectCluster, name: str) -> None:
        self._cluster = cluster
        self.name = name

    def _read(self, read: Callable[[Connector], T]) -> T:
        with self._cluster.lock:
            connector = self._cluster.connectors.get(self.name)
            if connector is None:
                raise AssertionError(
                    f"mockconnect has no connector {self.name!r} any more; it has: {_names(self._cluster)}"
                )
            return read(connector)

    @property
    def exists(self) -> bool:
        with self._cluster.lock:
            return self.name in self._cluster.connectors

    @property
    def state(self) -> str | None:
        """The connector's runtime state (``RUNNING``, ``PAUSED``, ``FAILED``, ...), None without status."""
        return self._read(lambda c: None if c.status is None else c.status.state.value)

    @property
    def trace(self) -> str | None:
        return self._read(lambda c: None if c.status is None else c.status.trace)

    @property
    def worker_id(self) -> str | None:
        return self._read(lambda c: None if c.status is None else c.status.worker_id)

    @property
    def target_state(self) -> str:
        """What it was asked to be: ``STARTED``, ``PAUSED`` or ``STOPPED``."""
        return self._read(lambda c: c.target.value)

    @property
    def type(self) -> str:
        return self._read(lambda c: c.type)

    @property
    def config(self) -> dict[str, str | None]:
        return self._read(lambda c: dict(c.config))

    @property
    def tasks(self) -> list[TaskView]:
        def read(connector: Connector) -> list[TaskView]:
            return [
                TaskView(
                    task.id,
                    None if task.status is None else task.status.state.value,
                    None if task.status is None else task.status.trace,
                    None if task.status is None else task.status.worker_id,
                    dict(task.config),
                )
                for task in connector.tasks
            ]

        return self._read(read)

    @property
    def offsets(self) -> list[dict[str, Json]]:
        return self._read(lambda c: c.offsets_dict()["offsets"])

    @property
    def active_topics(self) -> list[str]:
        return self._read(lambda c: list(c.active_topics))

    def __repr__(self) -> str:
        if not self.exists:
            return f"<ConnectorView {self.name!r} (gone)>"
        return f"<ConnectorView {self.name!r} {self.state} target={self.target_state} tasks={len(self.tasks)}>"


class ClockControl:
    """The mock's clock as a test drives it: ``mockconnect.clock.advance(30)``.

    Advancing applies every transition due by then (connectors starting, tasks moving, timed
    faults), so read views show the new state at once. Only a manual clock can be advanced; the
    pytest plugin's mock has one.
    """

    def __init__(self, state: MockState) -> None:
        self._state = state

    @property
    def manual(self) -> bool:
        return self._state.clock.manual

    def now(self) -> float:
        """Seconds since the epoch on the mock's clock."""
        return self._state.clock.now()

    def advance(self, seconds: float) -> float:
        """Move the clock ``seconds`` on and apply what is due; returns the new time."""
        return self._state.advance(seconds)

    def __repr__(self) -> str:
        return f"<ClockControl {'manual' if self.manual else 'wall'} at {self.now()}>"


class FaultView:
    """An active fault: ``.id``, and live counts of the requests it ``.matched`` and how often it ``.fired``."""

    def __init__(self, state: MockState, fault_id: str) -> None:
        self._state = state
        self.id = fault_id

    def _status(self) -> dict[str, Any]:
        try:
            return self._state.faults.status(self.id)
        except KeyError:
            raise AssertionError(f"fault {self.id!r} is no longer active") from None

    @property
    def active(self) -> bool:
        return self.id in self._state.faults

    @property
    def matched(self) -> int:
        return int(self._status()["matched"])

    @property
    def fired(self) -> int:
        return int(self._status()["fired"])

    @property
    def spec(self) -> dict[str, Any]:
        return dict(self._status()["fault"])

    def remove(self) -> None:
        """Stop the fault (standing conditions it set, a missing plugin or slow starts, are lifted)."""
        self._state.faults.remove(self.id)

    def __repr__(self) -> str:
        return f"<FaultView {self.id!r} fired={self.fired}>" if self.active else f"<FaultView {self.id!r} (removed)>"


def _names(cluster: ConnectCluster) -> str:
    with cluster.lock:
        names = sorted(cluster.connectors)
    return ", ".join(repr(name) for name in names) if names else "no connectors"


def _times(count: int) -> str:
    return "1 time" if count == 1 else f"{count} times"


def _call_text(operation_id: str, path_params: dict[str, Any]) -> str:
    args = ", ".join(f"{key}={value!r}" for key, value in path_params.items())
    return f"{operation_id}({args})"


def describe_problem(entry: Entry) -> str:
    """An entry with a broken answer or an internal error, and what broke, for a failure message."""
    lines = [f"  {entry.describe()}"]
    lines += [f"{_INDENT}response: {problem}" for problem in entry.response_problems]
    if entry.error:
        *_, last = entry.error.strip().splitlines() or [""]
        lines.append(f"{_INDENT}internal error: {last.strip()}")
        lines += [_INDENT + "  " + line for line in entry.error.rstrip().splitlines()]
    return "\n".join(lines)


class MockConnectFixture:
    """A served mock seen from one test: ``.url``, read views, the journal and assertions over it."""

    def __init__(self, server: MockConnect, options: Options | None = None) -> None:
        self.server = server
        self.options = options or Options()
        self._flagged: list[Entry] = []
        self._unsubscribe: Callable[[], None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> MockConnectFixture:
        """Reset the mock (to the options' Kafka release, if any) and start watching for contract problems."""
        self.reset()
        if self.options.kafka_version is not None:
            self.use_kafka_version(self.options.kafka_version)
        self._flagged.clear()
        if self._unsubscribe is None:
            self._unsubscribe = self.journal.subscribe(self._watch)
        return self

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def __enter__(self) -> MockConnectFixture:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
        if kind is None:
            self.check()

    def _watch(self, entry: Entry) -> None:
        if entry.request_problems or entry.response_problems or entry.error:
            self._flagged.append(entry)

    def reset(self) -> None:
        """Back to an empty worker and an empty journal (problems already seen are still reported)."""
        self.server.reset()

    def use_kafka_version(self, version: str) -> None:
        """Emulate another Kafka release (``3.8.1`` or ``3.8``) until the next reset; ValueError lists known ones."""
        from mockconnect.release import get_release

        self.server.state.use_release(get_release(version))

    # -- what the mock is --------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL, for example ``http://127.0.0.1:40123`` (no trailing slash)."""
        return self.server.url

    @property
    def state(self) -> MockState:
        return self.server.state

    @property
    def cluster(self) -> ConnectCluster:
        return self.server.state.cluster

    @property
    def journal(self) -> Journal:
        return self.server.state.journal

    @property
    def app(self) -> Flask:
        return self.server.app

    def client(self) -> FlaskClient:
        """A Flask test client over the same state: requests without a socket (and without cookies,
        which Kafka Connect never sets)."""
        return self.server.app.test_client(use_cookies=False)

    # -- scenarios, faults and time ----------------------------------------------------------

    @property
    def clock(self) -> ClockControl:
        """The mock's clock: ``.advance(seconds)``, ``.now()``."""
        return ClockControl(self.state)

    def load_scenario(self, scenario: str | os.PathLike[str] | Scenario, *, seed: int | None = None) -> Scenario:
        """Replace the mock's state and faults with a scenario's: a ready one's name, a file, or a loaded one.

        The whole file is checked first; a bad one raises ScenarioError listing every problem and
        changes nothing. ``seed`` overrides the scenario's.
        """
        from mockconnect.mock import scenario as scenarios

        loaded = scenario if isinstance(scenario, scenarios.Scenario) else scenarios.load(os.fspath(scenario))
        if seed is not None:
            loaded = loaded.with_seed(seed)
        self.state.load_scenario(loaded)
        return loaded

    def add_fault(self, spec: Mapping[str, Any] | None = None, /, **fields: Any) -> FaultView:
        """Start a fault, written as in a scenario's ``faults`` (a mapping, or keyword fields)::

            mockconnect.add_fault(when={"operation": "getConnectorStatus", "first": 2},
                                  respond={"status": 500, "message": "boom"})

        A bad fault raises ScenarioError listing every problem.
        """
        fault = self.state.add_fault({**(spec or {}), **fields})
        return FaultView(self.state, fault.id)

    def remove_fault(self, fault: str | FaultView) -> None:
        """Stop a fault by its id (or view)."""
        self.state.faults.remove(fault if isinstance(fault, str) else fault.id)

    @property
    def faults(self) -> list[FaultView]:
        """The active faults, in the order they were added."""
        return [FaultView(self.state, str(status["id"])) for status in self.state.faults.statuses()]

    # -- read views --------------------------------------------------------------------------

    @property
    def connectors(self) -> list[str]:
        """The names of the connectors the mock has now."""
        with self.cluster.lock:
            return list(self.cluster.connectors)

    def connector(self, name: str) -> ConnectorView:
        """A live read view of one connector; AssertionError if the mock has none of that name."""
        view = ConnectorView(self.cluster, name)
        if not view.exists:
            raise AssertionError(f"mockconnect has no connector {name!r}; it has: {_names(self.cluster)}")
        return view

    # -- journal assertions ------------------------------------------------------------------

    def _calls(self, helper: str, operation_id: str, path_params: dict[str, Any]) -> list[Entry]:
        self._known(operation_id)
        try:
            return self.journal.calls(operation_id, **path_params)
        except JournalEvicted as exc:
            raise JournalEvicted(
                f"{helper}({operation_id!r}) cannot be answered: {exc} In pytest, override the session "
                "fixture mockconnect_server to build MockConnect(journal_limit=...)."
            ) from None

    def _known(self, operation_id: str) -> None:
        known = {rule.endpoint for rule in self.server.app.url_map.iter_rules()} - {"static"}
        if operation_id not in known:
            close = difflib.get_close_matches(operation_id, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known ones: {', '.join(sorted(known))}"
            raise AssertionError(f"{operation_id!r} is not an operationId of this mock{hint}")

    def _summary(self, operation_id: str, path_params: dict[str, Any]) -> str:
        entries = self.journal.entries()
        same = [e for e in entries if e.operation_id == operation_id]
        if path_params and same:
            lines = [f"{operation_id} was called with other path parameters:"]
            lines += [f"  {e.describe()} {e.path_params}" for e in same[-10:]]
            return "\n".join(lines)
        if not entries:
            return "The journal is empty: no request reached the mock during this test."
        counts = Counter(e.operation_id or "unrouted" for e in entries)
        called = ", ".join(f"{name} x{count}" for name, count in counts.most_common())
        return f"The journal holds {len(entries)} entries: {called}."

    def assert_called(self, operation_id: str, times: int | None = None, **path_params: Any) -> list[Entry]:
        """Assert the operation was called (exactly ``times`` times if given); returns the entries.

        ``path_params`` narrow the calls: ``assert_called("pauseConnector", connector="sink")``.
        """
        calls = self._calls("assert_called", operation_id, path_params)
        if (times is None and calls) or len(calls) == times:
            return calls
        wanted = "at least once" if times is None else _times(times)
        got = _times(len(calls))
        raise AssertionError(
            f"expected {_call_text(operation_id, path_params)} to be called {wanted}, it was called {got}.\n"
            + ("\n".join(f"  {e.describe()}" for e in calls) + "\n" if calls else "")
            + self._summary(operation_id, path_params)
        )

    def assert_not_called(self, operation_id: str, **path_params: Any) -> None:
        """Assert the operation was never called (with these path parameters)."""
        calls = self._calls("assert_not_called", operation_id, path_params)
        if calls:
            listed = "\n".join(f"  {e.describe()}" for e in calls)
            raise AssertionError(
                f"expected {_call_text(operation_id, path_params)} not to be called, "
                f"it was called {_times(len(calls))}:\n{listed}"
            )

    def assert_restarted(
        self,
        name: str,
        *,
        include_tasks: bool | None = None,
        only_failed: bool | None = None,
        times: int | None = None,
    ) -> list[Entry]:
        """Assert connector ``name`` was restarted successfully, with these flags if given.

        Flags are read as Kafka reads them: only a case-insensitive ``true`` is true.
        """
        calls = self._calls("assert_restarted", "restartConnector", {"connector": name})
        done = [e for e in calls if 200 <= e.status < 300]
        matching = [
            e
            for e in done
            if (include_tasks is None or _flag(e, "includeTasks") == include_tasks)
            and (only_failed is None or _flag(e, "onlyFailed") == only_failed)
        ]
        if (times is None and matching) or len(matching) == times:
            return matching
        flags = [f"include_tasks={include_tasks}"] if include_tasks is not None else []
        flags += [f"only_failed={only_failed}"] if only_failed is not None else []
        how = f" with {', '.join(flags)}" if flags else ""
        wanted = "at least once" if times is None else _times(times)
        seen = "\n".join(
            f"  {e.describe()} include_tasks={_flag(e, 'includeTasks')} only_failed={_flag(e, 'onlyFailed')}"
            for e in calls
        )
        history = f"Restart requests for {name!r}:\n{seen}" if calls else f"No restart request for {name!r}."
        raise AssertionError(
            f"expected connector {name!r} to be restarted{how} {wanted}, it was {_times(len(matching))}.\n" + history
        )

    # -- the teardown check ------------------------------------------------------------------

    def problems(self) -> list[Entry]:
        """Entries seen since ``start()`` where the mock (or, when checked, the request) broke the contract."""
        requests = self.options.validate_requests
        return [e for e in self._flagged if e.response_problems or e.error or (requests and e.request_problems)]

    def check(self) -> None:
        """Raise AssertionError naming every request that broke the contract since ``start()``."""
        if not self.options.strict:
            return
        broken = [e for e in self._flagged if e.response_problems or e.error]
        bad_requests = [e for e in self._flagged if e.request_problems] if self.options.validate_requests else []
        parts: list[str] = []
        if broken:
            parts.append(
                "mockconnect broke its contract or failed internally during this test "
                f"({len(broken)} {'request' if len(broken) == 1 else 'requests'}):\n"
                + "\n".join(describe_problem(e) for e in broken)
                + "\nA broken answer is a bug in mockconnect, or in code that patched it. "
                "To skip this check in one test: @pytest.mark.mockconnect(strict=False)."
            )
        if bad_requests:
            parts.append(
                "mockconnect: this test sent requests that break the contract "
                f"({len(bad_requests)} {'request' if len(bad_requests) == 1 else 'requests'}):\n"
                + "\n".join(_request_problem(e) for e in bad_requests)
                + "\nFix the requests, or allow them in one test: @pytest.mark.mockconnect(validate_requests=False)."
            )
        if parts:
            raise AssertionError("\n\n".join(parts))


def _request_problem(entry: Entry) -> str:
    return "\n".join([f"  {entry.describe()}", *(f"{_INDENT}request: {p}" for p in entry.request_problems)])


def _flag(entry: Entry, name: str) -> bool:
    """JAX-RS's Boolean.valueOf of the first value: only a case-insensitive "true" is true."""
    values = entry.query.get(name) or [""]
    return values[0].lower() == "true"
