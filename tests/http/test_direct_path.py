"""The direct path answers exactly as Flask would: same status, headers and bytes, same journal entry.

Two apps over equal states, one with the direct path (the default) and one without, get the same
requests; everything that reaches the client or the journal must be equal. The requests mix plain
ones, which the direct path serves, with everything that must go on to Flask (escaped names, dot
segments, bad task ids, odd media types, other methods, unknown or malformed queries and bodies).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import FILE_SINK, sink_config, source_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockconnect.http import direct
from mockconnect.http.app import create_app
from mockconnect.http.views import INTERNAL_OPERATIONS, ROUTES
from mockconnect.mock.clock import ManualClock
from mockconnect.mock.state import MockState
from mockconnect.release import get_release

RELEASES = ["3.6.2", "3.7.0", "4.4.0"]
Request = tuple[str, str, bytes | None, dict[str, str]]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the direct path served itself, in order."""
    seen: list[str] = []
    serve = direct.DirectPath._serve

    def counting(self: direct.DirectPath, environ: dict[str, Any], *args: Any) -> Any:
        seen.append(environ["PATH_INFO"])
        return serve(self, environ, *args)

    monkeypatch.setattr(direct.DirectPath, "_serve", counting)
    return seen


def twins(version: str) -> tuple[Flask, Flask]:
    def make(use_direct: bool) -> Flask:
        state = MockState(clock=ManualClock(), release=get_release(version))
        return create_app(state, direct=use_direct)

    return make(True), make(False)


def answer(client: FlaskClient, request: Request) -> tuple[Any, ...]:
    method, path, body, headers = request
    response = client.open(path, method=method, data=body, headers=headers)
    return response.status, response.headers.to_wsgi_list(), response.data


def journal(app: Flask) -> list[dict[str, Any]]:
    entries = [entry.to_dict() for entry in app.extensions["mockconnect"].journal.entries()]
    for entry in entries:
        entry.pop("duration_ms")
    return entries


def agree(version: str, requests: list[Request]) -> None:
    fast, flask = twins(version)
    fast_client, flask_client = fast.test_client(), flask.test_client()
    for request in requests:
        assert answer(fast_client, request) == answer(flask_client, request), request
    assert journal(fast) == journal(flask)


JSON = {"Content-Type": "application/json"}
SINK = json.dumps({"name": "s", "config": sink_config(**{"tasks.max": "2"})}).encode()
LIFECYCLE: list[Request] = [
    ("GET", "/", None, {}),
    ("GET", "/connectors", None, {"Accept": "application/json"}),
    ("POST", "/connectors", SINK, JSON),
    ("POST", "/connectors", SINK, JSON),  # 409
    ("GET", "/connectors/s", None, {}),
    ("GET", "/connectors/s/status", None, {"Accept": "*/*"}),
    ("GET", "/connectors/s/config", None, {}),
    ("PUT", "/connectors/s/config", json.dumps(sink_config(**{"tasks.max": "3"})).encode(), JSON),
    (
        "PUT",
        "/connectors/t/config",
        json.dumps(source_config()).encode(),
        {"Content-Type": "application/json; charset=utf-8"},
    ),
    ("GET", "/connectors/s/tasks", None, {}),
    ("GET", "/connectors/s/tasks/0/status", None, {}),
    ("GET", "/connectors/s/tasks/02/status", None, {}),
    ("GET", "/connectors/s/tasks/9/status", None, {}),
    ("POST", "/connectors/s/tasks/1/restart", None, {}),
    ("PUT", "/connectors/s/pause", None, {}),
    ("GET", "/connectors?expand=status&expand=info", None, {}),
    ("PUT", "/connectors/s/resume", None, {}),
    ("POST", "/connectors/s/restart?includeTasks=true&onlyFailed=false", None, {}),
    ("POST", "/connectors/s/restart", None, {}),
    ("GET", "/connectors/s/topics", None, {}),
    ("PUT", "/connectors/s/topics/reset", None, {}),
    ("PUT", "/connectors/s/stop", None, {}),
    ("GET", "/connectors/s/offsets", None, {}),
    ("DELETE", "/connectors/s/offsets", None, {}),
    ("GET", "/connector-plugins?connectorsOnly=false", None, {}),
    ("GET", f"/connector-plugins/{FILE_SINK}/config", None, {}),
    ("PUT", "/connector-plugins/FileStreamSink/config/validate", json.dumps(sink_config()).encode(), JSON),
    ("GET", "/admin/loggers", None, {}),
    ("GET", "/admin/loggers/root", None, {}),
    ("PUT", "/admin/loggers/org.apache.kafka", b'{"level": "DEBUG"}', JSON),
    ("POST", "/connectors", b'{"name": "bad", "config": {', JSON),  # Jackson's 500
    ("POST", "/connectors", b'{"name": "x", "config": {"connector.class": "Nope"}}', JSON),
    ("DELETE", "/connectors/s", None, {}),
    ("DELETE", "/connectors/s", None, {}),  # 404
    ("PUT", "/connectors/s/config", b"", JSON),  # Jackson: no content to map
    ("GET", "/connectors/missing/status", None, {}),
]


