"""Scenario files: read, check completely, and only then apply to a mock.

A scenario is YAML (or JSON) checked against ``scenarios/scenario.schema.json`` and then against the
rules a schema cannot state (one effect per fault, known operationIds, injected answers that fit
the Kafka Connect contract, a state the snapshot loader accepts). Every problem is reported with
the file, line and column, the field, and a hint; nothing is applied unless there are none::

    scenarios/bad.yaml:12:7: faults[0].when.nht: unknown key 'nht'
        hint: did you mean 'nth'? Allowed here: at, connector, every, first, ...

Shipped scenarios (``scenarios/*.yaml``) can be named without a path: ``load("failing-task")``.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockconnect.mock import faults as fault_model
from mockconnect.mock import snapshot
from mockconnect.mock.fault_checks import Context, fault_problems, operation_ids, parse_fault, plugin_hint
from mockconnect.mock.faults import Fault, FaultSet
from mockconnect.mock.scenario_text import (
    Marks,
    Path_,
    Problem,
    ScenarioError,
    field_name,
    in_order,
    kind_of,
    problem_at,
    read_text,
    schema,
    schema_errors,
)
from mockconnect.release import get_release, supported_text
from mockconnect.resources import shipped_folder
from mockconnect.worker.catalog import Catalog, Plugin, builtin_catalog
from mockconnect.worker.cluster import ConnectCluster, WorkerIdentity
from mockconnect.worker.errors import BadRequest
from mockconnect.worker.models import Json, TargetState

__all__ = [
    "SUFFIXES",
    "VERSION",
    "Context",
    "Problem",
    "Scenario",
    "ScenarioError",
    "check",
    "from_data",
    "load",
    "locate",
    "operation_ids",
    "parse",
    "parse_fault",
    "schema",
    "shipped_names",
]

VERSION = 1


SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class Scenario:
    """A checked scenario, ready to apply to any number of mocks."""

    name: str
    description: str | None
    source: str
    seed: int
    worker_id: str | None
    peers: tuple[str, ...]
    cluster_id: str | None
    version: str | None
    commit: str | None
    kafka_version: str | None
    """The Kafka release to emulate (a full version, resolved when the scenario was checked)."""
    topic_tracking: bool | None
    topic_tracking_reset: bool | None
    added_plugins: tuple[Plugin, ...]
    removed_plugins: tuple[str, ...]
    state: Mapping[str, Json]
    faults: tuple[Fault, ...]

    def summary(self) -> dict[str, Json]:
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "seed": self.seed,
            "faults": [fault.id for fault in self.faults],
        }

    def with_seed(self, seed: int) -> Scenario:
        """The same scenario under another seed (``mockconnect serve --seed``)."""
        return dataclasses.replace(self, seed=seed)

    def catalog(self, base: Catalog) -> Catalog:
        plugins = base.plugins + self.added_plugins
        return fault_model.catalog_without(dataclasses.replace(base, plugins=plugins), set(self.removed_plugins))

    def apply(self, cluster: ConnectCluster, faults: FaultSet) -> None:
        """Make ``cluster`` this scenario's cluster and start its faults (the caller has reset both)."""
        with cluster.lock:
            if self.kafka_version is not None:
                cluster.use_release(get_release(self.kafka_version))
            identity = cluster.identity
            if self.worker_id is not None:
                identity.worker_id = self.worker_id
            identity.peers = list(self.peers)
            if self.cluster_id is not None:
                identity.cluster_id = self.cluster_id
            if self.version is not None:
                identity.version = self.version
            if self.commit is not None:
                identity.commit = self.commit
            if self.topic_tracking is not None:
                identity.topic_tracking = self.topic_tracking
            if self.topic_tracking_reset is not None:
                identity.topic_tracking_reset = self.topic_tracking_reset
            cluster.catalog = self.catalog(cluster.catalog)
            seeded = _spread(self.state, [identity.worker_id, *self.peers])
            snapshot.restore(cluster, seeded)
            for name, spec in self.state.get("connectors", {}).items():
                if "tasks" not in spec and spec.get("target_state", "STARTED") != "STOPPED":
                    cluster.generate_tasks(name)
            faults.clear(self.seed)
            for fault in self.faults:
                faults.add(fault)


