"""A worker the runner talks to: its base URL and a guarded session."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from mockconnect.conformance.normalise import Answer
from mockconnect.conformance.transport import Guard, make_session

NO_BODY: Any = object()
"""Marker: the request has no body (as opposed to a JSON ``null`` body)."""


IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
"""Methods a client may send again after the connection failed under them (RFC 9110, 9.2.2)."""


def _ended_without_answer(problem: BaseException, method: str) -> bool:
    """Whether the server ended the connection before any answer, so that the request may be sent again:
    a clean close for any method; a reset only for an idempotent one (the server may have read it)."""
    seen: set[int] = set()
    pending: list[object] = [problem]
    while pending:
        item = pending.pop()
        if id(item) in seen or not isinstance(item, BaseException):
            continue
        seen.add(id(item))
        if isinstance(item, http.client.RemoteDisconnected):
            return True
        if isinstance(item, (ConnectionResetError, BrokenPipeError)) and method.upper() in IDEMPOTENT:
            return True
        pending.extend([*item.args, item.__cause__, item.__context__])
    return False


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


AFTER_TIMEOUT = 5.0
"""Once a target let a request time out, later requests to it (cleanup, snapshots) wait this long at most."""


@dataclass(frozen=True)
class Access:
    """How to reach a secured worker: basic-auth credentials and TLS settings (``requests`` terms)."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    cacert: str | None = None
    """A CA bundle to verify the worker's certificate with (default: the system's)."""
    insecure: bool = False
    """Do not verify the worker's certificate at all."""
    cert: str | None = None
    """A client certificate (PEM) for workers that ask for one; ``key`` if the key is separate."""
    key: str | None = None

    @property
    def has_credentials(self) -> bool:
        return self.user is not None

    @property
    def verify(self) -> bool | str:
        if self.insecure:
            return False
        return self.cacert if self.cacert is not None else True

    def apply(self, session: requests.Session) -> None:
        if self.user is not None:
            session.auth = (self.user, self.password or "")
        session.verify = self.verify
        if self.cert is not None:
            session.cert = (self.cert, self.key) if self.key is not None else self.cert

    def schemathesis(self) -> dict[str, Any]:
        """The same settings as schemathesis.toml spells them."""
        config: dict[str, Any] = {"tls-verify": self.verify}
        if self.user is not None:
            config["auth"] = {"basic": {"username": self.user, "password": self.password or ""}}
        if self.cert is not None:
            config["request-cert"] = self.cert
            if self.key is not None:
                config["request-cert-key"] = self.key
        return config


@dataclass
class Target:
    """One worker under test (``label`` is "target" or "comparison")."""

    label: str
    url: str
    session: requests.Session
    timeout: float = 100.0
    timed_out: bool = False
    """A request to it timed out: it may hang, so later requests wait :data:`AFTER_TIMEOUT` at most."""
    resent: list[str] = field(default_factory=list)
    """Requests sent again on a new connection: the kept-alive one was closed without an answer."""

    @classmethod
    def connect(
        cls, label: str, url: str, guard: Guard, timeout: float = 100.0, access: Access | None = None
    ) -> Target:
        origin_of(url)
        session = make_session(guard)
        (access or Access()).apply(session)
        return cls(label, url.rstrip("/"), session, timeout)

    @property
    def effective_timeout(self) -> float:
        return min(self.timeout, AFTER_TIMEOUT) if self.timed_out else self.timeout

    def request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        body: Any = NO_BODY,
        raw: bytes | None = None,
        headers: dict[str, str | None] | None = None,
    ) -> Answer:
        """Send one request; ``path`` is already percent-encoded, ``query`` a raw query string."""
        url = self.url + path + (f"?{query}" if query else "")
        sent_headers: dict[str, str | None] = {"Accept": "application/json"}
        data: bytes | None = None
        if raw is not None:
            data = raw
        elif body is not NO_BODY:
            data = json.dumps(body).encode("utf-8")
            sent_headers["Content-Type"] = "application/json"
        sent_headers.update(headers or {})
        prepared = self.session.prepare_request(requests.Request(method, url, data=data, headers=sent_headers))
        return Answer.from_response(self.send(prepared, f"{method} {path}"))

    def send(self, prepared: requests.PreparedRequest, label: str) -> requests.Response:
        """Send a prepared request (``label`` names it in errors and the report's note), once more on a
        new connection if the server ended the kept-alive one under it without an answer."""
        try:
            return self._send_once(prepared)
        except requests.ConnectionError as problem:
            # A server may close a kept-alive connection just as the next request goes out on it (a
            # real 4.4.0 worker does after refusing an ambiguous path, without a Connection: close):
            # that request got no answer, so it is sent once more on a new connection, and the report
            # says so. A reset is taken so only for idempotent methods.
            if not _ended_without_answer(problem, prepared.method or ""):
                raise requests.ConnectionError(f"{self.label}: {label}: {problem}") from problem
        self.resent.append(label)
        try:
            return self._send_once(prepared)
        except requests.ConnectionError as problem:
            raise requests.ConnectionError(f"{self.label}: {label}: {problem}") from problem

    def _send_once(self, prepared: requests.PreparedRequest) -> requests.Response:
        try:
            response: requests.Response = self.session.send(
                prepared, timeout=self.effective_timeout, allow_redirects=False
            )
        except requests.Timeout:
            self.timed_out = True
            raise
        return response

    def close(self) -> None:
        self.session.close()
