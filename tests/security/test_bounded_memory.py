"""What the mock keeps per request stays bounded: journal entries, their bodies and tracebacks."""

from __future__ import annotations

import gc
import json
import logging

import pytest
from helpers import source_config

from mockconnect.http.app import JOURNAL_BODY_LIMIT, create_app
from mockconnect.mock.state import MockState
from mockconnect.server import MockConnect


def test_the_journal_keeps_at_most_its_limit() -> None:
    state = MockState(journal_limit=5)
    client = create_app(state).test_client()
    for _ in range(12):
        client.get("/connectors")
    assert len(state.journal) == 5
    assert state.journal.evicted == 7


@pytest.mark.parametrize("direct", [True, False], ids=["direct path", "through Flask"])
def test_journaled_bodies_are_kept_as_bytes_not_as_object_trees(direct: bool) -> None:
    """A parsed listing is hundreds of objects the garbage collector walks while the entry lives;
    the journal keeps the bytes that were sent and parses them when asked."""
    state = MockState()
    client = create_app(state, direct=direct).test_client()
    for i in range(10):
        client.post("/connectors", json={"name": f"c{i}", "config": source_config(**{"tasks.max": "3"})})
    listing = "/connectors?expand=status&expand=info"
    client.get(listing)
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(200):
        answer = client.get(listing)
    gc.collect()
    per_entry = (len(gc.get_objects()) - before) / 200
    assert per_entry < 15, per_entry  # a listing of 10 connectors held as parsed JSON is over 150
    entry = state.journal.entries()[-1]
    assert entry.response_body == json.loads(answer.data)
    entry.response_body["c0"]["info"]["config"]["tasks.max"] = "9"  # a reader's change stays its own
    assert entry.response_body == json.loads(answer.data)
    created = state.journal.entries()[0]
    assert created.request_body == {"name": "c0", "config": source_config(**{"tasks.max": "3"})}


def test_large_request_and_response_bodies_are_journaled_as_their_size() -> None:
    state = MockState()
    client = create_app(state).test_client()
    padding = "x" * (JOURNAL_BODY_LIMIT + 1000)
    created = client.post("/connectors", json={"name": "big", "config": source_config(padding=padding)})
    assert created.status_code == 201
    read_answer = client.get("/connectors/big/config")
    assert read_answer.get_json()["padding"] == padding
    create, read = state.journal.entries()
    assert isinstance(create.request_body, str)
    assert create.request_body.endswith(" bytes, not kept>")
    assert create.response_body == f"<{len(created.data)} bytes, not kept>"
    assert read.response_body == f"<{len(read_answer.data)} bytes, not kept>"


def test_small_bodies_are_kept_whole() -> None:
    state = MockState()
    client = create_app(state).test_client()
    client.post("/connectors", json={"name": "small", "config": source_config()})
    entry = state.journal.entries()[0]
    assert entry.request_body == {"name": "small", "config": source_config()}
    assert isinstance(entry.response_body, dict)
    assert entry.response_body["name"] == "small"


@pytest.mark.parametrize("direct", [True, False], ids=["direct path", "through Flask"])
def test_a_traceback_is_kept_to_the_limit(caplog: pytest.LogCaptureFixture, direct: bool) -> None:
    state = MockState()
    app = create_app(state, direct=direct)

    def deep(n: int) -> None:
        if n == 0:
            raise RuntimeError("x" * (2 * JOURNAL_BODY_LIMIT))
        deep(n - 1)

    state.cluster.list_connectors = lambda *args: deep(50)  # type: ignore[method-assign]
    with caplog.at_level(logging.CRITICAL, logger="mockconnect"):
        assert app.test_client().get("/connectors").status_code == 500
    error = state.journal.entries()[0].error
    assert error is not None
    assert len(error) == JOURNAL_BODY_LIMIT


def test_connections_are_bounded_by_waitress() -> None:
    """Per-connection state: waitress refuses connections past its limit and closes idle ones."""
    with MockConnect() as mock:
        adj = mock._server.adj
        assert adj.connection_limit == 100
        assert adj.channel_timeout == 120
        assert adj.inbuf_overflow <= 1024 * 1024  # request bodies past this go to a temporary file
