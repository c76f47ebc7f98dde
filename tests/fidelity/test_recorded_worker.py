"""Fidelity: replay every request recorded against a real Kafka worker of each release and compare the answers.

For every release the mock emulates (``mockconnect/release/data/<version>/``) that has a recording
(``tests/live/recorded/kafka-<version>/``). The comparison is exact on status, Content-Type and parsed
body, after normalising only volatile fields (timestamps, the site-specific plugin path, the order of
the connector list). Divergences are allowed only where deviations.yaml lists them with a reason.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

import pytest
import yaml
from fidelity.replay import Outcome, recorded, replay

from mockconnect.release import known_releases

DEVIATIONS = yaml.safe_load((Path(__file__).parent / "deviations.yaml").read_text())
RELEASES = sorted(v for v in known_releases() if (recorded(v) / "probes.json").is_file())


def deviations(version: str) -> list[dict[str, object]]:
    """The entries that apply to ``version`` (all releases unless the entry names some)."""
    return [entry for entry in DEVIATIONS if version in entry.get("releases", [version])]


@pytest.fixture(scope="module", params=RELEASES)
def release_outcomes(request: pytest.FixtureRequest) -> tuple[str, list[Outcome]]:
    return request.param, replay(version=request.param)


def _listed(name: str, version: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for entry in deviations(version) for pattern in entry["probes"])


def test_every_release_with_a_recording_is_replayed() -> None:
    assert {"3.6.2", "3.7.0", "3.7.2", "3.8.1", "3.9.2", "4.0.2", "4.1.2", "4.2.2", "4.3.2", "4.4.0"} <= set(RELEASES)


def test_every_divergence_is_a_listed_deviation(release_outcomes: tuple[str, list[Outcome]]) -> None:
    version, outcomes = release_outcomes
    unlisted = [o for o in outcomes if not o.matched and not _listed(o.name, version)]
    details = "\n".join(
        f"{o.name}: {o.method} {o.path}\n  real: {json.dumps(o.expected)[:400]}\n  mock: {json.dumps(o.actual)[:400]}"
        for o in unlisted
    )
    assert not unlisted, f"{len(unlisted)} unlisted divergences from the real {version} worker:\n{details}"


def test_every_listed_deviation_still_diverges(release_outcomes: tuple[str, list[Outcome]]) -> None:
    version, outcomes = release_outcomes
    names = [o.name for o in outcomes]
    diverging = [o.name for o in outcomes if not o.matched]
    stale = [
        pattern
        for entry in deviations(version)
        if not entry.get("race")
        for pattern in entry["probes"]
        if any(fnmatch.fnmatch(name, pattern) for name in names)  # a probe this recording has
        and not any(fnmatch.fnmatch(name, pattern) for name in diverging)
    ]
    assert not stale, f"deviations.yaml lists patterns that now match the real {version} worker: {stale}"


def test_most_recorded_behaviour_is_reproduced(release_outcomes: tuple[str, list[Outcome]]) -> None:
    version, outcomes = release_outcomes
    matched = sum(o.matched for o in outcomes)
    assert len(outcomes) > 500
    assert matched / len(outcomes) > 0.9, f"only {matched}/{len(outcomes)} recorded {version} answers reproduced"
