"""A manual clock that tests advance: the same requests give the same answers (Kafka's ``MockTime``)."""

from __future__ import annotations

import threading

from mockconnect.worker.clock import Clock

MANUAL_EPOCH = 1_700_000_000.0
"""Where a manual clock starts (2023-11-14T22:13:20Z), so timestamps look real and never change."""


class ManualClock(Clock):
    """A clock that only moves when told to: the same requests give the same answers."""

    manual = True

    def __init__(self, start: float = MANUAL_EPOCH) -> None:
        self.start = start
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (never backwards) and return the new time."""
        if seconds < 0:
            raise ValueError(f"a clock only moves forward; cannot advance by {seconds}")
        with self._lock:
            self._now += seconds
            return self._now

    def rewind(self) -> None:
        """Back to where this clock started (a reset mock starts at the same instant every time)."""
        with self._lock:
            self._now = self.start
