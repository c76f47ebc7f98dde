"""The plugin catalog: which plugins a worker has, their aliases, config keys and task rules.

The catalog is data (``mockconnect/release/data/<version>/catalog.json``), so users can add their own
plugins in the same format; this module only reads it and answers questions about it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from mockconnect.release import get_release
from mockconnect.worker.configdef import ConfigKey

PLUGIN_TYPES = ("sink", "source", "transformation", "predicate", "converter", "header_converter")
_TYPE_SUFFIX = {
    "sink": "Connector",
    "source": "Connector",
    "converter": "Converter",
    "header_converter": "HeaderConverter",
    "transformation": "Transformation",
    "predicate": "Predicate",
}


@dataclass(frozen=True, slots=True)
class Plugin:
    """One plugin of one type, as ``/connector-plugins`` lists it."""

    cls: str
    type: str
    version: str | None
    location: str = "classpath"
    config: tuple[ConfigKey, ...] = ()
    task_class: str | None = None
    tasks: str = "max"
    """How many task configs a connector generates: ``max`` (tasks.max), ``one`` or ``none``."""
    alter_offsets: bool = False
    """Whether the connector's ``alterOffsets`` says it handled the change itself."""
    offsets: Mapping[str, Any] = field(default_factory=dict)
    """Rules for source offsets, for example ``{"position_key": "position", "partition_key": "filename"}``."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plugin:
        """A plugin in the catalog format (``scenarios/catalog.schema.json``, definition ``Plugin``)."""
        return cls(
            cls=data["class"],
            type=data["type"],
            version=data.get("version"),
            location=data.get("location", "classpath"),
            config=tuple(ConfigKey.from_dict(k) for k in data.get("config", ())),
            task_class=data.get("task_class"),
            tasks=data.get("tasks", "max"),
            alter_offsets=data.get("alter_offsets", False),
            offsets=data.get("offsets", {}),
        )

    @property
    def simple_name(self) -> str:
        return self.cls.rsplit(".", 1)[-1].rsplit("$", 1)[-1]

    @property
    def pruned_name(self) -> str:
        suffix = _TYPE_SUFFIX[self.type]
        simple = self.simple_name
        return simple[: -len(suffix)] if simple.endswith(suffix) and simple != suffix else simple

    @property
    def is_connector(self) -> bool:
        return self.type in ("source", "sink")

    def info(self) -> dict[str, Any]:
        body: dict[str, Any] = {"class": self.cls, "type": self.type}
        if self.version is not None:
            body["version"] = self.version
        return body

    def desc(self) -> str:
        """Java's PluginDesc.toString, as quoted in "Failed to find any class ..." messages."""
        version = self.version if self.version is not None else "undefined"
        return (
            f"PluginDesc{{klass=class {self.cls}, name='{self.cls}', version='{version}', "
            f"encodedVersion={version}, type={self.type}, typeName='{self.type}', location='{self.location}'}}"
        )


@dataclass(frozen=True, slots=True)
class Catalog:
    """All plugins of one worker, plus the framework's own connector config keys."""

    kafka_version: str
    plugins: tuple[Plugin, ...]
    framework: Mapping[str, tuple[ConfigKey, ...]]
    """Framework keys by connector type: ``source`` and ``sink``."""
    loggers: tuple[str, ...] = ()
    """Names of the log4j loggers a fresh worker has (GET /admin/loggers/{name} finds these)."""
    other_classes: Mapping[str, str] = field(default_factory=dict)
    """Loadable classes that are not usable plugins: ``not_a_plugin``, or the 500 message Connect gives."""
    _connector_versions: dict[str, str | None] = field(default_factory=dict, init=False, compare=False, repr=False)
    _listed: dict[bool, tuple[Plugin, ...]] = field(default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Catalog:
        plugins = tuple(Plugin.from_dict(p) for p in data["plugins"])
        framework = {kind: tuple(ConfigKey.from_dict(k) for k in keys) for kind, keys in data["framework"].items()}
        return cls(
            data["kafka_version"],
            plugins,
            framework,
            tuple(data.get("loggers", ())),
            dict(data.get("other_classes", {})),
        )

    def listed(self, connectors_only: bool) -> list[Plugin]:
        """Plugins in ``/connector-plugins`` order: by type, then by class name."""
        known = self._listed.get(connectors_only)
        if known is None:  # the catalog is immutable (a change is a new catalog): sorted once
            types = PLUGIN_TYPES[:2] if connectors_only else PLUGIN_TYPES
            known = self._listed[connectors_only] = tuple(
                sorted((p for p in self.plugins if p.type in types), key=lambda p: (PLUGIN_TYPES.index(p.type), p.cls))
            )
        return list(known)

    def connectors(self) -> list[Plugin]:
        return self.listed(connectors_only=True)

    def connector_version(self, connector_class: str) -> str | None:
        """The version of the connector plugin a class name or unique alias names, None if none does.

        Remembered per name: statuses ask for it once per connector in every listing."""
        known = self._connector_versions
        if connector_class not in known:
            matches = self.resolve(connector_class, self.connectors())
            known[connector_class] = matches[0].version if len(matches) == 1 else None
        return known[connector_class]

    def resolve(self, name: str, candidates: list[Plugin]) -> list[Plugin]:
        """Plugins whose class name or unique alias is ``name`` (Kafka's alias rules)."""
        exact = [p for p in candidates if p.cls == name]
        if exact:
            return exact
        by_class: dict[str, list[Plugin]] = {}
        for plugin in candidates:
            for alias in {plugin.simple_name, plugin.pruned_name}:
                if alias == name:
                    by_class.setdefault(plugin.cls, []).append(plugin)
        return [p for plugins in by_class.values() for p in plugins]

    def aliases(self) -> dict[str, str]:
        """Every usable alias and the class it names; aliases naming two classes are dropped."""
        seen: dict[str, set[str]] = {}
        for plugin in self.plugins:
            for alias in {plugin.simple_name, plugin.pruned_name}:
                seen.setdefault(alias, set()).add(plugin.cls)
        return {alias: next(iter(classes)) for alias, classes in seen.items() if len(classes) == 1}


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load a catalog file, or the default release's built-in catalog when no path is given."""
    if path is None:
        return builtin_catalog()
    return Catalog.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


@cache
def builtin_catalog(version: str | None = None) -> Catalog:
    """The stock plugins of a release's tarball (default: the default release)."""
    return Catalog.from_dict(get_release(version).data("catalog.json"))
