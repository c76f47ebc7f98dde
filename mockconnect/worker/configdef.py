"""Kafka's ConfigDef rules: parse config strings by type, run validators, word errors as Kafka does."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mockconnect.worker.models import Json

ClassResolver = Callable[[str], "str | None"]
"""Finds a class by name or alias and returns its full name, or None when it cannot be loaded."""

_INT_RANGES = {"SHORT": (-(2**15), 2**15 - 1), "INT": (-(2**31), 2**31 - 1), "LONG": (-(2**63), 2**63 - 1)}
_JAVA_INT = re.compile(r"[+-]?\d+")
_JAVA_DOUBLE = re.compile(r"[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)")
_LIST_SPLIT = re.compile(r"\s*,\s*")


class ConfigException(Exception):
    """Kafka's ConfigException: ``Invalid value V for configuration K: M``."""

    @classmethod
    def invalid(cls, name: str, value: object, message: str | None) -> ConfigException:
        suffix = "" if message is None else f": {message}"
        return cls(f"Invalid value {java_str(value)} for configuration {name}{suffix}")


def java_str(value: object) -> str:
    """Render a parsed value the way Java's ``String.valueOf`` would."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(java_str(v) for v in value) + "]"
    return str(value)


_JAVA_WHITESPACE = "".join(chr(c) for c in range(0x21))


def java_trim(text: str) -> str:
    """String.trim: strips characters up to U+0020 only (Python's strip would also take U+0085)."""
    return text.strip(_JAVA_WHITESPACE)


def is_iso_control(char: str) -> bool:
    code = ord(char)
    return code <= 0x1F or 0x7F <= code <= 0x9F


@dataclass(frozen=True, slots=True)
class Validator:
    """One of Kafka's stock validators, described as data: ``{"kind": ..., ...}``."""

    kind: str
    min: float | None = None
    max: float | None = None
    values: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Validator:
        return cls(
            kind=spec["kind"],
            min=spec.get("min"),
            max=spec.get("max"),
            values=tuple(spec.get("values", ())),
        )

    def check(self, name: str, value: object) -> None:
        """Raise ConfigException when ``value`` (already parsed) is not allowed."""
        message = self._problem(value)
        if message is not None:
            raise ConfigException.invalid(name, value, message)

    def _problem(self, value: object) -> str | None:
        if self.kind == "range":
            if value is None:
                return "Value must be non-null"  # Kafka words it "Invalid value null ..."
            assert isinstance(value, (int, float))
            if self.min is not None and value < self.min:
                return f"Value must be at least {java_str(_num(self.min))}"
            if self.max is not None and value > self.max:
                return f"Value must be no more than {java_str(_num(self.max))}"
            return None
        if self.kind == "in":
            if value not in self.values:
                return "String must be one of: " + ", ".join(self.values)
            return None
        if self.kind == "in_ignore_case":
            if not isinstance(value, str) or value.upper() not in {v.upper() for v in self.values}:
                return "String must be one of (case insensitive): " + ", ".join(self.values)
            return None
        if self.kind == "non_empty_string":
            if value == "":
                return "String must be non-empty"
            return None
        if self.kind == "non_empty_without_control_chars":
            if value is None:
                return None  # a missing name is reported as missing, not here
            assert isinstance(value, str)
            if not value:
                return "String may not be empty"
            bad = [str(ord(c)) for c in value if is_iso_control(c)]
            if bad:
                return "String may not contain control sequences but had the following ASCII chars: " + ", ".join(bad)
            return None
        if self.kind == "regex":
            try:
                re.compile("" if value is None else str(value))
            except re.error as exc:
                return f"Invalid regex: {exc}"
            return None
        if self.kind == "unique_list":
            if isinstance(value, list) and len(set(value)) != len(value):
                return "Duplicate alias provided."
            return None
        raise ValueError(f"unknown validator kind {self.kind!r}")


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True, slots=True)
class ConfigKey:
    """A ConfigDef key: the ConfigKeyInfo fields Connect reports, plus its validator."""

    name: str
    type: str
    required: bool
    default_value: str | None
    importance: str
    documentation: str | None
    group: str | None
    width: str
    display_name: str
    dependents: tuple[str, ...]
    order: int
    validator: Validator | None = None
    recommended: tuple[str, ...] = ()

    def embedded(self, prefix: str, group: str, order: int) -> ConfigKey:
        """ConfigDef.embed: the same key under ``prefix``, in ``group`` at position ``order``."""
        return replace(
            self,
            name=prefix + self.name,
            group=group,
            order=order,
            dependents=tuple(prefix + d for d in self.dependents),
        )

    def sort_key(self) -> tuple[int, int, int, int, str]:
        """ConfigDef.sortedConfigs for keys without a group: required first, then importance, name."""
        importance = (
            ("HIGH", "MEDIUM", "LOW").index(self.importance) if self.importance in ("HIGH", "MEDIUM", "LOW") else 3
        )
        return (0 if self.group is None else 1, self.order, 0 if self.required else 1, importance, self.name)

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> ConfigKey:
        validator = spec.get("validator")
        return cls(
            name=spec["name"],
            type=spec["type"],
            required=spec["required"],
            default_value=spec["default_value"],
            importance=spec["importance"],
            documentation=spec.get("documentation"),
            group=spec.get("group"),
            width=spec.get("width", "NONE"),
            display_name=spec.get("display_name", spec["name"]),
            dependents=tuple(spec.get("dependents", ())),
            order=spec.get("order", -1),
            validator=Validator.from_dict(validator) if validator else None,
            recommended=tuple(spec.get("recommended_values", ())),
        )

    def info(self) -> dict[str, Json]:
        """The ConfigKeyInfo wire shape, in Jackson's field order (to Kafka 4.1; see :func:`order_in_group`)."""
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default_value": self.default_value,
            "importance": self.importance,
            "documentation": self.documentation,
            "group": self.group,
            "width": self.width,
            "display_name": self.display_name,
            "dependents": list(self.dependents),
            "order": self.order,
        }

    def parse(self, raw: str, classes: ClassResolver | None = None) -> object:
        """ConfigDef.parseType for a string value; CLASS values are looked up with ``classes``."""
        trimmed = java_trim(raw)
        kind = self.type
        if kind in ("STRING", "PASSWORD"):
            return trimmed
        if kind in _INT_RANGES:
            low, high = _INT_RANGES[kind]
            if _JAVA_INT.fullmatch(trimmed) and low <= int(trimmed) <= high:
                return int(trimmed)
            raise ConfigException.invalid(self.name, raw, f"Not a number of type {kind}")
        if kind == "DOUBLE":
            if _JAVA_DOUBLE.fullmatch(trimmed):
                return float(trimmed.rstrip("fFdD").replace("Infinity", "inf"))
            raise ConfigException.invalid(self.name, raw, "Not a number of type DOUBLE")
        if kind == "BOOLEAN":
            if trimmed.lower() in ("true", "false"):
                return trimmed.lower() == "true"
            raise ConfigException.invalid(self.name, raw, "Expected value to be either true or false")
        if kind == "LIST":
            return [] if not trimmed else _LIST_SPLIT.split(trimmed)
        if kind == "CLASS":
            found = classes(trimmed) if classes is not None else trimmed
            if found is None:
                raise ConfigException.invalid(self.name, raw, f"Class {trimmed} could not be found.")
            return found
        raise ValueError(f"unknown config type {kind!r}")

    def render(self, value: object) -> str | None:
        """ConfigValueInfo.value: the parsed value written back as a string."""
        if value is None:
            return None
        if self.type == "PASSWORD":
            return "[hidden]"
        if self.type == "LIST":
            assert isinstance(value, list)
            return ",".join(str(v) for v in value)
        if self.type == "DOUBLE":
            assert isinstance(value, float)
            return repr(value) if value == value and abs(value) != float("inf") else java_str(value)
        return java_str(value)


