"""The lifecycle suite's wait predicates: when a real worker's answer counts as settled."""

from __future__ import annotations

import json
from typing import Any

from mockconnect.conformance.lifecycle import source_offsets_settled
from mockconnect.conformance.normalise import Answer

PARTITION = {"filename": "/tmp/in.txt"}


def offsets(*entries: dict[str, Any], status: int = 200) -> Answer:
    return Answer(status=status, content_type="application/json", location=None, text=json.dumps({"offsets": entries}))


def test_a_reset_is_settled_once_the_partition_is_gone() -> None:
    gone = source_offsets_settled(PARTITION, None)
    assert gone(offsets())
    # What a 4.0.2 worker answered in CI right after DELETE .../offsets:
    assert not gone(offsets({"partition": PARTITION, "offset": None}))
    assert not gone(offsets({"partition": PARTITION, "offset": {"position": 5}}))
    assert gone(offsets({"partition": {"filename": "/other"}, "offset": {"position": 1}}))


def test_an_alter_is_settled_once_the_partition_has_the_new_offset() -> None:
    altered = source_offsets_settled(PARTITION, {"position": 5})
    assert altered(offsets({"partition": PARTITION, "offset": {"position": 5}}))
    assert not altered(offsets())
    assert not altered(offsets({"partition": PARTITION, "offset": {"position": 0}}))
    assert not altered(offsets({"partition": PARTITION, "offset": {"position": 5}}, status=500))
    assert not altered(Answer(status=200, content_type="text/html", location=None, text="<html>"))
