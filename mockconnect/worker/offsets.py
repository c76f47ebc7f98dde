"""Connector offsets: read, alter and reset, with the checks a worker makes first."""

from __future__ import annotations

from mockconnect.worker import javamap, offset_rules
from mockconnect.worker.catalog import Plugin
from mockconnect.worker.core import ClusterCore, operation
from mockconnect.worker.errors import BadRequest, ConnectError
from mockconnect.worker.models import Connector, Json, TargetState, partition_key


class OffsetOps(ClusterCore):
    """GET, PATCH and DELETE /connectors/{connector}/offsets."""

    @operation
    def get_connector_offsets(self, connector: str) -> dict[str, Json]:
        return self._get(connector, f"Connector {connector} not found").offsets_dict()

    def _stopped(self, connector: str) -> tuple[Connector, Plugin | None]:
        found = self._get(connector, f"Connector {connector} not found")
        if found.target is not TargetState.STOPPED or found.tasks:
            raise BadRequest(
                "Connectors must be in the STOPPED state before their offsets can be modified. This can be done "
                f"for the specified connector by issuing a 'PUT' request to the '/connectors/{connector}/stop' endpoint"
            )
        return found, self._plugin_for(found.config)

    @staticmethod
    def _offsets_message(plugin: Plugin | None, verb: str) -> dict[str, Json]:
        if plugin is not None and plugin.alter_offsets:
            return {"message": f"The offsets for this connector have been {verb} successfully"}
        return {
            "message": f"The Connect framework-managed offsets for this connector have been {verb} successfully. "
            "However, if this connector manages offsets externally, they will need to be manually "
            f"{verb} in the system that the connector uses."
        }

    def alter_connector_offsets(self, connector: str, changes: list[offset_rules.Change] | None) -> dict[str, Json]:
        # ConnectorsResource checks for an empty request before anything reaches the herder.
        if not changes:
            raise BadRequest("Partitions / offsets need to be provided for an alter offsets request")
        # ConnectorOffsets.toMap() puts them in a HashMap keyed by partition: a repeated partition
        # keeps its last offset, and every later check and error follows the HashMap's order.
        return self._alter_offsets(connector, javamap.hash_map_entries(changes))

    @operation
    def _alter_offsets(self, connector: str, changes: list[offset_rules.Change]) -> dict[str, Json]:
        found, plugin = self._stopped(connector)
        if found.type == "sink":
            parsed = offset_rules.sink_changes(changes)
            self._check_sink_changes(found, parsed)
            for partition, offset in parsed:
                self._set_offset(found, partition, offset)
        else:
            if plugin is not None:
                offset_rules.source_changes(plugin, found.config, changes)
            for source_partition, offset in changes:
                self._set_offset(found, source_partition or {}, offset)
        return self._offsets_message(plugin, "altered")

    def _known_topics(self) -> set[str]:
        """Topics the mock's Kafka cluster has: those any connector names, uses or has offsets for."""
        topics: set[str] = set()
        for connector in self.connectors.values():
            for key in ("topics", "topic"):
                topics.update(t.strip() for t in (connector.config.get(key) or "").split(",") if t.strip())
            topics.update(connector.active_topics)
            topics.update(str(p.get("kafka_topic")) for p, _ in connector.offsets.values())
        return topics

    def _check_sink_changes(
        self, connector: Connector, parsed: list[tuple[dict[str, Json], dict[str, Json] | None]]
    ) -> None:
        """What the consumer group admin calls refuse; nothing is applied when one change fails."""
        if any(offset is not None and offset["kafka_offset"] < 0 for _, offset in parsed):
            raise ConnectError(f"Failed to modify offsets for sink connector {connector.name}")
        topics = self._known_topics()
        # From 4.0 resetting a partition that has no committed offset is no longer an error.
        uncommitted_ok = self.release.has("sink_offset_reset_uncommitted")
        for partition, offset in parsed:
            unknown = partition["kafka_partition"] < 0 or partition["kafka_topic"] not in topics
            uncommitted = offset is None and partition_key(partition) not in connector.offsets
            if unknown or (uncommitted and not uncommitted_ok):
                raise ConnectError(f"Failed to alter consumer group offsets for connector {connector.name}")

    @staticmethod
    def _set_offset(connector: Connector, partition: dict[str, Json], offset: dict[str, Json] | None) -> None:
        key = partition_key(partition)
        if offset is None:
            connector.offsets.pop(key, None)
        else:
            connector.offsets[key] = (partition, offset)

    @operation
    def reset_connector_offsets(self, connector: str) -> dict[str, Json]:
        found, plugin = self._stopped(connector)
        if found.type == "source" and plugin is not None:  # a reset is an alter to null for every partition
            offset_rules.source_changes(plugin, found.config, [(p, None) for p, _ in found.offsets.values()])
        found.offsets.clear()
        return self._offsets_message(plugin, "reset")
