"""Connector plugins: the listing, each plugin's config definitions, and config validation."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mockconnect.worker import versions
from mockconnect.worker.configdef import infos_order_in_group, order_in_group
from mockconnect.worker.core import ClusterCore
from mockconnect.worker.errors import BadRequest, ConnectError, NotFound
from mockconnect.worker.models import Json
from mockconnect.worker.validation import validate_config


class PluginOps(ClusterCore):
    """ConnectorPluginsResource."""

    def list_connector_plugins(self, connectors_only: bool = True) -> list[dict[str, Any]]:
        return [plugin.info() for plugin in self.catalog.listed(connectors_only)]

    def get_connector_config_def(self, plugin: str, version: str | None = None) -> list[dict[str, Json]]:
        """The plugin's config keys; from 4.1 (KIP-891) of the installed version ``version`` names (a Maven
        version or range; None or ``latest``: the newest), before 4.1 ``version`` is ignored."""
        matches = self.catalog.resolve(plugin, list(self.catalog.plugins))
        if len({match.cls for match in matches}) != 1:
            other = self.catalog.other_classes.get(plugin)
            if other == "not_a_plugin":
                raise BadRequest(
                    f"Invalid plugin class {plugin}. Valid types are sink, source, converter, header_converter, "
                    "transformation, predicate."
                )
            if other is not None:
                raise ConnectError(other)
            raise NotFound(f"Unknown plugin {plugin}.")
        found = matches[0]
        versioned = self.release.has("plugin_versions")
        if versioned and version is not None:
            self._check_version(found.cls, version)
        keys = {key.name: key for key in found.config}
        if found.is_connector:  # framework keys the plugin does not define itself come after its own
            for key in self.catalog.framework[found.type]:
                if versioned and key.name == "connector.plugin.version":  # defaults to the plugin's latest
                    key = replace(key, default_value=found.version)
                keys.setdefault(key.name, key)
        definitions = [key.info() for key in keys.values()]
        if self.release.has("config_order_in_group"):
            return [order_in_group(definition) for definition in definitions]
        return definitions

    def _check_version(self, plugin_class: str, version: str) -> None:
        """ConnectorPluginsResource: a range that is none is 400, as is one no installed version is in."""
        try:
            wanted = versions.requirement(version)
        except versions.InvalidVersionSpecification as exc:
            raise BadRequest(f"Invalid version specification: {version}") from exc
        installed = [p.version for p in self.catalog.plugins if p.cls == plugin_class]
        if wanted is not None and not any(wanted.contains(v) for v in installed):
            raise BadRequest(versions.not_found(plugin_class, wanted, installed))

    def validate_connector_config(self, plugin: str, config: dict[str, str | None] | None) -> dict[str, Json]:
        if config is None:
            raise ConnectError(self.release.text("connector_config_npe"))
        connector_class = config.get("connector.class")
        if connector_class is not None:
            included = (
                connector_class[: -len("Connector")] if connector_class.endswith("Connector") else connector_class
            )
            requested = plugin[: -len("Connector")] if plugin.endswith("Connector") else plugin
            if not included.endswith(requested):
                raise BadRequest(f"Included connector type {connector_class} does not match request type {plugin}")
        try:
            infos = validate_config(self.catalog, self.settings, config, self.release, self.lookups)
        except ConnectError as exc:
            # ConnectorPluginsResource does not unwrap the ExecutionException: every failure is a 500
            # whose message is the cause's Java toString.
            java_class = getattr(exc, "java_class", "org.apache.kafka.connect.errors.ConnectException")
            if isinstance(exc, BadRequest):
                java_class = "org.apache.kafka.connect.runtime.rest.errors.BadRequestException"
            raise ConnectError(f"{java_class}: {exc.message}") from exc
        return infos_order_in_group(infos) if self.release.has("config_order_in_group") else infos
