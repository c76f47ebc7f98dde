"""Fidelity of body decoding: odd request bodies answered exactly as a real 3.7.0 worker's Jackson did.

``tests/live/recorded/kafka-3.7.0/jackson-bodies.json`` holds a real worker's answers to 614 bodies
(edge cases, among them which unknown field Jackson names first; seeded random mutations and bytes;
UTF-16 and UTF-32 encodings) on three endpoints that read a body, recorded with
``tools/record_bodies.py``. Every one must match: status and error text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockconnect import create_app

RECORDED = Path(__file__).parents[1] / "live" / "recorded" / "kafka-3.7.0" / "jackson-bodies.json"


def _message(raw: bytes) -> str:
    try:
        return str(json.loads(raw).get("message"))
    except (ValueError, AttributeError):
        return raw.decode("utf-8", "replace")


def test_every_recorded_body_is_answered_as_the_real_worker_did() -> None:
    recorded = json.loads(RECORDED.read_text())
    client = create_app().test_client()
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
    assert differences == [], "\n".join(differences[:20])


@pytest.mark.parametrize("endpoint", ["validate", "create", "offsets"])
def test_the_recording_covers_each_endpoint_with_errors_of_every_kind(endpoint: str) -> None:
    answers = [a for a in json.loads(RECORDED.read_text())["answers"] if a["endpoint"] == endpoint]
    texts = " ".join(a["message"] for a in answers)
    for kind in ("Unrecognized token", "Illegal character", "Invalid UTF-8", "Unexpected end-of-input", "UTF-32"):
        assert kind in texts, f"no {kind!r} answer recorded for {endpoint}"
