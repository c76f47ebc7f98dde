"""`mockconnect serve --kafka-version` and MockConnect(kafka_version=...)."""

from __future__ import annotations

import subprocess

import requests
import served

from mockconnect import MockConnect


def test_serve_emulates_the_release_asked_for() -> None:
    process = served.start("--kafka-version", "3.9")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "serving Kafka Connect 3.9.2 on http" in line
        url = line.rsplit(" ", 1)[1].strip()
        assert requests.get(url, timeout=10).json()["version"] == "3.9.2"
        assert requests.get(url + "/health", timeout=10).status_code == 200
    finally:
        served.stop(process)


def test_the_environment_names_the_release_too() -> None:
    process = served.start(env={"MOCKCONNECT_KAFKA_VERSION": "3.8.1"})
    try:
        assert process.stdout is not None
        assert "serving Kafka Connect 3.8.1 on" in process.stdout.readline()
    finally:
        served.stop(process)


def test_an_unknown_release_exits_2_and_lists_the_known_ones() -> None:
    done = subprocess.run([*served.MOCKCONNECT, "serve", "--kafka-version", "4.9"], capture_output=True, text=True)
    assert done.returncode == 2
    assert (
        "--kafka-version (or MOCKCONNECT_KAFKA_VERSION): unknown Kafka release '4.9': known releases are" in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_mock_connect_takes_a_release() -> None:
    with MockConnect(kafka_version="3.8") as mock:
        assert requests.get(mock.url, timeout=10).json() == {
            "version": "3.8.1",
            "commit": "70d6ff42debf7e17",
            "kafka_cluster_id": mock.state.cluster.identity.cluster_id,
        }
