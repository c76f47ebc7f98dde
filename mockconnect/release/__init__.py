"""What a Kafka release is, in one place: its version, commit, contract document and data files.

Each release the mock emulates is a folder ``release/data/<version>/`` holding ``release.json``
(version, commit, the contract document's name under ``openapi/``, default logger levels, the
texts that differ between releases), ``catalog.json`` (the plugins its tarball ships, with their
config definitions) and ``client-configs.json`` (the producer, consumer and admin ConfigDefs of its
kafka-clients). A new release is a new folder plus the few rules that differ, never edits across
modules. This is the bottom layer: it imports nothing else of mockconnect but ``resources``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_VERSION = "3.7.0"
"""The release a mock emulates unless told otherwise: the one the contract was first written for."""


@dataclass(frozen=True, slots=True)
class Release:
    """One Kafka release as a worker of it shows itself over REST."""

    version: str
    commit: str
    contract: str
    """The file name of this release's OpenAPI document under ``openapi/``."""
    default_loggers: Mapping[str, str] = field(default_factory=dict)
    """Logger levels a fresh worker of this release lists (its stock connect-log4j configuration)."""
    texts: Mapping[str, str] = field(default_factory=dict)
    """Error texts that differ between releases (Java's helpful NullPointerException messages and the like)."""
    absent_operations: frozenset[str] = frozenset()
    """Operations of other releases that this one does not have: Jersey answers 404 or 405 for them."""
    features: frozenset[str] = frozenset()
    """What this release's worker has that others lack, by name (``patch_config``, ``health``, ...)."""

    def text(self, key: str) -> str:
        return self.texts[key]

    def has(self, feature: str) -> bool:
        return feature in self.features

    @property
    def line(self) -> str:
        """The minor line, ``3.8`` for 3.8.1."""
        return ".".join(self.version.split(".")[:2])

    @property
    def number(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))

    def data(self, name: str) -> Any:
        """A JSON data file of this release (``catalog.json``, ``client-configs.json``)."""
        return json.loads(_data_folder().joinpath(self.version, name).read_text(encoding="utf-8"))


def _data_folder() -> Any:
    return resources.files("mockconnect.release").joinpath("data")


@cache
def known_releases() -> dict[str, Release]:
    """Every release that has a data folder, by version."""
    found: dict[str, Release] = {}
    for folder in _data_folder().iterdir():
        meta = folder.joinpath("release.json")
        if meta.is_file():
            spec = json.loads(meta.read_text(encoding="utf-8"))
            found[spec["version"]] = Release(
                version=spec["version"],
                commit=spec["commit"],
                contract=spec["contract"],
                default_loggers=spec.get("default_loggers", {}),
                texts=spec.get("texts", {}),
                absent_operations=frozenset(spec.get("absent_operations", ())),
                features=frozenset(spec.get("features", ())),
            )
    return found


def get_release(version: str | None = None) -> Release:
    """The release ``version`` (default :data:`DEFAULT_VERSION`), or a minor line's newest (``4.1``).

    An unknown one is a ValueError that lists the known releases.
    """
    releases = known_releases()
    wanted = (version or DEFAULT_VERSION).strip()
    if wanted in releases:
        return releases[wanted]
    line = [r for r in releases.values() if r.line == wanted]
    if line:
        return max(line, key=lambda r: r.number)
    raise ValueError(f"unknown Kafka release {wanted!r}: {supported_text()}")


def supported_text() -> str:
    """The known releases and minor lines, for messages."""
    releases = sorted(known_releases().values(), key=lambda r: r.number)
    lines = sorted({r.line for r in releases}, key=lambda line: tuple(int(p) for p in line.split(".")))
    return (
        f"known releases are {', '.join(r.version for r in releases)} "
        f"(or a minor line, meaning its newest release: {', '.join(lines)})"
    )
