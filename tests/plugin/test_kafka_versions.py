"""Choosing the Kafka release a test's mock emulates: the marker, the session option, the fixture method."""

from __future__ import annotations

import pytest

UNRELATED = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")

SOURCE = {"connector.class": "FileStreamSource", "topic": "t", "file": "/tmp/in.txt"}


def test_the_marker_picks_a_release_for_one_test_and_the_next_test_is_back_to_the_default(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        import pytest
        import requests

        SOURCE = {SOURCE!r}

        @pytest.mark.mockconnect(kafka_version="3.8")
        def test_a_3_8_worker(mockconnect):
            assert requests.get(mockconnect.url).json()["version"] == "3.8.1"
            requests.post(f"{{mockconnect.url}}/connectors", json={{"name": "s", "config": SOURCE}})
            patched = requests.patch(f"{{mockconnect.url}}/connectors/s/config", json={{"batch.size": "5"}})
            assert patched.status_code == 200
            assert patched.json()["config"]["batch.size"] == "5"
            assert requests.get(f"{{mockconnect.url}}/health").status_code == 404  # came in 3.9

        def test_then_the_default_again(mockconnect):
            assert requests.get(mockconnect.url).json()["version"] == "3.7.0"
            requests.post(f"{{mockconnect.url}}/connectors", json={{"name": "s", "config": SOURCE}})
            assert requests.patch(f"{{mockconnect.url}}/connectors/s/config", json={{}}).status_code == 405

        def test_the_fixture_switches_too(mockconnect, mockconnect_client):
            mockconnect.use_kafka_version("3.9.2")
            assert mockconnect_client.get("/health").json["status"] == "healthy"

        @pytest.mark.mockconnect(kafka_version="2.8")
        def test_an_unknown_release(mockconnect):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly", *UNRELATED)
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*kafka_version=...): unknown Kafka release '2.8': known releases are 3.6.2, 3.7.0*"])


def test_the_session_option_sets_every_test_s_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_version(mockconnect):
            assert requests.get(mockconnect.url).json()["version"] == "3.9.2"
        """
    )
    pytester.runpytest("--mockconnect-kafka-version", "3.9", *UNRELATED).assert_outcomes(passed=1)
    refused = pytester.runpytest("--mockconnect-kafka-version", "9", *UNRELATED)
    refused.assert_outcomes(errors=1)
    refused.stdout.fnmatch_lines(["*--mockconnect-kafka-version: unknown Kafka release '9'*"])
