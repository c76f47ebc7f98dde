"""What request+response contract validation costs per request, measured on this machine.

Three measurements over the same mixed workload (status and info reads, expanded listings, config
PUTs, pause/resume, a restart, a create and a delete, a 404 and a 409):

1. End to end through the Flask test client: ``create_app(validate=True)`` against
   ``create_app(validate=False)``, every request timed on its own after a warm-up and sent to both
   apps back to back (the machine is shared, so load bursts hit both sides of a pair). The cost of
   validation is the difference of the two: of the medians, of the p90s, of the means, and the
   median of the paired differences.
2. In isolation with ``timeit``: ``Operation.request_problems`` + ``Operation.response_problems`` on the
   exact inputs ``app._gate`` and ``app._record`` pass for each request of the workload.
3. openapi-core's ``OpenAPI.validate_request`` + ``validate_response`` on the same request/response pairs,
   for comparison (the authority on the document, and what the fast path replaces).

Run: ``python benchmarks/validation_cost.py`` (``--quick`` for a short smoke run). Prints a table and
writes ``benchmarks/results/validation_cost.json``.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import sys
import time
import timeit
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse
from openapi_core.testing import MockRequest
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.wrappers import Response

from mockconnect.http.app import create_app
from mockconnect.release.contract import Contract, Operation, kafka_contract

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "validation_cost.json"
DOCUMENT = ROOT / "openapi" / "kafka-connect.yaml"
HOST = "http://localhost:8083"
TARGET_US = 300.0
SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
CONNECTORS = 8


def config(name: str, **extra: str) -> dict[str, str]:
    return {"connector.class": SOURCE, "topic": f"{name}-lines", "file": f"/tmp/{name}.txt", **extra}


@dataclass(frozen=True)
class Call:
    """One request of the workload and the operation (and path template) it is expected to hit."""

    op_id: str
    method: str
    path: str
    template: str
    query: tuple[tuple[str, str], ...] = ()
    body: Any = None
    status: int = 200

    @property
    def url(self) -> str:
        return self.path + ("?" + urlencode(self.query) if self.query else "")

    @property
    def data(self) -> bytes:
        return b"" if self.body is None else json.dumps(self.body).encode()


C = "/connectors/{connector}"
CREATE = {"name": "tmp", "config": config("tmp")}
DUPLICATE = {"name": "src-0", "config": config("src-0")}
INCLUDE_TASKS = (("includeTasks", "true"),)
WORKLOAD = [
    Call("getConnectorStatus", "GET", "/connectors/src-0/status", C + "/status"),
    Call("getConnectorStatus", "GET", "/connectors/src-1/status", C + "/status"),
    Call("getConnector", "GET", "/connectors/src-2", C),
    Call("getConnectorConfig", "GET", "/connectors/src-3/config", C + "/config"),
    Call("listConnectors", "GET", "/connectors", "/connectors", (("expand", "status"), ("expand", "info"))),
    Call("listConnectors", "GET", "/connectors", "/connectors", (("expand", "status"),)),
    Call("listConnectors", "GET", "/connectors", "/connectors"),
    Call("putConnectorConfig", "PUT", "/connectors/src-0/config", C + "/config", body=config("src-0", batch="5")),
    Call("pauseConnector", "PUT", "/connectors/src-4/pause", C + "/pause", status=202),
    Call("resumeConnector", "PUT", "/connectors/src-4/resume", C + "/resume", status=202),
    Call("createConnector", "POST", "/connectors", "/connectors", body=CREATE, status=201),
    Call("listConnectorTasks", "GET", "/connectors/tmp/tasks", C + "/tasks"),
    Call("deleteConnector", "DELETE", "/connectors/tmp", C, status=204),
    Call("getConnectorStatus", "GET", "/connectors/nope/status", C + "/status", status=404),
    Call("createConnector", "POST", "/connectors", "/connectors", body=DUPLICATE, status=409),
    Call("getWorkerInfo", "GET", "/", "/"),
    Call("getTaskStatus", "GET", "/connectors/src-5/tasks/0/status", C + "/tasks/{task}/status"),
    Call("restartConnector", "POST", "/connectors/src-6/restart", C + "/restart", INCLUDE_TASKS, status=202),
    Call("listLoggers", "GET", "/admin/loggers", "/admin/loggers"),
    Call("listConnectorPlugins", "GET", "/connector-plugins", "/connector-plugins"),
]  # fmt: skip


class _Unchecked(Operation):
    """An operation whose checks find nothing at once: what is left is app.py's hook plumbing."""

    __slots__ = ()

    def request_problems(self, *args: Any) -> list[str]:
        return []

    def response_problems(self, *args: Any) -> list[str]:
        return []