def _spread(state: Mapping[str, Json], workers: list[str]) -> dict[str, Json]:
    """The state with every instance that names no worker placed on the cluster's workers in turn."""
    turn = 0

    def place(status: Mapping[str, Json] | None, default_state: str) -> dict[str, Json]:
        nonlocal turn
        placed = dict(status) if status is not None else {"state": default_state}
        if "worker_id" not in placed:
            placed["worker_id"] = workers[turn % len(workers)]
            turn += 1
        return placed

    connectors: dict[str, Json] = {}
    for name, given in state.get("connectors", {}).items():
        spec = dict(given)
        running = TargetState(spec.get("target_state", "STARTED")).running_state.value
        if spec.get("status", {}) is not None:
            spec["status"] = place(spec.get("status"), running)
        if "tasks" in spec:
            spec["tasks"] = [
                {**task, "status": place(task.get("status"), running)} if task.get("status", {}) is not None else task
                for task in spec["tasks"]
            ]
        connectors[name] = spec
    return {**state, "connectors": connectors}


def _cluster_problems(
    data: Mapping[str, Any], marks: Marks, file: str | None, base: Catalog
) -> tuple[list[Problem], Catalog]:
    problems: list[Problem] = []
    section = data.get("cluster") or {}
    plugins = section.get("plugins") or {}
    added = []
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(plugins.get("add", [])):
        earlier = seen.setdefault((item["class"], item["type"]), index)
        if earlier != index:
            problems.append(
                problem_at(
                    ("cluster", "plugins", "add", index, "class"),
                    f"{item['class']!r} ({item['type']}) is already added by cluster.plugins.add[{earlier}]",
                    "list each plugin once",
                    marks,
                    file,
                )
            )
        problems += _config_key_problems(item, ("cluster", "plugins", "add", index), marks, file)
        if any(p.cls == item["class"] for p in base.plugins):
            problems.append(
                problem_at(
                    ("cluster", "plugins", "add", index, "class"),
                    f"{item['class']!r} is already a plugin of the 3.7.0 worker",
                    None,
                    marks,
                    file,
                )
            )
        added.append(_plugin(item))
    catalog = dataclasses.replace(base, plugins=base.plugins + tuple(added))
    for index, name in enumerate(plugins.get("remove", [])):
        if not catalog.resolve(name, list(catalog.plugins)):
            problems.append(
                problem_at(
                    ("cluster", "plugins", "remove", index),
                    f"{name!r} is not a plugin of this worker",
                    plugin_hint(catalog, name),
                    marks,
                    file,
                )
            )
    worker_id = section.get("worker_id")
    if worker_id is not None and worker_id in section.get("workers", []):
        problems.append(
            problem_at(
                ("cluster", "workers"),
                f"{worker_id!r} is this worker's own id (cluster.worker_id)",
                "cluster.workers lists the other workers",
                marks,
                file,
            )
        )
    return problems, catalog


def _config_key_problems(item: Mapping[str, Any], at: Path_, marks: Marks, file: str | None) -> list[Problem]:
    """A plugin's config definitions name each key once, as Kafka's ConfigDef insists."""
    problems: list[Problem] = []
    names: dict[str, int] = {}
    for index, key in enumerate(item.get("config", [])):
        first = names.setdefault(key["name"], index)
        if first != index:
            problems.append(
                problem_at(
                    (*at, "config", index, "name"),
                    f"config key {key['name']!r} is already defined by config[{first}]",
                    "a ConfigDef defines each key once: merge the two definitions",
                    marks,
                    file,
                )
            )
    return problems


def _plugin(item: Mapping[str, Any]) -> Plugin:
    return Plugin.from_dict(item)


