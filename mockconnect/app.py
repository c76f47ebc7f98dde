"""The Flask app factory: routes, the Kafka-style gate in front of views, the journal behind them."""

from __future__ import annotations

import logging
import time
import traceback

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, NotAcceptable, UnsupportedMediaType

from .contract import Contract, Operation, kafka_contract
from .errors import ConnectError
from .journal import Entry
from .rest import admin as admin_api
from .rest import body as jackson
from .rest import views
from .rest.errors import envelope, http_envelope, status_for
from .rest.reply import replied_body, reply
from .state import MockState

log = logging.getLogger("mockconnect")
DEFAULT_MAX_BODY = 1024 * 1024
_ROUTES = {item.operation_id: item for item in views.ROUTES}


def create_app(
    state: MockState | None = None,
    *,
    validate: bool = True,
    max_body: int = DEFAULT_MAX_BODY,
    contract: Contract | None = None,
    admin: bool = True,
) -> Flask:
    """A Flask app serving the Kafka Connect REST API over ``state`` (a fresh one by default).

    ``admin`` adds the admin API under ``/_mockconnect/``, checked against its own contract.
    """
    app = Flask("mockconnect", static_folder=None)
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = max_body
    app.extensions["mockconnect"] = state or MockState()
    app.extensions["mockconnect.contract"] = (contract or kafka_contract()) if validate else None
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


def _json_compatible(content_type: str) -> bool:
    """Jersey's MediaType.isCompatible against application/json (parameters ignored)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if "/" not in kind:
        return False
    main, sub = kind.split("/", 1)
    return main in ("application", "*") and sub in ("json", "*")


def _gate() -> None:
    """Kafka's checks before a view runs: routing, then Content-Type (415), then Accept (406)."""
    g.mockconnect_started = time.perf_counter()
    if request.routing_exception is not None:
        raise request.routing_exception
    if request.endpoint in admin_api.OPERATION_IDS:
        _check_request(request.endpoint)
        return
    route = _ROUTES.get(request.endpoint or "")
    if route is None or request.method == "OPTIONS":
        return
    content_type = request.headers.get("Content-Type")
    if route.consumes_json and content_type is not None and not _json_compatible(content_type):
        raise UnsupportedMediaType()
    if route.reads_body and content_type is None and request.get_data(cache=True):
        raise UnsupportedMediaType()
    if request.headers.get("Accept") and request.accept_mimetypes.best_match(["application/json"]) is None:
        raise NotAcceptable()
    _check_request(route.operation_id)


def _check_request(operation_id: str) -> None:
    operation = _operation(operation_id)
    if operation is not None and request.method not in ("HEAD", "OPTIONS"):
        g.mockconnect_request_problems = operation.request_problems(
            request.view_args or {}, request.args, request.mimetype or None, request.get_data(cache=True)
        )


def _operation(operation_id: str | None) -> Operation | None:
    """The contract's view of an operation: the admin API's for admin routes, else Kafka's."""
    from flask import current_app

    if not operation_id:
        return None
    key = "mockconnect.admin_contract" if operation_id in admin_api.OPERATION_IDS else "mockconnect.contract"
    contract: Contract | None = current_app.extensions[key]
    return None if contract is None else contract.operations.get(operation_id)


def _record(response: Response) -> Response:
    """Check the answer against the contract and write the journal entry."""
    from flask import current_app

    state: MockState = current_app.extensions["mockconnect"]
    has_body, body = replied_body()
    operation_id = request.endpoint if request.url_rule is not None else None
    response_problems: list[str] = []
    operation = _operation(operation_id)
    if operation is not None and request.method not in ("HEAD", "OPTIONS"):
        response_problems = operation.response_problems(
            response.status_code, response.mimetype or None, body, response.headers, has_body
        )
    if response_problems:
        log.error(
            "mockconnect broke its contract: %s %s -> %s: %s",
            request.method,
            request.path,
            response.status_code,
            "; ".join(response_problems),
        )
    started = g.get("mockconnect_started", time.perf_counter())
    state.journal.record(
        Entry(
            seq=state.journal.next_seq(),
            operation_id=operation_id,
            method=request.method,
            path=request.path,
            path_params=dict(request.view_args or {}),
            query=request.args.to_dict(flat=False),
            request_body=_request_body(),
            status=response.status_code,
            response_body=body,
            time=state.cluster.clock(),
            duration_ms=(time.perf_counter() - started) * 1000,
            request_problems=g.get("mockconnect_request_problems", []),
            response_problems=response_problems,
            error=g.get("mockconnect_error"),
        )
    )
    return response


def _request_body() -> object:
    try:
        raw = request.get_data(cache=True)
    except HTTPException:
        return None
    if not raw:
        return None
    try:
        return jackson.parse(raw)
    except ConnectError:
        return raw.decode("utf-8", "replace")


def _connect_error(error: ConnectError) -> Response:
    status = status_for(error)
    return reply(envelope(status, error.message), status)


def _http_error(error: HTTPException) -> Response:
    status, body = http_envelope(error)
    return reply(body, status)


def _internal_error(error: Exception) -> Response:
    g.mockconnect_error = "".join(traceback.format_exception(error))
    log.error("mockconnect internal error on %s %s", request.method, request.path, exc_info=error)
    return reply(envelope(500, f"mockconnect internal error: {error.__class__.__name__}"), 500)
