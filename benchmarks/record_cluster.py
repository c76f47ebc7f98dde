"""What ``mockconnect record`` costs on a cluster of 500 connectors, with a served mock standing in.

Run from the repository with mockconnect installed::

    python benchmarks/record_cluster.py [--connectors 500] [--concurrency 1,4,8]

The stand-in cluster is a scenario served by ``mockconnect serve --scenario`` in a subprocess:
``--connectors`` connectors, 40% FileStreamSink, 20% FileStreamSource, 40% of three plugins of the
cluster's own (12 config keys each, one of them a PASSWORD); 70% running, 10% paused, 10% stopped
with offsets, 10% with a failed task and a stack trace; 1 to 4 tasks each; a password in every
config. Each run is ``mockconnect record URL -o FILE --loggers`` in a subprocess, timed from start
to exit (wall clock), then ``mockconnect scenario check FILE`` and ``mockconnect serve --scenario
FILE`` up to its ready line are timed too. It prints a table and writes
``benchmarks/results/record_cluster.json`` with the machine's load average, which matters on a
shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

RESULTS = Path(__file__).resolve().parent / "results" / "record_cluster.json"
MOCKCONNECT = [sys.executable, "-m", "mockconnect"]
READY = re.compile(r"serving Kafka Connect \S+ on (https?://\S+)")
TRACE = "org.apache.kafka.connect.errors.ConnectException: boom\n" + "".join(
    f"\tat com.example.Frame{n}.call(Frame{n}.java:{n})\n" for n in range(40)
)


def plugin(index: int, kind: str) -> dict[str, Any]:
    keys = [
        {
            "name": f"example{index}.key{n}" if n else f"example{index}.password",
            "type": "PASSWORD" if n == 0 else ("INT" if n % 3 == 0 else "STRING"),
            "required": n < 2,
            "default_value": None if n < 2 else str(n),
            "importance": "HIGH" if n < 4 else "LOW",
            "documentation": f"Key {n} of plugin {index}: a sentence of documentation, as plugins have.",
            "group": "Connection" if n < 6 else "Tuning",
            "width": "MEDIUM",
            "display_name": f"Key {n}",
            "dependents": [],
            "order": n,
        }
        for n in range(12)
    ]
    return {
        "class": f"com.example.plugin{index}.Example{index}{kind.capitalize()}Connector",
        "type": kind,
        "version": f"{index}.0.0",
        "task_class": f"com.example.plugin{index}.Example{index}Task",
        "config": keys,
    }


def cluster(count: int) -> dict[str, Any]:
    plugins = [plugin(0, "source"), plugin(1, "sink"), plugin(2, "source")]
    connectors: dict[str, Any] = {}
    for n in range(count):
        kind = n % 10
        if kind < 4:
            cls, config = "FileStreamSink", {"topics": f"topic-{n}", "file": f"/data/out-{n}.txt"}
        elif kind < 6:
            cls, config = "FileStreamSource", {"topic": f"topic-{n}", "file": f"/data/in-{n}.txt"}
        else:
            chosen = plugins[n % 3]
            index = n % 3
            cls = chosen["class"]
            config = {f"example{index}.password": f"pw-{n}-secret", f"example{index}.key1": f"value-{n}"}
            config["topics" if chosen["type"] == "sink" else "topic"] = f"topic-{n}"
        tasks = 1 if cls == "FileStreamSource" else 1 + n % 4
        spec: dict[str, Any] = {
            "config": {"connector.class": cls, "tasks.max": str(tasks), "db.password": f"db-{n}-pw", **config}
        }
        state = n % 10
        if state == 7:
            spec["target_state"] = "PAUSED"
        elif state == 8:
            spec["target_state"] = "STOPPED"
            spec["offsets"] = [
                {"partition": {"kafka_topic": f"topic-{n}", "kafka_partition": p}, "offset": {"kafka_offset": 100 + p}}
                for p in range(3)
            ]
        elif state == 9:
            spec["tasks"] = [
                {"status": {"state": "FAILED" if t == 0 else "RUNNING", "trace": TRACE if t == 0 else None}}
                for t in range(tasks)
            ]
        if state != 8:
            spec["active_topics"] = [f"topic-{n}"]
        connectors[f"connector-{n:04d}"] = spec
    return {
        "version": 1,
        "name": "benchmark-cluster",
        "cluster": {"worker_id": "connect-1:8083", "workers": ["connect-2:8083"], "plugins": {"add": plugins}},
        "state": {"connectors": connectors},
    }


def served(scenario: Path) -> tuple[subprocess.Popen[str], str, float]:
    began = time.perf_counter()
    process = subprocess.Popen(
        [*MOCKCONNECT, "serve", "--port", "0", "--quiet", "--scenario", str(scenario)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = READY.search(line)
    if not found:
        process.kill()
        raise SystemExit(f"the mock did not start: {line!r} {process.stderr.read() if process.stderr else ''}")
    return process, found.group(1), time.perf_counter() - began


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.communicate(timeout=30)


def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    began = time.perf_counter()
    done = subprocess.run([*MOCKCONNECT, *args], capture_output=True, text=True, check=False)
    return time.perf_counter() - began, done


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connectors", type=int, default=500)
    parser.add_argument("--concurrency", default="1,4,8")
    options = parser.parse_args()
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "cluster.yaml"
        source.write_text(yaml.safe_dump(cluster(options.connectors), sort_keys=False), encoding="utf-8")
        process, url, _ = served(source)
        try:
            for concurrency in [int(n) for n in options.concurrency.split(",")]:
                out = Path(folder) / f"recorded-{concurrency}.yaml"
                load = os.getloadavg()[0]
                seconds, done = timed(["record", url, "-o", str(out), "--loggers", "--concurrency", str(concurrency)])
                if done.returncode != 0:
                    raise SystemExit(f"record failed:\n{done.stderr}")
                summary = done.stderr.strip().splitlines()[-1]
                requests = int(re.search(r"; (\d+) GET requests", summary).group(1))  # type: ignore[union-attr]
                text = out.read_text(encoding="utf-8")
                leaked = sum(1 for n in range(options.connectors) if f"db-{n}-pw" in text)
                runs.append(
                    {
                        "concurrency": concurrency,
                        "seconds": round(seconds, 2),
                        "requests": requests,
                        "bytes": out.stat().st_size,
                        "secrets_left": leaked,
                        "load_average_1min": round(load, 1),
                        "summary": summary,
                    }
                )
                say(f"concurrency {concurrency}: {seconds:.2f} s, {out.stat().st_size:,} bytes, {requests} GETs")
        finally:
            stop(process)
        out = Path(folder) / f"recorded-{runs[-1]['concurrency']}.yaml"
        check_seconds, done = timed(["scenario", "check", str(out)])
        assert done.returncode == 0, done.stdout + done.stderr
        replay, _, serve_seconds = served(out)
        stop(replay)
    result = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "connectors": options.connectors,
        "runs": runs,
        "check_seconds": round(check_seconds, 2),
        "serve_recording_seconds": round(serve_seconds, 2),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    say(f"scenario check of the recording: {check_seconds:.2f} s; serve --scenario to ready: {serve_seconds:.2f} s")
    say(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
