"""mockconnect: a stateful, contract-checked mock of the Apache Kafka Connect 3.7 REST API."""

from __future__ import annotations

from .app import create_app
from .cluster import ConnectCluster
from .state import MockState

__version__ = "0.1.0"
__all__ = ["ConnectCluster", "MockState", "__version__", "create_app"]
