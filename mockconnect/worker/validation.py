"""Connector config validation as a distributed 3.7 worker does it, producing ConfigInfos."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from mockconnect.release import Release, get_release
from mockconnect.worker import javamap, plugin_keys
from mockconnect.worker.catalog import Catalog, Plugin
from mockconnect.worker.configdef import ConfigException, ConfigKey, ConfigValue, validate_keys
from mockconnect.worker.errors import BadRequest, ConfigProblem, ConnectError
from mockconnect.worker.models import Json
from mockconnect.worker.overrides import client_override_infos

_VALIDATE_HINT = (
    "You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"
)
NULL_VALUE = "Null value can not be supplied as the configuration value."


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """The parts of the worker config that change validation and REST answers."""

    group_id: str = "connect-cluster"
    exactly_once_source_enabled: bool = False
    converters: plugin_keys.Converters = field(default_factory=plugin_keys.Converters)
    """The worker's key, value and header converters: validate's defaults for a connector's (4.1)."""


def find_connector(catalog: Catalog, connector_class: str) -> Plugin:
    """Plugins.newConnector's lookup: a class name or a unique alias, else Kafka's 500."""
    available = catalog.connectors()
    matches = catalog.resolve(connector_class, available)
    if len(matches) == 1:
        return matches[0]
    # An alias naming two classes is dropped, so it finds nothing, as any unknown name does.
    other = catalog.other_classes.get(connector_class)
    if other is not None and other != "not_a_plugin":
        raise ConnectError(other)
    raise ConnectError(
        f"Failed to find any class that implements Connector and which name matches {connector_class}, "
        f"available connectors are: {', '.join(p.desc() for p in available)}"
    )


_RESOLVERS: dict[int, tuple[Catalog, Callable[[str], str | None]]] = {}


def class_resolver(catalog: Catalog) -> Callable[[str], str | None]:
    """Class.forName through Connect's plugin class loader, which also understands aliases.

    Built once per catalog (catalogs do not change): every validate needs it."""
    cached = _RESOLVERS.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    if len(_RESOLVERS) >= 8:
        _RESOLVERS.clear()
    resolver = _class_resolver(catalog)
    _RESOLVERS[id(catalog)] = (catalog, resolver)
    return resolver


def _class_resolver(catalog: Catalog) -> Callable[[str], str | None]:
    aliases = catalog.aliases()
    known = {plugin.cls for plugin in catalog.plugins} | set(catalog.other_classes)
    for keys in (*catalog.framework.values(), *(plugin.config for plugin in catalog.plugins)):
        known.update(key.default_value for key in keys if key.type == "CLASS" and key.default_value)

    def resolve(name: str) -> str | None:
        return name if name in known else aliases.get(name)

    return resolve


_PREDICATE_KEYS = (
    ConfigKey(
        "predicate",
        "STRING",
        False,
        None,
        "MEDIUM",
        "The alias of a predicate used to determine whether to apply this transformation.",
        None,
        "NONE",
        "predicate",
        (),
        -1,
    ),
    ConfigKey(
        "negate",
        "BOOLEAN",
        False,
        "false",
        "MEDIUM",
        "Whether the configured predicate should be negated.",
        None,
        "NONE",
        "negate",
        (),
        -1,
    ),
)
_ENRICHABLE = (
    ("transforms", "Transforms", "transformation", "Transformation"),
    ("predicates", "Predicates", "predicate", "Predicate"),
)


