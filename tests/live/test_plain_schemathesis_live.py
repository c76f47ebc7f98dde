"""The plain schemathesis command on the shipped contract passes against a real Kafka 3.7.0 worker."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from plain_schemathesis import CONFIG_LINE, plain_schemathesis
from worker_levels import restore_levels

from mockconnect.live.worker import KafkaWorker, http_json

pytestmark = pytest.mark.live

MAX_EXAMPLES = "10"  # about 700 requests, about a minute against the real worker


def test_plain_schemathesis_passes_against_the_real_worker(kafka_worker: KafkaWorker) -> None:
    url = kafka_worker.url
    status, connectors_before = http_json("GET", f"{url}/connectors")
    assert status == 200
    status, levels_before = http_json("GET", f"{url}/admin/loggers")
    assert status == 200
    try:
        done = plain_schemathesis(url, "--max-examples", MAX_EXAMPLES, "--seed", "0")
        assert CONFIG_LINE in done.stdout
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    finally:
        # schemathesis creates connectors and changes logger levels: leave the session's worker as it was.
        _, connectors_after = http_json("GET", f"{url}/connectors")
        for name in set(connectors_after or []) - set(connectors_before):
            http_json("DELETE", f"{url}/connectors/{quote(name, safe='')}")
        restore_levels(url, levels_before)
