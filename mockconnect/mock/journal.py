"""The request journal: what each request was, what the mock answered, and what broke the contract."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mockconnect.worker.models import Json

DEFAULT_LIMIT = 10_000


class JournalEvicted(AssertionError):
    """An assertion needed journal entries that were already evicted: its answer would be partial."""


class Kept:
    """A body as the journal keeps it: the bytes that crossed the wire, read back when asked.

    A parsed body is a tree of dicts and lists that the garbage collector walks for as long as the
    entry lives; bytes are one object it never walks. Measured: 10,000 expanded listings of 20
    connectors held 545 MB and 1.1 million tracked objects as parsed bodies. Each read parses
    afresh, so what a caller does to the value never changes the journal.
    """

    __slots__ = ("_raw", "_read", "_value")

    def __init__(self, value: Json = None, raw: bytes | None = None, read: Callable[[bytes], Json] | None = None):
        self._value = value
        self._raw = raw
        self._read = read

    def value(self) -> Json:
        if self._raw is None or self._read is None:
            return self._value
        return self._read(self._raw)


NOTHING = Kept()


@dataclass(slots=True)
class Entry:
    """One request and its answer, labelled with the operationId that served it."""

    seq: int
    operation_id: str | None
    method: str
    path: str
    path_params: dict[str, Any]
    query: dict[str, list[str]]
    request: Kept
    """The request body: read it as ``request_body``."""
    status: int
    response: Kept
    """The answer's body: read it as ``response_body``."""
    time: float
    duration_ms: float
    request_problems: list[str] = field(default_factory=list)
    response_problems: list[str] = field(default_factory=list)
    error: str | None = None
    faults: list[str] = field(default_factory=list)
    """The ids of the faults that fired on this request."""

    @property
    def request_body(self) -> Json:
        """The request's JSON body as Kafka's Jackson read it (its text if it was not JSON; None if empty)."""
        return self.request.value()

    @property
    def response_body(self) -> Json:
        """The answer's JSON body (None without one; a note of its size when it was too large to keep)."""
        return self.response.value()

    def to_dict(self) -> dict[str, Json]:
        return {
            "seq": self.seq,
            "operation_id": self.operation_id,
            "method": self.method,
            "path": self.path,
            "path_params": dict(self.path_params),
            "query": {name: list(values) for name, values in self.query.items()},
            "request_body": self.request_body,
            "status": self.status,
            "response_body": self.response_body,
            "time": self.time,
            "duration_ms": self.duration_ms,
            "request_problems": list(self.request_problems),
            "response_problems": list(self.response_problems),
            "error": self.error,
            "faults": list(self.faults),
        }

    def describe(self) -> str:
        return f"#{self.seq} {self.method} {self.path} -> {self.status} ({self.operation_id or 'unrouted'})"


class Journal:
    """A bounded, thread-safe list of entries; counts what it had to evict."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self._entries: deque[Entry] = deque(maxlen=limit)
        self._lock = threading.Lock()
        self._seq = 0
        self.evicted = 0
        self._listeners: tuple[Callable[[Entry], None], ...] = ()

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def record(self, entry: Entry) -> None:
        with self._lock:
            if len(self._entries) == self.limit:
                self.evicted += 1
            self._entries.append(entry)
            listeners = self._listeners
        for listener in listeners:
            listener(entry)

    def subscribe(self, listener: Callable[[Entry], None]) -> Callable[[], None]:
        """Call ``listener`` with every entry recorded from now on; returns the function that stops it.

        A listener sees entries that are later evicted or cleared, so a check built on it never
        misses one (the pytest plugin's teardown check is).
        """
        with self._lock:
            self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            with self._lock:
                self._listeners = tuple(item for item in self._listeners if item is not listener)

        return unsubscribe

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.evicted = 0

    def entries(self) -> list[Entry]:
        with self._lock:
            return list(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self._entries)

    def calls(self, operation_id: str, **path_params: Any) -> list[Entry]:
        """Entries for one operation, optionally narrowed by path parameters.

        Raises JournalEvicted when entries were evicted, because the answer could be incomplete.
        """
        if self.evicted:
            raise JournalEvicted(
                f"the journal evicted {self.evicted} entries (limit {self.limit}); calls({operation_id!r}) "
                "would be incomplete. Raise the journal limit or clear the journal more often."
            )
        return [
            entry
            for entry in self.entries()
            if entry.operation_id == operation_id and all(entry.path_params.get(k) == v for k, v in path_params.items())
        ]

    def problems(self) -> list[Entry]:
        """Entries where the mock broke its contract or failed internally."""
        return [entry for entry in self.entries() if entry.response_problems or entry.error]
