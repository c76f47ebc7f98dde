"""The lifecycle suite: scripted request sequences over every operation's success and error paths.

Each :class:`Step` is one request with the status a worker of the target's Kafka release answers
(from the contract, ``docs/live-findings-3.7.0.md`` and, where releases differ, the recordings in
``tests/live/recorded/kafka-<version>/``), optionally a check of the body, and, where a real
worker acts after it answers, a *wait*: the request is repeated on each target until a predicate
holds (bounded), so that an asynchronous worker and the immediate mock are compared once both
have settled. The steps only ever create connectors in the run's namespace and use the classes
the safety policy allows, so the guard has nothing to rewrite (two steps check that it would).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from mockconnect.conformance.convergence import Convergence
from mockconnect.conformance.normalise import Answer
from mockconnect.conformance.operations import operation_for
from mockconnect.conformance.policy import ABSENT_PACKAGE, HARMLESS_CONNECTOR, SafetyPolicy
from mockconnect.conformance.targets import NO_BODY, Target
from mockconnect.release import Release, get_release
from mockconnect.worker.core import REBALANCE_EXPECTED, REBALANCE_TEXTS

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
MIRROR_SOURCE = "org.apache.kafka.connect.mirror.MirrorSourceConnector"
NO_TOPICS = "Must configure one of topics or topics.regex"
BOTH_TOPICS = "topics and topics.regex are mutually exclusive options, but both are set."

Check = Callable[[Answer], str | None]
"""Returns a problem description, or None when the answer is as expected."""
Ready = Callable[[Answer], bool]


@dataclass
class Step:
    name: str
    method: str
    path: str
    expect: int
    query: str = ""
    body: Any = NO_BODY
    raw: bytes | None = None
    headers: dict[str, str | None] = field(default_factory=dict)
    check: Check | None = None
    wait: Ready | None = None
    timeout: float = 30.0
    needs: str | None = None
    """``write`` (skipped in read-only runs), ``state`` (a read of what earlier writes made, also
    skipped in read-only runs), ``loggers`` (needs --allow-cluster-changes), ``source`` (needs
    FileStreamSource among the allowed classes)."""

    @property
    def operation(self) -> str:
        return operation_for(self.method, self.path)


@dataclass
class Sent:
    """A step's final answer on one target, and how long it took to get there."""

    answer: Answer
    polls: int
    seconds: float
    settled: bool
    problems: list[str]
    refused_while_rebalancing: int = 0
    """Answers sent again because the worker refused the request while a rebalance was expected."""


# -- predicates on answers ---------------------------------------------------------------------


def status_is(code: int) -> Ready:
    return lambda answer: answer.status == code


def connector_state(state: str, tasks: int | None = None, task_state: str | None = None) -> Ready:
    """A status answer whose connector is in ``state`` with ``tasks`` tasks, all in ``task_state``."""

    def ready(answer: Answer) -> bool:
        body = answer.json
        if answer.status != 200 or not isinstance(body, dict):
            return False
        if body.get("connector", {}).get("state") != state:
            return False
        listed = body.get("tasks", [])
        if tasks is not None and len(listed) != tasks:
            return False
        wanted = task_state or state
        return all(task.get("state") == wanted for task in listed)

    return ready


def source_offsets_settled(partition: dict[str, Any], offset: dict[str, Any] | None) -> Ready:
    """A source connector's offsets once the worker's offset store has read its own writes.

    A real worker answers ``PATCH``/``DELETE .../offsets`` when the broker has the records, and
    ``GET .../offsets`` takes the connector's partitions from the worker's shared offset store
    before catching it up: for a moment after a reset the partition is still listed, with
    ``"offset": null``, and after an alter a new partition may be missing. ``offset=None`` waits
    until ``partition`` is gone; otherwise until it is listed with ``offset``.
    """

    def ready(answer: Answer) -> bool:
        body = answer.json
        if answer.status != 200 or not isinstance(body, dict) or not isinstance(body.get("offsets"), list):
            return False
        listed = [entry.get("offset") for entry in body["offsets"] if entry.get("partition") == partition]
        return listed == ([] if offset is None else [offset])

    return ready


def sink_tasks_gone(answer: Answer) -> bool:
    """Whether a sink's offsets request got past the worker's check that its tasks have left the group.

    A real worker reports a stopped sink STOPPED before its tasks' consumers have left the consumer
    group; an alter or reset in that moment is a 500 "... either because its tasks haven't stopped
    completely yet ..." (3.7.0 in CI, after a pause then a stop). A failed attempt changes nothing,
    so the step is sent again until it gets past that check.
    """
    return not (answer.status == 500 and "haven't stopped completely yet" in answer.text)


REBALANCE_WAIT = 15.0
"""How long a step is sent again while the worker refuses it for a rebalance (seconds)."""


def refused_while_rebalancing(answer: Answer) -> bool:
    """Whether a worker refused the request, before acting on it, because a rebalance is expected.

    A real worker answers so for a moment after a config change (500 on the GETs that check, 409 with
    one of three texts on forwarded requests; ``rel.patch.add-key.get`` in 3.9.2, a GET config after a
    PUT in a 4.4.0 CI run). No step expects it, and the request did nothing, so it is sent again.
    """
    if answer.status not in (409, 500):
        return False
    body = answer.json
    text = body.get("message") if isinstance(body, dict) else None
    return text == REBALANCE_EXPECTED if answer.status == 500 else text in REBALANCE_TEXTS.values()


def past_rebalance(send: Callable[[], Answer | None], answer: Answer) -> tuple[Answer, int]:
    """``answer`` or, while it is a refusal because a rebalance is expected, ``send()`` again (50-500 ms
    apart, for up to :data:`REBALANCE_WAIT`; None from ``send`` stops it): the last answer, and how many
    times the request was sent again."""
    began, delay, times = time.monotonic(), 0.05, 0
    while refused_while_rebalancing(answer) and time.monotonic() - began < REBALANCE_WAIT:
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
        again = send()
        if again is None:
            break
        answer, times = again, times + 1
    return answer, times


