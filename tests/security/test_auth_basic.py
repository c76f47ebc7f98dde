"""Basic auth answers as a real 3.7.0 worker with BasicAuthSecurityRestExtension answers."""

from __future__ import annotations

import base64
import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from helpers import source_config

from mockconnect.http.app import create_app
from mockconnect.http.security import REFUSED, BasicAuth, JavaBase64Error, java_base64_decode
from mockconnect.mock.state import MockState
from mockconnect.server import MockConnect

USERS = {"alice": "secret", "bob": "builder"}
RECORDING = json.loads((Path(__file__).parent / "recorded_basic_auth_3.7.0.json").read_text(encoding="utf-8"))
JETTY_PAGE = "<h1>Bad Message 400</h1>"
"""Jetty's own HTML 400, which the mock answers with the envelope instead (a documented deviation)."""


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture(scope="module")
def served() -> Iterator[MockConnect]:
    with MockConnect(users=USERS) as mock:
        yield mock


@pytest.fixture
def state() -> MockState:
    return MockState()


@pytest.fixture
def client(state: MockState) -> Iterator[FlaskClient]:
    yield create_app(state, auth=BasicAuth(USERS)).test_client()
    broken = [f"{e.describe()}: {e.response_problems or e.error}" for e in state.journal.problems()]
    assert not broken, "the mock broke its contract:\n" + "\n".join(broken)


def _send(port: int, case: dict[str, Any]) -> tuple[int, str | None, str | None, str]:
    """One request with exactly the recorded headers (http.client adds none but Host)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(case["method"], case["path"], skip_accept_encoding=True)
        for name, value in case["headers"].items():
            conn.putheader(name, value)
        body = case.get("request_body")
        data = None if body is None else body.encode()
        if data is not None:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        answer = conn.getresponse()
        text = answer.read().decode("utf-8", "replace")
        return answer.status, answer.getheader("Content-Type"), answer.getheader("WWW-Authenticate"), text
    finally:
        conn.close()


@pytest.mark.parametrize(
    "case",
    RECORDING["answers"],
    ids=[f"{c['method']} {c['path']} {json.dumps(c['headers'])}" for c in RECORDING["answers"]],
)
def test_answers_as_the_recorded_worker(served: MockConnect, case: dict[str, Any]) -> None:
    served.reset()
    status, content_type, challenge, body = _send(served.port, case)
    assert status == case["status"]
    assert challenge == case["www_authenticate"] is None  # the extension sends no challenge
    if case["body"].startswith(JETTY_PAGE):
        return
    assert content_type == case["content_type"]
    assert body == case["body"]


def test_no_header_is_401_with_the_extensions_text_and_no_challenge(client: FlaskClient) -> None:
    answer = client.get("/connectors")
    assert answer.status_code == 401
    assert answer.data == REFUSED.encode() == b"User cannot access the resource."
    assert answer.headers["Content-Type"] == "application/json"
    assert "WWW-Authenticate" not in answer.headers


@pytest.mark.parametrize(
    "header",
    [
        basic("alice", "wrong")["Authorization"],
        basic("mallory", "secret")["Authorization"],
        basic("alice", "")["Authorization"],
        basic("", "secret")["Authorization"],
        "Basic " + base64.b64encode(b"alicesecret").decode(),
        "Bearer abc",
        "Basic",
        "Digest username=alice",
        basic("alice", "secret")["Authorization"].replace("Basic ", "Basic:"),
    ],
    ids=[
        "wrong password",
        "unknown user",
        "empty password",
        "empty user",
        "no colon",
        "bearer",
        "bare",
        "digest",
        "colon",
    ],
)
def test_wrong_or_malformed_credentials_are_401(client: FlaskClient, header: str) -> None:
    answer = client.get("/connectors", headers={"Authorization": header})
    assert (answer.status_code, answer.data) == (401, REFUSED.encode())


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Basic !!!", "Illegal base64 character 21"),
        ("Basic  YWxpY2U6c2VjcmV0", "Illegal base64 character 20"),
        ("Basic YWxpY2U6c2VjcmV0Pz8-", "Illegal base64 character 2d"),
        ("Basic YWxpY2U6c2VjcmV0=", "Input byte array has wrong 4-byte ending unit"),
        ("Basic Y", "Input byte[] should at least have 2 bytes for base64 bytes"),
    ],
)
def test_credentials_that_are_not_base64_are_kafkas_500(client: FlaskClient, header: str, message: str) -> None:
    """Java's decoder throws IllegalArgumentException outside the filter's catch: the mapper's 500."""
    answer = client.get("/connectors", headers={"Authorization": header})
    assert answer.status_code == 500
    assert answer.get_json() == {"error_code": 500, "message": message}


@pytest.mark.parametrize(
    "header",
    [
        basic("alice", "secret")["Authorization"],
        basic("bob", "builder")["Authorization"],
        "basic " + base64.b64encode(b"alice:secret").decode(),
        "BASIC " + base64.b64encode(b"alice:secret").decode(),
        "  Basic " + base64.b64encode(b"alice:secret").decode() + " ",
        "Basic " + base64.b64encode(b"alice:secret").decode().rstrip("="),
    ],
)
def test_right_credentials_pass(client: FlaskClient, header: str) -> None:
    answer = client.get("/connectors", headers={"Authorization": header})
    assert (answer.status_code, answer.get_json()) == (200, [])


