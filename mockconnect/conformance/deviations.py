"""Known divergences between a target and the comparison, each with its reason.

The file is a YAML list; each entry has a ``reason`` and one or both matchers::

    - id: sink-offsets-after-running          # a short name, shown in the report
      lifecycle: ["offsets.sink.*"]           # shell-style globs on lifecycle step names
      fuzz:                                   # matchers for fuzzed requests, any one may match
        - operation: getConnectorOffsets      # glob on the operationId ("(no operation)" if none)
          status: ["200/200"]                 # globs on "<target status>/<comparison status>"
          path: "/offsets$"                   # regex searched in the request path
          body: "kafka_offset"                # regex searched in either answer's body
          diff: "^body\\.tasks"                # regex every difference line must match
        - check: allow_header_conformance     # or: a schemathesis check failure (glob on its name);
          operation: "*"                      # then path and body are searched in its curl and message
      race: true                              # timing-dependent: it may or may not diverge
      reason: >-
        Why the two answer differently, and why that is accepted.

A divergence that no entry matches fails the run. A non-race entry whose lifecycle globs match no
diverging step is *stale* and is reported, so that fixed divergences get unlisted.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_DEVIATIONS = Path(__file__).with_name("deviations.yaml")


class DeviationsError(ValueError):
    """The deviations file is malformed."""


@dataclass(frozen=True)
class FuzzMatcher:
    operation: str = "*"
    status: tuple[str, ...] = ("*",)
    path: re.Pattern[str] | None = None
    body: re.Pattern[str] | None = None
    check: str | None = None
    diff: re.Pattern[str] | None = None

    def matches_check(self, check: str, operation: str, curl: str, text: str) -> bool:
        if self.check is None or not fnmatch.fnmatchcase(check, self.check):
            return False
        if not fnmatch.fnmatchcase(operation, self.operation):
            return False
        if self.path is not None and not self.path.search(curl):
            return False
        return self.body is None or bool(self.body.search(text))

    def matches(
        self, operation: str, statuses: str, path: str, bodies: Iterable[str], diff: Iterable[str] = ()
    ) -> bool:
        if self.check is not None or not fnmatch.fnmatchcase(operation, self.operation):
            return False
        if self.diff is not None:
            lines = list(diff)
            if not lines or not all(self.diff.search(line) for line in lines):
                return False
        if not any(fnmatch.fnmatchcase(statuses, pattern) for pattern in self.status):
            return False
        if self.path is not None and not self.path.search(path):
            return False
        return self.body is None or any(self.body.search(text) for text in bodies)


@dataclass(frozen=True)
class Deviation:
    id: str
    reason: str
    lifecycle: tuple[str, ...] = ()
    fuzz: tuple[FuzzMatcher, ...] = ()
    race: bool = False
    releases: tuple[str, ...] = ()
    """The Kafka releases it applies to; empty: every release."""

    def matches_step(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.lifecycle)


@dataclass
class Deviations:
    entries: list[Deviation] = field(default_factory=list)
    source: str = "(none)"

    def for_release(self, version: str) -> Deviations:
        """The entries that apply when the comparison emulates Kafka ``version``."""
        kept = [entry for entry in self.entries if not entry.releases or version in entry.releases]
        return Deviations(kept, self.source)

    def for_step(self, name: str) -> Deviation | None:
        return next((entry for entry in self.entries if entry.matches_step(name)), None)

    def for_request(
        self, operation: str, statuses: str, path: str, bodies: Iterable[str], diff: Iterable[str] = ()
    ) -> Deviation | None:
        texts, lines = list(bodies), list(diff)
        for entry in self.entries:
            if any(matcher.matches(operation, statuses, path, texts, lines) for matcher in entry.fuzz):
                return entry
        return None

    def for_check(self, check: str, operation: str, curl: str, text: str) -> Deviation | None:
        for entry in self.entries:
            if any(matcher.matches_check(check, operation, curl, text) for matcher in entry.fuzz):
                return entry
        return None

    def stale(self, diverging_steps: Iterable[str]) -> list[str]:
        """Lifecycle globs of non-race entries that match none of ``diverging_steps``."""
        names = list(diverging_steps)
        return [
            f"{entry.id}: {pattern}"
            for entry in self.entries
            if not entry.race
            for pattern in entry.lifecycle
            if not any(fnmatch.fnmatchcase(name, pattern) for name in names)
        ]


def _as_list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value
    raise DeviationsError(f"{what} must be a string or a list, not {type(value).__name__}")


def load(path: Path | None) -> Deviations:
    """Read a deviations file (``None``: no deviations at all)."""
    if path is None:
        return Deviations()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise DeviationsError(f"cannot read the deviations file {path}: {exc}") from exc
    if not isinstance(raw, list):
        raise DeviationsError(f"{path}: the deviations file must be a YAML list of entries")
    entries = []
    for index, item in enumerate(raw):
        where = f"{path}: entry {index + 1}"
        if not isinstance(item, dict) or not item.get("reason"):
            raise DeviationsError(f"{where} needs a reason")
        unknown = set(item) - {"id", "reason", "lifecycle", "fuzz", "race", "releases"}
        if unknown:
            raise DeviationsError(f"{where} has unknown keys {sorted(unknown)}")
        matchers = []
        for spec in _as_list(item.get("fuzz"), f"{where} fuzz"):
            if not isinstance(spec, dict):
                raise DeviationsError(f"{where}: each fuzz matcher is a mapping")
            try:
                matchers.append(
                    FuzzMatcher(
                        operation=str(spec.get("operation", "*")),
                        status=tuple(str(s) for s in _as_list(spec.get("status", "*"), f"{where} status")),
                        path=re.compile(spec["path"]) if spec.get("path") else None,
                        body=re.compile(spec["body"], re.S) if spec.get("body") else None,
                        check=str(spec["check"]) if spec.get("check") else None,
                        diff=re.compile(spec["diff"]) if spec.get("diff") else None,
                    )
                )
            except re.error as exc:
                raise DeviationsError(f"{where}: bad regex: {exc}") from exc
        lifecycle = tuple(str(p) for p in _as_list(item.get("lifecycle"), f"{where} lifecycle"))
        if not lifecycle and not matchers:
            raise DeviationsError(f"{where} matches nothing: give lifecycle globs or fuzz matchers")
        entries.append(
            Deviation(
                id=str(item.get("id") or f"entry-{index + 1}"),
                reason=" ".join(str(item["reason"]).split()),
                lifecycle=lifecycle,
                fuzz=tuple(matchers),
                race=bool(item.get("race", False)),
                releases=tuple(str(v) for v in _as_list(item.get("releases"), f"{where} releases")),
            )
        )
    return Deviations(entries, str(path))
