"""A served mock idles without spinning a core, stops promptly and quietly, and keeps a 204's connection open."""

from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import threading
import time
from pathlib import Path

import pytest
import served
from certificates import make_certificate

from mockconnect.server import MockConnect

IDLE_SECONDS = 3.0
MAX_IDLE_SHARE = 0.03
"""At most 3% of one core while nobody calls; a poll loop with a zero timeout burns ~100%."""
SINK = {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "topics": "t"}

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process CPU time from /proc")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, all its threads, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_share(pid: int) -> float:
    """The share of one core ``pid`` used over IDLE_SECONDS of nobody calling it."""
    before = cpu_seconds(pid)
    time.sleep(IDLE_SECONDS)
    return (cpu_seconds(pid) - before) / IDLE_SECONDS


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_idle_serve_uses_no_cpu_and_stops_promptly(tls: bool, tmp_path: Path) -> None:
    args: list[str] = []
    if tls:
        made = make_certificate(tmp_path)
        if made is None:
            pytest.skip("no way to make a certificate here")
        args = ["--certfile", str(made[0]), "--keyfile", str(made[1])]
    process = served.start(*args)
    try:
        served.ready(process)
        time.sleep(0.5)  # start-up work is not idling
        share = idle_share(process.pid)
        assert share <= MAX_IDLE_SHARE, f"an idle `mockconnect serve` used {share:.0%} of a core"
        began = time.monotonic()
        served.stop(process)
        assert time.monotonic() - began < 3.0, "stop took longer than the poll timeout allows"
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_idle_mock_on_a_thread_uses_no_cpu_and_stops_promptly() -> None:
    """MockConnect on a thread, as behind the pytest fixture: this process must idle too."""
    mock = MockConnect().start()
    try:
        time.sleep(0.5)
        share = idle_share(os.getpid())
        assert share <= MAX_IDLE_SHARE, f"an idle MockConnect thread used {share:.0%} of a core"
    finally:
        began = time.monotonic()
        mock.stop()
        assert time.monotonic() - began < 3.0


def test_stop_while_connections_are_being_served_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    """Stopping while keep-alive connections are busy: no traceback, no thread left, the trigger closed.

    Task threads finishing a request wake the loop through waitress's trigger; it used to be closed
    before them, and each late wake-up logged ``OSError: [Errno 9] Bad file descriptor``."""
    caplog.set_level(logging.WARNING, logger="waitress")
    for _ in range(8):
        mock = MockConnect().start()
        stop = threading.Event()

        def call(port: int = mock.port, stop: threading.Event = stop) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            while not stop.is_set():
                try:
                    conn.request("GET", "/connectors?expand=status")
                    conn.getresponse().read()
                except (OSError, http.client.HTTPException):
                    return

        callers = [threading.Thread(target=call) for _ in range(4)]
        for caller in callers:
            caller.start()
        time.sleep(0.1)
        began = time.monotonic()
        mock.stop()
        assert time.monotonic() - began < 3.0
        stop.set()
        for caller in callers:
            caller.join()
        assert not mock._server.task_dispatcher.threads
        assert mock._server.trigger._closed
    # A request still queued when the loop stops is cancelled, with a warning; nothing may fail.
    failures = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    assert failures == []


def _exchange(sock: socket.socket, method: str, path: str, body: object = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on an open socket, and its answer read by Content-Length."""
    data = b"" if body is None else json.dumps(body).encode()
    head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(data)}\r\n"
    if body is not None:
        head += "Content-Type: application/json\r\n"
    sock.sendall(head.encode() + b"\r\n" + data)
    raw = b""
    while b"\r\n\r\n" not in raw:
        chunk = sock.recv(65536)
        assert chunk, f"the server closed the connection before answering {method} {path}"
        raw += chunk
    header, _, rest = raw.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        rest += sock.recv(65536)
    return status, headers, rest


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/connectors/s"),
        ("POST", "/connectors/s/restart"),
        ("POST", "/connectors/s/tasks/0/restart"),
        ("PUT", "/connectors/s/stop"),
    ],
)
def test_a_204_keeps_the_connection_open(method: str, path: str) -> None:
    with MockConnect() as mock, socket.create_connection(("127.0.0.1", mock.port), timeout=10) as sock:
        assert _exchange(sock, "POST", "/connectors", {"name": "s", "config": SINK})[0] == 201
        status, headers, body = _exchange(sock, method, path)
        assert (status, body) == (204, b"")
        assert headers.get("connection", "").lower() != "close"
        status, _, body = _exchange(sock, "GET", "/")  # the same connection, still open
        assert status == 200
        assert json.loads(body)["version"] == "3.7.0"


def test_a_client_that_asks_to_close_is_closed_after_a_204() -> None:
    with MockConnect() as mock, socket.create_connection(("127.0.0.1", mock.port), timeout=10) as sock:
        assert _exchange(sock, "POST", "/connectors", {"name": "s", "config": SINK})[0] == 201
        sock.sendall(b"DELETE /connectors/s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 204")
