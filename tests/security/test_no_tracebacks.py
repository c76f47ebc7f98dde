"""Answers never carry Python tracebacks or internal paths, even when the error handling fails too."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

import mockconnect
from mockconnect.http.app import create_app
from mockconnect.mock.state import MockState
from mockconnect.server import MockConnect

PACKAGE = str(Path(mockconnect.__file__).parent)
LEAKS = ("Traceback", 'File "', PACKAGE, "site-packages", '.py"', ".py'", ".py,", ".py:")


class Boom(RuntimeError):
    """An internal error whose message carries a path, as an OSError's would."""


def boom(*args: object) -> None:
    raise Boom(f"cannot open {PACKAGE}/data/secret.json")


def assert_clean(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} in {text!r}"


def failing_app(state: MockState, *, handlers_fail: bool = False, direct: bool = True) -> Flask:
    """An app whose worker fails on listConnectors, and whose journal view fails. ``handlers_fail``:
    Flask's error handlers fail too (the direct path has none, so it is turned off then)."""
    app = create_app(state, direct=direct and not handlers_fail)
    state.cluster.list_connectors = boom  # type: ignore[method-assign]
    app.view_functions["getJournal"] = boom
    if handlers_fail:

        def also_boom(error: Exception) -> None:
            raise Boom(f"the handler failed too, see {PACKAGE}/app.py")

        app.register_error_handler(Exception, also_boom)
        app.register_error_handler(500, also_boom)
    return app


@pytest.fixture(autouse=True)
def quiet_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    with caplog.at_level(logging.CRITICAL, logger="mockconnect"):
        yield


@pytest.mark.parametrize("direct", [True, False], ids=["direct path", "through Flask"])
def test_an_internal_error_is_the_envelope_without_traceback(direct: bool) -> None:
    state = MockState()
    answer = failing_app(state, direct=direct).test_client().get("/connectors")
    assert answer.status_code == 500
    assert answer.get_json() == {"error_code": 500, "message": "mockconnect internal error: Boom"}
    assert_clean(answer.data)
    entry = state.journal.entries()[-1]  # the in-process journal keeps the traceback for the test's author
    assert entry.error is not None
    assert "Traceback" in entry.error


def test_an_error_in_the_error_handler_is_still_the_envelope() -> None:
    answer = failing_app(MockState(), handlers_fail=True).test_client().get("/connectors")
    assert answer.status_code == 500
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.get_json() == {"error_code": 500, "message": "mockconnect internal error"}
    assert_clean(answer.data)


@pytest.mark.parametrize("direct", [True, False], ids=["direct path", "through Flask"])
def test_an_error_in_the_journal_hook_is_still_the_envelope(monkeypatch: pytest.MonkeyPatch, direct: bool) -> None:
    state = MockState()
    app = create_app(state, direct=direct)

    def broken_record(entry: object) -> None:
        raise Boom(f"journal full at {PACKAGE}")

    monkeypatch.setattr(state.journal, "record", broken_record)
    answer = app.test_client().get("/connectors")
    assert answer.status_code == 500
    assert answer.get_json()["error_code"] == 500
    assert_clean(answer.data)


def test_served_the_same_way_through_waitress() -> None:
    """waitress would answer its own text page if an exception reached it."""
    mock = MockConnect()
    failing = failing_app(mock.state, handlers_fail=True)
    mock._server.application = failing  # the same state, served with the failing app
    with mock:
        answer = requests.get(f"{mock.url}/connectors", timeout=5)
        head = requests.head(f"{mock.url}/connectors", timeout=5)
    assert answer.status_code == 500
    assert answer.json() == {"error_code": 500, "message": "mockconnect internal error"}
    assert_clean(answer.content)
    assert (head.status_code, head.content) == (500, b"")


def test_the_admin_journal_names_the_exception_without_its_traceback() -> None:
    state = MockState()
    client = failing_app(state).test_client()
    client.get("/connectors")
    journal = create_app(state).test_client().get("/_mockconnect/journal")
    assert journal.status_code == 200
    entries = journal.get_json()["entries"]
    assert entries[0]["error"].endswith("Boom (the traceback is in mockconnect's log)")
    assert_clean(journal.data)


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/connectors", b"{", "application/json"),
        ("/connectors", b"\xff\xfe", "application/json"),
        ("/connectors", b"[" * 5000, "application/json"),
        ("/connectors/%2e%2e/config", b"{}", "application/json"),
        ("/_mockconnect/state", b"{not json", "application/json"),
        ("/_mockconnect/state", b'{"version": 99}', "application/json"),
    ],
)
def test_error_answers_to_bad_input_carry_no_python_internals(path: str, body: bytes, content_type: str) -> None:
    client = create_app(MockState()).test_client()
    method = "PUT" if path.endswith(("config", "state")) else "POST"
    answer = client.open(path, method=method, data=body, content_type=content_type)
    assert answer.status_code >= 400
    assert_clean(answer.data)
