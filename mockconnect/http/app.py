"""The Flask app factory: routes, the Kafka-style gate in front of views, the journal behind them."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Request, Response, current_app, g, request
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    UnsupportedMediaType,
)

from mockconnect.http import admin as admin_api
from mockconnect.http import fault_effects as fault_glue
from mockconnect.http import security, views
from mockconnect.http.client import MockConnectClient
from mockconnect.http.direct import DirectPath
from mockconnect.http.errors import envelope, error_answer, http_envelope, internal_error_answer
from mockconnect.http.exchange import JOURNAL_BODY_LIMIT, Exchange, kafka_operation, record, request_problems
from mockconnect.http.host import host_problem
from mockconnect.http.media import ACCEPTS_JSON, media_type
from mockconnect.http.rawpath import AMBIGUOUS_URI, BAD_URI, RawPathRouting
from mockconnect.http.reply import answer_response, replied_body, reply
from mockconnect.http.transport import ANNOUNCED, CLOSE_AFTER, SILENT, TransportFaults
from mockconnect.mock.state import MockState
from mockconnect.release.contract import Contract, Operation
from mockconnect.worker.errors import ConnectError
from mockconnect.worker.javamap import hash_ordered

log = logging.getLogger("mockconnect")
DEFAULT_MAX_BODY = 1024 * 1024
_ROUTES = {item.operation_id: item for item in views.ROUTES}
_RULE_OPERATIONS: dict[str, dict[str, str]] = {}
"""Rule -> method -> operationId, to tell a method a release lacks (405) from a path it lacks (404)."""
for _item in views.ROUTES:
    _RULE_OPERATIONS.setdefault(_item.rule, {})[_item.method] = _item.operation_id


def create_app(
    state: MockState | None = None,
    *,
    validate: bool = True,
    max_body: int = DEFAULT_MAX_BODY,
    contract: Contract | None = None,
    admin: bool = True,
    auth: security.BasicAuth | None = None,
    direct: bool = True,
) -> Flask:
    """A Flask app serving the Kafka Connect REST API over ``state`` (a fresh one by default).

    ``admin`` adds the admin API under ``/_mockconnect/``, checked against its own contract.
    ``auth`` asks for basic-auth credentials as Kafka's BasicAuthSecurityRestExtension does (admin API included).
    ``direct=False`` sends every request through Flask, even the plain ones :mod:`mockconnect.http.direct`
    answers itself (the same answers; the tests compare the two).
    """
    app = Flask("mockconnect", static_folder=None)
    app.response_class = LocationAsSet
    app.test_client_class = MockConnectClient
    app.url_map.strict_slashes = False  # Jersey accepts one optional trailing slash
    app.url_map.merge_slashes = False  # but never an empty segment: /connectors//status is a 404
    app.wsgi_app = RawPathRouting(app.wsgi_app)  # type: ignore[method-assign]
    if direct:
        app.wsgi_app = DirectPath(app.wsgi_app, app)  # type: ignore[method-assign]
    app.wsgi_app = security.ContainErrors(app.wsgi_app)  # type: ignore[method-assign]
    app.extensions[security.AUTH_KEY] = auth
    app.wsgi_app = TransportFaults(app.wsgi_app)  # type: ignore[method-assign]
    app.config["MAX_CONTENT_LENGTH"] = max_body
    app.extensions["mockconnect"] = state or MockState()
    app.extensions["mockconnect.validate"] = validate
    app.extensions["mockconnect.contract"] = contract  # overrides the document of the release emulated
    views.register(app)
    app.extensions["mockconnect.admin_contract"] = None
    if admin:
        admin_api.register(app)
        app.extensions["mockconnect.admin_contract"] = admin_api.admin_contract() if validate else None
    app.before_request(_gate)
    app.after_request(_record)
    app.register_error_handler(ConnectError, _connect_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)
    return app


def _bare(error: HTTPException) -> HTTPException:
    error.mockconnect_bare = True  # type: ignore[attr-defined]
    return error


def _options() -> Response:
    """Jersey's automatic OPTIONS answer: the allowed methods, in Java HashSet order, as text.

    Only when the client accepts text/plain; otherwise an empty 200 typed as the preferred
    accepted media type (as a real 3.7.0 worker answers ``Accept: application/json``).
    """
    from flask import current_app

    adapter = current_app.url_map.bind_to_environ(request.environ)
    absent = _cluster().release.absent_operations
    rule = request.url_rule.rule if request.url_rule is not None else ""
    gone = {m for m, op in _RULE_OPERATIONS.get(rule, {}).items() if op in absent}
    if "GET" in gone:
        gone.add("HEAD")
    # Java's HashSet keeps colliding methods (PUT, PATCH) in the order the resource declares them.
    declared = [*_RULE_OPERATIONS.get(rule, {}), *adapter.allowed_methods()]
    methods = [m for m in hash_ordered(dict.fromkeys(declared)) if m not in gone]
    if not set(methods) - {"OPTIONS"}:  # nothing of this path exists in the release emulated
        raise _bare(NotFound())
    preferred = _options_media_type(request.headers.get("Accept"))
    if preferred is None:
        answer = Response(", ".join(methods), 200, content_type="text/plain")
    else:
        answer = Response(b"", 200)
        answer.headers["Content-Type"] = preferred
    answer.headers["Allow"] = ",".join(methods)
    return answer


def _options_media_type(accept: str | None) -> str | None:
    """None when an accepted range covers text/plain (q ignored, as Jersey does), else the range
    with the highest q (the first of equals), written as Jersey writes a MediaType."""
    ranges: list[tuple[float, str]] = []
    for item in (accept or "").split(","):
        kind, *params = (part.strip() for part in item.split(";"))
        if not kind:
            continue
        main, _, sub = kind.partition("/")
        main, sub = main.lower(), (sub or "*").lower()
        if main in ("*", "text") and sub in ("*", "plain"):
            return None
        quality = 1.0
        kept = []
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 1.0
            elif name.strip():
                kept.append(f"{name.strip()}={value.strip()}")
        ranges.append((quality, ";".join([f"{main}/{sub}", *kept])))
    if not ranges:
        return None
    return max(ranges, key=lambda item: item[0])[1]


class LocationAsSet(Response):
    """A response whose Location goes out as the view set it. werkzeug passes it through ``iri_to_uri``,
    which lower-cases the host, where Kafka repeats the Host header as sent (the mock's Locations are
    ASCII already)."""

    def get_wsgi_headers(self, environ: Any) -> Any:
        headers = super().get_wsgi_headers(environ)
        location = self.headers.get("Location")
        if location is not None:
            headers["Location"] = location
        return headers


def _gate() -> Response | None:
    """Kafka's checks before a view runs: routing, then Content-Type (415), then Accept (406)."""
    # The request and g proxies are read once: every access through a proxy looks up the context.
    req = request._get_current_object()  # type: ignore[attr-defined]
    ctx = g._get_current_object()
    ctx.mockconnect_started = time.perf_counter()
    environ = req.environ
    content_type = req.headers.get("Content-Type")
    media = None if content_type is None else media_type(content_type)
    release = _cluster().release
    if environ.get(BAD_URI) or (content_type is not None and media is None):
        # Jetty refuses these before Jersey sees them (with an HTML page, which the mock does not copy),
        # and a URI it cannot parse ends the connection: Jetty 9 says so, Jetty 12 (Kafka 4) does not.
        ctx.mockconnect_unrouted = True
        if environ.get(BAD_URI):
            environ[CLOSE_AFTER] = SILENT if release.has("ambiguous_uris_refused") else ANNOUNCED
        raise BadRequest()
    refused_host = host_problem(environ, release)
    if refused_host is not None:  # Jetty refuses these before routing, as the ambiguous paths below
        ctx.mockconnect_unrouted = True
        environ[CLOSE_AFTER] = ANNOUNCED  # and closes the connection, saying so (every release)
        if release.has("ambiguous_uris_refused"):
            return _ambiguous_uri(req.method, refused_host)
        return reply(envelope(400, f"HTTP 400 {refused_host}"), 400)
    ambiguous = environ.get(AMBIGUOUS_URI)
    if ambiguous and release.has("ambiguous_uris_refused"):
        ctx.mockconnect_unrouted = True
        # and closes the connection: Jetty 12 of Kafka 4.0 and 4.1 says so, from 4.2 it does not
        environ[CLOSE_AFTER] = SILENT if release.has("ambiguous_uri_closes_silently") else ANNOUNCED
        return _ambiguous_uri(req.method, ambiguous)
    if req.routing_exception is not None:
        if isinstance(req.routing_exception, MethodNotAllowed) and _path_absent(req):
            ctx.mockconnect_unrouted = True
            raise _bare(NotFound())
        raise _bare(req.routing_exception)
    if "//" in environ.get("PATH_INFO", ""):  # an empty segment matches no Jersey template
        ctx.mockconnect_unrouted = True
        raise _bare(NotFound())
    if req.method == "OPTIONS":
        kind = _options_media_type(req.headers.get("Accept")) or "text/plain"
        return security.check_credentials(req, ctx, admin=False, content_type=kind) or _options()
    endpoint = req.endpoint
    if endpoint in admin_api.OPERATION_IDS:
        ctx.mockconnect_operation = operation = _operation(endpoint)
        refused = security.check_credentials(req, ctx, admin=True)
        if refused is None:
            _check_request(req, ctx, operation)
        return refused
    route = _ROUTES.get(endpoint or "")
    if route is None:
        return None
    if endpoint in _cluster().release.absent_operations:
        _refuse_absent(req, ctx)
    # Looked up once per request: _record checks the response against the same operation.
    ctx.mockconnect_operation = operation = _operation(endpoint)
    if route.consumes_json and media is not None and media not in ("application/json", "*/*", "application/*"):
        raise _bare(UnsupportedMediaType())  # @Consumes(application/json) refuses it
    accept = req.headers.get("Accept")
    if accept and accept not in ACCEPTS_JSON and req.accept_mimetypes.best_match(["application/json"]) is None:
        raise _bare(NotAcceptable())
    refused = security.check_credentials(req, ctx, admin=False)  # Kafka's filter runs after matching
    if refused is not None:
        return refused
    if route.consumes_json and route.reads_body and media != "application/json" and req.get_data(cache=True):
        raise UnsupportedMediaType()  # no JSON reader for the body's type: raised inside the resource
    _check_request(req, ctx, operation)
    state: MockState = current_app.extensions["mockconnect"]
    if state.faults.requested:
        return fault_glue.intercept(state, req, ctx, route.operation_id)
    return None


