"""Benchmarks of mockconnect, side by side with Prism and a real Kafka Connect 3.7.0 worker.

One command measures everything, prints a table, saves ``benchmarks/results/benchmarks.json``,
draws ``benchmarks/results/benchmarks.png`` and rewrites the results part of ``docs/benchmarks.md``::

    pip install -e '.[bench]'            # matplotlib, for the chart
    apt-get install -y wrk               # the load generator
    python benchmarks/run.py             # about 12 minutes on a quiet machine, at most about 15
    python benchmarks/run.py --quick     # a smoke test of the script: a few minutes

What it measures (see ``docs/benchmarks.md`` and ``benchmarks/workload.py``):

- HTTP throughput and latency with wrk (1 thread): the mixed workload and four single operations at
  8 connections, ``GET status`` and the expanded listing of 20 connectors at 16 connections and over
  one keep-alive connection (sequential requests, what a test's client sees: a Python http.client
  loop, and wrk -c1 as a cross-check), against
  ``mockconnect serve`` (contract checks on, the default), ``mockconnect serve --no-validate``,
  Prism 5 serving ``openapi/kafka-connect.yaml``, the real 3.7.0 worker
  (``mockconnect.live.worker.KafkaWorker``, when Java and the jars are there; warmed up for its JIT
  first, and the anchor of the ``× worker`` column), and a bare Flask view on the same server
  (``bare_flask.py``, the ceiling);
- the CPU each target uses while idle (5 s with no requests, after the warm-up);
- cold start to the first 200 on ``GET /`` (the mock, and the real worker's Connect JVM);
- the per-test cost of the ``mockconnect`` fixture (reset, journal watch, teardown check);
- the request rate through the Flask test client, in process;
- a pytest run of 1,000 generated tests, each driving a 10-call lifecycle through the fixture;
- scale: 100, 1,000 and 10,000 connectors of 3 tasks: ``GET /connectors?expand=status&expand=info``
  and the server's resident memory;
- the issue's targets, each printed with PASS or FAIL (reported, never asserted).

The machine is shared: before each measurement the script waits (bounded) until the CPUs are
quiet, and records the 1-minute load average and the CPU use of others next to each number.
Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime
import gc
import http.client
import importlib.util
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]  # this checkout's mockconnect, even where another is installed

from workload import (  # noqa: E402
    LIFECYCLE,
    LISTING,
    MIXED,
    SINGLE,
    TASKS,
    Call,
    mix_table,
    preload_calls,
    sink_config,
    wrk_workload,
)

RESULTS = BENCH / "results"
JSON_OUT = RESULTS / "benchmarks.json"
CHART = RESULTS / "benchmarks.png"
QUICK_OUT = RESULTS / "tmp" / "benchmarks-quick.json"
"""Where ``--quick`` writes (git-ignored), with its chart next to it: the recorded results stay."""
DOC = ROOT / "docs" / "benchmarks.md"
DOCUMENT = ROOT / "openapi" / "kafka-connect.yaml"
PRISM_DIR = BENCH / ".prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
PRISM_PACKAGE = "@stoplight/prism-cli@5"
LOCALHOST = "127.0.0.1"
TARGETS = ("mock", "mock --no-validate", "prism", "worker", "bare flask", "mock (granian)", "bare flask (granian)")
CEILING = "bare flask"
GRANIAN = " (granian)"
"""Targets so marked run on granian instead of waitress: the mixed workload only, to compare servers."""
LISTING_RUN = "GET expanded listing"
STATUS_RUN = "GET status"
ONE = " ×1"
"""Suffix of the runs over one keep-alive connection, sequential requests, by a Python http.client loop."""
ONE_WRK = " ×1 wrk"
"""The same with ``wrk -t1 -c1`` (no think time between requests): a cross-check of the loop's p99."""
MANY = " ×16"
"""Suffix of the runs at 16 connections."""
WORKER = "worker"
DOC_START = "<!-- results:start (written by benchmarks/run.py) -->"
DOC_END = "<!-- results:end -->"


def say(text: str) -> None:
    print(text, flush=True)  # noqa: T201 - a benchmark reports on standard output


