"""Record how a real Kafka Connect worker answers a scripted list of REST requests."""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from mockconnect.live.releases import find_release  # noqa: E402
from mockconnect.live.worker import DEFAULT_KAFKA_VERSION, KafkaWorker, WorkerError, port_is_free  # noqa: E402

KEPT_HEADERS = ("content-type", "location", "allow", "content-length", "transfer-encoding")
JSON = "application/json"

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
MIRROR = "org.apache.kafka.connect.mirror"
TRANSFORMS = "org.apache.kafka.connect.transforms"

Record = dict[str, Any]

# Probes whose answer depends on how far the worker got in the background at that instant; they
# carry "racy": true so that a replay against the mock can tell them from settled answers.
RACY_MARKERS = ("right-after", "-immediately", "(first poll)")
RACY_NAMES = {
    "loggers.put.root",
    "initial-state.STOPPED.offsets-get-after",
    "loggers.put.root.list",
    "initial-state.list-expand",
    "topics.src.after-reset-running",
    "sink.topics.after-reset",
    "tp.conn-fail.after-pause",
    "tp.conn-fail.after-resume",
    "tp.task-fail.after-resume",
    # reads right after a PATCH of the config: a rebalance may be pending (500 in 3.9.2)
    "rel.patch.add-key.get",
    "rel.patch.null-removes.get",
    "rel.patch.number-value.get",
    "rel.patch.rename.get",
    "rel.patch.rename.connector",
    "rel.patch.status",
    "rel.tasks-config.restart-plan",
    "names.put-padded-path.get-trimmed",  # 500 "a rebalance is expected" right after the PUT in 4.0.2
    "loggers.put.cluster-scope.list",  # the second cluster-scope level may or may not be applied yet
    "sink.bad-file.restart-include-tasks",  # the plan may or may not still carry the old trace
    "offsets.src.stopped.get-after-patch",  # two partitions, listed in either order
}


# A wait whose every answer was 404 for this long stops: the connector was never created.
GIVE_UP_ON_404 = 15.0


def is_racy(name: str) -> bool:
    """Whether a probe's answer is a snapshot of a transition rather than a settled state."""
    if name in RACY_NAMES or any(marker in name for marker in RACY_MARKERS):
        return True
    # Once a JDK class was asked for, which Jetty thread serves a request decides its answer.
    return name.startswith("poison.") and name != "poison.plugins.config.java.lang.String"


def quote(segment: str) -> str:
    """Percent-encode one path segment (``/`` included), as a careful client would."""
    return urllib.parse.quote(segment, safe="")