@dataclass(slots=True)
class ConfigValue:
    """The result of validating one key: Kafka's ConfigValue."""

    name: str
    value: object
    errors: list[str]
    recommended_values: list[str]
    visible: bool = True

    def info(self, key: ConfigKey | None) -> dict[str, Json]:
        rendered = key.render(self.value) if key is not None else (None if self.value is None else str(self.value))
        return {
            "name": self.name,
            "value": rendered,
            "recommended_values": list(self.recommended_values),
            "errors": list(self.errors),
            "visible": self.visible,
        }


def validate_keys(
    keys: list[ConfigKey],
    props: Mapping[str, str | None],
    classes: ClassResolver | None = None,
    extra_checks: Mapping[str, Callable[[object], None]] | None = None,
) -> dict[str, ConfigValue]:
    """ConfigDef.validateAll: parse every defined key, then run its validator even on a failed parse."""
    results: dict[str, ConfigValue] = {}
    for key in keys:
        result = ConfigValue(key.name, None, [], list(key.recommended))
        results[key.name] = result
        if key.name in props:
            raw = props[key.name]
            try:
                result.value = None if raw is None else key.parse(raw, classes)
            except ConfigException as exc:
                result.errors.append(str(exc))
        elif key.required:
            result.errors.append(f'Missing required configuration "{key.name}" which has no default value.')
        elif key.default_value is not None:
            result.value = key.parse(key.default_value)  # a default is always loadable
        if key.validator is not None:
            try:
                key.validator.check(key.name, result.value)
            except ConfigException as exc:
                result.errors.append(str(exc))
        extra = extra_checks.get(key.name) if extra_checks else None
        if extra is not None:
            try:
                extra(result.value)
            except ConfigException as exc:
                result.errors.append(str(exc))
    return results


def order_in_group(definition: Mapping[str, Json]) -> dict[str, Json]:
    """A ConfigKeyInfo as Kafka 4.2 and later write it: ``order`` is named ``order_in_group`` and comes
    right after ``group`` (the value is the same)."""
    shaped: dict[str, Json] = {}
    for name, value in definition.items():
        if name != "order":
            shaped[name] = value
        if name == "group":
            shaped["order_in_group"] = definition["order"]
    return shaped


def infos_order_in_group(infos: Mapping[str, Json]) -> dict[str, Json]:
    """A ConfigInfos answer (validate) with every definition in the 4.2 shape (:func:`order_in_group`)."""
    shaped = [
        {**entry, "definition": None if entry["definition"] is None else order_in_group(entry["definition"])}
        for entry in infos["configs"]
    ]
    return {**infos, "configs": shaped}