def child_env() -> dict[str, str]:
    """The environment of every Python the script starts: this checkout's ``mockconnect`` first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(ROOT), env.get("PYTHONPATH", "")) if x)
    return env


# -- the machine and its load ---------------------------------------------------------------------


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields[:8]) - idle, sum(fields[:8])


def cpu_busy(seconds: float = 1.0, exclude: list[int] | None = None) -> float:
    """Share of all CPUs busy over ``seconds`` (0..1), by anyone but the processes ``exclude``."""
    pids = process_tree(exclude) if exclude else []
    busy0, total0 = _cpu_times()
    own0 = cpu_seconds(pids)
    time.sleep(seconds)
    busy1, total1 = _cpu_times()
    own = (cpu_seconds(pids) - own0) * _TICK
    return max(0.0, busy1 - busy0 - own) / max(1, total1 - total0)


@dataclass
class LoadGate:
    """Waits, up to a bounded time, until others leave the CPUs quiet; remembers what it saw."""

    busy_max: float
    wait_each: float
    budget: float
    spent: float = 0.0

    def wait(self, target: Target | None = None) -> dict[str, Any]:
        """Wait until CPU use of others (not the target's processes, which the real worker keeps busy) is low."""
        began = time.monotonic()
        while True:
            busy = cpu_busy(1.0, target.roots() if target else None)
            waited = time.monotonic() - began
            if busy <= self.busy_max or waited >= self.wait_each or self.spent + waited >= self.budget:
                break
            time.sleep(4.0)
        self.spent += waited
        return {
            "load1": round(os.getloadavg()[0], 2),
            "cpu_busy_before": round(busy, 3),
            "waited_s": round(waited, 1),
            "quiet": busy <= self.busy_max,
        }


def _version(cmd: list[str]) -> str | None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stdout + done.stderr).strip().splitlines()
    return text[0].strip() if text else None


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError), open("/proc/meminfo") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    packages = {}
    for name in ("mockconnect", "flask", "werkzeug", "waitress", "jsonschema-rs", "pytest", "requests"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            packages[name] = metadata.version(name)
    commit = _version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = bool(_version(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]))
    return {
        "cpu_model": cpu,
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gib": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": packages,
        "wrk": _version(["wrk", "--version"]),
        "node": _version(["node", "--version"]),
        "prism": _version([str(PRISM_BIN), "--version"]) if PRISM_BIN.exists() else None,
        "java": _version(["java", "-version"]),
        "commit": f"{commit}{' (with uncommitted changes)' if dirty else ''}" if commit else None,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# -- tools ------------------------------------------------------------------------------------------


def need_wrk() -> None:
    if shutil.which("wrk") is None:
        sys.exit(
            "benchmarks/run.py needs wrk, the HTTP load generator. Install it with:\n"
            "    apt-get install -y wrk        (Debian/Ubuntu; brew install wrk on macOS)"
        )


def need_prism() -> bool:
    """Install Prism 5 into benchmarks/.prism (git-ignored) if it is not there; False if impossible."""
    if PRISM_BIN.exists():
        return True
    if shutil.which("npm") is None:
        say("  Prism skipped: npm is missing (install Node.js 18+ with npm, e.g. apt-get install -y nodejs npm)")
        return False
    say(f"  installing {PRISM_PACKAGE} into {PRISM_DIR.relative_to(ROOT)} ...")
    PRISM_DIR.mkdir(exist_ok=True)
    done = subprocess.run(
        ["npm", "install", "--prefix", str(PRISM_DIR), "--no-audit", "--no-fund", PRISM_PACKAGE],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not PRISM_BIN.exists():
        say(f"  Prism skipped: npm install failed:\n{done.stderr[-2000:]}")
        return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        port: int = sock.getsockname()[1]
        return port


def rss_mib(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


_TICK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (field 3 onwards), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def process_tree(roots: list[int]) -> list[int]:
    """``roots`` and every live descendant of them."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.append(pid)
            todo += children.get(pid, [])
    return found


def cpu_seconds(pids: list[int]) -> float:
    """CPU time used so far by ``pids`` (all threads; utime + stime, plus cutime + cstime of reaped children)."""
    ticks = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            ticks += sum(int(x) for x in fields[11:15])  # stat fields 14-17: utime stime cutime cstime
    return ticks / _TICK


def idle_cpu(target: Target, seconds: float) -> dict[str, Any]:
    """Share of one core the target's processes (and their children) use while nobody sends anything."""
    time.sleep(1.0)  # let the last answers of the warm-up finish
    pids = process_tree(target.roots())
    before, began = cpu_seconds(pids), time.monotonic()
    time.sleep(seconds)
    used, wall = cpu_seconds(pids) - before, time.monotonic() - began
    return {
        "seconds": round(wall, 2),
        "cpu_s": round(used, 3),
        "percent_of_core": round(used / wall * 100, 2),
        "processes": len(pids),
        "resolution_percent": round(100 / _TICK / wall, 2),
        "load1": round(os.getloadavg()[0], 2),
    }


# -- HTTP helpers -----------------------------------------------------------------------------------


class Client:
    """A keep-alive HTTP/1.1 client for set-up and timing (http.client: little overhead of its own)."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        match = re.fullmatch(r"http://([^:/]+):(\d+)", url)
        assert match, url
        self.host, self.port, self.timeout = match.group(1), int(match.group(2)), timeout
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def call(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                answer = self.conn.getresponse()
                return answer.status, answer.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def wait_for_200(url: str, deadline: float, path: str = "/") -> float:
    """Poll ``GET path`` every 2 ms until it answers 200; the perf_counter time it did."""
    match = re.fullmatch(r"http://([^:/]+):(\d+)", url)
    assert match
    while True:
        try:
            conn = http.client.HTTPConnection(match.group(1), int(match.group(2)), timeout=2)
            conn.request("GET", path)
            answer = conn.getresponse()
            answer.read()
            conn.close()
            if answer.status == 200:
                return time.perf_counter()
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url}{path} did not answer 200 in time")
        time.sleep(0.002)


# -- targets ----------------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    url: str
    pid: int
    stop: Callable[[], None]
    info: dict[str, Any] = field(default_factory=dict)
    processes: Callable[[], list[int]] | None = None
    """The target's root processes (the worker has two JVMs); ``[pid]`` if not given."""

    def roots(self) -> list[int]:
        return self.processes() if self.processes is not None else [self.pid]


def _process_target(name: str, cmd: list[str], logs: Path, url: str | None = None) -> Target:
    """Start a server process; its URL is ``url`` or the first http:// URL it prints."""
    log = (logs / f"{re.sub(r'[^a-z]+', '-', name)}.log").open("ab")
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE if url is None else subprocess.DEVNULL,
        stderr=log,
        cwd=ROOT,
        text=True,
        env=child_env(),
    )
    if url is None:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"http://[\d.]+:\d+", line)
        if found is None:
            proc.kill()
            raise RuntimeError(f"{name} did not say where it serves: {line!r}")
        url = found.group(0)
        threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain, never block the server
    try:
        wait_for_200(url, time.monotonic() + 60)
    except TimeoutError:
        proc.kill()
        raise

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()

    return Target(name, url, proc.pid, stop)


def start_mock(name: str, logs: Path, *extra: str) -> Target:
    cmd = [sys.executable, "-m", "mockconnect", "serve", "--port", "0", "--quiet", *extra]
    return _process_target(name, cmd, logs)


def start_bare(logs: Path) -> Target:
    return _process_target(CEILING, [sys.executable, str(BENCH / "bare_flask.py")], logs)


def start_granian(name: str, factory: str, logs: Path) -> Target:
    """The same app on granian (Rust HTTP server; 1 worker process, so all state stays in one process)."""
    port = free_port()
    cmd = [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "1", "--host", LOCALHOST]
    cmd += ["--port", str(port), "--no-ws", "--log-level", "warning", "--factory", f"benchmarks.granian_app:{factory}"]
    return _process_target(name, cmd, logs, url=f"http://{LOCALHOST}:{port}")


def start_prism(logs: Path) -> Target:
    port = free_port()
    cmd = [str(PRISM_BIN), "mock", "-h", LOCALHOST, "-p", str(port), str(DOCUMENT)]
    return _process_target("prism", cmd, logs, url=f"http://{LOCALHOST}:{port}")


def start_worker() -> Target:
    """The real 3.7.0 worker; also measures its cold start (Connect JVM launch to first 200 on GET /)."""
    from mockconnect.live.worker import KafkaWorker

    class TimedWorker(KafkaWorker):
        connect_launched: float | None = None
        first_root_200: float | None = None

        def _start_connect(self) -> None:
            self.connect_launched = time.perf_counter()
            super()._start_connect()
            threading.Thread(target=self._watch_root, daemon=True).start()

        def _watch_root(self) -> None:
            with contextlib.suppress(TimeoutError):
                self.first_root_200 = wait_for_200(self.url, time.monotonic() + self.startup_timeout)

    worker = TimedWorker()
    began = time.perf_counter()
    worker.start()
    ready = time.perf_counter()
    deadline = time.monotonic() + 30
    while worker.first_root_200 is None and time.monotonic() < deadline:
        time.sleep(0.05)
    connect = next(proc for proc in worker._procs if proc.name == "connect")
    info = {
        "start_to_writable_s": round(ready - began, 2),
        "cold_start_s": (
            round(worker.first_root_200 - worker.connect_launched, 3)
            if worker.first_root_200 and worker.connect_launched
            else None
        ),
        "timings": worker.timings,
    }
    return Target(
        WORKER, worker.url, connect.popen.pid, worker.stop, info, lambda: [p.popen.pid for p in worker._procs]
    )


def preload(target: Target) -> dict[str, Any]:
    """Create the 20 connectors the workloads read; on the real worker, wait until all tasks run."""
    client = Client(target.url)
    statuses = [client.call(method, path, body)[0] for method, path, body in preload_calls()]
    client.close()
    settled_s = settle(target, 120) if target.name == WORKER else None
    return {"create_statuses": sorted(set(statuses)), "settled_s": settled_s}


def settle(target: Target, timeout: float) -> float | None:
    """Wait until the 20 loaded connectors and all their tasks run (the real worker rebalances after
    writes); seconds waited, or None if they did not within ``timeout``."""
    client = Client(target.url)
    began = time.monotonic()
    try:
        while time.monotonic() - began < timeout:
            status, raw = client.call("GET", LISTING)
            listing = json.loads(raw) if status == 200 else {}
            running = [
                name
                for name, entry in listing.items()
                if name.startswith("load-")
                and entry["status"]["connector"]["state"] == "RUNNING"
                and [t["state"] for t in entry["status"]["tasks"]] == ["RUNNING"] * TASKS
            ]
            if len(running) == 20:
                return round(time.monotonic() - began, 1)
            time.sleep(0.5)
    finally:
        client.close()
    return None


# -- wrk --------------------------------------------------------------------------------------------


_RUNS = iter(range(1, 1_000_000))


def wrk(url: str, calls: tuple[Call, ...], seconds: float, connections: int, scratch: Path) -> dict[str, Any]:
    workload = wrk_workload(calls, scratch / "workload.lua")
    seconds = max(1, round(seconds))  # wrk takes whole seconds
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    cmd += ["-s", str(BENCH / "mixed.lua"), url, "--", str(workload), str(next(_RUNS))]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    raw = json.loads(line[len("WRK-JSON ") :])
    seconds_run = raw["duration_us"] / 1e6
    errors = raw["errors"]
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["latency_us"]["p50"] / 1000, 3),
        "p90_ms": round(raw["latency_us"]["p90"] / 1000, 3),
        "p99_ms": round(raw["latency_us"]["p99"] / 1000, 3),
        "max_ms": round(raw["latency_us"]["max"] / 1000, 3),
        "non_2xx": errors["status"],
        "socket_errors": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
    }


