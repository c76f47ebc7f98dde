"""A contract compiles each operation the first time it is looked up, and lists all of them before that."""

from __future__ import annotations

from mockconnect.release import get_release
from mockconnect.release.contract import Contract, read_document


def test_operations_are_compiled_on_first_use() -> None:
    contract = Contract(read_document(get_release().contract))
    compiled = contract.operations._compiled  # type: ignore[attr-defined]
    assert len(contract.operations) == len(set(contract.operations)) >= 20
    assert "listConnectors" in contract.operations
    assert compiled == {}
    listing = contract.operations["listConnectors"]
    assert (listing.method, listing.path) == ("GET", "/connectors")
    assert list(compiled) == ["listConnectors"]
    assert contract.operations.get("listConnectors") is listing  # compiled once
    assert contract.operations.get("noSuchOperation") is None
    assert "noSuchOperation" not in contract.operations
    assert {op.path for op in contract.operations.values()} >= {"/", "/connectors/{connector}/status"}
    assert len(compiled) == len(contract.operations)
