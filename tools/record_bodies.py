"""Record how a real Kafka Connect worker reads request bodies, for tests/fidelity.

Sends a fixed corpus of odd bodies (hand-picked edge cases plus seeded random mutations, random
bytes and other encodings) to three body-reading endpoints and writes each status and error text to
``tests/live/recorded/kafka-<version>/jackson-bodies.json``; and validates connector configs with
client overrides (``producer.override.*`` and the like), keeping whole answers, in
``client-overrides.json`` beside it. Usage::

    python tools/record_bodies.py --url http://127.0.0.1:8083   # a running worker
    python tools/record_bodies.py                                # starts one with KafkaWorker
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from mockconnect.live.worker import DEFAULT_KAFKA_VERSION, KafkaWorker  # noqa: E402

ENDPOINTS = {
    "validate": ("PUT", "/connector-plugins/FileStreamSource/config/validate"),
    "create": ("POST", "/connectors"),
    "offsets": ("PATCH", "/connectors/no-such-connector/offsets"),
}
EDGE_CASES = [
    b"cla\x00\x00ss",
    b"c\x01ass",
    b"l\x00a\x00s\x00",
    b"\x00c\x00l",
    b"0l",
    b"0}",
    b'0"',
    b"01",
    b"-x",
    b"-",
    b"1.",
    b"1.x",
    b"1e",
    b"1ex",
    b"1 x",
    b"\xc3\xa9",
    b"\x87abc",
    b"\xa9abc",
    b'"abc',
    b'{"a":"abc',
    b'{"a":"ab\x01c"}',
    b'{"a":"ab\\xc"}',
    b'{"a":"\\u12g4"}',
    b'{"a":"\xc3\x28"}',
    b'{"a":"\x80"}',
    b'{"abc',
    b'{"a" 1}',
    b"{a:1}",
    b"[1,]",
    b"[1}",
    b'{"a":1]',
    b"tru",
    b"trux",
    b"true1",
    b"true\xc3\xa9",
    b"nul",
    b"NaN",
    b"-Infinity",
    b"+1",
    b".5",
    b"[\x00",
    b'\xef\xbb\xbf{"a":"b"}',
    b"\xef\xbb\xbfcla",
    b"\x00\x00\x00{",
    b"\x00\x00\x00c\x00\x00\x00l",
    b"c\x00\x00\x00l\x00\x00\x00",
    b"\xfe\xff\x00c\x00l",
    b"\xff\xfec\x00l\x00",
    b"\x00",
    b"a\x00",
    b'{"a":1}x',
    b'{"a":1}\x01',
    b"/",
    b"#",
    b"[",
    b"{",
    b'{"a":',
    b'{"a"',
    b'{"a":1,',
    b'{"a":tx}',
    b"[1x]",
    b"\r\n\r\ncla",
    b'{"offsets": [',
    b'{"offsets": [{"partition": {"a": "b',
    b'{"offsets": [{"partition": {"a": 1}, "offset": 5}]}',
    b'{"offsets": [{"x": 1, "partition": {}}]}',
    b'{"offsets": [null]}',
    b'{"offsets": null}',
    b'{"x": 1, "offsets": []}',
    b'{"offsets": [], "x": 1}',
    b'{"offsets": [1]}',
    b'{"offsets": {}}',
    # Which unknown field Jackson reports: the first in document order, an empty name included (issue #12)
    b'{"":1,"x":2}',
    b'{"x":1,"":2}',
    b'{"":2,"\xf0\x9f\x87\xba\xf0\x9f\x87\xb8":3}',
    b'{"\xf0\x9f\x87\xba\xf0\x9f\x87\xb8":3,"":2,"a":1}',
    b'{"a":1,"":2,"\xf0\x9f\x87\xba\xf0\x9f\x87\xb8":3}',
    b'{"":{"a":[1,2]},"z":1}',
    b'{"":1,"":2}',
    b'{"name":"j1","":1,"config":{"connector.class":"FileStreamSink"},"x":2}',
    b'{"":1,"name":"j1","config":{},"initial_state":"bogus"}',
    b'{"b":1,"offsets":[],"a":2}',
    b'{"offsets":[],"":1,"a":2}',
    b'{"zz":1,"aa":2,"offsets":"x"}',
    b'{"offsets":[{"":1,"x":2,"partition":{"a":1},"offset":{"b":1}}]}',
    b'{"offsets":[{"x":1,"":2,"partition":{"a":1}}]}',
    b'{"offsets":[{"partition":{},"offset":null,"":1,"x":2}]}',
    b'{"":1,"offsets":[{"x":1}]}',
    b"null",
    b"null x",
    b"[]",
    b"",
    b"  ",
    b'{"name": "abc',
    b'{"name": "a", "config": {"a": [}',
    b'{"config": {"a": 1}, "x": 2, "name": "n"}',
    b'{"config": {"a": 1}, "name": "n", "initial_state": "paused", "x": 2}',
    b'{"name": "n", "initial_state": 5}',
    b'{"name": [], "config": {}}',
    b'{"name": "x", "config": ""}',
    b'"abc"',
    b'""',
    b"1.5",
    b"12345678901234567890",
    b"12345678901",
    b'{"name": "n", "config": {"a": "\\ud83d\\ude00", "b": "\xf0\x9f\x98\x80"}}',
    b'{"\xc3\xa9": 1}',
    b'{"a\x01": 1}',
    b"[1.5e]",
    b"[-]",
    b"[00]",
    b"-In",
    b"Infinity",
    b"\x00\x00\x00c\x00",
    b"\x00\x00\x00c\xff\xff\xff\xff",
    b"\x00\x00\xff\xfe",
    b'{"a": {"',
    b'{"\xc33": "x"}',
    b"[" + b"1" * 1001 + b"]",
    b'{"name": "n", "config": {}, "initial_state": "PAUSED", "initialState": "STOPPED"}',
    b'{"config": [], "config": {}}',
    b'{"name": "a", "name": 5, "config": {}}',
    b'{"initial_state": 5}',
    b'{"initial_state": ""}',
    b'{"initial_state": {}}',
    b'{"initial_state": []}',
    b'{"initialState": {}}',
    b'{"initialState": "x"}',
    b'{"initial_state": {"a": tru',
    b'{"initial_state": ["a',
]
SEEDS = [
    b'{"connector.class": "FileStreamSource", "tasks.max": "1"}',
    b'{"name": "a", "config": {"k": "v"}, "initial_state": "PAUSED"}',
    b'{"offsets": [{"partition": {"filename": "x"}, "offset": {"position": 5}}]}',
    b'[1, 2.5e3, true, null, "s"]',
    b'"class"',
    b"-12.5E-3",
    b'{"a": {"b": [1, {"c": "\\u00e9\\n"}]}}',
    '{"é": "日本"}'.encode(),
]
ALPHABET = (
    b"{}[]:,\"\\ \t\n\r0123456789.-+eEtrufalsn\x00\x01\x1f\x7f\x80\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\xffabcIN/#'"
)
ENCODINGS = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-16", "utf-32", "utf-8-sig"]


def random_bodies(seed: int, count: int) -> list[bytes]:
    """Mutations of valid bodies, short runs of JSON-ish bytes, random bytes and other encodings."""
    rng = random.Random(seed)
    bodies: list[bytes] = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.3:
            bodies.append(bytes(rng.choice(ALPHABET) for _ in range(rng.randint(1, 10))))
        elif kind < 0.45:
            bodies.append(bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 8))))
        elif kind < 0.9:
            body = bytearray(rng.choice(SEEDS))
            for _ in range(rng.randint(1, 3)):
                at = min(rng.randint(0, len(body)), max(len(body) - 1, 0))
                action = rng.random()
                if action < 0.33 and body:
                    del body[at]
                elif action < 0.66:
                    body[at:at] = bytes([rng.choice(ALPHABET)])
                elif body:
                    body[at] = rng.choice(ALPHABET)
            if rng.random() < 0.3:
                body = body[: rng.randint(0, len(body))]
            bodies.append(bytes(body))
        else:
            text = rng.choice(SEEDS).decode("utf-8")
            if rng.random() < 0.5:
                text = text[: rng.randint(0, len(text))]
            bodies.append(text.encode(rng.choice(ENCODINGS)))
    return bodies


def corpus() -> list[bytes]:
    """The edge cases and 500 seeded random bodies, each once."""
    return list(dict.fromkeys([*EDGE_CASES, *random_bodies(20261123, 500)]))


def send_raw(url: str, method: str, path: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(url + path, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def send(url: str, method: str, path: str, body: bytes) -> tuple[int, str]:
    status, raw = send_raw(url, method, path, body)
    try:
        return status, str(json.loads(raw).get("message"))
    except (ValueError, AttributeError):
        return status, raw.decode("utf-8", "replace")


SOURCE = {"connector.class": "FileStreamSource", "name": "a", "topic": "t"}
SINK = {"connector.class": "FileStreamSink", "name": "a", "topics": "t"}
OVERRIDES: list[tuple[str, dict[str, str | None]]] = [
    ("FileStreamSource", {**SOURCE, "producer.override.linger.ms": "abc"}),
    ("FileStreamSource", {**SOURCE, "producer.override.key.serializer": "com.nope.X"}),
    ("FileStreamSource", {**SOURCE, "producer.override.linger.ms": None}),
    (
        "FileStreamSource",
        {
            **SOURCE,
            "producer.override.linger.ms": " 5 ",
            "producer.override.bogus": "x",
            "producer.override.acks": "all",
            "producer.override.compression.type": "gzip",
            "producer.override.bootstrap.servers": "a:1, b:2",
            "producer.override.sasl.jaas.config": "secret",
            "producer.override.key.serializer": "org.apache.kafka.common.serialization.StringSerializer",
            "producer.override.partitioner.class": "org.apache.kafka.clients.producer.RoundRobinPartitioner",
            "producer.override.enable.idempotence": "FALSE",
            "producer.override.interceptor.classes": "a ,b",
            "producer.override.": "x",
            "consumer.override.max.poll.records": "5",
            "admin.override.retries": "3",
        },
    ),
    ("FileStreamSource", {**SOURCE, "topic.creation.default.partitions": "1", "admin.override.retries": "3"}),
    ("FileStreamSink", {**SINK, "consumer.override.max.poll.records": "x5"}),
    (
        "FileStreamSink",
        {
            **SINK,
            "errors.deadletterqueue.topic.name": "dlq",
            "producer.override.linger.ms": "1",
            "admin.override.retries": "3",
            "consumer.override.enable.auto.commit": "TRUE",
            "consumer.override.key.deserializer": "org.apache.kafka.common.serialization.StringDeserializer",
            "consumer.override.session.timeout.ms": "1",
            "consumer.override.auto.offset.reset": "earliest",
            "consumer.override.isolation.level": "read_committed",
            "consumer.override.check.crcs": "false",
        },
    ),
    ("FileStreamSink", {**SINK, "producer.override.linger.ms": "1", "admin.override.retries": "3"}),
    ("FileStreamSink", {**SINK, "consumer.override.group.id": "g"}),
    ("FileStreamSink", {**SINK, "consumer.override.group.id": "connect-cluster"}),
    ("FileStreamSink", {**SINK, "consumer.override.group.id": None}),
]
"""Validate requests with client overrides: which clients a connector has, parsing, order, errors."""


def record_overrides(url: str, version: str) -> Path:
    answers = []
    for plugin, config in OVERRIDES:
        path = f"/connector-plugins/{plugin}/config/validate"
        status, raw = send_raw(url, "PUT", path, json.dumps(config).encode())
        answers.append({"plugin": plugin, "config": config, "status": status, "body": json.loads(raw)})
    out = REPO / "tests" / "live" / "recorded" / f"kafka-{version}" / "client-overrides.json"
    out.write_text(json.dumps({"kafka_version": version, "answers": answers}, indent=1) + "\n")
    return out


def record(url: str, version: str) -> Path:
    answers = []
    for body in corpus():
        for endpoint, (method, path) in ENDPOINTS.items():
            status, message = send(url, method, path, body)
            answers.append({"endpoint": endpoint, "body_hex": body.hex(), "status": status, "message": message})
    out = REPO / "tests" / "live" / "recorded" / f"kafka-{version}" / "jackson-bodies.json"
    document = {"kafka_version": version, "endpoints": {k: f"{m} {p}" for k, (m, p) in ENDPOINTS.items()}}
    out.write_text(json.dumps({**document, "answers": answers}, indent=1, ensure_ascii=False) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running worker; by default one is started")
    parser.add_argument("--kafka-version", default=DEFAULT_KAFKA_VERSION)
    options = parser.parse_args()
    if options.url:
        url = options.url.rstrip("/")
        print(record(url, options.kafka_version), record_overrides(url, options.kafka_version))
        return
    with KafkaWorker(kafka_version=options.kafka_version) as worker:
        print(record(worker.url, options.kafka_version), record_overrides(worker.url, options.kafka_version))


if __name__ == "__main__":
    main()