def http_runs(name: str, cfg: argparse.Namespace) -> list[tuple[str, tuple[Call, ...], float, int]]:
    """(run, calls, seconds, connections) for a target, in the order they are run."""
    status, listing = SINGLE[STATUS_RUN], SINGLE[LISTING_RUN]
    one = [
        (STATUS_RUN + ONE, status, cfg.single_duration, 0),  # 0: the http.client loop
        (LISTING_RUN + ONE, listing, cfg.single_duration, 0),
        (STATUS_RUN + ONE_WRK, status, cfg.single_duration, 1),
        (LISTING_RUN + ONE_WRK, listing, cfg.single_duration, 1),
    ]
    if GRANIAN in name:  # the server comparison: the mixed workload, and what one connection sees
        return [("mixed", MIXED, cfg.duration, cfg.connections), *one]
    singles = [(run, calls, cfg.single_duration, cfg.connections) for run, calls in SINGLE.items()]
    many = [
        (STATUS_RUN + MANY, status, cfg.single_duration, 16),
        (LISTING_RUN + MANY, listing, cfg.single_duration, 16),
    ]
    return [("mixed", MIXED, cfg.duration, cfg.connections), *singles, *one, *many]


def warm_up(target: Target, cfg: argparse.Namespace, scratch: Path) -> list[str]:
    """Unrecorded traffic before anything is measured: the mixed workload for ``--warmup`` seconds;
    the real worker then also gets ``--worker-warmup`` seconds of the reads it is measured on, so that
    its JIT has compiled them (one connection and 16, status and the expanded listing)."""
    done = [f"mixed {cfg.warmup:g} s ×{cfg.connections}"]
    wrk(target.url, MIXED, cfg.warmup, cfg.connections, scratch)
    if target.name == WORKER:
        share = max(1, round(cfg.worker_warmup / 4))
        for run, calls, connections in (
            (STATUS_RUN, SINGLE[STATUS_RUN], 16),
            (LISTING_RUN, SINGLE[LISTING_RUN], 16),
            (STATUS_RUN, SINGLE[STATUS_RUN], 1),
            (LISTING_RUN, SINGLE[LISTING_RUN], 1),
        ):
            wrk(target.url, calls, share, connections, scratch)
            done.append(f"{run} {share:g} s ×{connections}")
    return done


def sequential(url: str, call: Call, seconds: float) -> dict[str, Any]:
    """``call`` again and again over one keep-alive connection, each sent when the previous answer is
    read (Python's http.client, as a test's client sends them); every request's latency is kept."""
    client = Client(url)
    method, path, body = call.concrete(0, 0)
    latencies, non_2xx = [], 0
    began = time.perf_counter()
    end = began + seconds
    now = began
    while now < end:
        status, _ = client.call(method, path, body)
        latencies.append(time.perf_counter() - now)
        non_2xx += not 200 <= status < 300
        now = time.perf_counter()
    client.close()
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / (now - began), 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 3),
        "p90_ms": round(percentile(latencies, 0.90) * 1000, 3),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 3),
        "max_ms": round(max(latencies) * 1000, 3),
        "non_2xx": non_2xx,
        "socket_errors": 0,
        "connections": 1,
        "client": "http.client",
    }


def measure_http(target: Target, cfg: argparse.Namespace, gate: LoadGate, scratch: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"url": target.url, **target.info}
    out["preload"] = preload(target)
    out["rss_mib_before"] = rss_mib(target.pid)
    out["warm_up"] = warm_up(target, cfg, scratch)
    if target.name == WORKER:
        out["settled_after_warm_up_s"] = settle(target, 60)
    gate.wait(target)
    out["idle_cpu"] = idle = idle_cpu(target, cfg.idle)
    say(
        f"    {'idle CPU':22} {idle['percent_of_core']:9.2f} % of a core over {idle['seconds']:.1f} s "
        f"({idle['processes']} processes, resolution {idle['resolution_percent']} %)"
    )
    runs: dict[str, Any] = {}
    for workload, calls, seconds, connections in http_runs(target.name, cfg):
        if target.name == WORKER:
            settle(target, 60)  # the worker rebalances after the writes of the mixed workload and PUT config
        load = gate.wait(target)
        if connections == 0:
            result = sequential(target.url, calls[0], seconds)
        else:
            result = wrk(target.url, calls, seconds, connections, scratch)
            result["connections"] = connections
        result.update(load)
        result["load1_after"] = round(os.getloadavg()[0], 2)
        runs[workload] = result
        say(
            f"    {workload:26} {result['rps']:9.1f} req/s  p50 {result['p50_ms']:8.2f} ms  "
            f"p99 {result['p99_ms']:8.2f} ms  non-2xx {result['non_2xx']}  (load {load['load1']}, "
            f"others' CPU {load['cpu_busy_before']:.0%})"
        )
    out["runs"] = runs
    out["rss_mib_after"] = rss_mib(target.pid)
    return out


# -- cold start -------------------------------------------------------------------------------------


def cold_start_mock(rounds: int, gate: LoadGate, logs: Path) -> dict[str, Any]:
    """``mockconnect serve`` from process launch to the first 200 on ``GET /``."""
    times = []
    load = gate.wait()
    for _ in range(rounds):
        port = free_port()
        with (logs / "cold-start.log").open("ab") as log:
            began = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "mockconnect", "serve", "--port", str(port), "--quiet"],
                stdout=subprocess.DEVNULL,
                stderr=log,
                cwd=ROOT,
                env=child_env(),
            )
            try:
                times.append(wait_for_200(f"http://{LOCALHOST}:{port}", time.monotonic() + 30) - began)
            finally:
                proc.terminate()
                proc.wait()
    return {
        "rounds": rounds,
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        **load,
    }


