"""Creates sent over a raw socket with odd Host headers: the answers a real worker and the mock must share."""

from __future__ import annotations

import json
import re
import socket

CASES: list[tuple[str, bytes, bytes]] = [
    ("plain", b"/connectors", b"Host: connect.example:8083\r\n"),
    ("escaped", b"/connectors", b"Host: c%6Fnnect.example\r\n"),
    ("space", b"/connectors", b"Host: bad host\r\n"),
    ("upper case, port 443", b"/connectors", b"Host: CONNECT.example:443\r\n"),
    ("ipv6, default port", b"/connectors", b"Host: [::1]:80\r\n"),
    ("blank", b"/connectors", b"Host: \r\n"),
    ("none", b"/connectors", b""),
    ("twice", b"/connectors", b"Host: a\r\nHost: b\r\n"),
    ("port not a number", b"/connectors", b"Host: h:abc\r\n"),
    ("underscore", b"/connectors", b"Host: h_x.example\r\n"),
    ("absolute target", b"http://other.example:9/connectors", b"Host: connect.example\r\n"),
    ("port over 65535", b"/connectors", b"Host: h:99999\r\n"),
    ("empty port", b"/connectors", b"Host: h:\r\n"),
    ("ipv6 without brackets", b"/connectors", b"Host: ::1\r\n"),
    ("trailing dot", b"/connectors", b"Host: h.example.\r\n"),
    ("port 0080", b"/connectors", b"Host: h:0080\r\n"),
    ("angle bracket", b"/connectors", b"Host: a<b\r\n"),
    ("unclosed bracket", b"/connectors", b"Host: [::1\r\n"),
]
"""Each case: its label, the request target, the Host lines."""

Answer = tuple[int, str | None]


def create(port: int, target: bytes, host_lines: bytes, name: str) -> tuple[int, str | None]:
    """POST ``target`` over HTTP/1.1 with these Host lines: the status and the Location, if any."""
    body = json.dumps(
        {
            "name": name,
            "config": {
                "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "topics": "mockconnect-host-probe",
                "file": "/dev/null",
            },
        }
    ).encode()
    request = (
        b"POST "
        + target
        + b" HTTP/1.1\r\n"
        + host_lines
        + b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head = received.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    location = next((line.split(":", 1)[1].strip() for line in head[1:] if line.lower().startswith("location:")), None)
    return status, location


def answers(port: int, prefix: str) -> dict[str, Answer]:
    """Every case's answer, the server's own port written ``<port>`` (it is in a blank Host's Location)."""
    found: dict[str, Answer] = {}
    for number, (label, target, lines) in enumerate(CASES):
        status, location = create(port, target, lines, f"{prefix}{number}")
        if location is not None:
            location = re.sub(rf":{port}/", ":<port>/", location)
        found[label] = (status, location)
    return found


def created_names(prefix: str) -> list[str]:
    return [f"{prefix}{number}" for number in range(len(CASES))]


def compare_with_worker(worker_port: int, worker_url: str, version: str) -> None:
    """The same cases against the real worker and a mock of its release: the same statuses and Locations.
    The connectors created on the worker are deleted again."""
    import requests

    from mockconnect.server import MockConnect

    prefix = "mchost-"
    try:
        expected = answers(worker_port, prefix)
        with MockConnect(kafka_version=version) as mock:
            assert answers(mock.port, prefix) == expected
    finally:
        for name in created_names(prefix):
            requests.delete(f"{worker_url}/connectors/{name}", timeout=30)
