"""GET requests to one worker, and nothing else: the conformance runner's guard judges every one.

Every request goes through a session whose adapter is the conformance runner's
:class:`~mockconnect.conformance.transport.GuardedAdapter`, with a read-only
:class:`~mockconnect.conformance.policy.SafetyPolicy` bound to the worker's origin: a request of
any other method, or to any other address, is refused before it leaves the process. While a
recording runs, :func:`~mockconnect.conformance.transport.guard_process` puts the same guard on
every ``requests`` session of the process.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from mockconnect.conformance.policy import Refused, SafetyPolicy, plugin_names
from mockconnect.conformance.preflight import short_reason
from mockconnect.conformance.transport import Guard, GuardedAdapter

PASSWORD_ENV = "MOCKCONNECT_RECORD_PASSWORD"
PREFIX = "mcrecord-readonly-"
"""The read-only policy's connector namespace: never used, since nothing is written."""
RETRIES = 3
RETRY_STATUSES = frozenset({409, 503})
"""A rebalance in progress (409) or a worker not ready (503): worth asking again after a pause."""


class RecordError(Exception):
    """A recording that cannot go on: the message says what happened and what to do."""


@dataclass(frozen=True)
class Access:
    """Credentials and TLS settings for the worker (the conformance runner's option names)."""

    user: str | None = None
    password: str | None = None
    cacert: str | None = None
    insecure: bool = False
    cert: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class Answer:
    """One answer: its status and parsed JSON body (None when it has none or is not JSON)."""

    status: int
    body: Any
    text: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def message(self) -> str:
        if isinstance(self.body, Mapping) and isinstance(self.body.get("message"), str):
            return f"{self.status} {self.body['message']}"
        return f"{self.status} {self.text[:200]}"


def origin_of(url: str) -> str:
    """``scheme://host:port`` of a worker URL; RecordError for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RecordError(f"{url!r} is not a worker URL: give one like http://localhost:8083")
    if parts.username is not None or parts.password is not None:
        raise RecordError(
            "the worker URL holds credentials: give the user with --user and the password in "
            f"${PASSWORD_ENV} (or --password), so that they appear in no recording or log"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise RecordError(f"{url!r}: give the worker's base URL, without a path or query")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise RecordError(f"{url!r} has a bad port") from None
    return f"{parts.scheme}://{parts.netloc}".lower()  # as the guard compares it with each request


class Reader:
    """Sends GET requests to one worker from any number of threads, with a timeout and retries."""

    def __init__(self, url: str, access: Access, timeout: float, concurrency: int) -> None:
        self.base = url.rstrip("/")
        self.policy = SafetyPolicy(prefix=PREFIX, read_only=True, origins=(origin_of(url),))
        self.guard = Guard(self.policy)
        self.access = access
        self.timeout = timeout
        self.concurrency = concurrency
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def learn_plugins(self, listing: list[Mapping[str, Any]]) -> None:
        """Tell the guard the worker's plugins, so that their config requests go out unchanged."""
        known, kafka = plugin_names(listing)
        self.guard.replace_policy(dataclasses.replace(self.policy, known_plugins=known, kafka_plugins=kafka))

    @property
    def sent(self) -> int:
        return self.guard.ledger.sent

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxies from the environment: the worker and nothing else
            adapter = GuardedAdapter(self.guard, pool_maxsize=max(1, self.concurrency))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            if self.access.user is not None:
                session.auth = (self.access.user, self.access.password or "")
            if self.access.insecure:
                session.verify = False
            elif self.access.cacert is not None:
                session.verify = self.access.cacert
            if self.access.cert is not None:
                session.cert = (self.access.cert, self.access.key) if self.access.key else self.access.cert
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def get(self, path: str) -> Answer:
        """GET ``path`` (already percent-encoded); retries a 409/503 and a timeout, then gives up."""
        url = self.base + path
        for attempt in range(RETRIES):
            last = attempt == RETRIES - 1
            try:
                response = self._session().get(url, timeout=(10.0, self.timeout), allow_redirects=False)
            except Refused as exc:
                raise RecordError(f"the read-only guard refused a request: {exc}") from None
            except requests.exceptions.SSLError as exc:
                raise RecordError(
                    f"TLS with {self.base} failed: {short_reason(exc, 300)}. Give the worker's CA with --cacert, "
                    "a client certificate with --cert/--key, or --insecure to skip verification"
                ) from None
            except requests.exceptions.Timeout:
                if last:
                    raise RecordError(
                        f"GET {path} got no answer within {self.timeout:g} s ({RETRIES} tries): the worker is "
                        "slow or stuck; try a larger --request-timeout or a smaller --concurrency"
                    ) from None
                time.sleep(0.5 * (attempt + 1))
                continue
            except requests.exceptions.RequestException as exc:
                raise RecordError(f"cannot reach {self.base}: {short_reason(exc, 300)}") from None
            answer = _answer(response)
            if answer.status == 401:
                hint = "the credentials were refused" if self.access.user else "the worker asks for credentials"
                raise RecordError(
                    f"GET {path} answered 401: {hint}. Give --user, and the password in ${PASSWORD_ENV} or --password"
                )
            if answer.status in RETRY_STATUSES and not last:
                time.sleep(0.5 * (attempt + 1))
                continue
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()


def _answer(response: requests.Response) -> Answer:
    text = response.content.decode("utf-8", "replace")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    return Answer(response.status_code, body, text)
