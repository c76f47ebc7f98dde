"""The direct path: plain requests to Kafka's operations served without Flask, with the same views,
contract checks and journal; every other request goes on to Flask unchanged.

Flask and werkzeug cost about 0.6 ms a request on this server (measured: benchmarks/client_floor.py),
more than the mock's own work on a status or config read. A request is *plain* when none of the
rules that need Flask's machinery can apply to it: no authentication is asked for, no fault waits for
requests, its path is made of unreserved characters only (nothing to decode, no dot or empty segment,
no trailing slash), its query is ``name=value`` pairs of the same characters, it is GET, POST, PUT,
PATCH or DELETE on an operation the release emulated has, it takes JSON (no Accept header, or one that takes
JSON as it is), any body it has is JSON within the size limit, and Jetty would take its Host header
(:mod:`mockconnect.http.host`). Such a request's answer cannot
depend on anything else, so the direct path gives byte for byte the answer and the journal entry
Flask would (``tests/http/test_direct_path.py`` holds the two to that).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from mockconnect.http import security
from mockconnect.http.errors import error_answer, http_envelope, internal_error_answer
from mockconnect.http.exchange import JOURNAL_BODY_LIMIT, Exchange, kafka_operation, record, request_problems
from mockconnect.http.host import base_url, host_problem
from mockconnect.http.media import ACCEPTS_JSON, media_type
from mockconnect.http.rawpath import JavaIntConverter, raw_path
from mockconnect.http.reply import Answer, dump, gc_paused
from mockconnect.http.views import INTERNAL_OPERATIONS, ROUTES, Args, View
from mockconnect.mock.state import MockState
from mockconnect.worker.cluster import ConnectCluster
from mockconnect.worker.errors import ConnectError

log = logging.getLogger("mockconnect")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_SEGMENT = r"(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+"
"""One path segment that needs no decoding: unreserved characters, never a dot segment."""
_QUERY = re.compile(r"(?:[A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*(?:&[A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*)*)?")
_STATUS_LINES = {code: f"{code} {text.upper()}" for code, text in HTTP_STATUS_CODES.items()}


@dataclass(frozen=True, slots=True)
class _Route:
    operation_id: str
    pattern: re.Pattern[str]
    view: View
    task_param: bool
    grows: bool


def _compile(rule: str) -> re.Pattern[str]:
    pattern = re.sub(r"<(?:segment|javaint):(\w+)>", lambda m: f"(?P<{m.group(1)}>{_SEGMENT})", rule)
    return re.compile(pattern)


_BY_METHOD: dict[str, list[_Route]] = {}
for _item in ROUTES:
    if _item.operation_id not in INTERNAL_OPERATIONS:
        _BY_METHOD.setdefault(_item.method, []).append(
            _Route(_item.operation_id, _compile(_item.rule), _item.view, "<javaint:" in _item.rule, _item.grows)
        )


def _pair(item: str) -> tuple[str, str]:
    name, _, value = item.partition("=")
    return name, value


class DirectCall:
    """A :class:`mockconnect.http.views.Call` over a WSGI environ."""

    __slots__ = ("cluster", "args", "body", "_environ")

    def __init__(self, cluster: ConnectCluster, args: Args, body: bytes, environ: dict[str, Any]) -> None:
        self.cluster = cluster
        self.args = args
        self.body = body
        self._environ = environ

    def header(self, name: str) -> str | None:
        value: str | None = self._environ.get("HTTP_" + name.upper().replace("-", "_"))
        return value

    def host_url(self) -> str:
        return base_url(self._environ, self.cluster.release)


class _HeaderNames:
    __slots__ = ("_names",)

    def __init__(self, headers: list[tuple[str, str]]) -> None:
        self._names = {name.lower() for name, _ in headers}

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._names


class DirectPath:
    """WSGI middleware: serve a plain request (see the module's text) itself, pass any other to ``app``."""

    def __init__(self, app: WSGIApp, flask_app: Flask) -> None:
        self.app = app
        self.extensions = flask_app.extensions
        self.config = flask_app.config

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        matched = self._match(environ)
        if matched is None:
            return self.app(environ, start_response)
        state, route, path, params = matched
        return self._serve(environ, start_response, state, route, path, params)

    def _match(self, environ: dict[str, Any]) -> tuple[MockState, _Route, str, dict[str, Any]] | None:
        routes = _BY_METHOD.get(environ.get("REQUEST_METHOD", ""))
        if routes is None or environ.get("SCRIPT_NAME"):
            return None
        extensions = self.extensions
        state: MockState = extensions["mockconnect"]
        if extensions[security.AUTH_KEY] is not None or state.faults.requested:
            return None
        accept = environ.get("HTTP_ACCEPT")
        if (accept and accept not in ACCEPTS_JSON) or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        content_type = environ.get("CONTENT_TYPE", "")
        length = environ.get("CONTENT_LENGTH", "")
        if content_type:
            if media_type(content_type) != "application/json":
                return None
        elif length not in ("", "0"):
            return None
        if length and (not length.isdigit() or int(length) > (self.config["MAX_CONTENT_LENGTH"] or 0)):
            return None
        if not _QUERY.fullmatch(environ.get("QUERY_STRING", "")):
            return None
        if host_problem(environ, state.cluster.release) is not None:
            return None  # Flask's gate answers Jetty's 400
        path = raw_path(environ)
        for route in routes:
            found = route.pattern.fullmatch(path)
            if found is not None:
                break
        else:
            return None
        if route.operation_id in state.cluster.release.absent_operations:
            return None
        params: dict[str, Any] = found.groupdict()
        if route.task_param:
            task = JavaIntConverter.to_python(None, params["task"])  # type: ignore[arg-type]
            if task is None:
                return None  # Jersey fails the conversion inside the resource: Flask's path answers that
            params["task"] = task
        return state, route, path, params

    def _serve(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        state: MockState,
        route: _Route,
        path: str,
        params: dict[str, Any],
    ) -> Iterable[bytes]:
        if route.grows:
            # Until the answer's objects are freed: re-enabled while they live, the collector walks them all.
            with gc_paused():
                status, headers, data = self._exchange(environ, state, route, path, params)
        else:
            status, headers, data = self._exchange(environ, state, route, path, params)
        start_response(status, headers)
        return [data]

    def _exchange(
        self, environ: dict[str, Any], state: MockState, route: _Route, path: str, params: dict[str, Any]
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        started = time.perf_counter()
        length = environ.get("CONTENT_LENGTH", "")
        raw = environ["wsgi.input"].read(int(length)) if length and length != "0" else b""
        query = environ.get("QUERY_STRING", "")
        args: MultiDict[str, str] = MultiDict([_pair(item) for item in query.split("&")] if query else [])
        operation = kafka_operation(self.extensions, route.operation_id)
        mimetype = "application/json" if environ.get("CONTENT_TYPE") else None
        problems = request_problems(operation, environ["REQUEST_METHOD"], params, args, mimetype, raw)
        error = None
        try:
            answer = route.view(DirectCall(state.cluster, args, raw, environ), **params)
        except ConnectError as refused:
            answer = error_answer(refused)
        except HTTPException as refused:
            status, envelope = http_envelope(refused)
            answer = Answer(envelope, status)
        except Exception as failure:
            answer, error = internal_error_answer(failure, JOURNAL_BODY_LIMIT)
            log.error("mockconnect internal error on %s %s", environ["REQUEST_METHOD"], path, exc_info=failure)
        headers = list(answer.headers.items()) if answer.headers else []
        if answer.empty:
            data = b""
            if answer.status != 204:
                headers.append(("Content-Length", "0"))
        else:
            data = dump(answer.body, plain=answer.plain)
            headers.append(("Content-Type", "application/json"))
            headers.append(("Content-Length", str(len(data))))
        exchange = Exchange(
            method=environ["REQUEST_METHOD"],
            path=path,
            operation_id=route.operation_id,
            path_params=params,
            query=args.to_dict(flat=False),
            raw_body=raw,
            status=answer.status,
            body=None if answer.empty else answer.body,
            has_body=not answer.empty,
            started=started,
            encoded=None if answer.empty else data,
            request_problems=problems,
            error=error,
        )
        record(
            state,
            exchange,
            operation,
            None if answer.empty else "application/json",
            _HeaderNames(headers),
            len(data),
        )
        return _STATUS_LINES[answer.status], headers, data
