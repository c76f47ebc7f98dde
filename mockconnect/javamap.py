"""Java's HashMap iteration order, which Kafka's stored configs and some messages follow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

V = TypeVar("V")
_LOAD_FACTOR = 0.75


def string_hash(text: str) -> int:
    """java.lang.String.hashCode over UTF-16 code units, as a signed 32-bit int."""
    data = text.encode("utf-16-be", "surrogatepass")
    h = 0
    for i in range(0, len(data), 2):
        h = (31 * h + (data[i] << 8 | data[i + 1])) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def _bucket(key: str, capacity: int) -> int:
    h = string_hash(key) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & (capacity - 1)


def _capacity(size: int, copied: bool) -> int:
    """The table size: grown put by put from 16, or sized once by ``new HashMap<>(other)``."""
    if copied:
        wanted = int(size / _LOAD_FACTOR + 1.0)
        capacity = 1
        while capacity < wanted:
            capacity *= 2
        return capacity
    capacity = 16
    while size > capacity * _LOAD_FACTOR:
        capacity *= 2
    return capacity


def hash_ordered(mapping: Mapping[str, V], *, copied: bool = False) -> dict[str, V]:
    """The same entries in the order a java.util.HashMap iterates them.

    ``copied`` means the map was made by HashMap's copy constructor, which sizes its table
    differently from a map filled one entry at a time.
    """
    capacity = _capacity(len(mapping), copied)
    keys = sorted(enumerate(mapping), key=lambda item: (_bucket(item[1], capacity), item[0]))
    return {key: mapping[key] for _, key in keys}


def to_string(mapping: Mapping[str, str | None]) -> str:
    """AbstractMap.toString: ``{k1=v1, k2=v2}``."""
    return "{" + ", ".join(f"{k}={'null' if v is None else v}" for k, v in mapping.items()) + "}"
