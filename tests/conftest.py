"""Fixtures shared by the domain, HTTP and socket tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from certificates import make_certificate
from flask import Flask
from flask.testing import FlaskClient
from helpers import Connect, source_config

from mockconnect.http.app import create_app
from mockconnect.mock.state import MockState
from mockconnect.worker.cluster import ConnectCluster, CreateRequest

pytest_plugins = ["pytester"]  # tests/plugin/ runs the mockconnect plugin in throwaway pytest sessions


@pytest.fixture
def cluster() -> ConnectCluster:
    return ConnectCluster()


@pytest.fixture
def make_source(cluster: ConnectCluster) -> Any:
    def make(name: str = "src", initial_state: str | None = None, **extra: str) -> dict[str, Any]:
        return cluster.create_connector(CreateRequest(name, source_config(**extra), initial_state))

    return make


@pytest.fixture
def state() -> MockState:
    return MockState()


@pytest.fixture
def app(state: MockState) -> Flask:
    return create_app(state)


@pytest.fixture
def client(app: Flask, state: MockState) -> Iterator[FlaskClient]:
    """A test client; at teardown no response may have broken the contract."""
    yield app.test_client()
    broken = [f"{e.describe()}: {e.response_problems or e.error}" for e in state.journal.problems()]
    assert not broken, "the mock broke its contract:\n" + "\n".join(broken)


@pytest.fixture
def connect(client: FlaskClient) -> Connect:
    return Connect(client)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(cert.pem, key.pem): a self-signed certificate for 127.0.0.1, made for this test run."""
    made = make_certificate(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("neither the cryptography package nor openssl is here to make a certificate")
    return made