def has(**expected: Any) -> Check:
    """The JSON body has these top-level values."""

    def check(answer: Answer) -> str | None:
        body = answer.json
        if not isinstance(body, dict):
            return f"expected a JSON object, got {answer.text[:120]!r}"
        wrong = {k: body.get(k) for k, v in expected.items() if body.get(k) != v}
        return f"expected {expected}, got {wrong}" if wrong else None

    return check


def message(*fragments: str) -> Check:
    """An error envelope whose message contains every fragment."""

    def check(answer: Answer) -> str | None:
        body = answer.json
        if not isinstance(body, dict) or "error_code" not in body:
            return f"expected an error envelope, got {answer.text[:120]!r}"
        text = str(body.get("message"))
        missing = [f for f in fragments if f not in text]
        return f"message {text[:200]!r} lacks {missing}" if missing else None

    return check


def length(count: int) -> Check:
    def check(answer: Answer) -> str | None:
        body = answer.json
        size = len(body) if isinstance(body, (list, dict)) else None
        return None if size == count else f"expected {count} entries, got {size}"

    return check


def owned(prefix: str, count: int) -> Check:
    """A connector list with ``count`` names of the run (others are the target's own business)."""

    def check(answer: Answer) -> str | None:
        body = answer.json
        names = [n for n in body if isinstance(n, str) and n.startswith(prefix)] if isinstance(body, list) else None
        return None if names is not None and len(names) == count else f"expected {count} connectors of the run"

    return check


def no_body(answer: Answer) -> str | None:
    return None if answer.text == "" else f"expected no body, got {answer.text[:80]!r}"


# -- the script ----------------------------------------------------------------------------------


class Script:
    """Collects steps with short helpers; connector names are given without the run prefix."""

    def __init__(self, policy: SafetyPolicy, source_allowed: bool, release: Release) -> None:
        self.policy = policy
        self.release = release
        """The Kafka release the target runs: the steps expect what its worker answers."""
        self.prefix = policy.prefix
        self.absent_class = f"{ABSENT_PACKAGE}{self.prefix.replace('-', '')}.NoSuchConnector"
        """A connector class no worker has, new to every run: from 4.1 a worker remembers each class it
        failed to load and answers the next lookup otherwise (a fresh mock would not know a past run's)."""
        self.source_allowed = source_allowed
        self.steps: list[Step] = []
        self.stateful = False
        """Reads added now depend on connectors earlier writes made (skipped in read-only runs)."""

    def name(self, short: str) -> str:
        return self.prefix + short

    def c(self, short: str, tail: str = "") -> str:
        """The encoded path of connector ``short`` (plus ``tail``)."""
        return "/connectors/" + quote(self.name(short), safe="") + tail

    def sink(self, short: str, **extra: Any) -> dict[str, Any]:
        config: dict[str, Any] = {
            "connector.class": HARMLESS_CONNECTOR,
            "topics": self.name("topic"),
            "file": self.policy.file_path,
            "tasks.max": "1",
        }
        config.update(extra)
        return {k: v for k, v in config.items() if v is not None}

    def source(self, **extra: Any) -> dict[str, Any]:
        config: dict[str, Any] = {
            "connector.class": FILE_SOURCE,
            "topic": self.name("source-topic"),
            "file": self.policy.file_path,
            "tasks.max": "1",
        }
        config.update(extra)
        return {k: v for k, v in config.items() if v is not None}

    def add(self, name: str, method: str, path: str, expect: int, **kwargs: Any) -> None:
        if any(step.name == name for step in self.steps):
            raise ValueError(f"duplicate lifecycle step name {name}")
        needs = kwargs.pop("needs", None)
        if needs is None and method not in ("GET", "HEAD", "OPTIONS"):
            needs = "write"
        elif needs is None and self.stateful:
            needs = "state"
        self.steps.append(Step(name, method, path, expect, needs=needs, **kwargs))

    def tasks_config(self, name: str, short: str, count: int) -> None:
        """GET .../tasks-config: ``count`` task configs, or the routing 404 where the release dropped it (4.0)."""
        if "getTasksConfig" in self.release.absent_operations:
            self.add(name, "GET", self.c(short, "/tasks-config"), 404, check=message("HTTP 404 Not Found"))
        else:
            self.add(name, "GET", self.c(short, "/tasks-config"), 200, check=length(count))

    def sink_topics_problem(self, name: str, method: str, path: str, body: Any, problem: str, **kwargs: Any) -> None:
        """A sink config whose ``topics``/``topics.regex`` are wrong (``problem`` is Kafka's text).

        From 3.7 the worker reports it as a validation error: 200 with errors from validate, 400
        "Connector configuration is invalid" on create and PUT. 3.6 throws SinkConnectorConfig's
        ConfigException out of validation: 500 with its text, prefixed with the exception class on
        validate (kafka-3.6.2/probes.json ``validate.file-sink-no-topics``, ``body.sink-no-topics``).
        """
        validate = path.endswith("/config/validate")
        if self.release.has("sink_config_exception"):
            text = ("org.apache.kafka.common.config.ConfigException: " if validate else "") + problem
            self.add(name, method, path, 500, body=body, check=message(text), **kwargs)
        elif validate:
            self.add(name, method, path, 200, body=body, **kwargs)
        else:
            self.add(
                name,
                method,
                path,
                400,
                body=body,
                check=message("Connector configuration is invalid", problem),
                **kwargs,
            )

    def settle(self, name: str, short: str, ready: Ready, **kwargs: Any) -> None:
        """A status read, repeated until ``ready``: the worker has acted on the previous step."""
        self.add(name, "GET", self.c(short, "/status"), 200, wait=ready, needs="write", **kwargs)


