"""Fidelity of body decoding: odd request bodies answered exactly as each release's real Jackson did.

``tests/live/recorded/kafka-<version>/jackson-bodies.json`` holds a real worker's answers to odd
bodies (edge cases, among them which unknown field Jackson names first; seeded random mutations and
bytes; UTF-16 and UTF-32 encodings) on three endpoints that read a body, recorded with
``tools/record_bodies.py``, for every recorded release (3.7.0: 614 bodies; the others 598).
Every one must match, replayed through a mock of that release: status and error text (Jackson 2.13
in 3.6, whose locations name the source; 2.16 in 3.7-3.9; 2.18 in 4.0, whose locations differ;
2.19 in 4.1; 2.21.6 in 4.2; 2.21.7 in 4.3 and 4.4).
Each emulated release's dialect is checked against the Jackson its recorded jars run (``JARS_DIALECT``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mockconnect import create_app
from mockconnect.http.jackson import DIALECTS, JACKSON_2_16, dialect_of
from mockconnect.mock.state import MockState
from mockconnect.release import Release, get_release, known_releases
from mockconnect.worker.cluster import ConnectCluster

RECORDINGS = Path(__file__).parents[1] / "live" / "recorded"
RECORDED = sorted(
    (p.name.removeprefix("kafka-") for p in RECORDINGS.glob("kafka-*") if (p / "jackson-bodies.json").is_file()),
    key=lambda v: tuple(map(int, v.split("."))),
)
RELEASES = [v for v in RECORDED if v in known_releases()]
JARS_DIALECT = {
    "2.13.5": "json_source_in_location",
    "2.16.2": "",
    "2.18.6": "jackson_2_18",
    "2.19.4": "jackson_2_19",
    "2.21.6": "jackson_2_21",
    "2.21.7": "jackson_2_21_7",
}
"""The jackson-core (and jackson-databind) version a recording's worker ran -> the release feature
naming the dialect it reads bodies in ("": none, Jackson 2.16)."""


def _message(raw: bytes) -> str:
    try:
        return str(json.loads(raw).get("message"))
    except (ValueError, AttributeError):
        return raw.decode("utf-8", "replace")


def corpus(version: str) -> Any:
    return json.loads((RECORDINGS / f"kafka-{version}" / "jackson-bodies.json").read_text())


def jackson_version(version: str) -> str | None:
    """The recording's jackson-core version, checked to be its jackson-databind's too (None: no jar list)."""
    jars = json.loads((RECORDINGS / f"kafka-{version}" / "meta.json").read_text()).get("jars")
    if not jars:
        return None
    found = {
        artifact: name.removeprefix(f"jackson-{artifact}-").removesuffix(".jar")
        for name in jars["lib"]
        for artifact in ("core", "databind")
        if name.startswith(f"jackson-{artifact}-2.")
    }
    assert found["core"] == found["databind"], f"{version}: jackson-core and jackson-databind differ: {found}"
    return found["core"]


def jars_feature(version: str) -> str:
    jars = jackson_version(version)
    assert jars in JARS_DIALECT, f"kafka-{version} runs jackson-core {jars}: which dialect reads its bodies?"
    return JARS_DIALECT[jars]


def test_every_release_with_a_body_corpus_is_replayed() -> None:
    assert {"3.6.2", "3.7.0", "3.7.2", "3.8.1", "3.9.2", "4.0.2", "4.1.2", "4.2.2", "4.3.2", "4.4.0"} <= set(RELEASES)
    assert {"3.6.2", "3.7.0", "3.7.2", "3.8.1", "3.9.2", "4.0.2", "4.1.2", "4.2.2", "4.3.2", "4.4.0"} <= set(RECORDED)
    assert RELEASES == RECORDED, "a recorded release the mock does not emulate: add its release.json"


@pytest.mark.parametrize("version", [v for v in RELEASES if jackson_version(v) is not None])
def test_each_emulated_release_reads_bodies_in_the_dialect_of_its_recorded_jars(version: str) -> None:
    feature = jars_feature(version)
    assert dialect_of(get_release(version)) is (DIALECTS[feature] if feature else JACKSON_2_16)


def replay(release: Release, recorded: Any) -> list[tuple[Any, tuple[int, str]]]:
    """Each recorded answer with the mock's answer to the same request."""
    client = create_app(MockState(ConnectCluster(release=release))).test_client()
    endpoints = {name: route.split(" ", 1) for name, route in recorded["endpoints"].items()}
    answers = []
    for answer in recorded["answers"]:
        method, path = endpoints[answer["endpoint"]]
        got = client.open(
            path, method=method, data=bytes.fromhex(answer["body_hex"]), headers={"Content-Type": "application/json"}
        )
        answers.append((answer, (got.status_code, _message(got.get_data()))))
    return answers


def _difference(answer: Any, mine: tuple[int, str]) -> str:
    return (
        f"{answer['endpoint']} {bytes.fromhex(answer['body_hex'])[:60]!r}: real {answer['status']} "
        f"{answer['message']!r}, mock {mine[0]} {mine[1]!r}"
    )


@pytest.mark.parametrize("version", RELEASES)
def test_every_recorded_body_is_answered_as_the_real_worker_did(version: str) -> None:
    recorded = corpus(version)
    assert recorded.get("kafka_version", version) == version
    differences = [
        _difference(answer, mine)
        for answer, mine in replay(get_release(version), recorded)
        if mine != (answer["status"], answer["message"])
    ]
    assert len(recorded["answers"]) >= 1500
    assert differences == [], "\n".join(differences[:200])


@pytest.mark.parametrize("version", RECORDED)
@pytest.mark.parametrize("endpoint", ["validate", "create", "offsets"])
def test_the_recording_covers_each_endpoint_with_errors_of_every_kind(version: str, endpoint: str) -> None:
    answers = [a for a in corpus(version)["answers"] if a["endpoint"] == endpoint]
    texts = " ".join(a["message"] for a in answers)
    for kind in ("Unrecognized token", "Illegal character", "Invalid UTF-8", "Unexpected end-of-input", "UTF-32"):
        assert kind in texts, f"no {kind!r} answer recorded for {endpoint}"
