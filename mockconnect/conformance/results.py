"""The outcome of each lifecycle step and fuzzed request, and the per-operation fidelity figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from mockconnect.conformance.normalise import Answer

PASS = "pass"
FAIL = "fail"
DIVERGED = "diverged"
DEVIATION = "deviation"
SKIPPED = "skipped"


@dataclass
class Result:
    """One lifecycle step or one fuzzed request, as sent to the target (and the comparison)."""

    kind: str  # "lifecycle" or "fuzz"
    name: str
    operation: str
    method: str
    path: str
    target: Answer | None = None
    comparison: Answer | None = None
    request_body: str | None = None
    problems: list[str] = field(default_factory=list)
    """Expectations the target's answer broke (lifecycle only)."""
    comparison_problems: list[str] = field(default_factory=list)
    diff: list[str] = field(default_factory=list)
    deviation: str | None = None
    skipped: str | None = None
    phase: str = "lifecycle"
    seconds: float = 0.0
    settled_after: int = 0
    """Fuzzed reads only: how many times both targets were read again before they agreed (or gave up)."""

    @property
    def compared(self) -> bool:
        return self.target is not None and self.comparison is not None and self.skipped is None

    @property
    def status_match(self) -> bool | None:
        if not self.compared:
            return None
        assert self.target is not None
        assert self.comparison is not None
        return self.target.status == self.comparison.status

    @property
    def match(self) -> bool | None:
        return None if not self.compared else not self.diff

    @property
    def verdict(self) -> str:
        if self.skipped is not None:
            return SKIPPED
        if self.problems:
            return FAIL
        if self.compared and self.diff:
            return DEVIATION if self.deviation else DIVERGED
        if self.comparison_problems:
            return FAIL
        return PASS

    def as_dict(self, full: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "phase": self.phase,
            "operation": self.operation,
            "request": f"{self.method} {self.path}",
            "verdict": self.verdict,
        }
        if self.skipped:
            data["skipped"] = self.skipped
        if self.target is not None:
            data["target_status"] = self.target.status
        if self.comparison is not None:
            data["comparison_status"] = self.comparison.status
        for key in ("problems", "comparison_problems", "diff"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.deviation:
            data["deviation"] = self.deviation
        if self.settled_after:
            data["settled_after_polls"] = self.settled_after
        if full or self.verdict in (FAIL, DIVERGED, DEVIATION):
            if self.request_body is not None:
                data["request_body"] = self.request_body[:2000]
            if self.target is not None:
                data["target"] = self.target.as_dict()
            if self.comparison is not None:
                data["comparison"] = self.comparison.as_dict()
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass
class OperationScore:
    operation: str
    lifecycle_steps: int = 0
    lifecycle_matched: int = 0
    lifecycle_failed: int = 0
    fuzz_requests: int = 0
    fuzz_status_matched: int = 0
    fuzz_matched: int = 0
    deviations: int = 0
    divergences: int = 0

    @property
    def compared(self) -> int:
        return self.lifecycle_steps + self.fuzz_requests

    @property
    def fidelity(self) -> float | None:
        """Share of compared exchanges whose normalised answers are identical."""
        if not self.compared:
            return None
        return (self.lifecycle_matched + self.fuzz_matched) / self.compared

    def as_dict(self) -> dict[str, Any]:
        fidelity = self.fidelity
        return {
            "operation": self.operation,
            "lifecycle_steps": self.lifecycle_steps,
            "lifecycle_matched": self.lifecycle_matched,
            "lifecycle_failed": self.lifecycle_failed,
            "fuzz_requests": self.fuzz_requests,
            "fuzz_status_matched": self.fuzz_status_matched,
            "fuzz_matched": self.fuzz_matched,
            "listed_deviations": self.deviations,
            "unlisted_divergences": self.divergences,
            "fidelity": None if fidelity is None else round(fidelity, 4),
        }


def scores(results: list[Result], differential: bool) -> list[OperationScore]:
    """Per-operation figures. Without a comparison, "matched" means the step met its expectations."""
    table: dict[str, OperationScore] = defaultdict(lambda: OperationScore(""))
    for result in results:
        if result.skipped is not None:
            continue
        score = table[result.operation]
        score.operation = result.operation
        if result.verdict == DEVIATION:
            score.deviations += 1
        elif result.verdict == DIVERGED:
            score.divergences += 1
        if result.kind == "lifecycle":
            score.lifecycle_steps += 1
            if result.problems:
                score.lifecycle_failed += 1
            if (result.match if differential else not result.problems) is True:
                score.lifecycle_matched += 1
        else:
            score.fuzz_requests += 1
            if not differential:
                continue
            score.fuzz_status_matched += bool(result.status_match)
            score.fuzz_matched += bool(result.match)
    return sorted(table.values(), key=lambda s: s.operation)


def totals(table: list[OperationScore]) -> OperationScore:
    total = OperationScore("(all)")
    for score in table:
        for name in (
            "lifecycle_steps",
            "lifecycle_matched",
            "lifecycle_failed",
            "fuzz_requests",
            "fuzz_status_matched",
            "fuzz_matched",
            "deviations",
            "divergences",
        ):
            setattr(total, name, getattr(total, name) + getattr(score, name))
    return total
