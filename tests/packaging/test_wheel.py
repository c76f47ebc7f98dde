"""The wheel users install carries the contract documents, the catalog and the entry points."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("mockconnect-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_ships_the_contract_and_catalog(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert "mockconnect/_shipped/openapi/kafka-connect.yaml" in names
    assert "mockconnect/_shipped/openapi/seed/kafka-connect-rest-api.seed.yaml" in names
    assert "mockconnect/release/data/3.7.0/catalog.json" in names
    assert "mockconnect/py.typed" in names
    shipped = wheel.read("mockconnect/_shipped/openapi/kafka-connect.yaml")
    assert shipped == (ROOT / "openapi/kafka-connect.yaml").read_bytes()


def test_wheel_declares_the_console_script(wheel: zipfile.ZipFile) -> None:
    [entry_points] = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "mockconnect = mockconnect.cli:main" in text


def test_wheel_ships_the_scenarios_and_their_schema(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    shipped = {path.name for path in (ROOT / "scenarios").iterdir() if path.suffix in (".yaml", ".json")}
    assert {"scenario.schema.json", "failing-task.yaml"} <= shipped
    assert {f"mockconnect/_shipped/scenarios/{name}" for name in shipped} <= names
