"""MockState: the root that owns every piece of mutable state of one mock, with one reset()."""

from __future__ import annotations

from .cluster import ConnectCluster
from .journal import DEFAULT_LIMIT, Journal


class MockState:
    """The Connect cluster and the request journal (later also faults and the clock)."""

    def __init__(self, cluster: ConnectCluster | None = None, journal_limit: int = DEFAULT_LIMIT) -> None:
        self.cluster = cluster or ConnectCluster()
        self.journal = Journal(journal_limit)

    def reset(self) -> None:
        """Back to a fresh worker with an empty journal."""
        self.cluster.reset()
        self.journal.clear()
