"""A target with history: the comparison mock starts from its logger levels and plugins."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mockconnect.conformance import seeding
from mockconnect.conformance.runner import Options, RunReport, run
from mockconnect.mock.state import MockState
from mockconnect.server import MockConnect
from mockconnect.worker.catalog import Plugin, builtin_catalog
from mockconnect.worker.cluster import ConnectCluster

HISTORY = {"root": "WARN", "org.apache.kafka.connect.runtime": "DEBUG"}
FAST = {"max_examples": 2, "stateful_max_steps": 4, "phases": ("lifecycle", "examples")}


def used_worker() -> MockConnect:
    """A target whose levels were changed before the run and whose plugin path holds a plugin a fresh
    3.7.0 worker has not got."""
    builtin = builtin_catalog()
    extra = Plugin(cls="com.example.OrdersSinkConnector", type="sink", version="2.1.0", location="/opt/plugins/x")
    catalog = dataclasses.replace(builtin, plugins=(*builtin.plugins, extra))
    return MockConnect(state=MockState(cluster=ConnectCluster(catalog=catalog)))


@pytest.fixture
def target() -> Iterator[MockConnect]:
    with used_worker() as served:
        for name, level in HISTORY.items():
            answer = requests.put(f"{served.url}/admin/loggers/{name}", json={"level": level}, timeout=10)
            assert answer.status_code == 200
        yield served


def conformance(url: str, **kwargs: Any) -> RunReport:
    return run(Options(target=url, allow_cluster_changes=True, **{**FAST, **kwargs}))


def test_the_comparison_mock_starts_from_the_targets_levels_and_plugins(target: MockConnect) -> None:
    report = conformance(target.url, compare_with_mock=True)
    assert report.failures() == []
    logger_steps = [r for r in report.results if r.kind == "lifecycle" and r.operation == "listLoggers"]
    assert logger_steps
    assert all(r.match for r in logger_steps)
    plugin_steps = [r for r in report.results if r.operation == "listConnectorPlugins" and r.compared]
    assert plugin_steps
    assert all(r.match for r in plugin_steps)
    assert report.starting_state == []  # a seeded mock has nothing to explain
    # The target's levels were restored after the run's own changes: its history is intact.
    levels = requests.get(f"{target.url}/admin/loggers", timeout=10).json()
    assert {name: levels[name]["level"] for name in HISTORY} == HISTORY


def test_without_seeding_the_history_shows_as_divergences(target: MockConnect, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: a fresh mock diverges on exactly what the seeding takes over."""
    monkeypatch.setattr(seeding, "seed_loggers", lambda *args, **kwargs: None)
    report = conformance(target.url, compare_with_mock=True, mock_factory=MockConnect, phases=("lifecycle",))
    diverged = {r.name for r in report.results if r.kind == "lifecycle" and r.diff and not r.deviation}
    assert "loggers.get.root" in diverged
    assert any(name.startswith("plugins.") for name in diverged)
    assert report.exit_code == 1


def test_a_real_comparison_reports_the_starting_difference(target: MockConnect) -> None:
    """Two workers (here: the used one and a fresh one): divergences the starting states explain are
    attributed to them, listed, and do not fail the run."""
    with MockConnect() as fresh:
        report = conformance(target.url, compare_with=fresh.url, phases=("lifecycle",))
    assert "logger root: WARN on the target, INFO on the comparison" in report.starting_state
    assert "plugin com.example.OrdersSinkConnector sink 2.1.0 only on the target" in report.starting_state
    attributed = {r.name: r for r in report.results if r.deviation == seeding.STARTING_STATE}
    assert "loggers.get.root" in attributed
    assert "plugins.list" in attributed or any(name.startswith("plugins.") for name in attributed)
    # An unknown class: Kafka lists the available plugins in the message, the extra one included.
    assert "com.example.OrdersSinkConnector" in attributed["create.absent-class"].target.text
    assert not [r for r in report.results if r.verdict == "diverged"]


def test_starting_state_differences_and_what_they_explain() -> None:
    left = seeding.StartingState(
        loggers={"root": {"level": "WARN"}}, plugins=[{"class": "a.B", "type": "sink", "version": "1"}]
    )
    right = seeding.StartingState(loggers={"root": {"level": "INFO"}, "x": {"level": "DEBUG"}}, plugins=[])
    lines = seeding.differences(left, right)
    assert lines == [
        "logger root: WARN on the target, INFO on the comparison",
        "logger x: None on the target, DEBUG on the comparison",
        "plugin a.B sink 1 only on the target",
    ]
    assert seeding.explains(lines, "getLogger")
    assert seeding.explains(lines, "listConnectorPlugins")
    assert not seeding.explains(lines, "createConnector")
    assert seeding.explains(
        lines, "createConnector", ("... available connectors are: PluginDesc{klass=class a.B, ...",)
    )
    assert not seeding.explains(lines[2:], "listLoggers")
    assert seeding.differences(left, left) == []


def test_an_unknown_plugin_is_listed_by_the_built_mock(tmp_path: Path) -> None:
    state = seeding.StartingState(
        plugins=[
            {"class": "com.example.OrdersSink", "type": "sink", "version": "2.1"},
            {"class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "type": "sink", "version": "3.7.2"},
        ]
    )
    with seeding.mock_factory(state)() as mock:
        listed = requests.get(f"{mock.url}/connector-plugins", timeout=10).json()
    assert listed == [
        {"class": "com.example.OrdersSink", "type": "sink", "version": "2.1"},
        {"class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "type": "sink", "version": "3.7.2"},
    ]
