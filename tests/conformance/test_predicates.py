"""The lifecycle suite's wait predicates and the comparison's normalisation: when two answers count as the same."""

from __future__ import annotations

import json
from typing import Any

from mockconnect.conformance.lifecycle import refused_while_rebalancing, sink_tasks_gone, source_offsets_settled
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


def test_a_sink_alter_waits_only_while_the_worker_says_its_tasks_have_not_left() -> None:
    # The start of what a real 3.7.0 worker answered in CI right after the sink was stopped:
    early = (
        '{"error_code":500,"message":"Failed to alter consumer group offsets for connector c either because '
        "its tasks haven't stopped completely yet or the connector was resumed before the r"
    )
    assert not sink_tasks_gone(Answer(status=500, content_type="application/json", location=None, text=early))
    assert sink_tasks_gone(offsets())
    assert sink_tasks_gone(Answer(status=500, content_type="application/json", location=None, text='{"message":"x"}'))
    assert sink_tasks_gone(Answer(status=400, content_type="application/json", location=None, text=early))


def envelope(status: int, message: str) -> Answer:
    text = json.dumps({"error_code": status, "message": message})
    return Answer(status=status, content_type="application/json", location=None, text=text)


def test_a_refusal_while_a_rebalance_is_expected_is_told_apart_from_other_errors() -> None:
    # What a real 4.4.0 worker answered in CI to GET .../config right after a PUT of the config:
    assert refused_while_rebalancing(envelope(500, "Request cannot be completed because a rebalance is expected"))
    for text in (
        "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent "
        "config change)",
        "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.",
        "Cannot complete request because of a conflicting operation (e.g. worker rebalance)",
    ):
        assert refused_while_rebalancing(envelope(409, text))
        assert not refused_while_rebalancing(envelope(500, text))
    assert not refused_while_rebalancing(envelope(409, "Connector c already exists"))
    assert not refused_while_rebalancing(envelope(409, "Request cannot be completed because a rebalance is expected"))
    assert not refused_while_rebalancing(envelope(500, "Request cannot be completed"))
    assert not refused_while_rebalancing(Answer(status=500, content_type="text/html", location=None, text="<html>"))
    assert not refused_while_rebalancing(envelope(200, "Request cannot be completed because a rebalance is expected"))


def test_a_restart_plan_s_tasks_compare_in_any_order() -> None:
    """From 4.2 a worker lists a restart plan's tasks in its JVM's salted order (a real 4.3.2 worker: 1, 0)."""
    from mockconnect.conformance.normalise import normalise

    def plan(*ids: int) -> Answer:
        body = {
            "name": "c",
            "connector": {"state": "RESTARTING"},
            "tasks": [{"id": i, "state": "RESTARTING"} for i in ids],
        }
        return Answer(status=202, content_type="application/json", location=None, text=json.dumps(body))

    assert normalise(plan(1, 0), "restartConnector", "") == normalise(plan(0, 1), "restartConnector", "")
    assert normalise(plan(1, 0), "restartConnector", "") != normalise(plan(0, 2), "restartConnector", "")
    assert normalise(plan(1, 0), "getConnectorStatus", "") != normalise(plan(0, 1), "getConnectorStatus", "")
