"""Parse and check offset changes (PATCH /offsets) the way a 3.7 worker does, before applying them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockconnect.worker.catalog import Plugin
from mockconnect.worker.configdef import java_str
from mockconnect.worker.errors import BadRequest, ConnectError
from mockconnect.worker.models import Json

Change = tuple[dict[str, Json] | None, dict[str, Json] | None]
"""One requested change: a partition map and its new offset map (None removes the offset)."""

_JAVA_INT = (-(2**31), 2**31 - 1)
_JAVA_LONG = (-(2**63), 2**63 - 1)


def _parse_java_int(value: Any, low_high: tuple[int, int]) -> int | None:
    text = java_str(value)
    body = text[1:] if text[:1] in "+-" else text
    if not body.isdigit() or not body.isascii():
        return None
    number = int(text)
    return number if low_high[0] <= number <= low_high[1] else None


def sink_changes(changes: list[Change]) -> list[tuple[dict[str, Json], dict[str, Json] | None]]:
    """SinkUtils.parseSinkConnectorOffsets: normalised partitions and offsets, or a 400."""
    parsed: list[tuple[dict[str, Json], dict[str, Json] | None]] = []
    for partition, offset in changes:
        if partition is None:
            raise BadRequest("The partition for a sink connector offset cannot be null or missing")
        if "kafka_topic" not in partition or "kafka_partition" not in partition:
            raise BadRequest(
                "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'"
            )
        if partition["kafka_topic"] is None:
            raise BadRequest("Kafka topic names must be valid strings and may not be null")
        if partition["kafka_partition"] is None:
            raise BadRequest("Kafka partitions must be valid numbers and may not be null")
        number = _parse_java_int(partition["kafka_partition"], _JAVA_INT)
        if number is None:
            raise BadRequest(
                "Failed to parse the following Kafka partition value in the provided offsets: "
                f"'{java_str(partition['kafka_partition'])}'. Partition values for sink connectors need to be integers."
            )
        normal_partition: dict[str, Json] = {
            "kafka_topic": java_str(partition["kafka_topic"]),
            "kafka_partition": number,
        }
        if offset is None:
            parsed.append((normal_partition, None))
            continue
        if "kafka_offset" not in offset:
            raise BadRequest("The offset for a sink connector should either be null or contain the key 'kafka_offset'")
        position = _parse_java_int(offset["kafka_offset"], _JAVA_LONG)
        if position is None:
            raise BadRequest(
                "Failed to parse the following Kafka offset value in the provided offsets: "
                f"'{java_str(offset['kafka_offset'])}'. Offset values for sink connectors need to be integers."
            )
        parsed.append((normal_partition, {"kafka_offset": position}))
    return parsed


def _schema_type(value: Any) -> str | None:
    if isinstance(value, dict):
        return "MAP"
    if isinstance(value, list):
        return "ARRAY"
    return None


def _check_primitives(data: dict[str, Json]) -> None:
    for key, value in data.items():
        kind = _schema_type(value)
        if kind is not None:
            raise ConnectError(f"Offsets may only contain primitive types as values, but field {key} contains {kind}")


def source_changes(plugin: Plugin, config: Mapping[str, str | None], changes: list[Change]) -> None:
    """Worker and connector checks on source offsets; raises the worker's 500 on bad input."""
    for partition, offset in changes:
        if partition is not None:
            _check_primitives(partition)
        if offset is not None:
            _check_primitives(offset)
    if plugin.offsets.get("kind") != "file":
        return
    if not (config.get("file") or "").strip():
        raise ConnectError(
            "Offsets cannot be modified if the 'file' configuration is unspecified. "
            "This is because stdin is used for input and offsets are not tracked."
        )
    for partition, offset in changes:
        if offset is None:
            continue
        if "position" not in offset:
            raise ConnectError("Offset objects should either be null or contain the key 'position'")
        position = offset["position"]
        if (
            not isinstance(position, int)
            or isinstance(position, bool)
            or not _JAVA_LONG[0] <= position <= _JAVA_LONG[1]
        ):
            raise ConnectError("The value for the 'position' key in the offset is expected to be a Long value")
        if position < 0:
            raise ConnectError("The value for the 'position' key in the offset should be a non-negative value")
        if partition is None:
            raise ConnectError("Partition objects cannot be null")
        if "filename" not in partition:
            raise ConnectError("Partition objects should contain the key 'filename'")
