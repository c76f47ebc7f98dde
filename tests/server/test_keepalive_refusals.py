"""After which answers the served mock ends a kept-alive connection, and whether it says so first, as the
real workers recorded in tests/live/recorded/kafka-*/keepalive.json do (raw sockets, tests/keepalive_probe.py):
every release after refusing a Host (with ``Connection: close``) or a URI Jetty cannot parse (Jetty 9 says
so, Jetty 12 does not); Kafka 4.x also after an ambiguous path (4.0 and 4.1 say so, 4.2 on do not). Any
other answer leaves the connection open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from keepalive_probe import CASES, outcomes

from mockconnect.server import MockConnect

RECORDED = Path(__file__).parent.parent / "live" / "recorded"
VERSIONS = sorted(p.parent.name.removeprefix("kafka-") for p in RECORDED.glob("kafka-*/keepalive.json"))


def test_the_recordings_cover_jetty_9_and_jetty_12_and_every_case() -> None:
    assert {"3.6.2", "3.7.0", "4.0.2", "4.1.2", "4.2.2", "4.3.2", "4.4.0"} <= set(VERSIONS)
    for version in VERSIONS:
        recorded = json.loads((RECORDED / f"kafka-{version}" / "keepalive.json").read_text())
        assert set(recorded["cases"]) == {label for label, _ in CASES}


@pytest.mark.parametrize("version", VERSIONS)
def test_the_mock_ends_a_connection_where_the_recorded_worker_did(version: str) -> None:
    recorded = json.loads((RECORDED / f"kafka-{version}" / "keepalive.json").read_text())["cases"]
    expected = {
        label: (row["status"], row["connection_close_header"], row["closed_after"]) for label, row in recorded.items()
    }
    with MockConnect(kafka_version=version) as mock:
        assert outcomes(mock.port, wait=0.5) == expected
    # The recordings are not all alike: some answers end the connection, most do not.
    assert {closed for _, _, closed in expected.values()} == {True, False}
