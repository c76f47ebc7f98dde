"""`mockconnect serve` in a real subprocess: ready line, serving, admin reset, signals, exit codes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from helpers import source_config

READY = re.compile(r"^mockconnect \S+ serving Kafka Connect 3\.7\.0 on (http://127\.0\.0\.1:(\d+))$")
SCRIPT = Path(sys.executable).with_name("mockconnect")
MOCKCONNECT = (
    [str(SCRIPT)]
    if SCRIPT.is_file()
    else [sys.executable, "-c", "import sys; from mockconnect.cli import main; sys.exit(main())"]
)
"""The installed console script of this interpreter's environment, else its entry point run directly."""


def run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=30, env={**os.environ, **(env or {})})


@contextmanager
def serving(*args: str, command: list[str] = MOCKCONNECT, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``serve --port 0 ...``, yield its URL once the ready line is out, then SIGTERM it: exit 0."""
    process = subprocess.Popen(
        [*command, "serve", "--port", "0", "--quiet", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        ready = READY.match(line)
        assert ready, f"no ready line, got {line!r}; stderr: {process.stderr.read() if process.stderr else ''}"
        yield ready.group(1)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
        assert process.returncode == 0, err
        assert out == "mockconnect stopped\n"
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_serve_on_port_0_prints_its_url_serves_and_resets_over_http() -> None:
    with serving() as url:
        created = requests.post(f"{url}/connectors", json={"name": "src", "config": source_config()}, timeout=5)
        assert created.status_code == 201
        assert requests.get(f"{url}/connectors", timeout=5).json() == ["src"]
        reset = requests.post(f"{url}/_mockconnect/reset", timeout=5)
        assert (reset.status_code, reset.content) == (204, b"")
        assert requests.get(f"{url}/connectors", timeout=5).json() == []
        journal = requests.get(f"{url}/_mockconnect/journal", timeout=5).json()
        assert [e["operation_id"] for e in journal["entries"]] == ["resetMock", "listConnectors"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_exits_0_on_sigterm_and_sigint(sig: signal.Signals) -> None:
    process = subprocess.Popen([*MOCKCONNECT, "serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert READY.match(process.stdout.readline().strip())
    process.send_signal(sig)
    out, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert out == "mockconnect stopped\n"


def test_python_dash_m_mockconnect_serves_too() -> None:
    with serving(command=[sys.executable, "-m", "mockconnect"]) as url:
        assert requests.get(f"{url}/", timeout=5).json()["version"] == "3.7.0"


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_no_admin_switches_the_admin_api_off(how: str) -> None:
    args, env = (["--no-admin"], None) if how == "flag" else ([], {"MOCKCONNECT_NO_ADMIN": "1"})
    with serving(*args, env=env) as url:
        answer = requests.post(f"{url}/_mockconnect/reset", timeout=5)
        assert (answer.status_code, answer.json()) == (404, {"error_code": 404, "message": "HTTP 404 Not Found"})
        assert requests.get(f"{url}/connectors", timeout=5).status_code == 200


def test_options_come_from_the_environment() -> None:
    with serving(env={"MOCKCONNECT_JOURNAL_LIMIT": "2"}) as url:
        for _ in range(3):
            requests.get(f"{url}/", timeout=5)
        journal = requests.get(f"{url}/_mockconnect/journal", timeout=5).json()
        assert (journal["limit"], journal["evicted"]) == (2, 1)


def test_a_port_in_use_is_exit_1_with_a_clear_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run([*MOCKCONNECT, "serve", "--port", str(port)])
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"mockconnect serve: cannot listen on 127.0.0.1:{port}: ")
    assert "Is another mockconnect or a Kafka Connect worker using it?" in result.stderr
    assert "(0 picks a free one)" in result.stderr


def test_an_address_not_on_this_machine_is_exit_1() -> None:
    result = run([*MOCKCONNECT, "serve", "--host", "192.0.2.1", "--port", "0"])  # TEST-NET-1, never local
    assert result.returncode == 1
    assert "Check --host: it must be an address of this machine." in result.stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--port", "http"], {}, "--port (or MOCKCONNECT_PORT) must be a whole number, not 'http'"),
        (["--port", "70000"], {}, "--port (or MOCKCONNECT_PORT) must be at least 0 and at most 65535, not 70000"),
        (["--journal-limit", "0"], {}, "--journal-limit (or MOCKCONNECT_JOURNAL_LIMIT) must be at least 1, not 0"),
        ([], {"MOCKCONNECT_THREADS": "many"}, "--threads (or MOCKCONNECT_THREADS) must be a whole number, not 'many'"),
    ],
)
def test_a_bad_option_value_is_exit_2_naming_the_option(args: list[str], env: dict[str, str], message: str) -> None:
    result = run([*MOCKCONNECT, "serve", *args], env=env)
    assert result.returncode == 2
    assert result.stderr == f"mockconnect serve: {message}\n"


def test_an_unknown_option_is_exit_2_with_usage() -> None:
    result = run([*MOCKCONNECT, "serve", "--prot", "0"])
    assert result.returncode == 2
    assert "unrecognized arguments: --prot 0" in result.stderr
