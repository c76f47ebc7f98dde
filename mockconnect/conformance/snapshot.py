"""Before-and-after pictures of a target: every connector's config and status, and the loggers.

The report prints a digest of each connector outside the run's namespace and the difference
between the two pictures, which must be empty: that is the evidence that the run touched nothing
but its own connectors. Configs are kept byte for byte (the raw answer text), so "unchanged" means
byte-identical; values of keys that look secret are masked before anything is printed or written.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from mockconnect.conformance.policy import SafetyPolicy
from mockconnect.conformance.targets import Target

_SECRET_KEY = re.compile(r"password|secret|token|credential|jaas|api\.?key|private|\.key$", re.I)


@dataclass
class ConnectorPicture:
    config_text: str | None
    """The raw body of GET /connectors/{name}/config (None if it could not be read)."""
    status: dict[str, Any] | None
    """Connector and task states (worker ids and traces left out: they move on their own)."""

    @property
    def config_digest(self) -> str:
        return hashlib.sha256((self.config_text or "").encode("utf-8")).hexdigest()[:16]

    def masked_config(self) -> dict[str, Any] | None:
        try:
            config = json.loads(self.config_text or "")
        except ValueError:
            return None
        if not isinstance(config, dict):
            return None
        return {k: ("<masked>" if _SECRET_KEY.search(k) else v) for k, v in config.items()}


@dataclass
class Snapshot:
    connectors: dict[str, ConnectorPicture] = field(default_factory=dict)
    loggers: dict[str, Any] | None = None
    error: str | None = None

    def foreign(self, policy: SafetyPolicy) -> dict[str, ConnectorPicture]:
        return {name: pic for name, pic in self.connectors.items() if not policy.owns(name)}


def _states(status: Any) -> dict[str, Any] | None:
    if not isinstance(status, dict):
        return None
    return {
        "connector": (status.get("connector") or {}).get("state"),
        "tasks": {str(t.get("id")): t.get("state") for t in status.get("tasks") or [] if isinstance(t, dict)},
        "type": status.get("type"),
    }


def take(target: Target) -> Snapshot:
    """Read every connector's config and status, and the logger levels (GET requests only)."""
    snapshot = Snapshot()
    listing = target.request("GET", "/connectors")
    names = listing.json
    if listing.status != 200 or not isinstance(names, list):
        snapshot.error = f"GET /connectors answered {listing.status}: {listing.text[:200]}"
        return snapshot
    for name in sorted(str(n) for n in names):
        path = "/connectors/" + quote(name, safe="")
        config = target.request("GET", path + "/config")
        status = target.request("GET", path + "/status")
        snapshot.connectors[name] = ConnectorPicture(
            config.text if config.status == 200 else None,
            _states(status.json) if status.status == 200 else None,
        )
    loggers = target.request("GET", "/admin/loggers")
    if loggers.status == 200 and isinstance(loggers.json, dict):
        snapshot.loggers = loggers.json
    return snapshot


@dataclass
class SnapshotDiff:
    """What changed outside the namespace between two snapshots."""

    appeared: list[str] = field(default_factory=list)
    disappeared: list[str] = field(default_factory=list)
    config_changed: list[str] = field(default_factory=list)
    status_changed: list[str] = field(default_factory=list)
    loggers_changed: list[str] = field(default_factory=list)
    loggers_gone: list[str] = field(default_factory=list)
    """Listed before, not after. log4j2 (Kafka 4.x) keeps its loggers in a WeakHashMap, so a logger nothing
    holds any more leaves the listing after a garbage collection: not a change anyone made."""

    @property
    def clean(self) -> bool:
        """No foreign connector appeared, vanished or changed config, and logger levels are as before."""
        return not (self.appeared or self.disappeared or self.config_changed or self.loggers_changed)

    def lines(self) -> list[str]:
        out = []
        for label, items in (
            ("appeared", self.appeared),
            ("disappeared", self.disappeared),
            ("config changed", self.config_changed),
            ("status changed (not by this run: it sent no write to them)", self.status_changed),
            ("logger levels changed", self.loggers_changed),
            ("loggers no longer listed (garbage-collected by log4j2, not changed)", self.loggers_gone),
        ):
            out += [f"{label}: {item}" for item in items]
        return out


def compare(before: Snapshot, after: Snapshot, policy: SafetyPolicy) -> SnapshotDiff:
    diff = SnapshotDiff()
    old, new = before.foreign(policy), after.foreign(policy)
    diff.appeared = sorted(set(new) - set(old))
    diff.disappeared = sorted(set(old) - set(new))
    for name in sorted(set(old) & set(new)):
        if old[name].config_text != new[name].config_text:
            diff.config_changed.append(name)
        if old[name].status != new[name].status:
            diff.status_changed.append(f"{name}: {old[name].status} -> {new[name].status}")
    if before.loggers is not None and after.loggers is not None:
        for logger, entry in before.loggers.items():
            level = entry.get("level") if isinstance(entry, dict) else None
            now = after.loggers.get(logger)
            if now is None:
                diff.loggers_gone.append(logger)
                continue
            now_level = now.get("level") if isinstance(now, dict) else None
            if now_level != level:
                diff.loggers_changed.append(f"{logger}: {level} -> {now_level}")
    return diff


def describe(snapshot: Snapshot, policy: SafetyPolicy) -> list[dict[str, Any]]:
    """The foreign connectors of a snapshot for the report: digests, states, masked configs."""
    return [
        {
            "name": name,
            "config_sha256": pic.config_digest,
            "config": pic.masked_config(),
            "status": pic.status,
        }
        for name, pic in sorted(snapshot.foreign(policy).items())
    ]
