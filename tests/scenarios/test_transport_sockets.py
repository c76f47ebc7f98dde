"""Transport faults over real sockets: what a client's HTTP library sees."""

from __future__ import annotations

import http.client
import socket
import time

import pytest
import requests

from mockconnect.testing import MockConnectFixture


def test_reset_is_a_connection_reset_and_the_server_serves_on(mockconnect: MockConnectFixture) -> None:
    mockconnect.add_fault(when={"operation": "listConnectors", "nth": 1}, reset=True)
    with pytest.raises(requests.ConnectionError) as failed:
        requests.get(f"{mockconnect.url}/connectors", timeout=5)
    assert isinstance(failed.value.args[0].args[1], ConnectionResetError)
    assert requests.get(f"{mockconnect.url}/connectors", timeout=5).json() == []


def test_empty_closes_without_an_answer(mockconnect: MockConnectFixture) -> None:
    mockconnect.add_fault(when={"operation": "listConnectors", "nth": 1}, empty=True)
    with pytest.raises(requests.ConnectionError) as failed:
        requests.get(f"{mockconnect.url}/connectors", timeout=5)
    assert isinstance(failed.value.args[0].args[1], http.client.RemoteDisconnected)
    assert [e.status for e in mockconnect.journal.calls("listConnectors")] == [0]


def test_malformed_is_a_well_framed_answer_with_a_body_that_is_not_json(mockconnect: MockConnectFixture) -> None:
    mockconnect.add_fault(when={"operation": "getWorkerInfo"}, malformed=True)
    answer = requests.get(f"{mockconnect.url}/", timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    with pytest.raises(requests.JSONDecodeError):
        answer.json()


def test_a_delay_trips_a_client_timeout(mockconnect: MockConnectFixture) -> None:
    mockconnect.add_fault(when={"operation": "listConnectors", "nth": 1}, delay=0.6)
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{mockconnect.url}/connectors", timeout=0.2)
    time.sleep(0.5)  # the held answer finishes on its server thread
    assert requests.get(f"{mockconnect.url}/connectors", timeout=5).status_code == 200


def test_a_timeout_fault_answers_500_after_its_wait(mockconnect: MockConnectFixture) -> None:
    mockconnect.add_fault(
        when={"operation": "listConnectors"}, timeout={"stage": "starting the connector", "after": 0.3}
    )
    started = time.perf_counter()
    answer = requests.get(f"{mockconnect.url}/connectors", timeout=5)
    assert time.perf_counter() - started >= 0.3
    assert answer.status_code == 500
    assert answer.json()["message"].startswith("Request timed out. The worker is currently starting the connector")


def test_dribble_sends_the_answer_in_pieces_over_its_duration(mockconnect: MockConnectFixture) -> None:
    mockconnect.add_fault(when={"operation": "getWorkerInfo"}, dribble={"chunks": 3, "duration": 0.6})
    with socket.create_connection((mockconnect.server.host, mockconnect.server.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        started = time.perf_counter()
        arrivals: list[tuple[float, bytes]] = []
        while data := sock.recv(65536):
            arrivals.append((time.perf_counter() - started, data))
    received = b"".join(data for _, data in arrivals)
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"200 OK" in head
    assert body.startswith(b'{"version":"3.7.0"')
    assert len(arrivals) >= 3
    assert arrivals[0][0] >= 0.15
    assert arrivals[-1][0] >= 0.55