def build_steps(policy: SafetyPolicy, *, source_allowed: bool = False, release: Release | None = None) -> list[Step]:
    """Every step of the suite, in order (the runner skips what the run's options do not allow).

    ``release`` is the Kafka release the target runs (default: the mock's default release); a few
    steps expect what differs between releases (a gone endpoint, a new one, Jetty 12's refusals)."""
    s = Script(policy, source_allowed, release or get_release())
    for section, stateful in (
        (_root_and_plugins, False),
        (_validation, False),
        (_listing, False),
        (_create_errors, False),
        (_sink_lifecycle, True),
        (_restarts, True),
        (_pause_resume_stop, True),
        (_offsets, True),
        (_unknown_connector, False),
        (_routing, False),
        (_put_config, True),
        (_initial_state, True),
        (_source, True),
        (_config_errors, False),
        (_loggers, False),
        (_guard, True),
        (_teardown, True),
    ):
        s.stateful = stateful
        section(s)
    return s.steps


def _root_and_plugins(s: Script) -> None:
    s.add("root.get", "GET", "/", 200, check=has(version=s.release.version))
    s.add("root.accept-text", "GET", "/", 406, headers={"Accept": "text/plain"})
    s.add("root.content-type-text", "GET", "/", 200, headers={"Content-Type": "text/plain"})
    s.add("plugins.list", "GET", "/connector-plugins", 200)
    s.add("plugins.list.all", "GET", "/connector-plugins", 200, query="connectorsOnly=false")
    s.add("plugins.list.abc", "GET", "/connector-plugins", 200, query="connectorsOnly=abc")
    s.add("plugins.list.TRUE", "GET", "/connector-plugins", 200, query="connectorsOnly=TRUE")
    s.add("plugins.list.empty", "GET", "/connector-plugins", 200, query="connectorsOnly=")
    s.add("plugins.list.accept-xml", "GET", "/connector-plugins", 406, headers={"Accept": "application/xml"})
    s.add("plugins.list.content-type-text", "GET", "/connector-plugins", 415, headers={"Content-Type": "text/plain"})
    for plugin in (
        "FileStreamSink",
        HARMLESS_CONNECTOR,
        "FileStreamSinkConnector",
        "FileStreamSource",
        "MirrorSourceConnector",
        "org.apache.kafka.connect.transforms.Cast$Value",
        "RegexRouter",
        "JsonConverter",
        "StringConverter",
        "HasHeaderKey",
    ):
        s.add(f"plugins.config.{plugin}", "GET", f"/connector-plugins/{quote(plugin, safe='$')}/config", 200)
    s.add("plugins.config.trailing-slash", "GET", "/connector-plugins/FileStreamSink/config/", 200)
    s.add(
        "plugins.config.absent",
        "GET",
        f"/connector-plugins/{s.absent_class}/config",
        404,
        check=message(f"Unknown plugin {s.absent_class}."),
    )
    s.add("plugins.config.unknown-alias", "GET", "/connector-plugins/NoSuchPlugin/config", 404)
    s.add("plugins.config.post", "POST", "/connector-plugins/FileStreamSink/config", 405)
    s.add("plugins.unknown-route", "GET", "/connector-plugins/FileStreamSink", 404)


def _validation(s: Script) -> None:
    path = "/connector-plugins/FileStreamSink/config/validate"
    valid = {**s.sink("v"), "name": s.name("v")}
    s.add("validate.valid", "PUT", path, 200, body=valid, check=has(error_count=0))
    s.sink_topics_problem("validate.no-topics", "PUT", path, _without(valid, "topics"), NO_TOPICS)
    s.add("validate.no-name", "PUT", path, 200, body=_without(valid, "name"), check=has(error_count=1))
    s.add("validate.bad-tasks-max", "PUT", path, 200, body={**valid, "tasks.max": "many"})
    s.add("validate.zero-tasks-max", "PUT", path, 200, body={**valid, "tasks.max": "0"}, check=has(error_count=1))
    s.add(
        "validate.absent-transform",
        "PUT",
        path,
        200,
        body={**valid, "transforms": "t", "transforms.t.type": ABSENT_PACKAGE + "Nope"},
    )
    s.add(
        "validate.transform",
        "PUT",
        path,
        200,
        body={
            **valid,
            "transforms": "route",
            "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
            "transforms.route.regex": "(.*)",
            "transforms.route.replacement": "$1",
        },
    )
    s.add("validate.bad-errors-tolerance", "PUT", path, 200, body={**valid, "errors.tolerance": "some"})
    s.add("validate.numbers-coerced", "PUT", path, 200, body={**valid, "tasks.max": 1}, check=has(error_count=0))
    s.add(
        "validate.type-mismatch",
        "PUT",
        "/connector-plugins/FileStreamSource/config/validate",
        400,
        body=valid,
        check=message("does not match request type FileStreamSource"),
    )
    s.add(
        "validate.no-class",
        "PUT",
        path,
        500,
        body=_without(valid, "connector.class"),
        check=message("contains no connector type"),
    )
    s.add(
        "validate.absent-class",
        "PUT",
        "/connector-plugins/NoSuchConnector/config/validate",
        500,
        body={**valid, "connector.class": s.absent_class},
        check=message("Failed to find any class that implements Connector"),
    )
    s.add("validate.empty-body", "PUT", path, 500, raw=b"", headers={"Content-Type": "application/json"})
    s.add("validate.malformed", "PUT", path, 500, raw=b'{"name": ', headers={"Content-Type": "application/json"})
    s.add("validate.array", "PUT", path, 500, body=[valid])
    s.add("validate.nested", "PUT", path, 500, body={**valid, "nested": {"a": 1}})
    s.add("validate.text-plain", "PUT", path, 415, raw=b"{}", headers={"Content-Type": "text/plain"})
    s.add(
        "validate.source",
        "PUT",
        "/connector-plugins/FileStreamSource/config/validate",
        200,
        body={
            "connector.class": FILE_SOURCE,
            "name": s.name("vs"),
            "topic": s.name("source-topic"),
            "file": s.policy.file_path,
        },
        check=has(error_count=0),
    )
    s.add(
        "validate.mirror-source",
        "PUT",
        "/connector-plugins/MirrorSourceConnector/config/validate",
        200,
        body={"connector.class": MIRROR_SOURCE, "name": s.name("mm")},
    )
    s.add("validate.get", "GET", path, 405)


def _without(config: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k not in keys}


