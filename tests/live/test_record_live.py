"""``mockconnect record`` against a real Kafka 3.7.0 worker: the mock serving the recording answers
every GET the recording covers as the worker does (after the conformance runner's normalisation),
and the recorded connectors can then be paused, stopped, have their offsets altered and be deleted
on the mock and on the worker alike.

The worker gets connectors in several states first: a running sink (with a password among its
keys), a paused source and a stopped source with committed offsets, and a sink whose task failed
(its file is in a folder that does not exist).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from recording import compare_gets, covered_paths, serve_file

from mockconnect.conformance.normalise import Answer, normalise
from mockconnect.live.worker import KafkaWorker, http_json
from mockconnect.record.cli import dump
from mockconnect.record.recorder import Options, problems_of, record
from mockconnect.record.secrets import REDACTED

pytestmark = pytest.mark.live

PREFIX = "mcrec-"
SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
SECRET = "LIVE-PASSWORD-must-not-leak"


def wait_for(what: str, check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not get there in {timeout:g} s: {what}")
        time.sleep(0.5)


def status(url: str, name: str) -> dict[str, Any]:
    code, body = http_json("GET", f"{url}/connectors/{name}/status")
    return body if code == 200 and isinstance(body, dict) else {}


def states(url: str, name: str) -> tuple[str | None, list[str]]:
    body = status(url, name)
    return (body.get("connector") or {}).get("state"), [task["state"] for task in body.get("tasks", [])]


def create(url: str, name: str, config: dict[str, str]) -> None:
    code, body = http_json("POST", f"{url}/connectors", {"name": name, "config": config})
    assert code == 201, body


def offsets(url: str, name: str) -> list[Any]:
    code, body = http_json("GET", f"{url}/connectors/{name}/offsets")
    return body.get("offsets", []) if code == 200 and isinstance(body, dict) else []


@pytest.fixture
def populated(kafka_worker: KafkaWorker) -> Iterator[str]:
    """The worker with the test's connectors in their states; they are deleted afterwards."""
    url = kafka_worker.url
    assert kafka_worker.run_dir is not None
    data = kafka_worker.run_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    lines = data / "mcrec-lines.txt"
    lines.write_text("".join(f"line {n}\n" for n in range(20)), encoding="utf-8")
    try:
        create(
            url,
            f"{PREFIX}running",
            {
                "connector.class": SINK,
                "topics": "mcrec-topic",
                "file": str(data / "mcrec-sink.txt"),
                "tasks.max": "2",
                "connection.password": SECRET,
            },
        )
        for name in ("paused", "stopped"):
            create(url, f"{PREFIX}{name}", {"connector.class": SOURCE, "topic": f"mcrec-{name}", "file": str(lines)})
        create(
            url, f"{PREFIX}failed", {"connector.class": SINK, "topics": "mcrec-topic", "file": "/nonexistent-mcrec/x"}
        )
        for name in ("paused", "stopped"):
            wait_for(f"{name} has offsets", lambda name=name: bool(offsets(url, f"{PREFIX}{name}")))  # type: ignore[misc]
        assert http_json("PUT", f"{url}/connectors/{PREFIX}paused/pause")[0] == 202
        assert http_json("PUT", f"{url}/connectors/{PREFIX}stopped/stop")[0] == 204
        wait_for("running", lambda: states(url, f"{PREFIX}running") == ("RUNNING", ["RUNNING", "RUNNING"]))
        wait_for("paused", lambda: states(url, f"{PREFIX}paused") == ("PAUSED", ["PAUSED"]))
        wait_for("stopped", lambda: states(url, f"{PREFIX}stopped") == ("STOPPED", []))
        wait_for("failed", lambda: states(url, f"{PREFIX}failed")[1] == ["FAILED"])
        yield url
    finally:
        _, names = http_json("GET", f"{url}/connectors")
        for name in names if isinstance(names, list) else []:
            if name.startswith(PREFIX):
                http_json("DELETE", f"{url}/connectors/{name}")


def test_a_recording_of_a_real_worker_replays_and_can_be_driven(populated: str, tmp_path: Path) -> None:
    url = populated
    redacted = record(Options(url=url, loggers=True))
    assert SECRET not in dump(redacted.data, ".json")
    assert redacted.data["state"]["connectors"][f"{PREFIX}running"]["config"]["connection.password"] == REDACTED
    assert problems_of(redacted.data) == []

    recording = record(Options(url=url, loggers=True, keep_secrets=True))
    assert recording.warnings == []
    assert problems_of(recording.data) == []
    recorded = recording.data["state"]["connectors"]
    assert recorded[f"{PREFIX}stopped"]["target_state"] == "STOPPED"
    assert recorded[f"{PREFIX}stopped"]["offsets"]
    assert recorded[f"{PREFIX}paused"]["target_state"] == "PAUSED"
    assert recorded[f"{PREFIX}failed"]["tasks"][0]["status"]["trace"]
    path = tmp_path / "live.yaml"
    path.write_text(dump(recording.data, ".yaml"), encoding="utf-8")

    mock = serve_file(path)
    try:
        paths = covered_paths(url)
        assert sorted(covered_paths(mock.url)) == sorted(paths)
        assert compare_gets(url, mock.url, paths) == []
        sys.stdout.write(
            f"\n{len(paths)} GETs compared, {recording.requests} requests recorded in {recording.seconds:.2f} s\n"
        )

        # Now drive both the same way: the answers agree, and so do the states they lead to.
        steps: list[tuple[str, str, Any]] = [
            ("PUT", f"/connectors/{PREFIX}running/pause", None),
            ("PUT", f"/connectors/{PREFIX}paused/stop", None),
            (
                "PATCH",
                f"/connectors/{PREFIX}stopped/offsets",
                {"offsets": [{"partition": {"filename": recorded_file(recorded)}, "offset": {"position": 3}}]},
            ),
            ("DELETE", f"/connectors/{PREFIX}failed", None),
        ]
        for method, step, body in steps:
            real = http_json(method, url + step, body)
            mocked = http_json(method, mock.url + step, body)
            assert normalised(real) == normalised(mocked), (method, step, real, mocked)
        wait_for("paused", lambda: states(url, f"{PREFIX}running") == ("PAUSED", ["PAUSED", "PAUSED"]))
        wait_for("stopped", lambda: states(url, f"{PREFIX}paused") == ("STOPPED", []))
        wait_for("deleted", lambda: http_json("GET", f"{url}/connectors/{PREFIX}failed")[0] == 404)
        after = [
            "/connectors",
            *(f"/connectors/{PREFIX}{name}/status" for name in ("running", "paused", "stopped", "failed")),
            f"/connectors/{PREFIX}stopped/offsets",
        ]
        assert compare_gets(url, mock.url, after) == []
    finally:
        mock.stop()


def recorded_file(connectors: dict[str, Any]) -> str:
    partition = connectors[f"{PREFIX}stopped"]["offsets"][0]["partition"]
    filename: str = partition["filename"]
    return filename


def normalised(answer: tuple[int, Any]) -> dict[str, Any]:
    code, body = answer
    return normalise(Answer(code, None, None, json.dumps(body) if body is not None else ""), None, "")
