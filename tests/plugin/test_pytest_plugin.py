"""The pytest plugin, run in throwaway pytest sessions (pytester) and through its own fixtures."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from helpers import FILE_SINK, source_config

from mockconnect import MockConnect
from mockconnect.mock.journal import JournalEvicted
from mockconnect.testing import MockConnectFixture

USAGE = Path(__file__).resolve().parents[2] / "README.md"
UNRELATED = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")
"""Plugins of this environment that take 4 s to import in every fresh interpreter; irrelevant here."""


def readme_example() -> str:
    """The first python block after the ``<!-- example: use-in-tests -->`` marker of README.md."""
    text = USAGE.read_text(encoding="utf-8")
    found = re.search(r"<!-- example: use-in-tests -->\s*```python\n(.*?)```", text, re.S)
    assert found, "README.md lost its example test"
    return found.group(1)


# -- registration and imports ------------------------------------------------------------------


def test_the_entry_point_registers_every_fixture_and_the_marker(pytester: pytest.Pytester) -> None:
    fixtures = pytester.runpytest("--fixtures")
    for name in ("mockconnect ", "mockconnect_client", "mockconnect_server", "mockconnect_listen_address"):
        assert name in fixtures.stdout.str(), name
    markers = pytester.runpytest("--markers")
    markers.stdout.fnmatch_lines(
        ["@pytest.mark.mockconnect(strict=True, validate_requests=True, scenario=None, kafka_version=None):*"]
    )


def test_importing_the_plugin_does_not_load_flask() -> None:
    code = "import sys, mockconnect.pytest_plugin; print('flask' in sys.modules, 'mockconnect.http.app' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_a_session_that_does_not_use_the_fixtures_never_loads_flask(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_nothing_heavy_was_imported():
            assert "flask" not in sys.modules
            assert "mockconnect.http.app" not in sys.modules
        """
    )
    pytester.runpytest_subprocess(*UNRELATED).assert_outcomes(passed=1)


# -- the README example, outside the repository ------------------------------------------------


def test_the_readme_example_passes_outside_the_repository(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_readme=readme_example())
    result = pytester.runpytest_subprocess(*UNRELATED, "-p", "no:randomly", "-v")
    result.assert_outcomes(passed=4)


# -- reset isolation ---------------------------------------------------------------------------


def test_each_test_starts_from_an_empty_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import requests

        CONFIG = {"connector.class": "FileStreamSource", "file": "/tmp/in.txt", "topic": "t"}

        @pytest.mark.parametrize("round", range(3))
        def test_create_the_same_connector(mockconnect, round):
            assert mockconnect.connectors == []
            assert len(mockconnect.journal) == 0
            assert requests.get(mockconnect.url + "/admin/loggers").json()["root"]["level"] == "INFO"
            created = requests.post(mockconnect.url + "/connectors", json={"name": "x", "config": CONFIG})
            assert created.status_code == 201
            requests.put(mockconnect.url + "/admin/loggers/root", json={"level": "ERROR"})

        def test_the_client_sees_the_same_fresh_state(mockconnect, mockconnect_client):
            assert mockconnect_client.get("/connectors").get_json() == []
            mockconnect_client.post("/connectors", json={"name": "x", "config": CONFIG})
            assert mockconnect.connector("x").state == "RUNNING"
            assert requests.get(mockconnect.url + "/connectors").json() == ["x"]
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=4)


def test_one_server_serves_the_whole_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        seen = set()

        def test_one(mockconnect_server, mockconnect):
            seen.add((id(mockconnect_server), mockconnect.url))

        def test_two(mockconnect_server, mockconnect):
            seen.add((id(mockconnect_server), mockconnect.url))
            assert len(seen) == 1
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_listen_address_can_be_overridden(pytester: pytest.Pytester) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.fixture(scope="session")
        def mockconnect_listen_address():
            return ("127.0.0.1", {port})
        """
    )
    pytester.makepyfile(
        f"""
        def test_pinned(mockconnect):
            assert mockconnect.url == "http://127.0.0.1:{port}"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


# -- xdist -------------------------------------------------------------------------------------


