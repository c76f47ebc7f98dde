"""A worker that closes a kept-alive connection as the next request goes out: the runner sends that request
once more on a new connection and says so (after a reset, only an idempotent one); a second close, or a
reset under a POST, is still an error naming the request."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator

import pytest
import requests
from keepalive_probe import read_message

from mockconnect.conformance.policy import SafetyPolicy
from mockconnect.conformance.targets import Target
from mockconnect.conformance.transport import Guard

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


def _serve(listener: socket.socket, plan: list[str]) -> None:
    """One connection per step of ``plan``: "answer-then-close" answers one request, then reads the next
    and closes without answering ("answer-then-reset": resets it); "close" reads one request and closes;
    "answer" answers every request."""
    for step in plan:
        try:
            conn, _ = listener.accept()
        except OSError:  # the test ended without using every step; its fixture closed the listener
            return
        with conn:
            if step in ("answer-then-close", "answer-then-reset"):
                read_message(conn)
                conn.sendall(ANSWER)
                read_message(conn)
                if step == "answer-then-reset":  # a zero linger time: close() sends RST
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            elif step == "close":
                read_message(conn)
            else:
                while read_message(conn):
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


@pytest.mark.parametrize("server", [["answer-then-reset", "answer"]], indirect=True)
def test_an_idempotent_request_the_server_reset_is_sent_again_once(server: str) -> None:
    target = _target(server)
    assert target.request("GET", "/").status == 200
    assert target.request("PUT", "/connectors/mcconf-1-c/config", body={}).status == 200
    assert target.resent == ["PUT /connectors/mcconf-1-c/config"]


@pytest.mark.parametrize("server", [["answer-then-reset", "answer"]], indirect=True)
def test_a_post_the_server_reset_is_an_error(server: str) -> None:
    target = _target(server)
    assert target.request("GET", "/").status == 200
    with pytest.raises(requests.ConnectionError, match=r"^target: POST /connectors: "):
        target.request("POST", "/connectors", body={"name": "mcconf-1-c", "config": {}})
    assert target.resent == []
