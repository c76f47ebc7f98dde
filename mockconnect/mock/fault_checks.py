"""Checking one fault before it is applied: known operations, connectors and plugins; answers in the contract."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from mockconnect.mock import faults as fault_model
from mockconnect.mock.effects import EFFECT_KEYS, RESPONSE_EFFECTS, Respond
from mockconnect.mock.faults import Fault
from mockconnect.mock.scenario_text import Marks, Path_, Problem, ScenarioError, problem_at, schema_problems
from mockconnect.worker.catalog import Catalog, builtin_catalog
from mockconnect.worker.models import Json

_REQUEST_KEYS = ("operation", "connector", "task", "nth", "first", "every", "window")


_INTERNAL_OPERATIONS = ("putTaskConfigs", "fenceZombies")


@cache
def operation_ids() -> tuple[str, ...]:
    """Every operation a fault can target: the contract's, plus the two internal ones."""
    from mockconnect.release.contract import kafka_contract

    return (*kafka_contract().operations, *_INTERNAL_OPERATIONS)


def _contract_problems(operation_id: str, status: int, body: Json, has_body: bool) -> list[str]:
    from mockconnect.release.contract import kafka_contract

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


def fault_problems(spec: Any, path: Path_, marks: Marks, file: str | None, context: Context) -> list[Problem]:
    """The rules of one (schema-valid) fault that the schema cannot state."""
    problems: list[Problem] = []

    def add(where: Path_, message: str, hint: str | None = None, *, key: bool = False) -> None:
        problems.append(problem_at((*path, *where), message, hint, marks, file, key=key))

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
                add(where, f"{name!r} is not a plugin of this worker", plugin_hint(context.catalog, name))
    if effect == "respond" and not spec.get("off_spec"):
        problems.extend(_respond_problems(args, operations, path, marks, file))
    return problems


def _respond_problems(
    args: Mapping[str, Any], operations: Any, path: Path_, marks: Marks, file: str | None
) -> list[Problem]:
    compiled = fault_model.compile_fault({"respond": args}, "check").effect
    assert isinstance(compiled, Respond)
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
        problem_at(
            (*path, "respond"),
            f"the Kafka Connect 3.7 contract does not allow this answer for {shown}: {first}{scope}",
            "a real worker never answers this; if it stands for a proxy or load balancer in front of the worker, "
            "mark the fault `off_spec: true`",
            marks,
            file,
            key=True,
        )
    ]


def plugin_hint(catalog: Catalog, name: str) -> str:
    aliases = sorted({p.simple_name for p in catalog.connectors()})
    close = difflib.get_close_matches(name, aliases + [p.cls for p in catalog.connectors()], n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"this worker's connectors are: {', '.join(aliases)}; add others under cluster.plugins.add"


def parse_fault(spec: Any, fault_id: str, context: Context, *, where: str = "fault") -> Fault:
    """Check one fault (from the fixture or the admin API) completely and compile it."""
    marks = Marks()
    problems = schema_problems(spec, marks, "Fault", base=(where,))  # no positions: spec is not from a file
    if not problems:
        problems = fault_problems(spec, (where,), marks, None, context)
    if problems:
        raise ScenarioError(problems, where)
    return fault_model.compile_fault(spec, spec.get("id", fault_id))
