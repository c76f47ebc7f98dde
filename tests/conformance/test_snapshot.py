"""The before-and-after pictures of a target: what counts as a change outside the run's namespace."""

from __future__ import annotations

from mockconnect.conformance.policy import SafetyPolicy
from mockconnect.conformance.snapshot import ConnectorPicture, Snapshot, compare

POLICY = SafetyPolicy(prefix="mcconf-1-")


def _loggers(**levels: str) -> dict[str, dict[str, str]]:
    return {name.replace("_", "."): {"level": level} for name, level in levels.items()}


def test_a_logger_level_changed_outside_the_namespace_is_a_change() -> None:
    diff = compare(
        Snapshot(loggers=_loggers(root="INFO", org_a="INFO")),
        Snapshot(loggers=_loggers(root="INFO", org_a="DEBUG")),
        POLICY,
    )
    assert diff.loggers_changed == ["org.a: INFO -> DEBUG"]
    assert not diff.clean


def test_a_logger_log4j2_let_go_of_is_reported_but_is_no_change() -> None:
    # log4j2 (Kafka 4.x) holds its loggers in a WeakHashMap: one nothing uses leaves the listing after a GC.
    diff = compare(
        Snapshot(loggers=_loggers(root="INFO", org_a="INFO")), Snapshot(loggers=_loggers(root="INFO")), POLICY
    )
    assert diff.loggers_gone == ["org.a"]
    assert diff.loggers_changed == []
    assert diff.clean
    assert diff.lines() == ["loggers no longer listed (garbage-collected by log4j2, not changed): org.a"]


def test_foreign_connectors_must_stay_as_they_were_and_the_run_s_own_may_change() -> None:
    picture = ConnectorPicture(
        '{"connector.class":"FileStreamSink"}', {"connector": "RUNNING", "tasks": {}, "type": "sink"}
    )
    other = ConnectorPicture('{"connector.class":"FileStreamSource"}', picture.status)
    before = Snapshot(connectors={"theirs": picture, "mcconf-1-mine": picture})
    assert compare(before, Snapshot(connectors={"theirs": picture, "mcconf-1-mine": other}), POLICY).clean
    changed = compare(before, Snapshot(connectors={"theirs": other}), POLICY)
    assert changed.config_changed == ["theirs"]
    assert not changed.clean
    assert compare(before, Snapshot(connectors={}), POLICY).disappeared == ["theirs"]
