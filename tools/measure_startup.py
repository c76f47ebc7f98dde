"""Start a worker of each given Kafka release in turn and print how long each took to be ready."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from mockconnect.live.releases import known_versions  # noqa: E402
from mockconnect.live.worker import KafkaWorker, WorkerError, resolve_jars  # noqa: E402


def measure(version: str, runs: int) -> dict[str, object]:
    """Jars are resolved first, so the times are broker + worker only (format, broker, REST, writable)."""
    resolve_jars(version)
    results: list[dict[str, float]] = []
    for _ in range(runs):
        worker = KafkaWorker(kafka_version=version)
        try:
            worker.start()
        except WorkerError as err:
            return {"version": version, "error": str(err).splitlines()[0]}
        finally:
            worker.stop()
        results.append({"total": worker.startup_seconds or 0.0, **worker.timings})
    return {"version": worker.kafka_version, "runs": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("versions", nargs="*", help=f"releases (default: all of {', '.join(known_versions())})")
    parser.add_argument("--runs", type=int, default=1, help="starts per release (default 1)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    for version in args.versions or known_versions():
        print(json.dumps(measure(version, args.runs)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
