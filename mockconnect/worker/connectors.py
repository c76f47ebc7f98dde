"""Connectors and their configs: list, create, read, replace, delete; task configs and statuses."""

from __future__ import annotations

from dataclasses import dataclass

from mockconnect.worker import javamap
from mockconnect.worker.catalog import Plugin
from mockconnect.worker.configdef import java_trim
from mockconnect.worker.core import operation
from mockconnect.worker.errors import AlreadyExists, BadRequest, ConnectError, NotFound
from mockconnect.worker.lifecycle import LifecycleOps
from mockconnect.worker.models import ConfigMap, Connector, Json, State, TargetState
from mockconnect.worker.validation import find_connector, raise_if_invalid, validate_config


@dataclass(slots=True)
class CreateRequest:
    """The body of POST /connectors after Jackson-style decoding."""

    name: str | None
    config: dict[str, str | None] | None
    initial_state: str | None = None


_INITIAL_STATES = {"RUNNING": TargetState.STARTED, "PAUSED": TargetState.PAUSED, "STOPPED": TargetState.STOPPED}


class ConnectorOps(LifecycleOps):
    """The connector resources of ConnectorsResource."""

    def _validated(self, name: str, config: dict[str, str | None]) -> tuple[dict[str, str | None], Plugin]:
        infos = validate_config(self.catalog, self.settings, config, self.release, self.lookups, errors_only=True)
        raise_if_invalid(infos)
        plugin = find_connector(self.catalog, str(config["connector.class"]))
        # Connect stores configs in HashMaps: reads come back in Java's hash order.
        return javamap.hash_ordered(config), plugin

    @staticmethod
    def _put_name(name: str, config: dict[str, str | None]) -> None:
        """ConnectorsResource.checkAndPutConnectorConfigName."""
        included = config.get("name")
        if included is not None:
            if included != name:
                raise BadRequest(
                    f"Connector name configuration ({included}) doesn't match connector name in the URL ({name})"
                )
        else:
            config["name"] = name

    @operation
    def list_connectors(self, expand: list[str] | None = None) -> Json:
        if expand is None:
            return list(self.connectors)
        result: dict[str, Json] = {}
        for name, connector in self.connectors.items():
            if connector.status is None:  # no status yet: Connect leaves the connector out
                continue
            entry: dict[str, Json] = {}
            for kind in expand:
                if kind == "status":
                    entry["status"] = self._state_info(connector)
                elif kind == "info":
                    entry["info"] = connector.info()
            result[name] = entry
        return result

    @operation
    def create_connector(self, request: CreateRequest | None) -> dict[str, Json]:
        if request is None:
            raise ConnectError(self.release.text("create_request_npe"))
        name = java_trim(request.name or "")
        if request.config is None:
            raise ConnectError(self.release.text("connector_config_npe"))
        config = dict(request.config)
        self._put_name(name, config)
        target = TargetState.STARTED
        if request.initial_state is not None:
            target = _INITIAL_STATES[request.initial_state.upper()]
        stored, plugin = self._validated(name, config)
        if name in self.connectors:
            raise AlreadyExists(f"Connector {name} already exists")
        connector = Connector(name, stored, plugin.type, target, None)
        connector.offsets = dict(self.offset_stores.get(connector.offset_store, {}))
        self.connectors[name] = connector
        # The answer echoes the submitted map in its own order; it comes before any task exists.
        answer = {**connector.info(), "config": dict(config)}
        self._start_connector(connector, tasks="regenerate", pending=None)
        return answer

    @operation
    def get_connector(self, connector: str) -> dict[str, Json]:
        return self._get(connector, f"Connector {connector} not found").info()

    @operation
    def delete_connector(self, connector: str) -> None:
        found = self._get(connector, f"Connector {connector} not found")
        found.epoch += 1
        self.offset_stores[found.offset_store] = dict(found.offsets)
        del self.connectors[connector]

    @operation
    def get_connector_config(self, connector: str) -> ConfigMap:
        return dict(self._get(connector, f"Connector {connector} not found").config)

    @operation
    def put_connector_config(
        self, connector: str, config: dict[str, str | None] | None
    ) -> tuple[bool, dict[str, Json]]:
        """Create or replace; returns (created, ConnectorInfo)."""
        if config is None:
            raise ConnectError(self.release.text("connector_config_npe"))
        config = dict(config)
        self._put_name(connector, config)
        stored, plugin = self._validated(connector, config)
        existing = self.connectors.get(connector)
        if existing is None:
            created = Connector(connector, stored, plugin.type, TargetState.STARTED, None)
            created.offsets = dict(self.offset_stores.get(created.offset_store, {}))
            self.connectors[connector] = created
            answer = {**created.info(), "config": dict(config)}
            self._start_connector(created, tasks="regenerate", pending=None)
            return True, answer
        existing.config = stored
        existing.type = plugin.type
        # The submitted map in its own order, and the task list as it was: new tasks come later.
        answer = {**existing.info(), "config": dict(config)}
        existing.epoch += 1
        self._start_connector(existing, tasks="regenerate", pending=State.UNASSIGNED)
        return False, answer

    @operation
    def patch_connector_config(self, connector: str, patch: dict[str, str | None] | None) -> dict[str, Json]:
        """Merge ``patch`` into the stored config (null removes a key) and restart; the name is not checked."""
        found = self._get(connector, f"Connector {connector} not found")
        if patch is None:
            raise ConnectError(self.release.text("patch_npe"))
        merged = dict(found.config)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        stored, plugin = self._validated(connector, merged)
        found.config = stored
        found.type = plugin.type
        answer = {**found.info(), "config": dict(stored)}
        found.epoch += 1
        self._start_connector(found, tasks="regenerate", pending=State.UNASSIGNED)
        return answer

    @operation
    def get_connector_status(self, connector: str) -> dict[str, Json]:
        found = self.connectors.get(connector)
        if found is None or found.status is None:
            raise NotFound(f"No status found for connector {connector}")
        return self._state_info(found)

    @operation
    def list_connector_tasks(self, connector: str) -> list[dict[str, Json]]:
        found = self._get(connector, f"Connector {connector} not found")
        return [{"id": {"connector": connector, "task": t.id}, "config": dict(t.config)} for t in found.tasks]

    @operation
    def get_tasks_config(self, connector: str) -> dict[str, ConfigMap]:
        found = self._get(connector, f"Connector {connector} not found")
        return {f"{connector}-{t.id}": dict(t.config) for t in found.tasks}

    @operation
    def get_task_status(self, connector: str, task: int) -> dict[str, Json]:
        found = self.connectors.get(connector)
        match = next((t for t in found.tasks if t.id == task), None) if found else None
        if found is None or match is None or match.status is None:
            raise NotFound(f"No status found for task {connector}-{task}")
        return self._task_state(found, match)
