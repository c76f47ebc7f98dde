"""Replay the requests recorded against a real Kafka worker of each release through the mock and diff the answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockconnect.http.app import create_app
from mockconnect.mock.state import MockState
from mockconnect.release import get_release
from mockconnect.worker.cluster import ConnectCluster, WorkerIdentity

RECORDINGS = Path(__file__).resolve().parents[1] / "live" / "recorded"
RECORDED = RECORDINGS / "kafka-3.7.0"
TIMING_DEPENDENT = re.compile(r"immediately|right-after|\(first poll\)")
"""Probes that caught a real worker mid-way; the mock's default timing is immediate."""
_TIMESTAMP = re.compile(r'"last_modified": ?\d+')
_PLUGIN_PATH = re.compile(r"location='file:[^']*'")
"""Where plugin-path jars live differs between installations: a volatile field."""


@dataclass
class Outcome:
    name: str
    method: str
    path: str
    expected: tuple[int, Any, str | None]
    actual: tuple[int, Any, str | None]

    @property
    def matched(self) -> bool:
        return self.expected == self.actual


def recorded(version: str = "3.7.0") -> Path:
    return RECORDINGS / f"kafka-{version}"


def load_probes(version: str = "3.7.0") -> list[dict[str, Any]]:
    probes: list[dict[str, Any]] = json.loads((recorded(version) / "probes.json").read_text())
    return probes


def _normal_body(body_text: str | None, path: str) -> Any:
    if not body_text:
        return None
    body_text = _PLUGIN_PATH.sub("location='file:<plugin.path>'", _TIMESTAMP.sub('"last_modified":0', body_text))
    try:
        body = json.loads(body_text)
    except ValueError:
        return body_text
    if path.rstrip("/") == "/connectors" and isinstance(body, list):
        return sorted(body)
    return body


def replay(probes: list[dict[str, Any]] | None = None, version: str = "3.7.0") -> list[Outcome]:
    probes = probes if probes is not None else load_probes(version)
    root = json.loads((recorded(version) / "root.json").read_text())
    host = probes[0]["request"]["headers"]["Host"]
    release = get_release(version)
    identity = WorkerIdentity(
        worker_id=host, cluster_id=root["kafka_cluster_id"], version=release.version, commit=release.commit
    )
    state = MockState(ConnectCluster(identity=identity, release=release))
    client = create_app(state).test_client()
    outcomes = []
    for probe in probes:
        request, response = probe["request"], probe["response"]
        headers = dict(request["headers"])
        headers.pop("Content-Length", None)
        body = request["body_text"]
        answer = client.open(
            "http://" + host + request["path"],  # absolute, so the test client keeps "//" as sent
            method=request["method"],
            query_string=request["query"],
            headers=headers,
            data=body.encode("utf-8") if body is not None else None,
        )
        if probe.get("racy") or TIMING_DEPENDENT.search(probe["name"]):
            continue
        expected = (
            response["status"],
            _normal_body(response["body_text"], request["path"]),
            response["headers"].get("content-type"),
        )
        actual = (
            answer.status_code,
            _normal_body(answer.get_data(as_text=True), request["path"]),
            answer.headers.get("Content-Type"),
        )
        outcomes.append(Outcome(probe["name"], request["method"], request["path"], expected, actual))
    return outcomes


if __name__ == "__main__":
    import sys

    results = replay(version=sys.argv[1] if len(sys.argv) > 1 else "3.7.0")
    bad = [o for o in results if not o.matched]
    for o in bad:
        print(f"--- {o.name}: {o.method} {o.path}")
        print(f"    real: {json.dumps(o.expected)[:600]}")
        print(f"    mock: {json.dumps(o.actual)[:600]}")
    print(f"{len(results) - len(bad)}/{len(results)} matched")