def _enriched_keys(
    catalog: Catalog,
    props: Mapping[str, str | None],
    checks: dict[str, Callable[[object], None]],
    release: Release,
    late: dict[str, list[str]] | None = None,
) -> list[ConfigKey]:
    """ConnectorConfig.enrich: keys for every transformation and predicate alias in ``props``.

    From 4.1 each alias also has a ``plugin.version`` key after its type; a version of the plugin that is
    not installed is an error on both (put in ``late``), and the plugin's own keys are then left out."""
    keys: list[ConfigKey] = []
    versioned = release.has("plugin_versions")
    for config, group_name, plugin_type, java_kind in _ENRICHABLE:
        raw = props.get(config)
        aliases = [] if raw is None or not raw.strip() else re.split(r"\s*,\s*", raw.strip())
        candidates = [p for p in catalog.plugins if p.type == plugin_type]
        for alias in dict.fromkeys(aliases):
            prefix, group = f"{config}.{alias}.", f"{group_name}: {alias}"
            type_key = ConfigKey(
                prefix + "type",
                "CLASS",
                True,
                None,
                "HIGH",
                f"Class for the '{alias}' {plugin_type}.",
                group,
                "LONG",
                f"{java_kind} type for {alias}",
                (),
                0,
                recommended=tuple(sorted(p.cls for p in candidates)),
            )
            keys.append(type_key)
            negate = _negate_check(props, prefix) if plugin_type == "transformation" else None
            if release.has("type_validator_on_null"):
                checks[type_key.name] = _type_check(negate, type_key.name, java_kind)
            elif negate is not None:
                checks[type_key.name] = negate
            type_value = props.get(type_key.name)
            matches = catalog.resolve(type_value.strip(), candidates) if type_value else []
            if versioned:
                version, problem = (None, None)
                if matches:
                    version, problem = plugin_keys.alias_version_problem(
                        catalog, matches[0], props.get(prefix + "plugin.version")
                    )
                version_key = plugin_keys.alias_version_key(prefix, alias, group, plugin_type, java_kind, version)
                keys.append(replace(version_key, recommended=() if version is None else (version,)))
                checks[version_key.name] = plugin_keys.version_check(version_key.name)
                if problem is not None and late is not None:
                    late.setdefault(type_key.name, []).append(problem)
                    late.setdefault(version_key.name, []).append(problem)
                    continue
            if not matches:
                continue
            own = list(matches[0].config)
            if plugin_type == "transformation":  # the implicit keys mask the plugin's own of that name
                own = [*_PREDICATE_KEYS, *(k for k in own if k.name not in ("predicate", "negate"))]
            own.sort(key=ConfigKey.sort_key)
            first = 2 if versioned else 1
            keys.extend(key.embedded(prefix, group, order) for order, key in enumerate(own, start=first))
    return keys


def _type_check(negate: Callable[[object], None] | None, name: str, java_kind: str) -> Callable[[object], None]:
    """Before 3.7 the type's validator also runs on a type that failed to load (missing or unknown):
    after the negate check, a null class is "Not a Transformation" (or Predicate), a second error."""

    def check(value: object) -> None:
        if negate is not None:
            negate(value)
        if value is None:
            raise ConfigException.invalid(name, None, f"Not a {java_kind}")

    return check


def _negate_check(props: Mapping[str, str | None], prefix: str) -> Callable[[object], None]:
    def check(value: object) -> None:
        if prefix + "negate" in props and prefix + "predicate" not in props:
            raise ConfigException(
                f"Config '{prefix}negate' was provided but there is no config '{prefix}predicate' "
                "defining a predicate to be negated."
            )

    return check


def validate_config(
    catalog: Catalog,
    settings: WorkerSettings,
    props: Mapping[str, str | None],
    release: Release | None = None,
    lookups: plugin_keys.ConnectorLookups | None = None,
    *,
    errors_only: bool = False,
) -> dict[str, Json]:
    """AbstractHerder.validateConnectorConfig: a ConfigInfos body, or BadRequest / ConnectError.

    From 4.1 (KIP-891) the connector is loaded in the version ``connector.plugin.version`` asks for,
    through the worker's memory of failed loads (``lookups``), and its plugin versions are validated.
    ``errors_only`` (a create or a config change, which only needs to know it is valid): a config with no
    error gets ``{"error_count": 0}`` without its ConfigInfos rendered; one with errors, the whole body."""
    release = release or get_release()
    connector_class = props.get("connector.class")
    if connector_class is None:
        if release.has("connector_type_message_without_config"):  # 4.2: the config is no longer quoted
            raise BadRequest("Connector config contains no connector type")
        raise BadRequest(
            f"Connector config {javamap.to_string(javamap.hash_ordered(props, copied=True))} contains no connector type"
        )
    versioned = release.has("plugin_versions")
    if versioned:
        try:
            plugin = (lookups or plugin_keys.ConnectorLookups()).load(
                catalog, connector_class, props, release, find_connector
            )
        except plugin_keys.VersionMismatch as mismatch:
            return _mismatch_infos(catalog, connector_class, props, mismatch)
    else:
        plugin = find_connector(catalog, connector_class)
    if plugin.type == "sink" and release.has("sink_config_exception"):
        _throw_sink_problem(props)
    checks: dict[str, Callable[[object], None]] = {}
    late: dict[str, list[str]] = {}
    base = list(catalog.framework[plugin.type])
    recommenders: dict[str, plugin_keys.Recommender] = {}
    if versioned:
        base, recommenders = plugin_keys.framework(catalog, plugin, props, settings.converters)
        checks.update((k.name, plugin_keys.version_check(k.name)) for k in base if k.name.endswith(".plugin.version"))
    framework_keys = [*base, *_enriched_keys(catalog, props, checks, release, late)]
    classes = class_resolver(catalog)
    framework = validate_keys(framework_keys, props, classes, checks)
    plugin_keys.recommend(framework, recommenders)
    unloaded = _check_converter_versions(catalog, props, framework, late) if versioned else set()
    for name, problems in late.items():
        framework[name].errors.extend(problems)
    if plugin.type == "sink":
        _check_sink(props, framework, settings)
    else:
        _check_source(props, framework, settings, plugin)
    undefined = _undefined(props, framework, framework_keys)
    own = validate_keys(list(plugin.config), props, classes)
    if versioned:  # a plugin's own copy of framework keys (Mirror's) recommends nothing
        plugin_keys.recommend(own, plugin_keys.recommenders(None, None))

    keys: dict[str, ConfigKey] = {k.name: k for k in framework_keys}
    keys.update((k.name, k) for k in plugin.config)
    values = {**framework, **own}
    converters: tuple[list[dict[str, Json]], list[str], int] = ([], [], 0)
    if release.has("converter_validation"):
        converters = _converter_infos(catalog, props, classes, unloaded)
    error_count = _error_count(keys, values, undefined) + converters[2]
    if errors_only and not error_count:
        client_override_infos(plugin.type, props, classes, release.version)  # may still fail the request
        return {"error_count": 0}
    groups = list(dict.fromkeys(k.group for k in (*framework_keys, *plugin.config) if k.group is not None))
    configs = _config_infos(keys, values, undefined)
    configs.extend(converters[0])
    groups.extend(group for group in converters[1] if group not in groups)
    overrides, override_groups = client_override_infos(plugin.type, props, classes, release.version)
    configs.extend(overrides)
    groups.extend(group for group in override_groups if group not in groups)
    return {"name": connector_class, "error_count": error_count, "groups": groups, "configs": configs}


