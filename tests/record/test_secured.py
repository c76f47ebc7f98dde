"""Recording a worker behind basic auth and TLS, with the conformance runner's option names."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockconnect.cli import main
from mockconnect.mock import scenario
from mockconnect.server import MockConnect


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["record", *args])
    return code, capsys.readouterr().err


def seeded(mock: MockConnect) -> MockConnect:
    mock.state.load_scenario(scenario.load("healthy-cluster"))
    return mock


def test_basic_auth(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "secured.yaml"
    with MockConnect(users={"alice": "secret"}) as mock:
        seeded(mock)
        code, err = run(capsys, mock.url, "-o", str(out))
        assert code == 2
        assert "GET / answered 401: the worker asks for credentials" in err
        code, err = run(capsys, mock.url, "-o", str(out), "--user", "alice", "--password", "wrong")
        assert code == 2
        assert "the credentials were refused" in err
        monkeypatch.setenv("MOCKCONNECT_RECORD_PASSWORD", "secret")
        code, err = run(capsys, mock.url, "-o", str(out), "--user", "alice")
        assert code == 0, err
    assert len(scenario.load(out).state["connectors"]) == 7


def test_tls(capsys: pytest.CaptureFixture[str], tmp_path: Path, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    out = tmp_path / "tls.yaml"
    with MockConnect(certfile=cert, keyfile=key) as mock:
        seeded(mock)
        assert mock.url.startswith("https://")
        code, err = run(capsys, mock.url, "-o", str(out))
        assert code == 2
        assert "TLS with https://127.0.0.1" in err
        assert "--cacert" in err
        code, err = run(capsys, mock.url, "-o", str(out), "--cacert", str(cert))
        assert code == 0, err
        assert len(scenario.load(out).state["connectors"]) == 7
        out.unlink()
        code, err = run(capsys, mock.url, "-o", str(out), "--insecure", "--quiet")
        assert code == 0, err
        assert "connectors 7/7" not in err  # --quiet: no progress, only the summary
    assert len(scenario.load(out).state["connectors"]) == 7