def test_under_xdist_each_worker_has_its_own_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os
        import pytest
        import requests

        CONFIG = {"connector.class": "FileStreamSource", "file": "/tmp/in.txt", "topic": "t"}

        @pytest.mark.parametrize("n", range(8))
        def test_isolated(mockconnect, n, tmp_path_factory):
            worker = os.environ["PYTEST_XDIST_WORKER"]
            assert requests.get(mockconnect.url + "/connectors").json() == []
            assert requests.post(mockconnect.url + "/connectors", json={"name": "x", "config": CONFIG}).ok
            out = tmp_path_factory.getbasetemp().parent.parent / f"seen-{worker}-{n}"
            out.write_text(f"{worker} {mockconnect.url} {os.getpid()}")
        """
    )
    result = pytester.runpytest_subprocess(*UNRELATED, "-n", "2", "-p", "no:randomly")
    result.assert_outcomes(passed=8)
    seen = [path.read_text().split() for path in pytester.path.rglob("seen-*")]
    assert len(seen) == 8
    by_worker = {worker: (url, pid) for worker, url, pid in seen}
    assert sorted(by_worker) == ["gw0", "gw1"]
    assert len({url for url, _ in by_worker.values()}) == 2
    assert len({pid for _, pid in by_worker.values()}) == 2
    for worker, url, pid in seen:  # one server per worker for all its tests
        assert (url, pid) == by_worker[worker]


# -- the teardown check ------------------------------------------------------------------------

BROKEN_ANSWER = """
    import requests

    def test_broken_answer(mockconnect, monkeypatch):
        monkeypatch.setattr(mockconnect.cluster, "get_worker_info", lambda: {"version": 1})
        assert requests.get(mockconnect.url + "/").status_code == 200
"""


def test_a_contract_breaking_answer_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(BROKEN_ANSWER)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_broken_answer*",
            "mockconnect broke its contract or failed internally during this test (1 request):",
            "  #* GET / -> 200 (getWorkerInfo)",
            '      response: response body: "commit" is a required property',
            "*@pytest.mark.mockconnect(strict=False)*",
        ]
    )
    assert "During handling" not in result.stdout.str()


def test_an_internal_error_fails_the_test_at_teardown_with_its_traceback(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_internal_error(mockconnect, monkeypatch):
            def boom(*args, **kwargs):
                raise RuntimeError("boom")

            monkeypatch.setattr(mockconnect.cluster, "list_connectors", boom)
            answer = requests.get(mockconnect.url + "/connectors")
            assert answer.json() == {"error_code": 500, "message": "mockconnect internal error: RuntimeError"}
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "  #* GET /connectors -> 500 (listConnectors)",
            "      internal error: RuntimeError: boom",
            "*Traceback (most recent call last):*",
            '*raise RuntimeError("boom")*',
        ]
    )


def test_the_check_also_reports_when_the_test_itself_failed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(BROKEN_ANSWER.replace("== 200", "== 404"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1, errors=1)


def test_problems_survive_a_reset_and_eviction_during_the_test(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from mockconnect import MockConnect

        @pytest.fixture(scope="session")
        def mockconnect_server():
            with MockConnect(journal_limit=2) as server:
                yield server
        """
    )
    pytester.makepyfile(
        BROKEN_ANSWER
        + """
    def test_broken_then_reset_and_flooded(mockconnect, monkeypatch):
        monkeypatch.setattr(mockconnect.cluster, "get_worker_info", lambda: {"version": 1})
        requests.get(mockconnect.url + "/")
        monkeypatch.undo()
        requests.post(mockconnect.url + "/_mockconnect/reset")
        mockconnect.reset()
        for _ in range(5):
            requests.get(mockconnect.url + "/connectors")
        assert mockconnect.journal.evicted == 3
    """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_broken_then_reset_and_flooded*"])


def test_a_contract_breaking_request_fails_the_test_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_bad_request(mockconnect):
            answer = requests.put(mockconnect.url + "/connectors/x/config", json={"topic": {"nested": 1}})
            assert answer.status_code == 500
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "mockconnect: this test sent requests that break the contract (1 request):",
            "  #* PUT /connectors/x/config -> 500 (putConnectorConfig)",
            "      request: request body: *",
            "*@pytest.mark.mockconnect(validate_requests=False)*",
        ]
    )


# -- the marker --------------------------------------------------------------------------------


