"""The admin API under ``/_mockconnect/``: reset, journal, state, scenarios, faults, clock (mockconnect-admin.yaml)."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from functools import cache

from flask import Flask, Response, current_app, request

from mockconnect.http.errors import envelope
from mockconnect.http.reply import reply
from mockconnect.mock import snapshot
from mockconnect.mock.state import MockState
from mockconnect.release.contract import Contract, read_document
from mockconnect.worker.clock import java_instant
from mockconnect.worker.errors import BadRequest, Conflict, NotFound
from mockconnect.worker.models import Json

PREFIX = "/_mockconnect"
View = Callable[..., Response]
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
    cluster = mock_state().cluster
    cluster.catch_up()
    return reply(snapshot.take(cluster))


@route("replaceState", "PUT", "/state")
def replace_state() -> Response:
    data = _json_body("the snapshot", "a state snapshot (a JSON object); GET /_mockconnect/state shows one")
    if isinstance(data, Response):
        return data
    cluster = mock_state().cluster
    snapshot.restore(cluster, data)
    return reply(snapshot.take(cluster))


def _json_body(what: str, expected: str) -> object:
    """The JSON body of an admin request, or the 415 answer when it is not typed JSON; 400 unless it parses."""
    kind = request.mimetype.lower()
    if kind != "application/json":
        message = f"send {what} with Content-Type: application/json (this request had {kind or 'none'})"
        return reply(envelope(415, message), 415)
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest(f"the body must be {expected}")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None


# -- scenarios, faults and the clock -----------------------------------------------------------


@route("getScenario", "GET", "/scenario")
def get_scenario() -> Response:
    loaded = mock_state().scenario
    return reply({"scenario": None if loaded is None else loaded.summary()})


@route("loadScenario", "PUT", "/scenario")
def load_scenario() -> Response:
    from mockconnect.mock import scenario as scenarios  # jsonschema loads only when scenarios are used

    data = _json_body("the scenario", '{"name": "<a ready scenario>"} or {"scenario": {<a scenario document>}}')
    if isinstance(data, Response):
        return data
    if (
        not isinstance(data, dict)
        or set(data) - {"name", "scenario", "seed"}
        or ("name" in data) == ("scenario" in data)
    ):
        raise BadRequest(
            'the body must be {"name": "<a ready scenario>"} or {"scenario": {<a scenario document>}}, '
            'with an optional "seed"'
        )
    seed = data.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise BadRequest(f"seed must be a whole number, not {json.dumps(seed)}")
    try:
        if "name" in data:
            name = data["name"]
            if not isinstance(name, str) or name not in scenarios.shipped_names():
                # Only ready scenarios by name: the admin API never reads files of the server's choosing.
                close = difflib.get_close_matches(str(name), scenarios.shipped_names(), n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise BadRequest(
                    f"no ready scenario named {json.dumps(name)}.{hint} Ready scenarios: "
                    f'{", ".join(scenarios.shipped_names())}; send any other as {{"scenario": {{...}}}}'
                )
            loaded = scenarios.load(name)
        else:
            loaded = scenarios.from_data(data["scenario"], source="PUT /_mockconnect/scenario")
    except scenarios.ScenarioError as exc:
        raise BadRequest(str(exc)) from None
    if seed is not None:
        loaded = loaded.with_seed(seed)
    state = mock_state()
    state.load_scenario(loaded)
    return reply({"scenario": loaded.summary()})


@route("listFaults", "GET", "/faults")
def list_faults() -> Response:
    return reply({"faults": mock_state().faults.statuses()})


@route("addFault", "POST", "/faults")
def add_fault() -> Response:
    from mockconnect.mock import scenario as scenarios  # jsonschema loads only when scenarios are used

    spec = _json_body("the fault", "a fault (a JSON object, as one item of a scenario's faults)")
    if isinstance(spec, Response):
        return spec
    state = mock_state()
    try:
        fault = state.add_fault(spec)
    except scenarios.ScenarioError as exc:
        raise BadRequest(str(exc)) from None
    return reply(state.faults.status(fault.id), 201)


@route("clearFaults", "DELETE", "/faults")
def clear_faults() -> Response:
    faults = mock_state().faults
    for status in faults.statuses():
        faults.remove(str(status["id"]))
    return reply(None, 204)


@route("removeFault", "DELETE", "/faults/<fault_id>")
def remove_fault(fault_id: str) -> Response:
    faults = mock_state().faults
    try:
        faults.remove(fault_id)
    except KeyError:
        names = ", ".join(repr(str(s["id"])) for s in faults.statuses()) or "none"
        raise NotFound(f"no fault {fault_id!r}; the active faults are: {names}") from None
    return reply(None, 204)


def _clock() -> dict[str, object]:
    clock = mock_state().clock
    now = clock.now()
    return {"mode": "manual" if clock.manual else "wall", "now": now, "instant": java_instant(now)}


@route("getClock", "GET", "/clock")
def get_clock() -> Response:
    return reply(_clock())


@route("advanceClock", "POST", "/clock/advance")
def advance_clock() -> Response:
    data = _json_body("the advance", '{"seconds": <a number of seconds, not negative>}')
    if isinstance(data, Response):
        return data
    seconds = data.get("seconds") if isinstance(data, dict) and set(data) == {"seconds"} else None
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        raise BadRequest('the body must be {"seconds": <a number of seconds, not negative>}')
    state = mock_state()
    if not state.clock.manual:
        raise Conflict("the mock runs on wall time, which cannot be advanced; start it with --clock manual")
    state.advance(float(seconds))
    return reply(_clock())


OPERATION_IDS = frozenset(operation_id for operation_id, *_ in ROUTES)


def register(app: Flask) -> None:
    """Route the admin operations, each under its operationId as endpoint (the journal's label)."""
    for operation_id, method, rule, view in ROUTES:
        app.add_url_rule(rule, endpoint=operation_id, view_func=view, methods=[method])
