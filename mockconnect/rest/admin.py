"""The admin API under ``/_mockconnect/``: reset, the journal and state snapshots (mockconnect-admin.yaml)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache

from flask import Flask, Response, current_app, request

from .. import snapshot
from ..contract import Contract, read_document
from ..errors import BadRequest
from ..models import Json
from ..state import MockState
from .errors import envelope
from .reply import reply

PREFIX = "/_mockconnect"
View = Callable[[], Response]
ROUTES: list[tuple[str, str, str, View]] = []


def route(operation_id: str, method: str, path: str) -> Callable[[View], View]:
    def register(view: View) -> View:
        ROUTES.append((operation_id, method, PREFIX + path, view))
        return view

    return register


@cache
def admin_contract() -> Contract:
    """The admin API's own contract, compiled once per process; Kafka's contract never sees it."""
    return Contract(read_document("mockconnect-admin.yaml"))


def mock_state() -> MockState:
    found: MockState = current_app.extensions["mockconnect"]
    return found


@route("resetMock", "POST", "/reset")
def reset_mock() -> Response:
    mock_state().reset()
    return reply(None, 204)


@route("getJournal", "GET", "/journal")
def get_journal() -> Response:
    journal = mock_state().journal
    wanted = request.args.get("operation_id")
    entries = [_served(e.to_dict()) for e in journal.entries() if wanted is None or e.operation_id == wanted]
    return reply({"limit": journal.limit, "evicted": journal.evicted, "entries": entries})


def _served(entry: dict[str, Json]) -> dict[str, Json]:
    """An entry as the admin API shows it: an internal error by its exception's name only, since
    answers never carry Python tracebacks or paths (the traceback is in the server's log and in
    the in-process journal)."""
    error = entry.get("error")
    if isinstance(error, str) and error:
        lines = error.splitlines()
        frames = [i for i, line in enumerate(lines) if line.startswith("  File ")]
        after = lines[frames[-1] + 1 :] if frames else lines
        found = next((line for line in after if line and not line[0].isspace()), "")
        name = _EXCEPTION_NAME.match(found)
        entry["error"] = f"{name.group(0) if name else 'internal error'} (the traceback is in mockconnect's log)"
    return entry


_EXCEPTION_NAME = re.compile(r"[A-Za-z_][\w.]*(?=:|$)")


@route("clearJournal", "DELETE", "/journal")
def clear_journal() -> Response:
    mock_state().journal.clear()
    return reply(None, 204)


@route("getState", "GET", "/state")
def get_state() -> Response:
    return reply(snapshot.take(mock_state().cluster))


@route("replaceState", "PUT", "/state")
def replace_state() -> Response:
    kind = request.mimetype.lower()
    if kind != "application/json":
        message = f"send the snapshot with Content-Type: application/json (this request had {kind or 'none'})"
        return reply(envelope(415, message), 415)
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("the body must be a state snapshot (a JSON object); GET /_mockconnect/state shows one")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    cluster = mock_state().cluster
    snapshot.restore(cluster, data)
    return reply(snapshot.take(cluster))


OPERATION_IDS = frozenset(operation_id for operation_id, *_ in ROUTES)


def register(app: Flask) -> None:
    """Route the admin operations, each under its operationId as endpoint (the journal's label)."""
    for operation_id, method, rule, view in ROUTES:
        app.add_url_rule(rule, endpoint=operation_id, view_func=view, methods=[method])