def _undefined(
    props: Mapping[str, str | None], values: dict[str, ConfigValue], defined_keys: list[ConfigKey]
) -> dict[str, ConfigValue]:
    """addNullValuedErrors, and the values no key defines, in the HashMap order they share with the rest."""
    undefined: dict[str, ConfigValue] = {}
    for name, value in props.items():
        if value is None:
            target = values.get(name) or undefined.setdefault(name, ConfigValue(name, None, [], []))
            target.errors.append(NULL_VALUE)
    defined = {key.name for key in defined_keys}
    # A value a check added for a key no ConfigDef defines (consumer.override.group.id) is listed too.
    undefined.update((name, value) for name, value in values.items() if name not in defined)
    # They share a HashMap with the framework's values, and come out in its order.
    in_map = javamap.hash_ordered(dict.fromkeys([*values, *undefined]))
    return {name: undefined[name] for name in in_map if name in undefined}


def _config_infos(
    keys: Mapping[str, ConfigKey], values: Mapping[str, ConfigValue], undefined: Mapping[str, ConfigValue]
) -> list[dict[str, Json]]:
    """AbstractHerder.generateResult: values no key defines first, then every key with its value."""
    configs: list[dict[str, Json]] = [
        {"definition": None, "value": value.info(None)} for name, value in undefined.items() if name not in keys
    ]
    for key in keys.values():
        result = values.get(key.name)
        configs.append({"definition": key.info(), "value": result.info(key) if result else None})
    return configs


def _error_count(
    keys: Mapping[str, ConfigKey], values: Mapping[str, ConfigValue], undefined: Mapping[str, ConfigValue]
) -> int:
    """generateResult's error count: the errors of the values :func:`_config_infos` lists."""
    count = sum(len(value.errors) for name, value in undefined.items() if name not in keys)
    return count + sum(len(values[name].errors) for name in keys if name in values)


