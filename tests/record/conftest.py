"""Fixtures of the record tests: a served mock standing in for a user's cluster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from recording import SOURCE

from mockconnect.mock import scenario
from mockconnect.server import MockConnect


@pytest.fixture
def source() -> Iterator[MockConnect]:
    """A served mock of tests/record/cluster.yaml, with one logger level changed."""
    with MockConnect() as mock:
        mock.state.load_scenario(scenario.load(SOURCE))
        answer = requests.put(f"{mock.url}/admin/loggers/org.apache.kafka.connect", json={"level": "DEBUG"})
        assert answer.status_code == 200, answer.text
        yield mock