def _cluster() -> Any:
    return current_app.extensions["mockconnect"].cluster


def _ambiguous_uri(method: str, reason: str) -> Response:
    """Jetty 12's 400 for an ambiguous path: an HTML page for GET, POST and HEAD, which the mock
    answers with Kafka's envelope instead; for other methods an empty body without Content-Type."""
    if method in ("GET", "POST", "HEAD"):
        return reply(envelope(400, f"HTTP 400 {reason}"), 400)
    answer = Response(b"", 400)
    del answer.headers["Content-Type"]
    return answer


def _path_absent(req: Request) -> bool:
    """Whether every operation at this path is one the release emulated lacks (GET /health in 3.8)."""
    absent = _cluster().release.absent_operations
    if not absent:
        return False
    try:
        rule, _ = current_app.url_map.bind_to_environ(req.environ).match(method="GET", return_rule=True)
    except HTTPException:
        return False
    operations = _RULE_OPERATIONS.get(rule.rule, {}).values()
    return bool(operations) and all(op in absent for op in operations)


def _refuse_absent(req: Request, ctx: Any) -> None:
    """Jersey's answer to an operation the release emulated does not have: 405 if the path has other methods."""
    ctx.mockconnect_unrouted = True
    absent = _cluster().release.absent_operations
    rule = req.url_rule.rule if req.url_rule is not None else ""
    here = _RULE_OPERATIONS.get(rule, {})
    method = "GET" if req.method == "HEAD" else req.method
    others = [m for m, op in here.items() if m != method and op not in absent]
    raise _bare(MethodNotAllowed() if others else NotFound())