def _state_problems(
    state: Mapping[str, Any],
    marks: Marks,
    file: str | None,
    catalog: Catalog,
    removed: Sequence[str],
    identity: WorkerIdentity,
) -> list[Problem]:
    problems: list[Problem] = []
    removed_classes = {p.cls for name in removed for p in catalog.resolve(name, list(catalog.plugins))} | set(removed)
    final = fault_model.catalog_without(catalog, set(removed))
    for name, spec in (state.get("connectors") or {}).items():
        connector_class = spec["config"].get("connector.class")
        path: Path_ = ("state", "connectors", name, "config")
        if connector_class is None:
            problems.append(
                problem_at(path, "missing 'connector.class'", "every connector config names its class", marks, file)
            )
            continue
        known = final.resolve(connector_class, final.connectors())
        if not known and connector_class not in removed_classes:
            problems.append(
                problem_at(
                    (*path, "connector.class"),
                    f"{connector_class!r} is not a connector plugin of this worker",
                    plugin_hint(final, connector_class),
                    marks,
                    file,
                )
            )
    if problems:
        return problems
    scratch = ConnectCluster(catalog=final, identity=dataclasses.replace(identity, peers=list(identity.peers)))
    try:
        snapshot.restore(scratch, dict(state))
    except BadRequest as exc:
        message = exc.message or "invalid state"
        problems.append(_snapshot_problem(message, marks, file))
    return problems


def _snapshot_problem(message: str, marks: Marks, file: str | None) -> Problem:
    """Place a snapshot loader's message (``connectors.x.tasks[0].status ...``) at its field."""
    best: Path_ = ("state",)
    for path in marks.values:
        if len(path) > len(best) and path[0] == "state" and message.startswith(field_name(path[1:]) + " "):
            best = path
    name = field_name(best[1:])
    text = message[len(name) + 1 :] if name and message.startswith(name + " ") else message
    position = marks.at(best)
    line, column = position if position else (None, None)
    return Problem(text, field_name(best), file, line, column)


def from_data(
    data: Any, marks: Marks | None = None, *, source: str = "<scenario>", file: str | None = None
) -> Scenario:
    """Check a parsed scenario completely and build it; ScenarioError lists every problem."""
    marks = marks or Marks()
    problems = _version_problems(data, marks, file)
    if problems:
        raise ScenarioError(problems, source)
    errors = schema_errors(data, marks, None, file=file)
    problems = [problem for _, problem in errors]
    broken = {path[:2] for path, _ in errors}
    # The rules beyond the schema run on every part the schema found sound, so one pass shows all.
    sections_ok = not any(path[:1] in (("cluster",), ()) for path, _ in errors)
    section = data.get("cluster") or {}
    kafka_version, release_problems = _release_problems(section, marks, file)
    problems += release_problems
    catalog = builtin_catalog(kafka_version)
    removed: tuple[str, ...] = ()
    if sections_ok:
        found, catalog = _cluster_problems(data, marks, file, catalog)
        problems += found
        removed = tuple(section.get("plugins", {}).get("remove", []))
        if not any(path[:1] == ("state",) for path, _ in errors) and not found:
            identity = WorkerIdentity(
                worker_id=section.get("worker_id", "localhost:8083"), peers=list(section.get("workers", []))
            )
            problems += _state_problems(data.get("state") or {}, marks, file, catalog, removed, identity)
    context = Context(tuple(section.get("workers", [])), section.get("worker_id"), catalog)
    ids: dict[str, int] = {}
    compiled: list[Fault] = []
    listed = data.get("faults") if isinstance(data.get("faults"), list) else []
    for index, spec in enumerate(listed):
        if ("faults", index) in broken or not sections_ok or not isinstance(spec, dict):
            continue
        found = fault_problems(spec, ("faults", index), marks, file, context)
        fault_id = spec.get("id", f"fault-{index + 1}")
        if fault_id in ids:
            found.append(
                problem_at(
                    ("faults", index, "id"),
                    f"id {fault_id!r} is already used by faults[{ids[fault_id]}]",
                    None,
                    marks,
                    file,
                )
            )
        ids[fault_id] = index
        problems += found
        if not found:
            compiled.append(fault_model.compile_fault(spec, fault_id))
    if problems:
        raise ScenarioError(in_order(problems), source)
    default_name = Path(file).stem if file else "scenario"
    return Scenario(
        name=data.get("name", default_name),
        description=data.get("description"),
        source=source,
        seed=data.get("seed", 0),
        worker_id=section.get("worker_id"),
        peers=tuple(section.get("workers", [])),
        cluster_id=section.get("cluster_id"),
        version=section.get("version"),
        commit=section.get("commit"),
        kafka_version=kafka_version,
        topic_tracking=section.get("topic_tracking"),
        topic_tracking_reset=section.get("topic_tracking_reset"),
        added_plugins=tuple(_plugin(item) for item in section.get("plugins", {}).get("add", [])),
        removed_plugins=removed,
        state=dict(data.get("state") or {}),
        faults=tuple(compiled),
    )