# -- in process: reset, test client -----------------------------------------------------------------


def _drive(client: Any, calls: tuple[Call, ...], cycle: int, check: bool = True) -> None:
    for call in calls:
        method, path, body = call.concrete(0, cycle)
        answer = client.open(
            path, method=method, data=body, headers={"Accept": "application/json"}, content_type="application/json"
        )
        if check and answer.status_code not in call.expect:
            raise AssertionError(f"{method} {path} answered {answer.status_code}: {answer.get_data(as_text=True)}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_reset(rounds: int, gate: LoadGate) -> dict[str, Any]:
    """What the ``mockconnect`` fixture does between two tests, after a test that ran the lifecycle.

    Timed: ``stop()`` + ``check()`` (teardown of one test) and ``start()`` (reset, set-up of the next).
    The lifecycle itself runs untimed through the test client before each round.
    """
    from mockconnect import MockConnect
    from mockconnect.testing import MockConnectFixture

    load = gate.wait()
    with MockConnect() as server:
        fixture = MockConnectFixture(server).start()
        client = fixture.client()
        timings, resets = [], []
        for i in range(rounds):
            _drive(client, LIFECYCLE, i)
            began = time.perf_counter()
            fixture.stop()
            fixture.check()
            fixture.start()
            timings.append(time.perf_counter() - began)
            _drive(client, LIFECYCLE, i)
            began = time.perf_counter()
            server.reset()
            resets.append(time.perf_counter() - began)
        fixture.stop()
    return {
        "rounds": rounds,
        "fixture_between_tests_us_median": round(statistics.median(timings) * 1e6, 1),
        "fixture_between_tests_us_p99": round(percentile(timings, 0.99) * 1e6, 1),
        "mock_reset_us_median": round(statistics.median(resets) * 1e6, 1),
        **load,
    }


def measure_test_client(seconds: float, gate: LoadGate) -> dict[str, Any]:
    """Single-threaded request rate through the Flask test client (what ``mockconnect_client`` is)."""
    from mockconnect import MockConnect

    out: dict[str, Any] = {}
    for label, validate in (("mixed, contract checks on", True), ("mixed, contract checks off", False)):
        load = gate.wait()
        server = MockConnect(validate=validate)
        client = server.app.test_client()
        for method, path, body in preload_calls():
            client.open(path, method=method, data=body, content_type="application/json")
        _drive(client, MIXED, 0)  # warm-up and a check that every answer is the expected one
        cycles, began = 1, time.perf_counter()
        while time.perf_counter() - began < seconds:
            _drive(client, MIXED, cycles, check=cycles % 10 == 0)
            cycles += 1
        elapsed = time.perf_counter() - began
        out[label] = {"rps": round((cycles - 1) * len(MIXED) / elapsed, 1), **load}
        server.stop()
    return out


# -- pytest: 1,000 tests ----------------------------------------------------------------------------

_PYTEST_MODULE = '''\
"""Generated by benchmarks/run.py: {count} tests, each a 10-call lifecycle on the mockconnect fixture."""

import pytest
import requests

CONFIG = {config!r}
HTTP = requests.Session()
'''

_CLIENT_MODULE = '''\
"""Generated by benchmarks/run.py: the same {count} lifecycles through mockconnect_client (no socket)."""

import pytest

CONFIG = {config!r}
'''

_FLOOR_MODULE = '''\
"""Generated by benchmarks/run.py: the same {count} tests' calls through requests, to bare Flask on
the mock's own server set-up (one canned answer, no mock behind it): the floor under the HTTP row."""

import sys

import pytest
import requests

sys.path.insert(0, {benchmarks!r})
from bare_flask import bare_server  # noqa: E402

CONFIG = {config!r}
HTTP = requests.Session()


@pytest.fixture(scope="session")
def floor_server():
    with bare_server() as server:
        yield server


@pytest.fixture
def floor(floor_server):
    yield floor_server  # a function fixture, as mockconnect is
'''

_CLIENT_FLOOR_MODULE = '''\
"""Generated by benchmarks/run.py: the same {count} tests' calls through Flask's test client to bare
Flask (one canned answer, no mock behind it): the floor under the mockconnect_client row."""

import sys

import pytest

sys.path.insert(0, {benchmarks!r})
from bare_flask import bare_app  # noqa: E402

CONFIG = {config!r}


@pytest.fixture(scope="session")
def floor_app():
    return bare_app()


@pytest.fixture
def floor_client(floor_app):
    yield floor_app.test_client(use_cookies=False)  # a function fixture, as mockconnect_client is
'''

_LIFECYCLE_TEST = """

@pytest.mark.parametrize("n", range({count}))
def test_lifecycle({fixture}, n):
    http, name = {http}, f"conn-{{n}}"
    one = {url}/connectors/{{name}}"
    assert http.post({url}/connectors", json={{"name": name, "config": CONFIG}}).status_code == {created}
    assert http.get(f"{{one}}/status").{json}["connector"]["state"] == "RUNNING"
    assert len(http.get(one).{json}["tasks"]) == {tasks}
    assert http.put(f"{{one}}/config", json={{**CONFIG, "tasks.max": "2"}}).status_code == 200
    assert http.put(f"{{one}}/pause").status_code == {accepted}
    assert http.get(f"{{one}}/status").{json}["connector"]["state"] == "{paused}"
    assert http.put(f"{{one}}/resume").status_code == {accepted}
    assert http.get({url}{listing}").{json}{listed}
    assert http.post(f"{{one}}/restart?includeTasks=true").status_code == {accepted}
    assert http.delete(one).status_code == {deleted}
{extra}"""
"""The ten calls of every generated test (LIFECYCLE's, as a user writes them), whatever serves them."""


def _over_http(fixture: str) -> dict[str, str]:
    return {"fixture": fixture, "http": "HTTP", "url": f'f"{{{fixture}.url}}', "json": "json()"}


def _test_client(fixture: str) -> dict[str, str]:
    return {"fixture": fixture, "http": fixture, "url": 'f"', "json": "json"}


_MOCK_ANSWERS = {
    "created": "201",
    "tasks": str(TASKS),
    "accepted": "202",
    "paused": "PAUSED",
    "listed": '[name]["status"]["connector"]["state"] == "RUNNING"',
    "deleted": "204",
}
_FLOOR_ANSWERS = {  # bare Flask's one canned answer, whatever is asked
    "created": "200",
    "tasks": "3",  # bare_flask.BODY lists three tasks
    "accepted": "200",
    "paused": "RUNNING",
    "listed": '["name"]',
    "deleted": "200",
}

FLOOR = "requests over HTTP to bare Flask (the floor: no mock)"
CLIENT_FLOOR = "Flask test client to bare Flask (the floor: no mock)"
_CALLED_ONCE = '    mockconnect.assert_called("createConnector", times=1)\n'

_GENERATED = {
    "requests over HTTP (mockconnect)": (
        _PYTEST_MODULE,
        {**_over_http("mockconnect"), **_MOCK_ANSWERS, "extra": _CALLED_ONCE},
    ),
    FLOOR: (_FLOOR_MODULE, {**_over_http("floor"), **_FLOOR_ANSWERS}),
    "mockconnect_client": (_CLIENT_MODULE, {**_test_client("mockconnect_client"), **_MOCK_ANSWERS}),
    CLIENT_FLOOR: (_CLIENT_FLOOR_MODULE, {**_test_client("floor_client"), **_FLOOR_ANSWERS}),
}
"""Each timed pytest row: its module's head, and what its test's calls go through and must get back."""


def generated_module(label: str, count: int) -> str:
    head, values = _GENERATED[label]
    return (head + _LIFECYCLE_TEST).format(
        count=count,
        config=sink_config(),
        listing=LISTING,
        benchmarks=str(BENCH),
        **{"extra": "", **values},
    )


def measure_pytest(count: int, gate: LoadGate, scratch: Path) -> dict[str, Any]:
    """Wall time of ``python -m pytest`` on generated test modules (start-up included)."""
    out: dict[str, Any] = {"tests": count, "calls_per_test": len(LIFECYCLE)}
    folder = scratch / "empty"
    folder.mkdir()
    (folder / "test_empty.py").write_text("def test_nothing():\n    pass\n")
    load = gate.wait()
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        env=child_env(),
    )
    out["pytest_startup_s"] = round(time.perf_counter() - began, 2)
    out["pytest_startup_load1"] = load["load1"]
    for label in _GENERATED:
        folder = scratch / re.sub(r"[^a-z]+", "-", label)
        folder.mkdir()
        (folder / "test_generated.py").write_text(generated_module(label, count))
        for variant, env in _bytecode_variants(scratch):
            if variant:  # untimed: fill the bytecode cache, as any earlier run on a developer's machine has
                _run_pytest(folder, env)
            load = gate.wait()
            began = time.perf_counter()
            summary = _run_pytest(folder, env)
            wall = time.perf_counter() - began
            out[label + variant] = {
                "wall_s": round(wall, 2),
                "pytest_says": summary,
                "per_test_ms": round(wall / count * 1000, 2),
                **load,
            }
    return out