def unchecked_contract() -> Contract:
    contract = Contract(kafka_contract().document)
    for op_id, operation in contract.operations.items():
        fields = {name: getattr(operation, name) for name in Operation.__dataclass_fields__}
        contract.operations[op_id] = _Unchecked(**fields)
    return contract


VARIANTS = ("validate", "hooks_only", "no_validate")


def new_app(validate: bool, contract: Contract | None = None) -> Flask:
    app = create_app(validate=validate, contract=contract)
    client = app.test_client()
    for index in range(CONNECTORS):
        name = f"src-{index}"
        assert client.post("/connectors", json={"name": name, "config": config(name)}).status_code == 201
    return app


def send(client: Any, call: Call) -> Any:
    headers = {"Content-Type": "application/json"} if call.body is not None else {}
    return client.open(call.url, method=call.method, data=call.data, headers=headers)


def check_workload(app: Flask) -> None:
    """Every call answers its expected status and the journal found no broken contract."""
    client = app.test_client()
    for call in WORKLOAD:
        status = send(client, call).status_code
        assert status == call.status, (call, status)
    entries = app.extensions["mockconnect"].journal.entries()[-len(WORKLOAD) :]
    assert [e.operation_id for e in entries] == [c.op_id for c in WORKLOAD]
    assert not any(e.request_problems or e.response_problems for e in entries), entries


def run_paired(apps: dict[str, Flask], cycles: int) -> dict[str, list[float]]:
    """Per-request wall times in microseconds, each request sent to every app back to back.

    The apps take turns going first, so a burst of load on the machine (other processes share it)
    lands on every side of a pair; the paired differences then estimate what separates the apps.
    """
    clients = {name: app.test_client() for name, app in apps.items()}
    names = list(apps)
    timer = time.perf_counter_ns
    times: dict[str, list[float]] = {name: [] for name in names}
    gc.collect()
    for cycle in range(cycles):
        shift = cycle % len(names)
        order = names[shift:] + names[:shift]
        for call in WORKLOAD:
            for name in order:
                start = timer()
                send(clients[name], call)
                times[name].append((timer() - start) / 1000)
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median_us": statistics.median(values),
        "p90_us": percentile(values, 0.9),
        "mean_us": statistics.fmean(values),
        "min_us": min(values),
    }


@dataclass
class EndToEnd:
    requests_per_repetition: int
    repetitions: int
    times: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in VARIANTS})
    repetition_medians: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in VARIANTS})
    paired_differences: dict[str, list[float]] = field(default_factory=dict)


def end_to_end(cycles: int, repetitions: int, warmup_cycles: int) -> EndToEnd:
    apps = {
        "validate": new_app(True),
        "hooks_only": new_app(True, unchecked_contract()),
        "no_validate": new_app(False),
    }
    for app in apps.values():
        check_workload(app)
    run_paired(apps, warmup_cycles)
    result = EndToEnd(cycles * len(WORKLOAD), repetitions)
    pairs = {"validation": ("validate", "no_validate"), "checks": ("validate", "hooks_only")}
    pairs["hooks"] = ("hooks_only", "no_validate")
    result.paired_differences = {name: [] for name in pairs}
    for _ in range(repetitions):
        times = run_paired(apps, cycles)
        for name, values in times.items():
            result.times[name].extend(values)
            result.repetition_medians[name].append(statistics.median(values))
        for name, (left, right) in pairs.items():
            result.paired_differences[name].extend(a - b for a, b in zip(times[left], times[right], strict=True))
    return result


# -- The isolated checks --------------------------------------------------------------------------


