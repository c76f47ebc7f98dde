"""The pytest plugin (entry point ``pytest11: mockconnect``): fixtures and the ``mockconnect`` marker.

Fixtures, all prefixed ``mockconnect``:

- ``mockconnect_listen_address`` (session): ``("127.0.0.1", 0)``; override it to pin a host or port.
- ``mockconnect_server_options`` (session): ``{}``; override it to give the server more keyword
  options of :class:`~mockconnect.MockConnect`, e.g. ``certfile``, ``keyfile``, ``auth_file``.
- ``mockconnect_server`` (session): the one :class:`~mockconnect.MockConnect` of this process (so
  one per pytest-xdist worker), started at first use and stopped at the end of the session.
- ``mockconnect`` (function): that server reset for this test, as a
  :class:`~mockconnect.testing.MockConnectFixture`; at teardown the test fails if the mock broke
  its contract or failed internally meanwhile (and, by default, if the test sent a request that
  breaks the contract). Its clock is manual: ``mockconnect.clock.advance(30)``.
- ``mockconnect_client`` (function): a Flask test client over the same state, without a socket.

Flask and the contract are imported inside the fixtures, so having mockconnect installed costs
other projects' test runs nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from mockconnect.server import MockConnect
    from mockconnect.testing import MockConnectFixture, Options

MARKER_HELP = (
    "mockconnect(strict=True, validate_requests=True, scenario=None, kafka_version=None): options for the "
    "mockconnect fixture in this test. strict=False skips the teardown check that the mock kept its contract; "
    "validate_requests=False lets the test send requests that break the contract; scenario loads a "
    "ready scenario by name or a scenario file (relative to the test file) before the test; kafka_version "
    "emulates another Kafka release (3.8.1, or a minor line such as 3.8) in this test."
)
_OPTIONS = ("strict", "validate_requests", "scenario", "kafka_version")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--mockconnect-kafka-version",
        default=None,
        metavar="V",
        help="the Kafka release the mockconnect fixtures emulate unless a test's marker says otherwise "
        "(a release such as 3.8.1 or a minor line such as 3.8; default 3.7.0)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)


def _options(request: pytest.FixtureRequest) -> Options:
    from mockconnect.testing import Options

    chosen: dict[str, Any] = {}
    for mark in reversed(list(request.node.iter_markers("mockconnect"))):  # the closest marker wins
        if mark.args:
            pytest.fail(f"@pytest.mark.mockconnect takes keyword options only, got {mark.args!r}", pytrace=False)
        chosen.update(mark.kwargs)
    for key, value in chosen.items():
        if key not in _OPTIONS:
            pytest.fail(
                f"@pytest.mark.mockconnect got an unknown option {key!r}; it takes {', '.join(_OPTIONS)}",
                pytrace=False,
            )
        if key == "scenario":
            if value is not None and not isinstance(value, (str, os.PathLike)):
                pytest.fail(
                    f"@pytest.mark.mockconnect(scenario=...) must be a scenario's name or a path, not {value!r}",
                    pytrace=False,
                )
            if value is not None:
                chosen[key] = _scenario_path(request, os.fspath(value))
        elif key == "kafka_version":
            if value is not None:
                chosen[key] = _kafka_version("@pytest.mark.mockconnect(kafka_version=...)", value)
        elif not isinstance(value, bool):
            pytest.fail(f"@pytest.mark.mockconnect({key}=...) must be True or False, not {value!r}", pytrace=False)
    return Options(**chosen)


def _kafka_version(where: str, value: object) -> str:
    """A known release's full version, or a failure that lists the known ones."""
    from mockconnect.release import get_release

    if not isinstance(value, str):
        pytest.fail(f"{where} must be a release such as '3.8.1' or '3.8', not {value!r}", pytrace=False)
    try:
        return get_release(value).version
    except ValueError as problem:
        pytest.fail(f"{where}: {problem}", pytrace=False)


def _scenario_path(request: pytest.FixtureRequest, value: str) -> str:
    """A relative path is relative to the test file's folder when a file is there."""
    beside = Path(request.node.path).parent / value
    return str(beside) if not Path(value).is_absolute() and beside.is_file() else value


@pytest.fixture(scope="session")
def mockconnect_listen_address() -> tuple[str, int]:
    """Where the session's mock listens: loopback and a free port. Override it to pin either."""
    return ("127.0.0.1", 0)


@pytest.fixture(scope="session")
def mockconnect_server_options() -> dict[str, Any]:
    """More keyword options for the session's MockConnect (TLS, basic auth); override it to set them."""
    return {}


@pytest.fixture(scope="session")
def mockconnect_server(
    request: pytest.FixtureRequest,
    mockconnect_listen_address: tuple[str, int],
    mockconnect_server_options: dict[str, Any],
) -> Iterator[MockConnect]:
    """The served mock shared by this process's tests (each pytest-xdist worker has its own)."""
    from mockconnect.mock.clock import ManualClock
    from mockconnect.server import MockConnect

    host, port = mockconnect_listen_address
    options: dict[str, Any] = {"clock": ManualClock()}  # tests move time themselves
    chosen = request.config.getoption("--mockconnect-kafka-version")
    if chosen is not None:
        options["kafka_version"] = _kafka_version("--mockconnect-kafka-version", chosen)
    options.update(mockconnect_server_options)
    with MockConnect(host, port, **options) as server:
        yield server


@pytest.fixture
def mockconnect(request: pytest.FixtureRequest, mockconnect_server: MockConnect) -> Iterator[MockConnectFixture]:
    """The mock, reset for this test; the test fails at teardown if the mock broke its contract."""
    from mockconnect.testing import MockConnectFixture

    mock = MockConnectFixture(mockconnect_server, _options(request))
    mock.start()
    if mock.options.scenario is not None:
        from mockconnect.mock.scenario import ScenarioError

        try:
            mock.load_scenario(mock.options.scenario)
        except ScenarioError as problem:
            mock.stop()
            pytest.fail(f"@pytest.mark.mockconnect(scenario=...): {problem}", pytrace=False)
    yield mock
    mock.stop()
    failure = None
    try:
        mock.check()
    except AssertionError as problem:
        failure = str(problem)
    if failure is not None:  # outside the except block, so pytest shows the message once
        pytest.fail(failure, pytrace=False)


@pytest.fixture
def mockconnect_client(mockconnect: MockConnectFixture) -> FlaskClient:
    """A Flask test client over the ``mockconnect`` fixture's state: the fastest way in, no socket."""
    return mockconnect.client()
