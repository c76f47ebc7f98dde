"""Kafka 4.1.2's rules (plugin versions in statuses, plugin configs and validate; log levels), each against
4.0.2's. Every expected answer is one the recorded 4.1.2 worker gave (tests/live/recorded/kafka-4.1.2)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mockconnect import create_app
from mockconnect.mock.state import MockState
from mockconnect.release import get_release
from mockconnect.worker.cluster import ConnectCluster
from mockconnect.worker.errors import ConnectError, NotFound


def worker(version: str) -> ConnectCluster:
    return ConnectCluster(release=get_release(version))


def client(version: str) -> FlaskClient:
    return create_app(MockState(worker(version))).test_client()


# -- loggers -----------------------------------------------------------------------------------------


def test_an_empty_log_level_is_a_500_from_4_1() -> None:
    logger = "org.apache.kafka.connect.runtime.WorkerSourceTask"
    for scope in (None, "cluster"):
        with pytest.raises(ConnectError, match=r"^Illegal null or empty Level name\.$") as raised:
            worker("4.1.2").set_level(logger, {"level": ""}, scope)
        assert type(raised.value) is ConnectError  # a 500, not a 404
    with pytest.raises(NotFound, match=r"^invalid log level ' '\.$"):  # blank is still a level log4j2 lacks
        worker("4.1.2").set_level(logger, {"level": " "})
    with pytest.raises(NotFound, match=r"^invalid log level ''\.$"):
        worker("4.0.2").set_level(logger, {"level": ""})
    answer = client("4.1.2").put(f"/admin/loggers/{logger}", json={"level": ""})
    assert (answer.status_code, answer.get_json()) == (
        500,
        {"error_code": 500, "message": "Illegal null or empty Level name."},
    )
