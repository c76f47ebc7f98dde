"""The body binder's fast path (Python's decoder, replayed as tokens) answers as the exact one does."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockconnect.http import body as jackson
from mockconnect.worker.errors import ConnectError

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
KEYS = st.sampled_from(["name", "config", "initial_state", "initialState", "offsets", "partition", "offset", "x"])
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS | st.text(), inner, max_size=4),
    max_leaves=12,
)
READERS: list[Callable[[jackson.Body], Any]] = [
    jackson.as_string_map,
    jackson.as_create_request,
    jackson.as_offsets,
    jackson.as_task_configs,
]


def outcome(read: Callable[[jackson.Body], Any], raw: bytes, *, exact: bool) -> tuple[str, Any]:
    try:
        return "value", read(jackson.Body(raw, exact=exact))
    except ConnectError as error:
        return type(error).__name__, error.message


@settings(max_examples=300, deadline=None)
@given(value=VALUES, spaced=st.booleans())
def test_fast_and_exact_reading_agree(value: Any, spaced: bool) -> None:
    raw = json.dumps(value, indent=1 if spaced else None).encode()
    for read in READERS:
        assert outcome(read, raw, exact=False) == outcome(read, raw, exact=True), read.__name__


def test_a_repeated_key_is_read_exactly() -> None:
    raw = b'{"config": [], "config": {}}'
    assert outcome(jackson.as_create_request, raw, exact=False)[0] == "JsonProblem"
    assert "from Array value" in outcome(jackson.as_create_request, raw, exact=False)[1]
