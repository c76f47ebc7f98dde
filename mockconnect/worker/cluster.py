"""ConnectCluster: one mock Kafka Connect cluster, the one owner of its mutable state.

Method names are the snake_case OpenAPI operationIds, grouped by topic in their own modules.
Every operation takes the lock, so the threaded server can call them concurrently; results are
fresh JSON-ready structures, never live references into the state.
"""

from __future__ import annotations

from mockconnect.worker.connectors import ConnectorOps, CreateRequest
from mockconnect.worker.core import REBALANCE_TEXTS, Timing, WorkerIdentity, stable_cluster_id
from mockconnect.worker.lifecycle import MAX_TASKS
from mockconnect.worker.loggers import LOG_LEVELS, LoggerOps
from mockconnect.worker.models import Json
from mockconnect.worker.offsets import OffsetOps
from mockconnect.worker.plugins import PluginOps
from mockconnect.worker.topics import TopicOps
from mockconnect.worker.trouble import TroubleOps

__all__ = [
    "LOG_LEVELS",
    "MAX_TASKS",
    "REBALANCE_TEXTS",
    "ConnectCluster",
    "CreateRequest",
    "Timing",
    "WorkerIdentity",
    "stable_cluster_id",
]


class ConnectCluster(ConnectorOps, OffsetOps, TopicOps, PluginOps, LoggerOps, TroubleOps):
    """All state of one mock Kafka Connect cluster; ``reset()`` returns it to a fresh worker."""

    def health_check(self) -> dict[str, Json]:
        """A mock worker has always completed its start-up."""
        return {"status": "healthy", "message": "Worker has completed startup and is ready to handle requests."}

    def get_worker_info(self) -> dict[str, Json]:
        ident = self.identity
        return {"version": ident.version, "commit": ident.commit, "kafka_cluster_id": ident.cluster_id}
