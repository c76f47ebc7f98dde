"""Client config overrides in validate: AbstractHerder.validateClientOverrides under the worker's
default ``All`` policy, with the producer, consumer and admin ConfigDefs of the release."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from mockconnect.release import get_release
from mockconnect.worker import javamap
from mockconnect.worker.configdef import ConfigException, ConfigKey, ConfigValue
from mockconnect.worker.errors import ConfigProblem
from mockconnect.worker.models import Json

_PREFIXES = {"producer": "producer.override.", "consumer": "consumer.override.", "admin": "admin.override."}


@dataclass(frozen=True, slots=True)
class ClientConfigs:
    """The three client ConfigDefs, and the client classes a CLASS-typed override may name."""

    keys: Mapping[str, Mapping[str, ConfigKey]]
    classes: frozenset[str]


@cache
def client_configs(version: str | None = None) -> ClientConfigs:
    """A release's client ConfigDefs, loaded on the first validate that carries an override."""
    data = get_release(version).data("client-configs.json")
    keys = {client: {spec["name"]: ConfigKey.from_dict(spec) for spec in data[client]} for client in _PREFIXES}
    return ClientConfigs(keys, frozenset(data["classes"]))


def _clients(plugin_type: str, props: Mapping[str, str | None]) -> list[str]:
    """connectorUsesProducer / Admin / Consumer, in the order validateConnectorConfig asks them."""
    dead_letter = bool(props.get("errors.deadletterqueue.topic.name"))
    if plugin_type == "source":
        topic_creation = any(name.startswith("topic.creation.") for name in props)
        return ["producer", *(["admin"] if topic_creation else [])]
    return [*(["producer", "admin"] if dead_letter else []), "consumer"]


def client_override_infos(
    plugin_type: str,
    props: Mapping[str, str | None],
    resolve: Callable[[str], str | None],
    version: str | None = None,
) -> tuple[list[dict[str, Json]], list[str]]:
    """The ConfigInfo entries and groups the overrides add, merged producer, consumer, admin.

    A value its type cannot parse fails the whole request, as ConfigDef.parseType's
    ConfigException does on a real worker (500)."""
    prefixed = [name for name in javamap.hash_ordered(props) if any(name.startswith(p) for p in _PREFIXES.values())]
    if not prefixed:
        return [], []
    known = client_configs(version)

    def load(name: str) -> str | None:
        """Class.forName through the worker's loader: the client classes, or what Connect can load."""
        return name if name in known.classes else resolve(name)

    infos: dict[str, list[dict[str, Json]]] = {}
    groups: list[str] = []
    for client in _clients(plugin_type, props):
        prefix, keys = _PREFIXES[client], known.keys[client]
        names = [name[len(prefix) :] for name in prefixed if name.startswith(prefix) and len(name) > len(prefix)]
        entries = infos.setdefault(client, [])
        for name in javamap.hash_ordered(dict.fromkeys(names)):
            raw = props[prefix + name]
            key = keys.get(name)
            try:
                value = None if raw is None or key is None else key.parse(raw, load)
            except ConfigException as exc:
                raise ConfigProblem(str(exc)) from None
            if key is None:
                value = raw
            elif key.group is not None and key.group not in groups:
                groups.append(key.group)
            definition = None if key is None else {**key.info(), "name": prefix + name}
            result = ConfigValue(prefix + name, value, [], [])
            entries.append({"definition": definition, "value": result.info(key)})
    merged = [entry for client in ("producer", "consumer", "admin") for entry in infos.get(client, [])]
    return merged, groups