@dataclass
class Pair:
    """What app._gate and app._record pass to the fast path for one call, and openapi-core's view of it."""

    call: Call
    operation: Operation
    request_args: tuple[Any, ...]
    response_args: tuple[Any, ...]
    openapi_request: MockRequest
    openapi_response: WerkzeugOpenAPIResponse


def capture_pairs() -> list[Pair]:
    app = new_app(True)
    client = app.test_client()
    contract = kafka_contract()
    pairs = []
    for call in WORKLOAD:
        headers = {"Content-Type": "application/json"} if call.body is not None else {}
        with app.test_request_context(call.url, method=call.method, data=call.data, headers=headers):
            request_args = (request.view_args or {}, request.args, request.mimetype or None, request.get_data())
            view_args = {key: str(value) for key, value in (request.view_args or {}).items()}
        answer = send(client, call)
        has_body = bool(answer.data)
        response_args = (
            answer.status_code,
            answer.mimetype or None,
            answer.get_json() if has_body else None,
            Headers(answer.headers),
            has_body,
        )
        openapi_request = MockRequest(
            HOST,
            call.method.lower(),
            call.template,
            path_pattern=call.template,
            view_args=view_args or None,
            args=MultiDict(call.query),
            data=call.data,
            content_type=headers.get("Content-Type", "application/octet-stream"),
        )
        response = Response(answer.data, answer.status_code, headers=list(answer.headers.items()))
        pairs.append(
            Pair(
                call,
                contract.operations[call.op_id],
                request_args,
                response_args,
                openapi_request,
                WerkzeugOpenAPIResponse(response),
            )
        )
    return pairs


def best_per_call(function: Callable[[], object], number: int, repeat: int) -> float:
    """The median over ``repeat`` timeit runs of the time per call, in microseconds."""
    runs = timeit.repeat(function, number=number, repeat=repeat)
    return statistics.median(runs) / number * 1e6


def isolated(pairs: list[Pair], number: int, repeat: int) -> list[dict[str, Any]]:
    rows = []
    for pair in pairs:
        operation, request_args, response_args = pair.operation, pair.request_args, pair.response_args
        assert not operation.request_problems(*request_args), pair.call
        assert not operation.response_problems(*response_args), pair.call

        def fast(operation: Operation = operation, req: Any = request_args, resp: Any = response_args) -> None:
            operation.request_problems(*req)
            operation.response_problems(*resp)

        rows.append({"op_id": pair.call.op_id, "url": pair.call.url, "fast_us": best_per_call(fast, number, repeat)})
    return rows


def openapi_core_cost(pairs: list[Pair], rows: list[dict[str, Any]], number: int, repeat: int) -> None:
    openapi = OpenAPI.from_file_path(str(DOCUMENT))
    for pair, row in zip(pairs, rows, strict=True):
        openapi.validate_request(pair.openapi_request)
        openapi.validate_response(pair.openapi_request, pair.openapi_response)

        def full(req: MockRequest = pair.openapi_request, resp: Any = pair.openapi_response) -> None:
            openapi.validate_request(req)
            openapi.validate_response(req, resp)

        row["openapi_core_us"] = best_per_call(full, number, repeat)


# -- Machine and report ---------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    packages = ["flask", "werkzeug", "jsonschema-rs", "openapi-core", "openapi-schema-validator", "jsonschema"]
    versions: dict[str, str | None] = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": versions,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,  # other processes share the machine
    }


