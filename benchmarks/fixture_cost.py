"""What the pytest fixture costs per test, and how fast requests go through ``mockconnect_client``.

Run from the repository with mockconnect installed::

    python benchmarks/fixture_cost.py [--quick]

It prints a table and writes ``benchmarks/results/fixture_cost.json``. Measurements:

- ``reset``: ``MockConnect.reset()`` (what the fixture does before each test), on an empty mock and
  on one holding 50 connectors with 4 tasks each and a full journal (the state is rebuilt, untimed,
  before each timed reset).
- ``fixture, direct``: one test's worth of fixture work without pytest around it:
  ``MockConnectFixture(server).start()``, ``.stop()``, ``.check()``.
- ``fixture, in pytest``: a generated test module run by pytest in a subprocess, timing the setup
  and teardown phases of each test with ``time.perf_counter`` in a hook wrapper; the cost is the
  median of (setup + teardown) of tests that use ``mockconnect`` minus that of tests that use no
  fixture. Tests using a trivial ``yield None`` fixture show how much of that is pytest's own
  fixture machinery. The first test, which starts the session server, is reported apart.
- ``requests``: single-threaded request rate through the Flask test client (what
  ``mockconnect_client`` is), with the contract checks on and off, and over a real socket with
  ``requests.Session`` to the served mock for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests

from mockconnect import MockConnect, __version__
from mockconnect.testing import MockConnectFixture

RESULTS = Path(__file__).resolve().parent / "results"
SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
SINK_CONFIG = {"connector.class": SINK, "topics": "t", "tasks.max": "2"}


def per_call(run: Callable[[], object], count: int, repeats: int = 5) -> float:
    """Best-of-``repeats`` seconds per call over ``count`` calls."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(count):
            run()
        best = min(best, (time.perf_counter() - start) / count)
    return best


def populate(server: MockConnect, connectors: int, entries: int) -> None:
    """``connectors`` sinks with 4 tasks each, and the journal filled to ``entries`` entries."""
    client = server.app.test_client()
    for i in range(connectors):
        config = {"connector.class": SINK, "topics": "t", "tasks.max": "4"}
        client.post("/connectors", json={"name": f"c{i}", "config": config})
    client.get("/connectors/c0/status")
    entry = server.journal.entries()[-1]
    while len(server.journal) < entries:  # copies of a real entry: the cost of clearing is the same
        server.journal.record(entry)


def reset_after(server: MockConnect, connectors: int, entries: int, rounds: int) -> float:
    """Median seconds of one reset of a mock holding that much (rebuilt, untimed, before each)."""
    samples = []
    for _ in range(rounds):
        populate(server, connectors, entries)
        start = time.perf_counter()
        server.reset()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure_reset(server: MockConnect, quick: bool) -> dict[str, float]:
    empty = per_call(server.reset, 2_000 if quick else 20_000)
    typical = reset_after(server, 3, 30, 50 if quick else 500)
    full = reset_after(server, 50, server.journal.limit, 5 if quick else 20)
    fixture = MockConnectFixture(server)

    def one_test() -> None:
        fixture.start()
        fixture.stop()
        fixture.check()

    direct = per_call(one_test, 2_000 if quick else 20_000)
    return {
        "reset_empty_us": empty * 1e6,
        "reset_typical_us_median": typical * 1e6,
        "reset_full_us_median": full * 1e6,
        "fixture_direct_us": direct * 1e6,
    }


HOOK = """
import json, os, time
import pytest

TIMES = {}

@pytest.fixture
def trivial():
    yield None

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    start = time.perf_counter()
    yield
    TIMES[item.name] = time.perf_counter() - start

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    start = time.perf_counter()
    yield
    TIMES[item.name] += time.perf_counter() - start

def pytest_sessionfinish(session):
    with open(os.environ["FIXTURE_COST_OUT"], "w") as out:
        json.dump(TIMES, out)
"""


def measure_in_pytest(count: int) -> dict[str, float]:
    tests = "\n".join(
        f"def test_plain_{i}():\n    pass\n\n"
        f"def test_trivial_{i}(trivial):\n    pass\n\n"
        f"def test_mock_{i}(mockconnect):\n    pass\n"
        for i in range(count)
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "conftest.py").write_text(textwrap.dedent(HOOK))
        (root / "test_generated.py").write_text("def test_mock_first(mockconnect):\n    pass\n\n" + tests)
        out = root / "times.json"
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:schemathesis", "-p", "no:hypothesispytest",
             "-p", "no:randomly", "-p", "no:cacheprovider", str(root)],
            check=True,
            capture_output=True,
            cwd=root,
            env={**os.environ, "FIXTURE_COST_OUT": str(out)},
        )  # fmt: skip
        times: dict[str, float] = json.loads(out.read_text())
    plain = statistics.median(v for k, v in times.items() if k.startswith("test_plain_"))
    trivial = statistics.median(v for k, v in times.items() if k.startswith("test_trivial_"))
    mock = statistics.median(v for k, v in times.items() if k.startswith("test_mock_") and k != "test_mock_first")
    return {
        "tests_each_kind": count,
        "plain_setup_teardown_us_median": plain * 1e6,
        "trivial_yield_fixture_setup_teardown_us_median": trivial * 1e6,
        "mockconnect_setup_teardown_us_median": mock * 1e6,
        "fixture_in_pytest_us": (mock - plain) * 1e6,
        "pytest_fixture_machinery_us": (trivial - plain) * 1e6,
        "first_test_with_server_start_ms": times["test_mock_first"] * 1e3,
    }


