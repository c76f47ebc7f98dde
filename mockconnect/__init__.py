"""mockconnect: a stateful, contract-checked mock of the Apache Kafka Connect REST API.

The public names are imported on first use, so that importing ``mockconnect`` (as pytest does for
the plugin of every project that has it installed) does not load Flask and the contract.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockconnect.http.app import create_app
    from mockconnect.mock.state import MockState
    from mockconnect.server import MockConnect
    from mockconnect.worker.cluster import ConnectCluster

__version__ = "0.1.0"
__all__ = ["ConnectCluster", "MockConnect", "MockState", "__version__", "create_app"]

_LAZY = {
    "ConnectCluster": "mockconnect.worker.cluster",
    "MockConnect": "mockconnect.server",
    "MockState": "mockconnect.mock.state",
    "create_app": "mockconnect.http.app",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mockconnect' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
