"""Thin views, one per Kafka Connect operation, each named by its operationId."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import NotFound

from mockconnect.http import body as jackson
from mockconnect.http.jackson import Dialect, dialect_of
from mockconnect.http.rawpath import JavaIntConverter, SegmentConverter
from mockconnect.http.reply import gc_paused, reply
from mockconnect.worker.cluster import ConnectCluster, CreateRequest
from mockconnect.worker.errors import BadRequest, Forbidden

View = Callable[..., Response]

CONNECTOR = "/connectors/<segment:connector>"
TASK = CONNECTOR + "/tasks/<javaint:task>"


@dataclass(frozen=True, slots=True)
class Route:
    """One routed operation: its rule, method, and whether Kafka's resource consumes JSON."""

    operation_id: str
    method: str
    rule: str
    view: View
    consumes_json: bool = True
    reads_body: bool = False


ROUTES: list[Route] = []


def route(
    operation_id: str, method: str, rule: str, *, consumes_json: bool = True, reads_body: bool = False
) -> Callable[[View], View]:
    def register(view: View) -> View:
        ROUTES.append(Route(operation_id, method, rule, view, consumes_json, reads_body))
        return view

    return register


def cluster() -> ConnectCluster:
    found: ConnectCluster = current_app.extensions["mockconnect"].cluster
    return found


def _flag(name: str) -> bool:
    """JAX-RS Boolean parameters use Boolean.valueOf: only a case-insensitive "true" is true."""
    return (request.args.get(name) or "").lower() == "true"


def _body(*, as_bytes: bool = False) -> jackson.Body:
    """The request body for the release's Jackson (:func:`dialect_of`); 2.13 (3.6) names its source in
    locations, the bytes themselves where the resource reads a ``byte[]``."""
    raw = request.get_data(cache=True)
    release = cluster().release
    if as_bytes and release.has("json_source_in_location"):
        return jackson.Body(raw, dialect=Dialect.of_bytes(raw))
    return jackson.Body(raw, dialect=dialect_of(release))


def _create_shape() -> jackson.CreateShape:
    release = cluster().release
    feature = next((f for f in ("initial_state_alias", "initial_state") if release.has(f)), "")
    return jackson.CREATE_SHAPES[feature]


def _location(name: str) -> str:
    return request.host_url.rstrip("/") + "/connectors/" + quote(name, safe="/!$&'()*+,;=:@-._~")


# -- RootResource ------------------------------------------------------------------------------


@route("healthCheck", "GET", "/health", consumes_json=False)
def health_check() -> Response:
    return reply(cluster().health_check(), plain=True)


@route("getWorkerInfo", "GET", "/", consumes_json=False)
def get_worker_info() -> Response:
    return reply(cluster().get_worker_info(), plain=True)


# -- ConnectorsResource ------------------------------------------------------------------------


@route("listConnectors", "GET", "/connectors")
def list_connectors() -> Response:
    expand = request.args.getlist("expand") if "expand" in request.args else None
    with gc_paused():
        return reply(cluster().list_connectors(expand), plain=True)


@route("createConnector", "POST", "/connectors", reads_body=True)
def create_connector() -> Response:
    decoded = jackson.as_create_request(_body(), _create_shape())
    created = cluster().create_connector(None if decoded is None else CreateRequest(*decoded))
    return reply(created, 201, {"Location": _location(str(created["name"]))})


@route("getConnector", "GET", CONNECTOR)
def get_connector(connector: str) -> Response:
    return reply(cluster().get_connector(connector), plain=True)


@route("deleteConnector", "DELETE", CONNECTOR)
def delete_connector(connector: str) -> Response:
    cluster().delete_connector(connector)
    return reply(None, 204)


@route("getConnectorConfig", "GET", CONNECTOR + "/config")
def get_connector_config(connector: str) -> Response:
    return reply(cluster().get_connector_config(connector), plain=True)


@route("putConnectorConfig", "PUT", CONNECTOR + "/config", reads_body=True)
def put_connector_config(connector: str) -> Response:
    created, info = cluster().put_connector_config(connector, jackson.as_string_map(_body()))
    if created:
        return reply(info, 201, {"Location": _location(connector)})
    return reply(info)


@route("patchConnectorConfig", "PATCH", CONNECTOR + "/config", reads_body=True)
def patch_connector_config(connector: str) -> Response:
    return reply(cluster().patch_connector_config(connector, jackson.as_string_map(_body())), plain=True)


@route("getConnectorStatus", "GET", CONNECTOR + "/status")
def get_connector_status(connector: str) -> Response:
    return reply(cluster().get_connector_status(connector), plain=True)


@route("restartConnector", "POST", CONNECTOR + "/restart")
def restart_connector(connector: str) -> Response:
    plan = cluster().restart_connector(connector, _flag("includeTasks"), _flag("onlyFailed"))
    return reply(None, 204) if plan is None else reply(plan, 202)


@route("pauseConnector", "PUT", CONNECTOR + "/pause")
def pause_connector(connector: str) -> Response:
    cluster().pause_connector(connector)
    return reply(None, 202)


