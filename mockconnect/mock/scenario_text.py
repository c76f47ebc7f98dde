"""Reading scenario files: YAML or JSON with a line and column for every value; schema errors as problems."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError, best_match

from mockconnect.resources import shipped_file

Path_ = tuple[str | int, ...]


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


def position_of(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _walk(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, marks: Marks, problems: list[Problem]) -> None:
    marks.values[path] = position_of(node)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            child = (*path, key if isinstance(key, str) else str(getattr(key_node, "value", key)))
            if not isinstance(key, str):
                line, column = position_of(key_node)
                shown = getattr(key_node, "value", key)
                problems.append(
                    Problem(
                        f"key {shown!r} is read by YAML as {kind_of(key)}, not as a name",
                        field_name(child),
                        line=line,
                        column=column,
                        hint=f"quote it: '{shown}'",
                    )
                )
            if key in seen:
                line, column = position_of(key_node)
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
            marks.keys[child] = position_of(key_node)
            _walk(loader, value_node, child, marks, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(loader, item, (*path, index), marks, problems)


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
"""libyaml's loader: the same nodes and marks, about ten times faster on a recorded cluster's file."""


def read_text(text: str) -> tuple[Any, Marks, list[Problem]]:
    """Parse YAML or JSON, keeping the position of every value; YAML errors become problems."""
    if _FAST_LOADER is not None:
        try:
            return _read(text, _FAST_LOADER)
        except yaml.YAMLError:
            pass  # worded by the Python loader below, as users have always seen it
    return _read(text, yaml.SafeLoader)


def _read(text: str, loader_class: Any) -> tuple[Any, Marks, list[Problem]]:
    marks = Marks()
    problems: list[Problem] = []
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, marks, [Problem("the file is empty", hint="a scenario starts with `version: 1`")]
        _walk(loader, node, (), marks, problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        if loader_class is not yaml.SafeLoader:
            raise
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
        if loader_class is not yaml.SafeLoader:
            raise
        return None, marks, [Problem(f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    return data, marks, problems


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(shipped_file("scenarios", "scenario.schema.json").read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(definition: str | None = None) -> jsonschema.Draft202012Validator:
    root = schema()
    target: dict[str, Any] = root if definition is None else {"$ref": f"#/$defs/{definition}", "$defs": root["$defs"]}
    return jsonschema.Draft202012Validator(target)


def kind_of(value: Any) -> str:
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
        return [(path, f"must be {names}, not {kind_of(instance)}", hint, False)]
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
        return [(path, f"must be {_shapes(value)}, not {kind_of(instance)}", about, False)]
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


def schema_errors(
    data: Any, marks: Marks, definition: str | None, base: Path_ = (), file: str | None = None
) -> list[tuple[Path_, Problem]]:
    """Each schema problem with the path it is about."""
    found: list[tuple[Path_, Problem]] = []
    for error in _validator(definition).iter_errors(data):
        for path, message, hint, key in _described(error):
            full = (*base, *path)
            found.append((full, problem_at(full, message, hint, marks, file, key=key)))
    return found


def schema_problems(
    data: Any, marks: Marks, definition: str | None, base: Path_ = (), file: str | None = None
) -> list[Problem]:
    return [problem for _, problem in schema_errors(data, marks, definition, base, file)]


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def problem_at(
    path: Path_, message: str, hint: str | None, marks: Marks, file: str | None, *, key: bool = False
) -> Problem:
    position = marks.at(path, key=key)
    line, column = position if position else (None, None)
    return Problem(message, field_name(path), file, line, column, hint)


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
