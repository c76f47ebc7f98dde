"""Public: the clocks a mock can run on (``Clock``: wall time; ``ManualClock``: moves when told)."""

from mockconnect.mock.clock import MANUAL_EPOCH, ManualClock
from mockconnect.worker.clock import Clock, java_instant

__all__ = ["MANUAL_EPOCH", "Clock", "ManualClock", "java_instant"]
