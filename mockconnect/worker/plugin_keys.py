"""Kafka 4.1's plugin-version rules of validation (KIP-891): which connector version is loaded, the
framework's ``*.plugin.version`` keys with their defaults and recommendations, and the version checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from mockconnect.release import Release
from mockconnect.worker import versions
from mockconnect.worker.catalog import Catalog, Plugin
from mockconnect.worker.configdef import ConfigException, ConfigKey, ConfigValue, java_trim
from mockconnect.worker.errors import BadRequest, ConnectError, NullPointer

CONNECTOR_VERSION = "connector.plugin.version"
CONVERTERS = {"key.converter": "converter", "value.converter": "converter", "header.converter": "header_converter"}
"""The converter keys of a connector config and the plugin type each names."""

Recommender = Callable[[Mapping[str, ConfigValue]], tuple[list[str], bool]]
"""ConfigDef.Recommender: (recommended values, visible) from the values validated so far."""


@dataclass(frozen=True, slots=True)
class Converters:
    """The worker's converters (its key.converter, value.converter and header.converter)."""

    key: str = "org.apache.kafka.connect.json.JsonConverter"
    value: str = "org.apache.kafka.connect.json.JsonConverter"
    header: str = "org.apache.kafka.connect.storage.SimpleHeaderConverter"

    def of(self, config: str) -> str:
        return {"key.converter": self.key, "value.converter": self.value, "header.converter": self.header}[config]


class VersionMismatch(Exception):
    """VersionedPluginLoadingException: no installed version of the connector is in the range asked for."""

    def __init__(self, plugin: Plugin, message: str, available: list[str | None]) -> None:
        super().__init__(message)
        self.plugin, self.message, self.available = plugin, message, available


def installed(catalog: Catalog, plugin_class: str, types: tuple[str, ...] = ()) -> list[str | None]:
    """The versions of every installed plugin of that class (of any type unless ``types`` says)."""
    return [p.version for p in catalog.plugins if p.cls == plugin_class and (not types or p.type in types)]


@dataclass(slots=True)
class ConnectorLookups:
    """CachedConnectors: a worker remembers every connector class it failed to load, and every class
    and version range no installed version matched, and answers from that memory the next time."""

    failed_classes: dict[str, str] = field(default_factory=dict)
    failed_versions: dict[tuple[str, str], str] = field(default_factory=dict)

    def load(
        self, catalog: Catalog, connector_class: str, props: Mapping[str, str | None], release: Release, find: Finder
    ) -> Plugin:
        """The connector plugin validation uses; BadRequest for a class or range it cannot use (the
        remembered class failure worded as the ConnectException that wraps it), VersionMismatch for a
        range nothing matches, or, remembered, the NullPointerException of 4.1 to 4.3."""
        try:
            wanted = versions.requirement(props.get(CONNECTOR_VERSION))
        except versions.InvalidVersionSpecification as exc:
            raise BadRequest(exc.message) from exc
        key = (connector_class, "latest" if wanted is None else str(wanted))
        if connector_class in self.failed_classes:
            raise BadRequest(
                f"org.apache.kafka.connect.errors.ConnectException: {self.failed_classes[connector_class]}"
            )
        if key in self.failed_versions and release.has("cached_version_failure_npe"):
            raise NullPointer(release.text("version_failure_npe"))
        try:
            plugin = find(catalog, connector_class)
        except ConnectError as exc:
            self.failed_classes[connector_class] = str(exc.message)
            raise BadRequest(exc.message) from exc
        if wanted is not None and not wanted.contains(plugin.version):
            available = installed(catalog, plugin.cls, ("source", "sink"))
            message = versions.not_found(plugin.cls, wanted, available)
            self.failed_versions[key] = message
            raise VersionMismatch(plugin, message, available)
        return plugin


Finder = Callable[[Catalog, str], Plugin]


