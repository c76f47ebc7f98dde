"""Where a test's time goes per call: the client library, the server, or the mock.

A test using the ``mockconnect`` fixture talks to a mock served on a thread of its own process; one
using ``mockconnect_client`` calls the app through Flask's test client. This measures one call
(``GET /connectors/{c}/status``, one connector) the way such a test makes it, sequentially over one
keep-alive connection, for each pairing of

- client: ``http.client`` (the standard library, almost no work of its own), ``requests.Session()``
  (what most Python tests use), and ``requests.Session()`` with ``trust_env = False`` (no proxy,
  netrc or CA-bundle lookups from the environment on every request);
- server, in this process as behind the fixture: the bare-Flask ceiling on the same waitress set-up
  as ``mockconnect serve`` (``benchmarks/bare_flask.py``), the mock, and the mock with its direct
  path turned off (``create_app(direct=False)``: every request through Flask, as before the direct
  path existed);

plus the test-client path: Flask's test client on the bare app, and ``mockconnect_client``'s.

    python benchmarks/client_floor.py [--calls 2000] [--rounds 3]

It prints p50, p90 and mean latency per pairing (the median over rounds) and writes
``benchmarks/results/client_floor.json``. Rounds interleave the pairings so that a change in the
machine's load touches them alike.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests
from bare_flask import bare_app, bare_server

from mockconnect.mock.clock import ManualClock
from mockconnect.server import MockConnect, create_app

RESULTS = Path(__file__).parent / "results" / "client_floor.json"
PATH = "/connectors/load-00/status"
SINK = {"connector.class": "FileStreamSink", "topics": "t", "tasks.max": "3"}


def latencies(call: Callable[[], Any], calls: int) -> dict[str, float]:
    for _ in range(min(200, calls)):  # warm: connection, caches, branch predictors
        call()
    took = []
    for _ in range(calls):
        began = time.perf_counter()
        call()
        took.append(time.perf_counter() - began)
    took.sort()
    return {
        "p50_ms": round(took[len(took) // 2] * 1000, 3),
        "p90_ms": round(took[int(len(took) * 0.9)] * 1000, 3),
        "mean_ms": round(statistics.fmean(took) * 1000, 3),
    }


def http_client_call(port: int) -> Callable[[], Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port)

    def call() -> bytes:
        connection.request("GET", PATH)
        return connection.getresponse().read()

    return call


def requests_call(url: str, trust_env: bool) -> Callable[[], Any]:
    session = requests.Session()
    session.trust_env = trust_env
    return lambda: session.get(url + PATH).content


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    bare = bare_server().start()
    mock = MockConnect("127.0.0.1", 0, clock=ManualClock()).start()
    requests.post(mock.url + "/connectors", json={"name": "load-00", "config": SINK}, timeout=10).raise_for_status()
    through_flask = MockConnect("127.0.0.1", 0, state=mock.state)
    through_flask._server.application = create_app(mock.state, direct=False)
    through_flask.start()
    bare_client = bare_app().test_client()
    mock_client = create_app(mock.state).test_client(use_cookies=False)  # as mockconnect_client
    flask_client = create_app(mock.state, direct=False).test_client()
    pairings: dict[str, Callable[[], Any]] = {}
    servers = (("bare Flask, waitress", bare), ("mock, waitress", mock), ("mock via Flask, waitress", through_flask))
    for label, server in servers:
        pairings[f"{label}; http.client"] = http_client_call(server.port)
        pairings[f"{label}; requests.Session"] = requests_call(server.url, trust_env=True)
        pairings[f"{label}; requests.Session, trust_env=False"] = requests_call(server.url, trust_env=False)
    pairings["bare Flask; Flask test client"] = lambda: bare_client.get(PATH).data
    pairings["mock; mockconnect_client (Flask test client)"] = lambda: mock_client.get(PATH).data
    pairings["mock via Flask; Flask test client"] = lambda: flask_client.get(PATH).data

    rounds: dict[str, list[dict[str, float]]] = {label: [] for label in pairings}
    for _ in range(args.rounds):
        for label, call in pairings.items():
            rounds[label].append(latencies(call, args.calls))
    bare.stop()
    mock.stop()
    through_flask.stop()

    table = {label: {key: statistics.median(r[key] for r in runs) for key in runs[0]} for label, runs in rounds.items()}
    width = max(map(len, table))
    lines = [f"{'one GET status, sequential, one connection':<{width}}  {'p50 ms':>7} {'p90 ms':>7} {'mean ms':>8}"]
    for label, row in table.items():
        lines.append(f"{label:<{width}}  {row['p50_ms']:>7.3f} {row['p90_ms']:>7.3f} {row['mean_ms']:>8.3f}")
    sys.stdout.write("\n".join(lines) + "\n")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load1": os.getloadavg()[0]},
                "calls": args.calls,
                "rounds": args.rounds,
                "latency": table,
            },
            indent=2,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
