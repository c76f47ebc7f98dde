"""The plain schemathesis command on the shipped contract passes against the mock, with openapi/schemathesis.toml."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from plain_schemathesis import CONFIG_LINE, plain_schemathesis

from mockconnect.server import MockConnect

MAX_EXAMPLES = "10"  # about 700 requests and 15 s a run


@pytest.fixture
def mock() -> Iterator[MockConnect]:
    with MockConnect() as served:
        yield served


def test_plain_schemathesis_passes_against_the_mock(mock: MockConnect) -> None:
    done = plain_schemathesis(mock.url, "--max-examples", MAX_EXAMPLES, "--seed", "0")
    assert CONFIG_LINE in done.stdout  # found from openapi/, not passed
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "27 selected / 27 total" in done.stdout


def test_without_the_configuration_the_mock_fails_the_checks_it_turns_off(mock: MockConnect, tmp_path: Path) -> None:
    """The control: schemathesis' defaults fail a faithful mock exactly where the configuration says."""
    empty = tmp_path / "schemathesis.toml"
    empty.write_text("")
    done = plain_schemathesis(mock.url, "--max-examples", MAX_EXAMPLES, "--seed", "0", config_file=empty)
    assert done.returncode == 1
    assert "ST204 Wrong response to undeclared method" in done.stdout  # 405 without Allow
