"""`mockconnect serve --scenario` and `mockconnect scenario check|list|show`, in subprocesses."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import requests
from served import MOCKCONNECT, ready, serving, start, stop

from mockconnect.mock import scenario


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MOCKCONNECT, *args], capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})}
    )


def test_every_ready_scenario_loads_in_serve() -> None:
    names = scenario.shipped_names()
    processes = [start("--scenario", name) for name in names]  # all at once: each start-up takes seconds
    try:
        for name, process in zip(names, processes, strict=True):
            url = ready(process)
            loaded = requests.get(f"{url}/_mockconnect/scenario", timeout=5).json()["scenario"]
            assert (loaded["name"], loaded["source"]) == (name, name)
            assert requests.get(f"{url}/_mockconnect/state", timeout=5).status_code == 200
    finally:
        for process in processes:
            stop(process)


def test_serve_on_a_manual_clock_advanced_over_the_admin_api() -> None:
    with serving("--scenario", "eventual-consistency", "--clock", "manual") as url:
        config = {"connector.class": "FileStreamSink", "topics": "t", "file": "/tmp/out"}
        assert (
            requests.post(f"{url}/connectors", json={"name": "lines", "config": config}, timeout=5).status_code == 201
        )
        assert requests.get(f"{url}/connectors/lines/status", timeout=5).status_code == 404
        clock = requests.post(f"{url}/_mockconnect/clock/advance", json={"seconds": 5}, timeout=5).json()
        assert clock["mode"] == "manual"
        status = requests.get(f"{url}/connectors/lines/status", timeout=5).json()
        assert [status["connector"]["state"], [t["state"] for t in status["tasks"]]] == ["RUNNING", ["RUNNING"]]
        assert requests.post(f"{url}/_mockconnect/reset", timeout=5).status_code == 204
        assert requests.get(f"{url}/connectors", timeout=5).json() == ["audit-file-sink"]  # the scenario again
        assert requests.get(f"{url}/_mockconnect/clock", timeout=5).json()["instant"] == "2023-11-14T22:13:20Z"


def test_serve_takes_the_scenario_and_seed_from_the_environment() -> None:
    with serving(env={"MOCKCONNECT_SCENARIO": "flaky-network", "MOCKCONNECT_SEED": "42"}) as url:
        loaded = requests.get(f"{url}/_mockconnect/scenario", timeout=5).json()["scenario"]
        assert (loaded["name"], loaded["seed"]) == ("flaky-network", 42)


def test_serve_refuses_a_bad_scenario_with_the_problems_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nfaults:\n  - when: {operation: getConnectorStatus, nht: 2}\n    delay: 1\n")
    done = run("serve", "--port", "0", "--scenario", str(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"{bad}:3:43: faults[0].when.nht: unknown key 'nht'" in done.stderr
    assert "Traceback" not in done.stderr
    for args, message in [
        (("--scenario", "no-such-thing"), "no scenario named 'no-such-thing'"),
        (("--scenario", str(tmp_path)), "cannot read the file"),
        (("--clock", "sundial"), "--clock (or MOCKCONNECT_CLOCK) must be wall or manual, not 'sundial'"),
        (("--seed", "x"), "--seed (or MOCKCONNECT_SEED) must be a whole number"),
    ]:
        done = run("serve", "--port", "0", *args)
        assert (done.returncode, done.stdout) == (2, ""), args
        assert message in done.stderr
        assert "Traceback" not in done.stderr


def test_scenario_check_reports_each_file_and_exits_1_on_any_problem(tmp_path: Path) -> None:
    future = tmp_path / "future.yaml"
    future.write_text("version: 2\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nstate: [\n")
    good = scenario.locate("failing-task")
    done = run("scenario", "check", str(good), str(future), str(broken))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == f"{good}: ok"
    assert lines[1] == f"{future}: 1 problem"
    assert lines[2].startswith(f"  {future}:1:10: version: version 2 is newer than this mockconnect")
    assert f"{broken}:3:1: invalid YAML" in done.stdout
    assert lines[-1] == "2 of 3 scenario files with problems"
    assert "Traceback" not in done.stdout + done.stderr
    ok = run("scenario", "check", *scenario.shipped_names())
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.count(": ok\n") == len(scenario.shipped_names())


def test_scenario_list_and_show() -> None:
    listed = run("scenario", "list")
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == scenario.shipped_names()
    shown = run("scenario", "show", "failing-task")
    assert shown.returncode == 0
    assert shown.stdout == scenario.locate("failing-task").read_text(encoding="utf-8")
    missing = run("scenario", "show", "failing-tsk")
    assert missing.returncode == 2
    assert "did you mean 'failing-task'?" in missing.stderr
    assert run("scenario").returncode == 2
