"""Fidelity: replay every request recorded against a real Kafka 3.7.0 worker and compare the answers.

The comparison is exact on status, Content-Type and parsed body, after normalising only volatile
fields (timestamps, the site-specific plugin path, the order of the connector list). Divergences
are allowed only where deviations.yaml lists them with a reason.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

import pytest
import yaml
from fidelity.replay import Outcome, replay

DEVIATIONS = yaml.safe_load((Path(__file__).parent / "deviations.yaml").read_text())


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return replay()


def _listed(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for entry in DEVIATIONS for pattern in entry["probes"])


def test_every_divergence_is_a_listed_deviation(outcomes: list[Outcome]) -> None:
    unlisted = [o for o in outcomes if not o.matched and not _listed(o.name)]
    details = "\n".join(
        f"{o.name}: {o.method} {o.path}\n  real: {json.dumps(o.expected)[:400]}\n  mock: {json.dumps(o.actual)[:400]}"
        for o in unlisted
    )
    assert not unlisted, f"{len(unlisted)} unlisted divergences from the real worker:\n{details}"


def test_every_listed_deviation_still_diverges(outcomes: list[Outcome]) -> None:
    diverging = [o.name for o in outcomes if not o.matched]
    stale = [
        pattern
        for entry in DEVIATIONS
        if not entry.get("race")
        for pattern in entry["probes"]
        if not any(fnmatch.fnmatch(name, pattern) for name in diverging)
    ]
    assert not stale, f"deviations.yaml lists patterns that now match the real worker: {stale}"


def test_most_recorded_behaviour_is_reproduced(outcomes: list[Outcome]) -> None:
    matched = sum(o.matched for o in outcomes)
    assert len(outcomes) > 500
    assert matched / len(outcomes) > 0.9, f"only {matched}/{len(outcomes)} recorded answers reproduced"
