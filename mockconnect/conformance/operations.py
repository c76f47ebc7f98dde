"""Which documented operation a request is, for grouping results per operation."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from mockconnect.resources import shipped_file

UNROUTED = "(no operation)"
"""Requests that match no documented operation: unknown paths, undocumented methods, OPTIONS."""


def contract_path(kafka_version: str | None = None) -> Path:
    """The contract of a Kafka release the mock emulates (default: the default release's)."""
    from mockconnect.release import get_release

    return shipped_file("openapi", get_release(kafka_version).contract)


@cache
def _document(path: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return loaded


@cache
def _routes(path: str) -> tuple[tuple[str, re.Pattern[str], str], ...]:
    routes = []
    for template, item in _document(path)["paths"].items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        for method, spec in item.items():
            if isinstance(spec, dict) and "operationId" in spec:
                routes.append((method.upper(), re.compile(pattern + "/?"), spec["operationId"]))
    # Literal segments win over parameters (/connectors/x/topics/reset is not /tasks/{task}/...).
    routes.sort(key=lambda route: route[1].pattern.count("[^/]+"))
    return tuple(routes)


def operation_ids(path: Path | None = None) -> list[str]:
    return [op for _, _, op in _routes(str(path or contract_path()))]


def operation_for(method: str, url: str, path: Path | None = None) -> str:
    """The operationId a request of ``method`` to ``url`` (or a bare path) invokes, or :data:`UNROUTED`."""
    raw_path = urlsplit(url).path if "://" in url else url.split("?", 1)[0]
    method = method.upper()
    for route_method, pattern, operation in _routes(str(path or contract_path())):
        if route_method == method and pattern.fullmatch(raw_path):
            return operation
    return UNROUTED