def _release_problems(section: Any, marks: Marks, file: str | None) -> tuple[str | None, list[Problem]]:
    """The release ``cluster.kafka_version`` names, resolved, or a problem listing the known ones."""
    wanted = section.get("kafka_version") if isinstance(section, dict) else None
    if not isinstance(wanted, str):
        return None, []
    try:
        return get_release(wanted).version, []
    except ValueError:
        known = supported_text()
        hint = known[0].upper() + known[1:]
        message = f"unknown Kafka release {wanted!r}"
        return None, [problem_at(("cluster", "kafka_version"), message, hint, marks, file)]


def _version_problems(data: Any, marks: Marks, file: str | None) -> list[Problem]:
    if not isinstance(data, dict):
        return [
            problem_at(
                (), f"a scenario is a mapping, not {kind_of(data)}", "start the file with `version: 1`", marks, file
            )
        ]
    if "version" not in data:
        return [problem_at((), "missing required key 'version'", "add `version: 1` at the top", marks, file)]
    version = data["version"]
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        from mockconnect import __version__

        return [
            problem_at(
                ("version",),
                f"version {version} is newer than this mockconnect ({__version__}) understands: "
                f"it reads version {VERSION}",
                "upgrade mockconnect (pip install -U mockconnect), or write the scenario for version 1",
                marks,
                file,
            )
        ]
    if version != VERSION or isinstance(version, bool):
        return [
            problem_at(
                ("version",),
                f"must be {VERSION}, not {json.dumps(version)}",
                "this mockconnect reads version 1 scenarios",
                marks,
                file,
            )
        ]
    return []


def parse(text: str, *, source: str = "<scenario>", file: str | None = None) -> Scenario:
    """Read and check a scenario's text (YAML or JSON)."""
    data, marks, problems = read_text(text)
    if problems:
        raise ScenarioError([dataclasses.replace(p, file=file) for p in problems], source)
    return from_data(data, marks, source=source, file=file)


def shipped_names() -> list[str]:
    """The names of the ready scenarios that come with mockconnect."""
    try:
        folder = shipped_folder("scenarios")
    except FileNotFoundError:
        return []
    return sorted(path.stem for path in folder.glob("*.yaml"))


def locate(name_or_path: str | Path) -> Path:
    """A scenario file: a path to one, or the name of a shipped scenario (``failing-task``)."""
    text = str(name_or_path)
    path = Path(text)
    if isinstance(name_or_path, Path) or path.suffix in SUFFIXES or "/" in text or "\\" in text or path.exists():
        return path
    names = shipped_names()
    if text in names:
        return shipped_folder("scenarios") / f"{text}.yaml"
    close = difflib.get_close_matches(text, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ScenarioError(
        [
            Problem(
                f"no scenario named {text!r}",
                hint=hint + f"ready scenarios: {', '.join(names)}; or give a path to a file",
            )
        ],
        text,
    )


def load(name_or_path: str | Path) -> Scenario:
    """Read and check a scenario file, or a shipped scenario by name; ScenarioError on any problem."""
    path = locate(name_or_path)
    shipped = (
        not isinstance(name_or_path, Path) and str(name_or_path) in shipped_names() and path.stem == str(name_or_path)
    )
    shown = str(name_or_path) if shipped else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError([Problem(f"cannot read the file: {reason}", file=str(path))], str(path)) from None
    return parse(text, source=shown, file=str(path))


def check(paths: Iterable[str | Path]) -> dict[str, list[Problem]]:
    """Every problem of every file (an empty list for a good one), without applying anything."""
    results: dict[str, list[Problem]] = {}
    for item in paths:
        try:
            load(item)
        except ScenarioError as exc:
            results[str(item)] = exc.problems
        else:
            results[str(item)] = []
    return results
