"""The contract and the routes agree, for every release: each documented operation is served, nothing else."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from mockconnect.http.views import INTERNAL_OPERATIONS
from mockconnect.release import Release, get_release, known_releases
from mockconnect.release.contract import kafka_contract
from mockconnect.worker.cluster import ConnectCluster

OPERATIONS = {
    "3.6.2": 27,
    "3.7.0": 27,
    "3.7.2": 27,
    "3.8.1": 28,
    "3.9.2": 29,
    "4.0.2": 28,
    "4.1.2": 28,
    "4.2.2": 28,
    "4.3.2": 28,
    "4.4.0": 28,
}
"""How many public operations each release's worker has (3.8 added PATCH config, 3.9 GET /health,
4.0 removed GET tasks-config)."""
RELEASES = sorted(known_releases())


def _flask_rule_to_template(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule)


def kafka_routes(app: Flask) -> dict[str, tuple[str, str]]:
    """operationId -> (method, path template) for every routed Kafka Connect endpoint of any release."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/_mockconnect"):
            continue  # the admin API has its own contract and its own parity test
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        assert len(methods) == 1, rule
        routes[rule.endpoint] = (methods[0], _flask_rule_to_template(rule.rule))
    return routes


@pytest.fixture(params=RELEASES)
def release(request: pytest.FixtureRequest) -> Release:
    return get_release(request.param)


def test_each_release_documents_its_own_operations(release: Release) -> None:
    assert len(kafka_contract(release.version).operations) == OPERATIONS.get(release.version, -1)


def test_every_documented_operation_is_served_at_its_path(app: Flask, release: Release) -> None:
    documented = {op_id: (op.method, op.path) for op_id, op in kafka_contract(release.version).operations.items()}
    routed = kafka_routes(app)
    assert {k: v for k, v in routed.items() if k in documented} == documented


def test_nothing_else_is_served_but_the_internal_endpoints(app: Flask, release: Release) -> None:
    """Routes of other releases exist, but a release's worker answers them as unrouted (404 or 405)."""
    served = set(kafka_routes(app)) - release.absent_operations
    assert served - set(kafka_contract(release.version).operations) == INTERNAL_OPERATIONS
    assert not release.absent_operations & set(kafka_contract(release.version).operations)


def test_the_view_serving_each_operation_bears_its_name(app: Flask, release: Release) -> None:
    for op_id in kafka_contract(release.version).operations:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", op_id).lower()
        assert app.view_functions[op_id].__name__ == snake
        assert callable(getattr(ConnectCluster, snake)), f"ConnectCluster has no method {snake}"
