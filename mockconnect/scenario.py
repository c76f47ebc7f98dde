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
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError, best_match

from . import faults as fault_model
from . import snapshot
from .catalog import Catalog, Plugin, builtin_catalog
from .cluster import ConnectCluster, WorkerIdentity
from .errors import BadRequest
from .faults import EFFECT_KEYS, RESPONSE_EFFECTS, Fault, FaultSet
from .models import Json, TargetState
from .resources import shipped_file, shipped_folder

VERSION = 1
SUFFIXES = (".yaml", ".yml", ".json")
_REQUEST_KEYS = ("operation", "connector", "task", "nth", "first", "every", "window")
_INTERNAL_OPERATIONS = ("putTaskConfigs", "fenceZombies")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")

Path_ = tuple[str | int, ...]


# -- problems ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a scenario: where (file, line, column, field), what, and a hint."""

    message: str
    field: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
            if self.line is not None:
                where += [str(self.line), str(self.column or 1)]
        prefix = ":".join(where)
        text = ": ".join(part for part in (prefix, self.field, self.message) if part)
        return text + (f"\n    hint: {self.hint}" if self.hint else "")


class ScenarioError(ValueError):
    """A scenario (or fault) with problems; ``str()`` lists every one."""

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        count = len(self.problems)
        head = f"{source}: " if source else ""
        head += f"{count} problem{'s' if count != 1 else ''}"
        super().__init__(head + ":\n" + "\n".join(f"  {problem}" for problem in self.problems))


