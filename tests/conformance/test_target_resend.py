"""A worker that closes a kept-alive connection as the next request goes out: the runner sends that request
once more on a new connection and says so; a reset, or a second close, is still an error naming the request."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from mockconnect.conformance.policy import SafetyPolicy
from mockconnect.conformance.targets import Target
from mockconnect.conformance.transport import Guard

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    return data


def _serve(listener: socket.socket, plan: list[str]) -> None:
    """One connection per step of ``plan``: "answer-then-close" answers one request, then reads the next
    and closes without answering; "close" reads one request and closes; "answer" answers every request."""
    for step in plan:
        conn, _ = listener.accept()
        with conn:
            if step == "answer-then-close":
                _read_request(conn)
                conn.sendall(ANSWER)
                _read_request(conn)
            elif step == "close":
                _read_request(conn)
            else:
                while _read_request(conn):
                    conn.sendall(ANSWER)


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0))
    thread = threading.Thread(target=_serve, args=(listener, request.param), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def _target(url: str) -> Target:
    return Target.connect("target", url, Guard(SafetyPolicy(prefix="mcconf-1-", origins=(url,))), timeout=5)


@pytest.mark.parametrize("server", [["answer-then-close", "answer"]], indirect=True)
def test_a_request_the_server_closed_on_is_sent_again_once(server: str) -> None:
    target = _target(server)
    assert target.request("GET", "/").status == 200
    assert target.request("GET", "/connectors").status == 200
    assert target.resent == ["GET /connectors"]


@pytest.mark.parametrize("server", [["answer-then-close", "close"]], indirect=True)
def test_a_second_close_is_an_error_naming_the_request(server: str) -> None:
    target = _target(server)
    assert target.request("GET", "/").status == 200
    with pytest.raises(requests.ConnectionError, match=r"^target: GET /connectors: "):
        target.request("GET", "/connectors")
    assert target.resent == ["GET /connectors"]
