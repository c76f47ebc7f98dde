"""Transport faults: delays, dropped connections, malformed bodies and slow dribbles, below Flask.

Flask decides which faults fire on a request (``http/fault_effects.py``) and leaves a :class:`Wire` in the
WSGI environ. :class:`TransportFaults`, the outermost WSGI layer, then holds the finished answer
back, garbles it, dribbles it out, or drops the connection. Under waitress, :class:`FaultChannel`
makes a drop real: nothing is written and the socket is closed, with a TCP reset (``SO_LINGER`` 0)
or a plain close. Without a socket (the Flask test client), a drop raises
:class:`ConnectionDropped` into the test instead.

The same task also closes a connection after an answer where Jetty does (``CLOSE_AFTER``): after
refusing a Host, saying so first with ``Connection: close``, and, from Kafka 4.0 (Jetty 12), after
refusing an ambiguous path, without a word.

Delays and dribbles take real time, because it is the client that measures them; everything the
worker itself does over time runs on the mock's clock.
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from waitress.channel import HTTPChannel
from waitress.task import WSGITask

WIRE = "mockconnect.wire"
"""The environ key Flask leaves a :class:`Wire` under when a fault shapes the answer on the wire."""
_FLUSH = "mockconnect.flush"
CLOSE_AFTER = "mockconnect.close_after"
"""The environ key the HTTP layer sets when the connection ends with this answer: ``ANNOUNCED``
(with a ``Connection: close`` header) or ``SILENT`` (no header; the client finds it closed)."""
ANNOUNCED, SILENT = "announced", "silent"

StartResponse = Callable[..., Any]


class ConnectionDropped(ConnectionError):
    """A fault dropped the connection: waitress resets or closes the socket; a test client sees this."""

    def __init__(self, fault: str, reset: bool) -> None:
        what = "reset the connection" if reset else "closed the connection without an answer"
        super().__init__(f"mockconnect: fault {fault!r} {what}")
        self.fault = fault
        self.reset = reset


@dataclass(slots=True)
class Wire:
    """What happens to one answer between the worker and the client."""

    delay: float = 0.0
    drop: str | None = None
    """The id of the fault that drops the connection."""
    reset: bool = True
    malformed: bytes | None = None
    """The body to send instead (empty: the first half of the real one)."""
    chunks: int = 0
    duration: float = 0.0

    @property
    def active(self) -> bool:
        return bool(self.delay or self.drop or self.malformed is not None or self.chunks)


class TransportFaults:
    """The WSGI layer that carries out a :class:`Wire`; every other answer passes untouched."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started: list[Any] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            started[:] = [status, headers, exc_info]
            return _no_write

        result = self.app(environ, hold)
        wire: Wire | None = environ.get(WIRE)
        if wire is None or not wire.active:
            start_response(*started)
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if wire.delay > 0:
            time.sleep(wire.delay)
        if wire.drop is not None:
            raise ConnectionDropped(wire.drop, wire.reset)
        status, headers, exc_info = started
        if wire.malformed is not None and body:
            body = wire.malformed or body[: len(body) // 2]
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers, exc_info)
        if wire.chunks and body:
            environ[_FLUSH] = True
            return _dribble(body, wire.chunks, wire.duration)
        return [body]


def _no_write(data: bytes) -> None:
    raise RuntimeError("mockconnect's views return their bodies; the WSGI write() callable is not used")


def _dribble(body: bytes, chunks: int, duration: float) -> Iterator[bytes]:
    size = -(-len(body) // chunks)  # ceiling division: at most ``chunks`` pieces
    pause = duration / chunks
    for start in range(0, len(body), size):
        time.sleep(pause)
        yield body[start : start + size]


class FaultTask(WSGITask):  # type: ignore[misc]
    """waitress's WSGI task, able to drop its connection and to flush each piece of a dribble."""

    _bodiless = False

    def build_response_header(self) -> bytes:
        if self.environ is not None and self.environ.get(CLOSE_AFTER) == ANNOUNCED:
            WSGITask.set_close_on_finish(self)
        # waitress closes the connection after every HTTP/1.1 answer without a Content-Length, even
        # a 204, which has no body to delimit; Jetty keeps it open, so the mock does too.
        self._bodiless = self.version == "1.1" and not self.has_body and not self.close_on_finish
        self._bodiless = self._bodiless and self.request.headers.get("CONNECTION", "").lower() != "close"
        try:
            header: bytes = super().build_response_header()
        finally:
            self._bodiless = False
        return header

    def set_close_on_finish(self) -> None:
        if not self._bodiless:
            super().set_close_on_finish()

    def service(self) -> None:
        try:
            self.start()
            self.execute()
            self.finish()
            if self.environ is not None and self.environ.get(CLOSE_AFTER):
                self.close_on_finish = True
        except ConnectionDropped as drop:
            if drop.reset:
                # With a zero linger time, closing the socket sends RST instead of FIN.
                self.channel.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_on_finish = True
        except OSError:  # as waitress's own Task.service
            self.close_on_finish = True
            if self.channel.adj.log_socket_errors:
                raise

    def write(self, data: bytes) -> None:
        super().write(data)
        if data and self.environ is not None and self.environ.get(_FLUSH):
            channel = self.channel
            with channel.outbuf_lock:  # send it now, as waitress does itself once its buffer is full
                channel._flush_exception(channel._flush_some, do_close=False)


class FaultChannel(HTTPChannel):  # type: ignore[misc]
    task_class = FaultTask


def install(server: Any) -> None:
    """Serve ``server``'s connections (a waitress server, one or several sockets) with fault tasks."""
    servers = [server, *getattr(server, "map", {}).values()]
    for item in servers:
        if hasattr(item, "channel_class"):
            item.channel_class = FaultChannel