def _listing(s: Script) -> None:
    s.add("list.empty", "GET", "/connectors", 200)
    for query in ("expand=status", "expand=info", "expand=status&expand=info", "expand=foo", "expand", "expand="):
        s.add(f"list.empty.{query}", "GET", "/connectors", 200, query=query)
    s.add("list.accept-html", "GET", "/connectors", 406, headers={"Accept": "text/html"})
    s.add("list.content-type-text", "GET", "/connectors", 415, headers={"Content-Type": "text/plain"})
    s.add("list.delete", "DELETE", "/connectors", 405)
    s.add("list.put", "PUT", "/connectors", 405, body={})


def absent_class(s: Script) -> int:
    """Creating or replacing with a class no plugin has: 500 until 4.1 made it a bad request (KIP-891)."""
    return 400 if s.release.has("plugin_versions") else 500


def _create_errors(s: Script) -> None:
    sink = s.sink("bad")
    json_header = {"Content-Type": "application/json"}
    s.add("create.empty-body", "POST", "/connectors", 500, raw=b"", headers=json_header)
    s.add("create.malformed", "POST", "/connectors", 500, raw=b'{"name": ', headers=json_header)
    s.add("create.null", "POST", "/connectors", 500, body=None)
    s.add("create.no-config", "POST", "/connectors", 500, body={"name": s.name("bad")})
    s.add("create.unknown-field", "POST", "/connectors", 500, body={"name": s.name("bad"), "config": sink, "x": 1})
    s.add(
        "create.no-class",
        "POST",
        "/connectors",
        400,
        body={"name": s.name("bad"), "config": _without(sink, "connector.class")},
        check=message("contains no connector type"),
    )
    s.add(
        "create.name-mismatch",
        "POST",
        "/connectors",
        400,
        body={"name": s.name("bad"), "config": {**sink, "name": s.name("other")}},
        check=message("doesn't match connector name in the URL"),
    )
    s.add(
        "create.absent-class",
        "POST",
        "/connectors",
        absent_class(s),
        body={"name": s.name("bad"), "config": {**sink, "connector.class": s.absent_class}},
        check=message("Failed to find any class that implements Connector"),
    )
    s.sink_topics_problem(
        "create.invalid", "POST", "/connectors", {"name": s.name("bad"), "config": _without(sink, "topics")}, NO_TOPICS
    )
    s.add(
        "create.bad-initial-state",
        "POST",
        "/connectors",
        500,
        body={"name": s.name("bad"), "config": sink, "initial_state": "SLEEPING"},
    )
    s.add("create.config-array", "POST", "/connectors", 500, body={"name": s.name("bad"), "config": [sink]})
    s.add(
        "create.text-plain",
        "POST",
        "/connectors",
        415,
        raw=b'{"name": "x"}',
        headers={"Content-Type": "text/plain"},
    )
    s.add("create.blank-name", "POST", "/connectors", 400, body={"name": "   ", "config": sink})
    s.add("create.get-bad", "GET", s.c("bad"), 404, check=message(f"Connector {s.name('bad')} not found"))


def _sink_lifecycle(s: Script) -> None:
    sink = s.sink("sink")
    s.add(
        "sink.create",
        "POST",
        "/connectors",
        201,
        body={"name": s.name("sink"), "config": sink},
        check=has(name=s.name("sink"), tasks=[], type="sink"),
    )
    s.settle("sink.running", "sink", connector_state("RUNNING", 1))
    s.add("sink.create-again", "POST", "/connectors", 409, body={"name": s.name("sink"), "config": sink})
    s.add(
        "sink.create-again-padded",
        "POST",
        "/connectors",
        409,
        body={"name": f"  {s.name('sink')}  ", "config": sink},
        check=message("already exists"),
    )
    s.sink_topics_problem(
        "sink.create-again-invalid",
        "POST",
        "/connectors",
        {"name": s.name("sink"), "config": _without(sink, "topics")},
        NO_TOPICS,
    )
    s.add("sink.get", "GET", s.c("sink"), 200, check=has(type="sink"))
    s.add("sink.config", "GET", s.c("sink", "/config"), 200)
    s.add("sink.status", "GET", s.c("sink", "/status"), 200)
    s.add("sink.tasks", "GET", s.c("sink", "/tasks"), 200, check=length(1))
    s.tasks_config("sink.tasks-config", "sink", 1)
    s.add("sink.task0.status", "GET", s.c("sink", "/tasks/0/status"), 200, check=has(id=0, state="RUNNING"))
    s.add("sink.task1.status", "GET", s.c("sink", "/tasks/1/status"), 404)
    s.add("sink.task-minus1.status", "GET", s.c("sink", "/tasks/-1/status"), 404)
    s.add("sink.task-plus1.status", "GET", s.c("sink", "/tasks/+0/status"), 200)
    s.add("sink.task-abc.status", "GET", s.c("sink", "/tasks/abc/status"), 404, check=message("HTTP 404 Not Found"))
    s.add("sink.task-overflow.status", "GET", s.c("sink", "/tasks/2147483648/status"), 404)
    s.add("sink.list", "GET", "/connectors", 200, check=owned(s.prefix, 1))
    for query in ("expand=status", "expand=info", "expand=status&expand=info", "expand=foo", "expand=STATUS"):
        s.add(f"sink.list.{query}", "GET", "/connectors", 200, query=query)
    s.add("sink.topics", "GET", s.c("sink", "/topics"), 200)
    s.add("sink.topics-reset", "PUT", s.c("sink", "/topics/reset"), 202, check=no_body)
    s.add("sink.put-same", "PUT", s.c("sink", "/config"), 200, body=sink)
    s.settle("sink.put-same.running", "sink", connector_state("RUNNING", 1))
    s.add("sink.put-two-tasks", "PUT", s.c("sink", "/config"), 200, body={**sink, "tasks.max": "2"})
    s.settle("sink.two-tasks.running", "sink", connector_state("RUNNING", 2))
    s.add("sink.two-tasks.tasks", "GET", s.c("sink", "/tasks"), 200, check=length(2))
    s.add("sink.two-tasks.get", "GET", s.c("sink"), 200)
    s.tasks_config("sink.two-tasks.tasks-config", "sink", 2)
    s.add("sink.task1.restart", "POST", s.c("sink", "/tasks/1/restart"), 204, check=no_body)
    s.settle("sink.task1.restart.running", "sink", connector_state("RUNNING", 2))
    s.add("sink.task5.restart", "POST", s.c("sink", "/tasks/5/restart"), 404, check=message("Unknown task"))
    s.add("sink.task-abc.restart", "POST", s.c("sink", "/tasks/abc/restart"), 404)
    s.add("sink.task-restart.get", "GET", s.c("sink", "/tasks/0/restart"), 405)


