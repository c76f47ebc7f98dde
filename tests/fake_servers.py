"""Small fake servers on loopback for the runner's wrong-target tests: each misbehaves in one way."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = Callable[[str, str], tuple[int, dict[str, str], bytes]]
"""(method, path) -> (status, headers, body)."""

IDENTITY = {"version": "3.7.0", "commit": "2ae524ed625438c5", "kafka_cluster_id": "fake-cluster"}


def empty_object(method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """200 ``{}`` to everything: a generic JSON service, no Kafka Connect worker."""
    return 200, {"Content-Type": "application/json"}, b"{}"


def unauthorised(method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """Kafka's BasicAuthSecurityRestExtension without credentials."""
    body = json.dumps({"error_code": 401, "message": "Credentials were not provided"}).encode()
    return 401, {"Content-Type": "application/json", "WWW-Authenticate": 'Basic realm="connect"'}, body


def half_a_worker(method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """Looks like a worker at ``/`` and ``/connectors``, answers ``200 {}`` to everything else: never converges."""
    if method == "GET" and path == "/":
        return 200, {"Content-Type": "application/json"}, json.dumps(IDENTITY).encode()
    if method == "GET" and path.split("?")[0] == "/connectors":
        return 200, {"Content-Type": "application/json"}, b"[]"
    return empty_object(method, path)


@contextmanager
def serving(reply: Reply) -> Iterator[str]:
    """An HTTP server answering every request with ``reply``; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            status, headers, body = reply(self.command, self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_TRACE = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def hanging() -> Iterator[str]:
    """Accepts connections, reads the request and never answers; yields its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        for connection in held:
            connection.close()
        listener.close()