def _check_request(req: Request, ctx: Any, operation: Operation | None) -> None:
    ctx.mockconnect_request_problems = request_problems(
        operation, req.method, req.view_args or {}, req.args, req.mimetype or None, req.get_data(cache=True)
    )


def _operation(operation_id: str | None) -> Operation | None:
    """The contract's view of an operation: the admin API's for admin routes, else Kafka's."""
    from flask import current_app

    if not operation_id:
        return None
    extensions = current_app.extensions
    if operation_id in admin_api.OPERATION_IDS:
        contract: Contract | None = extensions["mockconnect.admin_contract"]
        return None if contract is None else contract.operations.get(operation_id)
    return kafka_operation(extensions, operation_id)


_UNSET = object()


def _record(response: Response) -> Response:
    """Check the answer against the contract and write the journal entry."""
    from flask import current_app

    req = request._get_current_object()  # type: ignore[attr-defined]
    ctx = g._get_current_object()
    has_body, body, encoded = replied_body()
    routed = req.url_rule is not None and not ctx.get("mockconnect_unrouted")
    operation_id = req.endpoint if routed else None
    fired: fault_glue.Fired | None = ctx.get("mockconnect_fired")
    operation = None
    if operation_id and (fired is None or fired.checked):
        operation = ctx.get("mockconnect_operation", _UNSET)
        if operation is _UNSET:  # the gate stopped before it looked the operation up
            operation = _operation(operation_id)
    try:
        raw: bytes | None = req.get_data(cache=True)
    except HTTPException:
        raw = None
    exchange = Exchange(
        method=req.method,
        path=req.path,
        operation_id=operation_id,
        path_params=dict(req.view_args or {}),
        query=req.args.to_dict(flat=False),
        raw_body=raw,
        status=response.status_code,
        body=body,
        has_body=has_body,
        started=ctx.get("mockconnect_started", time.perf_counter()),
        encoded=encoded,
        request_problems=ctx.get("mockconnect_request_problems", []),
        error=ctx.get("mockconnect_error"),
        fault_ids=[] if fired is None else fired.ids,
        dropped=fired is not None and fired.dropped,
    )
    record(
        current_app.extensions["mockconnect"],
        exchange,
        operation,
        response.mimetype or None,
        response.headers,
        response.content_length,
    )
    return response


def _connect_error(error: ConnectError) -> Response:
    return answer_response(error_answer(error))


def _http_error(error: HTTPException) -> Response:
    status, body = http_envelope(error)
    answer = reply(body, status)
    if getattr(error, "mockconnect_bare", False):
        del answer.headers["Content-Type"]
    return answer


def _internal_error(error: Exception) -> Response:
    answer, g.mockconnect_error = internal_error_answer(error, JOURNAL_BODY_LIMIT)
    log.error("mockconnect internal error on %s %s", request.method, request.path, exc_info=error)
    return answer_response(answer)