def test_the_marker_switches_the_checks_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import requests

        @pytest.mark.mockconnect(strict=False)
        def test_not_strict(mockconnect, monkeypatch):
            monkeypatch.setattr(mockconnect.cluster, "get_worker_info", lambda: {"version": 1})
            requests.get(mockconnect.url + "/")

        @pytest.mark.mockconnect(validate_requests=False)
        def test_bad_requests_allowed(mockconnect):
            requests.put(mockconnect.url + "/connectors/x/config", json={"topic": {"nested": 1}})

        @pytest.mark.mockconnect(validate_requests=False)
        def test_broken_answers_still_fail(mockconnect, monkeypatch):
            monkeypatch.setattr(mockconnect.cluster, "get_worker_info", lambda: {"version": 1})
            requests.get(mockconnect.url + "/")
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_broken_answers_still_fail*"])


def test_the_closest_marker_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import requests

        pytestmark = pytest.mark.mockconnect(strict=False)

        def test_module_says_not_strict(mockconnect, monkeypatch):
            monkeypatch.setattr(mockconnect.cluster, "get_worker_info", lambda: {"version": 1})
            requests.get(mockconnect.url + "/")

        @pytest.mark.mockconnect(strict=True)
        class TestStrictAgain:
            def test_class_says_strict(self, mockconnect, monkeypatch):
                monkeypatch.setattr(mockconnect.cluster, "get_worker_info", lambda: {"version": 1})
                requests.get(mockconnect.url + "/")
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of TestStrictAgain.test_class_says_strict*"])


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("mockconnect(strictly=False)", "*unknown option 'strictly'; it takes strict, validate_requests, scenario*"),
        ("mockconnect(False)", "*takes keyword options only, got (False,)*"),
        ("mockconnect(strict='no')", "*mockconnect(strict=...) must be True or False, not 'no'*"),
        ("mockconnect(scenario=3)", "*mockconnect(scenario=...) must be a scenario's name or a path, not 3*"),
        ("mockconnect(scenario='no-such')", "*mockconnect(scenario=...): no-such: 1 problem:*"),
    ],
)
def test_a_misused_marker_errors_at_setup(pytester: pytest.Pytester, marker: str, message: str) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.{marker}
        def test_x(mockconnect):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR at setup of test_x*", message])


# -- read views and assertion helpers (through the plugin's own fixtures) ----------------------


CONFIG = {"connector.class": FILE_SINK, "topics": "t", "tasks.max": "2"}


def test_connector_views_read_the_current_state(mockconnect: MockConnectFixture) -> None:
    client = mockconnect.client()
    client.post("/connectors", json={"name": "sink", "config": CONFIG})
    sink = mockconnect.connector("sink")
    assert (sink.state, sink.target_state, sink.type) == ("RUNNING", "STARTED", "sink")
    assert sink.config == {**CONFIG, "name": "sink"}
    assert [(t.id, t.state, t.trace) for t in sink.tasks] == [(0, "RUNNING", None), (1, "RUNNING", None)]
    assert sink.tasks[0].config["task.class"] == "org.apache.kafka.connect.file.FileStreamSinkTask"
    client.put("/connectors/sink/pause")
    assert (sink.state, sink.target_state) == ("PAUSED", "PAUSED")  # the same view, read again
    snapshot = client.get("/_mockconnect/state").get_json()
    snapshot["connectors"]["sink"]["tasks"][1]["status"] = {"state": "FAILED", "trace": "boom"}
    client.put("/_mockconnect/state", json=snapshot)
    assert [(t.state, t.trace) for t in sink.tasks] == [("PAUSED", None), ("FAILED", "boom")]
    assert repr(sink).startswith("<ConnectorView 'sink' PAUSED")


def test_a_missing_connector_is_an_assertion_naming_the_ones_there(mockconnect: MockConnectFixture) -> None:
    with pytest.raises(AssertionError, match="has no connector 'nope'; it has: no connectors"):
        mockconnect.connector("nope")
    mockconnect.client().post("/connectors", json={"name": "sink", "config": CONFIG})
    view = mockconnect.connector("sink")
    mockconnect.client().delete("/connectors/sink")
    assert not view.exists
    with pytest.raises(AssertionError, match="has no connector 'sink' any more"):
        _ = view.state


