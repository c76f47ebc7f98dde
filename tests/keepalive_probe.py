"""Requests over a kept-alive connection: after which answers a worker closes the connection, and
whether it says so first (``Connection: close``). Shared by the live gate and the mock's own test."""

from __future__ import annotations

import select
import socket

Outcome = tuple[int, bool, bool]
"""(status, whether the answer says ``Connection: close``, whether the connection was closed after it)."""

CASES: list[tuple[str, bytes]] = [
    ("answered", b"GET /connectors HTTP/1.1\r\nHost: h\r\n\r\n"),
    ("unknown route", b"GET /nope HTTP/1.1\r\nHost: h\r\n\r\n"),
    ("unknown connector", b"GET /connectors/nope/status HTTP/1.1\r\nHost: h\r\n\r\n"),
    (
        "malformed body",
        b"PUT /connectors/nope/config HTTP/1.1\r\nHost: h\r\nContent-Type: application/json"
        b'\r\nContent-Length: 9\r\n\r\n{"name": ',
    ),
    ("empty segment", b"GET /connectors//status HTTP/1.1\r\nHost: h\r\n\r\n"),
    ("empty segment, PUT", b"PUT /connectors//pause HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"),
    ("encoded slash", b"GET /connectors/a%2Fb HTTP/1.1\r\nHost: h\r\n\r\n"),
    ("encoded dot-dot", b"GET /connectors/%2E%2E/status HTTP/1.1\r\nHost: h\r\n\r\n"),
    ("encoded percent", b"GET /connectors/a%25b HTTP/1.1\r\nHost: h\r\n\r\n"),
    ("no Host", b"GET /connectors HTTP/1.1\r\n\r\n"),
    ("two Hosts", b"GET /connectors HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
    ("blank Host", b"GET /connectors HTTP/1.1\r\nHost: \r\n\r\n"),
    ("Host port not a number", b"GET /connectors HTTP/1.1\r\nHost: h:abc\r\n\r\n"),
    ("Host with a space", b"GET /connectors HTTP/1.1\r\nHost: bad host\r\n\r\n"),
    ("authority not the Host", b"GET http://other:9/connectors HTTP/1.1\r\nHost: h\r\n\r\n"),
    ("no Host, PUT", b"PUT /connectors/x/pause HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
    ("bad escape", b"GET /connectors/a%zz HTTP/1.1\r\nHost: h\r\n\r\n"),
    ("dot-dot above the root", b"GET /connectors/../../x HTTP/1.1\r\nHost: h\r\n\r\n"),
    (
        "unparsable Content-Type",
        b"PUT /connectors/x/pause HTTP/1.1\r\nHost: h\r\nContent-Type: ;;\r\nContent-Length: 0\r\n\r\n",
    ),
    ("HTTP/1.0 keep-alive", b"GET /connectors HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
]
"""Each case: its label and the whole request (no ``Connection`` header: the connection is meant to stay)."""


def read_message(sock: socket.socket) -> bytes:
    """One whole HTTP message: its head is returned (what came if the peer closed first), its body read too."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    fields = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        fields[name.strip().lower()] = value.strip().lower()
    if b"content-length" in fields:
        while len(body) < int(fields[b"content-length"]):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    elif fields.get(b"transfer-encoding") == b"chunked":
        while not body.endswith(b"0\r\n\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return head


def outcome(port: int, request: bytes, wait: float = 1.0) -> Outcome:
    """Send ``request`` on a new connection; the answer's status and whether the connection then closed."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        head = read_message(sock)
        status = int(head.split(b" ", 2)[1])
        says_close = any(
            line.lower().startswith(b"connection:") and b"close" in line.lower() for line in head.split(b"\r\n")[1:]
        )
        readable, _, _ = select.select([sock], [], [], wait)
        closed = bool(readable) and sock.recv(1) == b""
        return status, says_close, closed


def outcomes(port: int, wait: float = 1.0) -> dict[str, Outcome]:
    """Every case's outcome; ``wait`` is how long a connection may take to close after its answer."""
    return {label: outcome(port, request, wait) for label, request in CASES}


def compare_with_worker(worker_port: int, version: str) -> None:
    """Every case against the real worker and a mock of its release: the same status, header and close."""
    from mockconnect.server import MockConnect

    expected = outcomes(worker_port)
    with MockConnect(kafka_version=version) as mock:
        assert outcomes(mock.port) == expected
