"""The safety policy of a conformance run: which requests may leave the process, and in what form.

A run may point at a shared production cluster, so every request is judged here before it is sent
(see :mod:`.transport`, which applies this to every request of the process during a run). The
policy never trusts the shape the fuzzer meant to send: it reads the request as a Kafka Connect
worker would (percent-decoding, dot segments, matrix parameters, name trimming, scalar coercion)
and then

* **rewrites** what can be made safe: a connector name outside the run's namespace gets the
  run-unique prefix (in the path and in the body), ``connector.class`` becomes the harmless class,
  and the config keys that could reach outside the run (files, topics, client overrides, plugin
  classes, task counts) are pinned (see :meth:`SafetyPolicy.safe_config`);
* **refuses** what cannot: anything but GET in read-only mode, logger changes without
  ``allow_cluster_changes``, writes to the mock's admin API, ambiguous paths (dot segments) on a
  write, bodies it cannot read on an operation that could create a connector, and any request to
  an origin that is not one of the run's targets.

The functions here are pure: no I/O, so they can be tested exhaustively.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

HARMLESS_CONNECTOR = "org.apache.kafka.connect.file.FileStreamSinkConnector"
"""The default class of every connector a run creates: a sink that reads a run-unique topic nobody
writes to, into a file under a temporary directory. It produces nothing and touches no other topic."""

ABSENT_PACKAGE = "mockconnect.conformance.absent."
"""A package no worker has: class names under it are safe to send (the worker cannot load them)."""

KAFKA_PACKAGE = "org.apache.kafka."
"""Plugin classes a body may name in class-valued keys (converters, transforms, predicates)."""

READ_METHODS = frozenset({"GET"})
_JAVA_WHITESPACE = "".join(chr(code) for code in range(0x21))
_PREFIX_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*-")
_CLIENT_OVERRIDES = ("producer.override.", "consumer.override.", "admin.override.")
_CLASS_KEY = re.compile(r".*(\.class|converter)$|^(transforms|predicates)\.[^.]*\.type$")
_TOPIC_KEYS = ("topics", "topic", "errors.deadletterqueue.topic.name", "offsets.storage.topic")


class Refused(Exception):
    """A request the policy will not let out of the process."""

    def __init__(self, method: str, url: str, reason: str) -> None:
        super().__init__(f"refused {method} {url}: {reason}")
        self.method = method
        self.url = url
        self.reason = reason


def java_trim(text: str) -> str:
    """Java's String.trim: strips code points up to U+0020 and nothing else."""
    return text.strip(_JAVA_WHITESPACE)