def test_assert_called_counts_and_narrows_by_path_parameters(mockconnect: MockConnectFixture) -> None:
    client = mockconnect.client()
    client.post("/connectors", json={"name": "a", "config": source_config()})
    client.get("/connectors/a/status")
    client.get("/connectors/a/status")
    client.get("/connectors/b/status")
    assert len(mockconnect.assert_called("getConnectorStatus", times=3)) == 3
    assert len(mockconnect.assert_called("getConnectorStatus", connector="a")) == 2
    mockconnect.assert_not_called("deleteConnector")
    mockconnect.assert_not_called("getConnectorStatus", connector="c")
    with pytest.raises(AssertionError) as failure:
        mockconnect.assert_called("getConnectorStatus", times=1, connector="a")
    assert str(failure.value).startswith(
        "expected getConnectorStatus(connector='a') to be called 1 time, it was called 2 times."
    )
    with pytest.raises(AssertionError, match="called 0 times.\ngetConnectorStatus was called with other path"):
        mockconnect.assert_called("getConnectorStatus", connector="c")
    with pytest.raises(AssertionError, match="expected deleteConnector.. to be called at least once") as failure:
        mockconnect.assert_called("deleteConnector")
    assert "The journal holds 4 entries: getConnectorStatus x3, createConnector x1." in str(failure.value)
    with pytest.raises(AssertionError, match="not to be called, it was called 1 time:\n  #.* POST /connectors"):
        mockconnect.assert_not_called("createConnector")


def test_a_misspelt_operation_id_gets_a_suggestion(mockconnect: MockConnectFixture) -> None:
    with pytest.raises(AssertionError, match="'restartconnector' is not an operationId .* 'restartConnector'"):
        mockconnect.assert_called("restartconnector")


def test_assert_restarted_reads_the_flags_as_kafka_does(mockconnect: MockConnectFixture) -> None:
    client = mockconnect.client()
    client.post("/connectors", json={"name": "a", "config": source_config()})
    client.post("/connectors/a/restart")
    client.post("/connectors/a/restart?includeTasks=TRUE&onlyFailed=yes")
    client.post("/connectors/nope/restart")
    assert len(mockconnect.assert_restarted("a", times=2)) == 2
    mockconnect.assert_restarted("a", include_tasks=True, only_failed=False, times=1)
    mockconnect.assert_restarted("a", include_tasks=False, times=1)
    with pytest.raises(AssertionError) as failure:
        mockconnect.assert_restarted("a", only_failed=True)
    assert str(failure.value).splitlines() == [
        "expected connector 'a' to be restarted with only_failed=True at least once, it was 0 times.",
        "Restart requests for 'a':",
        f"  {mockconnect.journal.calls('restartConnector')[0].describe()} include_tasks=False only_failed=False",
        f"  {mockconnect.journal.calls('restartConnector')[1].describe()} include_tasks=True only_failed=False",
    ]
    with pytest.raises(AssertionError, match=r"#\d+ POST /connectors/nope/restart -> 404 \(restartConnector\)"):
        mockconnect.assert_restarted("nope")  # a refused restart is no restart
    with pytest.raises(AssertionError, match="No restart request for 'other'"):
        mockconnect.assert_restarted("other")


def test_helpers_refuse_to_answer_from_an_evicted_journal() -> None:
    with MockConnect(journal_limit=2) as server, MockConnectFixture(server) as mock:
        for _ in range(3):
            requests.get(mock.url + "/connectors", timeout=5)
        for call in (
            lambda: mock.assert_called("listConnectors"),
            lambda: mock.assert_not_called("createConnector"),
            lambda: mock.assert_restarted("a"),
        ):
            with pytest.raises(JournalEvicted, match=r"evicted 1 entries \(limit 2\).*MockConnect\(journal_limit="):
                call()
        with pytest.raises(JournalEvicted, match="would be incomplete"):
            mock.journal.calls("listConnectors")


def test_other_frameworks_get_the_check_from_the_context_manager(monkeypatch: pytest.MonkeyPatch) -> None:
    with MockConnect() as server:
        with MockConnectFixture(server) as mock:
            requests.get(mock.url + "/", timeout=5)
        broken = MockConnectFixture(server)
        monkeypatch.setattr(server.state.cluster, "get_worker_info", lambda: {})
        with pytest.raises(AssertionError, match=r"GET / -> 200 \(getWorkerInfo\)"), broken:
            requests.get(broken.url + "/", timeout=5)


def test_the_fixture_exposes_the_server_pieces(
    mockconnect: MockConnectFixture, mockconnect_server: MockConnect
) -> None:
    assert mockconnect.url == mockconnect_server.url
    assert mockconnect.state is mockconnect_server.state
    assert mockconnect.journal is mockconnect_server.journal
    assert mockconnect.app is mockconnect_server.app
    assert mockconnect.url.startswith("http://127.0.0.1:")
