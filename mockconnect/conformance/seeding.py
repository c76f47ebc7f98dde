"""Where the target stands before a run (logger levels, plugins), so the comparison starts there too.

A worker with history differs from a fresh one: its root logger may have been set to WARN, its
plugin path may hold other plugins. Compared with a fresh mock, every read of that would show as a
divergence although neither answers wrongly. So the comparison mock is built from the target's
plugin list and seeded with its logger levels (through the admin API, ``PUT /_mockconnect/state``);
only GET requests go to the target. A real comparison worker cannot be seeded: the difference of
the two starting states is reported, and divergences it explains are attributed to it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import requests

from mockconnect.conformance.targets import Target

STARTING_STATE = "starting-state"
"""The deviation id of a divergence the two workers' starting states explain."""

LOGGER_OPERATIONS = frozenset({"listLoggers", "getLogger", "setLevel"})
PLUGIN_OPERATIONS = frozenset({"listConnectorPlugins", "getConnectorConfigDef", "validateConnectorConfig"})


@dataclass
class StartingState:
    """What a worker showed before the run."""

    loggers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``GET /admin/loggers``: name -> {"level", "last_modified"}."""
    plugins: list[dict[str, Any]] = field(default_factory=list)
    """``GET /connector-plugins?connectorsOnly=false``: {"class", "type", "version"?}."""

    def levels(self) -> dict[str, str | None]:
        return {name: entry.get("level") for name, entry in self.loggers.items()}

    def plugin_keys(self) -> set[tuple[str, str, str | None]]:
        return {(str(p.get("class")), str(p.get("type")), p.get("version")) for p in self.plugins}


def read(target: Target) -> StartingState:
    """The target's logger levels and plugins (two GETs; an answer that is not as expected is left empty)."""
    state = StartingState()
    loggers = target.request("GET", "/admin/loggers")
    if loggers.status == 200 and isinstance(loggers.json, dict):
        state.loggers = {str(k): v for k, v in loggers.json.items() if isinstance(v, dict)}
    plugins = target.request("GET", "/connector-plugins", query="connectorsOnly=false")
    if plugins.status == 200 and isinstance(plugins.json, list):
        state.plugins = [p for p in plugins.json if isinstance(p, dict) and "class" in p and "type" in p]
    return state


def differences(target: StartingState, comparison: StartingState) -> list[str]:
    """How two starting states differ, one line each (empty when they are alike)."""
    lines = []
    left, right = target.levels(), comparison.levels()
    for name in sorted(set(left) | set(right)):
        if left.get(name) != right.get(name):
            lines.append(f"logger {name}: {left.get(name)} on the target, {right.get(name)} on the comparison")
    only_target = sorted(target.plugin_keys() - comparison.plugin_keys(), key=str)
    only_comparison = sorted(comparison.plugin_keys() - target.plugin_keys(), key=str)
    lines += [f"plugin {cls} {kind} {version} only on the target" for cls, kind, version in only_target]
    lines += [f"plugin {cls} {kind} {version} only on the comparison" for cls, kind, version in only_comparison]
    return lines


def explains(lines: list[str], operation: str, texts: tuple[str, ...] = ()) -> bool:
    """Whether a starting-state difference can explain a divergence of ``operation`` whose answers are
    ``texts``: logger differences explain logger reads and changes; plugin differences explain plugin
    reads, and any answer naming a plugin that only one side has (Kafka lists the available plugins
    in its "Failed to find any class" messages)."""
    if operation in LOGGER_OPERATIONS and any(line.startswith("logger ") for line in lines):
        return True
    plugins = [line.split(" ", 2)[1] for line in lines if line.startswith("plugin ")]
    if not plugins:
        return False
    return operation in PLUGIN_OPERATIONS or any(cls in text for cls in plugins for text in texts)


def catalog_like(state: StartingState, version: str | None = None) -> Any:
    """The mock's built-in catalog cut to the target's plugins (with their versions); unknown plugins are
    listed with no config definitions. None when the target listed no plugins (keep the built-in one)."""
    from mockconnect.worker.catalog import Plugin, builtin_catalog

    builtin = builtin_catalog(version)
    if not state.plugins:
        return None
    known = {(p.cls, p.type): p for p in builtin.plugins}
    plugins = []
    for listed in state.plugins:
        cls, kind, version = str(listed["class"]), str(listed["type"]), listed.get("version")
        version = None if version is None else str(version)
        base = known.get((cls, kind))
        if base is not None:
            plugins.append(dataclasses.replace(base, version=version))
        else:
            plugins.append(Plugin(cls=cls, type=kind, version=version))
    return dataclasses.replace(builtin, plugins=tuple(plugins))


def mock_factory(state: StartingState, version: str | None = None) -> Any:
    """Builds a MockConnect of Kafka ``version`` whose plugins are the target's (call ``.start()`` on it)."""
    from mockconnect.mock.state import MockState
    from mockconnect.release import get_release
    from mockconnect.server import MockConnect
    from mockconnect.worker.cluster import ConnectCluster

    catalog = catalog_like(state, version)

    def build() -> Any:
        if catalog is None:
            return MockConnect(kafka_version=version)
        return MockConnect(state=MockState(cluster=ConnectCluster(catalog=catalog, release=get_release(version))))

    return build


def seed_loggers(mock_url: str, state: StartingState, session: requests.Session | None = None) -> None:
    """Give the mock the target's logger levels through its admin API (the mock is fresh: no connectors)."""
    loggers = {
        name: {"level": entry.get("level"), "last_modified": entry.get("last_modified")}
        for name, entry in state.loggers.items()
        if entry.get("level") is not None
    }
    if not loggers:
        return
    own = session or requests.Session()
    own.trust_env = False
    try:
        answer = own.put(mock_url.rstrip("/") + "/_mockconnect/state", json={"loggers": loggers}, timeout=30)
    finally:
        if session is None:
            own.close()
    if answer.status_code != 200:
        raise RuntimeError(
            f"the comparison mock refused the target's logger levels: {answer.status_code} {answer.text}"
        )
