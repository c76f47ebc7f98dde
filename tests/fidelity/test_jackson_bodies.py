"""Fidelity of body decoding: odd request bodies answered exactly as each release's real Jackson did.

``tests/live/recorded/kafka-<version>/jackson-bodies.json`` holds a real worker's answers to odd
bodies (edge cases, among them which unknown field Jackson names first; seeded random mutations and
bytes; UTF-16 and UTF-32 encodings) on three endpoints that read a body, recorded with
``tools/record_bodies.py``, for every release the mock emulates (3.7.0: 614 bodies; the others 598).
Every one must match, replayed through a mock of that release: status and error text (Jackson 2.13
in 3.6, whose locations name the source; 2.16 in 3.7-3.9; 2.18 in 4.0, whose locations differ).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mockconnect import create_app
from mockconnect.mock.state import MockState
from mockconnect.release import get_release, known_releases
from mockconnect.worker.cluster import ConnectCluster

RECORDINGS = Path(__file__).parents[1] / "live" / "recorded"
RELEASES = sorted(v for v in known_releases() if (RECORDINGS / f"kafka-{v}" / "jackson-bodies.json").is_file())


def _message(raw: bytes) -> str:
    try:
        return str(json.loads(raw).get("message"))
    except (ValueError, AttributeError):
        return raw.decode("utf-8", "replace")


def corpus(version: str) -> Any:
    return json.loads((RECORDINGS / f"kafka-{version}" / "jackson-bodies.json").read_text())


def test_every_release_with_a_body_corpus_is_replayed() -> None:
    assert {"3.6.2", "3.7.0", "3.7.2", "3.8.1", "3.9.2", "4.0.2", "4.1.2"} <= set(RELEASES)


@pytest.mark.parametrize("version", RELEASES)
def test_every_recorded_body_is_answered_as_the_real_worker_did(version: str) -> None:
    recorded = corpus(version)
    assert recorded.get("kafka_version", version) == version
    client = create_app(MockState(ConnectCluster(release=get_release(version)))).test_client()
    endpoints = {name: route.split(" ", 1) for name, route in recorded["endpoints"].items()}
    differences = []
    for answer in recorded["answers"]:
        method, path = endpoints[answer["endpoint"]]
        body = bytes.fromhex(answer["body_hex"])
        got = client.open(path, method=method, data=body, headers={"Content-Type": "application/json"})
        mine = (got.status_code, _message(got.get_data()))
        if mine != (answer["status"], answer["message"]):
            differences.append(
                f"{answer['endpoint']} {body[:60]!r}: real {answer['status']} {answer['message']!r}, "
                f"mock {mine[0]} {mine[1]!r}"
            )
    assert len(recorded["answers"]) >= 1500
    assert differences == [], "\n".join(differences[:200])


@pytest.mark.parametrize("version", RELEASES)
@pytest.mark.parametrize("endpoint", ["validate", "create", "offsets"])
def test_the_recording_covers_each_endpoint_with_errors_of_every_kind(version: str, endpoint: str) -> None:
    answers = [a for a in corpus(version)["answers"] if a["endpoint"] == endpoint]
    texts = " ".join(a["message"] for a in answers)
    for kind in ("Unrecognized token", "Illegal character", "Invalid UTF-8", "Unexpected end-of-input", "UTF-32"):
        assert kind in texts, f"no {kind!r} answer recorded for {endpoint}"
