"""A wrong target is reported in seconds: not a worker, hanging, asking for credentials, never converging."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fake_servers import IDENTITY, empty_object, half_a_worker, hanging, serving, unauthorised

from mockconnect.cli import main
from mockconnect.conformance import convergence
from mockconnect.conformance.preflight import PROBE_TIMEOUT, NotAWorker
from mockconnect.conformance.runner import Options, run
from mockconnect.conformance.targets import Access
from mockconnect.server import MockConnect


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, float]:
    began = time.monotonic()
    code = main(["conformance", *args])
    return code, capsys.readouterr().err, time.monotonic() - began


def test_a_json_service_is_no_worker_exit_2_in_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    with serving(empty_object) as url:
        code, err, seconds = cli(capsys, "--target", url, "--max-examples", "10")
    assert code == 2
    assert "not a Kafka Connect worker" in err
    assert "GET / answered 200 (application/json) {}, without version, commit, kafka_cluster_id" in err
    assert seconds < 5


def test_a_worker_without_a_connector_list_is_no_worker(capsys: pytest.CaptureFixture[str]) -> None:
    def no_list(method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/":
            return half_a_worker(method, path)
        return 404, {"Content-Type": "text/html"}, b"<html>Not Found</html>"

    with serving(no_list) as url:
        code, err, _ = cli(capsys, "--target", url)
    assert code == 2
    assert "GET /connectors answered 404 (text/html) <html>Not Found</html>" in err
    assert "JSON list of connector names" in err


def test_a_comparison_that_is_no_worker_is_refused_too(capsys: pytest.CaptureFixture[str]) -> None:
    with MockConnect() as mock, serving(empty_object) as wrong:
        code, err, _ = cli(capsys, "--target", mock.url, "--compare-with", wrong)
    assert code == 2
    assert wrong in err


def test_a_hanging_target_is_reported_after_the_probe_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    with hanging() as url:
        code, err, seconds = cli(capsys, "--target", url)  # default --request-timeout 100
    assert code == 2
    assert f"no answer came within {PROBE_TIMEOUT:g} s" in err
    assert PROBE_TIMEOUT <= seconds < PROBE_TIMEOUT + 5


def test_nothing_listening(capsys: pytest.CaptureFixture[str]) -> None:
    with serving(empty_object) as url:
        pass  # closed again: the port is free
    code, err, seconds = cli(capsys, "--target", url)
    assert code == 2
    assert "could not connect" in err
    assert seconds < 5


def test_a_secured_target_names_the_options_for_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    with serving(unauthorised) as url:
        code, err, _ = cli(capsys, "--target", url)
        assert code == 2
        assert "asks for credentials (401 on GET /): give them with --user USER and --password" in err
        code, err, _ = cli(capsys, "--target", url, "--user", "alice", "--password", "wrong")
        assert code == 2
        assert "the credentials given with --user/--password were refused (401)" in err


def test_credentials_reach_every_request_of_a_run(tmp_path: Path) -> None:
    """A mock that asks for basic auth: preflight, lifecycle and schemathesis all authenticate."""
    with MockConnect(users={"alice": "secret"}) as secured:
        report = run(
            Options(
                target=secured.url,
                phases=("lifecycle", "examples"),
                max_examples=2,
                access=Access(user="alice", password="secret"),
            )
        )
        statuses = [entry.status for entry in secured.journal.entries()]
    assert report.failures() == []
    assert report.identities[0].version == "3.7.0"
    assert len(statuses) > 100
    assert 401 not in statuses


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--password", "x"], "--password (or $MOCKCONNECT_CONFORMANCE_PASSWORD) needs --user"),
        (["--user", "alice"], "--user alice needs a password"),
        (["--insecure", "--cacert", __file__], "--insecure and --cacert contradict each other"),
        (["--cacert", "/nonexistent/ca.pem"], "--cacert /nonexistent/ca.pem: no such file"),
        (["--key", __file__], "--key needs --cert"),
    ],
)
def test_bad_security_options(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.delenv("MOCKCONNECT_CONFORMANCE_PASSWORD", raising=False)
    code, err, _ = cli(capsys, "--target", "http://127.0.0.1:9", *args)
    assert code == 2
    assert message in err


def test_the_run_raises_before_it_touches_anything() -> None:
    with serving(empty_object) as url, pytest.raises(NotAWorker, match="without version"):
        run(Options(target=url))


def test_a_target_that_never_converges_is_given_up_within_a_minute(tmp_path: Path) -> None:
    """Passes the identity check, then answers 200 {} to everything: waiting stops after two waits."""
    began = time.monotonic()
    with serving(half_a_worker) as url:
        report = run(Options(target=url, max_examples=10, report_dir=tmp_path))
    seconds = time.monotonic() - began
    assert report.exit_code == 1
    assert report.identities[0].kafka_cluster_id == IDENTITY["kafka_cluster_id"]
    assert len(report.convergence) == 1
    assert report.convergence[0].startswith(
        f"gave up waiting for the target to converge after {convergence.GIVE_UP_AFTER} waits ran out"
    )
    assert any(reason.startswith("gave up waiting") for reason in report.failures())
    not_waited = [r for r in report.results if any(p.startswith("not waited for") for p in r.problems)]
    assert len(not_waited) > 5
    assert report.of_kind("fuzz") == []  # skipped: the verdict is known
    assert seconds < 60, report.durations


def test_the_settle_budget_stops_rereading_after_failures_in_a_row() -> None:
    budget = convergence.Convergence("comparison")
    for _ in range(convergence.SETTLE_GIVE_UP_AFTER - 1):
        budget.settled(False)
    budget.settled(True)  # one that agreed starts the count again
    for _ in range(convergence.SETTLE_GIVE_UP_AFTER - 1):
        budget.settled(False)
    assert budget.settle_may_run()
    budget.settled(False)
    assert not budget.settle_may_run()
    assert "stopped reading differing answers again" in budget.messages()[0]


def test_the_wait_budget_gives_a_second_chance_then_none() -> None:
    budget = convergence.Convergence("target")
    assert budget.allowance(30) == 30
    budget.waited("a", False, 30.2, "200 {}")
    assert budget.allowance(30) == convergence.SECOND_CHANCE
    budget.waited("b", True, 0.1, "200 {}")  # a wait that settled costs nothing
    assert budget.allowance(30) == convergence.SECOND_CHANCE
    budget.waited("c", False, 10.1, "200 {}")
    assert budget.allowance(30) == 0
    assert budget.messages() == [
        "gave up waiting for the target to converge after 2 waits ran out (40 s): a (after 30 s, last answer "
        "200 {}); c (after 10 s, last answer 200 {}); 0 later waits were tried once, and fuzzing was skipped"
    ]
    budget.waited("d", False, 0.0, "200 {}")
    assert (len(budget.unsettled), budget.not_waited) == (2, 1)
