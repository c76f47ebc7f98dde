"""The deviations file: what each kind of matcher matches, and stale entries."""

from __future__ import annotations

from pathlib import Path

from mockconnect.conformance import deviations


def load(tmp_path: Path, text: str) -> deviations.Deviations:
    path = tmp_path / "deviations.yaml"
    path.write_text(text)
    return deviations.load(path)


def test_fuzz_matchers(tmp_path: Path) -> None:
    listing = load(
        tmp_path,
        """
- id: by-status-and-body
  fuzz: [{operation: "create*", status: ["500/500"], body: "reference chain", path: "^/connectors$"}]
  reason: r
- id: by-diff
  fuzz: [{operation: putConnectorConfig, diff: "^body\\\\.tasks"}]
  reason: r
- id: by-check
  fuzz: [{check: allow_header_conformance, path: "/tasks$", body: "advertised: POST"}]
  reason: r
""",
    )
    found = listing.for_request("createConnector", "500/500", "/connectors", ["x (through reference chain: y)", "x"])
    assert found is not None
    assert found.id == "by-status-and-body"
    assert listing.for_request("createConnector", "500/400", "/connectors", ["reference chain"]) is None
    assert listing.for_request("createConnector", "500/500", "/connectors/x", ["reference chain"]) is None
    found = listing.for_request("putConnectorConfig", "200/200", "/c", ["", ""], ["body.tasks[0]: 1 != 2"])
    assert found is not None
    assert found.id == "by-diff"
    # Every difference must be explained by the diff pattern, not just one of them.
    assert listing.for_request("putConnectorConfig", "200/200", "/c", [], ["body.tasks: x", "body.name: y"]) is None
    found = listing.for_check(
        "allow_header_conformance",
        "(no operation)",
        "curl -X OPTIONS http://h/c/x/tasks",
        "Undocumented methods advertised: POST",
    )
    assert found is not None
    assert listing.for_check("status_code_conformance", "x", "curl .../tasks", "advertised: POST") is None
    # A check matcher never excuses a divergence, nor a divergence matcher a check failure.
    assert listing.for_request("(no operation)", "200/200", "/c/x/tasks", ["advertised: POST"]) is None


def test_stale_lifecycle_entries(tmp_path: Path) -> None:
    listing = load(
        tmp_path,
        """
- id: fixed
  lifecycle: ["state.pause*"]
  reason: r
- id: flaky
  lifecycle: ["loggers.list"]
  race: true
  reason: r
- id: current
  lifecycle: ["offsets.*"]
  reason: r
""",
    )
    assert listing.for_step("state.pause-again") is not None
    assert listing.stale(["offsets.sink.patch-malformed"]) == ["fixed: state.pause*"]


def test_the_restart_race_is_listed_only_where_a_restart_plan_reports_a_transitional_status() -> None:
    shipped = deviations.load(deviations.DEFAULT_DEVIATIONS)
    path = "/connectors/mcconf-1-0/restart?includeTasks=true&onlyFailed=true"

    def listed(path: str, *diff: str, statuses: str = "202/202") -> str | None:
        found = shipped.for_request("restartConnector", statuses, path, [], list(diff))
        return None if found is None else found.id

    race = "restart-plan-reports-an-earlier-restart"
    # The two answers a real 3.6.2 worker gave to fuzz#857, right after a restart?includeTasks=true.
    assert listed(path, 'body.connector.state: "RESTARTING" != "RUNNING"') == race
    assert listed(path, 'body.tasks[0].state: "RESTARTING" != "RUNNING"') == race
    # Not when the plan restarts everything (it answers RESTARTING on both), nor the other way round,
    # nor with any other difference, nor with another status.
    assert listed("/connectors/c/restart?includeTasks=true", 'body.connector.state: "RESTARTING" != "RUNNING"') is None
    assert listed(path, 'body.connector.state: "RUNNING" != "RESTARTING"') is None
    assert listed(path, 'body.tasks[0].state: "RESTARTING" != "RUNNING"', "body.tasks: 1 != 2") is None
    assert listed(path, 'body.connector.state: "RESTARTING" != "RUNNING"', statuses="202/404") is None
    # From 4.1 the stored RESTARTING/UNASSIGNED status names no version: what a real 4.4.0 worker answered
    # to fuzz#889 (restart?includeTasks=true), on any restart plan, alone or beside a listed state.
    everything = "/connectors/mcconf-1-0/restart?includeTasks=true"
    assert listed(everything, 'body.connector.version: null != "4.4.0"') == race
    assert listed(everything, 'body.tasks[1].version: null != "4.1.2"') == race
    restarting = 'body.connector.state: "RESTARTING" != "RUNNING"'
    unversioned = 'body.connector.version: null != "4.4.0"'
    assert listed(path, restarting, unversioned) == race
    # Not a version the mock leaves out or gets wrong, nor one the worker names and the mock does not.
    assert listed(everything, 'body.connector.version: "4.4.0" != null') is None
    assert listed(everything, 'body.connector.version: "4.3.2" != "4.4.0"') is None
    assert listed(everything, 'body.connector.version: missing on the target, "4.4.0" on the comparison') is None
    assert listed(everything, unversioned, restarting) is None