@route("resumeConnector", "PUT", CONNECTOR + "/resume")
def resume_connector(connector: str) -> Response:
    cluster().resume_connector(connector)
    return reply(None, 202)


@route("stopConnector", "PUT", CONNECTOR + "/stop")
def stop_connector(connector: str) -> Response:
    cluster().stop_connector(connector)
    return reply(None, 204)


@route("listConnectorTasks", "GET", CONNECTOR + "/tasks")
def list_connector_tasks(connector: str) -> Response:
    return reply(cluster().list_connector_tasks(connector), plain=True)


@route("getTasksConfig", "GET", CONNECTOR + "/tasks-config")
def get_tasks_config(connector: str) -> Response:
    return reply(cluster().get_tasks_config(connector), plain=True)


@route("getTaskStatus", "GET", TASK + "/status")
def get_task_status(connector: str, task: int | None) -> Response:
    return reply(cluster().get_task_status(connector, _task_id(task)), plain=True)


@route("restartTask", "POST", TASK + "/restart")
def restart_task(connector: str, task: int | None) -> Response:
    cluster().restart_task(connector, _task_id(task))
    return reply(None, 204)


def _task_id(task: int | None) -> int:
    if task is None:
        raise NotFound()  # the path parameter is not a Java Integer
    return task


@route("getConnectorActiveTopics", "GET", CONNECTOR + "/topics")
def get_connector_active_topics(connector: str) -> Response:
    return reply(cluster().get_connector_active_topics(connector), plain=True)


@route("resetConnectorActiveTopics", "PUT", CONNECTOR + "/topics/reset")
def reset_connector_active_topics(connector: str) -> Response:
    cluster().reset_connector_active_topics(connector)
    return reply(None, 202)


@route("getConnectorOffsets", "GET", CONNECTOR + "/offsets")
def get_connector_offsets(connector: str) -> Response:
    return reply(cluster().get_connector_offsets(connector))


@route("alterConnectorOffsets", "PATCH", CONNECTOR + "/offsets", reads_body=True)
def alter_connector_offsets(connector: str) -> Response:
    return reply(cluster().alter_connector_offsets(connector, jackson.as_offsets(_body())))


@route("resetConnectorOffsets", "DELETE", CONNECTOR + "/offsets")
def reset_connector_offsets(connector: str) -> Response:
    return reply(cluster().reset_connector_offsets(connector))


# -- InternalConnectResource: answered as a worker answers an unsigned request ---------------------


@route("putTaskConfigs", "POST", CONNECTOR + "/tasks", consumes_json=False, reads_body=True)
def put_task_configs(connector: str) -> Response:
    jackson.as_task_configs(_body(as_bytes=True))
    _check_signature()
    raise AssertionError("unreachable: the mock never signs internal requests")


@route("fenceZombies", "PUT", CONNECTOR + "/fence", consumes_json=False)
def fence_zombies(connector: str) -> Response:
    _check_signature()
    raise AssertionError("unreachable: the mock never signs internal requests")


def _check_signature() -> None:
    """No request can carry a valid signature: the mock holds no session key."""
    if request.headers.get("X-Connect-Authorization") is None:
        raise BadRequest("Internal request missing required signature")
    raise Forbidden("Internal request contained invalid signature.")


# -- ConnectorPluginsResource ------------------------------------------------------------------


@route("listConnectorPlugins", "GET", "/connector-plugins")
def list_connector_plugins() -> Response:
    only = request.args.get("connectorsOnly")
    # JAX-RS uses the @DefaultValue("true") for an absent or empty parameter.
    return reply(cluster().list_connector_plugins(True if not only else only.lower() == "true"))


@route("getConnectorConfigDef", "GET", "/connector-plugins/<segment:plugin>/config")
def get_connector_config_def(plugin: str) -> Response:
    return reply(cluster().get_connector_config_def(plugin, request.args.get("version")))


@route("validateConnectorConfig", "PUT", "/connector-plugins/<segment:plugin>/config/validate", reads_body=True)
def validate_connector_config(plugin: str) -> Response:
    return reply(cluster().validate_connector_config(plugin, jackson.as_string_map(_body())))


# -- LoggingResource ---------------------------------------------------------------------------


@route("listLoggers", "GET", "/admin/loggers")
def list_loggers() -> Response:
    return reply(cluster().list_loggers(), plain=True)


@route("getLogger", "GET", "/admin/loggers/<segment:logger>")
def get_logger(logger: str) -> Response:
    return reply(cluster().get_logger(logger), plain=True)


@route("setLevel", "PUT", "/admin/loggers/<segment:logger>", reads_body=True)
def set_level(logger: str) -> Response:
    names = cluster().set_level(logger, jackson.as_string_map(_body()), request.args.get("scope"))
    return reply(None, 204) if names is None else reply(names)


INTERNAL_OPERATIONS = frozenset({"putTaskConfigs", "fenceZombies"})
"""Routed like a real worker routes them, but never documented in the public contract."""


def register(app: Flask) -> None:
    app.url_map.converters["javaint"] = JavaIntConverter
    app.url_map.converters["segment"] = SegmentConverter
    for item in ROUTES:
        app.add_url_rule(item.rule, endpoint=item.operation_id, view_func=item.view, methods=[item.method])
