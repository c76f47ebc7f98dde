"""Java's HashMap iteration order, which Kafka's stored configs and some messages follow."""

from __future__ import annotations

import struct
from collections.abc import Mapping
from functools import lru_cache
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")
_LOAD_FACTOR = 0.75


@lru_cache(maxsize=8192)  # config keys repeat from request to request
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
    keys = tuple(mapping)
    order = _order(keys, capacity) if len(keys) <= _REMEMBERED_SIZE else _order.__wrapped__(keys, capacity)
    return {key: mapping[key] for key in order}


_REMEMBERED_SIZE = 64
"""Orders of maps up to this size are remembered (a config's keys repeat from request to request);
a connector listing's thousands of names are not."""


@lru_cache(maxsize=4096)
def _order(keys: tuple[str, ...], capacity: int) -> tuple[str, ...]:
    """``keys`` (in insertion order) in a HashMap's iteration order: by bucket, then as inserted."""
    ranked = sorted(range(len(keys)), key=lambda i: (_bucket(keys[i], capacity), i))
    return tuple(keys[i] for i in ranked)


def to_string(mapping: Mapping[str, str | None]) -> str:
    """AbstractMap.toString: ``{k1=v1, k2=v2}``."""
    return "{" + ", ".join(f"{k}={'null' if v is None else v}" for k, v in mapping.items()) + "}"


_INT = 1 << 31
_LONG = 1 << 63


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= _INT else value


def java_hash(value: object) -> int:
    """hashCode() of what Jackson makes of a JSON value (Integer, Long, BigInteger, Double,
    Boolean, String, ArrayList, LinkedHashMap; null is 0)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1231 if value else 1237
    if isinstance(value, int):
        if -_INT <= value < _INT:
            return value  # Integer
        if -_LONG <= value < _LONG:
            bits = value & 0xFFFFFFFFFFFFFFFF
            return _int32(bits ^ (bits >> 32))  # Long
        magnitude, h = abs(value), 0  # BigInteger: its magnitude's 32-bit words, most significant first
        words = []
        while magnitude:
            words.append(magnitude & 0xFFFFFFFF)
            magnitude >>= 32
        for word in reversed(words):
            h = _int32(31 * h + word)
        return _int32(h * (1 if value > 0 else -1))
    if isinstance(value, float):
        bits = struct.unpack(">q", struct.pack(">d", value))[0] & 0xFFFFFFFFFFFFFFFF
        return _int32(bits ^ (bits >> 32))  # Double
    if isinstance(value, str):
        return string_hash(value)
    if isinstance(value, list):
        h = 1
        for item in value:
            h = _int32(31 * h + java_hash(item))
        return h
    if isinstance(value, dict):
        return _int32(sum(java_hash(k) ^ java_hash(v) for k, v in value.items()))
    raise TypeError(f"no Java counterpart for {type(value).__name__}")


def java_key(value: object) -> object:
    """A hashable stand-in with Java's equals(): 1 (Integer), 1 (Long) and 1.0 (Double) all differ."""
    if value is None or isinstance(value, (bool, str)):
        return (type(value).__name__, value)
    if isinstance(value, int):
        kind = "Integer" if -_INT <= value < _INT else "Long" if -_LONG <= value < _LONG else "BigInteger"
        return (kind, value)
    if isinstance(value, float):
        return ("Double", value)
    if isinstance(value, list):
        return ("List", tuple(java_key(item) for item in value))
    if isinstance(value, dict):
        return ("Map", frozenset((k, java_key(v)) for k, v in value.items()))
    raise TypeError(f"no Java counterpart for {type(value).__name__}")


def hash_map_entries(entries: list[tuple[K, V]]) -> list[tuple[K, V]]:
    """The entries of a java.util.HashMap filled by put() in this order: a later put of an equal
    key replaces the value in place, and iteration follows the buckets."""
    position: dict[object, int] = {}
    kept: list[tuple[K, V]] = []
    for key, value in entries:
        marker = java_key(key)
        if marker in position:
            kept[position[marker]] = (kept[position[marker]][0], value)
        else:
            position[marker] = len(kept)
            kept.append((key, value))
    capacity = _capacity(len(kept), False)

    def bucket(index: int) -> tuple[int, int]:
        h = java_hash(kept[index][0]) & 0xFFFFFFFF
        return ((h ^ (h >> 16)) & (capacity - 1), index)

    return [kept[index] for index in sorted(range(len(kept)), key=bucket)]


def immutable_map_order(keys: list[int], salt: float, upward: bool) -> list[int]:
    """The order a ``Map.copyOf`` of Integer keys iterates them (java.util.ImmutableCollections.MapN).

    The JVM draws a salt once at start-up: it picks the slot the iterator starts after, and the
    direction it walks the table (``upward``), so one worker process lists the same keys in one
    order and the next process, likely, in another. ``salt`` stands for the salt's share in [0, 1).
    A map of one key has no order to choose.
    """
    if len(keys) < 2:
        return list(keys)
    slots = 2 * len(keys)  # EXPAND_FACTOR 2: a table of 4n references, 2n key slots
    table: list[int | None] = [None] * slots
    for key in keys:  # Integer.hashCode() is the value; linear probing upwards
        slot = key % slots
        while table[slot] is not None:
            slot = (slot + 1) % slots
        table[slot] = key
    slot, step = int(salt * slots) % slots, (1 if upward else -1)
    ordered: list[int] = []
    while len(ordered) < len(keys):
        slot = (slot + step) % slots
        found = table[slot]
        if found is not None:
            ordered.append(found)
    return ordered
