"""The contract and the routes agree: every documented operation is served, nothing else is routed."""

from __future__ import annotations

import re

from flask import Flask

from mockconnect.http.views import INTERNAL_OPERATIONS
from mockconnect.release.contract import kafka_contract
from mockconnect.worker.cluster import ConnectCluster

OPERATIONS = 27


def _flask_rule_to_template(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule)


def kafka_routes(app: Flask) -> dict[str, tuple[str, str]]:
    """operationId -> (method, path template) for every routed Kafka Connect endpoint."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/_mockconnect"):
            continue  # the admin API has its own contract and its own parity test
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        assert len(methods) == 1, rule
        routes[rule.endpoint] = (methods[0], _flask_rule_to_template(rule.rule))
    return routes


def test_every_documented_operation_is_served_at_its_path(app: Flask) -> None:
    documented = {op_id: (op.method, op.path) for op_id, op in kafka_contract().operations.items()}
    assert len(documented) == OPERATIONS
    routed = kafka_routes(app)
    assert {k: v for k, v in routed.items() if k in documented} == documented


def test_nothing_else_is_routed_but_the_internal_endpoints(app: Flask) -> None:
    extra = set(kafka_routes(app)) - set(kafka_contract().operations)
    assert extra == INTERNAL_OPERATIONS


def test_the_view_serving_each_operation_bears_its_name(app: Flask) -> None:
    for op_id in kafka_contract().operations:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", op_id).lower()
        assert app.view_functions[op_id].__name__ == snake
        assert callable(getattr(ConnectCluster, snake)), f"ConnectCluster has no method {snake}"
