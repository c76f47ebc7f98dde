"""Read a live cluster with GET requests and make it a scenario (``mockconnect record``).

What is read, in order: ``GET /`` (version, commit, Kafka cluster id), ``GET
/connector-plugins?connectorsOnly=false`` and the config definitions of every plugin that is not a
stock plugin of the release the mock emulates, ``GET /connectors?expand=info&expand=status``, then
for each connector its task configs, offsets and active topics, and with ``loggers`` the log
levels. Requests run on ``concurrency`` threads at most, each with a read timeout; progress goes
to ``progress`` once a second. Secrets are redacted unless ``keep_secrets`` (see :mod:`.secrets`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TextIO, TypeVar
from urllib.parse import quote, urlsplit

from mockconnect.conformance.transport import guard_process
from mockconnect.record import build
from mockconnect.record.reader import Access, Answer, Reader, RecordError
from mockconnect.record.secrets import REDACTED, Redactor
from mockconnect.release import known_releases
from mockconnect.worker.catalog import Catalog, Plugin, builtin_catalog

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Options:
    """What to record and how gently."""

    url: str
    access: Access = Access()
    loggers: bool = False
    keep_secrets: bool = False
    concurrency: int = 4
    request_timeout: float = 30.0
    progress: TextIO | None = None
    name: str | None = None


@dataclass
class Recording:
    """A recorded cluster as scenario data, with what the recording could not keep."""

    data: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    redacted: int = 0

    @property
    def connectors(self) -> int:
        return len(self.data["state"]["connectors"])

    @property
    def plugins_added(self) -> int:
        return len(self.data["cluster"].get("plugins", {}).get("add", []))


class _Progress:
    """At most one line a second on the progress stream, and the last one always."""

    def __init__(self, stream: TextIO | None, label: str, total: int) -> None:
        self.stream, self.label, self.total = stream, label, total
        self.done = 0
        self.began = self.shown = time.monotonic()

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        if self.stream is not None and (now - self.shown >= 1.0 or self.done == self.total):
            self.shown = now
            self.stream.write(f"mockconnect record: {self.label} {self.done}/{self.total} ({now - self.began:.1f} s)\n")
            self.stream.flush()


def _say(options: Options, line: str) -> None:
    if options.progress is not None:
        options.progress.write(f"mockconnect record: {line}\n")
        options.progress.flush()


def _parallel(items: list[T], work: Callable[[T], R], concurrency: int, progress: _Progress) -> list[R]:
    def one(item: T) -> R:
        result = work(item)
        progress.step()
        return result

    if concurrency <= 1 or len(items) <= 1:
        return [one(item) for item in items]
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="mockconnect-record") as pool:
        return list(pool.map(one, items))


def _path(*segments: str) -> str:
    return "/" + "/".join(quote(segment, safe="") for segment in segments)


def record(options: Options) -> Recording:
    """Record the cluster at ``options.url``; RecordError when it cannot be read."""
    if options.concurrency < 1 or options.request_timeout <= 0:
        raise RecordError("--concurrency must be at least 1 and --request-timeout more than 0")
    reader = Reader(options.url, options.access, options.request_timeout, options.concurrency)
    began = time.monotonic()
    try:
        with guard_process(reader.guard):
            recording = _record(reader, options)
    finally:
        reader.close()
    recording.requests = reader.sent
    recording.seconds = time.monotonic() - began
    if reader.guard.ledger.writes:  # the guard refuses every write before it is sent: this cannot happen
        raise RecordError(f"the read-only guard let writes through: {reader.guard.ledger.as_dict()}")
    return recording


def _required(answer: Answer, what: str) -> Any:
    if not answer.ok:
        raise RecordError(f"GET {what} answered {answer.message()}")
    return answer.body


def _record(reader: Reader, options: Options) -> Recording:
    warnings: list[str] = []
    root = _required(reader.get("/"), "/")
    if not isinstance(root, Mapping) or not isinstance(root.get("version"), str):
        raise RecordError(f"{options.url} is not a Kafka Connect worker: GET / answered {str(root)[:200]}")
    emulated = root["version"] if root["version"] in known_releases() else None
    base = builtin_catalog(emulated)
    if emulated is None:
        warnings.append(
            f"the worker runs Kafka {root['version']}, a release the mock does not emulate yet; it behaves as "
            f"Kafka {base.kafka_version} (GET / reports the recorded version)"
        )
    listing = _required(reader.get("/connector-plugins?connectorsOnly=false"), "/connector-plugins")
    if not isinstance(listing, list):
        raise RecordError(f"GET /connector-plugins answered no list: {str(listing)[:200]}")
    listing = [item for item in listing if isinstance(item, Mapping)]
    reader.learn_plugins(listing)
    added, removed, found = build.plugin_changes(listing, base)
    warnings += found
    _say(options, f"{len(listing)} plugins, {len(added)} of them not stock: reading their config definitions")
    progress = _Progress(options.progress, "plugin configs", len(added))
    warnings += [w for w in _parallel(added, _plugin_config(reader, base), options.concurrency, progress) if w]
    catalog = dataclasses.replace(
        base,
        plugins=tuple(p for p in base.plugins if p.cls not in set(removed)) + tuple(Plugin.from_dict(e) for e in added),
    )

    listed = _required(reader.get("/connectors?expand=info&expand=status"), "/connectors")
    if not isinstance(listed, Mapping):
        raise RecordError(f"GET /connectors?expand=info&expand=status answered no object: {str(listed)[:200]}")
    names = sorted(listed)
    _say(options, f"{len(names)} connectors: reading tasks, offsets and topics ({options.concurrency} at a time)")
    progress = _Progress(options.progress, "connectors", len(names))
    tracking = [True]

    def one(name: str) -> tuple[str, dict[str, Any] | None, list[str]]:
        return _connector(reader, name, listed[name], tracking)

    connectors: dict[str, dict[str, Any]] = {}
    for name, read, notes in _parallel(names, one, options.concurrency, progress):
        warnings += notes
        if read is None:
            continue
        connector_class = read["config"].get("connector.class")
        if not isinstance(connector_class, str) or not catalog.resolve(connector_class.strip(), catalog.connectors()):
            warnings.append(
                f"connector {name!r} was left out: its class {connector_class!r} is not a connector plugin the "
                "worker lists (a scenario's connectors must name one)"
            )
            continue
        connectors[name] = read
    for entry in added:
        if entry["type"] in ("source", "sink"):
            build.task_rules(entry, connectors.values())

    redactor = Redactor()
    if not options.keep_secrets:
        for entry in connectors.values():
            type_of = build.type_lookup(entry["config"], catalog)
            entry["config"] = redactor.config(entry["config"], type_of)
            for task in entry["tasks"]:
                task["config"] = redactor.config(task["config"], type_of)

    state: dict[str, Any] = {"connectors": connectors}
    if options.loggers:
        loggers = _required(reader.get("/admin/loggers"), "/admin/loggers")
        if isinstance(loggers, Mapping):
            state["loggers"] = {
                name: {"level": item.get("level"), "last_modified": item.get("last_modified")}
                for name, item in sorted(loggers.items())
                if isinstance(item, Mapping)
            }
    worker_id, peers = build.workers(connectors, options.url)
    cluster: dict[str, Any] = {}
    if worker_id is not None:
        cluster["worker_id"] = worker_id
    if peers:
        cluster["workers"] = peers
    for key, source in (("cluster_id", "kafka_cluster_id"), ("version", "version"), ("commit", "commit")):
        if isinstance(root.get(source), str) and root[source]:
            cluster[key] = root[source]
    if emulated is not None:
        cluster["kafka_version"] = emulated
    if not tracking[0]:
        cluster["topic_tracking"] = False
    plugins: dict[str, Any] = {}
    if added:
        plugins["add"] = added
    if removed:
        plugins["remove"] = removed
    if plugins:
        cluster["plugins"] = plugins
    data: dict[str, Any] = {
        "version": 1,
        "name": options.name or _default_name(options.url),
        "description": _description(options, len(connectors), len(added)),
        "cluster": cluster,
        "state": state,
    }
    if not options.keep_secrets:
        data = redactor.scrub(data)
    return Recording(data, warnings, redacted=redactor.redacted)


def _plugin_config(reader: Reader, base: Catalog) -> Callable[[dict[str, Any]], str | None]:
    def read(entry: dict[str, Any]) -> str | None:
        answer = reader.get(_path("connector-plugins", entry["class"], "config"))
        keys = build.config_keys(answer.body) if answer.ok else None
        if keys is None:
            entry["config"] = []
            return (
                f"the config definitions of {entry['class']} could not be read (GET .../config answered "
                f"{answer.message()}): the mock lists the plugin with none"
            )
        if entry["type"] in ("source", "sink"):
            keys = build.own_config(keys, base.framework[entry["type"]])
        entry["config"] = keys
        return None

    return read


def _connector(
    reader: Reader, name: str, listed: Any, tracking: list[bool]
) -> tuple[str, dict[str, Any] | None, list[str]]:
    notes: list[str] = []
    info = listed.get("info") if isinstance(listed, Mapping) else None
    status = listed.get("status") if isinstance(listed, Mapping) else None
    if not isinstance(info, Mapping) or not isinstance(info.get("config"), Mapping):
        return name, None, [f"connector {name!r} was left out: the listing has no config for it"]
    tasks = reader.get(_path("connectors", name, "tasks"))
    if tasks.status == 404:
        return name, None, [f"connector {name!r} was left out: it was deleted while the recording ran"]
    if not tasks.ok:
        notes.append(f"connector {name!r}: its task configs could not be read ({tasks.message()})")
    offsets = reader.get(_path("connectors", name, "offsets"))
    if not offsets.ok:
        notes.append(f"connector {name!r}: its offsets could not be read ({offsets.message()})")
    topics: list[str] | None = None
    if tracking[0]:
        answer = reader.get(_path("connectors", name, "topics"))
        body = answer.body
        if answer.ok and isinstance(body, Mapping):
            found = body.get(name)
            listed_topics = found.get("topics") if isinstance(found, Mapping) else None
            topics = [t for t in listed_topics if isinstance(t, str)] if isinstance(listed_topics, list) else []
        elif answer.status in (400, 403) and "disabled" in answer.message().lower():
            tracking[0] = False  # topic.tracking.enable=false: the mock answers the same way
        else:
            notes.append(f"connector {name!r}: its active topics could not be read ({answer.message()})")
    entry = build.connector_entry(
        info,
        status if isinstance(status, Mapping) else None,
        tasks.body if tasks.ok else None,
        offsets.body if offsets.ok else None,
        topics,
    )
    return name, entry, notes


def _default_name(url: str) -> str:
    parts = urlsplit(url)
    return f"recorded-{parts.hostname}-{parts.port or parts.scheme}".replace(".", "-").replace(":", "-")


def _description(options: Options, connectors: int, plugins: int) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    secrets = (
        "secrets kept in clear text (--keep-secrets)"
        if options.keep_secrets
        else f"secrets replaced by {REDACTED}: put test values in their place"
    )
    return (
        f"Recorded by mockconnect record from {options.url} at {when}: {connectors} connectors, "
        f"{plugins} plugins besides the stock ones; {secrets}."
    )


def problems_of(data: Mapping[str, Any]) -> list[str]:
    """What ``mockconnect scenario check`` would say of the recording (empty when it loads)."""
    from mockconnect.mock.scenario import ScenarioError, from_data

    try:
        from_data(dict(data))
    except ScenarioError as exc:
        return [str(problem) for problem in exc.problems]
    return []