def rate(run: Callable[[], object], seconds: float) -> float:
    """Requests per second of ``run`` (one request per call) over about ``seconds``."""
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            run()
        count += 50
    return count / elapsed


def client_rates(validate: bool, seconds: float) -> dict[str, float]:
    """Request rates through the Flask test client of a mock holding 10 sink connectors."""
    with MockConnect(validate=validate) as server:
        client = server.app.test_client()
        for i in range(10):
            client.post("/connectors", json={"name": f"c{i}", "config": SINK_CONFIG})
        names = (f"x{i}" for i in range(10**9))

        def create_delete() -> None:
            name = next(names)
            client.post("/connectors", json={"name": name, "config": SINK_CONFIG})
            client.delete(f"/connectors/{name}")

        return {
            "GET /": rate(lambda: client.get("/"), seconds),
            "GET /connectors/{c}/status": rate(lambda: client.get("/connectors/c3/status"), seconds),
            "GET /connectors?expand=status": rate(lambda: client.get("/connectors?expand=status"), seconds),
            "PUT /connectors/{c}/pause": rate(lambda: client.put("/connectors/c3/pause"), seconds),
            "POST /connectors + DELETE": 2 * rate(create_delete, seconds),
        }


def socket_rates(seconds: float) -> dict[str, float]:
    """The same over a real socket: one client thread, requests.Session, to the served mock."""
    with MockConnect() as server, requests.Session() as session:
        for i in range(10):
            session.post(f"{server.url}/connectors", json={"name": f"c{i}", "config": SINK_CONFIG})
        return {
            "GET /": rate(lambda: session.get(server.url + "/"), seconds),
            "GET /connectors/{c}/status": rate(lambda: session.get(server.url + "/connectors/c3/status"), seconds),
        }


def measure_requests(seconds: float) -> dict[str, dict[str, float]]:
    return {
        "client": client_rates(True, seconds),
        "client, no contract checks": client_rates(False, seconds),
        "socket (requests.Session)": socket_rates(seconds),
        "baseline: bare Flask app": baseline(seconds),
    }


def baseline(seconds: float) -> dict[str, float]:
    """The same machine's speed for a Flask app with one JSON route: what the numbers above compare to."""
    from flask import Flask
    from waitress.server import create_server

    app = Flask("baseline")
    app.add_url_rule("/", "root", lambda: {"version": "3.7.0"})
    client = app.test_client()
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/"
    with requests.Session() as session:
        result = {
            "test client GET /": rate(lambda: client.get("/"), seconds),
            "socket GET / (waitress, requests.Session)": rate(lambda: session.get(url), seconds),
        }
    server.close()  # the daemon thread may log a closed-socket error on its way out
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer iterations, for a smoke run")
    args = parser.parse_args()
    with MockConnect() as server:
        reset = measure_reset(server, args.quick)
    in_pytest = measure_in_pytest(200 if args.quick else 1_000)
    rates = measure_requests(0.5 if args.quick else 2.0)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    report: dict[str, Any] = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mockconnect": __version__,
        "commit": commit or None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "quick": args.quick,
        "reset": reset,
        "fixture_in_pytest": in_pytest,
        "requests_per_second": rates,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "fixture_cost.json").write_text(json.dumps(report, indent=2) + "\n")

    rows = [
        ("reset(), empty mock", f"{reset['reset_empty_us']:.1f} µs"),
        ("reset(), 3 connectors x 4 tasks + 30 journal entries", f"{reset['reset_typical_us_median']:.1f} µs"),
        ("reset(), 50 connectors x 4 tasks + full journal (10,000)", f"{reset['reset_full_us_median']:.1f} µs"),
        ("fixture work per test, direct (start/stop/check)", f"{reset['fixture_direct_us']:.1f} µs"),
        (
            "fixture per test in pytest (setup+teardown over a plain test)",
            f"{in_pytest['fixture_in_pytest_us']:.0f} µs",
        ),
        ("  of which any yield fixture costs pytest", f"{in_pytest['pytest_fixture_machinery_us']:.0f} µs"),
        ("  plain test setup+teardown (median)", f"{in_pytest['plain_setup_teardown_us_median']:.0f} µs"),
        ("  first test, session server start", f"{in_pytest['first_test_with_server_start_ms']:.0f} ms"),
    ]
    for label, by_request in rates.items():
        for request_name, per_second in by_request.items():
            rows.append((f"{label}: {request_name}", f"{per_second:,.0f} req/s ({1e6 / per_second:.0f} µs)"))
    width = max(len(label) for label, _ in rows)
    lines = [f"mockconnect {__version__} ({commit}), Python {platform.python_version()}, {platform.platform()}"]
    lines += [f"{label:<{width}}  {value}" for label, value in rows]
    lines.append(f"written to {RESULTS / 'fixture_cost.json'}")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