def _restarts(s: Script) -> None:
    running = connector_state("RUNNING", 2)
    s.add("restart.plain", "POST", s.c("sink", "/restart"), 204, check=no_body)
    s.settle("restart.plain.running", "sink", running)
    cases = (
        ("include-tasks", "includeTasks=true", 202),
        ("only-failed", "onlyFailed=true", 202),
        ("both", "includeTasks=true&onlyFailed=true", 202),
        ("both-false", "includeTasks=false&onlyFailed=false", 204),
        ("yes-is-false", "includeTasks=yes", 204),
        ("TRUE", "includeTasks=TRUE", 202),
    )
    for label, query, code in cases:
        s.add(f"restart.{label}", "POST", s.c("sink", "/restart"), code, query=query)
        s.settle(f"restart.{label}.running", "sink", running)


def _pause_resume_stop(s: Script) -> None:
    s.add("state.pause", "PUT", s.c("sink", "/pause"), 202, check=no_body)
    s.settle("state.paused", "sink", connector_state("PAUSED", 2))
    s.add("state.pause-again", "PUT", s.c("sink", "/pause"), 202)
    s.add("state.paused.get", "GET", s.c("sink"), 200)
    s.add("state.paused.list-status", "GET", "/connectors", 200, query="expand=status")
    s.add("state.paused.restart", "POST", s.c("sink", "/restart"), 204)
    s.settle("state.paused.restart.paused", "sink", connector_state("PAUSED", 2))
    s.add("state.resume", "PUT", s.c("sink", "/resume"), 202, check=no_body)
    s.settle("state.resumed", "sink", connector_state("RUNNING", 2))
    s.add("state.resume-again", "PUT", s.c("sink", "/resume"), 202)
    s.add("state.stop", "PUT", s.c("sink", "/stop"), 204, check=no_body)
    s.settle("state.stopped", "sink", connector_state("STOPPED", 0))
    s.add("state.stop-again", "PUT", s.c("sink", "/stop"), 204)
    s.add("state.stopped.get", "GET", s.c("sink"), 200, check=has(tasks=[]))
    s.add("state.stopped.tasks", "GET", s.c("sink", "/tasks"), 200, check=length(0))
    s.tasks_config("state.stopped.tasks-config", "sink", 0)
    s.add("state.stopped.task0", "GET", s.c("sink", "/tasks/0/status"), 404)
    s.add("state.stopped.pause", "PUT", s.c("sink", "/pause"), 202)
    s.settle("state.stopped.paused", "sink", connector_state("PAUSED", 0))
    s.add("state.stopped.stop", "PUT", s.c("sink", "/stop"), 204)
    s.settle("state.stopped.stopped", "sink", connector_state("STOPPED", 0))


def _offsets(s: Script) -> None:
    topic = s.name("topic")
    path = s.c("sink", "/offsets")
    partition = {"kafka_topic": topic, "kafka_partition": 0}
    s.add("offsets.sink.get", "GET", path, 200)
    s.add("offsets.sink.patch-empty-body", "PATCH", path, 500, raw=b"", headers={"Content-Type": "application/json"})
    s.add("offsets.sink.patch-empty-list", "PATCH", path, 400, body={"offsets": []}, check=message("need to be"))
    s.add(
        "offsets.sink.patch-malformed",
        "PATCH",
        path,
        500,
        raw=b'{"offsets": [',
        headers={"Content-Type": "application/json"},
    )
    s.add(
        "offsets.sink.patch-no-partition-key",
        "PATCH",
        path,
        400,
        body={"offsets": [{"partition": {"kafka_topic": topic}, "offset": {"kafka_offset": 1}}]},
        check=message("kafka_topic", "kafka_partition"),
    )
    s.add(
        "offsets.sink.patch-bad-offset-key",
        "PATCH",
        path,
        400,
        body={"offsets": [{"partition": partition, "offset": {"position": 1}}]},
    )
    s.add(
        "offsets.sink.patch",
        "PATCH",
        path,
        200,
        body={"offsets": [{"partition": partition, "offset": {"kafka_offset": 5}}]},
        wait=sink_tasks_gone,
    )
    s.add("offsets.sink.after-patch", "GET", path, 200)
    s.add(
        "offsets.sink.patch-null",
        "PATCH",
        path,
        200,
        body={"offsets": [{"partition": partition, "offset": None}]},
    )
    s.add("offsets.sink.after-null", "GET", path, 200)
    s.add(
        "offsets.sink.patch-again",
        "PATCH",
        path,
        200,
        body={"offsets": [{"partition": partition, "offset": {"kafka_offset": 7}}]},
    )
    s.add("offsets.sink.reset", "DELETE", path, 200)
    s.add("offsets.sink.after-reset", "GET", path, 200)
    s.add("offsets.sink.reset-again", "DELETE", path, 200)
    s.add(
        "offsets.sink.patch-negative",
        "PATCH",
        path,
        500,
        body={"offsets": [{"partition": partition, "offset": {"kafka_offset": -1}}]},
    )
    s.add(
        "offsets.sink.patch-text-plain",
        "PATCH",
        path,
        415,
        raw=b'{"offsets": []}',
        headers={"Content-Type": "text/plain"},
    )
    s.add("offsets.sink.put", "PUT", path, 405, body={"offsets": []})
    s.add("offsets.resume", "PUT", s.c("sink", "/resume"), 202)
    s.settle("offsets.resumed", "sink", connector_state("RUNNING", 2))
    s.add(
        "offsets.running.patch",
        "PATCH",
        path,
        400,
        body={"offsets": [{"partition": partition, "offset": {"kafka_offset": 1}}]},
        check=message("must be in the STOPPED state"),
    )
    s.add("offsets.running.reset", "DELETE", path, 400, check=message("must be in the STOPPED state"))


