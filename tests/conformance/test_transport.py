"""The guard at the transport: the runner's own sessions and any other ``requests`` session of the process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mockconnect.conformance.policy import HARMLESS_CONNECTOR, Refused, SafetyPolicy
from mockconnect.conformance.transport import Guard, guard_process, make_session
from mockconnect.mock.journal import Entry
from mockconnect.server import MockConnect

P = "mcconf-transport-"


@pytest.fixture
def mock() -> Iterator[MockConnect]:
    with MockConnect() as served:
        yield served


def config(name: str) -> dict[str, str]:
    return {"connector.class": HARMLESS_CONNECTOR, "topics": "t", "name": name, "file": "/tmp/x"}


def test_the_runner_session_rewrites_before_sending(mock: MockConnect) -> None:
    guard = Guard(SafetyPolicy(prefix=P, origins=(mock.url,)))
    session = make_session(guard)
    answer = session.post(mock.url + "/connectors", json={"name": "victim", "config": config("victim")})
    assert answer.status_code == 201
    assert answer.json()["name"] == P + "victim"
    assert answer.json()["config"]["topics"] == P + "t"
    assert list(mock.state.cluster.connectors) == [P + "victim"]
    assert guard.ledger.rewritten == 1
    assert guard.writes_outside() == []


def test_refusals_never_reach_the_server(mock: MockConnect) -> None:
    seen: list[Entry] = []
    mock.journal.subscribe(seen.append)
    guard = Guard(SafetyPolicy(prefix=P, read_only=True, origins=(mock.url,)))
    session = make_session(guard)
    with pytest.raises(Refused):
        session.delete(mock.url + "/connectors/anything")
    with pytest.raises(Refused):
        session.get("http://127.0.0.2:9/")  # not a target of the run
    assert seen == []
    assert sum(guard.ledger.refused.values()) == 2


def test_guard_process_catches_sessions_it_did_not_make(mock: MockConnect) -> None:
    mock.state.cluster.connectors.clear()
    guard = Guard(SafetyPolicy(prefix=P, origins=(mock.url,)))
    observed: list[str] = []
    foreign = requests.Session()  # as schemathesis makes its own
    foreign.trust_env = False
    with guard_process(guard, lambda request, response: observed.append(f"{request.method} {response.status_code}")):
        answer = foreign.put(mock.url + "/connectors/victim/config", json=config("victim"))
        assert answer.status_code == 201
        with pytest.raises(Refused):
            foreign.post(mock.url + "/_mockconnect/reset")
    assert list(mock.state.cluster.connectors) == [P + "victim"]
    assert observed == ["PUT 201"]
    # Outside the block the patch is gone.
    assert foreign.get(mock.url + "/connectors").status_code == 200
    assert observed == ["PUT 201"]