@pytest.mark.parametrize("version", RELEASES)
def test_a_plain_lifecycle_is_served_directly_and_answered_as_flask_would(version: str, served: list[str]) -> None:
    agree(version, LIFECYCLE)
    absent = get_release(version).absent_operations
    assert len(served) >= len(LIFECYCLE) - 2 * len(absent), served  # the fast app's share (the twin has none)


NOT_PLAIN: list[Request] = [
    ("GET", "/connectors/a%20b/status", None, {}),
    ("GET", "/connectors/s/", None, {}),
    ("GET", "/connectors//status", None, {}),
    ("GET", "/connectors/../connectors", None, {}),
    ("GET", "/connectors/s/tasks/x/status", None, {}),
    ("GET", "/connectors/s/tasks/+1/status", None, {}),
    ("GET", "/connectors/s/tasks/2147483648/status", None, {}),
    ("GET", "/connectors/s/status", None, {"Accept": "text/plain"}),
    ("GET", "/connectors/s/status", None, {"Accept": "application/json;q=0.5, text/html"}),
    ("HEAD", "/connectors/s/status", None, {}),
    ("OPTIONS", "/connectors/s/status", None, {}),
    ("PATCH", "/connectors/s/status", None, {}),
    ("GET", "/connectors?expand=a%20b", None, {}),
    ("GET", "/connectors?expand", None, {}),
    ("PUT", "/connectors/s/config", json.dumps(sink_config()).encode(), {"Content-Type": "text/plain"}),
    ("PUT", "/connectors/s/config", json.dumps(sink_config()).encode(), {}),
    ("POST", "/connectors/s/tasks", b"[]", JSON),  # internal: always Flask
    ("GET", "/health", None, {}),  # absent before 3.9: Flask answers the 404
]


@pytest.mark.parametrize("version", RELEASES)
def test_what_is_not_plain_goes_on_to_flask_and_still_agrees(version: str, served: list[str]) -> None:
    requests = [LIFECYCLE[2], *NOT_PLAIN]
    agree(version, requests)
    has_health = "healthCheck" not in get_release(version).absent_operations
    assert served == ["/connectors", *(["/health"] if has_health else [])]


def test_the_location_header_follows_the_host_header() -> None:
    requests: list[Request] = [
        ("POST", "/connectors", SINK, {**JSON, "Host": "connect.example:8083"}),
        ("PUT", "/connectors/u/config", json.dumps(sink_config()).encode(), {**JSON, "Host": "[::1]:80"}),
        ("POST", "/connectors", _named(SINK, "v"), {**JSON, "Host": "c%6Fnnect.example"}),
        ("POST", "/connectors", _named(SINK, "w"), {**JSON, "Host": "CONNECT.example:443"}),
        ("POST", "/connectors", _named(SINK, "x"), {**JSON, "Host": "bad host"}),
    ]
    agree("3.7.0", requests)


