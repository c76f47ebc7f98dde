"""The transport every request of a conformance run goes through, whoever sends it.

Three layers apply :class:`~.policy.SafetyPolicy` (see ``docs/conformance.md``, "Safety"):

1. schemathesis' ``before_call`` hook (in :mod:`.fuzz`) rewrites each generated case, so that the
   fuzzer knows what was really sent;
2. :class:`GuardedAdapter`, mounted on every session the runner makes (lifecycle steps, snapshots,
   cleanup, the comparison target), judges the prepared request again just before it goes out;
3. :func:`guard_process` patches ``requests``' ``HTTPAdapter.send`` for the duration of a run, so
   that sessions schemathesis makes on its own (capability probes, cache warm-up, stateful runs)
   pass through the same judgement. A fuzzer path that skips the hook still meets the guard.

The guard keeps a :class:`Ledger` of what it sent, rewrote and refused; the report prints it.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import HTTPAdapter

from mockconnect.conformance.policy import Refused, SafetyPolicy, Verdict

ExchangeObserver = Callable[[requests.PreparedRequest, requests.Response], None]


@dataclass
class Ledger:
    """What the guard let through, changed and stopped during a run."""

    sent: int = 0
    writes: Counter[str] = field(default_factory=Counter)
    """Write requests sent, by ``METHOD /decoded/path`` with connector names shown as sent."""
    rewritten: int = 0
    changes: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    logger_changes: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            return {
                "sent": self.sent,
                "writes": sum(self.writes.values()),
                "rewritten": self.rewritten,
                "refused": sum(self.refused.values()),
                "refusals": dict(self.refused.most_common()),
                "changes": dict(self.changes.most_common(30)),
                "logger_changes": sorted({f"{name} ({scope} scope)" for name, scope in self.logger_changes}),
            }


class Guard:
    """Applies a policy to prepared requests and keeps the ledger."""

    def __init__(self, policy: SafetyPolicy) -> None:
        self.policy = policy
        self.ledger = Ledger()

    def replace_policy(self, policy: SafetyPolicy) -> None:
        """Swap in a policy that knows more (the target's plugins), keeping the ledger."""
        self.policy = policy

    def enforce(self, request: requests.PreparedRequest) -> Verdict:
        """Judge ``request`` and rewrite it in place; raises :class:`Refused` (and counts it)."""
        method = (request.method or "GET").upper()
        url = request.url or ""
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        if body is not None and not isinstance(body, bytes):
            if method not in ("GET", "HEAD", "OPTIONS"):
                self._refuse(Refused(method, url, "a streamed body cannot be inspected"))
            body = None
        try:
            verdict = self.policy.judge(method, url, body)
        except Refused as refused:
            self._refuse(refused)
        request.url = verdict.url
        if verdict.body is not body or isinstance(request.body, str):
            request.body = verdict.body
            if verdict.body is not None:
                request.headers["Content-Length"] = str(len(verdict.body))
        with self.ledger.lock:
            self.ledger.sent += 1
            if verdict.changes:
                self.ledger.rewritten += 1
                for change in verdict.changes:
                    self.ledger.changes[_change_kind(change)] += 1
            if verdict.write:
                self.ledger.writes[f"{method} {unquote(urlsplit(verdict.url).path)}"] += 1
            if verdict.logger is not None:
                self.ledger.logger_changes.append(verdict.logger)
        return verdict

    def _refuse(self, refused: Refused) -> None:
        with self.ledger.lock:
            self.ledger.refused[refused.reason] += 1
        raise refused

    def writes_outside(self) -> list[str]:
        """Writes sent to a connector path outside the namespace: always empty unless the guard is broken."""
        outside = []
        for key in self.ledger.writes:
            _, _, path = key.partition(" ")
            parts = path.split("/")
            if len(parts) > 2 and parts[1].lower() == "connectors" and not self.policy.owns(parts[2].split(";")[0]):
                outside.append(key)
        return outside


def _change_kind(change: str) -> str:
    return change.split(" ", 1)[0] if not change.startswith("dropped") else " ".join(change.split(" ", 2)[:2])


class GuardedAdapter(HTTPAdapter):
    """An adapter that lets a request out only as the guard rewrites it."""

    def __init__(self, guard: Guard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.guard = guard

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        self.guard.enforce(request)
        return _ORIGINAL_SEND(self, request, *args, **kwargs)


_ORIGINAL_SEND = HTTPAdapter.send


def make_session(guard: Guard) -> requests.Session:
    """A session whose every request passes the guard; proxies from the environment are ignored."""
    session = requests.Session()
    session.trust_env = False
    adapter = GuardedAdapter(guard, pool_maxsize=4)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


_ACTIVE: list[tuple[Guard, ExchangeObserver | None]] = []
_ACTIVE_LOCK = threading.Lock()


def _patched_send(self: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
    if isinstance(self, GuardedAdapter):  # already judged by its own guard
        return _ORIGINAL_SEND(self, request, *args, **kwargs)
    with _ACTIVE_LOCK:
        active = _ACTIVE[-1] if _ACTIVE else None
    if active is None:
        return _ORIGINAL_SEND(self, request, *args, **kwargs)
    guard, observer = active
    guard.enforce(request)
    response = _ORIGINAL_SEND(self, request, *args, **kwargs)
    if observer is not None:
        observer(request, response)
    return response


@contextlib.contextmanager
def guard_process(guard: Guard, observer: ExchangeObserver | None = None) -> Iterator[None]:
    """Route every ``requests`` request of this process through ``guard`` while the block runs.

    ``observer`` sees each guarded exchange after the answer came back (the differential mode uses
    it to send the same request to the comparison target).
    """
    with _ACTIVE_LOCK:
        _ACTIVE.append((guard, observer))
        HTTPAdapter.send = _patched_send  # type: ignore[method-assign]
    try:
        yield
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.remove((guard, observer))
            if not _ACTIVE:
                HTTPAdapter.send = _ORIGINAL_SEND  # type: ignore[method-assign]
