"""mockconnect_client builds plain calls' environs itself: they must be the ones werkzeug's builder makes."""

from __future__ import annotations

import json as jsonlib
from typing import Any

import pytest
from flask.testing import EnvironBuilder
from hypothesis import given, settings
from hypothesis import strategies as st

from mockconnect.http.app import create_app
from mockconnect.http.client import MockConnectClient

APP = create_app()

_SEGMENT = st.text(alphabet="abcXYZ019._~-", min_size=1, max_size=8)
_QUERY = st.lists(
    st.tuples(st.sampled_from(["expand", "includeTasks", "a.b"]), st.text("az09=.", max_size=5)), max_size=3
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
_HEADERS = st.dictionaries(
    st.sampled_from(["Accept", "X-Trace", "X_Trace", "Content-Type", "content-type", "User-Agent", "Authorization"]),
    st.sampled_from(["application/json", "text/plain", "*/*", "Basic dXNlcjpwdw==", "v1"]),
    max_size=3,
)


def _builder_environ(client: MockConnectClient, target: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    builder = EnvironBuilder(APP, target, environ_base=client._copy_environ({}), **kwargs)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _comparable(environ: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every key in order, the input stream as the bytes it holds."""
    return [(key, value.getvalue() if key == "wsgi.input" else value) for key, value in environ.items()]


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["GET", "post", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
    segments=st.lists(_SEGMENT, max_size=4),
    query=_QUERY,
    body=st.sampled_from(["none", "json", "bytes", "text", "empty"]),
    payload=_JSON,
    headers=st.none() | _HEADERS,
    preserve=st.booleans(),
)
def test_a_plain_call_gets_the_environ_werkzeug_builds(
    method: str,
    segments: list[str],
    query: list[tuple[str, str]],
    body: str,
    payload: Any,
    headers: dict[str, str] | None,
    preserve: bool,
) -> None:
    client = APP.test_client(use_cookies=False)
    client.preserve_context = preserve
    target = "/" + "/".join(segments) + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")
    kwargs: dict[str, Any] = {"method": method}
    if body == "json":
        kwargs["json"] = payload
    elif body in ("bytes", "text"):
        text = jsonlib.dumps(payload)
        kwargs["data"] = text.encode() if body == "bytes" else text
    elif body == "empty":
        kwargs["data"] = b""
    if headers is not None:
        kwargs["headers"] = headers
    fast = client.plain_environ(target, **kwargs)
    if headers and (len({name.lower() for name in headers}) < len(headers) or "X_Trace" in headers):
        assert fast is None  # a header twice (the builder joins them), or one WSGI cannot tell from another
        return
    assert fast is not None
    assert _comparable(fast) == _comparable(_builder_environ(client, target, kwargs))


@pytest.mark.parametrize(
    ("target", "kwargs"),
    [
        ("/connectors/a%20b", {}),  # escapes: the builder decodes them
        ("/connectors/ü", {}),
        ("/connectors?x=a+b", {}),
        ("http://localhost/connectors", {}),
        ("/connectors", {"query_string": {"expand": "status"}}),
        ("/connectors", {"json": {}, "data": b"{}"}),
        ("/connectors", {"data": {"form": "field"}}),
        ("/connectors", {"headers": {"Content-Length": "3"}, "data": b"abc"}),
        ("/connectors", {"headers": {"Host": "example.com"}}),
        ("/connectors", {"headers": [("Accept", "*/*")]}),
    ],
)
def test_anything_else_goes_to_the_builder(target: str, kwargs: dict[str, Any]) -> None:
    client = APP.test_client(use_cookies=False)
    if set(kwargs) <= {"method", "json", "data", "headers"}:
        assert client.plain_environ(target, **kwargs) is None
    if "json" in kwargs and "data" in kwargs:
        with pytest.raises(TypeError, match="json and data"):
            client.open(target, **kwargs)
    else:
        assert client.open(target, **kwargs).status_code in (200, 404, 415)


def test_calls_answer_the_same_through_the_shortcut_and_the_builder() -> None:
    """A lifecycle through the client, and through Flask's own client (the builder every time)."""
    config = {"connector.class": "FileStreamSink", "topics": "t", "tasks.max": "2"}

    def run(client: Any) -> list[tuple[int, bytes]]:
        calls = [
            client.post("/connectors", json={"name": "a", "config": config}),
            client.get("/connectors/a/status"),
            client.put(
                "/connectors/a/config", data=jsonlib.dumps(config), headers={"Content-Type": "application/json"}
            ),
            client.put("/connectors/a/config", data="{bad", headers={"Content-Type": "application/json"}),
            client.get("/connectors?expand=status&expand=info", headers={"Accept": "application/json"}),
            client.post("/connectors/a/restart?includeTasks=true"),
            client.put("/connectors/a/pause"),
            client.get("/connectors/a/tasks/0/status"),
            client.delete("/connectors/a"),
            client.get("/connectors/a"),
        ]
        return [(response.status_code, response.data) for response in calls]

    from flask.testing import FlaskClient

    shortcut = run(create_app().test_client(use_cookies=False))
    builder = run(FlaskClient(create_app(), use_cookies=False))
    assert shortcut == builder
    assert [status for status, _ in shortcut] == [201, 200, 200, 500, 200, 202, 202, 200, 204, 404]


@pytest.mark.parametrize(
    ("setting", "value"),
    [("SERVER_NAME", "connect.example:8083"), ("APPLICATION_ROOT", "/kafka"), ("PREFERRED_URL_SCHEME", "https")],
)
def test_an_app_configured_for_another_base_url_goes_to_the_builder(setting: str, value: str) -> None:
    app = create_app()
    app.config[setting] = value
    client = app.test_client(use_cookies=False)
    assert client.plain_environ("/connectors") is None
    default = APP.test_client(use_cookies=False)
    assert default.plain_environ("/connectors") is not None