def framework(
    catalog: Catalog, plugin: Plugin, props: Mapping[str, str | None], worker: Converters
) -> tuple[list[ConfigKey], dict[str, Recommender]]:
    """ConnectorConfig.enrichedConfigDef: the framework keys with the connector's version and the
    worker's converters (and their versions) as defaults, and the recommenders of those keys."""
    keys = []
    for key in catalog.framework[plugin.type]:
        if key.name == CONNECTOR_VERSION:
            key = replace(key, default_value=plugin.version)
        elif key.name in CONVERTERS:
            key = replace(key, default_value=worker.of(key.name))
        elif key.name.removesuffix(".plugin.version") in CONVERTERS:
            key = replace(key, default_value=_converter_version(catalog, key.name, props, worker))
        keys.append(key)
    return keys, recommenders(catalog, plugin)


def _converter_version(
    catalog: Catalog, version_key: str, props: Mapping[str, str | None], worker: Converters
) -> str | None:
    """A converter version's default: the version of the converter the connector names, else of the worker's."""
    config = version_key.removesuffix(".plugin.version")
    named = props.get(config)
    found = catalog.resolve(java_trim(named if named is not None else worker.of(config)), list(catalog.plugins))
    matches = [p for p in found if p.type == CONVERTERS[config]]
    return matches[0].version if matches else None


def recommenders(catalog: Catalog | None, plugin: Plugin | None) -> dict[str, Recommender]:
    """PluginsRecommenders; without a catalog (a plugin's own copy of the keys, or the keys of a connector
    whose version was not found) they recommend nothing, but converter versions still show only when a
    converter class is set."""
    found: dict[str, Recommender] = {}
    if catalog is not None and plugin is not None:
        found[CONNECTOR_VERSION] = _fixed([v for v in installed(catalog, plugin.cls, ("source", "sink")) if v])
    for config, plugin_type in CONVERTERS.items():
        if catalog is not None:
            found[config] = _fixed([p.cls for p in catalog.plugins if p.type == plugin_type])
        found[f"{config}.plugin.version"] = _converter_version_recommender(catalog, config, plugin_type)
    return found


def _fixed(recommended: list[str]) -> Recommender:
    return lambda values: (list(recommended), True)


def _converter_version_recommender(catalog: Catalog | None, config: str, plugin_type: str) -> Recommender:
    def recommend(values: Mapping[str, ConfigValue]) -> tuple[list[str], bool]:
        chosen = values.get(config)
        named = chosen.value if chosen is not None else None
        if not isinstance(named, str):
            return [], False
        listed = [] if catalog is None else installed(catalog, named, (plugin_type,))
        return [v for v in listed if v is not None], True

    return recommend


def recommend(values: Mapping[str, ConfigValue], by_key: Mapping[str, Recommender]) -> None:
    """ConfigDef.validateAll's last step: each key's recommended values and visibility."""
    for name, recommender in by_key.items():
        if name in values:
            values[name].recommended_values, values[name].visible = recommender(values)


def version_check(name: str) -> Callable[[object], None]:
    """PluginVersionValidator: a version key's value must read as a version or range."""

    def check(value: object) -> None:
        if value is None:
            return
        try:
            versions.requirement(str(value))
        except versions.InvalidVersionSpecification as exc:
            raise ConfigException.invalid(name, value, exc.message) from exc

    return check


def alias_version_key(prefix: str, alias: str, group: str, kind: str, java_kind: str, default: str | None) -> ConfigKey:
    """``transforms.<alias>.plugin.version`` (or a predicate's), defined right after the alias's type."""
    return ConfigKey(
        prefix + "plugin.version",
        "STRING",
        False,
        default,
        "HIGH",
        f"Version of the '{alias}' {kind}.",
        group,
        "LONG",
        f"{java_kind} version for {alias}",
        (),
        1,
    )


def alias_version_problem(catalog: Catalog, candidate: Plugin, requested: str | None) -> tuple[str | None, str | None]:
    """(the plugin's version, the error if the requested version of it is not installed)."""
    if requested is None:
        return candidate.version, None
    try:
        wanted = versions.requirement(requested)
    except versions.InvalidVersionSpecification:
        return candidate.version, None  # the version key's own validator reports it
    if wanted is None or wanted.contains(candidate.version):
        return candidate.version, None
    return candidate.version, versions.not_found(candidate.cls, wanted, installed(catalog, candidate.cls))
