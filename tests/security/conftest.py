"""Fixtures of the security tests: a throwaway self-signed certificate and an auth file."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def auth_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.properties"
    path.write_text("# who may use the mock\nalice: secret\nbob=builder\n", encoding="utf-8")
    return path
