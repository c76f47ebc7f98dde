"""Active topics: which topics a connector has used, and resetting that record."""

from __future__ import annotations

from mockconnect.worker.core import ClusterCore, operation
from mockconnect.worker.errors import Forbidden
from mockconnect.worker.models import Json


class TopicOps(ClusterCore):
    """GET and PUT /connectors/{connector}/topics[/reset]."""

    @operation
    def get_connector_active_topics(self, connector: str) -> dict[str, Json]:
        if not self.identity.topic_tracking:
            raise Forbidden("Topic tracking is disabled.")
        found = self.connectors.get(connector)
        return {connector: {"topics": list(found.active_topics) if found else []}}

    @operation
    def reset_connector_active_topics(self, connector: str) -> None:
        if not self.identity.topic_tracking:
            raise Forbidden("Topic tracking is disabled.")
        if not self.identity.topic_tracking_reset:
            raise Forbidden("Topic tracking reset is disabled.")
        found = self.connectors.get(connector)
        if found is not None:
            found.active_topics = []
