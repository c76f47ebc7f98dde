"""A worker that refuses requests for a moment while a rebalance is expected (as real ones do after a
config change): the lifecycle sends each refused step again, says so in the report, and the cleanup
deletes what it was refused at first."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mockconnect.conformance.runner import Options, Runner, run
from mockconnect.server import MockConnect

EXPECTED = "Request cannot be completed because a rebalance is expected"
CONFLICT = "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"
PREFIX = "mcconf-rebal-"


def refusing_once(mock: MockConnect, refuse: Callable[[str, str], tuple[int, str] | None]) -> list[str]:
    """Wraps the mock so that the first request of each (method, path) that ``refuse`` picks is refused,
    before the mock sees it, with that status and text; returns the refused requests."""
    inner = mock.app.wsgi_app
    refused: list[str] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        answer = refuse(method, path)
        if answer is None or f"{method} {path}" in refused:
            return inner(environ, start_response)
        refused.append(f"{method} {path}")
        status, message = answer
        body = json.dumps({"error_code": status, "message": message}).encode()
        start_response(f"{status} Refused", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    mock.app.wsgi_app = app  # type: ignore[method-assign]
    return refused


@pytest.fixture
def target() -> Iterator[MockConnect]:
    with MockConnect() as served:
        yield served


def test_lifecycle_steps_refused_while_a_rebalance_is_expected_are_sent_again(
    target: MockConnect, tmp_path: Path
) -> None:
    put_config = f"/connectors/{PREFIX}put/config"

    def refuse(method: str, path: str) -> tuple[int, str] | None:
        if path == put_config:
            return (500, EXPECTED) if method == "GET" else (409, CONFLICT)
        return None

    refused = refusing_once(target, refuse)
    report = run(
        Options(
            target=target.url,
            compare_with_mock=True,
            phases=("lifecycle",),
            prefix=PREFIX,
            report_dir=tmp_path / "report",
        )
    )
    assert refused == [f"PUT {put_config}", f"GET {put_config}"]
    assert report.failures() == []
    assert report.exit_code == 0
    life = report.lifecycle_figures
    assert life["matched"] == life["compared"] == life["steps"]
    notes = [note for note in report.notes if "rebalance" in note]
    assert notes == [
        "the target refused 2 request(s) while a rebalance was expected; each was sent again until it "
        "was not: put.create (1x), put.config-after (1x)"
    ]
    assert "note: " + notes[0] in (tmp_path / "report" / "summary.txt").read_text()


def test_cleanup_deletes_again_what_it_was_refused_while_a_rebalance_was_expected(target: MockConnect) -> None:
    names = [PREFIX + "left-1", PREFIX + "left-2"]
    for name in names:
        config = {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "topics": "t"}
        created = requests.post(f"{target.url}/connectors", json={"name": name, "config": config}, timeout=10)
        assert created.status_code == 201
    refused = refusing_once(target, lambda method, path: (409, CONFLICT) if method == "DELETE" else None)
    runner = Runner(Options(target=target.url, prefix=PREFIX))
    runner._connect()
    try:
        runner._delete_owned(record=False)
    finally:
        runner._close()
    assert refused == [f"DELETE /connectors/{name}" for name in names]
    assert requests.get(f"{target.url}/connectors", timeout=10).json() == []
    assert runner.report.errors == []
    assert runner.refused_while_rebalancing["target"] == [f"cleanup DELETE /connectors/{name}" for name in names]


def test_fuzzed_requests_refused_while_a_rebalance_is_expected_are_sent_again(
    target: MockConnect, tmp_path: Path
) -> None:
    refused = refusing_once(
        target, lambda method, path: (409, CONFLICT) if (method, path) == ("POST", "/connectors") else None
    )
    report = run(
        Options(
            target=target.url,
            compare_with_mock=True,
            phases=("examples",),
            max_examples=2,
            prefix=PREFIX,
            report_dir=tmp_path / "report",
        )
    )
    assert refused == ["POST /connectors"]
    creates = [r for r in report.results if r.kind == "fuzz" and r.operation == "createConnector"]
    assert creates
    assert all(r.verdict != "diverged" for r in creates), [r.diff for r in creates]
    assert [note for note in report.notes if "rebalance" in note] == [
        "the target refused 1 request(s) while a rebalance was expected; each was sent again until it was not: "
        + next(r.name for r in creates)
        + " (1x)"
    ]