BYTECODE_CACHED = ", bytecode cached"


def _bytecode_variants(scratch: Path) -> list[tuple[str, dict[str, str]]]:
    """The environment as it is and, when it forbids bytecode files (PYTHONDONTWRITEBYTECODE, as some
    containers set), also Python's default: every module compiled once, then read from the cache."""
    env = child_env()
    if not env.get("PYTHONDONTWRITEBYTECODE"):
        return [("", env)]
    cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")  # the cache stays in the scratch folder
    return [("", env), (BYTECODE_CACHED, cached)]


def _run_pytest(folder: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_generated.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the generated pytest run failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]


# -- scale ------------------------------------------------------------------------------------------


def _create(url: str, part: int, size: int) -> None:
    """Create every fourth connector of ``size``, starting at ``part``."""
    client, config = Client(url), sink_config()
    for i in range(part, size, 4):
        status, raw = client.call("POST", "/connectors", json.dumps({"name": f"c{i:05d}", "config": config}))
        assert status == 201, raw
    client.close()


def measure_scale(sizes: list[int], gate: LoadGate, logs: Path, repeats: int) -> dict[str, Any]:
    """A fresh served mock per size: create N connectors (3 tasks) over HTTP, then time the listing."""
    out: dict[str, Any] = {}
    for validate in (True, False):
        for size in sizes if validate else sizes[-1:]:
            label = f"{size}" if validate else f"{size}, --no-validate"
            target = start_mock(f"scale {label}", logs, *([] if validate else ["--no-validate"]))
            try:
                rss_empty = rss_mib(target.pid)
                began = time.perf_counter()
                with concurrent.futures.ThreadPoolExecutor(4) as pool:  # 4 connections, as the server has threads
                    list(pool.map(_create, [target.url] * 4, range(4), [size] * 4))
                created = time.perf_counter() - began
                client = Client(target.url)
                status, raw = client.call("GET", LISTING)  # warm
                assert status == 200, raw[:300]
                assert len(json.loads(raw)) == size
                load = gate.wait()
                times = []
                for _ in range(repeats):
                    began = time.perf_counter()
                    status, raw = client.call("GET", LISTING)
                    times.append(time.perf_counter() - began)
                client.close()
                median = statistics.median(times)
                out[label] = {
                    "connectors": size,
                    "validate": validate,
                    "listing_s_median": round(median, 4),
                    "listing_s_max": round(max(times), 4),
                    "listing_us_per_connector": round(median / size * 1e6, 1),
                    "listing_bytes": len(raw),
                    "create_rate_per_s": round(size / created, 1),
                    "rss_mib_empty": rss_empty,
                    "rss_mib": rss_mib(target.pid),
                    **load,
                }
                say(
                    f"    {label:>20} connectors: listing {median * 1000:8.1f} ms "
                    f"({median / size * 1e6:.1f} µs each, {len(raw) / 1e6:.1f} MB), RSS {out[label]['rss_mib']} MiB"
                )
            finally:
                target.stop()
    return out


# -- report -----------------------------------------------------------------------------------------


def ratios(http: dict[str, Any]) -> None:
    """Add ratio_to_prism, ratio_to_worker and ratio_to_ceiling (req/s ÷ theirs) to each run."""
    for name, target in http.items():
        if "runs" not in target:
            continue
        ceiling = CEILING + GRANIAN if GRANIAN in name else CEILING
        for workload, run in target["runs"].items():
            for key, reference in (
                ("ratio_to_prism", "prism"),
                ("ratio_to_worker", WORKER),
                ("ratio_to_ceiling", ceiling),
            ):
                base = http.get(reference, {}).get("runs", {}).get(workload)
                run[key] = round(run["rps"] / base["rps"], 2) if base and base["rps"] else None


def _cell(value: Any, fmt: str = "{:,.0f}") -> str:
    return "–" if value is None else fmt.format(value)


WORKLOADS = (
    "mixed",
    *SINGLE,
    STATUS_RUN + MANY,
    LISTING_RUN + MANY,
    STATUS_RUN + ONE,
    LISTING_RUN + ONE,
    STATUS_RUN + ONE_WRK,
    LISTING_RUN + ONE_WRK,
)
"""The HTTP runs in the order the tables show them."""


def _workload_label(workload: str) -> str:
    return workload.removesuffix(MANY).removesuffix(ONE_WRK).removesuffix(ONE)