class Recorder:
    """Sends requests with exactly the headers given and keeps a record of each exchange."""

    def __init__(self, url: str, host_header: str | None = None) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.hostname not in ("127.0.0.1", "localhost"):
            raise SystemExit(f"refusing to send traffic to {parsed.hostname}: loopback only")
        self.port = parsed.port or 80
        self.host_header = host_header or f"localhost:{self.port}"
        self.records: list[Record] = []
        self.timings: dict[str, float] = {}
        self._names: set[str] = set()
        self.undeletable: set[str] = set()

    # -- sending ---------------------------------------------------------------------------

    def exchange(
        self,
        method: str,
        target: str,
        body_text: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Record:
        """One request on a fresh connection; return the request/response record (not stored)."""
        sent: dict[str, str] = {"Host": self.host_header}
        sent.update(headers or {})
        body = None if body_text is None else body_text.encode("utf-8")
        if body is not None and not any(k.lower() == "content-length" for k in sent):
            sent["Content-Length"] = str(len(body))
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        began = time.monotonic()
        try:
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for key, value in sent.items():
                conn.putheader(key, value)
            conn.endheaders(body)
            response = conn.getresponse()
            raw = response.read()
            pairs = response.getheaders()
        finally:
            conn.close()
        elapsed = round(time.monotonic() - began, 3)
        text = raw.decode("utf-8", "replace")
        try:
            parsed: Any = json.loads(text) if text else None
        except ValueError:
            parsed = None
        path, _, query = target.partition("?")
        return {
            "request": {
                "method": method,
                "path": path,
                "query": query,
                "headers": sent,
                "body_text": body_text,
            },
            "response": {
                "status": response.status,
                "headers": {k.lower(): v for k, v in pairs if k.lower() in KEPT_HEADERS},
                "header_names": [k.lower() for k, _ in pairs],
                "body_text": text,
                "body_json": parsed,
            },
            "elapsed_seconds": elapsed,
        }

    def keep(self, name: str, record: Record, **extra: Any) -> Record:
        if name in self._names:
            raise ValueError(f"duplicate probe name {name}")
        self._names.add(name)
        if is_racy(name):
            extra["racy"] = True
        stored = {"name": name, **record, **extra}
        self.records.append(stored)
        return stored

    def raw(
        self,
        name: str,
        method: str,
        target: str,
        body_text: str | None = None,
        headers: dict[str, str] | None = None,
        note: str | None = None,
    ) -> Record:
        """Send and record a request whose body and headers are given verbatim."""
        extra = {"note": note} if note else {}
        return self.keep(name, self.exchange(method, target, body_text, headers), **extra)

    def call(self, name: str, method: str, target: str, body: Any = None, note: str | None = None) -> Record:
        """Send and record a request with a JSON body (Content-Type application/json) if given."""
        if body is None:
            return self.raw(name, method, target, note=note)
        return self.raw(name, method, target, json.dumps(body), {"Content-Type": JSON}, note)

    def wait(
        self,
        name: str,
        method: str,
        target: str,
        done: Callable[[int, Any], bool],
        timeout: float = 90.0,
        note: str | None = None,
    ) -> Record:
        """Poll until ``done(status, body)``; record the first answer if it differed and the last."""
        began = time.monotonic()
        first = self.exchange(method, target)
        last = first
        polls = 1
        only_404 = status_of(first) == 404
        while not done(last["response"]["status"], last["response"]["body_json"]):
            only_404 = only_404 and status_of(last) == 404
            # Nothing to wait for when the thing never appeared (e.g. a release that refused the create).
            if time.monotonic() - began > timeout or (only_404 and time.monotonic() - began > GIVE_UP_ON_404):
                return self.keep(
                    name,
                    last,
                    converged=False,
                    waited_seconds=round(time.monotonic() - began, 2),
                    polls=polls,
                    note=(note or "") + " (did not converge)",
                )
            time.sleep(0.1)
            last = self.exchange(method, target)
            polls += 1
        waited = round(time.monotonic() - began, 2)
        if polls > 1 and first["response"]["body_text"] != last["response"]["body_text"]:
            self.keep(f"{name} (first poll)", first)
        self.timings[name] = waited
        extra: dict[str, Any] = {"converged": True, "waited_seconds": waited, "polls": polls}
        if note:
            extra["note"] = note
        return self.keep(name, last, **extra)


def status_of(record: Record) -> int:
    return int(record["response"]["status"])


def body_of(record: Record) -> Any:
    return record["response"]["body_json"]


def state_is(connector: str, tasks: int | None = None, task_state: str | None = None) -> Callable[[int, Any], bool]:
    """A ``done`` predicate on GET /status: connector state, and optionally task count and state."""

    def done(status: int, body: Any) -> bool:
        if status != 200 or not isinstance(body, dict):
            return False
        if body["connector"]["state"] != connector:
            return False
        if tasks is not None and len(body["tasks"]) != tasks:
            return False
        want = task_state or connector
        return all(task["state"] == want for task in body["tasks"])

    return done


def non_empty(key: str) -> Callable[[int, Any], bool]:
    def done(status: int, body: Any) -> bool:
        return status == 200 and isinstance(body, dict) and bool(body.get(key))

    return done


def topics_of(name: str) -> Callable[[int, Any], bool]:
    def done(status: int, body: Any) -> bool:
        return status == 200 and isinstance(body, dict) and bool(body.get(name, {}).get("topics"))

    return done


def sweep(rec: Recorder, label: str) -> None:
    """Delete (and record deleting) every connector a step left behind, e.g. after a surprise 201."""
    names = body_of(rec.exchange("GET", "/connectors"))
    for name in names or []:
        if name in rec.undeletable:
            continue
        record = rec.call(f"cleanup.{label}.{name}", "DELETE", f"/connectors/{quote(name)}")
        if status_of(record) not in (204, 404):
            # e.g. Jetty 12 (Kafka 4.x) answers 400 to %2F, %2E and %25 in a path: try once only
            rec.undeletable.add(name)


# ------------------------------------------------------------------------------------------------
# the files besides probes.json
# ------------------------------------------------------------------------------------------------


def dump_static(rec: Recorder, out: Path, files: Path) -> None:
    """root.json, loggers.json, plugins.json, plugin-configs.json and validate.json."""
    write(out / "root.json", body_of(rec.call("root", "GET", "/")))
    write(out / "loggers.json", body_of(rec.call("loggers.at-start", "GET", "/admin/loggers")))
    plugins = body_of(rec.call("plugins.all", "GET", "/connector-plugins?connectorsOnly=false"))
    write(out / "plugins.json", plugins)

    configs: dict[str, Any] = {}
    for plugin in plugins:
        klass = plugin["class"]
        answer = rec.exchange("GET", f"/connector-plugins/{quote(klass)}/config")
        if status_of(answer) == 200:
            configs[klass] = body_of(answer)
        else:
            configs[klass] = {"status": status_of(answer), "body": body_of(answer)}
    write(out / "plugin-configs.json", configs)

    source_file = str(files / "validate-in.txt")
    sink_file = str(files / "validate-out.txt")
    source = {"connector.class": FILE_SOURCE, "name": "v-src", "tasks.max": "1", "file": source_file, "topic": "t"}
    sink = {"connector.class": FILE_SINK, "name": "v-sink", "tasks.max": "1", "file": sink_file}
    cases: list[tuple[str, str, Any]] = [
        ("file-source-complete", "FileStreamSourceConnector", source),
        ("file-source-empty-topic", "FileStreamSourceConnector", {**source, "topic": ""}),
        ("file-source-no-topic", "FileStreamSourceConnector", {k: v for k, v in source.items() if k != "topic"}),
        ("file-source-no-name", "FileStreamSourceConnector", {k: v for k, v in source.items() if k != "name"}),
        ("file-source-alias-class", "FileStreamSource", {**source, "connector.class": "FileStreamSource"}),
        ("file-source-path-suffix-Source", "Source", source),
        ("file-source-full-class-path", FILE_SOURCE, source),
        ("file-sink-no-topics", "FileStreamSinkConnector", sink),
        ("file-sink-complete", "FileStreamSinkConnector", {**sink, "topics": "t1,t2"}),
        ("file-sink-topics-and-regex", "FileStreamSinkConnector", {**sink, "topics": "t1", "topics.regex": "t.*"}),
        (
            "file-sink-dlq-on-source-topic",
            "FileStreamSinkConnector",
            {**sink, "topics": "t1", "errors.deadletterqueue.topic.name": "t1", "errors.tolerance": "all"},
        ),
        (
            "mirror-source-minimal",
            "MirrorSourceConnector",
            {"connector.class": f"{MIRROR}.MirrorSourceConnector", "name": "mm-src"},
        ),
        (
            "mirror-checkpoint-minimal",
            "MirrorCheckpointConnector",
            {"connector.class": f"{MIRROR}.MirrorCheckpointConnector", "name": "mm-cp"},
        ),
        (
            "mirror-heartbeat-minimal",
            "MirrorHeartbeatConnector",
            {"connector.class": f"{MIRROR}.MirrorHeartbeatConnector", "name": "mm-hb"},
        ),
        (
            "mirror-source-with-aliases",
            "MirrorSourceConnector",
            {
                "connector.class": f"{MIRROR}.MirrorSourceConnector",
                "name": "mm-src",
                "source.cluster.alias": "a",
                "target.cluster.alias": "b",
                "source.cluster.bootstrap.servers": "127.0.0.1:1",
                "target.cluster.bootstrap.servers": "127.0.0.1:1",
            },
        ),
        ("tasks-max-0", "FileStreamSourceConnector", {**source, "tasks.max": "0"}),
        ("tasks-max-x", "FileStreamSourceConnector", {**source, "tasks.max": "x"}),
        ("tasks-max-above-int", "FileStreamSourceConnector", {**source, "tasks.max": "2147483648"}),
        ("transforms-unknown-alias", "FileStreamSourceConnector", {**source, "transforms": "foo"}),
        (
            "transforms-bad-type",
            "FileStreamSourceConnector",
            {**source, "transforms": "foo", "transforms.foo.type": "com.example.Nope"},
        ),
        (
            "transforms-regexrouter",
            "FileStreamSourceConnector",
            {
                **source,
                "transforms": "route",
                "transforms.route.type": f"{TRANSFORMS}.RegexRouter",
                "transforms.route.regex": "(.*)",
                "transforms.route.replacement": "$1-x",
            },
        ),
        (
            "transforms-duplicate-alias",
            "FileStreamSourceConnector",
            {
                **source,
                "transforms": "a,a",
                "transforms.a.type": f"{TRANSFORMS}.RegexRouter",
                "transforms.a.regex": ".*",
                "transforms.a.replacement": "x",
            },
        ),
        ("predicates-unknown-alias", "FileStreamSourceConnector", {**source, "predicates": "p"}),
        ("errors-tolerance-bogus", "FileStreamSourceConnector", {**source, "errors.tolerance": "bogus"}),
        (
            "exactly-once-bogus",
            "FileStreamSourceConnector",
            {**source, "exactly.once.support": "bogus", "transaction.boundary": "bogus"},
        ),
        ("null-value", "FileStreamSourceConnector", {**source, "file": None}),
        ("null-value-unknown-key", "FileStreamSourceConnector", {**source, "x.null": None}),
        (
            "null-values-known-and-unknown",
            "FileStreamSourceConnector",
            {**source, "batch.size": None, "x.null": None, "y.null": None},
        ),
        ("unknown-key", "FileStreamSourceConnector", {**source, "x.unknown": "1"}),
        ("producer-override", "FileStreamSourceConnector", {**source, "producer.override.linger.ms": "5"}),
        ("key-converter-bogus", "FileStreamSourceConnector", {**source, "key.converter": "com.example.Nope"}),
        (
            "key-converter-json",
            "FileStreamSourceConnector",
            {**source, "key.converter": "org.apache.kafka.connect.json.JsonConverter"},
        ),
        ("batch-size-not-int", "FileStreamSourceConnector", {**source, "batch.size": "1.5"}),
        ("name-with-control-char", "FileStreamSourceConnector", {**source, "name": "a\nb\u0007"}),
        (
            "sink-name-conflicts-with-worker-group",
            "FileStreamSinkConnector",
            {**sink, "topics": "t1", "name": "cluster"},
        ),
        ("class-mismatch", "FileStreamSinkConnector", source),
        ("missing-connector-class", "FileStreamSourceConnector", {"name": "x", "topic": "t", "tasks.max": "1"}),
        ("unknown-connector-class", "Nope", {"name": "x", "connector.class": "Nope"}),
        ("empty-object", "FileStreamSourceConnector", {}),
    ]
    results: dict[str, Any] = {}
    for case, plugin, body in cases:
        target = f"/connector-plugins/{quote(plugin)}/config/validate"
        record = rec.call(f"validate.{case}", "PUT", target, body)
        results[case] = {
            "plugin": plugin,
            "request_body": body,
            "status": status_of(record),
            "body_json": body_of(record),
        }
    write(out / "validate.json", results)


# ------------------------------------------------------------------------------------------------
# the scripted probes
# ------------------------------------------------------------------------------------------------


def probe_routing(rec: Recorder) -> None:
    """Section 1.2-1.4: routes, methods, content types, HEAD, OPTIONS, trailing slashes."""
    rec.call("connectors.list.empty", "GET", "/connectors")
    rec.call("connectors.expand-status.empty", "GET", "/connectors?expand=status")
    rec.call("connectors.trailing-slash", "GET", "/connectors/")
    rec.call("plugins.trailing-slash", "GET", "/connector-plugins/")
    rec.call("loggers.trailing-slash", "GET", "/admin/loggers/")
    rec.call("root.no-path-slash-variant", "GET", "//")
    rec.call("routing.unknown-path", "GET", "/foo")
    rec.call("routing.unknown-subresource", "GET", "/connectors/x/bogus")
    rec.call("routing.health-absent", "GET", "/health")
    rec.call("routing.double-slash-in-path", "GET", "/connectors//status")
    rec.call("routing.task-id-not-int", "GET", "/connectors/x/tasks/abc/status")
    rec.call("routing.task-id-negative", "GET", "/connectors/x/tasks/-1/status")
    rec.call("routing.task-id-above-int", "GET", "/connectors/x/tasks/2147483648/status")
    rec.call("routing.task-id-plus-sign", "GET", "/connectors/x/tasks/+1/status")
    rec.call("routing.task-id-leading-zero", "GET", "/connectors/x/tasks/01/status")
    rec.call("routing.405.delete-connectors", "DELETE", "/connectors")
    rec.call("routing.405.post-root", "POST", "/")
    rec.call("routing.405.post-pause", "POST", "/connectors/x/pause")
    rec.call("routing.405.get-pause", "GET", "/connectors/x/pause")
    rec.call("routing.405.patch-config", "PATCH", "/connectors/x/config", {"a": "b"})
    rec.call("routing.405.put-connector", "PUT", "/connectors/x", {"a": "b"})
    rec.call("routing.405.get-restart", "GET", "/connectors/x/restart")
    rec.call("routing.405.get-validate", "GET", "/connector-plugins/FileStreamSource/config/validate")
    rec.call("routing.405.delete-loggers", "DELETE", "/admin/loggers/root")
    rec.call("routing.405.put-tasks-config", "PUT", "/connectors/x/tasks-config", {})
    rec.raw(
        "routing.405.with-text-plain",
        "POST",
        "/connectors/x/pause",
        "x",
        {"Content-Type": "text/plain"},
        note="method is checked before content type",
    )
    rec.call("routing.unknown-method", "FOO", "/connectors")
    rec.raw("routing.406.accept-text-plain", "GET", "/connectors", headers={"Accept": "text/plain"})
    rec.raw("routing.406.accept-text-plain-root", "GET", "/", headers={"Accept": "text/plain"})
    rec.raw("routing.accept-json-ok", "GET", "/connectors", headers={"Accept": "application/json"})
    rec.raw("routing.accept-any", "GET", "/connectors", headers={"Accept": "*/*"})
    rec.raw("routing.406.accept-text-plain-404-path", "GET", "/foo", headers={"Accept": "text/plain"})

    for path in (
        "/",
        "/connectors",
        "/connectors/x",
        "/connectors/x/config",
        "/connectors/x/status",
        "/connectors/x/tasks",
        "/connectors/x/pause",
        "/connectors/x/restart",
        "/connectors/x/offsets",
        "/connectors/x/tasks/0/restart",
        "/connector-plugins",
        "/connector-plugins/x/config/validate",
        "/admin/loggers",
        "/admin/loggers/root",
        "/foo",
    ):
        rec.call(f"options{path}", "OPTIONS", path)
    for path in (
        "/",
        "/connectors",
        "/connectors/nope",
        "/connector-plugins",
        "/admin/loggers",
        "/foo",
        "/connectors/x/pause",
    ):
        rec.call(f"head{path}", "HEAD", path)

    # 415: Content-Type checks, section 1.2
    rec.raw("ct.text-plain-bodiless-put-pause", "PUT", "/connectors/x/pause", headers={"Content-Type": "text/plain"})
    rec.raw("ct.text-plain-get-connectors", "GET", "/connectors", headers={"Content-Type": "text/plain"})
    rec.raw("ct.text-plain-get-root", "GET", "/", headers={"Content-Type": "text/plain"})
    rec.raw("ct.text-plain-get-plugins", "GET", "/connector-plugins", headers={"Content-Type": "text/plain"})
    rec.raw("ct.text-plain-get-loggers", "GET", "/admin/loggers", headers={"Content-Type": "text/plain"})
    rec.raw(
        "ct.form-empty-post-restart",
        "POST",
        "/connectors/x/restart",
        "",
        {"Content-Type": "application/x-www-form-urlencoded"},
        note="what curl -d '' sends",
    )
    rec.raw("ct.no-content-type-bodiless-pause", "PUT", "/connectors/x/pause")
    rec.raw("ct.json-bodiless-pause", "PUT", "/connectors/x/pause", headers={"Content-Type": JSON})
    body = json.dumps({"name": "ct", "config": {"connector.class": FILE_SOURCE, "topic": "t"}})
    rec.raw("ct.body-without-content-type", "POST", "/connectors", body)
    rec.raw("ct.text-json", "POST", "/connectors", body, {"Content-Type": "text/json"})
    rec.raw("ct.vnd-json", "POST", "/connectors", body, {"Content-Type": "application/vnd.x+json"})
    rec.raw("ct.text-plain-with-body", "POST", "/connectors", body, {"Content-Type": "text/plain"})
    rec.raw("ct.empty-body-without-content-type", "POST", "/connectors", "")
    rec.raw("ct.wildcard-content-type", "POST", "/connectors", body, {"Content-Type": "*/*"})
    rec.raw("ct.content-type-garbage", "POST", "/connectors", body, {"Content-Type": "garbage"})


def probe_bodies(rec: Recorder, files: Path) -> None:
    """Section 1.5 and 3.3: JSON parsing, coercion and the create-time errors."""
    cfg = {"connector.class": FILE_SOURCE, "tasks.max": "1", "file": str(files / "never.txt"), "topic": "t"}
    post = "/connectors"
    ct = {"Content-Type": JSON}
    rec.raw("body.malformed-trailing-comma", "POST", post, '{"name": "x",', ct)
    rec.raw("body.malformed-brace", "POST", post, '{"name": "x",}', ct)
    rec.raw("body.malformed-not-json", "POST", post, "hello", ct)
    rec.raw("body.empty-with-json-ct", "POST", post, "", ct)
    rec.raw("body.literal-null", "POST", post, "null", ct)
    rec.raw("body.array", "POST", post, "[]", ct)
    rec.raw("body.string", "POST", post, '"x"', ct)
    rec.raw("body.number", "POST", post, "1", ct)
    rec.call("body.unknown-top-level-field", "POST", post, {"name": "x", "config": cfg, "bogus": 1})
    rec.call("body.no-config", "POST", post, {"name": "x"})
    rec.call("body.config-null", "POST", post, {"name": "x", "config": None})
    rec.call("body.config-array", "POST", post, {"name": "x", "config": []})
    rec.call("body.config-string", "POST", post, {"name": "x", "config": "a"})
    rec.call("body.nested-object-value", "POST", post, {"name": "x", "config": {**cfg, "nested": {"a": 1}}})
    rec.call("body.array-value", "POST", post, {"name": "x", "config": {**cfg, "arr": [1, 2]}})
    rec.call("body.name-number", "POST", post, {"name": 12, "config": {**cfg}}, note="name given as a JSON number")
    rec.call("body.name-object", "POST", post, {"name": {"a": 1}, "config": cfg})
    rec.call("body.null-config-value", "POST", post, {"name": "x", "config": {**cfg, "batch.size": None}})
    rec.call("body.no-name-no-config-name", "POST", post, {"config": cfg})
    rec.call("body.no-name-config-name", "POST", post, {"config": {**cfg, "name": "foo"}})
    rec.call("body.name-null-config-name", "POST", post, {"name": None, "config": {**cfg, "name": "foo"}})
    rec.call("body.name-mismatch", "POST", post, {"name": "a", "config": {**cfg, "name": "b"}})
    rec.call("body.name-blank", "POST", post, {"name": "   ", "config": cfg})
    rec.call("body.name-control-chars", "POST", post, {"name": "a\nb\tc\u007f\u0085", "config": cfg})
    rec.call("body.no-connector-class-1-key", "POST", post, {"name": "nc", "config": {}})
    rec.call("body.no-connector-class-3-keys", "POST", post, {"name": "nc", "config": {"topic": "t", "tasks.max": "1"}})
    rec.call(
        "body.no-connector-class-6-keys",
        "POST",
        post,
        {"name": "nc", "config": {"topic": "t", "tasks.max": "1", "file": "/tmp/f", "batch.size": "10", "zzz": "z"}},
    )
    many = {f"key.{i:02d}": str(i) for i in range(14)}
    rec.call("body.no-connector-class-15-keys", "POST", post, {"name": "nc", "config": many})
    rec.call(
        "body.unknown-class", "POST", post, {"name": "uc", "config": {**cfg, "connector.class": "com.example.Nope"}}
    )
    rec.call(
        "body.non-connector-class",
        "POST",
        post,
        {"name": "uc", "config": {**cfg, "connector.class": f"{TRANSFORMS}.RegexRouter"}},
    )
    rec.call(
        "body.abstract-class",
        "POST",
        post,
        {"name": "uc", "config": {**cfg, "connector.class": "org.apache.kafka.connect.source.SourceConnector"}},
    )
    rec.call("body.ambiguous-alias", "POST", post, {"name": "uc", "config": {**cfg, "connector.class": "Mirror"}})
    rec.call("body.tasks-max-0", "POST", post, {"name": "tm", "config": {**cfg, "tasks.max": "0"}})
    rec.call("body.tasks-max-x", "POST", post, {"name": "tm", "config": {**cfg, "tasks.max": "x"}})
    rec.call("body.tasks-max-above-int", "POST", post, {"name": "tm", "config": {**cfg, "tasks.max": "2147483648"}})
    rec.call(
        "body.missing-topic", "POST", post, {"name": "mt", "config": {k: v for k, v in cfg.items() if k != "topic"}}
    )
    rec.call(
        "body.two-errors",
        "POST",
        post,
        {"name": "mt", "config": {**{k: v for k, v in cfg.items() if k != "topic"}, "tasks.max": "0"}},
    )
    rec.call(
        "body.sink-no-topics",
        "POST",
        post,
        {"name": "snt", "config": {"connector.class": FILE_SINK, "file": str(files / "never-out.txt")}},
    )
    rec.call(
        "body.sink-group-conflict",
        "POST",
        post,
        {
            "name": "cluster",
            "config": {"connector.class": FILE_SINK, "topics": "t", "file": str(files / "never-out.txt")},
        },
    )
    rec.call("body.transforms-unknown-alias", "POST", post, {"name": "tr", "config": {**cfg, "transforms": "foo"}})
    rec.call("body.initial-state-bogus", "POST", post, {"name": "is", "config": cfg, "initial_state": "BOGUS"})
    rec.call("body.initial-state-number", "POST", post, {"name": "is", "config": cfg, "initial_state": 1})
    # coercion of JSON scalars in a config map, on a connector that is created STOPPED
    scalars = (
        '"tasks.max": 1, "batch.size": 100, "x.float": 1.50, "x.bool": true, "x.false": false, "x.exp": 1E3, '
        '"x.big": 123456789012345678901234567890, "x.neg-zero": -0.0, "x.frac": 0.1000'
    )
    text = json.dumps({"name": "coerce", "config": cfg, "initial_state": "STOPPED"})
    text = text.replace('"tasks.max": "1", ', "").replace('"topic": "t"}', '"topic": "t", ' + scalars + "}")
    rec.raw("body.coerced-scalars", "POST", post, text, ct, note="number literals sent verbatim")
    rec.call("body.coerced-scalars.get-config", "GET", "/connectors/coerce/config")
    rec.call("body.coerced-scalars.delete", "DELETE", "/connectors/coerce")
    rec.call(
        "body.null-values.create",
        "POST",
        post,
        {"name": "nullval", "config": {**cfg, "batch.size": None, "x.null": None}, "initial_state": "STOPPED"},
    )
    rec.call("body.null-values.get-config", "GET", "/connectors/nullval/config")
    rec.call("body.null-values.get-connector", "GET", "/connectors/nullval")
    rec.call("body.null-values.put-config", "PUT", "/connectors/nullval/config", {**cfg, "file": None})
    rec.call("body.null-values.delete", "DELETE", "/connectors/nullval")
    rec.raw(
        "body.content-type-charset",
        "POST",
        post,
        json.dumps({"name": "charset", "config": cfg, "initial_state": "STOPPED"}),
        {"Content-Type": "application/json; charset=utf-8"},
    )
    rec.raw(
        "body.content-type-upper",
        "POST",
        post,
        json.dumps({"name": "charset-upper", "config": cfg, "initial_state": "STOPPED"}),
        {"Content-Type": "APPLICATION/JSON"},
    )
    rec.raw(
        "body.duplicate-keys",
        "POST",
        post,
        '{"name": "dup", "name": "dup2", "config": {"connector.class": "'
        + FILE_SOURCE
        + '", "topic": "t", "topic": "t2"}, "initial_state": "STOPPED"}',
        ct,
    )
    rec.call(
        "body.host-header-drives-location",
        "POST",
        post,
        {"name": "host-hdr", "config": cfg, "initial_state": "STOPPED"},
        note="see the next probe, sent with another Host header",
    )
    rec.call("body.host-header.cleanup", "DELETE", "/connectors/host-hdr")
    rec.raw(
        "body.other-host-header",
        "POST",
        post,
        json.dumps({"name": "host-hdr2", "config": cfg, "initial_state": "STOPPED"}),
        {"Content-Type": JSON, "Host": "example.test:9999"},
    )
    for name in ("charset", "charset-upper", "dup2", "dup", "host-hdr2"):
        rec.call(f"body.cleanup.{name}", "DELETE", f"/connectors/{name}")


def probe_lifecycle(rec: Recorder, files: Path) -> None:
    """Sections 3.3-3.16 and 5: create, read, restart, pause/resume/stop, PUT config, delete."""
    infile = files / "src-in.txt"
    infile.write_text("".join(f"line {i}\n" for i in range(5)), encoding="utf-8")
    cfg = {"connector.class": FILE_SOURCE, "tasks.max": "1", "file": str(infile), "topic": "src-topic"}
    created = time.monotonic()
    rec.call("create.src", "POST", "/connectors", {"name": "src", "config": cfg})
    rec.call("create.src.status-immediately", "GET", "/connectors/src/status")
    rec.call("create.src.expand-immediately", "GET", "/connectors?expand=status&expand=info")
    rec.call("create.src.tasks-immediately", "GET", "/connectors/src/tasks")
    rec.wait("create.src.running", "GET", "/connectors/src/status", state_is("RUNNING", 1))
    rec.timings["create.src.until-running-total"] = round(time.monotonic() - created, 2)
    rec.call("create.src.409", "POST", "/connectors", {"name": "src", "config": cfg})
    rec.call(
        "create.src.409-invalid-config",
        "POST",
        "/connectors",
        {"name": "src", "config": {**cfg, "tasks.max": "0"}},
        note="validation runs before the 409",
    )
    rec.call("create.src.409-trimmed", "POST", "/connectors", {"name": " src ", "config": cfg})

    rec.call("get.connector", "GET", "/connectors/src")
    rec.call("get.connector.trailing-slash", "GET", "/connectors/src/")
    rec.call("get.config", "GET", "/connectors/src/config")
    rec.call("get.status", "GET", "/connectors/src/status")
    rec.call("get.status.trailing-slash", "GET", "/connectors/src/status/")
    rec.call("get.tasks", "GET", "/connectors/src/tasks")
    rec.call("get.tasks-config", "GET", "/connectors/src/tasks-config")
    rec.call("get.task-status.0", "GET", "/connectors/src/tasks/0/status")
    rec.call("get.task-status.1", "GET", "/connectors/src/tasks/1/status")
    rec.call("get.task-status.negative", "GET", "/connectors/src/tasks/-1/status")
    rec.call("get.task-status.above-int", "GET", "/connectors/src/tasks/2147483648/status")
    rec.call("get.task-status.max-int", "GET", "/connectors/src/tasks/2147483647/status")
    for what in ("", "/config", "/status", "/tasks", "/tasks-config", "/tasks/0/status", "/topics", "/offsets"):
        rec.call(f"unknown.get{what or '.connector'}", "GET", f"/connectors/nope{what}")
    rec.call("unknown.delete", "DELETE", "/connectors/nope")
    rec.call("unknown.pause", "PUT", "/connectors/nope/pause")
    rec.call("unknown.resume", "PUT", "/connectors/nope/resume")
    rec.call("unknown.stop", "PUT", "/connectors/nope/stop")
    rec.call("unknown.restart", "POST", "/connectors/nope/restart")
    rec.call("unknown.restart-include-tasks", "POST", "/connectors/nope/restart?includeTasks=true")
    rec.call("unknown.restart-only-failed", "POST", "/connectors/nope/restart?onlyFailed=true")
    rec.call("unknown.task-restart", "POST", "/connectors/nope/tasks/0/restart")
    rec.call("unknown.topics-reset", "PUT", "/connectors/nope/topics/reset")
    rec.call(
        "unknown.offsets-patch",
        "PATCH",
        "/connectors/nope/offsets",
        {"offsets": [{"partition": {"filename": "f"}, "offset": {"position": 1}}]},
    )
    rec.call("unknown.offsets-delete", "DELETE", "/connectors/nope/offsets")
    rec.call("unknown.put-config-creates-nothing-yet", "GET", "/connectors/nope/config")

    # GET /connectors with expand variants (src is RUNNING)
    for label, query in (
        ("plain", ""),
        ("status", "?expand=status"),
        ("info", "?expand=info"),
        ("both", "?expand=status&expand=info"),
        ("comma", "?expand=status,info"),
        ("foo", "?expand=foo"),
        ("bare", "?expand"),
        ("empty", "?expand="),
        ("status-upper", "?expand=STATUS"),
        ("status-and-foo", "?expand=status&expand=foo"),
    ):
        rec.call(f"list.{label}", "GET", f"/connectors{query}")

    # topics (KIP-558): when does the source's topic show up?
    rec.wait("topics.src.appears", "GET", "/connectors/src/topics", topics_of("src"), timeout=60)
    rec.timings["topics.src.after-create"] = round(time.monotonic() - created, 2)

    # restart matrix on a RUNNING connector
    for inc, only in (("false", "false"), ("false", "true"), ("true", "false"), ("true", "true")):
        label = f"restart.includeTasks={inc}&onlyFailed={only}"
        rec.call(label, "POST", f"/connectors/src/restart?includeTasks={inc}&onlyFailed={only}")
        rec.call(f"{label}.status-right-after", "GET", "/connectors/src/status")
        rec.wait(f"{label}.running-again", "GET", "/connectors/src/status", state_is("RUNNING", 1))
    rec.call("restart.no-params", "POST", "/connectors/src/restart")
    rec.wait("restart.no-params.running-again", "GET", "/connectors/src/status", state_is("RUNNING", 1))
    rec.call(
        "restart.includeTasks=yes",
        "POST",
        "/connectors/src/restart?includeTasks=yes",
        note="Boolean.valueOf: anything but 'true' is false",
    )
    rec.call("restart.includeTasks=TRUE", "POST", "/connectors/src/restart?includeTasks=TRUE")
    rec.wait("restart.includeTasks=TRUE.running-again", "GET", "/connectors/src/status", state_is("RUNNING", 1))
    rec.call("restart.trailing-slash", "POST", "/connectors/src/restart/")
    rec.wait("restart.trailing-slash.running-again", "GET", "/connectors/src/status", state_is("RUNNING", 1))
    rec.call("task-restart.0", "POST", "/connectors/src/tasks/0/restart")
    rec.call("task-restart.0.status-right-after", "GET", "/connectors/src/tasks/0/status")
    rec.wait("task-restart.0.running-again", "GET", "/connectors/src/status", state_is("RUNNING", 1))
    rec.call("task-restart.unknown-task", "POST", "/connectors/src/tasks/5/restart")
    rec.call("task-restart.negative", "POST", "/connectors/src/tasks/-1/restart")
    rec.call("task-restart.not-int", "POST", "/connectors/src/tasks/abc/restart")
    rec.call("task-restart.above-int", "POST", "/connectors/src/tasks/2147483648/restart")

    # offsets while RUNNING
    rec.wait("offsets.src.running", "GET", "/connectors/src/offsets", non_empty("offsets"), timeout=30)
    good = {"offsets": [{"partition": {"filename": str(infile)}, "offset": {"position": 1}}]}
    rec.call("offsets.src.patch-while-running", "PATCH", "/connectors/src/offsets", good)
    rec.call("offsets.src.delete-while-running", "DELETE", "/connectors/src/offsets")
    rec.call("offsets.src.patch-empty-object-while-running", "PATCH", "/connectors/src/offsets", {})

    # state machine: from RUNNING
    rec.call("state.running.resume", "PUT", "/connectors/src/resume", note="resume while RUNNING")
    rec.call("state.running.pause", "PUT", "/connectors/src/pause")
    rec.call("state.running.pause.status-right-after", "GET", "/connectors/src/status")
    rec.wait("state.paused.converged", "GET", "/connectors/src/status", state_is("PAUSED", 1))
    rec.call("state.paused.tasks", "GET", "/connectors/src/tasks")
    rec.call("state.paused.connector", "GET", "/connectors/src")
    rec.call("state.paused.pause-again", "PUT", "/connectors/src/pause")
    rec.call("state.paused.offsets-get", "GET", "/connectors/src/offsets")
    rec.call("state.paused.offsets-patch", "PATCH", "/connectors/src/offsets", good)
    rec.call("state.paused.offsets-delete", "DELETE", "/connectors/src/offsets")
    rec.call("state.paused.restart-plan", "POST", "/connectors/src/restart?includeTasks=true")
    rec.wait("state.paused.after-restart", "GET", "/connectors/src/status", state_is("PAUSED", 1))
    rec.call("state.paused.resume", "PUT", "/connectors/src/resume")
    rec.wait("state.paused.resume.converged", "GET", "/connectors/src/status", state_is("RUNNING", 1))
    rec.call("state.running.stop", "PUT", "/connectors/src/stop")
    rec.call("state.running.stop.status-right-after", "GET", "/connectors/src/status")
    rec.wait("state.stopped.converged", "GET", "/connectors/src/status", state_is("STOPPED", 0))
    rec.call("state.stopped.tasks", "GET", "/connectors/src/tasks")
    rec.call("state.stopped.tasks-config", "GET", "/connectors/src/tasks-config")
    rec.call("state.stopped.connector", "GET", "/connectors/src")
    rec.call("state.stopped.task-status.0", "GET", "/connectors/src/tasks/0/status")
    rec.call("state.stopped.task-restart.0", "POST", "/connectors/src/tasks/0/restart")
    time.sleep(1.0)
    rec.call("state.stopped.task-restart.0.again", "POST", "/connectors/src/tasks/0/restart")
    rec.call("state.stopped.task-restart.5", "POST", "/connectors/src/tasks/5/restart")
    rec.call("state.stopped.stop-again", "PUT", "/connectors/src/stop")
    rec.call("state.stopped.restart-plain", "POST", "/connectors/src/restart")
    time.sleep(1.0)  # let the restart begin, so that the wait below sees it end
    rec.wait("state.stopped.after-restart-plain", "GET", "/connectors/src/status", state_is("STOPPED", 0))
    rec.call("state.stopped.restart-plan", "POST", "/connectors/src/restart?includeTasks=true&onlyFailed=false")
    time.sleep(1.0)
    rec.wait("state.stopped.after-restart-plan", "GET", "/connectors/src/status", state_is("STOPPED", 0))
    rec.call("state.stopped.list-expand", "GET", "/connectors?expand=status&expand=info")

    probe_source_offsets(rec, infile)

    rec.call("state.stopped.pause", "PUT", "/connectors/src/pause")
    rec.wait("state.stopped.pause.converged", "GET", "/connectors/src/status", state_is("PAUSED"))
    rec.call("state.stopped-then-paused.tasks", "GET", "/connectors/src/tasks")
    rec.call("state.stopped-then-paused.resume", "PUT", "/connectors/src/resume")
    rec.wait("state.stopped-then-paused.resume.converged", "GET", "/connectors/src/status", state_is("RUNNING", 1))
    rec.call("state.resumed.tasks", "GET", "/connectors/src/tasks")
    rec.call("state.running.stop-2", "PUT", "/connectors/src/stop")
    rec.wait("state.stopped-2.converged", "GET", "/connectors/src/status", state_is("STOPPED", 0))
    rec.call("state.stopped.resume", "PUT", "/connectors/src/resume")
    rec.call("state.stopped.resume.status-right-after", "GET", "/connectors/src/status")
    rec.wait("state.stopped.resume.converged", "GET", "/connectors/src/status", state_is("RUNNING", 1))
    rec.call("state.stopped.resume.tasks", "GET", "/connectors/src/tasks")
    rec.call("state.running.pause-2", "PUT", "/connectors/src/pause")
    rec.wait("state.paused-2.converged", "GET", "/connectors/src/status", state_is("PAUSED", 1))
    rec.call("state.paused.stop", "PUT", "/connectors/src/stop")
    rec.wait("state.paused.stop.converged", "GET", "/connectors/src/status", state_is("STOPPED", 0))
    rec.call("state.stopped-from-paused.tasks", "GET", "/connectors/src/tasks")
    rec.call("state.stopped.resume-2", "PUT", "/connectors/src/resume")
    rec.wait("state.stopped.resume-2.converged", "GET", "/connectors/src/status", state_is("RUNNING", 1))

    # topics reset
    rec.call("topics.src.before-reset", "GET", "/connectors/src/topics")
    rec.call("topics.src.reset-while-running", "PUT", "/connectors/src/topics/reset")
    rec.call("topics.src.after-reset-running", "GET", "/connectors/src/topics")
    rec.wait(
        "topics.src.after-reset-running.settles",
        "GET",
        "/connectors/src/topics",
        lambda s, b: s == 200 and isinstance(b, dict) and b.get("src", {}).get("topics") == [],
        timeout=10,
        note="does a reset while RUNNING empty the list eventually?",
    )
    rec.call("topics.src.stop-for-reset", "PUT", "/connectors/src/stop")
    rec.wait("topics.src.stopped", "GET", "/connectors/src/status", state_is("STOPPED", 0))
    rec.call("topics.src.reset-while-stopped", "PUT", "/connectors/src/topics/reset")
    rec.call("topics.src.after-reset-stopped", "GET", "/connectors/src/topics")
    rec.call("topics.src.resume-after-reset", "PUT", "/connectors/src/resume")
    rec.wait("topics.src.resumed", "GET", "/connectors/src/status", state_is("RUNNING", 1))
    with infile.open("a", encoding="utf-8") as handle:
        handle.write("line after reset\n")
    rec.wait("topics.src.reappears-after-new-record", "GET", "/connectors/src/topics", topics_of("src"), timeout=30)
    rec.call("topics.unknown", "GET", "/connectors/nope/topics")
    rec.call("topics.trailing-slash", "GET", "/connectors/src/topics/")
    rec.call("topics.reset.get-method", "GET", "/connectors/src/topics/reset")

    # PUT config: create, replace, mismatch, POST shape, initial_state key, paused replace
    put_cfg = {"connector.class": FILE_SOURCE, "tasks.max": "1", "file": str(files / "put-in.txt"), "topic": "put-t"}
    rec.call("put.create", "PUT", "/connectors/put-src/config", put_cfg)
    rec.wait("put.created.running", "GET", "/connectors/put-src/status", state_is("RUNNING", 1))
    rec.call("put.replace", "PUT", "/connectors/put-src/config", {**put_cfg, "batch.size": "10"})
    rec.wait("put.replaced.running", "GET", "/connectors/put-src/status", state_is("RUNNING", 1))
    rec.call("put.replace-again-same", "PUT", "/connectors/put-src/config", {**put_cfg, "batch.size": "10"})
    rec.call("put.name-mismatch", "PUT", "/connectors/put-src/config", {**put_cfg, "name": "other"})
    rec.call("put.name-matches", "PUT", "/connectors/put-src/config", {**put_cfg, "name": "put-src"})
    rec.call("put.post-shape", "PUT", "/connectors/put-src2/config", {"name": "put-src2", "config": put_cfg})
    rec.call("put.initial-state-key", "PUT", "/connectors/put-src3/config", {**put_cfg, "initial_state": "PAUSED"})
    rec.wait("put.initial-state-key.status", "GET", "/connectors/put-src3/status", state_is("RUNNING", 1))
    rec.call("put.invalid", "PUT", "/connectors/put-src/config", {**put_cfg, "tasks.max": "0"})
    rec.call("put.no-class", "PUT", "/connectors/put-src4/config", {"topic": "t", "tasks.max": "1"})
    rec.call("put.unknown-class", "PUT", "/connectors/put-src4/config", {"connector.class": "Nope"})
    rec.raw("put.empty-body", "PUT", "/connectors/put-src4/config", "", {"Content-Type": JSON})
    rec.raw("put.literal-null", "PUT", "/connectors/put-src4/config", "null", {"Content-Type": JSON})
    rec.call("put.pause-then-replace.pause", "PUT", "/connectors/put-src/pause")
    rec.wait("put.pause-then-replace.paused", "GET", "/connectors/put-src/status", state_is("PAUSED", 1))
    rec.call("put.pause-then-replace.replace", "PUT", "/connectors/put-src/config", {**put_cfg, "batch.size": "20"})
    rec.wait(
        "put.pause-then-replace.still-paused", "GET", "/connectors/put-src/status", state_is("PAUSED", 1), timeout=20
    )
    rec.call("put.pause-then-replace.tasks", "GET", "/connectors/put-src/tasks")
    rec.call(
        "put.alias-class", "PUT", "/connectors/put-alias/config", {**put_cfg, "connector.class": "FileStreamSource"}
    )
    rec.wait("put.alias-class.running", "GET", "/connectors/put-alias/status", state_is("RUNNING", 1))
    rec.call("put.alias-class.get", "GET", "/connectors/put-alias")
    rec.call("put.alias-class.tasks", "GET", "/connectors/put-alias/tasks")
    rec.call("put.huge-tasks-max", "PUT", "/connectors/put-huge/config", {**put_cfg, "tasks.max": "2147483647"})
    rec.wait("put.huge-tasks-max.running", "GET", "/connectors/put-huge/status", state_is("RUNNING", 1))
    for name in ("put-src", "put-src2", "put-src3", "put-alias", "put-huge"):
        rec.call(f"put.cleanup.{name}", "DELETE", f"/connectors/{name}")

    # initial_state variants
    for state in ("RUNNING", "PAUSED", "STOPPED", "paused", "Stopped"):
        name = f"init-{state.lower()}-{state}"
        rec.call(
            f"initial-state.{state}",
            "POST",
            "/connectors",
            {"name": name, "config": {**put_cfg, "topic": "init-t"}, "initial_state": state},
        )
    rec.wait("initial-state.RUNNING.status", "GET", "/connectors/init-running-RUNNING/status", state_is("RUNNING", 1))
    rec.wait("initial-state.PAUSED.status", "GET", "/connectors/init-paused-PAUSED/status", state_is("PAUSED", 0))
    rec.call("initial-state.PAUSED.tasks", "GET", "/connectors/init-paused-PAUSED/tasks")
    rec.call("initial-state.PAUSED.connector", "GET", "/connectors/init-paused-PAUSED")
    rec.wait("initial-state.STOPPED.status", "GET", "/connectors/init-stopped-STOPPED/status", state_is("STOPPED", 0))
    rec.call("initial-state.STOPPED.offsets-get", "GET", "/connectors/init-stopped-STOPPED/offsets")
    rec.call(
        "initial-state.STOPPED.offsets-patch",
        "PATCH",
        "/connectors/init-stopped-STOPPED/offsets",
        {"offsets": [{"partition": {"filename": str(files / "put-in.txt")}, "offset": {"position": 3}}]},
    )
    rec.call("initial-state.STOPPED.offsets-get-after", "GET", "/connectors/init-stopped-STOPPED/offsets")
    rec.wait(
        "initial-state.STOPPED.offsets-get-after.settles",
        "GET",
        "/connectors/init-stopped-STOPPED/offsets",
        non_empty("offsets"),
        timeout=10,
        note="are offsets written for a never-started connector visible later?",
    )
    rec.call("initial-state.STOPPED.offsets-delete", "DELETE", "/connectors/init-stopped-STOPPED/offsets")
    rec.wait(
        "initial-state.STOPPED.offsets-get-after-delete",
        "GET",
        "/connectors/init-stopped-STOPPED/offsets",
        lambda s, b: s == 200 and b["offsets"] == [],
        15,
    )
    rec.call("initial-state.PAUSED.resume", "PUT", "/connectors/init-paused-PAUSED/resume")
    rec.wait("initial-state.PAUSED.resumed", "GET", "/connectors/init-paused-PAUSED/status", state_is("RUNNING", 1))
    rec.call("initial-state.list-expand", "GET", "/connectors?expand=status")
    for state in ("RUNNING", "PAUSED", "STOPPED", "paused", "Stopped"):
        rec.call(f"initial-state.cleanup.{state}", "DELETE", f"/connectors/init-{state.lower()}-{state}")

    # a FileStreamSource whose file appears only later: when do its topics show up?
    late = files / "late-in.txt"
    late_cfg = {"connector.class": FILE_SOURCE, "tasks.max": "1", "file": str(late), "topic": "late-topic"}
    rec.call("late-file.create", "POST", "/connectors", {"name": "late-src", "config": late_cfg})
    rec.wait(
        "late-file.running",
        "GET",
        "/connectors/late-src/status",
        state_is("RUNNING", 1),
        note="the task runs although the file does not exist yet",
    )
    time.sleep(2.0)
    rec.call("late-file.topics-before-file", "GET", "/connectors/late-src/topics")
    rec.call("late-file.offsets-before-file", "GET", "/connectors/late-src/offsets")
    late.write_text("first\nsecond\n", encoding="utf-8")
    began = time.monotonic()
    rec.wait("late-file.topics-after-file", "GET", "/connectors/late-src/topics", topics_of("late-src"), timeout=30)
    rec.timings["late-file.topics-after-file-created"] = round(time.monotonic() - began, 2)
    rec.wait("late-file.offsets-after-file", "GET", "/connectors/late-src/offsets", non_empty("offsets"), timeout=30)
    rec.call("late-file.delete", "DELETE", "/connectors/late-src")

    # delete
    rec.call("delete.src", "DELETE", "/connectors/src")
    rec.call("delete.src.get-after", "GET", "/connectors/src")
    rec.call("delete.src.status-after", "GET", "/connectors/src/status")
    rec.call("delete.src.offsets-after", "GET", "/connectors/src/offsets")
    rec.call("delete.src.topics-after", "GET", "/connectors/src/topics")
    rec.call("delete.src.again", "DELETE", "/connectors/src")


def probe_source_offsets(rec: Recorder, infile: Path) -> None:
    """Section 6.1 on the STOPPED FileStreamSource ``src``, and 6 shape errors."""
    path = "/connectors/src/offsets"
    part = {"filename": str(infile)}
    rec.call("offsets.src.stopped.get", "GET", path)
    rec.call("offsets.src.stopped.patch-empty-object", "PATCH", path, {})
    rec.call("offsets.src.stopped.patch-empty-list", "PATCH", path, {"offsets": []})
    rec.call("offsets.src.stopped.patch-offsets-null", "PATCH", path, {"offsets": None})
    rec.call("offsets.src.stopped.patch-offsets-object", "PATCH", path, {"offsets": {}})
    rec.call("offsets.src.stopped.patch-list-of-number", "PATCH", path, {"offsets": [123]})
    rec.call("offsets.src.stopped.patch-unknown-field-in-entry", "PATCH", path, {"offsets": [{"key": "val"}]})
    rec.call("offsets.src.stopped.patch-unknown-top-field", "PATCH", path, {"key": []})
    rec.call("offsets.src.stopped.patch-partition-array", "PATCH", path, {"offsets": [{"partition": [], "offset": {}}]})
    rec.raw("offsets.src.stopped.patch-empty-body", "PATCH", path, "", {"Content-Type": JSON})
    rec.raw("offsets.src.stopped.patch-malformed", "PATCH", path, '{"offsets": [', {"Content-Type": JSON})
    rec.call(
        "offsets.src.stopped.patch-no-position", "PATCH", path, {"offsets": [{"partition": part, "offset": {"foo": 1}}]}
    )
    rec.call(
        "offsets.src.stopped.patch-position-string",
        "PATCH",
        path,
        {"offsets": [{"partition": part, "offset": {"position": "abc"}}]},
    )
    rec.call(
        "offsets.src.stopped.patch-position-numeric-string",
        "PATCH",
        path,
        {"offsets": [{"partition": part, "offset": {"position": "5"}}]},
    )
    rec.call(
        "offsets.src.stopped.patch-position-negative",
        "PATCH",
        path,
        {"offsets": [{"partition": part, "offset": {"position": -1}}]},
    )
    rec.call(
        "offsets.src.stopped.patch-position-double",
        "PATCH",
        path,
        {"offsets": [{"partition": part, "offset": {"position": 1.5}}]},
    )
    rec.call(
        "offsets.src.stopped.patch-no-filename",
        "PATCH",
        path,
        {"offsets": [{"partition": {"foo": "x"}, "offset": {"position": 1}}]},
    )
    rec.call(
        "offsets.src.stopped.patch-partition-null",
        "PATCH",
        path,
        {"offsets": [{"partition": None, "offset": {"position": 1}}]},
    )
    rec.call("offsets.src.stopped.patch-no-partition", "PATCH", path, {"offsets": [{"offset": {"position": 1}}]})
    rec.call(
        "offsets.src.stopped.patch-nested-value",
        "PATCH",
        path,
        {"offsets": [{"partition": part, "offset": {"position": {"a": 1}}}]},
    )
    rec.call(
        "offsets.src.stopped.patch-other-filename",
        "PATCH",
        path,
        {"offsets": [{"partition": {"filename": "/elsewhere.txt"}, "offset": {"position": 7}}]},
    )
    rec.call(
        "offsets.src.stopped.patch-ok", "PATCH", path, {"offsets": [{"partition": part, "offset": {"position": 2}}]}
    )
    # source offsets are read back from the offsets topic: poll until the write is visible
    rec.wait("offsets.src.stopped.get-after-patch", "GET", path, lambda s, b: s == 200 and len(b["offsets"]) == 2, 15)
    rec.call(
        "offsets.src.stopped.patch-null-offset",
        "PATCH",
        path,
        {"offsets": [{"partition": {"filename": "/elsewhere.txt"}, "offset": None}]},
    )
    rec.wait(
        "offsets.src.stopped.get-after-tombstone",
        "GET",
        path,
        lambda s, b: s == 200 and all(o["partition"].get("filename") != "/elsewhere.txt" for o in b["offsets"]),
        15,
        note="right after the PATCH the partition may still be listed, with offset null",
    )
    rec.call("offsets.src.stopped.delete", "DELETE", path)
    rec.wait("offsets.src.stopped.get-after-delete", "GET", path, lambda s, b: s == 200 and b["offsets"] == [], 15)
    rec.call("offsets.src.stopped.delete-again", "DELETE", path)
    rec.call(
        "offsets.src.stopped.patch-restore",
        "PATCH",
        path,
        {"offsets": [{"partition": part, "offset": {"position": 0}}]},
    )

    # a FileStreamSource without 'file' (stdin) refuses offset changes
    rec.call(
        "offsets.stdin.create-stopped",
        "POST",
        "/connectors",
        {
            "name": "stdin-src",
            "config": {"connector.class": FILE_SOURCE, "topic": "stdin-t"},
            "initial_state": "STOPPED",
        },
    )
    rec.wait("offsets.stdin.stopped", "GET", "/connectors/stdin-src/status", state_is("STOPPED", 0))
    rec.call(
        "offsets.stdin.patch",
        "PATCH",
        "/connectors/stdin-src/offsets",
        {"offsets": [{"partition": {"filename": "x"}, "offset": {"position": 1}}]},
    )
    rec.call("offsets.stdin.delete", "DELETE", "/connectors/stdin-src/offsets")
    rec.call("offsets.stdin.cleanup", "DELETE", "/connectors/stdin-src")


def probe_sink(rec: Recorder, files: Path) -> None:
    """A FileStreamSink reading src-topic: status, topics, offsets and the section 6.3 errors."""
    outfile = files / "sink-out.txt"
    cfg = {"connector.class": FILE_SINK, "tasks.max": "2", "file": str(outfile), "topics": "src-topic"}
    created = time.monotonic()
    rec.call("sink.create", "POST", "/connectors", {"name": "sink", "config": cfg})
    rec.wait("sink.running", "GET", "/connectors/sink/status", state_is("RUNNING", 2))
    rec.call("sink.tasks", "GET", "/connectors/sink/tasks")
    rec.call("sink.tasks-config", "GET", "/connectors/sink/tasks-config")
    rec.wait("sink.topics", "GET", "/connectors/sink/topics", topics_of("sink"), timeout=60)
    rec.timings["sink.topics.after-create"] = round(time.monotonic() - created, 2)
    rec.wait("sink.offsets.running", "GET", "/connectors/sink/offsets", non_empty("offsets"), timeout=60)
    path = "/connectors/sink/offsets"
    ok = {"offsets": [{"partition": {"kafka_topic": "src-topic", "kafka_partition": 0}, "offset": {"kafka_offset": 1}}]}
    rec.call("sink.offsets.patch-while-running", "PATCH", path, ok)
    rec.call("sink.offsets.delete-while-running", "DELETE", path)
    rec.call("sink.pause", "PUT", "/connectors/sink/pause")
    rec.wait("sink.paused", "GET", "/connectors/sink/status", state_is("PAUSED", 2))
    rec.call("sink.offsets.patch-while-paused", "PATCH", path, ok)
    rec.call("sink.stop", "PUT", "/connectors/sink/stop")
    rec.wait("sink.stopped", "GET", "/connectors/sink/status", state_is("STOPPED", 0))
    rec.call("sink.offsets.stopped.get", "GET", path)

    def entry(partition: Any = ..., offset: Any = ...) -> dict[str, Any]:
        item: dict[str, Any] = {}
        if partition is not ...:
            item["partition"] = partition
        if offset is not ...:
            item["offset"] = offset
        return item

    tp = {"kafka_topic": "src-topic", "kafka_partition": 0}
    cases: list[tuple[str, Any]] = [
        ("empty-entry", [{}]),
        ("partition-null", [entry(None, {"kafka_offset": 1})]),
        ("partition-missing-key", [entry({"kafka_topic": "src-topic"}, {"kafka_offset": 1})]),
        ("partition-extra-key", [entry({**tp, "x": 1}, {"kafka_offset": 1})]),
        ("topic-null", [entry({"kafka_topic": None, "kafka_partition": 0}, {"kafka_offset": 1})]),
        ("topic-number", [entry({"kafka_topic": 5, "kafka_partition": 0}, {"kafka_offset": 1})]),
        ("partition-value-null", [entry({"kafka_topic": "src-topic", "kafka_partition": None}, {"kafka_offset": 1})]),
        ("partition-value-abc", [entry({"kafka_topic": "src-topic", "kafka_partition": "abc"}, {"kafka_offset": 1})]),
        (
            "partition-value-string-number",
            [entry({"kafka_topic": "src-topic", "kafka_partition": "0"}, {"kafka_offset": 1})],
        ),
        ("partition-value-double", [entry({"kafka_topic": "src-topic", "kafka_partition": 1.5}, {"kafka_offset": 1})]),
        ("partition-value-negative", [entry({"kafka_topic": "src-topic", "kafka_partition": -1}, {"kafka_offset": 1})]),
        ("offset-missing-key", [entry(tp, {"foo": 1})]),
        ("offset-extra-key", [entry(tp, {"kafka_offset": 1, "x": 2})]),
        ("offset-value-abc", [entry(tp, {"kafka_offset": "abc"})]),
        ("offset-value-null", [entry(tp, {"kafka_offset": None})]),
        ("offset-value-negative", [entry(tp, {"kafka_offset": -5})]),
        ("offset-value-string-number", [entry(tp, {"kafka_offset": "10"})]),
        ("unknown-topic-partition", [entry({"kafka_topic": "other-topic", "kafka_partition": 3}, {"kafka_offset": 4})]),
    ]
    for label, offsets in cases:
        rec.call(f"sink.offsets.stopped.patch.{label}", "PATCH", path, {"offsets": offsets})
        if status_of(rec.records[-1]) == 200:
            rec.call(f"sink.offsets.stopped.patch.{label}.get", "GET", path)
    # null offsets (resets) need a committed offset to act on; set one first each time
    rec.call("sink.offsets.stopped.set-5", "PATCH", path, {"offsets": [entry(tp, {"kafka_offset": 5})]})
    rec.call("sink.offsets.stopped.patch.offset-null", "PATCH", path, {"offsets": [entry(tp, None)]})
    rec.call("sink.offsets.stopped.patch.offset-null.get", "GET", path)
    rec.call(
        "sink.offsets.stopped.patch.offset-null-without-committed-offset",
        "PATCH",
        path,
        {"offsets": [entry(tp, None)]},
    )
    rec.call("sink.offsets.stopped.set-6", "PATCH", path, {"offsets": [entry(tp, {"kafka_offset": 6})]})
    rec.call("sink.offsets.stopped.patch.offset-missing", "PATCH", path, {"offsets": [entry(tp)]})
    rec.call("sink.offsets.stopped.patch.offset-missing.get", "GET", path)
    rec.call(
        "sink.offsets.stopped.patch.one-good-one-bad",
        "PATCH",
        path,
        {"offsets": [entry(tp, {"kafka_offset": 7}), entry({"kafka_topic": "src-topic"}, {"kafka_offset": 1})]},
    )
    rec.call("sink.offsets.stopped.patch.one-good-one-bad.get", "GET", path)
    rec.call("sink.offsets.stopped.set-8", "PATCH", path, {"offsets": [entry(tp, {"kafka_offset": 8})]})
    rec.call("sink.offsets.stopped.get-before-delete", "GET", path)
    rec.call("sink.offsets.stopped.delete", "DELETE", path)
    rec.call("sink.offsets.stopped.get-after-delete", "GET", path)
    rec.call("sink.offsets.stopped.delete-again", "DELETE", path)
    rec.call("sink.resume", "PUT", "/connectors/sink/resume")
    rec.wait("sink.resumed", "GET", "/connectors/sink/status", state_is("RUNNING", 2))
    rec.call("sink.topics.reset", "PUT", "/connectors/sink/topics/reset")
    rec.call("sink.topics.after-reset", "GET", "/connectors/sink/topics")
    rec.call("sink.delete", "DELETE", "/connectors/sink")

    # a sink whose file cannot be created fails its tasks
    rec.call(
        "sink.bad-file.create",
        "POST",
        "/connectors",
        {"name": "sink-bad", "config": {**cfg, "tasks.max": "1", "file": "/proc/nope/out.txt"}},
    )
    rec.wait(
        "sink.bad-file.failed",
        "GET",
        "/connectors/sink-bad/status",
        lambda s, b: s == 200 and bool(b["tasks"]) and b["tasks"][0]["state"] == "FAILED",
        timeout=60,
    )
    rec.call(
        "sink.bad-file.restart-only-failed", "POST", "/connectors/sink-bad/restart?includeTasks=true&onlyFailed=true"
    )
    rec.call("sink.bad-file.restart-include-tasks", "POST", "/connectors/sink-bad/restart?includeTasks=true")
    rec.call("sink.bad-file.restart-only-failed-no-tasks", "POST", "/connectors/sink-bad/restart?onlyFailed=true")
    rec.wait(
        "sink.bad-file.failed-again",
        "GET",
        "/connectors/sink-bad/status",
        lambda s, b: s == 200 and bool(b["tasks"]) and b["tasks"][0]["state"] == "FAILED",
        timeout=60,
    )
    rec.call("sink.bad-file.pause", "PUT", "/connectors/sink-bad/pause")
    rec.wait(
        "sink.bad-file.paused",
        "GET",
        "/connectors/sink-bad/status",
        lambda s, b: s == 200 and b["connector"]["state"] == "PAUSED",
        timeout=20,
        note="tasks that FAILED stay FAILED on pause",
    )
    rec.call("sink.bad-file.task-restart", "POST", "/connectors/sink-bad/tasks/0/restart")
    rec.call("sink.bad-file.delete", "DELETE", "/connectors/sink-bad")


def probe_names(rec: Recorder, files: Path) -> None:
    """Section 7: spaces, unicode, '/', '..', long names, leading spaces in PUT paths."""
    cfg = {"connector.class": FILE_SOURCE, "tasks.max": "1", "file": str(files / "names.txt"), "topic": "names-t"}

    def create(label: str, name: str) -> Record:
        record = rec.call(
            f"names.{label}.create", "POST", "/connectors", {"name": name, "config": cfg, "initial_state": "STOPPED"}
        )
        if status_of(record) == 500 and "initial_state" in record["response"]["body_text"]:
            # 3.6 knows no initial_state (KIP-980): create it running, so the name probes still apply
            record = rec.call(f"names.{label}.create-running", "POST", "/connectors", {"name": name, "config": cfg})
        if status_of(record) == 201:
            # settle first, so that the probes below do not depend on how fast the status appears
            until = time.monotonic() + 30
            while time.monotonic() < until:
                segment = "%2E%2E" if name == ".." else quote(name.strip())
                if status_of(rec.exchange("GET", f"/connectors/{segment}/status")) in (200, 400):
                    break  # 400: the HTTP layer refuses the path (Jetty 12), waiting changes nothing
                time.sleep(0.1)
        return record

    create("space", "my conn")
    rec.call("names.space.get-encoded", "GET", "/connectors/my%20conn")
    rec.call("names.space.get-plus", "GET", "/connectors/my+conn")
    rec.call("names.space.delete", "DELETE", "/connectors/my%20conn")
    uni = "données-ü-☃"
    create("unicode", uni)
    rec.call("names.unicode.get-encoded", "GET", f"/connectors/{quote(uni)}")
    rec.call("names.unicode.list", "GET", "/connectors")
    rec.call("names.unicode.delete", "DELETE", f"/connectors/{quote(uni)}")
    create("slash", "a/b")
    rec.call("names.slash.get-raw", "GET", "/connectors/a/b")
    rec.call("names.slash.get-encoded", "GET", "/connectors/a%2Fb")
    rec.call("names.slash.get-encoded-lower", "GET", "/connectors/a%2fb")
    rec.call("names.slash.status-encoded", "GET", "/connectors/a%2Fb/status")
    rec.call("names.slash.list", "GET", "/connectors")
    rec.call("names.slash.delete-encoded", "DELETE", "/connectors/a%2Fb")
    rec.call("names.slash.list-after-delete", "GET", "/connectors")
    rec.call("names.dotdot.get", "GET", "/connectors/..")
    rec.call("names.dotdot.get-into-plugins", "GET", "/connectors/../connector-plugins")
    rec.call("names.dotdot.encoded", "GET", "/connectors/%2E%2E")
    rec.call("names.dotdot.encoded-status", "GET", "/connectors/%2E%2E/status")
    rec.call("names.dot.get", "GET", "/connectors/./")
    rec.call("names.dotdot.above-root", "GET", "/../connectors")
    rec.call("names.percent-encoded-letters", "GET", "/%63onnectors")
    create("dotdot", "..")
    rec.call("names.dotdot-connector.get-encoded", "GET", "/connectors/%2E%2E")
    rec.call("names.dotdot-connector.list", "GET", "/connectors")
    rec.call("names.dotdot-connector.delete-encoded", "DELETE", "/connectors/%2E%2E")
    create("percent", "100%")
    rec.call("names.percent.get-encoded", "GET", "/connectors/100%25")
    rec.call("names.percent.get-bad-escape", "GET", "/connectors/100%")
    rec.call("names.percent.delete", "DELETE", "/connectors/100%25")
    create("question", "what?")
    rec.call("names.question.get", "GET", "/connectors/what%3F")
    rec.call("names.question.delete", "DELETE", "/connectors/what%3F")
    create("long", "n" * 1000)
    rec.call("names.long.delete", "DELETE", "/connectors/" + "n" * 1000)
    create("padded", "  padded  ")
    rec.call("names.padded.get-trimmed", "GET", "/connectors/padded")
    rec.call("names.padded.delete", "DELETE", "/connectors/padded")
    rec.call("names.put-padded-path", "PUT", "/connectors/%20pp%20/config", cfg)
    rec.call("names.put-padded-path.list", "GET", "/connectors")
    rec.call("names.put-padded-path.get-trimmed", "GET", "/connectors/pp")
    rec.call("names.put-padded-path.delete", "DELETE", "/connectors/%20pp%20")
    rec.call("names.put-control-char-path", "PUT", "/connectors/a%0Ab/config", cfg)
    rec.call("names.put-empty-name-path", "PUT", "/connectors//config", cfg)
    rec.call("names.put-blank-name-path", "PUT", "/connectors/%20/config", cfg)
    rec.call(
        "names.unicode-control-char",
        "POST",
        "/connectors",
        {"name": "a\u0085b", "config": cfg, "initial_state": "STOPPED"},
    )


def probe_plugins(rec: Recorder) -> None:
    """Section 8: listing variants, aliases, unknown and non-plugin classes, validate errors."""
    for label, query in (
        ("default", ""),
        ("true", "?connectorsOnly=true"),
        ("false", "?connectorsOnly=false"),
        ("TRUE", "?connectorsOnly=TRUE"),
        ("FALSE", "?connectorsOnly=FALSE"),
        ("abc", "?connectorsOnly=abc"),
        ("empty", "?connectorsOnly="),
        ("bare", "?connectorsOnly"),
    ):
        rec.call(f"plugins.list.{label}", "GET", f"/connector-plugins{query}")
    for alias in (
        "FileStreamSource",
        "FileStreamSourceConnector",
        "FileStreamSink",
        "Json",
        "JsonConverter",
        "RegexRouter",
        "Simple",
        "SimpleHeaderConverter",
        "String",
        "StringConverter",
        "Filter",
        "MirrorSource",
        "HasHeaderKey",
        "Cast",
        "Value",
        "Nope",
        f"{TRANSFORMS}.Cast",
        f"{TRANSFORMS}.Cast$Value",
        "org.apache.kafka.connect.source.SourceConnector",
        "org.apache.kafka.connect.runtime.rest.RestServer",
        "com.example.Nope",
        "org.apache.kafka.common.config.provider.FileConfigProvider",
        "org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy",
        "fileStreamSource",
        "org.apache.kafka.connect.mirror.MirrorSourceConnector",
        "org.apache.kafka.connect.storage.SimpleHeaderConverter",
    ):
        rec.call(f"plugins.config.{alias}", "GET", f"/connector-plugins/{quote(alias)}/config")
    rec.call("plugins.config.trailing-slash", "GET", "/connector-plugins/FileStreamSource/config/")
    rec.raw(
        "plugins.validate.empty-body",
        "PUT",
        "/connector-plugins/FileStreamSource/config/validate",
        "",
        {"Content-Type": JSON},
    )
    rec.raw(
        "plugins.validate.literal-null",
        "PUT",
        "/connector-plugins/FileStreamSource/config/validate",
        "null",
        {"Content-Type": JSON},
    )
    rec.raw(
        "plugins.validate.malformed",
        "PUT",
        "/connector-plugins/FileStreamSource/config/validate",
        "{",
        {"Content-Type": JSON},
    )
    rec.call(
        "plugins.validate.array-value",
        "PUT",
        "/connector-plugins/FileStreamSource/config/validate",
        {"connector.class": FILE_SOURCE, "topic": ["a"]},
    )
    rec.call(
        "plugins.validate.unknown-path-plugin",
        "PUT",
        "/connector-plugins/Nope/config/validate",
        {"connector.class": FILE_SOURCE, "name": "x", "topic": "t"},
    )
    rec.call(
        "plugins.validate.alias-mismatch",
        "PUT",
        "/connector-plugins/FileStreamSink/config/validate",
        {"connector.class": "FileStreamSource", "name": "x", "topic": "t"},
    )
    rec.call(
        "plugins.validate.transform-path",
        "PUT",
        "/connector-plugins/RegexRouter/config/validate",
        {"connector.class": FILE_SOURCE, "name": "x", "topic": "t"},
    )
    rec.call(
        "plugins.validate.no-class-coerced",
        "PUT",
        "/connector-plugins/FileStreamSource/config/validate",
        {"tasks.max": 1, "topic": True, "name": "n", "batch.size": 1.5},
    )


TOOLS = "org.apache.kafka.connect.tools"


def failed_connector(status: int, body: Any) -> bool:
    return status == 200 and isinstance(body, dict) and body["connector"]["state"] == "FAILED"


def failed_task(status: int, body: Any) -> bool:
    return status == 200 and isinstance(body, dict) and any(t["state"] == "FAILED" for t in body["tasks"])


def created(rec: Recorder, name: str, body: Any) -> None:
    """POST /connectors and stop the step unless the worker answered 201."""
    record = rec.call(name, "POST", "/connectors", body)
    if status_of(record) != 201:
        raise RuntimeError(f"{name}: {status_of(record)} {record['response']['body_text'][:300]}")


def probe_test_plugins(rec: Recorder, out: Path) -> None:
    """With connect-test-plugins: listing, configs, and FAILED connectors and tasks (restart matrix)."""
    out.mkdir(parents=True, exist_ok=True)
    plugins = body_of(rec.call("tp.plugins", "GET", "/connector-plugins"))
    write(out / "plugins.json", plugins)
    configs = {}
    for plugin in plugins:
        if plugin["class"].startswith(TOOLS):
            configs[plugin["class"]] = body_of(rec.exchange("GET", f"/connector-plugins/{plugin['class']}/config"))
    write(out / "plugin-configs.json", configs)
    matrix = (("false", "false"), ("false", "true"), ("true", "false"), ("true", "true"))

    conn_fail = {
        "connector.class": f"{TOOLS}.MockSourceConnector",
        "mock_mode": "connector-failure",
        "delay_ms": "1000",
        "tasks.max": "1",
    }
    created(rec, "tp.conn-fail.create", {"name": "conn-fail", "config": conn_fail})
    rec.wait("tp.conn-fail.failed", "GET", "/connectors/conn-fail/status", failed_connector, timeout=60)
    for inc, only in matrix:
        label = f"tp.conn-fail.restart.includeTasks={inc}&onlyFailed={only}"
        rec.call(label, "POST", f"/connectors/conn-fail/restart?includeTasks={inc}&onlyFailed={only}")
        rec.call(f"{label}.status-right-after", "GET", "/connectors/conn-fail/status")
        time.sleep(0.3)
        rec.wait(f"{label}.failed-again", "GET", "/connectors/conn-fail/status", failed_connector, timeout=60)
    rec.call("tp.conn-fail.task-restart", "POST", "/connectors/conn-fail/tasks/0/restart")
    rec.call("tp.conn-fail.pause", "PUT", "/connectors/conn-fail/pause")
    time.sleep(2.0)
    rec.call("tp.conn-fail.after-pause", "GET", "/connectors/conn-fail/status", note="2 s after pause")
    rec.call("tp.conn-fail.resume", "PUT", "/connectors/conn-fail/resume")
    time.sleep(2.0)
    rec.call("tp.conn-fail.after-resume", "GET", "/connectors/conn-fail/status", note="2 s after resume")
    rec.call("tp.conn-fail.stop", "PUT", "/connectors/conn-fail/stop")
    rec.wait("tp.conn-fail.stopped", "GET", "/connectors/conn-fail/status", state_is("STOPPED", 0), timeout=30)
    rec.call("tp.conn-fail.resume-from-stopped", "PUT", "/connectors/conn-fail/resume")
    rec.wait(
        "tp.conn-fail.running-after-resume",
        "GET",
        "/connectors/conn-fail/status",
        lambda s, b: s == 200 and b["connector"]["state"] == "RUNNING",
        timeout=30,
    )
    rec.wait("tp.conn-fail.failed-after-resume", "GET", "/connectors/conn-fail/status", failed_connector, timeout=60)
    rec.call("tp.conn-fail.delete", "DELETE", "/connectors/conn-fail")

    task_fail = {
        "connector.class": f"{TOOLS}.MockSourceConnector",
        "mock_mode": "task-failure",
        "delay_ms": "1000",
        "tasks.max": "3",
    }
    created(rec, "tp.task-fail.create", {"name": "task-fail", "config": task_fail})
    rec.wait("tp.task-fail.failed", "GET", "/connectors/task-fail/status", failed_task, timeout=60)
    rec.call("tp.task-fail.tasks", "GET", "/connectors/task-fail/tasks")
    for inc, only in matrix:
        label = f"tp.task-fail.restart.includeTasks={inc}&onlyFailed={only}"
        rec.call(label, "POST", f"/connectors/task-fail/restart?includeTasks={inc}&onlyFailed={only}")
        rec.call(f"{label}.status-right-after", "GET", "/connectors/task-fail/status")
        time.sleep(0.3)
        rec.wait(f"{label}.failed-again", "GET", "/connectors/task-fail/status", failed_task, timeout=60)
    rec.call("tp.task-fail.task-restart", "POST", "/connectors/task-fail/tasks/0/restart")
    rec.call("tp.task-fail.task-restart.status-right-after", "GET", "/connectors/task-fail/tasks/0/status")
    rec.wait("tp.task-fail.task-failed-again", "GET", "/connectors/task-fail/status", failed_task, timeout=60)
    rec.call("tp.task-fail.pause", "PUT", "/connectors/task-fail/pause")
    rec.wait(
        "tp.task-fail.paused",
        "GET",
        "/connectors/task-fail/status",
        lambda s, b: s == 200 and b["connector"]["state"] == "PAUSED",
        timeout=30,
    )
    time.sleep(1.0)
    rec.call("tp.task-fail.paused-tasks", "GET", "/connectors/task-fail/status", note="FAILED tasks stay FAILED")
    rec.call("tp.task-fail.resume", "PUT", "/connectors/task-fail/resume")
    time.sleep(1.0)
    rec.call("tp.task-fail.after-resume", "GET", "/connectors/task-fail/status")
    rec.call("tp.task-fail.delete", "DELETE", "/connectors/task-fail")

    sink_fail = {
        "connector.class": f"{TOOLS}.MockSinkConnector",
        "mock_mode": "task-failure",
        "delay_ms": "1000",
        "topics": "tp-topic",
    }
    created(rec, "tp.sink-fail.create", {"name": "sink-fail", "config": sink_fail})
    rec.wait("tp.sink-fail.failed", "GET", "/connectors/sink-fail/status", failed_task, timeout=60)
    rec.call("tp.sink-fail.delete", "DELETE", "/connectors/sink-fail")

    bad = {
        "connector.class": f"{TOOLS}.VerifiableSourceConnector",
        "topic": "tp-v",
        "throughput": "x",
        "tasks.max": "2",
    }
    created(rec, "tp.verifiable-bad.create", {"name": "verifiable-bad", "config": bad})
    rec.wait("tp.verifiable-bad.failed", "GET", "/connectors/verifiable-bad/status", failed_task, timeout=60)
    rec.call("tp.verifiable-bad.tasks", "GET", "/connectors/verifiable-bad/tasks")
    rec.call("tp.verifiable-bad.delete", "DELETE", "/connectors/verifiable-bad")

    bad_delay = {
        "connector.class": f"{TOOLS}.MockSourceConnector",
        "mock_mode": "connector-failure",
        "delay_ms": "soon",
    }
    created(rec, "tp.bad-delay.create", {"name": "bad-delay", "config": bad_delay})
    rec.wait("tp.bad-delay.failed", "GET", "/connectors/bad-delay/status", failed_connector, timeout=60)
    rec.call("tp.bad-delay.delete", "DELETE", "/connectors/bad-delay")

    rec.call(
        "tp.validate.mock-source",
        "PUT",
        "/connector-plugins/MockSourceConnector/config/validate",
        {"connector.class": f"{TOOLS}.MockSourceConnector", "name": "v"},
    )


def probe_poison(rec: Recorder) -> None:
    """Plugin config of JDK classes, last: in 3.7 it leaves a null context class loader on the
    Jetty thread that served it, and later plugin requests served by that thread fail."""
    for klass in ("java.lang.String", "java.util.HashMap", "java.lang.Object"):
        rec.call(f"poison.plugins.config.{klass}", "GET", f"/connector-plugins/{klass}/config")
    for i in range(12):
        rec.call(f"poison.after.plugin-config.{i:02d}", "GET", "/connector-plugins/FileStreamSource/config")
    for i in range(6):
        rec.call(
            f"poison.after.validate.{i:02d}",
            "PUT",
            "/connector-plugins/FileStreamSource/config/validate",
            {"connector.class": FILE_SOURCE, "name": "p", "topic": "t"},
        )
    rec.call("poison.after.root", "GET", "/")


def probe_loggers(rec: Recorder) -> None:
    """Section 9: reading and setting levels, worker and cluster scope."""
    rec.call("loggers.get.root", "GET", "/admin/loggers/root")
    rec.call("loggers.get.ROOT", "GET", "/admin/loggers/ROOT")
    rec.call("loggers.get.reflections", "GET", "/admin/loggers/org.reflections")
    rec.call("loggers.get.class-logger", "GET", "/admin/loggers/org.apache.kafka.connect.runtime.Worker")
    rec.call("loggers.get.package-never-logged", "GET", "/admin/loggers/org.apache.kafka.connect")
    rec.call("loggers.get.unknown", "GET", "/admin/loggers/com.example.nope")
    target = "/admin/loggers/org.apache.kafka.connect.runtime.WorkerSourceTask"
    rec.call("loggers.put.worker-scope", "PUT", target, {"level": "DEBUG"})
    rec.call("loggers.put.worker-scope.get", "GET", "/admin/loggers/org.apache.kafka.connect.runtime.WorkerSourceTask")
    rec.call("loggers.put.worker-scope.list", "GET", "/admin/loggers")
    time.sleep(1.1)
    rec.call("loggers.put.same-level-again", "PUT", target, {"level": "DEBUG"})
    rec.call("loggers.put.same-level-again.get", "GET", target, note="last_modified unchanged when the level is")
    rec.call("loggers.put.lowercase-level", "PUT", target, {"level": "info"})
    rec.call("loggers.put.lowercase-level.get", "GET", target)
    rec.call("loggers.put.scope-worker-explicit", "PUT", f"{target}?scope=worker", {"level": "WARN"})
    rec.call("loggers.put.scope-WORKER", "PUT", f"{target}?scope=WORKER", {"level": "ERROR"})
    rec.call("loggers.put.scope-bogus", "PUT", f"{target}?scope=bogus", {"level": "INFO"})
    rec.call("loggers.put.invalid-level", "PUT", target, {"level": "LOUD"})
    rec.call("loggers.put.invalid-level-lower", "PUT", target, {"level": "loud"})
    rec.call("loggers.put.level-number", "PUT", target, {"level": 1})
    rec.call("loggers.put.missing-level", "PUT", target, {})
    rec.call("loggers.put.level-null", "PUT", target, {"level": None})
    rec.call("loggers.put.level-empty", "PUT", target, {"level": ""})
    rec.call("loggers.put.extra-key", "PUT", target, {"level": "INFO", "other": "x"})
    rec.call("loggers.put.level-object", "PUT", target, {"level": {"a": 1}})
    rec.raw("loggers.put.empty-body", "PUT", target, "", {"Content-Type": JSON})
    rec.raw("loggers.put.literal-null", "PUT", target, "null", {"Content-Type": JSON})
    rec.raw("loggers.put.no-content-type", "PUT", target, '{"level": "INFO"}')
    rec.call("loggers.put.invalid-level-cluster", "PUT", f"{target}?scope=cluster", {"level": "LOUD"})
    rec.call("loggers.put.missing-level-cluster", "PUT", f"{target}?scope=cluster", {})
    rec.call("loggers.put.new-namespace", "PUT", "/admin/loggers/com.example.fresh", {"level": "DEBUG"})
    rec.call("loggers.put.new-namespace.get", "GET", "/admin/loggers/com.example.fresh")
    rec.call(
        "loggers.put.prefix-match", "PUT", "/admin/loggers/org.apache.kafka.connect.runtime.rest", {"level": "DEBUG"}
    )
    rec.call("loggers.put.prefix-match.list", "GET", "/admin/loggers")
    began = time.monotonic()
    rec.call(
        "loggers.put.cluster-scope",
        "PUT",
        "/admin/loggers/org.apache.kafka.connect.mirror?scope=cluster",
        {"level": "TRACE"},
    )
    rec.wait(
        "loggers.put.cluster-scope.applied",
        "GET",
        "/admin/loggers/org.apache.kafka.connect.mirror",
        lambda s, b: s == 200 and b.get("level") == "TRACE",
        timeout=30,
    )
    rec.timings["loggers.cluster-scope.applied-after"] = round(time.monotonic() - began, 2)
    rec.call(
        "loggers.put.cluster-scope-CLUSTER",
        "PUT",
        "/admin/loggers/org.apache.kafka.connect.mirror?scope=CLUSTER",
        {"level": "DEBUG"},
    )
    rec.call("loggers.put.cluster-scope.list", "GET", "/admin/loggers")
    rec.call("loggers.put.root", "PUT", "/admin/loggers/root", {"level": "INFO"})
    rec.call("loggers.put.root.list", "GET", "/admin/loggers")


def probe_internal(rec: Recorder) -> None:
    """Section 3.21: the internal endpoints without a signature."""
    rec.call("internal.tasks.no-signature", "POST", "/connectors/x/tasks", [])
    rec.call("internal.tasks.configs-no-signature", "POST", "/connectors/x/tasks", [{"a": "b"}])
    rec.raw("internal.tasks.malformed", "POST", "/connectors/x/tasks", "[", {"Content-Type": JSON})
    rec.raw("internal.tasks.text-plain", "POST", "/connectors/x/tasks", "[]", {"Content-Type": "text/plain"})
    rec.raw("internal.tasks.no-body", "POST", "/connectors/x/tasks")
    rec.raw("internal.tasks.empty-json-body", "POST", "/connectors/x/tasks", "", {"Content-Type": JSON})
    rec.call("internal.tasks.object-body", "POST", "/connectors/x/tasks", {"a": "b"})
    rec.raw(
        "internal.tasks.bogus-signature",
        "POST",
        "/connectors/x/tasks",
        "[]",
        {
            "Content-Type": JSON,
            "X-Connect-Authorization": "AAAA",
            "X-Connect-Request-Signature-Algorithm": "HmacSHA256",
        },
    )
    rec.raw("internal.fence.no-signature", "PUT", "/connectors/x/fence")
    rec.raw("internal.fence.json-body", "PUT", "/connectors/x/fence", "{}", {"Content-Type": JSON})
    rec.raw("internal.fence.text-plain", "PUT", "/connectors/x/fence", "", {"Content-Type": "text/plain"})
    rec.raw(
        "internal.fence.bogus-signature",
        "PUT",
        "/connectors/x/fence",
        None,
        {"X-Connect-Authorization": "AAAA", "X-Connect-Request-Signature-Algorithm": "HmacSHA256"},
    )
    rec.call("internal.fence.get", "GET", "/connectors/x/fence")


def plugin_versions(rec: Recorder) -> dict[str, str]:
    """Class -> version of every plugin the worker lists (connect-file may be older than the runtime)."""
    listed = body_of(rec.exchange("GET", "/connector-plugins?connectorsOnly=false")) or []
    return {item["class"]: item.get("version", "") for item in listed if isinstance(item, dict)}


def probe_releases(rec: Recorder, files: Path) -> None:
    """Endpoints and parameters that later releases added, asked of every release alike.

    /health (3.9), PATCH /connectors/{c}/config (3.8), ?version= on plugin config and the
    *.plugin.version keys (4.1), connector-level config providers in validate (4.4).
    """
    # GET /health
    rec.call("rel.health.get", "GET", "/health")
    rec.call("rel.health.trailing-slash", "GET", "/health/")
    rec.call("rel.health.head", "HEAD", "/health")
    rec.call("rel.health.post", "POST", "/health")
    rec.raw("rel.health.accept-text-plain", "GET", "/health", headers={"Accept": "text/plain"})

    # PATCH /connectors/{c}/config
    cfg = {"connector.class": FILE_SOURCE, "tasks.max": "1", "file": str(files / "patch-in.txt"), "topic": "patch-t"}
    path = "/connectors/patch-src/config"
    rec.call("rel.patch.create", "POST", "/connectors", {"name": "patch-src", "config": cfg})
    rec.wait("rel.patch.created", "GET", "/connectors/patch-src/status", state_is("RUNNING", 1))
    rec.call("rel.patch.add-key", "PATCH", path, {"batch.size": "5"})
    rec.call("rel.patch.add-key.get", "GET", path)
    rec.call("rel.patch.null-removes", "PATCH", path, {"batch.size": None})
    rec.call("rel.patch.null-removes.get", "GET", path)
    rec.call("rel.patch.same-config", "PATCH", path, {"topic": "patch-t"})
    rec.call("rel.patch.invalid", "PATCH", path, {"tasks.max": "0"})
    rec.call("rel.patch.remove-class", "PATCH", path, {"connector.class": None})
    rec.call("rel.patch.empty-object", "PATCH", path, {})
    rec.call("rel.patch.number-value", "PATCH", path, {"batch.size": 7})
    rec.call("rel.patch.number-value.get", "GET", path)
    rec.call("rel.patch.rename", "PATCH", path, {"name": "renamed"})
    rec.call("rel.patch.rename.get", "GET", path)
    rec.call("rel.patch.rename.connector", "GET", "/connectors/patch-src")
    rec.raw("rel.patch.empty-body", "PATCH", path, "", {"Content-Type": JSON})
    rec.raw("rel.patch.literal-null", "PATCH", path, "null", {"Content-Type": JSON})
    rec.raw("rel.patch.array", "PATCH", path, "[]", {"Content-Type": JSON})
    rec.raw("rel.patch.malformed", "PATCH", path, "{", {"Content-Type": JSON})
    rec.raw("rel.patch.text-plain", "PATCH", path, '{"a": "b"}', {"Content-Type": "text/plain"})
    rec.call("rel.patch.unknown-connector", "PATCH", "/connectors/nope/config", {"batch.size": "5"})
    rec.call("rel.patch.status", "GET", "/connectors/patch-src/status")
    rec.call("rel.patch.delete", "DELETE", "/connectors/patch-src")

    # GET /connector-plugins/{p}/config?version=
    versions = plugin_versions(rec)
    file_version = versions.get(FILE_SOURCE, "0")
    for label, query in (
        ("installed", f"?version={file_version}"),
        ("range", f"?version=[{file_version},]"),
        ("absent-version", "?version=9.9.9"),
        ("bad-range", "?version=[bad"),
        ("empty", "?version="),
    ):
        rec.call(f"rel.plugin-config.file-source.{label}", "GET", f"/connector-plugins/FileStreamSource/config{query}")
    rec.call(
        "rel.plugin-config.regexrouter.absent-version",
        "GET",
        f"/connector-plugins/{TRANSFORMS}.RegexRouter/config?version=9.9.9",
    )
    rec.call("rel.plugin-config.unknown.with-version", "GET", "/connector-plugins/Nope/config?version=1.0")

    # *.plugin.version keys in validate and create
    source = {
        "connector.class": FILE_SOURCE,
        "name": "pv",
        "tasks.max": "1",
        "file": str(files / "pv.txt"),
        "topic": "t",
    }
    validate = "/connector-plugins/FileStreamSource/config/validate"
    for label, extra in (
        ("installed", {"connector.plugin.version": file_version}),
        ("absent", {"connector.plugin.version": "9.9.9"}),
        ("bad-range", {"connector.plugin.version": "[bad"}),
        (
            "converter-absent",
            {"key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.plugin.version": "9.9.9"},
        ),
        (
            "transform-absent",
            {
                "transforms": "r",
                "transforms.r.type": f"{TRANSFORMS}.RegexRouter",
                "transforms.r.regex": "(.*)",
                "transforms.r.replacement": "$1",
                "transforms.r.plugin.version": "9.9.9",
            },
        ),
    ):
        rec.call(f"rel.validate.plugin-version.{label}", "PUT", validate, {**source, **extra})
    rec.call(
        "rel.create.plugin-version-absent",
        "POST",
        "/connectors",
        {"name": "pv-absent", "config": {**source, "name": "pv-absent", "connector.plugin.version": "9.9.9"}},
    )
    rec.call("rel.create.plugin-version-absent.cleanup", "DELETE", "/connectors/pv-absent")

    # connector-level config providers and placeholders in validate and create
    providers = {
        "config.providers": "env",
        "config.providers.env.class": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
    }
    rec.call("rel.validate.config-providers", "PUT", validate, {**source, **providers})
    rec.call("rel.validate.placeholder-tasks-max", "PUT", validate, {**source, "tasks.max": "${env:HOME}"})
    rec.call("rel.validate.placeholder-topic", "PUT", validate, {**source, "topic": "${env:NO_SUCH_VARIABLE}"})
    rec.call("rel.validate.no-class-in-body", "PUT", validate, {"name": "nc", "topic": "t"})
    rec.call(
        "rel.create.placeholder-tasks-max",
        "POST",
        "/connectors",
        {"name": "ph", "config": {**source, "name": "ph", "tasks.max": "${env:HOME}"}},
    )
    rec.call("rel.create.placeholder-tasks-max.cleanup", "DELETE", "/connectors/ph")
    rec.call("rel.create.no-class-two-keys", "POST", "/connectors", {"name": "nc2", "config": {"topic": "1"}})

    # tasks-config of a RUNNING connector (deprecated in 3.7, removed in 4.0)
    rec.call("rel.tasks-config.create", "POST", "/connectors", {"name": "tc", "config": {**source, "name": "tc"}})
    rec.wait("rel.tasks-config.running", "GET", "/connectors/tc/status", state_is("RUNNING", 1))
    rec.call("rel.tasks-config.get", "GET", "/connectors/tc/tasks-config")
    rec.call("rel.tasks-config.status", "GET", "/connectors/tc/status")
    rec.call("rel.tasks-config.task-status", "GET", "/connectors/tc/tasks/0/status")
    rec.call("rel.tasks-config.expand-status", "GET", "/connectors?expand=status")
    rec.call("rel.tasks-config.restart-plan", "POST", "/connectors/tc/restart?includeTasks=true")
    rec.call("rel.tasks-config.delete", "DELETE", "/connectors/tc")

    # loggers: empty and blank levels, and the listing right after start of this step
    rec.call("rel.loggers.level-blank", "PUT", "/admin/loggers/com.example.blank", {"level": " "})
    rec.call("rel.loggers.level-padded", "PUT", "/admin/loggers/com.example.padded", {"level": " debug "})
    rec.call("rel.loggers.level-padded.get", "GET", "/admin/loggers/com.example.padded")


# ------------------------------------------------------------------------------------------------


def write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@contextmanager
def target(args: argparse.Namespace) -> Iterator[tuple[str, KafkaWorker | None]]:
    if args.url:
        yield args.url.rstrip("/"), None
        return
    port = args.port
    if port and not port_is_free(port):
        print(f"port {port} is busy; using a free port instead", file=sys.stderr)
        port = 0
    worker = KafkaWorker(kafka_version=args.kafka_version, rest_port=port, test_plugins=args.test_plugins)
    worker.start()
    try:
        yield worker.url, worker
    finally:
        worker.stop()


def record_corpus(url: str, version: str, out: Path) -> None:
    """jackson-bodies.json and client-overrides.json, as tools/record_bodies.py writes them."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import record_bodies  # a sibling script, not a package

    if out.resolve() != (REPO / "tests" / "live" / "recorded" / f"kafka-{version}").resolve():
        raise RuntimeError("record_bodies writes only into tests/live/recorded/kafka-<version>; drop --out")
    record_bodies.record(url, version)
    record_bodies.record_overrides(url, version)


def jar_names(worker: KafkaWorker) -> dict[str, list[str]]:
    """The jar files of the worker's class path and plugin path, by folder."""
    if worker.jars is None:
        return {}
    found = {"lib": sorted(p.name for p in worker.jars.lib.glob("*.jar"))}
    found["plugin.path"] = sorted(p.name for p in worker.jars.plugins.glob("*.jar"))
    if worker.jars.test_plugins is not None:
        found["test-plugins"] = sorted(p.name for p in worker.jars.test_plugins.glob("*.jar"))
    return found


def record(args: argparse.Namespace) -> int:
    try:
        args.kafka_version = find_release(args.kafka_version).version
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    out: Path = args.out or REPO / "tests" / "live" / "recorded" / f"kafka-{args.kafka_version}"
    if args.test_plugins:
        out = out / "test-plugins"
    out.mkdir(parents=True, exist_ok=True)
    files = Path(tempfile.mkdtemp(prefix="mockconnect-record-"))
    began = time.monotonic()
    try:
        with target(args) as (url, worker):
            rec = Recorder(url)
            steps: list[tuple[str, Callable[[], None]]] = [
                ("test-plugins", lambda: probe_test_plugins(rec, out)),
            ]
            if not args.test_plugins:
                steps = [
                    ("static", lambda: dump_static(rec, out, files)),
                    ("routing", lambda: probe_routing(rec)),
                    ("bodies", lambda: probe_bodies(rec, files)),
                    ("lifecycle", lambda: probe_lifecycle(rec, files)),
                    ("sink", lambda: probe_sink(rec, files)),
                    ("names", lambda: probe_names(rec, files)),
                    ("plugins", lambda: probe_plugins(rec)),
                    ("internal", lambda: probe_internal(rec)),
                    ("loggers", lambda: probe_loggers(rec)),
                    ("releases", lambda: probe_releases(rec, files)),
                    ("corpus", lambda: record_corpus(url, args.kafka_version, out)),
                    ("poison", lambda: probe_poison(rec)),
                ]
            failures: list[str] = []
            step_seconds: dict[str, float] = {}
            for label, step in steps:
                if args.only and label not in args.only:
                    continue
                step_began = time.monotonic()
                try:
                    step()
                except Exception as err:  # keep what was recorded so far, go on with the next step
                    failures.append(f"{label}: {type(err).__name__}: {err}")
                    print(f"step {label} failed: {failures[-1]}", file=sys.stderr)
                try:
                    sweep(rec, label)
                except Exception as err:
                    failures.append(f"sweep after {label}: {type(err).__name__}: {err}")
                step_seconds[label] = round(time.monotonic() - step_began, 1)
                print(
                    f"step {label}: {time.monotonic() - step_began:.1f} s, {len(rec.records)} probes", file=sys.stderr
                )
            rec.call("final.connectors", "GET", "/connectors?expand=status")
            meta = {
                "kafka_version": args.kafka_version,
                "test_plugins": args.test_plugins,
                "url": url,
                "host_header": rec.host_header,
                "probes": len(rec.records),
                "recording_seconds": round(time.monotonic() - began, 1),
                "step_seconds": step_seconds,
                "convergence_seconds": rec.timings,
                "failed_step": failures[0] if failures else None,
                "failed_steps": failures,
                "undeletable_connectors": sorted(rec.undeletable),
            }
            if worker is not None:
                meta.update(
                    worker_id=worker.worker_id,
                    cluster_id=worker.cluster_id,
                    startup_seconds=worker.startup_seconds,
                    startup_timings=worker.timings,
                    startup_answers=worker.startup_answers,
                    files_dir=str(files),
                    jars=jar_names(worker),
                )
            write(out / "probes.json", rec.records)
            write(out / "meta.json", meta)
            print(f"wrote {len(rec.records)} probes to {out}", file=sys.stderr)
            return 1 if failures else 0
    except WorkerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(files, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="record an already running worker (loopback only) instead of starting one")
    parser.add_argument("--kafka-version", default=DEFAULT_KAFKA_VERSION)
    parser.add_argument(
        "--port", type=int, default=18083, help="REST port of the started worker (default 18083, or a free one if busy)"
    )
    parser.add_argument("--out", type=Path, help="output directory (default tests/live/recorded/kafka-<version>)")
    parser.add_argument(
        "--test-plugins",
        action="store_true",
        help="start a worker with connect-test-plugins and record FAILED-state behaviour into <out>/test-plugins",
    )
    parser.add_argument("--only", nargs="*", help="run only these steps (static routing bodies lifecycle ...)")
    return record(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