def test_a_password_with_a_colon_is_the_rest_after_the_first_colon() -> None:
    auth = BasicAuth({"carol": "a:b"})
    assert auth.allows("Basic " + base64.b64encode(b"carol:a:b").decode())
    assert not auth.allows("Basic " + base64.b64encode(b"carol:a").decode())


def test_refused_requests_change_nothing_and_are_journaled(client: FlaskClient, state: MockState) -> None:
    refused = client.post("/connectors", json={"name": "src", "config": source_config()})
    assert refused.status_code == 401
    assert state.cluster.connectors == {}
    created = client.post(
        "/connectors", json={"name": "src", "config": source_config()}, headers=basic("alice", "secret")
    )
    assert created.status_code == 201
    entries = state.journal.entries()
    assert [(e.operation_id, e.status, e.response_body) for e in entries][0] == ("createConnector", 401, REFUSED)
    assert entries[1].status == 201


def test_checks_before_the_filter_come_first(client: FlaskClient) -> None:
    """Routing 404/405 and the 415/406 of content negotiation need no credentials, as in Jersey."""
    assert client.get("/nope").status_code == 404
    assert client.delete("/connectors").status_code == 405
    assert client.post("/connectors", data="x", content_type="text/plain").status_code == 415
    assert client.get("/connectors", headers={"Accept": "text/html"}).status_code == 406


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("POST", "/connectors/src/tasks", 400),
        ("POST", "/connectors/src/tasks/", 400),
        ("PUT", "/connectors/src/fence", 400),
        ("POST", "/connectors/a%2Fb/tasks", 401),  # the filter matches the decoded path: a/b is two segments
        ("GET", "/connectors/src/tasks", 401),
    ],
)
def test_only_the_internal_endpoints_are_exempt(client: FlaskClient, method: str, path: str, status: int) -> None:
    answer = client.open(path, method=method, json=[] if method == "POST" else None)
    assert answer.status_code == status
    if status == 400:
        assert answer.get_json() == {"error_code": 400, "message": "Internal request missing required signature"}


def test_options_and_head_need_credentials_too(client: FlaskClient) -> None:
    options = client.options("/connectors")
    assert (options.status_code, options.headers["Content-Type"], options.data) == (401, "text/plain", REFUSED.encode())
    as_json = client.options("/connectors", headers={"Accept": "application/json"})
    assert (as_json.status_code, as_json.headers["Content-Type"]) == (401, "application/json")
    head = client.head("/connectors")
    assert (head.status_code, head.data) == (401, b"")
    assert client.options("/connectors", headers=basic("alice", "secret")).status_code == 200


def test_the_admin_api_is_behind_the_same_credentials(client: FlaskClient, state: MockState) -> None:
    for method, path in [
        ("POST", "/_mockconnect/reset"),
        ("GET", "/_mockconnect/journal"),
        ("DELETE", "/_mockconnect/journal"),
        ("GET", "/_mockconnect/state"),
        ("PUT", "/_mockconnect/state"),
    ]:
        answer = client.open(path, method=method, json={} if method == "PUT" else None)
        assert answer.status_code == 401, (method, path)
        assert answer.get_json() == {"error_code": 401, "message": "User cannot access the resource."}
    assert len(state.journal) == 5  # nothing was reset or cleared
    allowed = client.get("/_mockconnect/journal", headers=basic("alice", "secret"))
    assert allowed.status_code == 200
    assert [e["status"] for e in allowed.get_json()["entries"]] == [401] * 5
    assert client.post("/_mockconnect/reset", headers=basic("bob", "builder")).status_code == 204


def test_without_auth_nothing_changes() -> None:
    client = create_app(MockState()).test_client()
    assert client.get("/connectors").status_code == 200
    assert client.get("/_mockconnect/journal").status_code == 200


def test_served_with_requests_auth(served: MockConnect) -> None:
    assert requests.get(f"{served.url}/connectors", timeout=5).status_code == 401
    assert requests.get(f"{served.url}/connectors", auth=("alice", "secret"), timeout=5).json() == []
    assert requests.get(f"{served.url}/connectors", auth=("alice", "nope"), timeout=5).status_code == 401


# What java.util.Base64.getDecoder().decode(String) answered (Java 17), checked against the port
# over 2,974 generated strings while writing it; these cover each of its messages.
JAVA_BASE64 = [
    ("YWxpY2U6c2VjcmV0", "616c6963653a736563726574"),
    ("YQ", "61"),
    ("YQ=", "ERR Input byte array has wrong 4-byte ending unit"),
    ("YQ==", "61"),
    ("YQ===", "ERR Input byte array has incorrect ending byte at 4"),
    ("abc", "69b7"),
    ("abcd=", "ERR Input byte array has wrong 4-byte ending unit"),
    ("a===", "ERR Last unit does not have enough valid bits"),
    ("ab==c", "ERR Input byte array has incorrect ending byte at 4"),
    ("abcde", "ERR Last unit does not have enough valid bits"),
    ("=", "ERR Input byte[] should at least have 2 bytes for base64 bytes"),
    ("==", "ERR Input byte array has wrong 4-byte ending unit"),
    (" YWxp", "ERR Illegal base64 character 20"),
    ("ab\u00e9", "ERR Illegal base64 character -17"),
    ("ab\u0100", "ERR Illegal base64 character 3f"),
    ("ab-_", "ERR Illegal base64 character 2d"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), JAVA_BASE64)
def test_java_base64_decoder(text: str, expected: str) -> None:
    try:
        got = java_base64_decode(text).hex()
    except JavaBase64Error as error:
        got = f"ERR {error.message}"
    assert got == expected