def _mismatch_infos(
    catalog: Catalog, connector_class: str, props: Mapping[str, str | None], mismatch: plugin_keys.VersionMismatch
) -> dict[str, Json]:
    """invalidVersionedConnectorValidation (4.1): no installed version of the connector is the one asked
    for, so only ConnectorConfig's own keys are validated, and the connector class and version carry
    the error."""
    sink_names = {key.name for key in catalog.framework.get("sink", ())}
    common = [
        replace(key, default_value=mismatch.plugin.version) if key.name == plugin_keys.CONNECTOR_VERSION else key
        for key in catalog.framework[mismatch.plugin.type]
        if key.name in sink_names or not sink_names
    ]
    checks = {plugin_keys.CONNECTOR_VERSION: plugin_keys.version_check(plugin_keys.CONNECTOR_VERSION)}
    values = validate_keys(common, props, class_resolver(catalog), checks)
    plugin_keys.recommend(values, plugin_keys.recommenders(None, None))
    values["connector.class"].errors.append(mismatch.message)
    values[plugin_keys.CONNECTOR_VERSION].errors.append(mismatch.message)
    values[plugin_keys.CONNECTOR_VERSION].recommended_values = [v for v in mismatch.available if v is not None]
    undefined = _undefined(props, values, common)
    keys = {key.name: key for key in common}
    configs, error_count = _config_infos(keys, values, undefined), _error_count(keys, values, undefined)
    groups = list(dict.fromkeys(key.group for key in common if key.group is not None))
    return {"name": connector_class, "error_count": error_count, "groups": groups, "configs": configs}


def _check_converter_versions(
    catalog: Catalog, props: Mapping[str, str | None], values: dict[str, ConfigValue], late: dict[str, list[str]]
) -> set[str]:
    """A converter the connector names in a version not installed: an error on the converter and its
    version, and its own configs are not validated. Returns those converter keys."""
    unloaded: set[str] = set()
    for config, plugin_type in plugin_keys.CONVERTERS.items():
        chosen, version = values.get(config), values.get(f"{config}.plugin.version")
        if props.get(config) is None or chosen is None or not isinstance(chosen.value, str) or version is None:
            continue
        candidates = [p for p in catalog.plugins if p.cls == chosen.value and p.type == plugin_type]
        _, problem = (
            plugin_keys.alias_version_problem(
                catalog, candidates[0], None if version.value is None else str(version.value)
            )
            if candidates
            else (None, None)
        )
        if problem is not None:
            late.setdefault(config, []).append(problem)
            late.setdefault(f"{config}.plugin.version", []).append(problem)
            unloaded.add(config)
    return unloaded


_CONVERTERS = (("key.converter", "key", "converter"), ("value.converter", "value", "converter"))
_HEADER_CONVERTER = ("header.converter", "header", "header_converter")


def _converter_infos(
    catalog: Catalog,
    props: Mapping[str, str | None],
    classes: Callable[[str], str | None],
    unloaded: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[dict[str, Json]], list[str], int]:
    """The converters' own configs, prefixed (3.8, KIP-1040 era): each converter set in the config is
    validated with its prefixed properties and ``converter.type``, listed in HashMap order (not those
    ``unloaded``: named in a version that is not installed)."""
    entries: list[dict[str, Json]] = []
    groups: list[str] = []
    errors = 0
    for prefix, converter_type, plugin_type in (*_CONVERTERS, _HEADER_CONVERTER):
        named = props.get(prefix)
        if not named or prefix in unloaded:
            continue
        found = [p for p in catalog.resolve(named.strip(), list(catalog.plugins)) if p.type == plugin_type]
        if len({p.cls for p in found}) != 1:
            continue
        keys = list(found[0].config)
        own = {name[len(prefix) + 1 :]: value for name, value in props.items() if name.startswith(prefix + ".")}
        own["converter.type"] = converter_type
        values = validate_keys(keys, own, classes)
        by_name = {key.name: key for key in keys}
        for bare in javamap.hash_ordered(dict.fromkeys(by_name)):  # the converter's own HashMap, unprefixed
            key, name = by_name[bare], f"{prefix}.{bare}"
            result = values.get(key.name)
            if key.group is not None and key.group not in groups:
                groups.append(key.group)
            value = result.info(key) if result else None
            if value is not None:
                value = {**value, "name": name}
                errors += len(value["errors"])
            entries.append({"definition": {**key.info(), "name": name}, "value": value})
    return entries, groups, errors


def raise_if_invalid(infos: Mapping[str, Json]) -> None:
    """DistributedHerder.maybeAddConfigErrors: the 400 listing every error, one per line."""
    if not infos["error_count"]:
        return
    lines = [f"Connector configuration is invalid and contains the following {infos['error_count']} error(s):"]
    for config in infos["configs"]:
        if config["value"] is not None:
            lines.extend(config["value"]["errors"])
    lines.append(_VALIDATE_HINT)
    raise BadRequest("\n".join(lines))