def java_string(value: Any) -> str | None:
    """The string Jackson makes of a JSON scalar bound to a String (None for null and containers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def simple_aliases(cls: str) -> set[str]:
    """The aliases Connect accepts for a plugin class: its simple name, and without the type suffix."""
    simple = cls.rsplit(".", 1)[-1]
    aliases = {cls, simple}
    for suffix in ("Connector", "Converter", "HeaderConverter"):
        if simple.endswith(suffix) and len(simple) > len(suffix):
            aliases.add(simple[: -len(suffix)])
    return aliases


def make_prefix(run_id: str) -> str:
    """The run-unique connector name prefix ``mcconf-<run_id>-``."""
    prefix = f"mcconf-{run_id}-"
    check_prefix(prefix)
    return prefix


def check_prefix(prefix: str) -> None:
    """A prefix must be letters, digits and dashes and end with a dash, so that it is literal in a
    topic regex and in a URL, and cannot be mistaken for a shorter name."""
    if not _PREFIX_SHAPE.fullmatch(prefix) or len(prefix) < 8:
        raise ValueError(
            f"the connector prefix {prefix!r} must be at least 8 characters of letters, digits and dashes, "
            "start with a letter or digit and end with a dash"
        )


@dataclass(frozen=True)
class Verdict:
    """What will be sent: possibly a rewritten URL and body, with a note for each change."""

    url: str
    body: bytes | None
    changes: tuple[str, ...] = ()
    write: bool = False
    """Whether the request can change state (any method but GET, HEAD and OPTIONS)."""
    logger: tuple[str, str] | None = None
    """(logger name, scope) of a logger change, so that the run can restore the levels."""


@dataclass(frozen=True)
class SafetyPolicy:
    """How a run keeps to its namespace. Build one per run; see the module docstring."""

    prefix: str
    connector_class: str = HARMLESS_CONNECTOR
    allowed_classes: frozenset[str] = frozenset()
    """Further connector classes a run may create (for example FileStreamSource on a private worker)."""
    file_path: str = "/tmp/mcconf-sink.txt"
    """The value every ``file`` key is pinned to."""
    max_tasks: int = 2
    read_only: bool = False
    allow_cluster_changes: bool = False
    known_plugins: frozenset[str] = frozenset()
    """Class names and aliases of the target's plugins (from GET /connector-plugins): plugin names a
    request may ask about, and, for those under org.apache.kafka.connect, classes a validation may use."""
    kafka_plugins: frozenset[str] = frozenset()
    """The subset of ``known_plugins`` (classes and aliases) that ship with Apache Kafka."""
    origins: tuple[str, ...] = field(default_factory=tuple)
    """``scheme://host:port`` of each target; requests anywhere else are refused (empty: no check)."""

    def __post_init__(self) -> None:
        check_prefix(self.prefix)
        if self.max_tasks < 1:
            raise ValueError("max_tasks must be at least 1")

    # -- names and classes ---------------------------------------------------------------------

    def owns(self, name: str) -> bool:
        """Whether a write may name this connector: it is in the namespace once trimmed, or it is
        blank (a worker refuses to create a connector with a blank name, so none can exist)."""
        trimmed = java_trim(name)
        return trimmed == "" or trimmed.startswith(self.prefix)

    def owned_name(self, name: str) -> str:
        return name if self.owns(name) else self.prefix + name

    @property
    def creatable_classes(self) -> frozenset[str]:
        names: set[str] = set()
        for cls in (self.connector_class, *self.allowed_classes):
            names |= simple_aliases(cls)
        return frozenset(names)

    def _absent(self, cls: str) -> bool:
        return cls.startswith(ABSENT_PACKAGE)

    def safe_connector_class(self, value: str) -> str:
        """A class a created connector may have: the harmless or an allowed one, or one no worker has."""
        trimmed = java_trim(value)
        if trimmed in self.creatable_classes or self._absent(trimmed):
            return value
        return self.connector_class

    def safe_validation_class(self, value: str) -> str:
        """Validation instantiates the class and calls its validate(): only Kafka's own, or absent ones."""
        trimmed = java_trim(value)
        if trimmed in self.kafka_plugins or trimmed in self.creatable_classes or self._absent(trimmed):
            return value
        return self.connector_class

    def safe_plugin_name(self, name: str) -> str:
        """A plugin path parameter: a JDK or library class name can break a 3.7 worker's plugin
        endpoints (it leaves a null context class loader on the Jetty thread), so a dotted name
        must be a plugin the target lists, or one that cannot exist."""
        if "." not in name or name in self.known_plugins or self._absent(name):
            return name
        return ABSENT_PACKAGE + name

    # -- bodies --------------------------------------------------------------------------------

    def safe_config(self, config: dict[str, Any], *, validation: bool = False) -> list[str]:
        """Pin, in place, every key of a connector config that could reach outside the run.

        Returns a note per change. ``validation`` configs are only validated, never run: there the
        name, files and topics may stay as they are, but classes are still pinned (validation loads them).
        """
        notes: list[str] = []
        for key in list(config):
            value = config[key]
            text = java_string(value)
            if key == "connector.class":
                if text is not None:
                    safe = (self.safe_validation_class if validation else self.safe_connector_class)(text)
                    if safe != text:
                        config[key] = safe
                        notes.append(f"connector.class {text!r} -> {safe!r}")
                continue
            if _CLASS_KEY.match(key):
                if text is not None and not (
                    java_trim(text).startswith(KAFKA_PACKAGE) or self._absent(java_trim(text))
                ):
                    del config[key]
                    notes.append(f"dropped {key} (class {text!r} is not Apache Kafka's)")
                continue
            if key.startswith(_CLIENT_OVERRIDES):
                del config[key]
                notes.append(f"dropped client override {key}")
                continue
            if validation:
                continue
            if key == "name" and text is not None and not self.owns(text):
                config[key] = self.prefix + text
                notes.append(f"config name {text!r} -> {config[key]!r}")
            elif key == "file" and text is not None and text != self.file_path:
                config[key] = self.file_path
                notes.append(f"file {text!r} -> {self.file_path!r}")
            elif key in _TOPIC_KEYS and text is not None:
                safe = self._safe_topics(text)
                if safe != text:
                    config[key] = safe
                    notes.append(f"{key} {text!r} -> {safe!r}")
            elif key == "topics.regex" and text is not None and text != "":
                safe = self._safe_topic_regex(text)
                if safe != text:
                    config[key] = safe
                    notes.append(f"topics.regex {text!r} -> {safe!r}")
            elif key == "tasks.max" and text is not None:
                try:
                    count = int(java_trim(text))
                except ValueError:
                    continue
                if count > self.max_tasks:
                    config[key] = str(self.max_tasks)
                    notes.append(f"tasks.max {text!r} -> {config[key]!r}")
        return notes

    def _safe_topics(self, text: str) -> str:
        parts = []
        for part in text.split(","):
            topic = java_trim(part)
            parts.append(part if topic == "" or topic.startswith(self.prefix) else self.prefix + topic)
        return ",".join(parts)

    def _safe_topic_regex(self, text: str) -> str:
        # Java's Pattern.matches() must match the whole topic name, so a regex that starts with the
        # literal prefix (no alternation anywhere) only ever matches names in the namespace.
        body = text[1:] if text.startswith("^") else text
        if body.startswith(self.prefix) and "|" not in text:
            return text
        return self.prefix + "regex.*"

    def safe_create_body(self, body: dict[str, Any]) -> list[str]:
        """POST /connectors: ``name`` (trimmed by Kafka, scalars coerced) and the nested config."""
        notes: list[str] = []
        name = java_string(body.get("name"))
        if name is not None and not self.owns(name):
            body["name"] = self.prefix + name
            notes.append(f"name {name!r} -> {body['name']!r}")
        config = body.get("config")
        if isinstance(config, dict):
            notes += self.safe_config(config)
        return notes

    # -- whole requests ------------------------------------------------------------------------

    def judge(self, method: str, url: str, body: bytes | None) -> Verdict:
        """The request as it may be sent, or :class:`Refused`."""
        method = method.upper()
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if self.origins and origin not in self.origins:
            raise Refused(method, url, f"{origin} is not a target of this run")
        write = method not in ("GET", "HEAD", "OPTIONS")
        if self.read_only and method not in READ_METHODS:
            raise Refused(method, url, "read-only run: only GET requests are sent")
        raw_segments = parts.path.split("/")[1:]
        changes: list[str] = []

        # The plugin name of a plugin-config request matters even for a GET.
        if (
            len(raw_segments) >= 3
            and raw_segments[0].lower() == "connector-plugins"
            and raw_segments[2] == "config"
            and raw_segments[3:] in ([], [""])
        ):
            plugin = unquote(raw_segments[1])
            safe = self.safe_plugin_name(plugin)
            if safe != plugin:
                raw_segments[1] = quote(ABSENT_PACKAGE, safe="") + raw_segments[1]
                changes.append(f"plugin {plugin!r} -> {safe!r}")

        logger: tuple[str, str] | None = None
        if write:
            raw_segments, more = self._owned_path(method, url, raw_segments)
            changes += more
            logger = self._logger_change(method, url, raw_segments, parts.query)
            body, more = self._safe_body(method, url, raw_segments, body)
            changes += more
        new_path = "/" + "/".join(raw_segments) if raw_segments or parts.path.startswith("/") else parts.path
        new_url = urlunsplit((parts.scheme, parts.netloc, new_path, parts.query, parts.fragment))
        return Verdict(new_url, body, tuple(changes), write, logger)

    def _owned_path(self, method: str, url: str, raw: list[str]) -> tuple[list[str], list[str]]:
        """A write under /connectors/{name} must name a connector in the namespace, however a server
        splits the path: on raw slashes, after decoding %2F, or also on backslashes."""
        if raw and raw[0].lower() == "_mockconnect":
            raise Refused(method, url, "the mock's admin API is never written to by a conformance run")
        changes: list[str] = []
        if len(raw) >= 2 and raw[0].lower() == "connectors" and not self.owns(_segment_name(unquote(raw[1]))):
            old = unquote(raw[1])
            raw = [raw[0], quote(self.prefix, safe="") + raw[1], *raw[2:]]
            changes.append(f"connector {old!r} -> {self.prefix + old!r}")
        for segments in _readings(raw):
            if any(s in (".", "..") for s in segments):
                raise Refused(method, url, "a path with dot segments on a write is ambiguous")
            if len(segments) >= 2 and segments[0].lower() == "connectors" and not self.owns(segments[1]):
                raise Refused(method, url, "the connector name cannot be forced into the namespace")
        return raw, changes

    def _logger_change(self, method: str, url: str, raw: list[str], query: str) -> tuple[str, str] | None:
        if not raw or raw[0].lower() != "admin":
            return None
        if not self.allow_cluster_changes:
            raise Refused(method, url, "logger levels are cluster-wide state: pass --allow-cluster-changes")
        if len(raw) >= 3 and raw[1].lower() == "loggers":
            scope = "worker"
            for pair in query.split("&"):
                key, _, value = pair.partition("=")
                if unquote(key) == "scope" and unquote(value).lower() == "cluster":
                    scope = "cluster"
            return unquote(raw[2]), scope
        return None

    def _safe_body(self, method: str, url: str, raw: list[str], body: bytes | None) -> tuple[bytes | None, list[str]]:
        decoded = [_segment_name(s) for s in unquote("/".join(raw)).split("/") if s != ""]
        lowered = [s.lower() for s in decoded]
        kind = None
        if lowered == ["connectors"]:
            kind = "create"
        elif len(lowered) >= 3 and lowered[0] == "connectors" and lowered[2] == "config" and len(lowered) == 3:
            kind = "config"
        elif len(lowered) >= 4 and lowered[0] == "connector-plugins" and lowered[2:4] == ["config", "validate"]:
            kind = "validate"
        elif len(lowered) >= 2 and lowered[0] == "connectors":
            kind = "other-connector"
        if kind is None or not body:
            return body, []
        try:
            parsed = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            squashed = body.replace(b"\x00", b"").lower()
            if kind != "other-connector" and (b"class" in squashed or b"\\u" in squashed):
                raise Refused(method, url, "an unreadable body that may name a connector class") from None
            return body, []
        notes: list[str] = []
        if isinstance(parsed, dict):
            if kind == "create":
                notes = self.safe_create_body(parsed)
            elif kind == "config":
                notes = self.safe_config(parsed)
            elif kind == "validate":
                notes = self.safe_config(parsed, validation=True)
        if not notes:
            return body, []
        return json.dumps(parsed, ensure_ascii=False).encode("utf-8"), notes