def _unknown_connector(s: Script) -> None:
    nope = s.name("nope")
    for label, method, tail, code, text in (
        ("get", "GET", "", 404, f"Connector {nope} not found"),
        ("config", "GET", "/config", 404, f"Connector {nope} not found"),
        ("status", "GET", "/status", 404, f"No status found for connector {nope}"),
        ("tasks", "GET", "/tasks", 404, f"Connector {nope} not found"),
        (
            "tasks-config",
            "GET",
            "/tasks-config",
            404,
            "HTTP 404 Not Found" if "getTasksConfig" in s.release.absent_operations else f"Connector {nope} not found",
        ),
        ("task-status", "GET", "/tasks/0/status", 404, f"No status found for task {nope}-0"),
        ("restart", "POST", "/restart", 404, f"Unknown connector: {nope}"),
        ("pause", "PUT", "/pause", 404, f"Unknown connector {nope}"),
        ("resume", "PUT", "/resume", 404, f"Unknown connector {nope}"),
        ("stop", "PUT", "/stop", 404, f"Unknown connector {nope}"),
        ("task-restart", "POST", "/tasks/0/restart", 404, f"Unknown connector: {nope}"),
        ("delete", "DELETE", "", 404, f"Connector {nope} not found"),
        ("offsets", "GET", "/offsets", 404, f"Connector {nope} not found"),
        ("offsets-reset", "DELETE", "/offsets", 404, f"Connector {nope} not found"),
    ):
        s.add(f"unknown.{label}", method, s.c("nope", tail), code, check=message(text))
    s.add("unknown.restart-plan", "POST", s.c("nope", "/restart"), 404, query="includeTasks=true")
    s.add(
        "unknown.offsets-patch",
        "PATCH",
        s.c("nope", "/offsets"),
        404,
        body={"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": 1}}]},
    )
    s.add("unknown.topics", "GET", s.c("nope", "/topics"), 200)
    s.add("unknown.topics-reset", "PUT", s.c("nope", "/topics/reset"), 202)


def _routing(s: Script) -> None:
    s.add("route.unknown-path", "GET", "/nothing-here", 404, check=message("HTTP 404 Not Found"))
    s.add("route.unknown-subresource", "GET", s.c("sink", "/bogus"), 404)
    s.add("route.status.accept-text", "GET", s.c("sink", "/status"), 406, headers={"Accept": "text/plain"})
    s.add("route.pause.text-plain", "PUT", s.c("sink", "/pause"), 415, headers={"Content-Type": "text/plain"})
    s.add("route.topics-reset.get", "GET", s.c("sink", "/topics/reset"), 405)
    s.add("route.restart.get", "GET", s.c("sink", "/restart"), 405)
    s.add("route.pause.post", "POST", s.c("sink", "/pause"), 405)
    patched = 200 if s.release.has("patch_config") else 405  # PATCH config came in 3.8
    s.add("route.config.patch", "PATCH", s.c("sink", "/config"), patched, body={"tasks.max": "1"})
    s.add("route.internal.tasks", "POST", s.c("sink", "/tasks"), 400, body=[], check=message("signature"))
    s.add("route.internal.fence", "PUT", s.c("sink", "/fence"), 400, check=message("signature"))
    s.add("route.options", "OPTIONS", "/connectors", 200)
    s.add("route.head", "HEAD", "/connectors", 200)
    refused = 400 if s.release.has("ambiguous_uris_refused") else 404  # Jetty 12 (4.0) refuses empty segments
    s.add("route.double-slash", "GET", "/connectors//status", refused)


def _put_config(s: Script) -> None:
    config = s.sink("put")
    path = s.c("put", "/config")
    s.add("put.create", "PUT", path, 201, body=config, check=has(name=s.name("put")))
    s.settle("put.running", "put", connector_state("RUNNING", 1))
    s.add("put.replace", "PUT", path, 200, body=config)
    s.settle("put.replace.running", "put", connector_state("RUNNING", 1))
    s.add("put.name-mismatch", "PUT", path, 400, body={**config, "name": s.name("other")})
    s.add("put.no-class", "PUT", path, 400, body=_without(config, "connector.class"))
    s.add("put.absent-class", "PUT", path, absent_class(s), body={**config, "connector.class": s.absent_class})
    s.sink_topics_problem("put.invalid", "PUT", path, _without(config, "topics"), NO_TOPICS)
    s.add("put.empty-body", "PUT", path, 500, raw=b"", headers={"Content-Type": "application/json"})
    s.add("put.create-shape", "PUT", path, 500, body={"name": s.name("put"), "config": config})
    s.add("put.scalars", "PUT", path, 200, body={**config, "tasks.max": 1})
    s.settle("put.scalars.running", "put", connector_state("RUNNING", 1))
    s.add("put.initial-state-key", "PUT", path, 200, body={**config, "initial_state": "PAUSED"})
    s.settle("put.initial-state-key.running", "put", connector_state("RUNNING", 1))
    s.add("put.config-after", "GET", path, 200)
    s.add("put.blank-name", "PUT", "/connectors/%20/config", 400, body=config)
    s.add("put.delete", "DELETE", s.c("put"), 204, check=no_body)
    s.add("put.deleted.get", "GET", s.c("put"), 404)
    s.add("put.deleted.status", "GET", s.c("put", "/status"), 404, wait=status_is(404))
    s.add("put.deleted.topics", "GET", s.c("put", "/topics"), 200)
    s.add("put.delete-again", "DELETE", s.c("put"), 404)


