"""Thin views, one per Kafka Connect operation, each named by its operationId."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import NotFound

from mockconnect.http import body as jackson
from mockconnect.http.host import base_url
from mockconnect.http.jackson import Dialect, dialect_of
from mockconnect.http.rawpath import JavaIntConverter, SegmentConverter
from mockconnect.http.reply import Answer, answer_response, gc_paused
from mockconnect.release.contract import QueryArgs
from mockconnect.worker.cluster import ConnectCluster, CreateRequest
from mockconnect.worker.errors import BadRequest, Forbidden

View = Callable[..., Answer]

CONNECTOR = "/connectors/<segment:connector>"
TASK = CONNECTOR + "/tasks/<javaint:task>"


class Args(QueryArgs, Protocol):
    """The query parameters, as werkzeug's MultiDict offers them."""

    def get(self, key: str) -> str | None: ...


class Call(Protocol):
    """What a view needs of its request, however it arrived (through Flask or the direct path)."""

    cluster: ConnectCluster
    args: Args
    body: bytes

    def header(self, name: str) -> str | None: ...

    def host_url(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Route:
    """One routed operation: its rule, method, and whether Kafka's resource consumes JSON."""

    operation_id: str
    method: str
    rule: str
    view: View
    consumes_json: bool = True
    reads_body: bool = False
    grows: bool = False
    """The answer grows with the store (the listing): built, checked and sent with the GC paused."""


ROUTES: list[Route] = []


def route(
    operation_id: str,
    method: str,
    rule: str,
    *,
    consumes_json: bool = True,
    reads_body: bool = False,
    grows: bool = False,
) -> Callable[[View], View]:
    def register(view: View) -> View:
        ROUTES.append(Route(operation_id, method, rule, view, consumes_json, reads_body, grows))
        return view

    return register


def _flag(call: Call, name: str) -> bool:
    """JAX-RS Boolean parameters use Boolean.valueOf: only a case-insensitive "true" is true."""
    return (call.args.get(name) or "").lower() == "true"


def _body(call: Call, *, as_bytes: bool = False) -> jackson.Body:
    """The request body for the release's Jackson (:func:`dialect_of`); 2.13 (3.6) names its source in
    locations, the bytes themselves where the resource reads a ``byte[]``."""
    raw = call.body
    release = call.cluster.release
    if as_bytes and release.has("json_source_in_location"):
        return jackson.Body(raw, dialect=Dialect.of_bytes(raw))
    return jackson.Body(raw, dialect=dialect_of(release))


def _create_shape(call: Call) -> jackson.CreateShape:
    release = call.cluster.release
    feature = next((f for f in ("initial_state_alias", "initial_state") if release.has(f)), "")
    return jackson.CREATE_SHAPES[feature]


def _location(call: Call, name: str) -> str:
    return call.host_url().rstrip("/") + "/connectors/" + quote(name, safe="/!$&'()*+,;=:@-._~")


# -- RootResource ------------------------------------------------------------------------------


@route("healthCheck", "GET", "/health", consumes_json=False)
def health_check(call: Call) -> Answer:
    return Answer(call.cluster.health_check(), plain=True)


@route("getWorkerInfo", "GET", "/", consumes_json=False)
def get_worker_info(call: Call) -> Answer:
    return Answer(call.cluster.get_worker_info(), plain=True)


# -- ConnectorsResource ------------------------------------------------------------------------


@route("listConnectors", "GET", "/connectors", grows=True)
def list_connectors(call: Call) -> Answer:
    expand = call.args.getlist("expand") if "expand" in call.args else None
    return Answer(call.cluster.list_connectors(expand), plain=True)


@route("createConnector", "POST", "/connectors", reads_body=True)
def create_connector(call: Call) -> Answer:
    decoded = jackson.as_create_request(_body(call), _create_shape(call))
    created = call.cluster.create_connector(None if decoded is None else CreateRequest(*decoded))
    return Answer(created, 201, {"Location": _location(call, str(created["name"]))})


@route("getConnector", "GET", CONNECTOR)
def get_connector(call: Call, connector: str) -> Answer:
    return Answer(call.cluster.get_connector(connector), plain=True)


@route("deleteConnector", "DELETE", CONNECTOR)
def delete_connector(call: Call, connector: str) -> Answer:
    call.cluster.delete_connector(connector)
    return Answer(None, 204)


@route("getConnectorConfig", "GET", CONNECTOR + "/config")
def get_connector_config(call: Call, connector: str) -> Answer:
    return Answer(call.cluster.get_connector_config(connector), plain=True)


@route("putConnectorConfig", "PUT", CONNECTOR + "/config", reads_body=True)
def put_connector_config(call: Call, connector: str) -> Answer:
    created, info = call.cluster.put_connector_config(connector, jackson.as_string_map(_body(call)))
    if created:
        return Answer(info, 201, {"Location": _location(call, connector)})
    return Answer(info)


@route("patchConnectorConfig", "PATCH", CONNECTOR + "/config", reads_body=True)
def patch_connector_config(call: Call, connector: str) -> Answer:
    return Answer(call.cluster.patch_connector_config(connector, jackson.as_string_map(_body(call))), plain=True)


@route("getConnectorStatus", "GET", CONNECTOR + "/status")
def get_connector_status(call: Call, connector: str) -> Answer:
    return Answer(call.cluster.get_connector_status(connector), plain=True)


@route("restartConnector", "POST", CONNECTOR + "/restart")
def restart_connector(call: Call, connector: str) -> Answer:
    plan = call.cluster.restart_connector(connector, _flag(call, "includeTasks"), _flag(call, "onlyFailed"))
    return Answer(None, 204) if plan is None else Answer(plan, 202)


@route("pauseConnector", "PUT", CONNECTOR + "/pause")
def pause_connector(call: Call, connector: str) -> Answer:
    call.cluster.pause_connector(connector)
    return Answer(None, 202)


@route("resumeConnector", "PUT", CONNECTOR + "/resume")
def resume_connector(call: Call, connector: str) -> Answer:
    call.cluster.resume_connector(connector)
    return Answer(None, 202)


@route("stopConnector", "PUT", CONNECTOR + "/stop")
def stop_connector(call: Call, connector: str) -> Answer:
    call.cluster.stop_connector(connector)
    return Answer(None, 204)


@route("listConnectorTasks", "GET", CONNECTOR + "/tasks")
def list_connector_tasks(call: Call, connector: str) -> Answer:
    return Answer(call.cluster.list_connector_tasks(connector), plain=True)


@route("getTasksConfig", "GET", CONNECTOR + "/tasks-config")
def get_tasks_config(call: Call, connector: str) -> Answer:
    return Answer(call.cluster.get_tasks_config(connector), plain=True)


@route("getTaskStatus", "GET", TASK + "/status")
def get_task_status(call: Call, connector: str, task: int | None) -> Answer:
    return Answer(call.cluster.get_task_status(connector, _task_id(task)), plain=True)


@route("restartTask", "POST", TASK + "/restart")
def restart_task(call: Call, connector: str, task: int | None) -> Answer:
    call.cluster.restart_task(connector, _task_id(task))
    return Answer(None, 204)


def _task_id(task: int | None) -> int:
    if task is None:
        raise NotFound()  # the path parameter is not a Java Integer
    return task


@route("getConnectorActiveTopics", "GET", CONNECTOR + "/topics")
def get_connector_active_topics(call: Call, connector: str) -> Answer:
    return Answer(call.cluster.get_connector_active_topics(connector), plain=True)


@route("resetConnectorActiveTopics", "PUT", CONNECTOR + "/topics/reset")
def reset_connector_active_topics(call: Call, connector: str) -> Answer:
    call.cluster.reset_connector_active_topics(connector)
    return Answer(None, 202)


@route("getConnectorOffsets", "GET", CONNECTOR + "/offsets")
def get_connector_offsets(call: Call, connector: str) -> Answer:
    return Answer(call.cluster.get_connector_offsets(connector))


@route("alterConnectorOffsets", "PATCH", CONNECTOR + "/offsets", reads_body=True)
def alter_connector_offsets(call: Call, connector: str) -> Answer:
    return Answer(call.cluster.alter_connector_offsets(connector, jackson.as_offsets(_body(call))))


@route("resetConnectorOffsets", "DELETE", CONNECTOR + "/offsets")
def reset_connector_offsets(call: Call, connector: str) -> Answer:
    return Answer(call.cluster.reset_connector_offsets(connector))


# -- InternalConnectResource: answered as a worker answers an unsigned request ---------------------


@route("putTaskConfigs", "POST", CONNECTOR + "/tasks", consumes_json=False, reads_body=True)
def put_task_configs(call: Call, connector: str) -> Answer:
    jackson.as_task_configs(_body(call, as_bytes=True))
    _check_signature(call)
    raise AssertionError("unreachable: the mock never signs internal requests")


@route("fenceZombies", "PUT", CONNECTOR + "/fence", consumes_json=False)
def fence_zombies(call: Call, connector: str) -> Answer:
    _check_signature(call)
    raise AssertionError("unreachable: the mock never signs internal requests")


def _check_signature(call: Call) -> None:
    """No request can carry a valid signature: the mock holds no session key."""
    if call.header("X-Connect-Authorization") is None:
        raise BadRequest("Internal request missing required signature")
    raise Forbidden("Internal request contained invalid signature.")


# -- ConnectorPluginsResource ------------------------------------------------------------------


@route("listConnectorPlugins", "GET", "/connector-plugins")
def list_connector_plugins(call: Call) -> Answer:
    only = call.args.get("connectorsOnly")
    # JAX-RS uses the @DefaultValue("true") for an absent or empty parameter.
    return Answer(call.cluster.list_connector_plugins(True if not only else only.lower() == "true"))


@route("getConnectorConfigDef", "GET", "/connector-plugins/<segment:plugin>/config")
def get_connector_config_def(call: Call, plugin: str) -> Answer:
    return Answer(call.cluster.get_connector_config_def(plugin, call.args.get("version")))


@route("validateConnectorConfig", "PUT", "/connector-plugins/<segment:plugin>/config/validate", reads_body=True)
def validate_connector_config(call: Call, plugin: str) -> Answer:
    return Answer(call.cluster.validate_connector_config(plugin, jackson.as_string_map(_body(call))))


# -- LoggingResource ---------------------------------------------------------------------------


@route("listLoggers", "GET", "/admin/loggers")
def list_loggers(call: Call) -> Answer:
    return Answer(call.cluster.list_loggers(), plain=True)


@route("getLogger", "GET", "/admin/loggers/<segment:logger>")
def get_logger(call: Call, logger: str) -> Answer:
    return Answer(call.cluster.get_logger(logger), plain=True)


@route("setLevel", "PUT", "/admin/loggers/<segment:logger>", reads_body=True)
def set_level(call: Call, logger: str) -> Answer:
    names = call.cluster.set_level(logger, jackson.as_string_map(_body(call)), call.args.get("scope"))
    return Answer(None, 204) if names is None else Answer(names)


INTERNAL_OPERATIONS = frozenset({"putTaskConfigs", "fenceZombies"})
"""Routed like a real worker routes them, but never documented in the public contract."""


class FlaskCall:
    """A :class:`Call` over Flask's current request."""

    __slots__ = ("cluster", "args", "_request")

    def __init__(self) -> None:
        self._request = request._get_current_object()  # type: ignore[attr-defined]
        self.cluster: ConnectCluster = current_app.extensions["mockconnect"].cluster
        self.args: Args = self._request.args

    @property
    def body(self) -> bytes:
        data: bytes = self._request.get_data(cache=True)
        return data

    def header(self, name: str) -> str | None:
        value: str | None = self._request.headers.get(name)
        return value

    def host_url(self) -> str:
        return base_url(self._request.environ, self.cluster.release)


def _flask_view(view: View, grows: bool) -> Callable[..., Response]:
    def serve(**params: object) -> Response:
        with gc_paused() if grows else nullcontext():
            return answer_response(view(FlaskCall(), **params))

    serve.__name__ = serve.__qualname__ = view.__name__
    return serve


def register(app: Flask) -> None:
    app.url_map.converters["javaint"] = JavaIntConverter
    app.url_map.converters["segment"] = SegmentConverter
    for item in ROUTES:
        app.add_url_rule(
            item.rule, endpoint=item.operation_id, view_func=_flask_view(item.view, item.grows), methods=[item.method]
        )