def _readings(raw: list[str]) -> list[list[str]]:
    """The segments a server may see: split then decoded, decoded then split (%2F as a slash), and
    decoded with backslashes as slashes too; each without JAX-RS matrix parameters."""
    decoded = unquote("/".join(raw))
    readings = [
        [unquote(segment) for segment in raw],
        decoded.split("/"),
        decoded.replace("\\", "/").split("/"),
    ]
    return [[_segment_name(segment) for segment in reading] for reading in readings]


def _segment_name(segment: str) -> str:
    """A path segment as JAX-RS binds it: without its matrix parameters (``;k=v``)."""
    return segment.split(";", 1)[0]


def plugin_names(plugins: Iterable[Mapping[str, Any]]) -> tuple[frozenset[str], frozenset[str]]:
    """(every class and alias, the Apache Kafka ones) from a GET /connector-plugins answer."""
    kafka: set[str] = set()
    foreign: set[str] = set()
    for plugin in plugins:
        cls = plugin.get("class")
        if isinstance(cls, str):
            (kafka if cls.startswith(KAFKA_PACKAGE + "connect.") else foreign).update(simple_aliases(cls))
    # An alias that a third-party plugin shares with a Kafka one may resolve to the third-party
    # plugin, so it does not count as Kafka's.
    return frozenset(kafka | foreign), frozenset(kafka - foreign)
