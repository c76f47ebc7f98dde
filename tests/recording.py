"""Helpers of the record tests: a mock standing in for a user's cluster (tests/record/cluster.yaml),
and the comparison of every GET a recording covers between two workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from mockconnect.conformance.normalise import Answer, differences, normalise
from mockconnect.mock import scenario
from mockconnect.server import MockConnect

SOURCE = Path(__file__).parent / "record" / "cluster.yaml"
SECRETS = ("hvs-VAULT-TOKEN-must-not-leak", "AWS-SECRET-KEY-must-not-leak", "PG-PASSWORD-must-not-leak")
JSON = {"Content-Type": "application/json"}


def serve_file(path: Path) -> MockConnect:
    """A started mock serving a scenario file (stop it)."""
    mock = MockConnect().start()
    mock.state.load_scenario(scenario.load(path))
    return mock


def get(base: str, path: str, **kwargs: Any) -> Answer:
    return Answer.from_response(requests.get(base + path, timeout=10, **kwargs))


def covered_paths(base: str) -> list[str]:
    """Every GET a recording covers, for the connectors and plugins ``base`` has."""
    paths = [
        "/",
        "/connectors",
        "/connectors?expand=status",
        "/connectors?expand=info",
        "/connectors?expand=info&expand=status",
        "/connector-plugins",
        "/connector-plugins?connectorsOnly=false",
        "/admin/loggers",
    ]
    for plugin in requests.get(base + "/connector-plugins?connectorsOnly=false", timeout=10).json():
        paths.append(f"/connector-plugins/{quote(plugin['class'], safe='')}/config")
    for name in requests.get(base + "/connectors", timeout=10).json():
        here = f"/connectors/{quote(name, safe='')}"
        paths += [here, f"{here}/config", f"{here}/status", f"{here}/tasks", f"{here}/offsets", f"{here}/topics"]
        for task in requests.get(base + here + "/tasks", timeout=10).json():
            paths.append(f"{here}/tasks/{task['id']['task']}/status")
    for logger in requests.get(base + "/admin/loggers", timeout=10).json():
        paths.append(f"/admin/loggers/{quote(logger, safe='')}")
    return paths


def compare_gets(left: str, right: str, paths: list[str], **kwargs: Any) -> list[str]:
    """Differences between two workers' normalised answers to each path (empty: none)."""
    found = []
    for path in paths:
        bare = path.split("?", 1)[0]
        operation = "listConnectors" if bare == "/connectors" else None
        operation = "getConnectorActiveTopics" if bare.endswith("/topics") else operation
        one = normalise(get(left, path, **kwargs), operation, "")
        two = normalise(get(right, path, **kwargs), operation, "")
        found += [f"GET {path}: {line}" for line in differences(one, two)]
    return found
