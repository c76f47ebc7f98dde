"""Fixtures of the security tests: a throwaway self-signed certificate and an auth file."""

from __future__ import annotations

from pathlib import Path

import pytest
from certificates import make_certificate


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(cert.pem, key.pem): a self-signed certificate for 127.0.0.1, made for this test run."""
    made = make_certificate(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("neither the cryptography package nor openssl is here to make a certificate")
    return made


@pytest.fixture
def auth_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.properties"
    path.write_text("# who may use the mock\nalice: secret\nbob=builder\n", encoding="utf-8")
    return path