def _regex_matches(regex: str, text: str) -> bool:
    """Whether Java's ``Pattern.matches`` holds; a pattern that does not compile matches nothing."""
    try:
        return re.fullmatch(regex, text) is not None
    except re.error:
        return False


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _check_sink(props: Mapping[str, str | None], values: dict[str, ConfigValue], settings: WorkerSettings) -> None:
    topics, regex = props.get("topics"), props.get("topics.regex")
    dlq = (props.get("errors.deadletterqueue.topic.name") or "").strip()

    def add(name: str, message: str) -> None:
        values[name].errors.append(message)

    if not _blank(topics) and not _blank(regex):
        message = "topics and topics.regex are mutually exclusive options, but both are set."
        add("topics", message)
        add("topics.regex", message)
    if _blank(topics) and _blank(regex):
        message = "Must configure one of topics or topics.regex"
        add("topics", message)
        add("topics.regex", message)
    if dlq:
        if not _blank(topics):
            assert topics is not None
            listed = [t for t in re.split(r"\s*,\s*", topics.strip()) if t]
            if dlq in listed:
                add(
                    "topics",
                    f"The DLQ topic '{dlq}' may not be included in the list of topics ('topics=[{', '.join(listed)}]') "
                    "consumed by the connector",
                )
        if not _blank(regex):
            assert regex is not None
            if _regex_matches(regex, dlq):
                add(
                    "topics.regex",
                    f"The DLQ topic '{dlq}' may not be matched by the regex for the topics ('topics.regex={regex}') "
                    "consumed by the connector",
                )
    group_override = "consumer.override.group.id"
    if group_override in props:
        group = props[group_override]
        value = values.setdefault(group_override, ConfigValue(group_override, group, [], []))
        if group == settings.group_id:
            value.errors.append(f"Consumer group {group} conflicts with Connect worker group {settings.group_id}")
    else:
        name_value = values["name"]
        if isinstance(name_value.value, str) and f"connect-{name_value.value}" == settings.group_id:
            name_value.errors.append(
                f"Consumer group for sink connector named {name_value.value} conflicts with Connect worker group "
                f"{settings.group_id}"
            )


def _java_blank(value: str | None) -> bool:
    """``value == null || value.trim().isEmpty()``: Java's trim drops every char up to U+0020."""
    return value is None or not value.strip("".join(map(chr, range(0x21))))


def _throw_sink_problem(props: Mapping[str, str | None]) -> None:
    """SinkConnectorConfig.validate before 3.7: the first topic problem is a ConfigException, which
    fails the whole validation (a 500) instead of being listed against ``topics``/``topics.regex``."""
    topics, regex = props.get("topics"), props.get("topics.regex")
    has_topics, has_regex = not _java_blank(topics), not _java_blank(regex)
    if has_topics and has_regex:
        raise ConfigProblem("topics and topics.regex are mutually exclusive options, but both are set.")
    if not has_topics and not has_regex:
        raise ConfigProblem("Must configure one of topics or topics.regex")
    dlq = props.get("errors.deadletterqueue.topic.name")
    if _java_blank(dlq):
        return
    assert dlq is not None
    dlq = dlq.strip("".join(map(chr, range(0x21))))
    if has_topics:
        assert topics is not None
        listed = list(dict.fromkeys(t for t in re.split(r"\s*,\s*", topics.strip()) if t))
        if dlq in listed:
            # Kafka names topics.regex here, though it lists the topics.
            raise ConfigProblem(
                f"The DLQ topic '{dlq}' may not be included in the list of topics "
                f"('topics.regex=[{', '.join(listed)}]') consumed by the connector"
            )
    if has_regex:
        assert regex is not None
        if _regex_matches(regex, dlq):
            raise ConfigProblem(
                f"The DLQ topic '{dlq}' may not be included in the regex matching the topics "
                f"('topics.regex={regex}') consumed by the connector"
            )


def _check_source(
    props: Mapping[str, str | None], values: dict[str, ConfigValue], settings: WorkerSettings, plugin: Plugin
) -> None:
    eos = values["exactly.once.support"]
    if not eos.errors and str(eos.value).lower() == "required":
        if not settings.exactly_once_source_enabled:
            eos.errors.append("This worker does not have exactly-once source support enabled.")
        if not _supports_exactly_once(plugin, props):
            eos.errors.append("The connector does not support exactly-once semantics with the provided configuration.")
    boundary = values["transaction.boundary"]
    if not boundary.errors and str(boundary.value).lower() == "connector":
        boundary.errors.append(
            "The connector does not support connector-defined transaction boundaries with the given configuration. "
            "Please reconfigure it to use a different transaction boundary definition."
        )


def _supports_exactly_once(plugin: Plugin, props: Mapping[str, str | None]) -> bool:
    rule = plugin.offsets.get("exactly_once")
    if rule == "when_file_set":
        return bool(props.get("file"))
    return bool(rule)