def http_table(http: dict[str, Any], workloads: tuple[str, ...] = WORKLOADS) -> list[str]:
    lines = [
        "| target | workload | conns | req/s | p50 ms | p99 ms | × Prism | × worker | × ceiling | non-2xx | load1 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in TARGETS:
        target = http.get(name)
        if not target:
            continue
        if "runs" not in target:
            lines.append(f"| {name} | (not measured: {target.get('skipped', '?')}) | | | | | | | | | |")
            continue
        for workload in workloads:
            run = target["runs"].get(workload)
            if run is None:
                continue
            conns = f"{run.get('connections', '')}{' (wrk)' if workload.endswith(ONE_WRK) else ''}"
            lines.append(
                f"| {name} | {_workload_label(workload)} | {conns} | {_cell(run['rps'])} | "
                f"{_cell(run['p50_ms'], '{:.2f}')} | {_cell(run['p99_ms'], '{:.2f}')} | "
                f"{_cell(run.get('ratio_to_prism'), '{:.1f}')} | {_cell(run.get('ratio_to_worker'), '{:.2f}')} | "
                f"{_cell(run.get('ratio_to_ceiling'), '{:.2f}')} | {run['non_2xx']:,} | {run['load1']} |"
            )
    return lines


def idle_table(http: dict[str, Any]) -> list[str]:
    lines = [
        "| target | CPU while idle, % of one core | CPU time | over | processes | load1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in TARGETS:
        idle = http.get(name, {}).get("idle_cpu")
        if idle:
            lines.append(
                f"| {name} | {idle['percent_of_core']:.2f} % | {idle['cpu_s'] * 1000:,.0f} ms | "
                f"{idle['seconds']:.1f} s | {idle['processes']} | {idle['load1']} |"
            )
    return lines


def other_table(results: dict[str, Any]) -> list[str]:
    lines = ["| measurement | result | load1 |", "|---|---|---:|"]
    cold = results.get("cold_start", {})
    if "mock" in cold:
        c = cold["mock"]
        lines.append(
            f"| cold start, `mockconnect serve` to first 200 on `GET /` | {c['median_s'] * 1000:.0f} ms median "
            f"({c['min_s'] * 1000:.0f}–{c['max_s'] * 1000:.0f} ms, {c['rounds']} starts) | {c['load1']} |"
        )
    worker = results.get("http", {}).get("worker", {})
    if worker.get("cold_start_s") is not None:
        lines.append(
            f"| cold start, real worker: Connect JVM launch to first 200 on `GET /` (broker already up) | "
            f"{worker['cold_start_s']:.1f} s (whole start with broker, until writable: "
            f"{worker['start_to_writable_s']:.1f} s) | |"
        )
    reset = results.get("reset")
    if reset:
        lines.append(
            f"| per-test cost of the `mockconnect` fixture (teardown check + reset), after a 10-call test | "
            f"{reset['fixture_between_tests_us_median']:.0f} µs median, {reset['fixture_between_tests_us_p99']:.0f} µs "
            f"p99 (`MockConnect.reset()` alone {reset['mock_reset_us_median']:.0f} µs) | {reset['load1']} |"
        )
    for label, run in results.get("test_client", {}).items():
        lines.append(f"| test client, {label} (1 thread) | {run['rps']:,.0f} req/s | {run['load1']} |")
    tests = results.get("pytest", {})
    if "pytest_startup_s" in tests:
        lines.append(
            f"| pytest start-up alone: one empty test, plugins of this environment loaded | "
            f"{tests['pytest_startup_s']:.1f} s wall | {tests['pytest_startup_load1']} |"
        )
    for label in (
        "requests over HTTP (mockconnect)",
        "requests over HTTP (mockconnect)" + BYTECODE_CACHED,
        FLOOR,
        FLOOR + BYTECODE_CACHED,
        "mockconnect_client",
        "mockconnect_client" + BYTECODE_CACHED,
        CLIENT_FLOOR,
        CLIENT_FLOOR + BYTECODE_CACHED,
    ):
        if label in tests:
            run = tests[label]
            lines.append(
                f"| pytest, {tests['tests']:,} tests × {tests['calls_per_test']} calls, {label} | "
                f"{run['wall_s']:.1f} s wall ({run['per_test_ms']:.1f} ms a test; pytest: {run['pytest_says']}) | "
                f"{run['load1']} |"
            )
    return lines


def scale_table(scale: dict[str, Any]) -> list[str]:
    lines = [
        "| connectors (3 tasks each) | `GET /connectors?expand=status&expand=info` | per connector | body | "
        "RSS (empty → loaded) | creates/s | load1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, run in scale.items():
        lines.append(
            f"| {label} | {run['listing_s_median'] * 1000:,.1f} ms | {run['listing_us_per_connector']:.1f} µs | "
            f"{run['listing_bytes'] / 1e6:.2f} MB | {run['rss_mib_empty']} → {run['rss_mib']} MiB | "
            f"{run['create_rate_per_s']:,.0f} | {run['load1']} |"
        )
    return lines


def _run(results: dict[str, Any], target: str, workload: str) -> dict[str, Any]:
    run: dict[str, Any] = results.get("http", {}).get(target, {}).get("runs", {}).get(workload, {})
    return run


def targets_table(results: dict[str, Any]) -> list[str]:
    """The issue's targets, each with the measured value and PASS or FAIL (reported, never asserted).

    Issue 11's targets first; then those of the earlier performance issue it does not tighten.
    """
    rows: list[tuple[str, str, bool | None]] = []
    idle = results.get("http", {}).get("mock", {}).get("idle_cpu")
    if idle:
        value = idle["percent_of_core"]
        rows.append(("idle CPU of `mockconnect serve` ≤ 1 % of a core", f"{value:.2f} %", _ok(value, 1, False)))
    for workload, what in (
        (LISTING_RUN + MANY, "expanded listing (20), 16 connections"),
        (LISTING_RUN + ONE, "expanded listing (20), one connection"),
    ):
        run = _run(results, "mock", workload)
        if run:
            prism, worker = run.get("ratio_to_prism"), run.get("ratio_to_worker")
            rows.append((f"{what}: ≥ 2× Prism", _cell(prism, "{:.2f}×"), _ok(prism, 2, True)))
            rows.append(
                (f"{what}: within 2× of the real worker (≥ 0.5×)", _cell(worker, "{:.2f}×"), _ok(worker, 0.5, True))
            )
    big = results.get("scale", {}).get("10000")
    rows.append(
        (
            "10,000 connectors: expanded listing ≤ 0.25 s",
            f"{big['listing_s_median']:.3f} s" if big else "not measured (sizes)",
            _ok(big["listing_s_median"], 0.25, False) if big else None,
        )
    )
    run = _run(results, "mock", STATUS_RUN + ONE)
    if run:
        prism = run.get("ratio_to_prism")
        rows.append(("GET status, one connection: ≥ 2× Prism", _cell(prism, "{:.2f}×"), _ok(prism, 2, True)))
    run = _run(results, "mock", "mixed")
    if run:
        ceiling = run.get("ratio_to_ceiling")
        rows.append(
            ("mixed workload: ≥ 0.8× bare Flask on the same server", _cell(ceiling, "{:.2f}×"), _ok(ceiling, 0.8, True))
        )
    tests = results.get("pytest", {})
    for label, bound in (
        ("requests over HTTP (mockconnect)", 15),
        ("requests over HTTP (mockconnect)" + BYTECODE_CACHED, 15),
        ("mockconnect_client", 6),
        ("mockconnect_client" + BYTECODE_CACHED, 6),
    ):
        run = tests.get(label)
        if run is None:
            continue
        what = f"1,000 tests × 10 calls, {label}: ≤ {bound} s"
        if run and tests["tests"] == 1000:
            rows.append((what, f"{run['wall_s']:.1f} s", _ok(run["wall_s"], bound, False)))
        elif run:
            rows.append((what, f"not comparable ({tests['tests']:,} tests: {run['wall_s']:.1f} s)", None))
        kind = "requests over HTTP (mockconnect)" if label.startswith("requests") else "mockconnect_client"
        floor_label = FLOOR if label.startswith("requests") else CLIENT_FLOOR
        floor = tests.get(floor_label + label[len(kind) :])
        if floor:  # no target: what the same tests and calls cost with no mock behind them
            rows.append((f"(the same, {floor_label}{label[len(kind) :]})", f"{floor['wall_s']:.1f} s", None))
    run = _run(results, "mock", "mixed")
    if run:
        prism = run.get("ratio_to_prism")
        rows.append(("(earlier) mixed workload: ≥ 10× Prism", _cell(prism, "{:.1f}×"), _ok(prism, 10, True)))
    cold = results.get("cold_start", {}).get("mock")
    if cold:
        rows.append(
            ("(earlier) cold start ≤ 1 s", f"{cold['median_s'] * 1000:.0f} ms", _ok(cold["median_s"], 1.0, False))
        )
    reset = results.get("reset")
    if reset:
        value = reset["fixture_between_tests_us_median"] / 1000
        rows.append(("(earlier) per-test reset ≤ 1 ms", f"{value * 1000:.0f} µs", _ok(value, 1.0, False)))
    if big:
        rows.append(
            ("(earlier) 10,000 connectors: RSS ≤ 300 MB", f"{big['rss_mib']} MiB", _ok(big["rss_mib"], 300, False))
        )
        small = results.get("scale", {}).get("1000")
        if small:
            growth = big["listing_s_median"] / small["listing_s_median"]
            rows.append(
                (
                    "(earlier) listing cost linear (10× connectors ≈ 10× time)",
                    f"{growth:.1f}× from 1,000 to 10,000",
                    growth < 13,
                )
            )
    lines = ["| target | measured | PASS/FAIL |", "|---|---|---|"]
    lines += [
        f"| {what} | {value} | {'PASS' if ok else 'FAIL' if ok is not None else '–'} |" for what, value, ok in rows
    ]
    return lines


def _ok(value: float | None, bound: float, at_least: bool) -> bool | None:
    if value is None:
        return None
    return value >= bound if at_least else value <= bound


def machine_lines(m: dict[str, Any]) -> list[str]:
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    return [
        f"- CPU: {m['cpu_model']}, {m['logical_cores']} logical cores ({m['usable_cores']} usable); "
        f"memory {m['memory_gib']} GiB; {m['os']}",
        f"- Python {m['python']}; {packages}",
        f"- wrk: {m['wrk']}; Node {m['node']}, Prism {m['prism']}; Java: {m['java']}",
        f"- mockconnect commit {m['commit']}, run {m['date']}; load average at start "
        f"{', '.join(str(x) for x in m['load_average_at_start'])}",
    ]


def chart(results: dict[str, Any], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        say("  chart skipped: matplotlib is missing (pip install -e '.[bench]')")
        return False
    http = results["http"]
    names = [n for n in TARGETS if "runs" in http.get(n, {})]
    workloads = ["mixed", *SINGLE]
    colours = {
        "mock": "#1f77b4",
        "mock --no-validate": "#7fb2de",
        "prism": "#d62728",
        "worker": "#2ca02c",
        "bare flask": "#7f7f7f",
        "mock (granian)": "#9467bd",
        "bare flask (granian)": "#c7c7c7",
    }
    fig, (left, right) = plt.subplots(1, 2, figsize=(15, 5.5))
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        runs = http[name]["runs"]
        xs = [w + (i - (len(names) - 1) / 2) * width for w in range(len(workloads))]
        left.bar(xs, [runs.get(w, {}).get("rps", 0) for w in workloads], width, label=name, color=colours[name])
    left.set_xticks(range(len(workloads)), workloads, rotation=15)
    left.set_ylabel("requests per second (higher is better)")
    left.set_yscale("log")
    left.set_title("Throughput (wrk, 1 thread, 8 connections)")
    left.legend(fontsize=8)
    left.grid(axis="y", which="both", alpha=0.3)
    xs = list(range(len(names)))
    p50 = [http[n]["runs"]["mixed"]["p50_ms"] for n in names]
    p99 = [http[n]["runs"]["mixed"]["p99_ms"] for n in names]
    right.bar([x - 0.2 for x in xs], p50, 0.4, label="p50", color=[colours[n] for n in names])
    right.bar([x + 0.2 for x in xs], p99, 0.4, label="p99", color=[colours[n] for n in names], alpha=0.45, hatch="//")
    right.set_xticks(xs, names, rotation=15)
    right.set_yscale("log")
    right.set_ylabel("latency, ms (lower is better)")
    right.set_title("Mixed workload latency: p50 (solid), p99 (hatched)")
    right.grid(axis="y", which="both", alpha=0.3)
    for x, a, b in zip(xs, p50, p99, strict=True):
        right.annotate(f"{a:.1f}", (x - 0.2, a), ha="center", va="bottom", fontsize=8)
        right.annotate(f"{b:.1f}", (x + 0.2, b), ha="center", va="bottom", fontsize=8)
    m = results["machine"]
    fig.suptitle(f"mockconnect benchmarks — {m['cpu_model']}, {m['usable_cores']} cores, {m['date'][:10]}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def report(results: dict[str, Any]) -> str:
    http = results.get("http", {})
    parts = ["### HTTP: requests per second and latency", ""]
    parts += [
        "`conns`: wrk connections (one wrk thread). At 1 connection the requests go one after another over",
        "one keep-alive connection, as a test's HTTP client sends them. `× worker`: req/s ÷ the real",
        "Kafka 3.7.0 worker's on the same run (the physical anchor); `× ceiling`: ÷ bare Flask on the same server.",
        "",
    ]
    parts += http_table(http)
    if any("idle_cpu" in target for target in http.values()):
        parts += ["", "### CPU while idle", ""]
        parts += ["After the warm-up, no requests; the processes' utime + stime (all threads, children included).", ""]
        parts += idle_table(http)
    parts += ["", "![throughput and latency](../benchmarks/results/benchmarks.png)", ""]
    parts += ["### Start-up, fixture, test client, pytest", ""] + other_table(results)
    if results.get("scale"):
        parts += ["", "### Scale", ""] + scale_table(results["scale"])
    parts += ["", "### The issue's targets", ""] + targets_table(results)
    parts += ["", "### Machine", ""] + machine_lines(results["machine"])
    return "\n".join(parts)


def write_doc(text: str) -> None:
    if not DOC.exists():
        DOC.write_text(f"# Benchmarks\n\n{DOC_START}\n{DOC_END}\n")
    doc = DOC.read_text()
    if DOC_START not in doc or DOC_END not in doc:
        doc += f"\n{DOC_START}\n{DOC_END}\n"
    head, rest = doc.split(DOC_START, 1)
    tail = rest.split(DOC_END, 1)[1]
    DOC.write_text(f"{head}{DOC_START}\n{text}\n{DOC_END}{tail}")


# -- main -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short runs, smaller sizes: a smoke test of the script")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of wrk per mixed-workload run")
    parser.add_argument("--single-duration", type=float, default=5.0, help="seconds of wrk per single operation")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unrecorded warm-up per target")
    parser.add_argument(
        "--worker-warmup", type=float, default=24.0, help="further seconds of warm-up (reads) for the real worker's JIT"
    )
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of no traffic over which idle CPU is taken")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (one wrk thread)")
    parser.add_argument("--tests", type=int, default=1000, help="generated pytest tests")
    parser.add_argument("--sizes", default="100,1000,10000", help="connector counts for the scale run")
    parser.add_argument("--no-worker", action="store_true", help="skip the real Kafka worker")
    parser.add_argument("--no-prism", action="store_true", help="skip Prism")
    parser.add_argument(
        "--only",
        default="http,cold,reset,client,pytest,scale",
        help="comma-separated sections to run (http, cold, reset, client, pytest, scale)",
    )
    parser.add_argument("--load-max", type=float, default=1.0, help="wait at start until the 1-min load is below this")
    parser.add_argument("--busy-max", type=float, default=0.25, help="wait before each run until others use ≤ this")
    parser.add_argument(
        "--max-wait", type=float, default=None, help="seconds to wait for quiet, in all (180; 30 with --quick)"
    )
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument(
        "--output", type=Path, default=None, help=f"where to write the JSON results ({JSON_OUT.relative_to(ROOT)})"
    )
    cfg = parser.parse_args(argv)
    if cfg.quick:
        cfg.duration, cfg.single_duration, cfg.warmup, cfg.tests = 3.0, 2.0, 1.0, 100
        cfg.worker_warmup, cfg.idle, cfg.sizes = 6.0, 3.0, "100,1000"
        if cfg.max_wait is None:
            cfg.max_wait = 30.0  # a smoke test: do not wait long for a quiet machine
        if cfg.output is None:  # never over the recorded results
            cfg.output = QUICK_OUT
    if cfg.output is None:
        cfg.output = JSON_OUT
    if cfg.max_wait is None:
        cfg.max_wait = 180.0  # so that the full run stays near 15 minutes even on a busy machine
    sections = set(cfg.only.split(","))
    sizes = [int(x) for x in cfg.sizes.split(",")]
    need_wrk()
    RESULTS.mkdir(exist_ok=True)
    gate = LoadGate(cfg.busy_max, wait_each=60.0, budget=cfg.max_wait)

    began = time.monotonic()
    while os.getloadavg()[0] > cfg.load_max and time.monotonic() - began < min(cfg.max_wait, 300):
        say(f"waiting for a quieter machine: 1-min load {os.getloadavg()[0]:.2f} > {cfg.load_max}")
        time.sleep(15)
    gate.spent += time.monotonic() - began
    results: dict[str, Any] = {"machine": machine(), "settings": {k: str(v) for k, v in vars(cfg).items()}}
    results["workload"] = {
        "mixed": [{"label": c.label, "method": c.method, "path": c.path} for c in MIXED],
        "mix": [{"label": label, "count": n, "share": round(share, 3)} for label, n, share in mix_table()],
        "single": {name: [c.method, c.path] for name, calls in SINGLE.items() for c in calls},
        "lifecycle": [f"{c.method} {c.path}" for c in LIFECYCLE],
    }
    say(f"mockconnect benchmarks on {results['machine']['cpu_model']}, load {os.getloadavg()[0]:.2f}")

    with tempfile.TemporaryDirectory(prefix="mockconnect-bench-") as tmp:
        scratch = Path(tmp)
        logs = RESULTS / "tmp"
        logs.mkdir(exist_ok=True)
        if "http" in sections:
            http: dict[str, Any] = {}
            starters: dict[str, Callable[[], Target]] = {
                "mock": lambda: start_mock("mock", logs),
                "mock --no-validate": lambda: start_mock("mock --no-validate", logs, "--no-validate"),
                "bare flask": lambda: start_bare(logs),
            }
            if not cfg.no_prism and need_prism():
                starters["prism"] = lambda: start_prism(logs)
            else:
                http["prism"] = {"skipped": "--no-prism" if cfg.no_prism else "npm missing"}
            if not cfg.no_worker:
                starters["worker"] = start_worker
            else:
                http["worker"] = {"skipped": "--no-worker"}
            if importlib.util.find_spec("granian") is not None:
                starters["mock (granian)"] = lambda: start_granian("mock (granian)", "mock", logs)
                starters["bare flask (granian)"] = lambda: start_granian("bare flask (granian)", "bare", logs)
            else:
                http["mock (granian)"] = {"skipped": "granian is not installed (pip install -e '.[bench]')"}
            for name in TARGETS:
                if name not in starters:
                    continue
                say(f"  HTTP: {name}")
                try:
                    target = starters[name]()
                except Exception as exc:  # the real worker may not start on this machine
                    say(f"    not measured: {exc.__class__.__name__}: {str(exc)[:300]}")
                    http[name] = {"skipped": f"could not start: {exc.__class__.__name__}"}
                    continue
                try:
                    http[name] = measure_http(target, cfg, gate, scratch)
                except Exception as exc:  # one target failing must not lose the others' figures
                    say(f"    measurement failed: {exc.__class__.__name__}: {str(exc)[:300]}")
                    http[name] = {"skipped": f"measurement failed: {exc.__class__.__name__}"}
                finally:
                    target.stop()
            ratios(http)
            results["http"] = http
        if "cold" in sections:
            say("  cold start")
            results["cold_start"] = {"mock": cold_start_mock(3 if cfg.quick else 10, gate, logs)}
            worker = results.get("http", {}).get("worker", {})
            if worker.get("cold_start_s") is not None:
                results["cold_start"]["worker"] = {
                    "connect_launch_to_first_200_s": worker["cold_start_s"],
                    "start_to_writable_s": worker["start_to_writable_s"],
                }
        if "reset" in sections:
            say("  per-test reset")
            results["reset"] = measure_reset(300 if cfg.quick else 3000, gate)
        if "client" in sections:
            say("  test client")
            results["test_client"] = measure_test_client(2.0 if cfg.quick else 5.0, gate)
        if "pytest" in sections:
            say(f"  pytest, {cfg.tests} tests")
            results["pytest"] = measure_pytest(cfg.tests, gate, scratch)
        if "scale" in sections:
            say("  scale")
            results["scale"] = measure_scale(sizes, gate, logs, 3 if cfg.quick else 5)
    gc.collect()
    results["load_gate"] = {"busy_max": cfg.busy_max, "waited_s_total": round(gate.spent, 1)}
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    cfg.output.parent.mkdir(parents=True, exist_ok=True)
    cfg.output.write_text(json.dumps(results, indent=1) + "\n")
    text = report(results)
    say("\n" + text + "\n")
    say(f"results: {cfg.output.relative_to(ROOT) if cfg.output.is_relative_to(ROOT) else cfg.output}")
    picture = cfg.output.with_suffix(".png") if cfg.quick else CHART
    if "http" in sections and chart(results, picture):
        say(f"chart:   {picture.relative_to(ROOT) if picture.is_relative_to(ROOT) else picture}")
    if not cfg.no_docs and not cfg.quick and sections >= {"http", "cold", "reset", "client", "pytest", "scale"}:
        write_doc(text)
        say(f"docs:    {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
