"""The ceiling: a bare Flask view on exactly the server ``mockconnect serve`` uses.

``MockConnect`` is built as usual (same waitress settings, thread count and serving loop), but with
an app that has one catch-all view: it answers every method and path with a small JSON body made
by ``json.dumps``, with no routing rules of Kafka's, no contract checks and no journal. Nothing
built on Flask and this server can be faster.

    python benchmarks/bare_flask.py [--port 0] [--threads 8]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from types import FrameType
from typing import Any

from flask import Flask, Response

import mockconnect.server
from mockconnect.server import MockConnect

BODY = {
    "name": "load-00",
    "connector": {"state": "RUNNING", "worker_id": "127.0.0.1:8083"},
    "tasks": [{"id": i, "state": "RUNNING", "worker_id": "127.0.0.1:8083"} for i in range(3)],
    "type": "sink",
}


def bare_app(*args: Any, **kwargs: Any) -> Flask:
    app = Flask("bare", static_folder=None)

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE"])
    def anything(path: str) -> Response:
        return Response(json.dumps(BODY), 200, mimetype="application/json")

    return app


def bare_server(host: str = "127.0.0.1", port: int = 0, **options: Any) -> MockConnect:
    """A MockConnect built as usual but serving the bare view: the same server set-up, none of the mock."""
    original = mockconnect.server.create_app
    mockconnect.server.create_app = bare_app  # type: ignore[assignment]
    try:
        return MockConnect(host, port, **options)
    finally:
        mockconnect.server.create_app = original


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    server = bare_server(port=args.port, threads=args.threads)

    def stop(signum: int, frame: FrameType | None) -> None:
        server.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write(f"bare Flask serving on {server.url}\n")
    sys.stdout.flush()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