def field_name(path: Iterable[str | int]) -> str:
    """``faults[0].when.nth``; keys that are not plain names are quoted: ``config["tasks.max"]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text


# -- reading YAML with positions -----------------------------------------------------------------


@dataclass(slots=True)
class Marks:
    """Where each value (and each mapping key) of a document starts: 1-based (line, column)."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path_, *, key: bool = False) -> tuple[int, int] | None:
        if key and path in self.keys:
            return self.keys[path]
        probe = path
        while True:
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return None
            probe = probe[:-1]


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _walk(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, marks: Marks, problems: list[Problem]) -> None:
    marks.values[path] = _position(node)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            child = (*path, key if isinstance(key, str) else str(getattr(key_node, "value", key)))
            if not isinstance(key, str):
                line, column = _position(key_node)
                shown = getattr(key_node, "value", key)
                problems.append(
                    Problem(
                        f"key {shown!r} is read by YAML as {_kind(key)}, not as a name",
                        field_name(child),
                        line=line,
                        column=column,
                        hint=f"quote it: '{shown}'",
                    )
                )
            if key in seen:
                line, column = _position(key_node)
                problems.append(
                    Problem(
                        f"duplicate key {key!r}",
                        field_name(child),
                        line=line,
                        column=column,
                        hint="YAML keeps only the last one; remove or merge the other",
                    )
                )
            seen.add(key)
            marks.keys[child] = _position(key_node)
            _walk(loader, value_node, child, marks, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(loader, item, (*path, index), marks, problems)


def read_text(text: str) -> tuple[Any, Marks, list[Problem]]:
    """Parse YAML or JSON, keeping the position of every value; YAML errors become problems."""
    marks = Marks()
    problems: list[Problem] = []
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, marks, [Problem("the file is empty", hint="a scenario starts with `version: 1`")]
        _walk(loader, node, (), marks, problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = f" ({exc.context})" if exc.context else ""
        return (
            None,
            marks,
            [
                Problem(
                    f"invalid YAML: {exc.problem}{context}",
                    line=None if mark is None else mark.line + 1,
                    column=None if mark is None else mark.column + 1,
                    hint="check the indentation and quoting on this line and the one before",
                )
            ],
        )
    except yaml.YAMLError as exc:
        return None, marks, [Problem(f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    return data, marks, problems


# -- the schema ----------------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(shipped_file("scenarios", "scenario.schema.json").read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(definition: str | None = None) -> jsonschema.Draft202012Validator:
    root = schema()
    target: dict[str, Any] = root if definition is None else {"$ref": f"#/$defs/{definition}", "$defs": root["$defs"]}
    return jsonschema.Draft202012Validator(target)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _described(error: ValidationError) -> list[tuple[Path_, str, str | None, bool]]:
    """(path, message, hint, points at a key) for one schema error, in plain words."""
    path: Path_ = tuple(error.absolute_path)
    instance: Any = error.instance
    value: Any = error.validator_value
    node: Any = error.schema if isinstance(error.schema, dict) else {}
    about: str | None = node.get("description")
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(node.get("properties", {}))
        found: list[tuple[Path_, str, str | None, bool]] = []
        for key in sorted(set(instance) - set(allowed), key=str):
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint: str | None = (f"did you mean {close[0]!r}? " if close else "") + f"Allowed here: {', '.join(allowed)}"
            if not allowed:
                hint = "this mapping takes no keys"
            found.append(((*path, str(key)), f"unknown key {key!r}", hint, True))
        return found
    if error.validator == "required" and isinstance(instance, dict):
        missing = [name for name in value if name not in instance]
        props = node.get("properties", {})
        return [
            (path, f"missing required key {name!r}", props.get(name, {}).get("description"), False) for name in missing
        ]
    if error.validator == "type":
        wanted = [value] if isinstance(value, str) else list(value)
        names = " or ".join(_TYPE_NAMES.get(w, w) for w in wanted)
        hint = about
        if "string" in wanted and isinstance(instance, (int, float, bool)) and "config" in path:
            hint = f"quote it: Connect stores every config value as a string, e.g. '{json.dumps(instance)}'"
        return [(path, f"must be {names}, not {_kind(instance)}", hint, False)]
    if error.validator in ("enum", "const"):
        choices = value if error.validator == "enum" else [value]
        listed = ", ".join(json.dumps(choice) for choice in choices)
        close = difflib.get_close_matches(str(instance), [str(c) for c in choices], n=1)
        hint = f"did you mean {close[0]!r}?" if close else about
        return [
            (path, f"must be {'one of ' if len(choices) > 1 else ''}{listed}, not {json.dumps(instance)}", hint, False)
        ]
    if error.validator in ("oneOf", "anyOf") and error.context:
        # An error inside one of the options (past the option's own shape) says what is wrong with it.
        depth = max(len(e.absolute_path) for e in error.context)
        deeper = [e for e in error.context if len(e.absolute_path) == depth and depth > len(path)]
        if not deeper and isinstance(instance, dict):
            deeper = [e for e in error.context if e.validator == "additionalProperties"]
            chosen = [
                e
                for e in deeper
                if any(k in instance for k in (e.schema.get("required", []) if isinstance(e.schema, dict) else []))
            ]
            deeper = chosen or ([] if len(deeper) != 1 else deeper)
        if not deeper:  # the options whose shape the value has: their complaint is the one that matters
            by_option: dict[Any, list[ValidationError]] = {}
            for sub in error.context:
                by_option.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
            fitting = [errs for errs in by_option.values() if not any(e.validator in ("type", "const") for e in errs)]
            if len(fitting) == 1:
                deeper = fitting[0]
        if deeper:
            return _described(best_match(deeper))
        return [(path, f"must be {_shapes(value)}, not {_kind(instance)}", about, False)]
    return [(path, error.message, about, False)]


def _shapes(options: Sequence[Mapping[str, Any]]) -> str:
    names: list[str] = []
    for option in options:
        if "const" in option:
            names.append(json.dumps(option["const"]))
        elif "enum" in option:
            names.append("one of " + ", ".join(json.dumps(item) for item in option["enum"]))
        elif "type" in option:
            kind = option["type"]
            names.append(" or ".join(_TYPE_NAMES.get(k, k) for k in ([kind] if isinstance(kind, str) else kind)))
    return " or ".join(dict.fromkeys(names))


def _schema_errors(
    data: Any, marks: Marks, definition: str | None, base: Path_ = (), file: str | None = None
) -> list[tuple[Path_, Problem]]:
    """Each schema problem with the path it is about."""
    found: list[tuple[Path_, Problem]] = []
    for error in _validator(definition).iter_errors(data):
        for path, message, hint, key in _described(error):
            full = (*base, *path)
            found.append((full, _at(full, message, hint, marks, file, key=key)))
    return found


def _schema_problems(
    data: Any, marks: Marks, definition: str | None, base: Path_ = (), file: str | None = None
) -> list[Problem]:
    return [problem for _, problem in _schema_errors(data, marks, definition, base, file)]


def _in_order(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _at(path: Path_, message: str, hint: str | None, marks: Marks, file: str | None, *, key: bool = False) -> Problem:
    position = marks.at(path, key=key)
    line, column = position if position else (None, None)
    return Problem(message, field_name(path), file, line, column, hint)


# -- what the checks need to know about the mock ---------------------------------------------------


@cache
def operation_ids() -> tuple[str, ...]:
    """Every operation a fault can target: the contract's, plus the two internal ones."""
    from .contract import kafka_contract

    return (*kafka_contract().operations, *_INTERNAL_OPERATIONS)


def _contract_problems(operation_id: str, status: int, body: Json, has_body: bool) -> list[str]:
    from .contract import kafka_contract

    operation = kafka_contract().operations.get(operation_id)
    if operation is None:
        return []
    return operation.response_problems(status, "application/json" if has_body else None, body, {}, has_body)


@dataclass(frozen=True, slots=True)
class Context:
    """What a fault may refer to: the workers of the cluster and the plugins of its catalog."""

    peers: tuple[str, ...] = ()
    worker_id: str | None = None
    catalog: Catalog = field(default_factory=builtin_catalog)


# -- checking faults -----------------------------------------------------------------------------


def _fault_problems(spec: Any, path: Path_, marks: Marks, file: str | None, context: Context) -> list[Problem]:
    """The rules of one (schema-valid) fault that the schema cannot state."""
    problems: list[Problem] = []

    def add(where: Path_, message: str, hint: str | None = None, *, key: bool = False) -> None:
        problems.append(_at((*path, *where), message, hint, marks, file, key=key))

    effects = [key for key in EFFECT_KEYS if key in spec]
    if not effects:
        add((), "a fault needs an effect", f"add one of: {', '.join(EFFECT_KEYS)}")
        return problems
    if len(effects) > 1:
        add(
            (effects[1],),
            f"a fault has exactly one effect, this one has {len(effects)} ({', '.join(effects)})",
            "give each effect its own fault with the same `when`",
            key=True,
        )
        return problems
    [effect] = effects
    when = spec.get("when") or {}
    selectors = [key for key in ("nth", "first", "every") if key in when]
    if len(selectors) > 1:
        add(("when", selectors[1]), f"use only one of nth, first and every (this has {', '.join(selectors)})", key=True)
    window = when.get("window")
    if window and "until" in window and window["until"] <= window.get("from", 0):
        add(("when", "window", "until"), "must be later than window.from")
    if "at" in when:
        request_keys = [key for key in _REQUEST_KEYS if key in when]
        if request_keys:
            add(
                ("when", "at"),
                f"`at` fires on the clock, so it cannot be combined with {', '.join(request_keys)}",
                "use `at` alone (with state, probability or times), or use `window` for requests in a time span",
                key=True,
            )
        if effect in RESPONSE_EFFECTS:
            add(
                ("when", "at"),
                f"{effect} changes answers to requests, so it cannot fire at a clock time",
                "use `window: {from: ..., until: ...}` to limit it to a time span",
                key=True,
            )
    operations = when.get("operation")
    for index, name in enumerate([operations] if isinstance(operations, str) else operations or []):
        if name not in operation_ids():
            where: Path_ = ("when", "operation") if isinstance(operations, str) else ("when", "operation", index)
            close = difflib.get_close_matches(name, operation_ids(), n=1)
            add(
                where,
                f"{name!r} is not an operationId of Kafka Connect 3.7",
                f"did you mean {close[0]!r}?" if close else "see openapi/kafka-connect.yaml",
            )
    args = spec[effect] if isinstance(spec[effect], dict) else {}
    from_request = bool(when) and "at" not in when
    if effect in ("fail_connector", "fail_task", "fail_restarts") and "connector" not in args and not from_request:
        add(
            (effect,),
            f"{effect}.connector is required here",
            "only a fault fired by a request can take the connector from the request's path",
        )
    if effect == "fail_task" and "connector" in args and "task" not in args:
        add((effect,), "fail_task.task is required when the connector is named")
    if effect == "lose_worker":
        worker = args.get("worker")
        if worker == context.worker_id:
            add((effect, "worker"), "the worker answering the requests cannot leave", "lose one of cluster.workers")
        elif worker not in context.peers:
            known = ", ".join(context.peers) or "none"
            add(
                (effect, "worker"),
                f"{worker!r} is not one of the cluster's other workers ({known})",
                "list it under cluster.workers",
            )
    if effect == "missing_plugin":
        named = args.get("plugin", [])
        for index, name in enumerate([named] if isinstance(named, str) else named):
            if not context.catalog.resolve(name, list(context.catalog.plugins)):
                where = (effect, "plugin") if isinstance(named, str) else (effect, "plugin", index)
                add(where, f"{name!r} is not a plugin of this worker", _plugin_hint(context.catalog, name))
    if effect == "respond" and not spec.get("off_spec"):
        problems.extend(_respond_problems(args, operations, path, marks, file))
    return problems


def _respond_problems(
    args: Mapping[str, Any], operations: Any, path: Path_, marks: Marks, file: str | None
) -> list[Problem]:
    compiled = fault_model.compile_fault({"respond": args}, "check").effect
    assert isinstance(compiled, fault_model.Respond)
    targets = [operations] if isinstance(operations, str) else list(operations or operation_ids())
    broken: dict[str, list[str]] = {}
    for operation_id in targets:
        found = _contract_problems(operation_id, compiled.status, compiled.body, compiled.has_body)
        if found:
            broken[operation_id] = found
    if not broken:
        return []
    names = list(broken)
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    first = broken[names[0]][0]
    scope = "" if operations else " (a respond fault without when.operation answers every operation)"
    return [
        _at(
            (*path, "respond"),
            f"the Kafka Connect 3.7 contract does not allow this answer for {shown}: {first}{scope}",
            "a real worker never answers this; if it stands for a proxy or load balancer in front of the worker, "
            "mark the fault `off_spec: true`",
            marks,
            file,
            key=True,
        )
    ]


def _plugin_hint(catalog: Catalog, name: str) -> str:
    aliases = sorted({p.simple_name for p in catalog.connectors()})
    close = difflib.get_close_matches(name, aliases + [p.cls for p in catalog.connectors()], n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"this worker's connectors are: {', '.join(aliases)}; add others under cluster.plugins.add"


# -- scenarios -------------------------------------------------------------------------------------


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
            identity = cluster.identity
            if self.worker_id is not None:
                identity.worker_id = self.worker_id
            identity.peers = list(self.peers)
            if self.cluster_id is not None:
                identity.cluster_id = self.cluster_id
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
    for index, item in enumerate(plugins.get("add", [])):
        if any(p.cls == item["class"] for p in base.plugins):
            problems.append(
                _at(
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
                _at(
                    ("cluster", "plugins", "remove", index),
                    f"{name!r} is not a plugin of this worker",
                    _plugin_hint(catalog, name),
                    marks,
                    file,
                )
            )
    worker_id = section.get("worker_id")
    if worker_id is not None and worker_id in section.get("workers", []):
        problems.append(
            _at(
                ("cluster", "workers"),
                f"{worker_id!r} is this worker's own id (cluster.worker_id)",
                "cluster.workers lists the other workers",
                marks,
                file,
            )
        )
    return problems, catalog


def _plugin(item: Mapping[str, Any]) -> Plugin:
    return Plugin(
        cls=item["class"],
        type=item["type"],
        version=item.get("version"),
        task_class=item.get("task_class"),
        tasks=item.get("tasks", "max"),
    )


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
                _at(path, "missing 'connector.class'", "every connector config names its class", marks, file)
            )
            continue
        known = final.resolve(connector_class, final.connectors())
        if not known and connector_class not in removed_classes:
            problems.append(
                _at(
                    (*path, "connector.class"),
                    f"{connector_class!r} is not a connector plugin of this worker",
                    _plugin_hint(final, connector_class),
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
    errors = _schema_errors(data, marks, None, file=file)
    problems = [problem for _, problem in errors]
    broken = {path[:2] for path, _ in errors}
    # The rules beyond the schema run on every part the schema found sound, so one pass shows all.
    sections_ok = not any(path[:1] in (("cluster",), ()) for path, _ in errors)
    section = data.get("cluster") or {}
    catalog = builtin_catalog()
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
        found = _fault_problems(spec, ("faults", index), marks, file, context)
        fault_id = spec.get("id", f"fault-{index + 1}")
        if fault_id in ids:
            found.append(
                _at(
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
        raise ScenarioError(_in_order(problems), source)
    default_name = Path(file).stem if file else "scenario"
    return Scenario(
        name=data.get("name", default_name),
        description=data.get("description"),
        source=source,
        seed=data.get("seed", 0),
        worker_id=section.get("worker_id"),
        peers=tuple(section.get("workers", [])),
        cluster_id=section.get("cluster_id"),
        topic_tracking=section.get("topic_tracking"),
        topic_tracking_reset=section.get("topic_tracking_reset"),
        added_plugins=tuple(_plugin(item) for item in section.get("plugins", {}).get("add", [])),
        removed_plugins=removed,
        state=dict(data.get("state") or {}),
        faults=tuple(compiled),
    )


def _version_problems(data: Any, marks: Marks, file: str | None) -> list[Problem]:
    if not isinstance(data, dict):
        return [_at((), f"a scenario is a mapping, not {_kind(data)}", "start the file with `version: 1`", marks, file)]
    if "version" not in data:
        return [_at((), "missing required key 'version'", "add `version: 1` at the top", marks, file)]
    version = data["version"]
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        from . import __version__

        return [
            _at(
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
            _at(
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


def parse_fault(spec: Any, fault_id: str, context: Context, *, where: str = "fault") -> Fault:
    """Check one fault (from the fixture or the admin API) completely and compile it."""
    marks = Marks()
    problems = _schema_problems(spec, marks, "Fault", base=(where,))  # no positions: spec is not from a file
    if not problems:
        problems = _fault_problems(spec, (where,), marks, None, context)
    if problems:
        raise ScenarioError(problems, where)
    return fault_model.compile_fault(spec, spec.get("id", fault_id))


# -- finding files -----------------------------------------------------------------------------------


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