def _initial_state(s: Script) -> None:
    if not s.release.has("initial_state"):
        _initial_state_refused(s)
        return
    for label, state, settled in (
        ("paused", "PAUSED", connector_state("PAUSED", 0)),
        ("stopped", "STOPPED", connector_state("STOPPED", 0)),
        ("running", "RUNNING", connector_state("RUNNING", 1)),
        ("lower-paused", "paused", connector_state("PAUSED", 0)),
    ):
        short = f"init-{label}"
        s.add(
            f"initial.{label}.create",
            "POST",
            "/connectors",
            201,
            body={"name": s.name(short), "config": s.sink(short), "initial_state": state},
        )
        s.settle(f"initial.{label}.settled", short, settled)
        s.add(f"initial.{label}.tasks", "GET", s.c(short, "/tasks"), 200)
    s.add("initial.stopped.offsets", "GET", s.c("init-stopped", "/offsets"), 200, check=has(offsets=[]))
    s.add("initial.paused.resume", "PUT", s.c("init-paused", "/resume"), 202)
    s.settle("initial.paused.resumed", "init-paused", connector_state("RUNNING", 1))
    s.add("initial.stopped.resume", "PUT", s.c("init-stopped", "/resume"), 202)
    s.settle("initial.stopped.resumed", "init-stopped", connector_state("RUNNING", 1))
    s.add(
        "initial.null.create",
        "POST",
        "/connectors",
        201,
        body={"name": s.name("init-null"), "config": s.sink("init-null"), "initial_state": None},
    )
    s.settle("initial.null.settled", "init-null", connector_state("RUNNING", 1))
    for short in ("init-paused", "init-stopped", "init-running", "init-lower-paused", "init-null"):
        s.add(f"initial.delete.{short}", "DELETE", s.c(short), 204)


def _initial_state_refused(s: Script) -> None:
    """Before 3.7 (KIP-980) a create request has only ``name`` and ``config``: Jackson refuses the field.

    Whatever its value, even null, the create is a 500 and nothing is created, so every follow-up is
    a 404 (kafka-3.6.2/probes.json ``body.initial-state-bogus``, ``initial-state.*``).
    """
    refused = message(
        'Unrecognized field "initial_state" (class org.apache.kafka.connect.runtime.rest.entities.'
        'CreateConnectorRequest), not marked as ignorable (2 known properties: "config", "name"])'
    )
    forms = (("paused", "PAUSED"), ("stopped", "STOPPED"), ("running", "RUNNING"), ("lower-paused", "paused"))
    for label, state in (*forms, ("null", None)):
        short = f"init-{label}"
        body = {"name": s.name(short), "config": s.sink(short), "initial_state": state}
        s.add(f"initial.{label}.create", "POST", "/connectors", 500, body=body, check=refused)
        s.add(
            f"initial.{label}.status",
            "GET",
            s.c(short, "/status"),
            404,
            check=message(f"No status found for connector {s.name(short)}"),
            needs="write",
        )
        s.add(
            f"initial.{label}.tasks",
            "GET",
            s.c(short, "/tasks"),
            404,
            check=message(f"Connector {s.name(short)} not found"),
        )
    s.add("initial.stopped.offsets", "GET", s.c("init-stopped", "/offsets"), 404)
    s.add("initial.paused.resume", "PUT", s.c("init-paused", "/resume"), 404, check=message("Unknown connector"))
    s.add("initial.list", "GET", "/connectors", 200, check=owned(s.prefix, 1))  # the sink of the earlier sections
    for short in ("init-paused", "init-stopped", "init-running", "init-lower-paused", "init-null"):
        s.add(
            f"initial.delete.{short}", "DELETE", s.c(short), 404, check=message(f"Connector {s.name(short)} not found")
        )


def _source(s: Script) -> None:
    path = s.c("src", "/offsets")
    source_file = s.policy.file_path
    partition = {"filename": source_file}
    kw = {"needs": "source"}
    s.add("source.create", "POST", "/connectors", 201, body={"name": s.name("src"), "config": s.source()}, **kw)
    s.add("source.running", "GET", s.c("src", "/status"), 200, wait=connector_state("RUNNING", 1), **kw)
    s.add("source.get", "GET", s.c("src"), 200, check=has(type="source"), **kw)
    s.add("source.tasks", "GET", s.c("src", "/tasks"), 200, **kw)
    s.add("source.stop", "PUT", s.c("src", "/stop"), 204, **kw)
    s.add("source.stopped", "GET", s.c("src", "/status"), 200, wait=connector_state("STOPPED", 0), **kw)
    s.add("source.offsets", "GET", path, 200, **kw)
    s.add(
        "source.offsets.patch",
        "PATCH",
        path,
        200,
        body={"offsets": [{"partition": partition, "offset": {"position": 5}}]},
        **kw,
    )
    s.add(
        "source.offsets.after-patch",
        "GET",
        path,
        200,
        wait=source_offsets_settled(partition, {"position": 5}),
        **kw,
    )
    s.add(
        "source.offsets.patch-bad-position",
        "PATCH",
        path,
        500,
        body={"offsets": [{"partition": partition, "offset": {"position": "five"}}]},
        **kw,
    )
    s.add(
        "source.offsets.patch-bad-partition",
        "PATCH",
        path,
        500,
        body={"offsets": [{"partition": {"file": source_file}, "offset": {"position": 1}}]},
        **kw,
    )
    s.add("source.offsets.reset", "DELETE", path, 200, **kw)
    s.add("source.offsets.after-reset", "GET", path, 200, wait=source_offsets_settled(partition, None), **kw)
    s.add("source.delete", "DELETE", s.c("src"), 204, **kw)


def _config_errors(s: Script) -> None:
    cases: tuple[tuple[str, dict[str, Any]], ...] = (
        ("tasks-max-zero", {"tasks.max": "0"}),
        ("tasks-max-text", {"tasks.max": "many"}),
        ("undefined-transform", {"transforms": "t"}),
        ("absent-transform", {"transforms": "t", "transforms.t.type": ABSENT_PACKAGE + "Nope"}),
        ("bad-errors-tolerance", {"errors.tolerance": "some"}),
        ("topics-and-regex", {"topics.regex": s.name("regex.*")}),
        ("absent-converter", {"value.converter": ABSENT_PACKAGE + "NopeConverter"}),
        ("control-char-name", {}),
    )
    for label, extra in cases:
        name = s.name("cfg" + ("\u0001x" if label == "control-char-name" else ""))
        body = {"name": name, "config": s.sink("cfg", **extra)}
        if label == "topics-and-regex":
            s.sink_topics_problem(f"config-error.{label}", "POST", "/connectors", body, BOTH_TOPICS)
            continue
        s.add(
            f"config-error.{label}",
            "POST",
            "/connectors",
            400,
            body=body,
            check=message("Connector configuration is invalid"),
        )
    s.add("config-error.none-created", "GET", s.c("cfg"), 404)


