"""The clock a worker reads (Kafka's ``Time``): wall time; the mock's manual clock subclasses it."""

from __future__ import annotations

import time


class Clock:
    """Wall time. Calling the clock returns seconds since the epoch."""

    manual = False

    def now(self) -> float:
        return time.time()

    def __call__(self) -> float:
        return self.now()

    def advance(self, seconds: float) -> float:
        raise TypeError("a wall clock cannot be advanced; use a manual clock (--clock manual)")


def java_instant(seconds: float) -> str:
    """``Instant.ofEpochMilli(ms).toString()``: ISO-8601 in UTC, milliseconds only when not zero."""
    millis = round(seconds * 1000)
    whole, fraction = divmod(millis, 1000)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    return f"{text}.{fraction:03d}Z" if fraction else f"{text}Z"
