"""The one clock every time-based behaviour reads: wall time, or a manual clock tests advance."""

from __future__ import annotations

import threading
import time

MANUAL_EPOCH = 1_700_000_000.0
"""Where a manual clock starts (2023-11-14T22:13:20Z), so timestamps look real and never change."""


class Clock:
    """Wall time. Calling the clock returns seconds since the epoch."""

    manual = False

    def now(self) -> float:
        return time.time()

    def __call__(self) -> float:
        return self.now()

    def advance(self, seconds: float) -> float:
        raise TypeError("a wall clock cannot be advanced; use a manual clock (--clock manual)")


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


def java_instant(seconds: float) -> str:
    """``Instant.ofEpochMilli(ms).toString()``: ISO-8601 in UTC, milliseconds only when not zero."""
    millis = round(seconds * 1000)
    whole, fraction = divmod(millis, 1000)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    return f"{text}.{fraction:03d}Z" if fraction else f"{text}Z"
