"""MockConnect: a served mock on a background thread, for tests and for ``mockconnect serve``."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server

from mockconnect.http import transport
from mockconnect.http.app import DEFAULT_MAX_BODY, create_app
from mockconnect.http.security import BasicAuth, SecurityConfigError, tls_channel, tls_context
from mockconnect.mock.journal import DEFAULT_LIMIT, Journal
from mockconnect.mock.state import MockState
from mockconnect.release import get_release
from mockconnect.worker.clock import Clock

WILDCARD_HOSTS = ("0.0.0.0", "::", "")


IDLE_POLL_SECONDS = 1
"""How long the server's poll waits with nothing to do; stop() does not wait for it."""


class MockConnect:
    """A mock Kafka Connect worker served over HTTP on a daemon thread.

    >>> with MockConnect() as mock:          # port 0: a free port is chosen
    ...     requests.get(mock.url + "/connectors")

    ``auth_file`` (or ``users``, a mapping of user to password) asks for basic-auth credentials as
    Kafka's BasicAuthSecurityRestExtension does; ``certfile`` (and ``keyfile``, unless the key is in
    the certificate file) serves HTTPS. Bad files raise SecurityConfigError naming them.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state: MockState | None = None,
        validate: bool = True,
        admin: bool = True,
        max_body: int = DEFAULT_MAX_BODY,
        journal_limit: int = DEFAULT_LIMIT,
        threads: int = 8,
        clock: Clock | None = None,
        auth_file: str | os.PathLike[str] | None = None,
        users: Mapping[str, str] | None = None,
        certfile: str | os.PathLike[str] | None = None,
        keyfile: str | os.PathLike[str] | None = None,
        kafka_version: str | None = None,
    ) -> None:
        if keyfile is not None and certfile is None:
            raise SecurityConfigError(f"--keyfile {keyfile} needs --certfile: give the certificate too")
        auth = BasicAuth.from_file(auth_file) if auth_file is not None else None
        if users is not None:
            auth = BasicAuth(users)
        tls = tls_context(certfile, keyfile) if certfile is not None else None
        self.state = state or MockState(journal_limit=journal_limit, clock=clock, release=get_release(kafka_version))
        self.app = create_app(self.state, validate=validate, max_body=max_body, admin=admin, auth=auth)
        self._server: Any = create_server(
            self.app,
            host=host,
            port=port,
            threads=threads,
            ident="",
            clear_untrusted_proxy_headers=True,
            # An int: waitress converts this option with int(), so 0.25 became 0, a poll that never
            # sleeps (a busy loop). stop() wakes the loop through its trigger, so a long timeout is free.
            asyncore_loop_timeout=IDLE_POLL_SECONDS,
            url_scheme="http" if tls is None else "https",
            # The connection's own address, which a real worker puts in a Location when Host is blank.
            server_name="127.0.0.1" if host in WILDCARD_HOSTS else host,
        )
        transport.install(self._server)  # connection resets, closes and dribbles for fault scenarios
        if tls is not None:  # waitress cannot terminate TLS itself: its channels do it on its loop
            for dispatcher in list(self._server._map.values()):
                if hasattr(dispatcher, "channel_class"):
                    dispatcher.channel_class = tls_channel(tls, dispatcher.channel_class)
        self.scheme = "http" if tls is None else "https"
        self.host = host
        self.port: int = self._server.effective_port
        advertised = "localhost" if host in WILDCARD_HOSTS else host
        self.state.cluster.identity.worker_id = f"{advertised}:{self.port}"
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._serving = False
        self._closed = False
        self._closing = threading.RLock()  # re-entrant: stop() may run in a signal handler on the loop thread

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in WILDCARD_HOSTS else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def journal(self) -> Journal:
        return self.state.journal

    def reset(self) -> None:
        """Back to an empty worker and an empty journal."""
        self.state.reset()

    def start(self) -> MockConnect:
        if self._thread is None:
            self._thread = threading.Thread(target=self.serve_forever, name="mockconnect-server", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until ``stop()`` is called (from another thread or a signal handler)."""
        server = self._server
        with self._closing:
            if self._closed:
                return
            self._serving = True
        while not self._stopping:
            server.asyncore.loop(timeout=server.adj.asyncore_loop_timeout, map=server._map, count=1)
        # Close the sockets on the thread that polls them (closing them from another thread while it
        # waits in select() makes that select() fail with EBADF), never while stop() pulls the trigger.
        with self._closing:
            self._close()

    def _close(self) -> None:
        trigger = self._server.trigger
        for dispatcher in list(self._server._map.values()):
            if isinstance(dispatcher, HTTPChannel):
                dispatcher.handle_close()  # also wakes a task thread waiting for room to write
            elif dispatcher is self._server:
                wasyncore.dispatcher.close(dispatcher)  # the listening socket; the server's close() shuts the trigger
            elif dispatcher is not trigger:
                dispatcher.close()
        self._closed = True
        tasks = self._server.task_dispatcher
        tasks.shutdown(timeout=5)
        # A task thread still finishing wakes the loop through the trigger: closing it first made that
        # write fail with EBADF (a logged traceback), or land in whatever file reused the descriptor.
        if not tasks.threads:
            trigger.close()

    def stop(self) -> None:
        """Stop serving; safe from any thread and from a signal handler (it only sets a flag and wakes the loop)."""
        with self._closing:
            self._stopping = True
            if not self._serving and not self._closed:
                self._close()  # never served: nobody polls the sockets
            elif not self._closed:
                with contextlib.suppress(OSError):  # only if the loop thread is closing it right now
                    self._server.pull_trigger()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> MockConnect:
        return self.start()

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.stop()
