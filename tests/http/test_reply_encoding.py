"""The fast encoder of plain answers writes exactly the bytes the standard one writes, and falls back when it cannot."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from mockconnect.http.body import JsonFloat, JsonInt
from mockconnect.http.reply import dump

TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from(["\u2028", "\x7f", "\x00", '"', "\\", "é", "😀"]))
PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=30,
)


def standard(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@settings(max_examples=500)
@given(PLAIN)
def test_plain_bodies_encode_byte_for_byte_as_the_standard_encoder(body: object) -> None:
    assert dump(body, plain=True) == dump(body) == standard(body)


def test_what_the_fast_encoder_refuses_falls_back_to_the_standard_one() -> None:
    lone = {"k": "\ud800"}
    assert dump(lone, plain=True) == dump(lone) == b'{"k":"\\ud800"}'
    big = [2**70, -(2**70)]
    assert dump(big, plain=True) == standard(big)
    kept = {"offset": JsonInt("7"), "ratio": JsonFloat("1.5")}  # numbers that keep their source text
    assert dump(kept, plain=True) == b'{"offset":7,"ratio":1.5}'