def out(line: str = "") -> None:
    print(line)  # noqa: T201 - a benchmark reports on standard output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=250, help="passes over the workload per repetition")
    parser.add_argument("--repetitions", type=int, default=6, help="repetitions, each a run of paired requests")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up passes per app")
    parser.add_argument("--quick", action="store_true", help="a short smoke run (not for the record)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.cycles, args.repetitions, args.warmup = 20, 2, 5
    warnings.simplefilter("ignore", DeprecationWarning)
    load_at_start = os.getloadavg() if hasattr(os, "getloadavg") else None

    e2e = end_to_end(args.cycles, args.repetitions, args.warmup)
    with_validation, without = summary(e2e.times["validate"]), summary(e2e.times["no_validate"])
    hooks_only = summary(e2e.times["hooks_only"])
    cost = {key: with_validation[key] - without[key] for key in with_validation}
    cost["paired_median_us"] = statistics.median(e2e.paired_differences["validation"])
    split = {name: statistics.median(values) for name, values in e2e.paired_differences.items()}

    pairs = capture_pairs()
    rows = isolated(pairs, number=200 if args.quick else 2000, repeat=5)
    openapi_core_cost(pairs, rows, number=3 if args.quick else 20, repeat=3 if args.quick else 5)
    fast_mean = statistics.fmean(row["fast_us"] for row in rows)
    core_mean = statistics.fmean(row["openapi_core_us"] for row in rows)

    out(f"Machine: {cpu_model()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    out(
        f"End to end, Flask test client: {e2e.repetitions} repetitions x {e2e.requests_per_repetition} requests "
        f"per app, sent in pairs, after {args.warmup * len(WORKLOAD)} warm-up requests per app"
    )
    out(f"{'':30}{'median':>10}{'p90':>10}{'mean':>10}   (microseconds per request)")
    for label, values in (
        ("create_app(validate=True)", with_validation),
        ("hooks, checks stubbed out", hooks_only),
        ("create_app(validate=False)", without),
        ("cost of validation", cost),
    ):
        out(f"{label:30}" + "".join(f"{values[k]:>10.1f}" for k in ("median_us", "p90_us", "mean_us")))
    medians = {name: [round(m, 1) for m in values] for name, values in e2e.repetition_medians.items()}
    out(f"Per-repetition medians: {medians}")
    out(f"Median of the paired differences (same request, apps back to back): {split['validation']:.1f} µs,")
    out(f"  of which the checks (validate - stubbed): {split['checks']:.1f} µs")
    out(f"  and app.py's hook plumbing (stubbed - no validation): {split['hooks']:.1f} µs")
    out()
    out("Isolated, per request: request_problems + response_problems (fast)")
    out("against openapi-core's validate_request + validate_response on the same pair")
    out(f"{'operation':28}{'request':50}{'fast µs':>10}{'openapi-core µs':>17}{'ratio':>8}")
    for row in rows:
        ratio = row["openapi_core_us"] / row["fast_us"]
        out(f"{row['op_id']:28}{row['url'][:48]:50}{row['fast_us']:>10.1f}{row['openapi_core_us']:>17.0f}{ratio:>8.0f}")
    out(f"{'mean over the workload':78}{fast_mean:>10.1f}{core_mean:>17.0f}{core_mean / fast_mean:>8.0f}")
    verdict = "within" if max(cost["median_us"], cost["mean_us"], cost["paired_median_us"]) <= TARGET_US else "ABOVE"
    out()
    out(f"Target: validation <= {TARGET_US:.0f} µs per request: {verdict} target")

    result = {
        "machine": {**machine(), "load_average_at_start": load_at_start},
        "method": {
            "workload": [{"op_id": c.op_id, "method": c.method, "url": c.url, "status": c.status} for c in WORKLOAD],
            "connectors_preloaded": CONNECTORS,
            "warmup_requests_per_app": args.warmup * len(WORKLOAD),
            "requests_per_repetition": e2e.requests_per_repetition,
            "repetitions_per_variant": e2e.repetitions,
            "timing": "time.perf_counter_ns around each FlaskClient.open; each request sent to the three apps "
            "back to back, the app going first rotating per pass over the workload",
            "variants": {
                "validate": "create_app(validate=True)",
                "hooks_only": "create_app(contract=...) whose operations' checks return [] at once",
                "no_validate": "create_app(validate=False)",
            },
            "isolated": "timeit.repeat(number=2000, repeat=5) per workload request, median run / number",
            "openapi_core": "OpenAPI.from_file_path once; timeit.repeat(number=20, repeat=5) per pair, median / number",
            "quick": args.quick,
        },
        "end_to_end": {
            "validate": with_validation,
            "hooks_only": hooks_only,
            "no_validate": without,
            "cost_of_validation": cost,
            "paired_median_differences_us": split,
            "repetition_medians": e2e.repetition_medians,
        },
        "isolated": {"per_request": rows, "mean_fast_us": fast_mean, "mean_openapi_core_us": core_mean},
        "target_us": TARGET_US,
        "within_target": verdict == "within",
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    out(f"Wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
