"""Fidelity of validate with client overrides: whole answers as a real 3.7.0 worker gave them.

``tests/live/recorded/kafka-3.7.0/client-overrides.json`` (``tools/record_bodies.py``) holds a real
worker's answers to validate requests carrying ``producer.override.*``, ``consumer.override.*`` and
``admin.override.*`` keys: which clients a source or sink has, the definitions from the release's
client ConfigDefs, parsed values, Java HashMap order, the 500 for an unparseable value, and the
sink's consumer group check.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockconnect import create_app
from mockconnect.mock.state import MockState
from mockconnect.release import get_release
from mockconnect.worker.cluster import ConnectCluster

RECORDINGS = Path(__file__).parents[1] / "live" / "recorded"
RECORDED = json.loads((RECORDINGS / "kafka-3.7.0" / "client-overrides.json").read_text())


@pytest.mark.parametrize("answer", RECORDED["answers"], ids=lambda a: json.dumps(a["config"])[-60:])
def test_validate_with_client_overrides_answers_as_the_real_worker_did(answer: dict) -> None:
    client = create_app().test_client()
    got = client.put(f"/connector-plugins/{answer['plugin']}/config/validate", json=answer["config"])
    assert (got.status_code, got.get_json()) == (answer["status"], answer["body"])


@pytest.mark.parametrize("version", ["3.7.2", "3.8.1", "3.9.2", "4.0.2", "4.1.2", "4.2.2", "4.3.2", "4.4.0"])
def test_validate_with_client_overrides_answers_as_the_release_s_real_worker_did(version: str) -> None:
    """The same requests in the recordings of the releases after 3.7.0 (3.8: converter configs; 4.1:
    plugin versions and the worker's converters among the framework keys; 4.2: order_in_group)."""
    recorded = json.loads((RECORDINGS / f"kafka-{version}" / "client-overrides.json").read_text())
    differences = []
    for answer in recorded["answers"]:
        client = create_app(MockState(ConnectCluster(release=get_release(version)))).test_client()
        got = client.put(f"/connector-plugins/{answer['plugin']}/config/validate", json=answer["config"])
        if (got.status_code, got.get_json()) != (answer["status"], answer["body"]):
            differences.append(json.dumps(answer["config"])[-80:])
    assert len(recorded["answers"]) == 11
    assert differences == []


def test_the_recording_has_listed_overrides_and_a_refused_one() -> None:
    bodies = [json.dumps(a["body"]) for a in RECORDED["answers"]]
    assert any('"producer.override.linger.ms"' in b for b in bodies)
    assert any('"consumer.override.enable.auto.commit"' in b for b in bodies)
    assert any('"admin.override.retries"' in b for b in bodies)
    assert any("ConfigException: Invalid value abc" in b for b in bodies)
    assert any("conflicts with Connect worker group" in b for b in bodies)
