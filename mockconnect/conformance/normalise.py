"""Answers of two workers made comparable: volatile fields masked, unordered lists sorted.

What counts as volatile (it differs between two correct workers, or between two runs of one):

* ``worker_id`` (host and port of whichever worker answers), ``kafka_cluster_id``, ``commit``;
* ``trace`` (a Java stack trace; only its presence is compared);
* ``last_modified`` of loggers (a timestamp; only null or not is compared);
* plugin locations in messages (``location='file:/...'``) and worker URLs (``http://host:port``);
* the host and port in ``Location`` (the path and query are compared);
* the order of the connector list, and of active topics; connectors outside the run's namespace
  are left out of list answers, since the two targets need not start with the same foreign ones.

Everything else is compared exactly: status, media type, and the parsed JSON body (object key
order is not significant in JSON; array order is, except where listed above).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

_PLUGIN_LOCATION = re.compile(r"location='[^']*'")
_WORKER_URL = re.compile(r"https?://[^/\s'\"]+:\d+")
_MASKED = {"worker_id": "<worker>", "kafka_cluster_id": "<cluster-id>", "commit": "<commit>"}
_PRESENCE = {"trace": "<trace>", "last_modified": "<timestamp>"}


@dataclass(frozen=True)
class Answer:
    """One HTTP answer as the runner keeps it."""

    status: int
    content_type: str | None
    location: str | None
    text: str
    elapsed_ms: float = 0.0

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.text) if self.text else None
        except ValueError:
            return None

    def as_dict(self, limit: int = 2000) -> dict[str, Any]:
        return {
            "status": self.status,
            "content_type": self.content_type,
            "location": self.location,
            "body": self.text[:limit] + ("…" if len(self.text) > limit else ""),
        }

    @classmethod
    def from_response(cls, response: Any) -> Answer:
        return cls(
            status=int(response.status_code),
            content_type=response.headers.get("Content-Type"),
            location=response.headers.get("Location"),
            text=response.content.decode("utf-8", "replace"),
            elapsed_ms=response.elapsed.total_seconds() * 1000 if response.elapsed else 0.0,
        )


def _mask_text(text: str) -> str:
    return _WORKER_URL.sub("<worker-url>", _PLUGIN_LOCATION.sub("location='<plugin.path>'", text))


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        masked: dict[str, Any] = {}
        for key, item in value.items():
            if key in _MASKED and isinstance(item, str):
                masked[key] = _MASKED[key]
            elif key in _PRESENCE and item is not None:
                masked[key] = _PRESENCE[key]
            else:
                masked[key] = _mask(item)
        return masked
    if isinstance(value, list):
        return [_mask(item) for item in value]
    if isinstance(value, str):
        return _mask_text(value)
    return value


def _task_id(task: Any) -> str:
    return json.dumps(task.get("id") if isinstance(task, dict) else task, sort_keys=True)


def normalise(answer: Answer, operation: str | None, prefix: str) -> dict[str, Any]:
    """The comparable form of ``answer`` to a request of ``operation`` (an operationId or None)."""
    body: Any = answer.json
    if body is None and answer.text:
        body = _mask_text(answer.text)
    else:
        body = _mask(body)
        if operation == "listConnectors":
            if isinstance(body, list):
                body = sorted(name for name in body if isinstance(name, str) and name.startswith(prefix))
            elif isinstance(body, dict):
                body = {name: entry for name, entry in body.items() if name.startswith(prefix)}
        elif operation == "getConnectorActiveTopics" and isinstance(body, dict):
            body = {
                name: {**entry, "topics": sorted(entry["topics"])}
                if isinstance(entry, dict) and isinstance(entry.get("topics"), list)
                else entry
                for name, entry in body.items()
            }
        elif operation == "restartConnector" and isinstance(body, dict) and isinstance(body.get("tasks"), list):
            # From 4.2 a worker lists the plan's tasks in its JVM's salted Map.copyOf order, one per process.
            body = {**body, "tasks": sorted(body["tasks"], key=_task_id)}
    location = None
    if answer.location is not None:
        parts = urlsplit(answer.location)
        location = parts.path + (f"?{parts.query}" if parts.query else "")
    media = answer.content_type.split(";", 1)[0].strip().lower() if answer.content_type else None
    return {"status": answer.status, "content_type": media, "location": location, "body": body}


def differences(left: Any, right: Any, where: str = "", limit: int = 12) -> list[str]:
    """Human-readable differences between two normalised answers, at most ``limit``."""
    found: list[str] = []
    _diff(left, right, where, found, limit)
    return found


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 160 else text[:157] + "..."


def _diff(left: Any, right: Any, where: str, found: list[str], limit: int) -> None:
    if len(found) >= limit or left == right:
        return
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right), key=str):
            here = f"{where}.{key}" if where else str(key)
            if key not in left:
                found.append(f"{here}: missing on the target, {_short(right[key])} on the comparison")
            elif key not in right:
                found.append(f"{here}: {_short(left[key])} on the target, missing on the comparison")
            else:
                _diff(left[key], right[key], here, found, limit)
            if len(found) >= limit:
                return
        return
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            _diff(a, b, f"{where}[{index}]", found, limit)
        return
    found.append(f"{where or 'answer'}: {_short(left)} != {_short(right)}")