def _named(body: bytes, name: str) -> bytes:
    created = json.loads(body)
    created["name"] = name
    return json.dumps(created).encode()


def test_authentication_and_faults_send_everything_to_flask(served: list[str]) -> None:
    from mockconnect.http.security import BasicAuth

    secured = create_app(MockState(), auth=BasicAuth({"u": "p"}))
    assert secured.test_client().get("/connectors").status_code == 401
    state = MockState()
    faulty = create_app(state).test_client()
    assert (
        faulty.post(
            "/_mockconnect/faults",
            json={"when": {"operation": "listConnectors"}, "respond": {"status": 500, "message": "x"}},
        ).status_code
        == 201
    )
    assert faulty.get("/connectors").status_code == 500
    assert served == []


NAMES = st.sampled_from(["s", "t", "x.y", "a~b", "a%20b", "..", "tasks"])
TASKS = st.sampled_from(["0", "1", "01", "+1", "x", "2147483648"])
PLUGINS = st.sampled_from(["FileStreamSink", FILE_SINK, "Nope"])
LOGGERS = st.sampled_from(["root", "org.apache.kafka", "a%2Fb"])
QUERIES = st.sampled_from(
    [
        "",
        "",
        "",
        "expand=status",
        "expand=status&expand=info",
        "expand=",
        "includeTasks=true&onlyFailed=TRUE",
        "connectorsOnly=false",
        "version=3.7.0",
        "scope=cluster",
        "forward=true",
        "x",
        "a=%20",
    ]
)
BODIES = st.sampled_from(
    [
        None,
        b"",
        SINK,
        json.dumps(sink_config()).encode(),
        json.dumps(source_config()).encode(),
        b"{",
        b"[]",
        b'{"level": "INFO"}',
        b'{"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": 5}}]}',
    ]
)
TYPES = st.sampled_from(["application/json", "application/json", "application/JSON; charset=utf-8", "text/plain", None])
ACCEPTS = st.sampled_from([None, None, "application/json", "*/*", "text/plain", "application/xml, */*"])
ROUTED = [item for item in ROUTES if item.operation_id not in INTERNAL_OPERATIONS]


@st.composite
def requests(draw: st.DrawFn) -> Request:
    route = draw(st.sampled_from(ROUTED))
    values = {"connector": NAMES, "task": TASKS, "plugin": PLUGINS, "logger": LOGGERS}

    def fill(part: str) -> str:
        if part.startswith("<"):
            return draw(values[part.strip("<>").split(":")[1]])
        return part

    path = "/".join(fill(part) for part in route.rule.split("/")) or "/"
    method = draw(st.sampled_from([route.method] * 6 + ["GET", "PUT", "DELETE", "HEAD"]))
    query = draw(QUERIES)
    body = draw(BODIES) if route.reads_body or draw(st.integers(0, 9)) == 0 else None
    headers = {}
    kind = draw(TYPES) if body is not None else None
    if kind is not None:
        headers["Content-Type"] = kind
    accept = draw(ACCEPTS)
    if accept is not None:
        headers["Accept"] = accept
    return method, path + ("?" + query if query else ""), body, headers


@pytest.mark.parametrize("version", RELEASES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=st.lists(requests(), min_size=1, max_size=25))
def test_any_sequence_of_requests_is_answered_and_journaled_alike(version: str, sequence: list[Request]) -> None:
    agree(version, [LIFECYCLE[2], *sequence])


def test_the_twins_do_differ_in_how_they_serve(served: list[str]) -> None:
    """A control: the comparison above is between two different paths, not one path twice."""
    fast, flask = twins("3.7.0")
    flask.test_client().get("/connectors")
    assert served == []
    fast.test_client().get("/connectors")
    assert served == ["/connectors"]