def _loggers(s: Script) -> None:
    s.add("loggers.list", "GET", "/admin/loggers", 200)
    for label, name, code in (
        ("root", "root", 200),
        ("ROOT", "ROOT", 200),
        ("reflections", "org.reflections", 200 if "org.reflections" in s.release.default_loggers else 404),
        ("worker-class", "org.apache.kafka.connect.runtime.Worker", 200),
        ("unknown", "mockconnect.conformance.never.logged", 404),
    ):
        s.add(f"loggers.get.{label}", "GET", f"/admin/loggers/{name}", code)
    s.add("loggers.accept-text", "GET", "/admin/loggers", 406, headers={"Accept": "text/plain"})
    s.add("loggers.post", "POST", "/admin/loggers", 405, needs="loggers")
    own = "mockconnect.conformance." + s.prefix.rstrip("-").replace("-", "_")
    path = f"/admin/loggers/{own}"
    kw = {"needs": "loggers"}
    s.add("loggers.set", "PUT", path, 200, body={"level": "DEBUG"}, check=length(1), **kw)
    s.add("loggers.set.get", "GET", path, 200, check=has(level="DEBUG"), **kw)
    s.add("loggers.set.same", "PUT", path, 200, body={"level": "DEBUG"}, **kw)
    s.add("loggers.set.lower", "PUT", path, 200, body={"level": "warn"}, **kw)
    s.add("loggers.set.lower.get", "GET", path, 200, check=has(level="WARN"), **kw)
    s.add("loggers.set.child", "PUT", path + ".child", 200, body={"level": "ERROR"}, **kw)
    s.add("loggers.set.parent-again", "PUT", path, 200, body={"level": "INFO"}, check=length(2), **kw)
    s.add("loggers.set.bad-level", "PUT", path, 404, body={"level": "LOUD"}, check=message("invalid log level"), **kw)
    s.add("loggers.set.no-level", "PUT", path, 400, body={"lvl": "INFO"}, **kw)
    s.add("loggers.set.empty-body", "PUT", path, 500, raw=b"", headers={"Content-Type": "application/json"}, **kw)
    s.add("loggers.set.scope-unknown", "PUT", path, 200, query="scope=galaxy", body={"level": "INFO"}, **kw)
    s.add("loggers.set.text-plain", "PUT", path, 415, raw=b"{}", headers={"Content-Type": "text/plain"}, **kw)


def _guard(s: Script) -> None:
    # The guard puts a name outside the namespace into it: the request still succeeds, on a name of the run.
    s.add(
        "guard.create-outside-name",
        "POST",
        "/connectors",
        201,
        body={"name": "victim", "config": s.sink("victim")},
        check=has(name=s.name("victim")),
    )
    s.settle("guard.created-inside", "victim", connector_state("RUNNING", 1))
    s.add("guard.delete-outside-name", "DELETE", "/connectors/victim", 204)
    s.add("guard.deleted", "GET", s.c("victim"), 404)


def _teardown(s: Script) -> None:
    s.add("teardown.delete-sink", "DELETE", s.c("sink"), 204)
    s.add("teardown.sink-gone", "GET", s.c("sink", "/status"), 404, wait=status_is(404), needs="write")
    s.add("teardown.list", "GET", "/connectors", 200, check=owned(s.prefix, 0))


# -- running -------------------------------------------------------------------------------------


def skip_reason(step: Step, *, read_only: bool, allow_cluster_changes: bool, source_allowed: bool) -> str | None:
    if step.needs == "loggers" and not allow_cluster_changes:
        return "logger changes need --allow-cluster-changes"
    if read_only and (step.method != "GET" or step.needs is not None):
        return "read-only run"
    if step.needs == "source" and not source_allowed:
        return f"needs {FILE_SOURCE} among the allowed classes (--allow-class)"
    return None


def send_step(target: Target, step: Step, budget: Convergence | None = None) -> Sent:
    """Send ``step`` to ``target``, repeating it until its wait predicate holds (or time runs out).

    With a ``budget``, a target that keeps failing to converge gets shorter waits and then none.
    """
    began = time.monotonic()
    polls = 0
    refused = 0
    delay = 0.05
    allowance = step.timeout if budget is None or step.wait is None else budget.allowance(step.timeout)

    def send() -> Answer:
        return target.request(
            step.method, step.path, query=step.query, body=step.body, raw=step.raw, headers=step.headers
        )

    while True:
        answer, times = past_rebalance(send, send())
        polls += 1 + times
        refused += times
        settled = step.wait is None or step.wait(answer)
        if settled or time.monotonic() - began >= allowance:
            break
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
    problems = []
    if not settled:
        if budget is not None:
            budget.waited(step.name, settled, time.monotonic() - began, f"{answer.status} {answer.text}")
        if allowance == 0:
            problems.append(f"not waited for: the {target.label} did not converge before (last: {answer.status})")
        else:
            problems.append(f"did not settle within {allowance:.0f} s (last: {answer.status} {answer.text[:160]})")
    if answer.status != step.expect:
        problems.append(f"expected status {step.expect}, got {answer.status}: {answer.text[:200]}")
    elif step.check is not None:
        problem = step.check(answer)
        if problem:
            problems.append(problem)
    return Sent(answer, polls, time.monotonic() - began, settled, problems, refused)


def iterate(steps: list[Step], targets: list[Target]) -> Iterator[tuple[Step, list[Sent]]]:
    """Each step sent to every target in turn (the target first, then the comparison)."""
    for step in steps:
        yield step, [send_step(target, step) for target in targets]
