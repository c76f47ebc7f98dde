"""mockconnect: a stateful, contract-checked mock of the Apache Kafka Connect 3.7 REST API.

The public names are imported on first use, so that importing ``mockconnect`` (as pytest does for
the plugin of every project that has it installed) does not load Flask and the contract.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .cluster import ConnectCluster
    from .server import MockConnect
    from .state import MockState

__version__ = "0.1.0"
__all__ = ["ConnectCluster", "MockConnect", "MockState", "__version__", "create_app"]

_LAZY = {
    "ConnectCluster": ".cluster",
    "MockConnect": ".server",
    "MockState": ".state",
    "create_app": ".app",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mockconnect' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
